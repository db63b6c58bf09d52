//! What list counters promise, checked across the lines of one answer: the spec's `counter` (lines numbered
//! `index` of `total`, per value of `per`), `counts` (a reply announcing how many lines of a command follow) and
//! `defines`/`refers` (ids a line defines and later lines of the same answer name).
//!
//! An answer is every line that answers one request: the lines carrying its TrID, and the lines without TrID
//! streamed after it (`answers` in the spec). It ends when the client sends another request of the same command,
//! when a counted line belongs to another request, or when the connection or the transcript ends; only then is a
//! shortfall known, so that is when too few lines are reported. A line beyond a count is reported at once.

use std::collections::HashSet;

use super::{Severity, Spot, Validator};
use crate::spec::value::parse_uint;
use crate::spec::{FormDef, LinkRole, Trid};
use crate::typed::matcher::{Match, match_shape};
use crate::wire::raw::RawCommand;

/// How many ids (group ids, GUIDs) one answer remembers. Past this, references are no longer checked: an id that
/// was forgotten cannot be told from one that was never defined.
pub(super) const REMEMBERED_IDS: usize = 4096;

/// How many numbered series (one per list) one answer keeps; lines of further series are not checked.
const REMEMBERED_SERIES: usize = 64;

/// One numbered series: the lines of one command with the same `per` value (such as LST lines of the RL list).
struct Series {
    command: &'static str,
    per: String,
    /// The total the lines announce (the last one seen).
    total: u64,
    lines: u64,
    /// Where the first line announced its total, for a shortfall found when the answer ends.
    announced_at: Spot,
    /// Whether the total changed or the lines overran it: the count was already reported as broken.
    broken: bool,
}

/// A count a reply announced: how many lines of `command` follow.
struct Expected {
    /// The reply that announced it, such as `SYN`.
    by: &'static str,
    command: &'static str,
    announced: u64,
    lines: u64,
    announced_at: Spot,
    overran: bool,
}

