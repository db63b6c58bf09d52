//! Checks the forms of a command table in a version file: who sends each, its TrID, `answers`, payload, counters,
//! evidence, and its argument list (names, types, literals, optional and repeated arguments, id links). Part of the
//! version-file checker in [`super::versions`].

use std::collections::HashSet;

use indexmap::IndexMap;
use toml::Spanned;

use super::versions::FileCtx;
use super::{
    ArgDraft, CountDraft, CounterDraft, FormDraft, LinkDraft, MAX_ARGS, PayloadDraft, RESERVED, check_doc,
    is_command_name, is_kebab, is_xml_name, snake,
};
use crate::diag::Loc;
use crate::load;
use crate::model::{ArgKind, Dir, Evidence, LinkRole, PayloadKind, Trid};

impl FileCtx<'_> {
    pub(super) fn form(&mut self, name: &Spanned<String>, form: &load::FormDoc) -> Option<FormDraft> {
        let from = form.from.as_ref().and_then(|from| match from.get_ref().as_str() {
            "client" => Some(Dir::Client),
            "server" => Some(Dir::Server),
            other => {
                self.diags.at(self.loc(from), format!("`from` must be \"client\" or \"server\", not `{other}`"));
                None
            }
        });
        let trid = form.trid.as_ref().and_then(|trid| match trid.get_ref().as_str() {
            "yes" => Some(Trid::Yes),
            "no" => Some(Trid::No),
            "zero" => Some(Trid::Zero),
            other => {
                self.diags.at(self.loc(trid), format!("`trid` must be \"yes\", \"no\" or \"zero\", not `{other}`"));
                None
            }
        });
        // A form whose `from` or `trid` is unreadable is left out, so that nothing else is reported about it.
        if (form.from.is_some() && from.is_none()) || (form.trid.is_some() && trid.is_none()) {
            return None;
        }
        if let (Some(Dir::Client), Some(Trid::Zero), Some(at)) = (from, trid, &form.trid) {
            self.diags.at(self.loc(at), "trid = \"zero\" marks a server push; a client form cannot have it");
        }
        let doc = self.doc(&form.doc);
        let services = self.services(&form.services);
        let answers = form.answers.as_ref().map(|answers| {
            let mut out = Vec::new();
            for answer in answers.get_ref() {
                if is_command_name(answer.get_ref()) {
                    out.push((answer.get_ref().clone(), self.loc(answer)));
                } else {
                    self.diags.at(self.loc(answer), format!("`{}` is not a command name", answer.get_ref()));
                }
            }
            out
        });
        if let (Some(Dir::Client), Some(answers)) = (from, &form.answers) {
            self.diags.at(self.loc(answers), "`answers` applies to server forms only");
        }
        let warn = form.warn.as_ref().map(|w| check_doc(self.file, w, self.diags));
        let args = form.args.as_ref().map(|args| self.args(args));
        let payload = form.payload.as_ref().and_then(|payload| {
            let p = payload.get_ref();
            let kind = match p.kind.get_ref().as_str() {
                "mime" => PayloadKind::Mime,
                "xml" => PayloadKind::Xml,
                "text" => PayloadKind::Text,
                "binary" => PayloadKind::Binary,
                other => {
                    self.diags.at(
                        self.loc(&p.kind),
                        format!("payload kind must be mime, xml, text or binary, not `{other}`"),
                    );
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
        });
        if let (Some(true), Some(Dir::Client)) = (form.once, from) {
            self.diags.at(self.loc(name), "`once` applies to server forms only");
        }
        let counter = form.counter.as_ref().map(|counter| {
            let c = counter.get_ref();
            let named = |value: &Spanned<String>| (value.get_ref().clone(), self.loc(value));
            CounterDraft { index: named(&c.index), total: named(&c.total), per: c.per.as_ref().map(named) }
        });
        let counts = form.counts.as_ref().map(|counts| self.counts(counts));
        for (key, given) in
            [("counter", form.counter.as_ref().map(|c| c.span())), ("counts", form.counts.as_ref().map(|c| c.span()))]
        {
            if let (Some(span), Some(Dir::Client)) = (given, from) {
                self.diags.at(Loc { file: self.file, span }, format!("`{key}` applies to server forms only"));
            }
        }
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

    /// `defines` or `refers` on an argument: a kind of id, on a named value only, never both.
    fn link(&mut self, arg: &load::ArgDoc, literal: bool) -> Option<LinkDraft> {
        let (role, kind) = match (&arg.defines, &arg.refers) {
            (None, None) => return None,
            (Some(kind), None) => (LinkRole::Defines, kind),
            (None, Some(kind)) => (LinkRole::Refers, kind),
            (Some(_), Some(kind)) => {
                self.diags.at(self.loc(kind), "an argument either `defines` or `refers`, not both");
                return None;
            }
        };
        if literal {
            self.diags.at(self.loc(kind), "`defines` and `refers` apply to named values, not literals");
            return None;
        }
        if !is_kebab(kind.get_ref()) {
            self.diags
                .at(self.loc(kind), format!("id kind `{}` must be lowercase words joined by '-'", kind.get_ref()));
        }
        Some(LinkDraft { role, kind: kind.get_ref().clone(), loc: self.loc(kind) })
    }

    fn args(&mut self, args: &Spanned<Vec<Spanned<load::ArgDoc>>>) -> Vec<ArgDraft> {
        let mut out = Vec::new();
        let mut names = HashSet::new();
        let count = args.get_ref().len();
        if count > MAX_ARGS {
            self.diags.at(
                self.loc(args),
                format!("a form has at most {MAX_ARGS} arguments (the matcher keeps their positions inline)"),
            );
        }
        let mut optional_seen = false;
        for (position, arg) in args.get_ref().iter().enumerate() {
            let at = self.loc(arg);
            let a = arg.get_ref();
            let kind = match (&a.name, &a.ty, &a.literal) {
                (Some(name), Some(ty), None) => {
                    let n = name.get_ref();
                    if !is_kebab(n) {
                        self.diags
                            .at(self.loc(name), format!("argument name `{n}` must be lowercase words joined by '-'"));
                    } else if RESERVED.contains(&snake(n).as_str()) {
                        self.diags.at(
                            self.loc(name),
                            format!("argument name `{n}` is reserved (a Rust keyword or a generated field)"),
                        );
                    }
                    if !names.insert(n.clone()) {
                        self.diags.at(self.loc(name), format!("argument `{n}` appears twice in this form"));
                    }
                    match self.types.get(ty.get_ref()) {
                        Some(&index) => ArgKind::Value { name: n.clone(), ty: index },
                        None => {
                            self.diags.at(self.loc(ty), format!("unknown type `{}`", ty.get_ref()));
                            continue;
                        }
                    }
                }
                (name, None, Some(literal)) => {
                    let l = literal.get_ref();
                    if l.is_empty() || l.contains(char::is_whitespace) {
                        self.diags.at(self.loc(literal), "a literal must be one non-empty word");
                    }
                    if a.prefix.is_some() {
                        self.diags.at(at.clone(), "a literal cannot have a prefix");
                    }
                    if a.repeat {
                        self.diags.at(at.clone(), "a literal cannot repeat");
                    }
                    // An optional literal becomes a bool field, which needs a name.
                    let name = match (name, a.optional) {
                        (Some(name), true) => {
                            let n = name.get_ref();
                            if !is_kebab(n) || RESERVED.contains(&snake(n).as_str()) {
                                self.diags.at(
                                    self.loc(name),
                                    format!(
                                        "argument name `{n}` must be lowercase words joined by '-', not a reserved word"
                                    ),
                                );
                            }
                            if !names.insert(n.clone()) {
                                self.diags.at(self.loc(name), format!("argument `{n}` appears twice in this form"));
                            }
                            Some(n.clone())
                        }
                        (None, true) => {
                            self.diags
                                .at(at.clone(), "an optional literal needs a `name` (its presence becomes a field)");
                            None
                        }
                        (Some(name), false) => {
                            self.diags.at(self.loc(name), "only an optional literal takes a `name`");
                            None
                        }
                        (None, false) => None,
                    };
                    ArgKind::Literal { word: l.clone(), name }
                }
                _ => {
                    self.diags.at(at, "an argument needs `name` and `type`, or `literal` alone");
                    continue;
                }
            };
            if a.repeat && position + 1 != count {
                self.diags.at(at.clone(), "only the last argument may repeat");
            }
            if let Some(prefix) = &a.prefix
                && prefix.get_ref().is_empty()
            {
                self.diags.at(self.loc(prefix), "a prefix cannot be empty");
            }
            // Optional arguments without a prefix or literal to recognise them are filled from the left,
            // so a required argument after them could never be told apart.
            let self_marked = a.prefix.is_some() || matches!(kind, ArgKind::Literal { .. });
            if a.optional && !self_marked {
                optional_seen = true;
            } else if !a.optional && optional_seen {
                self.diags
                    .at(at.clone(), "a required argument cannot follow an optional one without a prefix or literal");
            }
            let link = self.link(a, matches!(kind, ArgKind::Literal { .. }));
            out.push(ArgDraft {
                kind,
                link,
                doc: self.doc(&a.doc),
                optional: a.optional,
                repeat: a.repeat,
                prefix: a.prefix.as_ref().map(|p| p.get_ref().clone()),
                loc: at,
            });
        }
        out
    }
}
