//! Version negotiation: VER comes first and once, requests pipelined before the VER reply are checked as the
//! highest version offered, and the server's reply chooses the connection's version. Connections without VER are
//! switchboard connections or, with `--version`, fragments.

use super::{Severity, Spot, Validator};
use crate::spec::{Dir, Services, VersionDef};
use crate::typed::matcher::select;
use crate::wire::raw::RawCommand;

/// The expected form of the line VER starts a connection with, for diagnostics.
const VER_FORM: &str = "VER TrID dialects...";

/// Where a connection's VER exchange is.
pub(super) enum Negotiation {
    /// No VER yet.
    Fresh,
    /// VER sent; the spec's versions among the dialects offered, as bits by rank (0 when none is known).
    Offered(u64),
    /// VER answered.
    Done,
}

impl Validator<'_> {
    /// The version to check a line against, or `None` (after reporting why) when there is none.
    pub(super) fn version_for(&mut self, dir: Dir, raw: &RawCommand<'_>) -> Option<&'static VersionDef> {
        if self.conn.stuck {
            return None;
        }
        if let Some(version) = self.conn.version {
            return Some(version);
        }
        match (&self.conn.negotiation, raw.name(), dir) {
            // VER is the same in every dialect; any version parses it.
            (_, "VER", _) => self.options.version.or(self.last_version).or(self.options.spec.versions.last()),
            (Negotiation::Offered(offered), _, Dir::Client) if *offered != 0 => self.pipelined(*offered, raw),
            (Negotiation::Offered(_), _, _) => {
                let spot = self.spot_of(raw.line(), raw.name_span());
                let message = format!("`{}` before the server answered VER", raw.name());
                self.report(Severity::Error, "ver-first", spot, message, Some(VER_FORM.into()), None);
                self.conn.stuck = true;
                None
            }
            _ => self.without_ver(dir, raw),
        }
    }

    /// A client request sent before the VER reply. Real clients did so, and servers answered them: nothing forbids
    /// it, but the request is in a version not yet agreed. It is checked as the highest version `offered`; if the
    /// server chooses another, that is an error at the first of them.
    fn pipelined(&mut self, offered: u64, raw: &RawCommand<'_>) -> Option<&'static VersionDef> {
        let rank = 63 - offered.leading_zeros() as usize;
        let assumed = self.options.version.or_else(|| self.options.spec.versions.get(rank))?;
        let spot = self.spot_of(raw.line(), raw.name_span());
        let message = format!(
            "`{}` sent before the server answered VER: checked as {}, the highest version offered",
            raw.name(),
            assumed.name
        );
        if self.conn.pipelined.is_none() {
            self.conn.pipelined = Some((assumed, spot.clone(), raw.name().to_string()));
        }
        self.report(Severity::Warning, "pipelined-request", spot, message, None, None);
        Some(assumed)
    }

    /// The version of a connection whose first line is not VER: a switchboard connection's (it starts with USR or
    /// ANS), the one `--version` names for a fragment, or none (an error; the connection is not checked).
    fn without_ver(&mut self, dir: Dir, raw: &RawCommand<'_>) -> Option<&'static VersionDef> {
        if let Some(version) = self.options.version.or(self.last_version)
            && let Some(command) = version.command(raw.name())
            && select(command, dir, Services::SB, raw).is_ok()
            && !self.conn.services.intersect(Services::SB).is_empty()
        {
            self.conn.services = Services::SB;
            self.conn.version = Some(version);
            return Some(version);
        }
        let spot = self.spot_of(raw.line(), raw.name_span());
        if let Some(version) = self.options.version {
            // The user named the version: the transcript is a fragment that starts mid-session. Say so once, as a
            // warning, and check the lines as that version.
            let message =
                format!("no VER before this line: a fragment; its lines are checked as {} (--version)", version.name);
            self.report(Severity::Warning, "ver-first", spot, message, Some(VER_FORM.into()), None);
            self.conn.version = Some(version);
            self.conn.negotiation = Negotiation::Done;
            return Some(version);
        }
        let message =
            "VER comes first on a connection; without it the version is unknown and the connection is not checked"
                .to_string();
        let hint =
            "a switchboard connection starts with USR or ANS; --version names the version of a fragment".to_string();
        self.report(Severity::Error, "ver-first", spot, message, Some(VER_FORM.into()), Some(hint));
        self.conn.stuck = true;
        None
    }

    /// Handles VER: once per connection, and the reply decides the version.
    pub(super) fn negotiate(&mut self, dir: Dir, raw: &RawCommand<'_>) {
        match dir {
            Dir::Client => {
                if !matches!(self.conn.negotiation, Negotiation::Fresh) {
                    let spot = self.spot_of(raw.line(), raw.name_span());
                    self.report(
                        Severity::Error,
                        "ver-twice",
                        spot,
                        "VER is sent once per connection".into(),
                        None,
                        None,
                    );
                }
                // Every argument after the TrID is a dialect.
                let spec = self.options.spec;
                let offered =
                    raw.args().skip(1).filter_map(|d| spec.version(d)).fold(0u64, |bits, v| bits | 1 << v.rank);
                self.conn.negotiation = Negotiation::Offered(offered);
            }
            Dir::Server => {
                let offered = match std::mem::replace(&mut self.conn.negotiation, Negotiation::Done) {
                    Negotiation::Offered(offered) => offered,
                    Negotiation::Done => {
                        let spot = self.spot_of(raw.line(), raw.name_span());
                        self.report(
                            Severity::Error,
                            "ver-twice",
                            spot,
                            "VER was already answered on this connection".into(),
                            None,
                            None,
                        );
                        return;
                    }
                    Negotiation::Fresh => 0,
                };
                self.choose_version(raw, offered);
            }
        }
    }

    /// The server answered VER: the version it chose (the highest of those it lists) becomes the connection's,
    /// unless `--version` forces another.
    fn choose_version(&mut self, raw: &RawCommand<'_>, offered: u64) {
        let spec = self.options.spec;
        let span = raw.arg_span(1).unwrap_or(0..0);
        let first = raw.arg(1).unwrap_or_default();
        let pipelined = self.conn.pipelined.take();
        if first == "0" {
            if let Some((assumed, spot, name)) = pipelined {
                self.pipelined_refused(assumed, spot, &name, "accepted none of the versions offered");
            }
            self.conn.version = None;
            self.conn.stuck = true;
            return;
        }
        // The server may list every dialect it supports of those offered; the highest one is used.
        let chosen = raw.args().skip(1).filter_map(|d| spec.version(d)).max_by_key(|v| v.rank);
        let Some(version) = chosen else {
            let spot = self.spot_of(raw.line(), span);
            let message = format!("`{first}` is not a version this spec knows ({})", spec.version_names());
            self.report(Severity::Error, "unknown-version", spot, message, None, None);
            self.conn.stuck = true;
            return;
        };
        if let Some((assumed, spot, name)) = pipelined
            && self.options.version.is_none()
            && assumed.rank != version.rank
        {
            self.pipelined_refused(assumed, spot, &name, &format!("chose {}", version.name));
        }
        if offered != 0 && offered & (1 << version.rank) == 0 {
            let spot = self.spot_of(raw.line(), span.clone());
            let message = format!("the server chose {}, which the client did not offer", version.name);
            self.report(Severity::Error, "ver-not-offered", spot, message, None, None);
        }
        match self.options.version {
            Some(forced) if forced.name != version.name => {
                let spot = self.spot_of(raw.line(), span);
                let message = format!(
                    "the server chose {}; the connection is checked as {} (--version)",
                    version.name, forced.name
                );
                self.report(Severity::Warning, "version-override", spot, message, None, None);
                self.conn.version = Some(forced);
            }
            Some(forced) => self.conn.version = Some(forced),
            None => self.conn.version = Some(version),
        }
        self.last_version = self.conn.version;
    }

    /// A request sent before the VER reply, in a version the server then did not choose.
    fn pipelined_refused(&mut self, assumed: &'static VersionDef, spot: Spot, name: &str, what: &str) {
        let message =
            format!("`{name}` was sent before the server answered VER, in {}; the server then {what}", assumed.name);
        self.report(Severity::Error, "ver-first", spot, message, Some(VER_FORM.into()), None);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{MSNP8, codes, codes_with, forced, options, validate};

    #[test]
    fn a_connection_without_ver_is_not_checked() {
        let (summary, diagnostics) = validate("C: CHG 2 NLN 0\nS: CHG 2 NLN 0\nC: CHG x\n", &options());
        let found: Vec<_> = diagnostics.iter().map(|d| (d.line, d.code, d.hint.is_some())).collect();
        assert_eq!(found, [(1, "ver-first", true)], "one error, then the connection is not checked");
        assert_eq!(summary.versions, Vec::<&str>::new());
    }

    #[test]
    fn a_fragment_is_checked_as_the_version_named() {
        let found = codes_with("C: CHG 2 NLN 0\nS: CHG 2 NLN 0\nC: CHG x\n", &forced("MSNP8"));
        assert_eq!(found, [(1, "ver-first"), (3, "trid")]);
        let (_, diagnostics) = validate("C: CHG 2 NLN 0\n", &forced("MSNP8"));
        assert_eq!(diagnostics[0].severity, crate::validate::Severity::Warning);
    }

    #[test]
    fn ver_is_sent_and_answered_once() {
        assert!(codes(MSNP8).is_empty());
        assert_eq!(codes(&format!("{MSNP8}C: VER 2 MSNP8 CVR0\n")), [(3, "ver-twice")]);
        // The reply is also a second answer to the VER request.
        assert_eq!(codes(&format!("{MSNP8}S: VER 1 MSNP8\n")), [(3, "ver-twice"), (3, "duplicate-reply")]);
    }

    #[test]
    fn the_server_chooses_among_the_versions_offered() {
        let (summary, diagnostics) = validate("C: VER 1 MSNP8 MSNP7 CVR0\nS: VER 1 MSNP7\n", &options());
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(summary.versions, ["MSNP7"]);
        // Some servers list every dialect they support of those offered: the highest is used.
        let (summary, _) = validate("C: VER 1 MSNP8 MSNP7 CVR0\nS: VER 1 MSNP7 MSNP8 CVR0\n", &options());
        assert_eq!(summary.versions, ["MSNP8"]);
        assert_eq!(codes("C: VER 1 MSNP8 CVR0\nS: VER 1 MSNP7\n"), [(2, "ver-not-offered")]);
    }

    #[test]
    fn a_refusal_leaves_the_connection_unchecked() {
        let (summary, diagnostics) = validate("C: VER 1 MSNP8 CVR0\nS: VER 1 0\nC: CHG x\n", &options());
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(summary.connections[0].version, None);
    }

    #[test]
    fn a_version_the_spec_does_not_know_is_reported() {
        let (_, diagnostics) = validate("C: VER 1 MSNP8 CVR0\nS: VER 1 MSNP99\n", &options());
        let found: Vec<_> = diagnostics.iter().map(|d| (d.line, d.column, d.code)).collect();
        assert_eq!(found, [(2, 10, "unknown-version")]);
    }

    #[test]
    fn requests_before_the_ver_reply_are_checked_as_the_highest_version_offered() {
        let text = "C: VER 1 MSNP8 MSNP7 CVR0\nC: CHG 2 NLN 0\nS: VER 1 MSNP8\nS: CHG 2 NLN 0\n";
        let (_, diagnostics) = validate(text, &options());
        let found: Vec<_> = diagnostics.iter().map(|d| (d.line, d.severity, d.code)).collect();
        assert_eq!(found, [(2, crate::validate::Severity::Warning, "pipelined-request")]);
        assert!(diagnostics[0].message.contains("checked as MSNP8"), "{}", diagnostics[0].message);
        // The server then chose another version: an error at the first pipelined request.
        let text = "C: VER 1 MSNP8 MSNP7 CVR0\nC: CHG 2 NLN 0\nC: PNG\nS: VER 1 MSNP7\n";
        assert_eq!(codes(text), [(2, "pipelined-request"), (3, "pipelined-request"), (2, "ver-first")]);
        // Or none.
        let text = "C: VER 1 MSNP8 CVR0\nC: PNG\nS: VER 1 0\n";
        assert_eq!(codes(text), [(2, "pipelined-request"), (2, "ver-first")]);
    }

    #[test]
    fn a_server_line_before_the_ver_reply_is_an_error() {
        assert_eq!(codes("C: VER 1 MSNP8 CVR0\nS: CHG 2 NLN 0\nS: VER 1 MSNP8\n"), [(2, "ver-first")]);
    }

    #[test]
    fn a_forced_version_overrides_the_servers_choice() {
        let (summary, diagnostics) = validate("C: VER 1 MSNP8 MSNP7 CVR0\nS: VER 1 MSNP7\n", &forced("MSNP8"));
        let found: Vec<_> = diagnostics.iter().map(|d| (d.line, d.code)).collect();
        assert_eq!(found, [(2, "version-override")]);
        assert_eq!(summary.versions, ["MSNP8"]);
    }
}
