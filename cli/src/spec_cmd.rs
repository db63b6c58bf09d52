//! `msnp spec ...`: what the spec says, printed from its tables (the compiled-in ones, or those of `--spec DIR`).

use std::io::Write;
use std::path::{Path, PathBuf};

use msnp::compare::{CommandChange, FormSummary, VersionDiff, diff, history};
use msnp::spec::{ArgKind, CommandDef, Dir, FormDef, HttpMessageDef, PayloadKind, Spec, VersionDef};

use crate::{EXIT_INVALID, EXIT_OK, EXIT_USAGE, Format};

/// Subcommands of `msnp spec`.
#[derive(Debug, clap::Subcommand)]
pub enum SpecCommand {
    /// List every version: the client that introduced it, its authentication, contact-list mechanism and size.
    Versions {
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// List the web services clients call beside their MSNP connections (Passport, RST, the address book): method,
    /// paths, SOAPAction, versions, and what each request and response must hold.
    Services {
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Print the resolved command set of a version: every command and form with its arguments.
    Show {
        /// The version, such as MSNP8.
        #[arg(value_name = "MSNPn")]
        version: String,
    },
    /// Print the history of a command across versions: introduced, each change, removed.
    Command {
        /// The command, such as USR.
        #[arg(value_name = "NAME")]
        name: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Print what changes from one version to another: commands introduced and removed, forms changed argument by
    /// argument, error codes.
    Diff {
        /// The older version.
        #[arg(value_name = "MSNPa")]
        from: String,
        /// The newer version.
        #[arg(value_name = "MSNPb")]
        to: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Write a Markdown reference generated from the spec: an index, a page per version (changes and command set),
    /// a page per command (forms and history) and the error codes.
    Docs {
        /// The directory to write into (created when missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Check a spec directory as the build does, and report every problem as FILE:LINE:COL: message.
    ///
    /// Exit status: 0 when the spec is sound, 1 when it has problems, 2 when the directory cannot be read.
    Check {
        /// The spec directory (default: `--spec DIR`, or `spec` in the current directory).
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// Runs `msnp spec` against `spec`.
pub fn run(spec: &'static Spec, command: &SpecCommand, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let text = match command {
        SpecCommand::Check { dir } => return check(dir.as_ref(), stdout, stderr),
        SpecCommand::Docs { out } => match crate::spec_docs::write(spec, out) {
            Ok(count) => format!("wrote {count} pages to {}\n", out.display()),
            Err(e) => {
                let _ = writeln!(stderr, "msnp spec docs: cannot write to {}: {e}", out.display());
                return EXIT_USAGE;
            }
        },
        SpecCommand::Versions { format } => versions(spec, *format),
        SpecCommand::Services { format } => services(spec, *format),
        SpecCommand::Show { version } => match find_version(spec, "show", version, stderr) {
            Some(v) => show(v),
            None => return EXIT_USAGE,
        },
        SpecCommand::Command { name, format } => {
            let name = name.to_ascii_uppercase();
            let steps = history(spec, &name);
            if steps.is_empty() {
                let _ = writeln!(stderr, "msnp spec command: no version of the spec has a command `{name}`");
                return EXIT_USAGE;
            }
            match format {
                Format::Json => json(&steps),
                Format::Human => command_history(spec, &name, &steps),
            }
        }
        SpecCommand::Diff { from, to, format } => {
            let (Some(a), Some(b)) = (find_version(spec, "diff", from, stderr), find_version(spec, "diff", to, stderr))
            else {
                return EXIT_USAGE;
            };
            let changes = diff(a, b);
            match format {
                Format::Json => json(&changes),
                Format::Human => version_diff(&changes),
            }
        }
    };
    let _ = stdout.write_all(text.as_bytes());
    EXIT_OK
}

/// The version called `name`, or `None` after saying so on `stderr`.
fn find_version(spec: &Spec, command: &str, name: &str, stderr: &mut dyn Write) -> Option<&'static VersionDef> {
    let found = spec.version(name);
    if found.is_none() {
        let _ =
            writeln!(stderr, "msnp spec {command}: unknown version `{name}`; the spec knows {}", spec.version_names());
    }
    found
}

/// `value` as pretty-printed JSON with a final line end.
fn json(value: &impl serde::Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// One row of `msnp spec versions`.
#[derive(serde::Serialize)]
struct VersionRow {
    version: &'static str,
    extends: Option<&'static str>,
    client: Option<&'static str>,
    auth: Option<&'static str>,
    contact_list: Option<&'static str>,
    commands: usize,
    unverified: Option<&'static str>,
}

/// `msnp spec versions`: a table of every version.
pub fn versions(spec: &Spec, format: Format) -> String {
    let rows: Vec<VersionRow> = spec
        .versions
        .iter()
        .map(|v| VersionRow {
            version: v.name,
            extends: v.extends,
            client: v.client,
            auth: v.auth,
            contact_list: v.contact_list,
            commands: v.commands.len(),
            unverified: v.unverified,
        })
        .collect();
    if format == Format::Json {
        return json(&rows);
    }
    let header = ["version", "client", "auth", "contact list", "commands", "notes"];
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|r| {
            [
                r.version.to_string(),
                r.client.unwrap_or("-").to_string(),
                r.auth.unwrap_or("-").to_string(),
                r.contact_list.unwrap_or("-").to_string(),
                r.commands.to_string(),
                r.unverified.map_or(String::new(), |u| format!("unverified: {u}")),
            ]
        })
        .collect();
    crate::columns::columns(0, &header, cells)
}

/// One web service in `msnp spec services --format json`.
#[derive(serde::Serialize)]
struct ServiceRow {
    name: &'static str,
    doc: &'static str,
    kind: &'static str,
    method: &'static str,
    paths: &'static [&'static str],
    action: Option<&'static str>,
    since: &'static str,
    until: Option<&'static str>,
    request: MessageRow,
    response: MessageRow,
    evidence: Option<String>,
    unverified: Option<&'static str>,
}

/// What one direction of a web service's exchange must hold.
#[derive(serde::Serialize)]
struct MessageRow {
    document: Option<&'static str>,
    elements: &'static [&'static str],
    headers: &'static [&'static str],
}

impl MessageRow {
    fn new(message: &HttpMessageDef) -> Self {
        MessageRow { document: message.document, elements: message.elements, headers: message.headers }
    }

    /// What the message must hold, in words; `None` when nothing.
    fn describe(&self, response: bool) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(document) = self.document {
            parts.push(format!("SOAP body <{document}>"));
        }
        if !self.elements.is_empty() {
            parts.push(format!("elements {}", self.elements.join(", ")));
        }
        if !self.headers.is_empty() {
            let when = if response { " (in a 2xx answer)" } else { "" };
            parts.push(format!("headers {}{when}", self.headers.join(", ")));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// `msnp spec services`: every web service, with what its exchanges must hold.
pub fn services(spec: &Spec, format: Format) -> String {
    let rows: Vec<ServiceRow> = spec
        .services
        .iter()
        .map(|s| ServiceRow {
            name: s.name,
            doc: s.doc,
            kind: s.kind.word(),
            method: s.method,
            paths: s.paths,
            action: s.action,
            since: s.since,
            until: s.until,
            request: MessageRow::new(&s.request),
            response: MessageRow::new(&s.response),
            evidence: s.evidence.describe(),
            unverified: s.unverified,
        })
        .collect();
    if format == Format::Json {
        return json(&rows);
    }
    let mut out = String::new();
    for (row, service) in rows.iter().zip(spec.services) {
        if !out.is_empty() {
            out.push('\n');
        }
        let paths = row.paths.join(" ");
        out.push_str(&format!("{} ({}, {} {paths}; {})\n", row.name, row.kind, row.method, service.versions()));
        out.push_str(&format!("  {}\n", row.doc));
        if let Some(action) = row.action {
            out.push_str(&format!("  SOAPAction: {action}\n"));
        }
        for (what, message, response) in [("request", &row.request, false), ("response", &row.response, true)] {
            if let Some(text) = message.describe(response) {
                out.push_str(&format!("  {what}: {text}\n"));
            }
        }
        if let Some(evidence) = &row.evidence {
            out.push_str(&format!("  evidence: {evidence}\n"));
        }
        if let Some(unverified) = row.unverified {
            out.push_str(&format!("  unverified: {unverified}\n"));
        }
    }
    if out.is_empty() {
        out.push_str("the spec describes no web services\n");
    }
    out
}

/// The lines describing `change`, each with its depth.
pub fn change_lines(change: &CommandChange) -> Vec<(usize, String)> {
    let mut lines: Vec<(usize, String)> = change.notes.iter().map(|n| (0, n.clone())).collect();
    let form = |sign: &str, f: &FormSummary| (0, format!("{sign} {} ({}): {}", f.name, f.from, f.synopsis));
    lines.extend(change.forms_added.iter().map(|f| form("form added", f)));
    lines.extend(change.forms_removed.iter().map(|f| form("form removed", f)));
    for f in &change.forms_changed {
        lines.push((0, format!("form changed {} ({}): {} -> {}", f.name, f.from, f.before, f.after)));
        lines.extend(f.changes.iter().map(|c| (1, c.clone())));
    }
    lines
}

fn indented(out: &mut String, base: usize, lines: &[(usize, String)]) {
    for (depth, text) in lines {
        out.push_str(&format!("{}{text}\n", "  ".repeat(base + depth)));
    }
}

/// `msnp spec diff` as text.
pub fn version_diff(d: &VersionDiff) -> String {
    let mut out = format!("{} -> {}\n", d.from, d.to);
    if d.is_empty() {
        out.push_str("no changes\n");
        return out;
    }
    for property in &d.properties {
        out.push_str(&format!("{property}\n"));
    }
    if !d.introduced.is_empty() {
        out.push_str("\nintroduced:\n");
        for c in &d.introduced {
            out.push_str(&format!("  {}: {}\n", c.command, c.doc));
            for f in &c.forms {
                out.push_str(&format!("    {} ({}): {}\n", f.name, f.from, f.synopsis));
            }
        }
    }
    if !d.removed.is_empty() {
        out.push_str("\nremoved:\n");
        for r in &d.removed {
            match r.doc {
                Some(doc) => out.push_str(&format!("  {}: {doc}\n", r.command)),
                None => out.push_str(&format!("  {}\n", r.command)),
            }
        }
    }
    if !d.changed.is_empty() {
        out.push_str("\nchanged:\n");
        for c in &d.changed {
            out.push_str(&format!("  {}\n", c.command));
            indented(&mut out, 2, &change_lines(c));
        }
    }
    let codes = |list: &[u16]| list.iter().map(u16::to_string).collect::<Vec<_>>().join(" ");
    if !d.errors_introduced.is_empty() {
        out.push_str(&format!("\nerror codes introduced: {}\n", codes(&d.errors_introduced)));
    }
    if !d.errors_removed.is_empty() {
        out.push_str(&format!("\nerror codes removed: {}\n", codes(&d.errors_removed)));
    }
    out
}

/// `msnp spec command NAME` as text.
fn command_history(spec: &Spec, name: &str, steps: &[msnp::compare::HistoryStep]) -> String {
    let latest = spec.versions.iter().rev().find_map(|v| v.command(name));
    let mut out = match latest {
        Some(c) => format!("{name} [{}]: {}\n", c.services.names().join(" "), c.doc),
        None => format!("{name}\n"),
    };
    for step in steps {
        match step.event {
            "removed" => out.push_str(&format!(
                "{}: removed{}\n",
                step.version,
                step.doc.map_or(String::new(), |d| format!(": {d}"))
            )),
            event => out.push_str(&format!("{}: {event}\n", step.version)),
        }
        for f in &step.forms {
            out.push_str(&format!("  {} ({}): {}\n", f.name, f.from, f.synopsis));
        }
        if let Some(change) = &step.change {
            indented(&mut out, 1, &change_lines(change));
        }
    }
    out
}

/// `msnp spec check [DIR]`: the generator's diagnostics for a spec directory.
pub fn check(dir: Option<&PathBuf>, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let dir = dir.map_or(Path::new("spec"), PathBuf::as_path);
    if !dir.is_dir() {
        let _ = writeln!(stderr, "msnp spec check: {} is not a directory", dir.display());
        return EXIT_USAGE;
    }
    match msnp::runtime::load_dir_checked(dir) {
        Ok((spec, warnings)) => {
            for warning in &warnings {
                let _ = writeln!(stdout, "{warning} (warning)");
            }
            let commands: usize = spec.versions.iter().map(|v| v.commands.len()).sum();
            let gaps = match warnings.len() {
                0 => String::new(),
                1 => ", 1 warning".to_string(),
                n => format!(", {n} warnings"),
            };
            let _ = writeln!(
                stdout,
                "{}: {} versions ({}), {} types, {} error codes, {commands} commands over all versions, {} web services: no \
                 problems{gaps}",
                dir.display(),
                spec.versions.len(),
                spec.version_names(),
                spec.types.len(),
                spec.errors.len(),
                spec.services.len()
            );
            EXIT_OK
        }
        Err(problems) => {
            for problem in &problems {
                let _ = writeln!(stdout, "{problem}");
            }
            let count = match problems.len() {
                1 => "1 problem".to_string(),
                n => format!("{n} problems"),
            };
            let _ = writeln!(stderr, "msnp spec check: {count} in {}", dir.display());
            EXIT_INVALID
        }
    }
}

/// What is said of `form` (of `command`) besides its syntax and arguments, one note each: its doc, narrower
/// services, the requests it answers, a warning, what is unverified, the version of its current statement, its
/// payload.
pub fn form_notes(command: &CommandDef, form: &FormDef) -> Vec<String> {
    let mut notes = Vec::new();
    if !form.doc.is_empty() {
        notes.push(form.doc.to_string());
    }
    if form.services != command.services {
        notes.push(format!("services: {}", form.services.names().join(" ")));
    }
    if !form.answers.is_empty() {
        notes.push(format!("answers: {}", form.answers.join(" ")));
    }
    if let Some(warn) = form.warn {
        notes.push(format!("accepted with a warning: {warn}"));
    }
    if let Some(unverified) = form.unverified {
        notes.push(format!("unverified: {unverified}"));
    }
    if let Some(evidence) = form.evidence.describe() {
        notes.push(format!("evidence: {evidence}"));
    }
    if form.since != command.since {
        notes.push(format!("form as of {}", form.since));
    }
    if let Some(payload) = form.shape.payload {
        let kind = match payload.kind {
            PayloadKind::Mime => "MIME",
            PayloadKind::Xml => "XML",
            PayloadKind::Text => "text",
            PayloadKind::Binary => "binary",
        };
        let mut text = format!("payload: {kind}");
        if let Some(root) = payload.root {
            text.push_str(&format!(", document element <{root}>"));
        }
        if !payload.elements.is_empty() {
            let elements: Vec<String> = payload.elements.iter().map(|e| format!("<{e}>")).collect();
            text.push_str(&format!(", holding {}", elements.join(" ")));
        }
        notes.push(text);
    }
    notes
}

/// The resolved command set of `version` as text.
pub fn show(version: &VersionDef) -> String {
    let mut out = String::new();
    out.push_str(&format!("{}: {}\n", version.name, version.doc));
    if let Some(parent) = version.extends {
        out.push_str(&format!("extends: {parent}\n"));
    }
    for (label, value) in [("client", version.client), ("auth", version.auth), ("contact list", version.contact_list)] {
        if let Some(value) = value {
            out.push_str(&format!("{label}: {value}\n"));
        }
    }
    if let Some(unverified) = version.unverified {
        out.push_str(&format!("unverified: {unverified}\n"));
    }
    out.push_str(&format!("commands: {}\n", version.commands.len()));
    if version.error_payload {
        out.push_str("error replies may carry a payload (NNN TrID length)\n");
    }
    for removed in version.removed {
        out.push_str(&format!("removed: {} ({})\n", removed.name, removed.doc));
    }
    for command in version.commands {
        out.push_str(&format!(
            "\n{} [{}] since {}: {}\n",
            command.name,
            command.services.names().join(" "),
            command.since,
            command.doc
        ));
        if let Some(unverified) = command.unverified {
            out.push_str(&format!("  unverified: {unverified}\n"));
        }
        for form in command.forms {
            let arrow = match form.from {
                Dir::Client => "C>",
                Dir::Server => "S>",
            };
            out.push_str(&format!("  {arrow} {:<16} {}\n", form.name, form.shape.synopsis()));
            for note in form_notes(command, form) {
                out.push_str(&format!("       {note}\n"));
            }
            for (arg, doc) in form.shape.args.iter().zip(form.arg_docs) {
                let ty = match &arg.kind {
                    ArgKind::Value { ty, .. } => ty.name.to_string(),
                    ArgKind::Literal(_) => "literal".to_string(),
                };
                let line = format!("       - {:<18} {:<16} {doc}", arg.synopsis(), ty);
                out.push_str(line.trim_end());
                out.push('\n');
            }
        }
    }
    if !version.errors.is_empty() {
        let codes: Vec<String> = version.errors.iter().map(u16::to_string).collect();
        out.push_str(&format!("\nerror codes: {}\n", codes.join(" ")));
    }
    out
}
