//! The mutation suite: from every clean fixture, variants of each command line with an argument dropped, an
//! argument added, the TrID removed or made non-numeric, the payload length changed by one, the command renamed
//! to one that does not exist in that version, and the line moved to the other direction. Each variant must
//! yield a diagnostic on the mutated line, unless the spec itself says the mutated line is a valid form (asked
//! of the spec's tables, never of a list kept by hand).

use msnp::frame::payload_length;
use msnp::matcher::select;
use msnp::raw::{RawCommand, Tokens};
use msnp::spec::{ArgKind, Dir, Services, Shape, Trid, VersionDef};
use msnp::typed::ErrorReply;
use msnp_tests::{ALL_FIXTURES, KNOWN_ERRORS, fixture, run};

/// One command line of a fixture, with what the spec says about it.
struct Line {
    index: usize,
    dir: Dir,
    text: String,
    version: &'static VersionDef,
}

/// The single-line commands of a fixture (continued lines are left out: a mutation of one physical line of them
/// says nothing the single-line cases do not; so are the lines of known slips, already wrong as they stand).
fn command_lines(name: &str) -> Vec<Line> {
    let bytes = fixture(name);
    let (summary, seen) = run(name, &bytes);
    let known = KNOWN_ERRORS.iter().filter(|e| e.0 == name).count();
    assert_eq!(summary.errors, known, "{name} must be clean (apart from its known slips) before it is mutated");
    let text = String::from_utf8(bytes).expect("fixtures are UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    seen.commands
        .iter()
        .filter(|c| lines.get(c.line).is_none_or(|next| !next.starts_with(".. ")))
        .filter(|c| !KNOWN_ERRORS.contains(&(name, c.line)))
        .map(|c| Line {
            index: c.line - 1,
            dir: c.dir,
            text: c.text.clone(),
            version: c.version.unwrap_or_else(|| msnp::SPEC.version("MSNP8").expect("MSNP8")),
        })
        .collect()
}

/// The mutants of one command line: (what was done, the new line with its `C: `/`S: ` prefix).
fn mutants(line: &Line) -> Vec<(String, String)> {
    let prefix = |dir: Dir| if dir == Dir::Client { "C: " } else { "S: " };
    // Split as the notation does: a placeholder such as `$md5(prefix + password)` is one argument.
    let raw = RawCommand::parse(&line.text, b"", Tokens::Transcript);
    let (name, args): (&str, Vec<&str>) = (raw.name(), raw.args().collect());
    let args = &args[..];
    let join =
        |name: &str, args: &[&str]| std::iter::once(name).chain(args.iter().copied()).collect::<Vec<_>>().join(" ");
    let mut out = Vec::new();
    for i in 0..args.len() {
        let mut fewer = args.to_vec();
        fewer.remove(i);
        out.push((format!("dropped argument {i}"), join(name, &fewer)));
    }
    let mut more = args.to_vec();
    more.push(args.last().copied().unwrap_or("extra"));
    out.push(("added an argument".into(), join(name, &more)));
    if has_trid(line) {
        out.push(("removed the TrID".into(), join(name, &args[1..])));
        let mut letters = args.to_vec();
        let not_numeric = format!("x{}", args[0]);
        letters[0] = &not_numeric;
        out.push(("made the TrID non-numeric".into(), join(name, &letters)));
    }
    if let Some(length) = payload_length(line.version, line.dir, &raw) {
        for changed in [length + 1, length.saturating_sub(1)] {
            let mut args = args.to_vec();
            let changed = changed.to_string();
            *args.last_mut().expect("a payload command has a length") = &changed;
            out.push((format!("payload length {changed}"), join(name, &args)));
        }
    }
    for renamed in [absent_command(line.version), "ZZZ"] {
        out.push((format!("renamed to {renamed}"), join(renamed, args)));
    }
    out.into_iter()
        .map(|(what, text)| (what, format!("{}{text}", prefix(line.dir))))
        .chain(std::iter::once((
            "moved to the other direction".into(),
            format!("{}{}", prefix(line.dir.other()), line.text),
        )))
        .collect()
}

/// Whether the line's form has a TrID, according to the spec.
fn has_trid(line: &Line) -> bool {
    let raw = RawCommand::parse(&line.text, b"", Tokens::Transcript);
    if raw.is_error_code() {
        return true;
    }
    let command = line
        .version
        .command(raw.name())
        .unwrap_or_else(|| panic!("clean lines name known commands: {} {}", line.version.name, line.text));
    let (form, _) = select(command, line.dir, Services::ALL, &raw).expect("clean lines match a form");
    form.shape.trid != Trid::No
}

/// A command some version of the spec has but `version` does not (falls back to a made-up name).
fn absent_command(version: &VersionDef) -> &'static str {
    msnp::SPEC
        .versions
        .iter()
        .flat_map(|v| v.commands.iter())
        .map(|c| c.name)
        .find(|name| version.command(name).is_none())
        .unwrap_or("QQQ")
}

