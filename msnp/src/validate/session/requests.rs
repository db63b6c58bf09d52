//! TrID bookkeeping: the requests a client sent that still await answers, and the checks that a server line's
//! TrID answers one of them (with the form that may answer it, and once where the spec says so).

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

use super::{Severity, Validator};
use crate::spec::value::parse_uint;
use crate::spec::{CommandDef, Dir, FormDef, Trid, command_key};
use crate::typed::matcher::check_shape;
use crate::wire::raw::RawCommand;

/// How many requests per connection are remembered for matching replies; older ones are forgotten, so memory
/// stays bounded on endless sessions. A reply to a forgotten request is reported as unanswered.
const REMEMBERED_REQUESTS: usize = 65_536;

/// Hashes TrIDs by multiplication: they are small client-chosen numbers, not attacker-controlled keys a
/// slower keyed hash would be needed for (and the map is bounded anyway).
#[derive(Default)]
struct TridHasher(u64);

impl Hasher for TridHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// The requests of one connection by TrID: the command, and whether a `once` reply answered it. Bounded: past
/// [`REMEMBERED_REQUESTS`], the oldest is forgotten.
#[derive(Default)]
pub(super) struct Requests {
    by_trid: HashMap<u32, (&'static str, bool), BuildHasherDefault<TridHasher>>,
    /// TrIDs in the order they were first used, for forgetting the oldest.
    order: VecDeque<u32>,
}

impl Requests {
    /// Remembers that the client sent `command` with `trid`; returns the command that used the TrID before, if one
    /// did (replies to the two cannot be told apart).
    pub(super) fn remember(&mut self, trid: u32, command: &'static str) -> Option<&'static str> {
        let previous = self.by_trid.insert(trid, (command, false)).map(|(c, _)| c);
        if previous.is_none() {
            self.order.push_back(trid);
            if self.order.len() > REMEMBERED_REQUESTS
                && let Some(old) = self.order.pop_front()
            {
                self.by_trid.remove(&old);
            }
        }
        previous
    }

    /// The request sent with `trid`, and whether a `once` reply answered it.
    pub(super) fn get(&self, trid: u32) -> Option<&(&'static str, bool)> {
        self.by_trid.get(&trid)
    }

    fn get_mut(&mut self, trid: u32) -> Option<&mut (&'static str, bool)> {
        self.by_trid.get_mut(&trid)
    }

    /// Whether a request with `trid` is remembered.
    pub(super) fn contains(&self, trid: u32) -> bool {
        self.by_trid.contains_key(&trid)
    }

    /// Forgets every request, keeping the allocations.
    pub(super) fn clear(&mut self) {
        self.by_trid.clear();
        self.order.clear();
    }
}

impl Validator<'_> {
    /// A client request that matched `form`: its command is noted as sent, an open answer to an earlier request of
    /// the same command ends, and its TrID is remembered (a TrID used twice is a warning).
    pub(super) fn request(&mut self, raw: &RawCommand<'_>, form: &'static FormDef, trid: Option<u32>) {
        let key = command_key(form.command).unwrap_or(0);
        if !self.conn.sent.contains(&key) {
            self.conn.sent.push(key);
        }
        self.request_sent(form.command);
        if let (Trid::Yes, Some(t)) = (form.shape.trid, trid)
            && let Some(previous) = self.conn.requests.remember(t, form.command)
        {
            let spot = self.spot_of(raw.line(), raw.arg_span(0).unwrap_or(0..0));
            let message = format!("TrID {t} was already used by `{previous}`; replies to the two cannot be told apart");
            self.report(Severity::Warning, "trid-reused", spot, message, None, None);
        }
    }

    /// A client request that matched none of its command's forms is still a request: its TrID is remembered, so
    /// that the server's answer is checked as an answer instead of being reported a second time.
    pub(super) fn remember_unmatched(&mut self, raw: &RawCommand<'_>, command: &'static CommandDef) {
        if command.forms_from(Dir::Client).any(|f| f.shape.trid == Trid::Yes)
            && let Some(trid) = raw.arg(0).and_then(|t| parse_uint(t, u32::MAX.into()).ok())
        {
            self.conn.requests.remember(trid as u32, command.name);
        }
    }

    /// A server line without TrID whose form only follows certain requests: one of them must have been sent.
    pub(super) fn check_follows(&mut self, raw: &RawCommand<'_>, form: &'static FormDef) {
        let sent = &self.conn.sent;
        if !form.answers.is_empty() && !form.answers.iter().any(|a| command_key(a).is_some_and(|k| sent.contains(&k))) {
            let spot = self.spot_of(raw.line(), raw.name_span());
            let message =
                format!("`{}` lines without TrID only follow a {} request", form.command, form.answers.join(" or "));
            self.report(Severity::Error, "unanswered-reply", spot, message, Some(form.shape.synopsis()), None);
        }
    }

    /// The form a server line is taken as: the first that matches, unless its reply check fails (its TrID answers
    /// no request it may answer) and a later form matches too whose check passes (an ILN pushed with TrID 0
    /// rather than answering CHG). Forms are tried in the spec's order either way; the line decides.
    pub(super) fn fitting_form(
        &self,
        command: &'static CommandDef,
        dir: Dir,
        raw: &RawCommand<'_>,
        form: &'static FormDef,
        trid: Option<u32>,
    ) -> (&'static FormDef, Option<u32>) {
        if dir != Dir::Server || self.reply_fits(form, trid) {
            return (form, trid);
        }
        command
            .forms_from(dir)
            .filter(|f| !std::ptr::eq(*f, form) && !f.services.intersect(self.conn.services).is_empty())
            .find_map(|f| check_shape(f.shape, raw).ok().filter(|t| self.reply_fits(f, *t)).map(|t| (f, t)))
            .unwrap_or((form, trid))
    }

