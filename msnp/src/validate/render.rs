//! Showing diagnostics to people: `FILE:LINE:COL: error: message`, the source line with the offending text
//! underlined, the form the spec expects and a hint. (JSON output serializes [`Diagnostic`] directly.)

use std::fmt::Write;

use super::{Diagnostic, Severity, Summary};

/// Renders one diagnostic for a terminal, ending with a newline.
pub fn render_human(d: &Diagnostic) -> String {
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut out = format!("{}:{}:{}: {severity}: {}\n", d.file, d.line, d.column, d.message);
    let gutter = d.line.to_string().len();
    let pad = " ".repeat(gutter);
    if !d.source.is_empty() {
        // Tabs would shift the underline; show them as single spaces.
        let source: String = d.source.chars().map(|c| if c == '\t' { ' ' } else { c }).collect();
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{} | {source}", d.line);
        let _ = writeln!(out, "{pad} | {}{}", " ".repeat(d.column.saturating_sub(1)), "^".repeat(d.width.max(1)));
    }
    if let Some(expected) = &d.expected {
        let _ = writeln!(out, "{pad} = expected: {expected}");
    }
    if let Some(hint) = &d.hint {
        let _ = writeln!(out, "{pad} = hint: {hint}");
    }
    out
}

/// One line summing up a file: `seed.txt: MSNP8 (2 connections), 0 errors, 0 warnings`.
pub fn summary_line(s: &Summary) -> String {
    let versions = if s.versions.is_empty() { "no version".to_string() } else { s.versions.join(", ") };
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}: {versions} ({}), {}, {}",
        s.file,
        plural(s.connection_count, "connection"),
        plural(s.errors, "error"),
        plural(s.warnings, "warning")
    )
}
