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