/// The counters of the answer being received on a connection.
#[derive(Default)]
pub(super) struct Answer {
    /// The request answered (its command and TrID, when the lines carry one), while an answer is open.
    request: Option<(&'static str, Option<u32>)>,
    series: Vec<Series>,
    expected: Vec<Expected>,
    /// Ids defined so far, by kind.
    ids: HashSet<(&'static str, String)>,
    /// Kinds of id the answer is known to define (it sent a defining line, or announced a count of them), so that
    /// references to them are checked.
    known: Vec<&'static str>,
    /// Whether more ids came than are remembered.
    overflow: bool,
}

impl Validator<'_> {
    /// The client sent a request: an open answer to an earlier request of the same command is over.
    pub(super) fn request_sent(&mut self, command: &'static str) {
        if self.conn.answer.request.is_some_and(|(request, _)| request == command) {
            self.end_answer();
        }
    }

    /// Checks a server line against the counters of its answer, when its form declares any.
    pub(super) fn count_line(&mut self, raw: &RawCommand<'_>, form: &'static FormDef, trid: Option<u32>) {
        if form.counter.is_none() && form.counts.is_empty() && form.links.is_empty() {
            return;
        }
        let Some(request) = self.answered_request(form, trid) else { return };
        if self.conn.answer.request != Some(request) {
            self.end_answer();
            self.conn.answer.request = Some(request);
        }
        let Ok(found) = match_shape(form.shape, raw) else { return };
        self.announce_counts(form, &found);
        self.count_against_announced(raw, form.command);
        self.number_in_series(form, &found);
        self.link_ids(form, &found);
    }

    /// The request a server line answers: the one its TrID names, or for a line without TrID the open answer's (or
    /// else the request it may follow that the client sent). `None` when that is unknown (the line was already
    /// reported as answering nothing, or its TrID is a placeholder).
    fn answered_request(&self, form: &'static FormDef, trid: Option<u32>) -> Option<(&'static str, Option<u32>)> {
        match (form.shape.trid, trid) {
            (Trid::Yes, Some(t)) => {
                let (request, _) = self.conn.requests.get(t)?;
                form.answers.contains(request).then_some((*request, Some(t)))
            }
            (Trid::No, _) => match self.conn.answer.request {
                Some((request, t)) if form.answers.contains(&request) => Some((request, t)),
                _ => {
                    let sent = |a: &&&str| crate::spec::command_key(a).is_some_and(|k| self.conn.sent.contains(&k));
                    form.answers.iter().find(sent).map(|request| (*request, None))
                }
            },
            _ => None,
        }
    }

    /// A reply's `counts`: how many lines of each command follow. A second announcement for the same answer (a
    /// reply printed twice) keeps the first.
    fn announce_counts(&mut self, form: &'static FormDef, found: &Match<'_, '_>) {
        for count in form.counts {
            let Some(announced) = number(found, form, count.arg) else { continue };
            if self.conn.answer.expected.iter().any(|e| e.command == count.command) {
                continue;
            }
            let announced_at = self.arg_spot(found, count.arg);
            self.conn.answer.expected.push(Expected {
                by: form.command,
                command: count.command,
                announced,
                lines: 0,
                announced_at,
                overran: false,
            });
            // The ids the counted lines define are known to this answer even when none follow.
            let defined = self.conn.version.and_then(|v| v.command(count.command)).into_iter().flat_map(|c| c.forms);
            for link in defined.flat_map(|f| f.links).filter(|l| l.role == LinkRole::Defines) {
                if !self.conn.answer.known.contains(&link.kind) {
                    self.conn.answer.known.push(link.kind);
                }
            }
        }
    }

    /// A server line of `command` that matched no form (already reported): it still takes its place among the
    /// lines its answer announced, so that one wrong line is not reported a second time as a missing one.
    pub(super) fn count_unmatched(&mut self, raw: &RawCommand<'_>, command: &'static str) {
        if self.conn.answer.request.is_some() {
            self.count_against_announced(raw, command);
        }
    }

    /// Counts a line against the count its answer announced for its command; one past the count is reported now.
    fn count_against_announced(&mut self, raw: &RawCommand<'_>, command: &'static str) {
        let Some(expected) = self.conn.answer.expected.iter_mut().find(|e| e.command == command) else {
            return;
        };
        expected.lines += 1;
        if expected.lines <= expected.announced || std::mem::replace(&mut expected.overran, true) {
            return;
        }
        let message = format!(
            "`{}` announced {} `{}` lines; this is line {} of its answer",
            expected.by, expected.announced, command, expected.lines
        );
        let spot = self.spot_of(raw.line(), raw.name_span());
        self.report(Severity::Error, "list-count-mismatch", spot, message, None, None);
    }

    /// A line numbered `index` of `total`: the index within the total, the total as the series' earlier lines
    /// announced it, and no more lines than the total.
    fn number_in_series(&mut self, form: &'static FormDef, found: &Match<'_, '_>) {
        let Some(counter) = form.counter else { return };
        let (Some(index), Some(total)) = (number(found, form, counter.index), number(found, form, counter.total))
        else {
            return;
        };
        let per = counter.per.and_then(|p| token(found, form, p)).unwrap_or_default();
        let what = if per.is_empty() { format!("`{}`", form.command) } else { format!("`{}` {per}", form.command) };
        let series = &mut self.conn.answer.series;
        let position = series.iter().position(|s| s.command == form.command && s.per == per);
        let position = match position {
            Some(position) => position,
            None if series.len() < REMEMBERED_SERIES => {
                let announced_at = self.arg_spot(found, counter.total);
                let series = &mut self.conn.answer.series;
                series.push(Series {
                    command: form.command,
                    per: per.to_string(),
                    total,
                    lines: 0,
                    announced_at,
                    broken: false,
                });
                series.len() - 1
            }
            None => return,
        };
        let series = &mut self.conn.answer.series[position];
        series.lines += 1;
        let lines = series.lines;
        // One diagnostic per line: a changed total explains the rest, and an index above the total explains a line
        // too many.
        if series.total != total {
            let message =
                format!("earlier {what} lines of this answer announce a total of {}; this one {total}", series.total);
            series.total = total;
            series.broken = true;
            let spot = self.arg_spot(found, counter.total);
            self.report(Severity::Error, "list-total-changed", spot, message, None, None);
        } else if index > total {
            series.broken = true;
            let message = format!("{what} line {index} of {total}: the index is above the total");
            let spot = self.arg_spot(found, counter.index);
            self.report(Severity::Error, "list-index-above-total", spot, message, None, None);
        } else if lines > total && !std::mem::replace(&mut series.broken, true) {
            let message = format!("{what} lines announce a total of {total}; this is line {lines} of this answer");
            let spot = self.arg_spot(found, counter.index);
            self.report(Severity::Error, "list-count-mismatch", spot, message, None, None);
        }
    }

    /// Ids the line defines are remembered; ids it names must have been defined earlier in the answer, when the
    /// answer is known to define ids of that kind.
    fn link_ids(&mut self, form: &'static FormDef, found: &Match<'_, '_>) {
        for link in form.links {
            let Some(value) = token(found, form, link.arg) else { continue };
            let answer = &mut self.conn.answer;
            match link.role {
                LinkRole::Defines => {
                    if !answer.known.contains(&link.kind) {
                        answer.known.push(link.kind);
                    }
                    if answer.ids.len() < REMEMBERED_IDS {
                        answer.ids.insert((link.kind, value.to_string()));
                    } else if !answer.ids.contains(&(link.kind, value.to_string())) {
                        answer.overflow = true;
                    }
                }
                LinkRole::Refers => {
                    if answer.overflow || !answer.known.contains(&link.kind) {
                        continue;
                    }
                    let mut offset = token_start(found, form, link.arg);
                    let mut undefined = Vec::new();
                    for id in value.split(',') {
                        if !id.is_empty() && !answer.ids.contains(&(link.kind, id.to_string())) {
                            undefined.push((offset..offset + id.len(), id));
                        }
                        offset += id.len() + 1;
                    }
                    for (span, id) in undefined {
                        let message = format!("{} `{id}` is not defined by an earlier line of this answer", link.kind);
                        let spot = self.spot_of(found.raw().line(), span);
                        self.report(Severity::Error, "undefined-id", spot, message, None, None);
                    }
                }
            }
        }
    }

    /// Ends the open answer: lines fewer than announced are reported where the count was announced.
    pub(super) fn end_answer(&mut self) {
        let answer = &mut self.conn.answer;
        if answer.request.take().is_none() {
            return;
        }
        let mut shortfalls = Vec::new();
        for e in answer.expected.drain(..) {
            if e.lines < e.announced {
                let message = format!(
                    "`{}` announced {} `{}` lines, but its answer has {}",
                    e.by, e.announced, e.command, e.lines
                );
                shortfalls.push((e.announced_at, message));
            }
        }
        for s in answer.series.drain(..) {
            if !s.broken && s.lines < s.total {
                let what =
                    if s.per.is_empty() { format!("`{}`", s.command) } else { format!("`{}` {}", s.command, s.per) };
                let message = format!("{what} lines announce a total of {}, but this answer has {}", s.total, s.lines);
                shortfalls.push((s.announced_at, message));
            }
        }
        answer.ids.clear();
        answer.known.clear();
        answer.overflow = false;
        // Shortfalls are known only now, so they are reported after later lines; the hint says where counting stopped.
        let hint = format!("the answer was counted until line {}, where it ends", self.summary.lines);
        for (spot, message) in shortfalls {
            self.report(Severity::Error, "list-count-mismatch", spot, message, None, Some(hint.clone()));
        }
    }

    /// Where argument `arg` of the matched line sits, ready for a diagnostic.
    fn arg_spot(&self, found: &Match<'_, '_>, arg: usize) -> Spot {
        let raw = found.raw();
        let span = found.token_index(arg).and_then(|i| raw.arg_span(i)).unwrap_or_else(|| raw.name_span());
        self.spot_of(raw.line(), span)
    }
}

/// The value of argument `arg` (without its prefix), unless it is absent or a placeholder.
fn token<'a>(found: &Match<'_, 'a>, form: &FormDef, arg: usize) -> Option<&'a str> {
    let value = found.token(arg, form.shape.args.get(arg)?.prefix)?;
    (!crate::wire::raw::is_placeholder(value)).then_some(value)
}

/// The number argument `arg` holds, unless it is absent or a placeholder.
fn number(found: &Match<'_, '_>, form: &FormDef, arg: usize) -> Option<u64> {
    parse_uint(token(found, form, arg)?, u64::MAX).ok()
}

/// Where the value of argument `arg` starts in the line, after its prefix.
fn token_start(found: &Match<'_, '_>, form: &FormDef, arg: usize) -> usize {
    let raw = found.raw();
    let start = found.token_index(arg).and_then(|i| raw.arg_span(i)).map_or(0, |span| span.start);
    let prefix = form.shape.args.get(arg).and_then(|a| a.prefix).map_or(0, str::len);
    start + prefix
}

#[cfg(test)]
mod tests {
    use super::super::testing::codes;

