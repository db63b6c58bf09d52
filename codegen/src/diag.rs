//! Spec diagnostics: every problem the generator finds, each located as `spec/FILE:LINE:COL`.

use std::fmt;
use std::ops::Range;

use crate::load::SourceFile;

/// A place in a spec file: the file's index in the loaded set and a byte range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loc {
    /// Index into the loaded files.
    pub file: usize,
    /// Byte range of the offending text.
    pub span: Range<usize>,
}

/// One problem in the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecError {
    /// Where, when the problem has a place (a missing file has none).
    pub loc: Option<Loc>,
    /// What is wrong, as one sentence without a trailing period.
    pub message: String,
}

/// The problems found so far, in the order found.
#[derive(Debug, Default)]
pub struct Diagnostics {
    errors: Vec<SpecError>,
    /// Gaps that do not stop the spec from being used (a form without evidence); `msnp spec check` shows them.
    warnings: Vec<SpecError>,
}

impl Diagnostics {
    /// Records a problem.
    pub fn error(&mut self, loc: Option<Loc>, message: impl Into<String>) {
        self.errors.push(SpecError { loc, message: message.into() });
    }

    /// Records a problem at `loc`.
    pub fn at(&mut self, loc: Loc, message: impl Into<String>) {
        self.error(Some(loc), message);
    }

    /// Records a gap at `loc` that does not make the spec unusable.
    pub fn warn_at(&mut self, loc: Loc, message: impl Into<String>) {
        self.warnings.push(SpecError { loc: Some(loc), message: message.into() });
    }

    /// The warnings, sorted like the errors.
    pub fn warnings_sorted(&mut self) -> Vec<SpecError> {
        let mut warnings = std::mem::take(&mut self.warnings);
        warnings.sort_by_key(|e| e.loc.as_ref().map(|l| (l.file, l.span.start)));
        warnings
    }

    /// Whether no problem was recorded.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The problems, sorted by file and position so that output is stable.
    pub fn into_sorted(mut self) -> Vec<SpecError> {
        self.errors.sort_by_key(|e| e.loc.as_ref().map(|l| (l.file, l.span.start)));
        self.errors
    }
}

/// A spec error rendered against its file: `spec/msnp8.toml:12:5: message`.
pub struct Rendered<'a> {
    /// The error.
    pub error: &'a SpecError,
    /// The loaded files.
    pub files: &'a [SourceFile],
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.error.loc {
            Some(loc) => {
                let file = &self.files[loc.file];
                let (line, col) = line_col(&file.text, loc.span.start);
                write!(f, "{}:{line}:{col}: {}", file.path, self.error.message)
            }
            None => write!(f, "spec: {}", self.error.message),
        }
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::line_col;

    #[test]
    fn line_col_counts_from_one() {
        let text = "a = 1\nbé = 2\n";
        for (offset, expected) in [(0, (1, 1)), (4, (1, 5)), (6, (2, 1)), (9, (2, 3)), (100, (3, 1))] {
            assert_eq!(line_col(text, offset), expected, "offset {offset}");
        }
    }
}
