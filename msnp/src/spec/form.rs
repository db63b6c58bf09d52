//! Forms: a shape as one version uses it, in one direction, with where it comes from and what it counts, numbers
//! or links within an answer.

use super::{Dir, Services, Shape};

/// A form: a shape as one version uses it, in one direction.
#[derive(Debug)]
pub struct FormDef {
    /// The spec name, such as `md5-i`.
    pub name: &'static str,
    /// The command.
    pub command: &'static str,
    /// Who sends it.
    pub from: Dir,
    /// Its syntax.
    pub shape: &'static Shape,
    /// Where it is used.
    pub services: Services,
    /// The requests it answers (for TrID-less forms: the request it must follow).
    pub answers: &'static [&'static str],
    /// The warning given when it matches, for shapes real documents use that a peer would find odd.
    pub warn: Option<&'static str>,
    /// What is not verified about the form, when the sources leave something open.
    pub unverified: Option<&'static str>,
    /// Where the form comes from: documentation, real traffic, code.
    pub evidence: Evidence,
    /// Whether a request gets at most one reply of this form (a second one is reported).
    pub once: bool,
    /// One line of documentation (may be empty).
    pub doc: &'static str,
    /// The version whose spec file defined it as it stands.
    pub since: &'static str,
    /// Per-argument documentation as this form has it.
    pub arg_docs: &'static [&'static str],
    /// Which arguments number the form's lines within one answer (`counter` in the spec).
    pub counter: Option<CounterDef>,
    /// Arguments that say how many lines of another command follow in the same answer (`counts`).
    pub counts: &'static [CountDef],
    /// Arguments whose values define ids, or refer to ids defined, within the same answer (`defines`,
    /// `refers`). They are kept here rather than in [`ArgDef`](super::ArgDef) because shapes are shared by forms that may
    /// differ in them.
    pub links: &'static [LinkDef],
}

impl FormDef {
    /// Form `name` of the shape's command, sent by `from` on `services`, as the spec file of `since` defines
    /// it, documented as the shape is (a shape's documentation is that of the first form with it); everything
    /// else empty (no answers, warning, evidence, argument documentation, counter, counts or links).
    pub const fn new(
        name: &'static str,
        from: Dir,
        shape: &'static Shape,
        services: Services,
        since: &'static str,
    ) -> Self {
        FormDef {
            name,
            command: shape.command,
            from,
            shape,
            services,
            answers: &[],
            warn: None,
            unverified: None,
            evidence: Evidence { documented: None, seen: None, inferred: None },
            once: false,
            doc: shape.doc,
            since,
            arg_docs: &[],
            counter: None,
            counts: &[],
            links: &[],
        }
    }

    /// The form with its documentation.
    pub const fn doc(mut self, doc: &'static str) -> Self {
        self.doc = doc;
        self
    }

    /// The form, answering `answers`.
    pub const fn answers(mut self, answers: &'static [&'static str]) -> Self {
        self.answers = answers;
        self
    }

    /// The form with the warning given when it matches.
    pub const fn warn(mut self, warn: &'static str) -> Self {
        self.warn = Some(warn);
        self
    }

    /// The form with what is not verified about it.
    pub const fn unverified(mut self, unverified: &'static str) -> Self {
        self.unverified = Some(unverified);
        self
    }

    /// The form with the documentation page that gives it ([`Evidence::documented`]).
    pub const fn documented(mut self, page: &'static str) -> Self {
        self.evidence.documented = Some(page);
        self
    }

    /// The form with the real traffic that shows it ([`Evidence::seen`]).
    pub const fn seen(mut self, traffic: &'static str) -> Self {
        self.evidence.seen = Some(traffic);
        self
    }

    /// The form with the code it is inferred from ([`Evidence::inferred`]).
    pub const fn inferred(mut self, code: &'static str) -> Self {
        self.evidence.inferred = Some(code);
        self
    }

    /// The form, of which a request gets at most one reply.
    pub const fn once(mut self) -> Self {
        self.once = true;
        self
    }

    /// The form with its per-argument documentation.
    pub const fn arg_docs(mut self, arg_docs: &'static [&'static str]) -> Self {
        self.arg_docs = arg_docs;
        self
    }

    /// The form, whose lines `counter` numbers.
    pub const fn counter(mut self, counter: CounterDef) -> Self {
        self.counter = Some(counter);
        self
    }

    /// The form with the arguments that count lines of other commands.
    pub const fn counts(mut self, counts: &'static [CountDef]) -> Self {
        self.counts = counts;
        self
    }

    /// The form with the arguments that define or name ids.
    pub const fn links(mut self, links: &'static [LinkDef]) -> Self {
        self.links = links;
        self
    }
}

/// A form's `counter`: its lines are numbered `index` of `total` within one answer to a request, counted
/// separately per value of the `per` argument. Each field is a position in [`Shape::args`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CounterDef {
    /// The argument holding the line's position, from 1.
    pub index: usize,
    /// The argument holding how many lines there are.
    pub total: usize,
    /// The argument whose value keeps separate counts (such as the list), when there is one.
    pub per: Option<usize>,
}

/// One entry of a form's `counts`: argument `arg` (a position in [`Shape::args`]) holds how many lines of
/// `command` follow in the same answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CountDef {
    /// The argument's position.
    pub arg: usize,
    /// The command whose lines it counts.
    pub command: &'static str,
}

/// Whether an argument defines ids or refers to them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkRole {
    /// The value is an id that later lines of the answer may name.
    Defines,
    /// The value names ids (separated by commas) that earlier lines of the answer defined.
    Refers,
}

/// `defines` or `refers` on an argument: argument `arg` (a position in [`Shape::args`]) defines or names ids of
/// kind `kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkDef {
    /// The argument's position.
    pub arg: usize,
    /// Defines or refers.
    pub role: LinkRole,
    /// The kind of id, such as `group`.
    pub kind: &'static str,
}

/// Where a form comes from. A form with `seen` and no `documented` is real-world but not in the documentation:
/// the validator says so when a line takes it (`undocumented-form`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Evidence {
    /// The documentation page that gives it, such as `commands/usr.md`.
    pub documented: Option<&'static str>,
    /// Real traffic that shows it: client, year, version.
    pub seen: Option<&'static str>,
    /// The code (a server's or a client's) it is inferred from.
    pub inferred: Option<&'static str>,
}

impl Evidence {
    /// Whether only real traffic shows the form: no documentation gives it.
    pub fn seen_only(&self) -> bool {
        self.seen.is_some() && self.documented.is_none()
    }

    /// The evidence as one line, such as `documented: commands/iln.md; seen: aMSN, 2008, MSNP12`.
    pub fn describe(&self) -> Option<String> {
        let parts: Vec<String> = [("documented", self.documented), ("seen", self.seen), ("inferred", self.inferred)]
            .iter()
            .filter_map(|(kind, text)| text.map(|t| format!("{kind}: {t}")))
            .collect();
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}
