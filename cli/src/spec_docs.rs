//! `msnp spec docs --out DIR`: a Markdown reference generated from the spec. An index; one page per version with
//! what it introduces, removes and changes relative to the version before it, and its whole command set; one page
//! per command with its forms and history; the error codes. The output depends only on the spec: the same spec
//! gives the same bytes.

use std::fmt::Write as _;
use std::path::Path;

use msnp::compare::{diff, history};
use msnp::spec::{ArgKind, CommandDef, Dir, FormDef, Spec, VersionDef};

use crate::spec_cmd::{change_lines, form_notes};

/// The generated files: paths relative to the output directory, and their contents.
pub fn pages(spec: &Spec) -> Vec<(String, String)> {
    let mut pages = vec![("index.md".to_string(), index(spec)), ("errors.md".to_string(), errors(spec))];
    for version in spec.versions {
        // Changes are stated against the version this one extends, when that is a version of its own.
        let previous = version.extends.and_then(|name| spec.version(name));
        pages.push((format!("versions/{}.md", version.name), version_page(version, previous)));
    }
    for name in command_names(spec) {
        pages.push((format!("commands/{name}.md"), command_page(spec, name)));
    }
    pages
}

/// Writes the pages under `out`.
pub fn write(spec: &Spec, out: &Path) -> std::io::Result<usize> {
    let pages = pages(spec);
    for dir in ["versions", "commands"] {
        std::fs::create_dir_all(out.join(dir))?;
    }
    for (path, text) in &pages {
        std::fs::write(out.join(path), text)?;
    }
    Ok(pages.len())
}

/// Every command of any version, sorted.
fn command_names(spec: &Spec) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = spec.versions.iter().flat_map(|v| v.commands.iter().map(|c| c.name)).collect();
    names.sort_unstable();
    names.dedup();
    names
}

fn command_link(name: &str, from: &str) -> String {
    format!("[{name}]({from}commands/{name}.md)")
}

fn version_link(name: &str, from: &str) -> String {
    format!("[{name}]({from}versions/{name}.md)")
}

/// Text that sits in a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn index(spec: &Spec) -> String {
    let mut out =
        String::from("# MSNP reference\n\nGenerated from the msnp spec by `msnp spec docs`.\n\n## Versions\n\n");
    out.push_str("| version | official client | authentication | contact list | commands | notes |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- |\n");
    for v in spec.versions {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            version_link(v.name, ""),
            v.client.unwrap_or("-"),
            v.auth.unwrap_or("-"),
            v.contact_list.unwrap_or("-"),
            v.commands.len(),
            cell(&v.unverified.map_or(String::new(), |u| format!("unverified: {u}")))
        );
    }
    out.push_str("\n## Commands\n\n");
    for name in command_names(spec) {
        let latest = spec.versions.iter().rev().find_map(|v| v.command(name));
        let _ = writeln!(out, "- {}: {}", command_link(name, ""), latest.map_or("", |c| c.doc));
    }
    out.push_str("\n## Error codes\n\nSee [the error codes](errors.md).\n");
    out
}

fn errors(spec: &Spec) -> String {
    let mut out =
        String::from("# Error codes\n\nAn error reply is `NNN TrID`: the code in place of a command name.\n\n");
    out.push_str("| code | name | meaning | versions |\n| --- | --- | --- | --- |\n");
    for e in spec.errors {
        let listed: Vec<&str> = spec.versions.iter().filter(|v| v.errors.contains(&e.code)).map(|v| v.name).collect();
        let versions = match (listed.first(), listed.last()) {
            (Some(first), Some(last)) if first == last => first.to_string(),
            (Some(first), Some(last)) => format!("{first} to {last}"),
            _ => "-".to_string(),
        };
        let _ = writeln!(out, "| {} | {} | {} | {versions} |", e.code, e.name.unwrap_or("-"), cell(e.doc));
    }
    out
}