    /// Whether a server line of `form` with `trid` passes the reply checks: a TrID that answers a request the
    /// form may answer; or, without TrID, a request it may follow was sent (or it follows none).
    fn reply_fits(&self, form: &'static FormDef, trid: Option<u32>) -> bool {
        match (form.shape.trid, trid) {
            (Trid::Yes, Some(t)) => {
                self.conn.requests.get(t).is_some_and(|(request, _)| form.answers.contains(request))
            }
            (Trid::Yes, None) => true,
            _ => {
                let sent = &self.conn.sent;
                form.answers.is_empty()
                    || form.answers.iter().any(|a| command_key(a).is_some_and(|k| sent.contains(&k)))
            }
        }
    }

    /// Checks that a server line with TrID `trid` answers a request its form may answer, and only once where the
    /// form says so.
    pub(super) fn check_answer(&mut self, raw: &RawCommand<'_>, form: &'static FormDef, trid: u32) {
        let span = raw.arg_span(0).unwrap_or(0..0);
        let (message, code, severity) = match self.conn.requests.get_mut(trid) {
            None => (
                format!(
                    "`{} {trid}` answers no earlier request on this connection (no client command used TrID {trid})",
                    form.command
                ),
                "unanswered-reply",
                Severity::Error,
            ),
            Some((request, _)) if !form.answers.contains(request) => {
                let request = *request;
                let message = format!(
                    "TrID {trid} belongs to a `{request}` request, but this `{}` form answers {}",
                    form.command,
                    form.answers.join(" or ")
                );
                let hint = self.conn.version.and_then(|v| self.version_hint(v, Dir::Server, raw, Some(request)));
                let spot = self.spot_of(raw.line(), span);
                self.report(Severity::Error, "unanswered-reply", spot, message, Some(form.shape.synopsis()), hint);
                return;
            }
            Some((request, answered)) if form.once => {
                if !std::mem::replace(answered, true) {
                    return;
                }
                (
                    format!("`{request} {trid}` was already answered; a request gets one such reply"),
                    "duplicate-reply",
                    Severity::Warning,
                )
            }
            Some(_) => return,
        };
        let spot = self.spot_of(raw.line(), span);
        self.report(severity, code, spot, message, Some(form.shape.synopsis()), None);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{MSNP8, codes};
    use super::{REMEMBERED_REQUESTS, Requests};

    #[test]
    fn a_trid_remembers_its_request_until_it_is_used_again() {
        let mut requests = Requests::default();
        assert_eq!(requests.remember(2, "CHG"), None);
        assert_eq!(requests.get(2), Some(&("CHG", false)));
        assert!(requests.contains(2) && !requests.contains(3));
        assert_eq!(requests.remember(2, "SYN"), Some("CHG"));
        assert_eq!(requests.get(2), Some(&("SYN", false)));
        requests.clear();
        assert!(!requests.contains(2));
    }

    #[test]
    fn the_oldest_requests_are_forgotten_past_the_bound() {
        let mut requests = Requests::default();
        for trid in 0..=REMEMBERED_REQUESTS as u32 {
            requests.remember(trid, "PNG");
        }
        assert!(!requests.contains(0), "the oldest is forgotten");
        assert!(requests.contains(1) && requests.contains(REMEMBERED_REQUESTS as u32));
        assert_eq!(requests.order.len(), REMEMBERED_REQUESTS);
    }

    #[test]
    fn a_reply_must_answer_a_request_of_its_command() {
        assert!(codes(&format!("{MSNP8}C: CHG 2 NLN 0\nS: CHG 2 NLN 0\n")).is_empty());
        assert_eq!(codes(&format!("{MSNP8}S: CHG 2 NLN 0\n")), [(3, "unanswered-reply")]);
        assert_eq!(codes(&format!("{MSNP8}C: SYN 2 0\nS: CHG 2 NLN 0\n")), [(4, "unanswered-reply")]);
    }

    #[test]
    fn a_request_that_matches_no_form_still_awaits_its_answer() {
        assert_eq!(codes(&format!("{MSNP8}C: CHG 2 NLN 0 extra\nS: CHG 2 NLN 0\n")), [(3, "arg-count")]);
    }

    #[test]
    fn a_trid_used_twice_is_a_warning() {
        assert_eq!(codes(&format!("{MSNP8}C: CHG 2 NLN 0\nC: CHG 2 BSY 0\n")), [(4, "trid-reused")]);
    }

    #[test]
    fn a_once_reply_that_comes_twice_is_a_warning() {
        let cvr = "C: CVR 2 0x0409 win 4.10 i386 MSNMSGR 5.0.0537 MSMSGS example@hotmail.com\n";
        let reply = "S: CVR 2 5.0.0537 5.0.0537 1.0.0863 http://example.com/dl\n";
        assert!(codes(&format!("{MSNP8}{cvr}{reply}")).is_empty());
        assert_eq!(codes(&format!("{MSNP8}{cvr}{reply}{reply}")), [(5, "duplicate-reply")]);
    }

    #[test]
    fn lines_without_trid_follow_their_request() {
        let lst = "S: LST bob@example.com Bob 4\n";
        assert_eq!(codes(&format!("{MSNP8}{lst}")), [(3, "unanswered-reply")]);
        let syn = "C: SYN 5 0\nS: SYN 5 1 1 0\n";
        assert_eq!(codes(&format!("{MSNP8}{syn}{lst}")), []);
    }
}
