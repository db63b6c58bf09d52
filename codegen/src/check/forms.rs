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
        super::check_evidence(self.file, evidence, self.diags)
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

#[cfg(test)]
mod tests {
    use crate::model::{Dir, Evidence, PayloadKind, Service, Trid};
    use crate::testing::check_form;

    #[test]
    fn every_key_of_a_server_form() {
        let (form, errors) = check_form(
            r#"
from = "server"
trid = "zero"
doc = "Lists contacts."
services = ["NS"]
answers = ["ADD", "LST"]
warn = "Sent before sign-in ends."
unverified = "The order of lines."
evidence = { documented = "commands/add.md", inferred = "A server's code." }
once = true
args = [
  { name = "index", type = "count" },
  { name = "total", type = "count" },
  { name = "groups", type = "count" },
  { name = "length", type = "length" },
]
payload = { length = "length", kind = "xml", root = "ml", elements = ["d", "c"] }
counter = { index = "index", total = "total" }
counts = { groups = "LSG" }
"#,
        );
        assert_eq!(errors, Vec::<String>::new());
        let form = form.expect("the form is good");
        assert_eq!(form.name, "f");
        assert_eq!((form.from, form.trid), (Some(Dir::Server), Some(Trid::Zero)));
        assert_eq!(form.doc.as_deref(), Some("Lists contacts."));
        assert_eq!(form.services, Some(vec![Service::Ns]));
        let answers: Vec<&str> = form.answers.iter().flatten().map(|(a, _)| a.as_str()).collect();
        assert_eq!(answers, ["ADD", "LST"]);
        assert_eq!(form.warn.as_deref(), Some("Sent before sign-in ends."));
        assert_eq!(form.unverified.as_deref(), Some("The order of lines."));
        assert_eq!(
            form.evidence,
            Some(Evidence {
                documented: Some("commands/add.md".into()),
                seen: None,
                inferred: Some("A server's code.".into())
            })
        );
        assert_eq!(form.once, Some(true));
        assert_eq!(form.args.as_ref().map(Vec::len), Some(4));
        let payload = form.payload.expect("the payload is good");
        assert_eq!((payload.length.as_str(), payload.kind), ("length", PayloadKind::Xml));
        assert_eq!((payload.root.as_deref(), payload.elements), (Some("ml"), vec!["d".to_string(), "c".to_string()]));
        let counter = form.counter.expect("the counter is kept");
        assert_eq!((counter.index.0.as_str(), counter.total.0.as_str(), counter.per), ("index", "total", None));
        let counts = form.counts.expect("counts are kept");
        assert_eq!((counts[0].arg.0.as_str(), counts[0].command.0.as_str()), ("groups", "LSG"));
    }

    #[test]
    fn a_form_with_an_unreadable_sender_or_trid_is_left_out_quietly() {
        for (keys, expected) in [
            (
                "\nfrom = \"peer\"\nanswers = [\"bad\"]\nargs = []",
                "spec/v.toml:10:8: `from` must be \"client\" or \"server\", not `peer`",
            ),
            (
                "\nfrom = \"server\"\ntrid = \"maybe\"\nonce = true\nargs = [{ name = \"x\", type = \"ghost\" }]",
                "spec/v.toml:11:8: `trid` must be \"yes\", \"no\" or \"zero\", not `maybe`",
            ),
        ] {
            let (form, errors) = check_form(keys);
            assert!(form.is_none(), "{keys}");
            assert_eq!(errors, [expected], "{keys}");
        }
    }

    #[test]
    fn server_keys_on_a_client_form() {
        let (form, errors) = check_form(
            r#"
from = "client"
trid = "zero"
answers = ["ADD", "add"]
once = true
args = [{ name = "count", type = "count" }]
counter = { index = "count", total = "count" }
counts = { count = "LST" }
"#,
        );
        assert_eq!(
            errors,
            [
                "spec/v.toml:9:19: `once` applies to server forms only",
                "spec/v.toml:11:8: trid = \"zero\" marks a server push; a client form cannot have it",
                "spec/v.toml:12:11: `answers` applies to server forms only",
                "spec/v.toml:12:19: `add` is not a command name",
                "spec/v.toml:15:11: `counter` applies to server forms only",
                "spec/v.toml:16:10: `counts` applies to server forms only",
            ]
        );
        // The keys are kept for the resolve stage, which reports nothing more about them.
        let form = form.expect("the form is kept");
        assert_eq!(form.answers.map(|a| a.len()), Some(1));
        assert!(form.counter.is_some() && form.counts.is_some());
    }

    #[test]
    fn payloads() {
        for (keys, expected, kind) in [
            (
                "\nfrom = \"server\"\nargs = []\npayload = { length = \"length\", kind = \"json\" }",
                vec!["spec/v.toml:12:39: payload kind must be mime, xml, text or binary, not `json`"],
                None,
            ),
            (
                "\nfrom = \"server\"\nargs = []\npayload = { length = \"length\", kind = \"text\", elements = [\"a\", \"b\"] }",
                vec!["spec/v.toml:12:59: `root` and `elements` apply to XML payloads only"],
                Some(PayloadKind::Text),
            ),
            (
                "\nfrom = \"server\"\nargs = []\npayload = { length = \"length\", kind = \"xml\", root = \"1st\", elements = [\"ok\", \"a b\"] }",
                vec![
                    "spec/v.toml:12:53: `1st` is not an XML element name",
                    "spec/v.toml:12:78: `a b` is not an XML element name",
                ],
                Some(PayloadKind::Xml),
            ),
        ] {
            let (form, errors) = check_form(keys);
            assert_eq!(errors, expected, "{keys}");
            let form = form.expect("the form is kept");
            assert_eq!(form.payload.map(|p| p.kind), kind, "{keys}");
        }
    }

    #[test]
    fn counts_and_evidence() {
        let (form, errors) = check_form(
            r#"
from = "server"
args = []
counts = { groups = "lsg", users = "LST" }
evidence = { }
"#,
        );
        assert_eq!(
            errors,
            [
                "spec/v.toml:12:21: `lsg` is not a command name",
                "spec/v.toml:13:12: `evidence` needs `documented`, `seen` or `inferred`",
            ]
        );
        let form = form.expect("the form is kept");
        let counts: Vec<&str> = form.counts.iter().flatten().map(|c| c.arg.0.as_str()).collect();
        assert_eq!(counts, ["users"]);
        assert_eq!(form.evidence, Some(Evidence::default()));
        let (_, errors) = check_form("\nfrom = \"server\"\nargs = []\ncounts = {}\nevidence = { seen = \" 2003 \" }");
        assert_eq!(
            errors,
            [
                "spec/v.toml:12:10: `counts` needs at least one argument",
                "spec/v.toml:13:21: documentation has leading or trailing spaces",
            ]
        );
    }
}