fn version_page(version: &'static VersionDef, previous: Option<&'static VersionDef>) -> String {
    let mut out = format!("# {}\n\n{}\n\n", version.name, version.doc);
    for (label, value) in [
        ("Extends", version.extends),
        ("Official client", version.client),
        ("Authentication", version.auth),
        ("Contact list", version.contact_list),
        ("Unverified", version.unverified),
    ] {
        if let Some(value) = value {
            let _ = writeln!(out, "- {label}: {value}");
        }
    }
    out.push_str("\n## Known changes\n\n");
    match previous {
        None => out.push_str("The first version in the spec.\n"),
        Some(previous) => {
            let d = diff(previous, version);
            let _ = writeln!(out, "From {}:\n", version_link(previous.name, "../"));
            if d.is_empty() {
                out.push_str("No changes.\n");
            }
            for property in &d.properties {
                let _ = writeln!(out, "- {property}");
            }
            for c in &d.introduced {
                let _ = writeln!(out, "- introduced {}: {}", command_link(c.command, "../"), c.doc);
            }
            for r in &d.removed {
                let _ = writeln!(
                    out,
                    "- removed {}{}",
                    command_link(r.command, "../"),
                    r.doc.map_or(String::new(), |doc| format!(": {doc}"))
                );
            }
            for c in &d.changed {
                let _ = writeln!(out, "- changed {}:", command_link(c.command, "../"));
                for (depth, line) in change_lines(c) {
                    let _ = writeln!(out, "{}- {}", "  ".repeat(depth + 1), code_spans(&line));
                }
            }
            let codes = |list: &[u16]| list.iter().map(u16::to_string).collect::<Vec<_>>().join(", ");
            if !d.errors_introduced.is_empty() {
                let _ = writeln!(out, "- error codes introduced: {}", codes(&d.errors_introduced));
            }
            if !d.errors_removed.is_empty() {
                let _ = writeln!(out, "- error codes removed: {}", codes(&d.errors_removed));
            }
        }
    }
    out.push_str("\n## Command information\n\n");
    for command in version.commands {
        let _ = writeln!(
            out,
            "### {}\n\n{} Services: {}. Since {}.\n",
            command_link(command.name, "../"),
            command.doc,
            command.services.names().join(", "),
            command.since
        );
        if let Some(unverified) = command.unverified {
            let _ = writeln!(out, "Unverified: {unverified}\n");
        }
        for form in command.forms {
            forms_block(&mut out, command, form);
        }
    }
    if !version.errors.is_empty() {
        let codes: Vec<String> = version.errors.iter().map(u16::to_string).collect();
        let _ = writeln!(out, "## Error codes\n\n{}", codes.join(", "));
    }
    out
}

/// Wraps the syntaxes in a change line (`... : A -> B`) in code spans.
fn code_spans(line: &str) -> String {
    match line.split_once(": ") {
        Some((head, rest)) if rest.contains(" -> ") || head.starts_with("form ") => {
            let rest = rest.split(" -> ").map(|s| format!("`{s}`")).collect::<Vec<_>>().join(" → ");
            format!("{head}: {rest}")
        }
        _ => line.to_string(),
    }
}

fn forms_block(out: &mut String, command: &CommandDef, form: &FormDef) {
    let who = match form.from {
        Dir::Client => "client",
        Dir::Server => "server",
    };
    let _ = writeln!(out, "- `{}` ({who}, {})", form.shape.synopsis(), form.name);
    let notes = form_notes(command, form);
    for note in notes {
        let _ = writeln!(out, "  - {}", cell(&note));
    }
    for (arg, doc) in form.shape.args.iter().zip(form.arg_docs) {
        let ty = match &arg.kind {
            ArgKind::Value { ty, .. } => ty.name,
            ArgKind::Literal(_) => "literal",
        };
        let _ = writeln!(out, "  - `{}` ({ty}): {doc}", arg.synopsis());
    }
}

fn command_page(spec: &Spec, name: &str) -> String {
    let latest = spec.versions.iter().rev().find_map(|v| v.command(name));
    let mut out = format!("# {name}\n\n{}\n\n", latest.map_or("", |c| c.doc));
    if let Some(c) = latest {
        let _ = writeln!(out, "Services: {}.\n", c.services.names().join(", "));
        out.push_str("## Forms (latest version that has the command)\n\n");
        for form in c.forms {
            forms_block(&mut out, c, form);
        }
    }
    out.push_str("\n## History\n\n");
    for step in history(spec, name) {
        let version = version_link(step.version, "../");
        match step.event {
            "removed" => {
                let _ = writeln!(out, "- {version}: removed{}", step.doc.map_or(String::new(), |d| format!(": {d}")));
            }
            event => {
                let _ = writeln!(out, "- {version}: {event}");
            }
        }
        for f in &step.forms {
            let _ = writeln!(out, "  - `{}` ({}, {})", f.synopsis, f.from, f.name);
        }
        if let Some(change) = &step.change {
            for (depth, line) in change_lines(change) {
                let _ = writeln!(out, "{}- {}", "  ".repeat(depth + 1), code_spans(&line));
            }
        }
    }
    out
}
