//! Checking one command line: its name, the version to check it in, the form it matches (trying the other way to
//! join a continued line), and what a matched line settles; then the payload it announces, if any, is framed.

use super::{Severity, Validator};
use crate::spec::{CommandDef, Dir, FormDef, Trid, VersionDef};
use crate::typed::matcher::select_checking;
use crate::validate::Command;
use crate::wire::frame::payload_length;
use crate::wire::raw::{RawCommand, Tokens};

impl Validator<'_> {
    /// The version whose payload rule frames the line, when the connection has none yet.
    fn framing_version(&self) -> Option<&'static VersionDef> {
        self.conn.version.or(self.options.version).or(self.last_version).or(self.options.spec.versions.last())
    }

    /// Checks a command line; `tight` is the other way to join a continued line, used if `text` does not match.
    pub(super) fn command<'t>(&mut self, dir: Dir, text: &'t str, tight: Option<&'t str>) {
        self.matched = None;
        let mut slot = None;
        let raw: &RawCommand<'t> = RawCommand::parse_into(&mut slot, text, b"", Tokens::Transcript);
        if self.conn.closed && dir == Dir::Client && raw.name() == "VER" {
            // A client only sends VER on a fresh connection, so after a disconnect this starts the next one.
            self.new_connection(self.joined_parts.first().map_or(1, |p| p.line));
        }
        self.conn.used = true;
        let mut chosen = None;
        let checked = self.check_command(dir, raw, tight, &mut chosen);
        let raw = chosen.as_ref().unwrap_or(raw);
        // Framing uses the command the check found, or (when the line could not be checked) the best guess of
        // the version, so that payload lines are never taken for prose.
        let framed = match checked {
            Some(command) => payload_of(command, dir, raw),
            None => self.framing_version().and_then(|v| payload_length(v, dir, raw)),
        };
        if let Some(announced) = framed
            && self.start_payload(announced, raw, dir)
        {
            return;
        }
        if self.sink.wants_commands() {
            let line = self.joined_parts.first().map_or(0, |p| p.line);
            self.sink.command(Command { line, dir, version: self.conn.version, text: raw.line(), payload: b"" });
        }
    }

    /// Checks one command line; returns its command when the line's version has it. When the tight join of a
    /// continued line matched instead, it is left in `chosen`.
    fn check_command<'t>(
        &mut self,
        dir: Dir,
        raw: &RawCommand<'t>,
        tight: Option<&'t str>,
        chosen: &mut Option<RawCommand<'t>>,
    ) -> Option<&'static CommandDef> {
        let name = raw.name();
        if name.is_empty() {
            let spot = self.spot_of(raw.line(), 0..0);
            self.report(Severity::Error, "not-a-command", spot, "empty command line".into(), None, None);
            return None;
        }
        if !is_command_name(name) {
            let spot = self.spot_of(raw.line(), raw.name_span());
            let message =
                format!("`{name}` is not a command: a command is three uppercase letters, an error code three digits");
            self.report(Severity::Error, "not-a-command", spot, message, None, None);
            return None;
        }
        if raw.is_error_code() {
            self.error_reply(dir, raw);
            return None;
        }
        let version = self.version_for(dir, raw)?;
        let Some(command) = version.command(name) else {
            self.unknown_command(version, dir, raw);
            return None;
        };
        match select_checking(command, dir, self.conn.services, raw) {
            Ok((form, trid)) => {
                let (form, trid) = self.fitting_form(command, dir, raw, form, trid);
                self.accept(dir, raw, form, trid)
            }
            Err(closest) => {
                if let Some(tight) = tight {
                    let alternative: &RawCommand<'t> = RawCommand::parse_into(chosen, tight, b"", Tokens::Transcript);
                    if alternative.name() == raw.name()
                        && let Ok((form, trid)) = select_checking(command, dir, self.conn.services, alternative)
                    {
                        std::mem::swap(&mut self.joined_parts, &mut self.tight_parts);
                        self.accept(dir, alternative, form, trid);
                        return Some(command);
                    }
                    *chosen = None;
                }
                self.mismatch(version, command.name, dir, raw, closest);
                match dir {
                    Dir::Server => self.count_unmatched(raw, command.name),
                    Dir::Client => self.remember_unmatched(raw, command),
                }
            }
        }
        Some(command)
    }

    /// Takes a line that matched `form`: the form's warnings, the services and version it settles, and the
    /// bookkeeping of requests and answers.
    fn accept(&mut self, dir: Dir, raw: &RawCommand<'_>, form: &'static FormDef, trid: Option<u32>) {
        self.matched = Some(form);
        if let Some(warning) = form.warn {
            let spot = self.spot_of(raw.line(), 0..raw.line().len());
            self.report(Severity::Warning, "tolerated-form", spot, format!("{}: {warning}", form.command), None, None);
        }
        if let Some(seen) = form.evidence.seen.filter(|_| form.evidence.seen_only()) {
            // Real servers or clients send it, but no documentation gives it: a server author should know.
            let spot = self.spot_of(raw.line(), 0..raw.line().len());
            let message =
                format!("{}: this form is not in the documentation; it was seen in real traffic", form.command);
            let hint = format!("seen: {seen}");
            self.report(Severity::Warning, "undocumented-form", spot, message, Some(form.shape.synopsis()), Some(hint));
        }
        self.conn.services = self.conn.services.intersect(form.services);
        if form.command == "VER" {
            self.negotiate(dir, raw);
        }
        match (dir, form.shape.trid, trid) {
            (Dir::Client, _, _) => self.request(raw, form, trid),
            (Dir::Server, Trid::Yes, Some(t)) => {
                self.check_answer(raw, form, t);
                self.count_line(raw, form, trid);
            }
            (Dir::Server, _, _) => {
                self.count_line(raw, form, trid);
                self.check_follows(raw, form);
            }
        }
    }
}