    /// An MSNP7 session up to the SYN reply.
    const MSNP7_SYN: &str = "C: VER 1 MSNP7 CVR0\nS: VER 1 MSNP7\nC: SYN 5 0\nS: SYN 5 1\n";

    #[test]
    fn numbered_lists_that_add_up_are_clean() {
        let lists = "S: LST 5 FL 1 1 2 bob@example.com Bob\nS: LST 5 FL 1 2 2 carol@example.com Carol\n\
                     S: LST 5 AL 1 0 0\nS: LST 5 BL 1 0 0\nS: LST 5 RL 1 0 0\n";
        assert_eq!(codes(&format!("{MSNP7_SYN}{lists}")), []);
    }

    #[test]
    fn a_list_short_of_its_total_is_reported_when_the_answer_ends() {
        // At the end of the transcript, and when the client asks again.
        let short = "S: LST 5 FL 1 1 2 bob@example.com Bob\n";
        assert_eq!(codes(&format!("{MSNP7_SYN}{short}")), [(5, "list-count-mismatch")]);
        assert_eq!(codes(&format!("{MSNP7_SYN}{short}C: SYN 6 1\nS: SYN 6 1\n")), [(5, "list-count-mismatch")]);
    }

    #[test]
    fn an_index_past_its_total_or_a_changed_total_is_reported_at_once() {
        assert_eq!(
            codes(&format!("{MSNP7_SYN}S: LST 5 RL 1 2 1 bob@example.com Bob\n")),
            [(5, "list-index-above-total")]
        );
        let changed = "S: LST 5 RL 1 1 2 bob@example.com Bob\nS: LST 5 RL 1 2 3 carol@example.com Carol\n";
        // Reported once: a broken count is not reported again as short.
        assert_eq!(codes(&format!("{MSNP7_SYN}{changed}")), [(6, "list-total-changed")]);
    }

    #[test]
    fn counted_lines_must_match_the_count_announced() {
        let syn = "C: VER 1 MSNP8 CVR0\nS: VER 1 MSNP8\nC: SYN 5 0\nS: SYN 5 1 2 0\n";
        assert_eq!(codes(&format!("{syn}S: LST bob@example.com Bob 4\nS: LST carol@example.com Carol 4\n")), []);
        assert_eq!(codes(&format!("{syn}S: LST bob@example.com Bob 4\n")), [(4, "list-count-mismatch")]);
    }

    #[test]
    fn a_group_no_line_defined_is_reported() {
        let syn = "C: VER 1 MSNP8 CVR0\nS: VER 1 MSNP8\nC: SYN 5 0\nS: SYN 5 1 1 1\nS: LSG 0 Other%20Contacts 0\n";
        assert_eq!(codes(&format!("{syn}S: LST bob@example.com Bob 11 0\n")), []);
        assert_eq!(codes(&format!("{syn}S: LST bob@example.com Bob 11 0,4\n")), [(6, "undefined-id")]);
    }
}
