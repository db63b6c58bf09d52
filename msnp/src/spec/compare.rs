//! Comparing versions of the spec: what one version introduces, removes and changes relative to another, down to
//! single arguments, and the history of one command across every version. `msnp spec diff`, `msnp spec command`
//! and `msnp spec docs` print these; they work on any tables (compiled in or read at run time).
//!
//! Forms are matched by name and direction, as the spec files restate them: a form of the same name in both
//! versions whose syntax differs is changed, and its arguments are aligned by name (a literal by its word) to say
//! what was added, removed or retyped.

use serde::Serialize;

use crate::spec::{ArgDef, ArgKind, CommandDef, Dir, FormDef, Spec, Trid, VersionDef};

/// What changed from one version to another.
#[derive(Clone, Debug, Serialize)]
pub struct VersionDiff {
    /// The older version.
    pub from: &'static str,
    /// The newer version.
    pub to: &'static str,
    /// Changes of the version's own properties (authentication, contact-list mechanism, error payloads).
    pub properties: Vec<String>,
    /// Commands the newer version has and the older does not.
    pub introduced: Vec<CommandSummary>,
    /// Commands the older version has and the newer does not, with what happens now when the newer says so.
    pub removed: Vec<Removal>,
    /// Commands both have, with different forms or services.
    pub changed: Vec<CommandChange>,
    /// Error codes the newer version knows and the older does not.
    pub errors_introduced: Vec<u16>,
    /// Error codes the older version knows and the newer does not.
    pub errors_removed: Vec<u16>,
}

/// A command, briefly.
#[derive(Clone, Debug, Serialize)]
pub struct CommandSummary {
    /// The command.
    pub command: &'static str,
    /// Its documentation.
    pub doc: &'static str,
    /// Its forms.
    pub forms: Vec<FormSummary>,
}

/// A form, briefly.
#[derive(Clone, Debug, Serialize)]
pub struct FormSummary {
    /// The spec name.
    pub name: &'static str,
    /// `client` or `server`.
    pub from: &'static str,
    /// The syntax, such as `USR TrID OK handle verified`.
    pub synopsis: String,
}

/// A removed command.
#[derive(Clone, Debug, Serialize)]
pub struct Removal {
    /// The command.
    pub command: &'static str,
    /// What happens now, as the newer version says.
    pub doc: Option<&'static str>,
}

/// How a command changed.
#[derive(Clone, Debug, Serialize)]
pub struct CommandChange {
    /// The command.
    pub command: &'static str,
    /// Changes of the command itself (its services).
    pub notes: Vec<String>,
    /// Forms only the newer version has.
    pub forms_added: Vec<FormSummary>,
    /// Forms only the older version has.
    pub forms_removed: Vec<FormSummary>,
    /// Forms both have, with another syntax or behaviour.
    pub forms_changed: Vec<FormChange>,
}

/// How a form changed.
#[derive(Clone, Debug, Serialize)]
pub struct FormChange {
    /// The spec name.
    pub name: &'static str,
    /// `client` or `server`.
    pub from: &'static str,
    /// The syntax in the older version.
    pub before: String,
    /// The syntax in the newer version.
    pub after: String,
    /// What changed, one item per argument or property.
    pub changes: Vec<String>,
}

impl VersionDiff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.properties.is_empty()
            && self.introduced.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.errors_introduced.is_empty()
            && self.errors_removed.is_empty()
    }
}

fn dir_word(dir: Dir) -> &'static str {
    match dir {
        Dir::Client => "client",
        Dir::Server => "server",
    }
}

fn summary(form: &FormDef) -> FormSummary {
    FormSummary { name: form.name, from: dir_word(form.from), synopsis: form.shape.synopsis() }
}