/// Whether `name` looks like a command: three uppercase letters, or three digits for an error code.
fn is_command_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.len() == 3 && (bytes.iter().all(u8::is_ascii_uppercase) || bytes.iter().all(u8::is_ascii_digit))
}

/// The payload length `raw` announces for `command`, or `None` when no payload follows.
fn payload_of(command: &CommandDef, dir: Dir, raw: &RawCommand<'_>) -> Option<u64> {
    if !command.has_payload(dir) {
        return None;
    }
    crate::spec::value::parse_uint(raw.arg(raw.arg_count().checked_sub(1)?)?, u64::MAX).ok()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{MSNP8, codes, options, validate};
    use super::is_command_name;

    #[test]
    fn command_names_are_three_capitals_or_three_digits() {
        for name in ["VER", "CHG", "911", "000"] {
            assert!(is_command_name(name), "{name}");
        }
        for name in ["Ver", "VE", "VERS", "9A1", "", "ÀBC"] {
            assert!(!is_command_name(name), "{name}");
        }
    }

    #[test]
    fn a_line_that_is_no_command_is_reported() {
        let (_, diagnostics) = validate(&format!("{MSNP8}C: hello there\n"), &options());
        let found: Vec<_> = diagnostics.iter().map(|d| (d.line, d.column, d.width, d.code)).collect();
        assert_eq!(found, [(3, 4, 5, "not-a-command")]);
    }

    #[test]
    fn a_command_the_version_lacks_is_reported() {
        assert_eq!(codes(&format!("{MSNP8}C: ZZZ 2\n")), [(3, "unknown-command")]);
    }

    #[test]
    fn the_join_of_a_continued_line_that_matches_is_the_command_passed_on() {
        struct Texts(Vec<String>);
        impl crate::validate::Sink for Texts {
            fn diagnostic(&mut self, d: crate::validate::Diagnostic) {
                panic!("{d:?}");
            }
            fn command(&mut self, command: crate::validate::Command<'_>) {
                self.0.push(format!("{} {}", command.line, command.text));
            }
            fn wants_commands(&self) -> bool {
                true
            }
        }
        let text = format!("{MSNP8}C: CHG 2 NLN 0\nS: ILN 2 NLN a@b.c na\n.. me 0\nS: MSG Hotmail Hotmail 2\nhi\n");
        let mut texts = Texts(Vec::new());
        crate::validate::validate("test.txt", text.as_bytes(), &options(), &mut texts).expect("no I/O");
        let expected = ["1 VER 1 MSNP8 CVR0", "2 VER 1 MSNP8", "3 CHG 2 NLN 0", "4 ILN 2 NLN a@b.c name 0"];
        assert_eq!(texts.0[..4], expected);
        assert_eq!(texts.0[4], "6 MSG Hotmail Hotmail 2");
    }

    #[test]
    fn a_client_ver_after_a_disconnect_starts_the_next_connection() {
        let text = format!("{MSNP8}C: OUT\nClient disconnects.\n{MSNP8}");
        let (summary, diagnostics) = validate(&text, &options());
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(summary.connections.iter().map(|c| c.line).collect::<Vec<_>>(), [1, 5]);
    }
}
