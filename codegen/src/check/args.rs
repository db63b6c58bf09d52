//! Checks the argument list of a form in a version file: names, types and literals, where optional and repeated
//! arguments may stand, and the id links (`defines`, `refers`) between arguments. Part of the version-file
//! checker, called by [`super::forms`] for each form that states `args`.

use std::collections::HashSet;

use toml::Spanned;

use super::versions::FileCtx;
use super::{ArgDraft, LinkDraft, MAX_ARGS, RESERVED, is_kebab, snake};
use crate::diag::Loc;
use crate::load;
use crate::model::{ArgKind, LinkRole};

impl FileCtx<'_> {
    /// A form's `args`, in order; an argument whose kind cannot be read is left out.
    pub(super) fn args(&mut self, args: &Spanned<Vec<Spanned<load::ArgDoc>>>) -> Vec<ArgDraft> {
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
            let Some(kind) = self.arg_kind(a, &at, &mut names) else {
                continue;
            };
            self.check_place(a, &kind, &at, position + 1 == count, &mut optional_seen);
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

    /// What an argument is: a named value of a known type, or a literal word; `None` when it is neither.
    /// `names` collects the field names of the form's arguments so far.
    fn arg_kind(&mut self, a: &load::ArgDoc, at: &Loc, names: &mut HashSet<String>) -> Option<ArgKind> {
        match (&a.name, &a.ty, &a.literal) {
            (Some(name), Some(ty), None) => self.value_kind(name, ty, names),
            (name, None, Some(literal)) => Some(self.literal_kind(a, name.as_ref(), literal, at, names)),
            _ => {
                self.diags.at(at.clone(), "an argument needs `name` and `type`, or `literal` alone");
                None
            }
        }
    }

    /// A named value: its name makes a field, its type must be defined (`None` when it is not).
    fn value_kind(
        &mut self,
        name: &Spanned<String>,
        ty: &Spanned<String>,
        names: &mut HashSet<String>,
    ) -> Option<ArgKind> {
        let n = name.get_ref();
        if !is_kebab(n) {
            self.diags.at(self.loc(name), format!("argument name `{n}` must be lowercase words joined by '-'"));
        } else if RESERVED.contains(&snake(n).as_str()) {
            self.diags
                .at(self.loc(name), format!("argument name `{n}` is reserved (a Rust keyword or a generated field)"));
        }
        self.unique(name, names);
        match self.types.get(ty.get_ref()) {
            Some(&index) => Some(ArgKind::Value { name: n.clone(), ty: index }),
            None => {
                self.diags.at(self.loc(ty), format!("unknown type `{}`", ty.get_ref()));
                None
            }
        }
    }

    /// A literal: one word, without a prefix, never repeated; named when optional.
    fn literal_kind(
        &mut self,
        a: &load::ArgDoc,
        name: Option<&Spanned<String>>,
        literal: &Spanned<String>,
        at: &Loc,
        names: &mut HashSet<String>,
    ) -> ArgKind {
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
        let name = self.literal_name(name, a.optional, at, names);
        ArgKind::Literal { word: l.clone(), name }
    }

    /// The name of a literal: an optional literal becomes a bool field, which needs one; a required literal has none.
    fn literal_name(
        &mut self,
        name: Option<&Spanned<String>>,
        optional: bool,
        at: &Loc,
        names: &mut HashSet<String>,
    ) -> Option<String> {
        match (name, optional) {
            (Some(name), true) => {
                let n = name.get_ref();
                if !is_kebab(n) || RESERVED.contains(&snake(n).as_str()) {
                    self.diags.at(
                        self.loc(name),
                        format!("argument name `{n}` must be lowercase words joined by '-', not a reserved word"),
                    );
                }
                self.unique(name, names);
                Some(n.clone())
            }
            (None, true) => {
                self.diags.at(at.clone(), "an optional literal needs a `name` (its presence becomes a field)");
                None
            }
            (Some(name), false) => {
                self.diags.at(self.loc(name), "only an optional literal takes a `name`");
                None
            }
            (None, false) => None,
        }
    }

    /// Records a field name, reporting it when the form has it already.
    fn unique(&mut self, name: &Spanned<String>, names: &mut HashSet<String>) {
        let n = name.get_ref();
        if !names.insert(n.clone()) {
            self.diags.at(self.loc(name), format!("argument `{n}` appears twice in this form"));
        }
    }

    /// Where an argument may stand: only the last repeats, and a required argument never follows an optional
    /// one that nothing marks. `optional_seen` says whether such an optional argument came before.
    fn check_place(&mut self, a: &load::ArgDoc, kind: &ArgKind, at: &Loc, last: bool, optional_seen: &mut bool) {
        if a.repeat && !last {
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
            *optional_seen = true;
        } else if !a.optional && *optional_seen {
            self.diags.at(at.clone(), "a required argument cannot follow an optional one without a prefix or literal");
        }
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
}

#[cfg(test)]
mod tests {
    use crate::check::ArgDraft;
    use crate::model::{ArgKind, LinkRole};
    use crate::testing::check_form;

    /// Checks a server form with the argument list `args` (on line 11): the arguments kept and the errors.
    fn check_args(args: &str) -> (Vec<ArgDraft>, Vec<String>) {
        let (form, errors) = check_form(&format!("\nfrom = \"server\"\nargs = {args}"));
        (form.and_then(|f| f.args).expect("the form and its arguments are kept"), errors)
    }

    #[test]
    fn values_and_literals() {
        let (args, errors) = check_args(
            r#"[
  { literal = "OK", doc = "Accepted." },
  { name = "handle", type = "handle", defines = "contact" },
  { name = "status", type = "status", optional = true, prefix = "s:" },
  { literal = "HIDDEN", name = "hidden", optional = true },
  { name = "group", type = "count", refers = "group", optional = true, repeat = true },
]"#,
        );
        assert_eq!(errors, Vec::<String>::new());
        // `types.toml` of the tests: length, count, handle, word, status.
        let kinds: Vec<ArgKind> = args.iter().map(|a| a.kind.clone()).collect();
        assert_eq!(
            kinds,
            [
                ArgKind::Literal { word: "OK".into(), name: None },
                ArgKind::Value { name: "handle".into(), ty: 2 },
                ArgKind::Value { name: "status".into(), ty: 4 },
                ArgKind::Literal { word: "HIDDEN".into(), name: Some("hidden".into()) },
                ArgKind::Value { name: "group".into(), ty: 1 },
            ]
        );
        assert_eq!(args[0].doc.as_deref(), Some("Accepted."));
        assert_eq!(args[2].prefix.as_deref(), Some("s:"));
        assert!(args[4].optional && args[4].repeat);
        let links: Vec<Option<(LinkRole, &str)>> =
            args.iter().map(|a| a.link.as_ref().map(|l| (l.role, l.kind.as_str()))).collect();
        assert_eq!(links, [None, Some((LinkRole::Defines, "contact")), None, None, Some((LinkRole::Refers, "group"))]);
    }

    #[test]
    fn names_and_types() {
        let (args, errors) = check_args(
            r#"[
  { name = "Handle", type = "handle" },
  { name = "type", type = "word" },
  { name = "payload", type = "word" },
  { name = "user", type = "ghost" },
  { name = "user", type = "handle" },
  { name = "alone" },
  { type = "word" },
  { literal = "OK", type = "word" },
]"#,
        );
        assert_eq!(
            errors,
            [
                "spec/v.toml:12:12: argument name `Handle` must be lowercase words joined by '-'",
                "spec/v.toml:13:12: argument name `type` is reserved (a Rust keyword or a generated field)",
                "spec/v.toml:14:12: argument name `payload` is reserved (a Rust keyword or a generated field)",
                "spec/v.toml:15:27: unknown type `ghost`",
                "spec/v.toml:16:12: argument `user` appears twice in this form",
                "spec/v.toml:17:3: an argument needs `name` and `type`, or `literal` alone",
                "spec/v.toml:18:3: an argument needs `name` and `type`, or `literal` alone",
                "spec/v.toml:19:3: an argument needs `name` and `type`, or `literal` alone",
            ]
        );
        // An argument of an unknown type, or of no kind, is left out; a badly named one is kept.
        let names: Vec<String> = args
            .iter()
            .map(|a| match &a.kind {
                ArgKind::Value { name, .. } => name.clone(),
                ArgKind::Literal { word, .. } => word.clone(),
            })
            .collect();
        assert_eq!(names, ["Handle", "type", "payload", "user"]);
    }

    #[test]
    fn literals() {
        let (args, errors) = check_args(
            r#"[
  { literal = "TWO WORDS" },
  { literal = "", prefix = "x", repeat = true },
  { literal = "NAMED", name = "named" },
  { literal = "BARE", optional = true },
  { literal = "SELF", name = "self", optional = true },
  { literal = "AGAIN", name = "self", optional = true },
]"#,
        );
        assert_eq!(
            errors,
            [
                "spec/v.toml:12:15: a literal must be one non-empty word",
                "spec/v.toml:13:3: a literal cannot have a prefix",
                "spec/v.toml:13:3: a literal cannot repeat",
                "spec/v.toml:13:3: only the last argument may repeat",
                "spec/v.toml:13:15: a literal must be one non-empty word",
                "spec/v.toml:14:31: only an optional literal takes a `name`",
                "spec/v.toml:15:3: an optional literal needs a `name` (its presence becomes a field)",
                "spec/v.toml:16:30: argument name `self` must be lowercase words joined by '-', not a reserved word",
                "spec/v.toml:17:31: argument name `self` must be lowercase words joined by '-', not a reserved word",
                "spec/v.toml:17:31: argument `self` appears twice in this form",
            ]
        );
        assert_eq!(args.len(), 6);
        assert_eq!(args[2].kind, ArgKind::Literal { word: "NAMED".into(), name: None });
    }

    #[test]
    fn places_of_optional_and_repeated_arguments() {
        let (_, errors) = check_args(
            r#"[
  { name = "many", type = "word", repeat = true },
  { name = "maybe", type = "word", optional = true },
  { name = "marked", type = "word", optional = true, prefix = "" },
  { literal = "FLAG", name = "flag", optional = true },
  { name = "needed", type = "word" },
]"#,
        );
        assert_eq!(
            errors,
            [
                "spec/v.toml:12:3: only the last argument may repeat",
                "spec/v.toml:14:63: a prefix cannot be empty",
                "spec/v.toml:16:3: a required argument cannot follow an optional one without a prefix or literal",
            ]
        );
        // A prefix or a literal marks an optional argument: a required one may follow it.
        let (_, errors) = check_args(
            r#"[
  { name = "marked", type = "word", optional = true, prefix = "m:" },
  { literal = "FLAG", name = "flag", optional = true },
  { name = "needed", type = "word" },
]"#,
        );
        assert_eq!(errors, Vec::<String>::new());
    }

    #[test]
    fn at_most_sixteen_arguments() {
        let list = |n: usize| {
            let args: Vec<String> = (0..n).map(|i| format!("{{ name = \"a{i}\", type = \"word\" }}")).collect();
            format!("[{}]", args.join(", "))
        };
        assert_eq!(check_args(&list(16)).1, Vec::<String>::new());
        let (args, errors) = check_args(&list(17));
        assert_eq!(
            errors,
            ["spec/v.toml:11:8: a form has at most 16 arguments (the matcher keeps their positions inline)"]
        );
        assert_eq!(args.len(), 17);
    }

    #[test]
    fn links() {
        let (args, errors) = check_args(
            r#"[
  { name = "both", type = "word", defines = "group", refers = "group" },
  { literal = "LIT", refers = "group" },
  { name = "odd", type = "word", defines = "Group" },
]"#,
        );
        assert_eq!(
            errors,
            [
                "spec/v.toml:12:63: an argument either `defines` or `refers`, not both",
                "spec/v.toml:13:31: `defines` and `refers` apply to named values, not literals",
                "spec/v.toml:14:44: id kind `Group` must be lowercase words joined by '-'",
            ]
        );
        let links: Vec<Option<&str>> = args.iter().map(|a| a.link.as_ref().map(|l| l.kind.as_str())).collect();
        assert_eq!(links, [None, None, Some("Group")]);
    }
}
