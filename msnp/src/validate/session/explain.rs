//! Diagnostics for lines the spec does not allow: error replies, commands the version lacks, and lines that match
//! no form (with the closest form's mismatch, and the version whose form the line would match).

use super::{Severity, Validator};
use crate::spec::{Dir, Services, VersionDef};
use crate::typed::matcher::{Closest, MismatchKind, select};
use crate::typed::{ErrorReply, describe_mismatch};
use crate::wire::raw::RawCommand;

impl Validator<'_> {
    /// Checks an error reply: sent by the server, in the version's form, with a code the version lists, answering
    /// a request.
    pub(super) fn error_reply(&mut self, dir: Dir, raw: &RawCommand<'_>) {
        if dir == Dir::Client {
            let spot = self.spot_of(raw.line(), raw.name_span());
            self.report(
                Severity::Error,
                "wrong-direction",
                spot,
                "error codes are sent by the server only".into(),
                None,
                None,
            );
            return;
        }
        let (code, tr_id, length) = match ErrorReply::parse_line(raw) {
            Ok(line) => line,
            Err(e) => {
                let spot = self.spot_of(raw.line(), raw.arg_span(0).unwrap_or_else(|| raw.name_span()));
                self.report(Severity::Error, "error-reply", spot, e.to_string(), Some("NNN TrID".into()), None);
                return;
            }
        };
        let reply = ErrorReply { code, tr_id, payload: None };
        if let (Some(_), Some(version)) = (length, self.conn.version.or(self.options.version).or(self.last_version))
            && !version.error_payload
        {
            let spot = self.spot_of(raw.line(), raw.arg_span(1).unwrap_or(0..0));
            let message = format!("error replies carry no payload in {}", version.name);
            self.report(Severity::Error, "error-reply", spot, message, Some("NNN TrID".into()), None);
        }
        let version = self.conn.version.or(self.options.version).or(self.last_version);
        let meaning = self.options.spec.error(reply.code);
        if let Some(version) = version
            && !version.knows_error(reply.code)
        {
            let spot = self.spot_of(raw.line(), raw.name_span());
            let message = format!("error {} is not listed for {}", reply.code, version.name);
            let hint = meaning.map(|m| format!("elsewhere it means: {}", m.doc));
            self.report(Severity::Warning, "unknown-error-code", spot, message, None, hint);
        }
        if reply.tr_id != 0 && !self.conn.requests.contains(reply.tr_id) {
            let spot = self.spot_of(raw.line(), raw.arg_span(0).unwrap_or(0..0));
            let message = format!(
                "error {} answers no earlier request (no client command used TrID {})",
                reply.code, reply.tr_id
            );
            self.report(Severity::Error, "unanswered-reply", spot, message, None, None);
        }
    }

    /// A command the version does not have: says where it was removed, or which version has it.
    pub(super) fn unknown_command(&mut self, version: &'static VersionDef, dir: Dir, raw: &RawCommand<'_>) {
        let spec = self.options.spec;
        let name = raw.name();
        let removed = spec.versions[..=version.rank]
            .iter()
            .rev()
            .find_map(|v| v.removed.iter().find(|r| r.name == name).map(|r| (v.name, r.doc)));
        let later = spec.versions[version.rank..].iter().find(|v| v.command(name).is_some());
        let earlier = spec.versions[..version.rank].iter().rev().find(|v| v.command(name).is_some());
        let mut hint = match (removed, later, earlier) {
            (Some((at, doc)), _, _) => Some(format!("{name} was removed in {at}: {doc}")),
            (None, Some(v), _) => Some(format!("{name} first appears in {}", v.name)),
            (None, None, Some(v)) => Some(format!("{name} exists in {}", v.name)),
            (None, None, None) => None,
        };
        if let Some(form_hint) = self.other_version_hint(version, dir, raw) {
            hint = Some(form_hint);
        }
        let spot = self.spot_of(raw.line(), raw.name_span());
        let message = format!("`{name}` is not a command of {}", version.name);
        self.report(Severity::Error, "unknown-command", spot, message, None, hint);
    }

    /// A line that matches none of its command's forms: the closest form and what differs, or why no form applies.
    pub(super) fn mismatch(
        &mut self,
        version: &'static VersionDef,
        name: &'static str,
        dir: Dir,
        raw: &RawCommand<'_>,
        closest: Option<Closest>,
    ) {
        let hint = self.other_version_hint(version, dir, raw);
        let Some(closest) = closest else {
            // No form in this direction for this connection's services.
            let command = version.command(name);
            let any_dir = command.is_some_and(|c| c.forms_from(dir).next().is_some());
            let spot = self.spot_of(raw.line(), raw.name_span());
            let (code, message) = if any_dir {
                let services = command
                    .map(|c| c.forms_from(dir).fold(Services(0), |s, f| s.union(f.services)))
                    .unwrap_or(Services(0));
                (
                    "wrong-service",
                    format!(
                        "`{name}` from the {} is used on {}, but this connection is {}",
                        dir.word(),
                        services.describe(),
                        self.conn.services.describe()
                    ),
                )
            } else {
                ("wrong-direction", format!("`{name}` is never sent by the {} in {}", dir.word(), version.name))
            };
            let expected = command
                .and_then(|c| c.forms_from(dir.other()).next())
                .map(|f| format!("{} (from the {})", f.shape.synopsis(), dir.other().word()));
            self.report(Severity::Error, code, spot, message, expected, hint);
            return;
        };
        let span = match closest.mismatch.token {
            Some(i) => raw.arg_span(i).unwrap_or(0..0),
            None => raw.line().len()..raw.line().len(),
        };
        let code = match closest.mismatch.kind {
            MismatchKind::TridMissing | MismatchKind::TridInvalid(_) | MismatchKind::TridNotZero => "trid",
            MismatchKind::ArgMissing | MismatchKind::ExtraArg => "arg-count",
            MismatchKind::LiteralExpected(_) => "literal",
            _ => "arg-type",
        };
        let message = format!("{name}: {}", describe_mismatch(closest.form.shape, raw, &closest.mismatch));
        let spot = self.spot_of(raw.line(), span);
        self.report(Severity::Error, code, spot, message, Some(closest.form.shape.synopsis()), hint);
    }

    /// When a line fails in `version` but matches another version's form, says which: "this is the MSNP7 form
    /// of LST (valid in MSNP2-MSNP7)".
    fn other_version_hint(&self, version: &'static VersionDef, dir: Dir, raw: &RawCommand<'_>) -> Option<String> {
        self.version_hint(version, dir, raw, None)
    }

    /// Like [`Self::other_version_hint`]; with `answering`, the other version's form must also answer that
    /// request (a reply whose syntax fits this version but whose TrID belongs to a request it does not answer).
    pub(super) fn version_hint(
        &self,
        version: &'static VersionDef,
        dir: Dir,
        raw: &RawCommand<'_>,
        answering: Option<&str>,
    ) -> Option<String> {
        let versions = self.options.spec.versions;
        let fits = |v: &'static VersionDef| {
            v.command(raw.name()).is_some_and(|c| match select(c, dir, Services::ALL, raw) {
                Ok((form, _)) => answering.is_none_or(|request| form.answers.contains(&request)),
                Err(_) => false,
            })
        };
        let nearest = versions
            .iter()
            .filter(|v| v.rank != version.rank && fits(v))
            .min_by_key(|v| (v.rank.abs_diff(version.rank), std::cmp::Reverse(v.rank)))?;
        let mut first = nearest.rank;
        while first > 0 && first - 1 != version.rank && fits(&versions[first - 1]) {
            first -= 1;
        }
        let mut last = nearest.rank;
        while last + 1 < versions.len() && last + 1 != version.rank && fits(&versions[last + 1]) {
            last += 1;
        }
        let range = if first == last {
            format!("valid in {}", versions[first].name)
        } else {
            format!("valid in {}-{}", versions[first].name, versions[last].name)
        };
        Some(format!("this is the {} form of {} ({range})", nearest.name, raw.name()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{MSNP8, codes, options, validate};

    #[test]
    fn error_replies_come_from_the_server_and_answer_a_request() {
        assert!(codes(&format!("{MSNP8}C: CHG 2 NLN 0\nS: 201 2\n")).is_empty());
        assert_eq!(codes(&format!("{MSNP8}C: 201 2\n")), [(3, "wrong-direction")]);
        assert_eq!(codes(&format!("{MSNP8}S: 201 7\n")), [(3, "unanswered-reply")]);
        assert_eq!(codes(&format!("{MSNP8}C: CHG 2 NLN 0\nS: 999 2\n")), [(4, "unknown-error-code")]);
    }

    #[test]
    fn a_command_the_version_lacks_says_where_it_is() {
        let (_, diagnostics) = validate(&format!("{MSNP8}C: ZZZ 2\n"), &options());
        assert_eq!((diagnostics[0].code, diagnostics[0].hint.as_deref()), ("unknown-command", None));
        assert_eq!(diagnostics[0].message, "`ZZZ` is not a command of MSNP8");
        let (_, diagnostics) = validate(&format!("{MSNP8}C: ADC 2 FL N=a@b.c F=a\n"), &options());
        assert_eq!(diagnostics[0].code, "unknown-command");
        assert_eq!(diagnostics[0].hint.as_deref(), Some("this is the MSNP10 form of ADC (valid in MSNP10-MSNP12)"));
    }

    #[test]
    fn a_mismatch_is_coded_by_what_differs() {
        assert_eq!(codes(&format!("{MSNP8}C: CHG x NLN 0\n")), [(3, "trid")]);
        assert_eq!(codes(&format!("{MSNP8}C: CHG 2\n")), [(3, "arg-count")]);
        assert_eq!(codes(&format!("{MSNP8}C: CHG 2 NLN 0 1 2 3\n")), [(3, "arg-count")]);
        assert_eq!(codes(&format!("{MSNP8}C: CHG 2 NLN x\n")), [(3, "arg-type")]);
    }

    #[test]
    fn a_command_from_the_wrong_side_is_reported() {
        let (_, diagnostics) = validate(&format!("{MSNP8}S: PNG\n"), &options());
        let d = &diagnostics[0];
        assert_eq!((d.line, d.code), (3, "wrong-direction"));
        assert_eq!(d.expected.as_deref(), Some("PNG (from the client)"));
    }

    #[test]
    fn a_line_in_another_versions_form_is_named_in_the_hint() {
        let (_, diagnostics) = validate("C: VER 1 MSNP7\nS: VER 1 MSNP7\nC: CHG 2 NLN 0\n", &options());
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(diagnostics[0].code, "arg-count");
        assert_eq!(diagnostics[0].hint.as_deref(), Some("this is the MSNP8 form of CHG (valid in MSNP8-MSNP18)"));
    }
}
