//! The shape of the hand-written code, kept by a test: the library's top level shows its layers (at most eight
//! entries in `msnp/src`), and no file of the library or the generator is over 600 lines nor any function over
//! 80 (counted from its `fn` line to its closing brace, as rustfmt lays them out).

use std::fs;
use std::path::{Path, PathBuf};

const MAX_ROOT_ENTRIES: usize = 8;
const MAX_FILE_LINES: usize = 600;
const MAX_FN_LINES: usize = 80;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> =
        fs::read_dir(dir).expect("a source directory").map(|e| e.expect("an entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Functions longer than `max` lines in `source`: (line of the `fn`, name, lines).
fn long_functions(source: &str, max: usize) -> Vec<(usize, String, usize)> {
    let lines: Vec<&str> = source.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let Some(at) = fn_keyword(trimmed) else { continue };
        let name: String = trimmed[at + 3..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let indent = &line[..line.len() - trimmed.len()];
        // A declaration without a body (in a trait) ends with `;` before any `{`.
        let Some(open) = lines[i..].iter().position(|l| l.trim_end().ends_with('{') || l.trim_end().ends_with(';'))
        else {
            continue;
        };
        if lines[i + open].trim_end().ends_with(';') || lines[i].trim_end().ends_with('}') {
            continue;
        }
        let closing = format!("{indent}}}");
        if let Some(end) = lines[i + open..].iter().position(|l| l.trim_end() == closing) {
            let length = open + end + 1;
            if length > max {
                found.push((i + 1, name, length));
            }
        }
    }
    found
}

/// Where `fn ` starts in a line that declares a function (after `pub`, `async`, `const` and the like).
fn fn_keyword(trimmed: &str) -> Option<usize> {
    if trimmed.starts_with("//") {
        return None;
    }
    let at = trimmed.find("fn ")?;
    let before = &trimmed[..at];
    let qualifiers_only = before.split_whitespace().all(|word| {
        matches!(word, "pub" | "async" | "const" | "unsafe" | "extern" | "default") || word.starts_with("pub(")
    });
    qualifiers_only.then_some(at)
}

#[test]
fn the_library_root_shows_its_layers() {
    let root = workspace().join("msnp/src");
    let mut entries: Vec<String> = fs::read_dir(&root)
        .expect("msnp/src")
        .map(|e| e.expect("an entry").file_name().to_string_lossy().into())
        .collect();
    entries.sort();
    assert!(entries.len() <= MAX_ROOT_ENTRIES, "msnp/src has {} entries: {entries:?}", entries.len());
}

#[test]
fn no_file_or_function_of_the_library_or_the_generator_is_too_long() {
    let mut files = Vec::new();
    for dir in ["msnp/src", "codegen/src"] {
        rust_files(&workspace().join(dir), &mut files);
    }
    assert!(files.len() > 20, "only {} files found", files.len());
    let mut problems = Vec::new();
    for path in &files {
        let source = fs::read_to_string(path).expect("a source file");
        let shown = path.strip_prefix(workspace()).unwrap_or(path).display().to_string();
        let count = source.lines().count();
        if count > MAX_FILE_LINES {
            problems.push(format!("{shown}: {count} lines"));
        }
        for (line, name, length) in long_functions(&source, MAX_FN_LINES) {
            problems.push(format!("{shown}:{line}: fn {name} has {length} lines"));
        }
    }
    assert!(problems.is_empty(), "over the limits:\n{}", problems.join("\n"));
}

#[test]
fn the_function_counter_counts_what_rustfmt_lays_out() {
    let source = "fn short() {\n    one();\n}\n\npub(crate) async fn long(\n    a: u32,\n) -> u32 {\n    let x = a;\n    x\n}\n\ntrait T {\n    fn declared(&self);\n}\n";
    assert_eq!(long_functions(source, 2), vec![(1, "short".to_string(), 3), (5, "long".to_string(), 6)]);
    assert_eq!(long_functions(source, 5), vec![(5, "long".to_string(), 6)]);
    assert!(long_functions(source, 6).is_empty());
    assert!(long_functions("// fn commented() {\n", 0).is_empty());
}
