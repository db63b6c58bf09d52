//! Checks the forms of a command table in a version file: who sends each, its TrID, `answers`, payload, counters
//! and evidence; [`super::args`] checks its argument list. Part of the version-file checker, called by
//! [`super::versions`] for each form of a command.

use indexmap::IndexMap;
use toml::Spanned;

use super::versions::FileCtx;
use super::{CountDraft, CounterDraft, FormDraft, PayloadDraft, check_doc, is_command_name, is_xml_name};
use crate::diag::Loc;
use crate::load;
use crate::model::{Dir, Evidence, PayloadKind, Trid};

impl FileCtx<'_> {
    /// One `[command.X.form.Y]` table; `None` when its `from` or `trid` is unreadable.
    pub(super) fn form(&mut self, name: &Spanned<String>, form: &load::FormDoc) -> Option<FormDraft> {
        let from = form.from.as_ref().and_then(|from| self.from(from));
        let trid = form.trid.as_ref().and_then(|trid| self.trid(trid));
        // A form whose `from` or `trid` is unreadable is left out, so that nothing else is reported about it.
        if (form.from.is_some() && from.is_none()) || (form.trid.is_some() && trid.is_none()) {
            return None;
        }
        if let (Some(Dir::Client), Some(Trid::Zero), Some(at)) = (from, trid, &form.trid) {
            self.diags.at(self.loc(at), "trid = \"zero\" marks a server push; a client form cannot have it");
        }
        let doc = self.doc(&form.doc);
        let services = self.services(&form.services);
        let answers = form.answers.as_ref().map(|answers| self.answers(answers));
        if let (Some(Dir::Client), Some(answers)) = (from, &form.answers) {
            self.diags.at(self.loc(answers), "`answers` applies to server forms only");
        }
        let warn = form.warn.as_ref().map(|w| check_doc(self.file, w, self.diags));
        let args = form.args.as_ref().map(|args| self.args(args));
        let payload = form.payload.as_ref().and_then(|payload| self.payload(payload));
        if let (Some(true), Some(Dir::Client)) = (form.once, from) {
            self.diags.at(self.loc(name), "`once` applies to server forms only");
        }
        let counter = form.counter.as_ref().map(|counter| self.counter(counter));
        let counts = form.counts.as_ref().map(|counts| self.counts(counts));
        self.check_counting(form, from);
        Some(FormDraft {
            name: name.get_ref().clone(),
            loc: self.loc(name),
            from,
            trid,
            doc,
            services,
            answers,
            warn,
            unverified: form.unverified.as_ref().map(|u| check_doc(self.file, u, self.diags)),
            evidence: form.evidence.as_ref().map(|e| self.evidence(e)),
            once: form.once,
            args,
            payload,
            counter,
            counts,
        })
    }

    /// `from`: who sends the form.
    fn from(&mut self, from: &Spanned<String>) -> Option<Dir> {
        match from.get_ref().as_str() {
            "client" => Some(Dir::Client),
            "server" => Some(Dir::Server),
            other => {
                self.diags.at(self.loc(from), format!("`from` must be \"client\" or \"server\", not `{other}`"));
                None
            }
        }
    }

    /// `trid`: whether the form carries a transaction id.
    fn trid(&mut self, trid: &Spanned<String>) -> Option<Trid> {
        match trid.get_ref().as_str() {
            "yes" => Some(Trid::Yes),
            "no" => Some(Trid::No),
            "zero" => Some(Trid::Zero),
            other => {
                self.diags.at(self.loc(trid), format!("`trid` must be \"yes\", \"no\" or \"zero\", not `{other}`"));
                None
            }
        }
    }

    /// `answers`: the commands a server form answers, each a command name (the others are left out).
    fn answers(&mut self, answers: &Spanned<Vec<Spanned<String>>>) -> Vec<(String, Loc)> {
        let mut out = Vec::new();
        for answer in answers.get_ref() {
            if is_command_name(answer.get_ref()) {
                out.push((answer.get_ref().clone(), self.loc(answer)));
            } else {
                self.diags.at(self.loc(answer), format!("`{}` is not a command name", answer.get_ref()));
            }
        }
        out
    }

    /// A `payload` declaration: its kind, and for XML the element names it expects; `None` when the kind is unknown.
    fn payload(&mut self, payload: &Spanned<load::PayloadDoc>) -> Option<PayloadDraft> {
        let p = payload.get_ref();
        let kind = match p.kind.get_ref().as_str() {
            "mime" => PayloadKind::Mime,
            "xml" => PayloadKind::Xml,
            "text" => PayloadKind::Text,
            "binary" => PayloadKind::Binary,
            other => {
                self.diags
                    .at(self.loc(&p.kind), format!("payload kind must be mime, xml, text or binary, not `{other}`"));
                return None;
            }
        };
        let mut names = p.root.iter().chain(&p.elements);
        if kind != PayloadKind::Xml
            && let Some(first) = names.next()
        {
            self.diags.at(self.loc(first), "`root` and `elements` apply to XML payloads only");
        }
        for name in p.root.iter().chain(&p.elements) {
            if !is_xml_name(name.get_ref()) {
                self.diags.at(self.loc(name), format!("`{}` is not an XML element name", name.get_ref()));
            }
        }
        Some(PayloadDraft {
            length: p.length.get_ref().clone(),
            kind,
            root: p.root.as_ref().map(|r| r.get_ref().clone()),
            elements: p.elements.iter().map(|e| e.get_ref().clone()).collect(),
            loc: self.loc(&p.length),
        })
    }

    /// A `counter`: its argument names with their places, left for the resolve stage to find among the arguments.
    fn counter(&self, counter: &Spanned<load::CounterDoc>) -> CounterDraft {
        let c = counter.get_ref();
        let named = |value: &Spanned<String>| (value.get_ref().clone(), self.loc(value));
        CounterDraft { index: named(&c.index), total: named(&c.total), per: c.per.as_ref().map(named) }
    }

    /// `counter` and `counts` describe lines a server sends; a client form has neither.
    fn check_counting(&mut self, form: &load::FormDoc, from: Option<Dir>) {
        for (key, given) in
            [("counter", form.counter.as_ref().map(|c| c.span())), ("counts", form.counts.as_ref().map(|c| c.span()))]
        {
            if let (Some(span), Some(Dir::Client)) = (given, from) {
                self.diags.at(Loc { file: self.file, span }, format!("`{key}` applies to server forms only"));
            }
        }
    }

    /// An `evidence` table: at least one of its keys, each one line of prose.
    pub(super) fn evidence(&mut self, evidence: &Spanned<load::EvidenceDoc>) -> Evidence {
        let e = evidence.get_ref();
        if e.documented.is_none() && e.seen.is_none() && e.inferred.is_none() {
            self.diags.at(self.loc(evidence), "`evidence` needs `documented`, `seen` or `inferred`");
        }
        let (file, diags) = (self.file, &mut *self.diags);
        let mut line = |value: &Option<Spanned<String>>| value.as_ref().map(|v| check_doc(file, v, diags));
        Evidence { documented: line(&e.documented), seen: line(&e.seen), inferred: line(&e.inferred) }
    }

    /// `counts`: each key names an argument, each value the command whose lines it counts.
    fn counts(&mut self, counts: &Spanned<IndexMap<Spanned<String>, Spanned<String>>>) -> Vec<CountDraft> {
        if counts.get_ref().is_empty() {
            self.diags.at(self.loc(counts), "`counts` needs at least one argument");
        }
        let mut out = Vec::new();
        for (arg, command) in counts.get_ref() {
            if !is_command_name(command.get_ref()) {
                self.diags.at(self.loc(command), format!("`{}` is not a command name", command.get_ref()));
                continue;
            }
            out.push(CountDraft {
                arg: (arg.get_ref().clone(), self.loc(arg)),
                command: (command.get_ref().clone(), self.loc(command)),
            });
        }
        out
    }
}
