//! Showing diagnostics to people: `FILE:LINE:COL: error: message`, the source line with the offending text
//! underlined, the form the spec expects and a hint. (JSON output serializes [`Diagnostic`] directly.)
//!
//! The source line and its underline are laid out by `annotate-snippets`, which measures text in display columns:
//! the carets stay under a wide character (CJK, emoji) as they do under ASCII.

use std::fmt::Write;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::{Diagnostic, Severity, Summary};
use crate::wire::text::visible;

/// Renders one diagnostic for a terminal, ending with a newline.
pub fn render_human(d: &Diagnostic) -> String {
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    // Everything shown may hold what a transcript's author wrote: control characters are shown, never sent.
    let mut out = format!("{}:{}:{}: {severity}: {}\n", visible(&d.file), d.line, d.column, visible(&d.message));
    let gutter = d.line.to_string().len();
    let pad = " ".repeat(gutter);
    if !d.source.is_empty() {
        let (source, start, width) = shown(&d.source, d.column.saturating_sub(1), d.width.max(1));
        let _ = writeln!(out, "{}", snippet(&source, d.line, start, width));
    }
    if let Some(expected) = &d.expected {
        let _ = writeln!(out, "{pad} = expected: {}", visible(expected));
    }
    if let Some(hint) = &d.hint {
        let _ = writeln!(out, "{pad} = hint: {}", visible(hint));
    }
    out
}

/// The snippet of `line` (shown as `source`), underlined from character `start` for `width` characters:
///
/// ```text
///    |
/// 41 | S: USR 7 OK example@hotmail.com example%20user 1 0
///    |                                                  ^
/// ```
///
/// An underline that starts past the end of the line (a missing argument) is one caret just after it.
fn snippet(source: &str, line: usize, start: usize, width: usize) -> String {
    let byte = |chars: usize| source.char_indices().nth(chars).map_or(source.len(), |(at, _)| at);
    let span = byte(start)..byte(start + width.max(1));
    let report = [Group::with_level(Level::ERROR)
        .element(Snippet::source(source).line_start(line).annotation(AnnotationKind::Primary.span(span)))];
    // No terminal width: a long line is shown whole, never cut to fit.
    Renderer::plain().term_width(WHOLE_LINE).render(&report)
}

/// A width no transcript line reaches, so that the renderer never shortens one.
const WHOLE_LINE: usize = 1 << 24;

/// The source line as shown, and where the underline of `width` characters from character `column` (0-based)
/// starts and how wide it is there: a tab is shown as one space (it would shift the underline), a control
/// character as its escape, which is wider.
fn shown(source: &str, column: usize, width: usize) -> (String, usize, usize) {
    let mut text = String::with_capacity(source.len());
    let (mut start, mut end) = (None, None);
    let mut at = 0;
    for (i, c) in source.chars().enumerate() {
        if i == column {
            start = Some(at);
        }
        if i == column + width {
            end = Some(at);
        }
        let piece = match c {
            '\t' => std::borrow::Cow::Borrowed(" "),
            c => visible(c.encode_utf8(&mut [0; 4])).into_owned().into(),
        };
        at += piece.chars().count();
        text.push_str(&piece);
    }
    let start = start.unwrap_or(at + column.saturating_sub(source.chars().count()));
    let end = end.unwrap_or(at.max(start + 1));
    (text, start, end.saturating_sub(start))
}

/// One line summing up a file: `seed.txt: MSNP8 (2 connections), 0 errors, 0 warnings`.
pub fn summary_line(s: &Summary) -> String {
    let versions = if s.versions.is_empty() { "no version".to_string() } else { s.versions.join(", ") };
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let http =
        if s.http_exchanges > 0 { format!(", {}", plural(s.http_exchanges, "HTTP exchange")) } else { String::new() };
    format!(
        "{}: {versions} ({}{http}), {}, {}",
        visible(&s.file),
        plural(s.connection_count, "connection"),
        plural(s.errors, "error"),
        plural(s.warnings, "warning")
    )
}

#[cfg(test)]
mod tests {
    use super::{Diagnostic, Severity, render_human, shown};

    #[test]
    fn the_underline_follows_escapes_and_tabs() {
        // (source, 0-based column, width) -> (shown, start, width)
        let cases = [
            ("S: CHG 1 NLN", 7, 1, ("S: CHG 1 NLN", 7, 1)),
            ("S: CHG \u{1b}[2J NLN", 7, 4, ("S: CHG \\x1b[2J NLN", 7, 7)),
            ("S:\tCHG \u{7} X", 9, 1, ("S: CHG \\x07 X", 12, 1)),
            // At the end of the line (a missing argument).
            ("S: USR 4 OK", 11, 1, ("S: USR 4 OK", 11, 1)),
        ];
        for (source, column, width, (text, start, shown_width)) in cases {
            assert_eq!(shown(source, column, width), (text.to_string(), start, shown_width), "{source:?}");
        }
    }

    #[test]
    fn no_control_character_reaches_the_terminal() {
        let d = Diagnostic {
            file: "a\u{1b}]0;title\u{7}.txt".into(),
            line: 3,
            column: 8,
            width: 4,
            severity: Severity::Error,
            code: "trid",
            message: "`\u{1b}[2J` is not a TrID".into(),
            expected: Some("CHG TrID status".into()),
            hint: Some("\u{9b}31m".into()),
            source: "S: CHG \u{1b}[2J NLN".into(),
        };
        let out = render_human(&d);
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
        assert!(out.contains("3 | S: CHG \\x1b[2J NLN"), "{out}");
    }

    #[test]
    fn the_underline_stays_under_wide_characters() {
        // Full-width letters and CJK take two columns each, as does the emoji: the carets are counted in columns.
        let source = "S: ILN 1 NLN 名前@example.com ＡＤＤ😀 0";
        let diagnostic = |column, width| Diagnostic {
            file: "-".into(),
            line: 7,
            column,
            width,
            severity: Severity::Warning,
            code: "arg-type",
            message: "m".into(),
            expected: None,
            hint: None,
            source: source.into(),
        };
        // `ＡＤＤ😀`: character 29, four characters, eight columns from column 31.
        let shown = render_human(&diagnostic(29, 4));
        let underline = format!("  | {}{}\n", " ".repeat(30), "^".repeat(8));
        assert!(shown.ends_with(&format!("7 | {source}\n{underline}")), "{shown}");
        // The `0` after them: character 34, column 40.
        let shown = render_human(&diagnostic(34, 1));
        assert!(shown.ends_with(&format!("  | {}^\n", " ".repeat(39))), "{shown}");
    }
}