/// What changed from `old` to `new`.
pub fn diff(old: &'static VersionDef, new: &'static VersionDef) -> VersionDiff {
    let mut properties = Vec::new();
    for (label, before, after) in [
        ("authentication", old.auth, new.auth),
        ("contact list", old.contact_list, new.contact_list),
        ("official client", old.client, new.client),
    ] {
        if before != after {
            properties.push(format!("{label}: {} -> {}", before.unwrap_or("-"), after.unwrap_or("-")));
        }
    }
    if old.error_payload != new.error_payload {
        properties.push(format!(
            "error replies {} a payload",
            if new.error_payload { "may now carry" } else { "no longer carry" }
        ));
    }
    let introduced = new
        .commands
        .iter()
        .filter(|c| old.command(c.name).is_none())
        .map(|c| CommandSummary { command: c.name, doc: c.doc, forms: c.forms.iter().copied().map(summary).collect() })
        .collect();
    let removed = old
        .commands
        .iter()
        .filter(|c| new.command(c.name).is_none())
        .map(|c| Removal { command: c.name, doc: new.removed.iter().find(|r| r.name == c.name).map(|r| r.doc) })
        .collect();
    let changed =
        new.commands.iter().filter_map(|c| old.command(c.name).and_then(|before| command_change(before, c))).collect();
    VersionDiff {
        from: old.name,
        to: new.name,
        properties,
        introduced,
        removed,
        changed,
        errors_introduced: new.errors.iter().copied().filter(|e| !old.errors.contains(e)).collect(),
        errors_removed: old.errors.iter().copied().filter(|e| !new.errors.contains(e)).collect(),
    }
}

/// How `new` differs from `old` (the same command in two versions), or `None` when it does not.
pub fn command_change(old: &CommandDef, new: &'static CommandDef) -> Option<CommandChange> {
    let mut notes = Vec::new();
    if old.services != new.services {
        notes.push(format!("services: {} -> {}", old.services.names().join(" "), new.services.names().join(" ")));
    }
    let find = |forms: &'static [&'static FormDef], f: &FormDef| {
        forms.iter().copied().find(|g| g.name == f.name && g.from == f.from)
    };
    let forms_added =
        new.forms.iter().copied().filter(|f| find(old.forms, f).is_none()).map(summary).collect::<Vec<_>>();
    let forms_removed =
        old.forms.iter().copied().filter(|f| find(new.forms, f).is_none()).map(summary).collect::<Vec<_>>();
    let forms_changed = new
        .forms
        .iter()
        .copied()
        .filter_map(|f| find(old.forms, f).and_then(|before| form_change(before, f)))
        .collect::<Vec<_>>();
    let unchanged = notes.is_empty() && forms_added.is_empty() && forms_removed.is_empty() && forms_changed.is_empty();
    (!unchanged).then_some(CommandChange { command: new.name, notes, forms_added, forms_removed, forms_changed })
}

/// How `new` differs from `old` (the same form in two versions), or `None` when it does not.
fn form_change(old: &FormDef, new: &FormDef) -> Option<FormChange> {
    let mut changes = Vec::new();
    if old.shape.trid != new.shape.trid {
        let word = |t: Trid| match t {
            Trid::Yes => "a TrID",
            Trid::No => "no TrID",
            Trid::Zero => "TrID 0",
        };
        changes.push(format!("{} instead of {}", word(new.shape.trid), word(old.shape.trid)));
    }
    changes.extend(argument_changes(old.shape.args, new.shape.args));
    match (old.shape.payload, new.shape.payload) {
        (None, Some(_)) => changes.push("a payload now follows".into()),
        (Some(_), None) => changes.push("no payload follows any more".into()),
        (Some(a), Some(b)) if a.kind != b.kind => changes.push(format!("payload: {:?} -> {:?}", a.kind, b.kind)),
        _ => {}
    }
    if old.services != new.services {
        changes.push(format!("services: {} -> {}", old.services.names().join(" "), new.services.names().join(" ")));
    }
    if old.answers != new.answers {
        changes.push(format!("answers: {} -> {}", list(old.answers), list(new.answers)));
    }
    (!changes.is_empty()).then(|| FormChange {
        name: new.name,
        from: dir_word(new.from),
        before: old.shape.synopsis(),
        after: new.shape.synopsis(),
        changes,
    })
}