/// Whether the spec says `line` (with its prefix) is a valid line of `version`: some form of its command in that
/// direction matches it, both by the library's matcher and by an arity and literal check read straight from the
/// form's table entry (so that a fault in the matcher cannot make mutants look valid).
fn spec_accepts(version: &'static VersionDef, line: &str) -> bool {
    let dir = if line.starts_with("C: ") { Dir::Client } else { Dir::Server };
    let raw = RawCommand::parse(&line[3..], b"", Tokens::Transcript);
    if raw.is_error_code() {
        return dir == Dir::Server && ErrorReply::parse(&raw).is_ok() && raw.arg_count() == 1;
    }
    let Some(command) = version.command(raw.name()) else { return false };
    let by_matcher = select(command, dir, Services::ALL, &raw).is_ok();
    let by_table = command.forms_from(dir).any(|form| fits_table(form.shape, &raw));
    by_matcher && by_table
}

/// Token count within the shape's bounds, and required literals in place while every argument before them is
/// required too.
fn fits_table(shape: &Shape, raw: &RawCommand<'_>) -> bool {
    let trid = usize::from(shape.trid != Trid::No);
    let required = shape.args.iter().filter(|a| !a.optional).count();
    let unbounded = shape.args.iter().any(|a| a.repeat);
    let count = raw.arg_count();
    if count < trid + required || (!unbounded && count > trid + shape.args.len()) {
        return false;
    }
    if shape.trid == Trid::Zero && raw.arg(0) != Some("0") {
        return false;
    }
    for (i, arg) in shape.args.iter().enumerate() {
        if arg.optional || arg.repeat {
            break;
        }
        if let ArgKind::Literal(word) = arg.kind
            && raw.arg(trid + i) != Some(word)
        {
            return false;
        }
    }
    true
}

#[test]
fn every_mutation_is_reported_on_its_line_unless_the_spec_allows_it() {
    let mut total = 0;
    let mut allowed = Vec::new();
    let mut missed = Vec::new();
    for name in ALL_FIXTURES {
        let original = String::from_utf8(fixture(name)).expect("UTF-8");
        let source_lines: Vec<&str> = original.split('\n').collect();
        // What the unmutated fixture already reports (its known slips): a mutant must add to it on its line.
        let (_, baseline) = run(name, original.as_bytes());
        let before: Vec<(usize, &str, String)> =
            baseline.diagnostics.iter().map(|d| (d.line, d.code, d.message.clone())).collect();
        for line in command_lines(name) {
            for (what, mutated) in mutants(&line) {
                total += 1;
                let mut lines = source_lines.clone();
                lines[line.index] = &mutated;
                let text = lines.join("\n");
                let (_, seen) = run(name, text.as_bytes());
                if seen
                    .diagnostics
                    .iter()
                    .any(|d| d.line == line.index + 1 && !before.contains(&(d.line, d.code, d.message.clone())))
                {
                    continue;
                }
                if spec_accepts(line.version, &mutated) {
                    allowed.push(format!("{name}:{}: {what}: {mutated}", line.index + 1));
                } else {
                    missed.push(format!("{name}:{}: {what}: {mutated}", line.index + 1));
                }
            }
        }
    }
    assert!(missed.is_empty(), "{} of {total} mutations passed silently:\n{}", missed.len(), missed.join("\n"));
    assert!(total > 1000, "only {total} mutations were tried");
    println!("{total} mutations tried, {} valid by the spec", allowed.len());
    // Valid-by-spec mutants exist (dropping an optional argument, echoing a dialect in VER), but they must stay
    // the exception.
    assert!(
        allowed.len() * 10 < total,
        "{} of {total} mutations are valid by the spec:\n{}",
        allowed.len(),
        allowed.join("\n")
    );
}