fn list(items: &[&str]) -> String {
    if items.is_empty() { "-".into() } else { items.join(" ") }
}

/// The arguments' changes, aligned by name (a literal by its word) along their longest common order.
fn argument_changes(old: &[ArgDef], new: &[ArgDef]) -> Vec<String> {
    // Longest common subsequence of names.
    let (n, m) = (old.len(), new.len());
    let mut table = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i][j] = if old[i].name() == new[j].name() {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let mut changes = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && old[i].name() == new[j].name() {
            changes.extend(same_argument(j + 1, &old[i], &new[j]));
            i += 1;
            j += 1;
        } else if j < m && (i == n || table[i][j + 1] >= table[i + 1][j]) {
            changes.push(format!("argument {} `{}`{} added", j + 1, new[j].synopsis(), type_note(&new[j])));
            j += 1;
        } else {
            changes.push(format!("argument `{}`{} removed", old[i].synopsis(), type_note(&old[i])));
            i += 1;
        }
    }
    changes
}

fn type_note(arg: &ArgDef) -> String {
    match &arg.kind {
        ArgKind::Value { ty, .. } if ty.name != arg.name() => format!(" ({})", ty.name),
        _ => String::new(),
    }
}

/// The changes of an argument present in both versions, at position `at` in the newer.
fn same_argument(at: usize, old: &ArgDef, new: &ArgDef) -> Vec<String> {
    let mut changes = Vec::new();
    let name = new.name();
    if let (ArgKind::Value { ty: a, .. }, ArgKind::Value { ty: b, .. }) = (&old.kind, &new.kind)
        && a.name != b.name
    {
        changes.push(format!("argument {at} `{name}`: type {} -> {}", a.name, b.name));
    }
    for (what, before, after) in [("optional", old.optional, new.optional), ("repeated", old.repeat, new.repeat)] {
        if before != after {
            let now = if after { "now" } else { "no longer" };
            changes.push(format!("argument {at} `{name}` is {now} {what}"));
        }
    }
    if old.prefix != new.prefix {
        changes.push(format!(
            "argument {at} `{name}`: prefix {} -> {}",
            old.prefix.unwrap_or("none"),
            new.prefix.unwrap_or("none")
        ));
    }
    changes
}

/// One step of a command's history.
#[derive(Clone, Debug, Serialize)]
pub struct HistoryStep {
    /// The version.
    pub version: &'static str,
    /// `introduced`, `changed`, `removed` or `reintroduced`.
    pub event: &'static str,
    /// The forms as the version has them (introduced, reintroduced).
    pub forms: Vec<FormSummary>,
    /// The changes (changed).
    pub change: Option<CommandChange>,
    /// What happens now (removed), when the version says.
    pub doc: Option<&'static str>,
}

/// The history of command `name` across the versions of `spec`, oldest first; empty when no version has it.
pub fn history(spec: &Spec, name: &str) -> Vec<HistoryStep> {
    let mut steps = Vec::new();
    let mut previous: Option<&'static CommandDef> = None;
    let mut seen = false;
    for version in spec.versions {
        let current = version.command(name);
        let step = |event, forms: Vec<FormSummary>, change, doc| HistoryStep {
            version: version.name,
            event,
            forms,
            change,
            doc,
        };
        match (previous, current) {
            (None, Some(c)) => {
                let event = if seen { "reintroduced" } else { "introduced" };
                steps.push(step(event, c.forms.iter().copied().map(summary).collect(), None, None));
                seen = true;
            }
            (Some(before), Some(c)) => {
                if let Some(change) = command_change(before, c) {
                    steps.push(step("changed", Vec::new(), Some(change), None));
                }
            }
            (Some(_), None) => {
                let doc = version.removed.iter().find(|r| r.name == name).map(|r| r.doc);
                steps.push(step("removed", Vec::new(), None, doc));
            }
            (None, None) => {}
        }
        previous = current;
    }
    steps
}
