//! Matching a raw command against the spec: which form of its command a line is, and if none, which form it
//! came closest to and what is wrong. The validator and the generated typed parsers both use this.
//!
//! Two paths decide the same thing. The generated checks (`Shape::quick`, built from [`Cursor`] steps with the
//! shape's words, prefixes and types as constants) answer only "does it match", and are tried first: a valid
//! line takes no other path. The table walk ([`check_shape`], [`match_shape`]) reads the shape's table entry,
//! records where each argument lies and says what is wrong; it runs when no generated check matched. The tests
//! hold the two to the same answers on fixture lines and on generated ones.

use crate::spec::value::{Invalid, parse_uint};
use crate::spec::{ArgDef, ArgKind, CommandDef, Dir, FormDef, Services, Shape, Trid, TypeDef, ValueError};
use crate::wire::raw::RawCommand;

/// The most arguments a shape may have (the generator enforces it).
pub const MAX_ARGS: usize = 16;

/// A line that matched a shape: the TrID and, for each shape argument, which tokens it took.
#[derive(Clone, Debug)]
pub struct Match<'r, 'a> {
    raw: &'r RawCommand<'a>,
    at: Located,
}

/// Where a match found things, apart from the line it was found in: a tolerant reader keeps it beside a line it
/// repaired and binds the two again when asked ([`Located::bind`]).
#[derive(Clone, Copy, Debug)]
pub struct Located {
    trid: Option<u32>,
    /// Per shape argument: index of its first token and how many tokens it took (0 when absent).
    positions: [(u16, u16); MAX_ARGS],
}

impl Located {
    /// The match in `raw`, which must be the line this was found in.
    pub fn bind<'r, 'a>(self, raw: &'r RawCommand<'a>) -> Match<'r, 'a> {
        Match { raw, at: self }
    }
}

/// How far a match may depart from its shape: the repairs a tolerant reader allows (see
/// [`crate::typed::message::Received`]). The default is an exact match.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Leniency {
    /// Trailing arguments may be missing and read as absent. Literals that select a sub-form must still be there:
    /// only literals after the last value argument may be missing (the `0` that ends an LSG line).
    pub missing_tail: bool,
    /// Arguments after the last one of the shape are ignored.
    pub extra_tail: bool,
}

/// What is wrong with a line, measured against one shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// What is wrong.
    pub kind: MismatchKind,
    /// The offending argument token (index into the raw command's arguments); `None` when the line ended
    /// where more was expected.
    pub token: Option<usize>,
    /// The shape argument concerned, when one is.
    pub arg: Option<usize>,
    /// How many tokens matched before the problem; the closest form is the one that got furthest.
    pub progress: usize,
}

/// The kinds of mismatch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MismatchKind {
    /// The line ends where the TrID should be.
    TridMissing,
    /// The token where the TrID should be is not one.
    TridInvalid(Invalid),
    /// A server push must carry TrID 0.
    TridNotZero,
    /// A fixed word was expected.
    LiteralExpected(&'static str),
    /// The line ends before a required argument.
    ArgMissing,
    /// A token is not a value of the argument's type.
    BadValue(ValueError),
    /// A token lacks the argument's prefix.
    PrefixMissing(&'static str),
    /// An empty argument: a doubled or trailing space.
    EmptyArg,
    /// More arguments than the shape has.
    ExtraArg,
}

/// Where a match puts the tokens each shape argument took.
trait Record {
    fn set(&mut self, arg: usize, first: usize, count: usize);
}

/// Records every argument's tokens, for typed values.
impl Record for [(u16, u16); MAX_ARGS] {
    #[inline]
    fn set(&mut self, arg: usize, first: usize, count: usize) {
        if let Some(slot) = self.get_mut(arg) {
            *slot = (first as u16, count as u16);
        }
    }
}

/// Records nothing: checking a line needs only whether it matches and its TrID.
struct Discard;

impl Record for Discard {
    #[inline]
    fn set(&mut self, _: usize, _: usize, _: usize) {}
}

/// Matches `raw` against `shape`.
pub fn match_shape<'r, 'a>(shape: &Shape, raw: &'r RawCommand<'a>) -> Result<Match<'r, 'a>, Mismatch> {
    locate(shape, raw, Leniency::default()).map(|at| at.bind(raw))
}

/// Matches `raw` against `shape` with the repairs `leniency` allows, and says where each argument is.
pub fn locate(shape: &Shape, raw: &RawCommand<'_>, leniency: Leniency) -> Result<Located, Mismatch> {
    let mut positions = [(0u16, 0u16); MAX_ARGS];
    let trid = match_with(shape, raw, &mut positions, leniency)?;
    Ok(Located { trid, positions })
}

/// Checks `raw` against `shape` without recording where arguments are: the TrID (when the shape has one and it
/// is not a placeholder), or what is wrong.
pub fn check_shape(shape: &Shape, raw: &RawCommand<'_>) -> Result<Option<u32>, Mismatch> {
    match_with(shape, raw, &mut Discard, Leniency::default())
}

/// The matcher proper: checks the TrID and every argument, telling `record` which tokens each argument took.
#[inline]
fn match_with(
    shape: &Shape,
    raw: &RawCommand<'_>,
    record: &mut impl Record,
    leniency: Leniency,
) -> Result<Option<u32>, Mismatch> {
    let tokens = raw.arg_slice();
    let placeholders = raw.has_placeholders();
    let (mut at, trid) = match_trid(shape.trid, tokens, placeholders)?;
    if shape.args.len() > MAX_ARGS {
        // The generator refuses such shapes; a table built another way gets an error, not a panic.
        return Err(fail(MismatchKind::ExtraArg, None, Some(MAX_ARGS), 0));
    }
    // The generator allows at most MAX_ARGS arguments per form; `positions` holds that many.
    for (index, arg) in shape.args.iter().enumerate() {
        let taken = match (tokens.get(at), &arg.kind) {
            (None, _) if arg.optional || (leniency.missing_tail && tail_may_be_missing(shape, index)) => 0,
            (None, _) => return Err(fail(MismatchKind::ArgMissing, None, Some(index), at)),
            (Some(&token), ArgKind::Literal(word)) => match_literal(arg, word, token, (index, at), placeholders)?,
            (Some(_), ArgKind::Value { ty, .. }) => match_value(arg, ty, tokens, (index, at), placeholders, leniency)?,
        };
        record.set(index, at, taken);
        at += taken;
    }
    finish(tokens, at, trid, leniency)
}

/// A mismatch of `kind` at `token`, in shape argument `arg`, after `progress` tokens matched.
#[inline]
fn fail(kind: MismatchKind, token: Option<usize>, arg: Option<usize>, progress: usize) -> Mismatch {
    Mismatch { kind, token, arg, progress }
}

/// Whether `token` is a placeholder; `placeholders` says whether the line holds any.
#[inline]
fn is_placeholder(placeholders: bool, token: &str) -> bool {
    placeholders && crate::wire::raw::is_placeholder(token)
}

/// The TrID, when the shape has one: how many tokens it took, and its value (none for a placeholder).
#[inline]
fn match_trid(trid: Trid, tokens: &[&str], placeholders: bool) -> Result<(usize, Option<u32>), Mismatch> {
    match trid {
        Trid::No => Ok((0, None)),
        Trid::Yes | Trid::Zero => {
            let Some(&token) = tokens.first() else {
                return Err(fail(MismatchKind::TridMissing, None, None, 0));
            };
            if token.is_empty() {
                return Err(fail(MismatchKind::EmptyArg, Some(0), None, 0));
            }
            if is_placeholder(placeholders, token) {
                return Ok((1, None));
            }
            if trid == Trid::Zero && token.as_bytes() != b"0" {
                return Err(fail(MismatchKind::TridNotZero, Some(0), None, 0));
            }
            match parse_uint(token, u32::MAX as u64) {
                Ok(n) => Ok((1, Some(n as u32))),
                Err(e) => Err(fail(MismatchKind::TridInvalid(e), Some(0), None, 0)),
            }
        }
    }
}

/// A literal argument `word` (shape argument `index`) at token `at`: the word or a placeholder takes the token, an
/// optional literal may be absent. Returns how many tokens it took.
#[inline]
fn match_literal(
    arg: &ArgDef,
    word: &'static str,
    token: &str,
    (index, at): (usize, usize),
    placeholders: bool,
) -> Result<usize, Mismatch> {
    if token == word || is_placeholder(placeholders, token) {
        Ok(1)
    } else if arg.optional {
        Ok(0)
    } else if token.is_empty() {
        Err(fail(MismatchKind::EmptyArg, Some(at), Some(index), at))
    } else {
        Err(fail(MismatchKind::LiteralExpected(word), Some(at), Some(index), at))
    }
}

/// A value argument of type `ty` (shape argument `index`) from token `at`: one token, or every remaining one for a
/// repeated argument, each a value of the type after the argument's prefix. An optional argument whose prefix is
/// missing is absent. Returns how many tokens it took.
#[inline]
fn match_value(
    arg: &ArgDef,
    ty: &TypeDef,
    tokens: &[&str],
    (index, at): (usize, usize),
    placeholders: bool,
    leniency: Leniency,
) -> Result<usize, Mismatch> {
    if let Some(prefix) = arg.prefix
        && !tokens[at].starts_with(prefix)
        && !is_placeholder(placeholders, tokens[at])
    {
        if arg.optional {
            return Ok(0);
        }
        return Err(fail(MismatchKind::PrefixMissing(prefix), Some(at), Some(index), at));
    }
    let end = if arg.repeat { tokens.len() } else { at + 1 };
    let mut bad = None;
    for (position, &token) in tokens.iter().enumerate().take(end).skip(at) {
        if token.is_empty() {
            return Err(fail(MismatchKind::EmptyArg, Some(position), Some(index), position));
        }
        if is_placeholder(placeholders, token) {
            continue;
        }
        let value = arg.prefix.and_then(|p| token.strip_prefix(p)).unwrap_or(token);
        if let Err(e) = ty.check(value) {
            bad = Some(fail(MismatchKind::BadValue(e), Some(position), Some(index), position));
            break;
        }
    }
    let Some(mismatch) = bad else { return Ok(end - at) };
    // With extra arguments allowed, the tokens before the first that is no value of the argument are the argument
    // (none, for an optional one), and that token starts the extras: a server's added argument where the form has
    // a free or repeated slot.
    let taken = mismatch.token.unwrap_or(at) - at;
    if leniency.extra_tail && (arg.optional || (arg.repeat && taken > 0)) {
        return Ok(taken);
    }
    Err(mismatch)
}

/// What is left after the shape's last argument: nothing, or (with [`Leniency::extra_tail`]) extra arguments.
#[inline]
fn finish(tokens: &[&str], at: usize, trid: Option<u32>, leniency: Leniency) -> Result<Option<u32>, Mismatch> {
    let count = tokens.len();
    if at < count {
        let kind = if tokens[at].is_empty() { MismatchKind::EmptyArg } else { MismatchKind::ExtraArg };
        if !(leniency.extra_tail && kind == MismatchKind::ExtraArg) {
            return Err(Mismatch { kind, token: Some(at), arg: None, progress: at });
        }
    }
    Ok(trid)
}

/// Whether the arguments of `shape` from `index` on may all be missing from a repaired line: no literal among
/// them comes before a value (a literal there selects the sub-form, so its absence says the line is another form).
fn tail_may_be_missing(shape: &Shape, index: usize) -> bool {
    let tail = shape.args.get(index..).unwrap_or_default();
    let last_value = tail.iter().rposition(|a| matches!(a.kind, ArgKind::Value { .. }));
    last_value.is_none_or(|last| tail[..last].iter().all(|a| matches!(a.kind, ArgKind::Value { .. }) || a.optional))
}

impl MismatchKind {
    /// The validator's diagnostic code for this kind of mismatch.
    pub fn code(&self) -> &'static str {
        match self {
            MismatchKind::TridMissing | MismatchKind::TridInvalid(_) | MismatchKind::TridNotZero => "trid",
            MismatchKind::ArgMissing | MismatchKind::ExtraArg => "arg-count",
            MismatchKind::LiteralExpected(_) => "literal",
            MismatchKind::BadValue(_) | MismatchKind::PrefixMissing(_) | MismatchKind::EmptyArg => "arg-type",
        }
    }
}

/// The generated per-shape checks (`Shape::quick`) walk the tokens with this cursor. Each step follows the rules
/// of [`check_shape`] exactly, but only says whether the line still matches: the generated code calls the steps
/// with the shape's constants (words, prefixes, type checks), so each check compiles to straight-line code
/// without the table walk. When no form matches quickly, the table walk runs to say why.
#[derive(Debug)]
pub struct Cursor<'t, 'a> {
    tokens: &'t [&'a str],
    at: usize,
    placeholders: bool,
}

impl<'t, 'a> Cursor<'t, 'a> {
    /// A cursor at the first token; `placeholders` says whether placeholder tokens (`$...`, `<...>`) match anything.
    #[inline(always)]
    pub fn new(tokens: &'t [&'a str], placeholders: bool) -> Self {
        Cursor { tokens, at: 0, placeholders }
    }

    #[inline(always)]
    fn is_placeholder(&self, token: &str) -> bool {
        self.placeholders && crate::wire::raw::is_placeholder(token)
    }

    /// The TrID (`None` for a placeholder); `zero` when it must be `0`. `None` as the outer value: no match.
    #[inline(always)]
    pub fn trid(&mut self, zero: bool) -> Option<Option<u32>> {
        let token = *self.tokens.first()?;
        self.at = 1;
        if token.is_empty() {
            return None;
        }
        if self.is_placeholder(token) {
            return Some(None);
        }
        if zero && token.as_bytes() != b"0" {
            return None;
        }
        parse_uint(token, u32::MAX as u64).ok().map(|n| Some(n as u32))
    }

    /// A fixed word.
    #[inline(always)]
    pub fn literal(&mut self, word: &str, optional: bool) -> Option<()> {
        match self.tokens.get(self.at) {
            Some(&token) if token == word || self.is_placeholder(token) => {
                self.at += 1;
                Some(())
            }
            _ => optional.then_some(()),
        }
    }

    /// A value of the type `accepts` checks, after `prefix` when there is one; `repeat` takes every remaining
    /// token.
    #[inline(always)]
    pub fn value(
        &mut self,
        prefix: Option<&str>,
        optional: bool,
        repeat: bool,
        accepts: impl Fn(&str) -> bool,
    ) -> Option<()> {
        let Some(&first) = self.tokens.get(self.at) else {
            return optional.then_some(());
        };
        if let Some(prefix) = prefix
            && !first.starts_with(prefix)
            && !self.is_placeholder(first)
        {
            return optional.then_some(());
        }
        let end = if repeat { self.tokens.len() } else { self.at + 1 };
        for &token in self.tokens.get(self.at..end).unwrap_or_default() {
            if token.is_empty() {
                return None;
            }
            if self.is_placeholder(token) {
                continue;
            }
            let value = prefix.and_then(|p| token.strip_prefix(p)).unwrap_or(token);
            if !accepts(value) {
                return None;
            }
        }
        self.at = end;
        Some(())
    }

    /// Whether every token was taken.
    #[inline(always)]
    pub fn finished(&self) -> bool {
        self.at >= self.tokens.len()
    }
}

/// The closest form when none matched: the form and what is wrong with the line against it.
#[derive(Clone, Debug)]
pub struct Closest {
    /// The form that got furthest.
    pub form: &'static FormDef,
    /// What is wrong.
    pub mismatch: Mismatch,
}

/// Finds the first form of `command` sent by `dir`, among those used on one of `services`, that `raw`
/// matches; or else the form it came closest to. `None` as the error means the command has no form in that
/// direction for those services.
pub fn select<'r, 'a>(
    command: &'static CommandDef,
    dir: Dir,
    services: Services,
    raw: &'r RawCommand<'a>,
) -> Result<(&'static FormDef, Match<'r, 'a>), Option<Closest>> {
    if let Some((form, _)) = select_quickly(command, dir, services, raw)
        && let Ok(found) = match_shape(form.shape, raw)
    {
        return Ok((form, found));
    }
    select_with(command, dir, services, |shape| match_shape(shape, raw))
}

/// Like [`select`], without recording argument positions: the form and its TrID (when it has one and it is
/// not a placeholder), or the closest form. This is what checking a line needs.
pub fn select_checking(
    command: &'static CommandDef,
    dir: Dir,
    services: Services,
    raw: &RawCommand<'_>,
) -> Result<(&'static FormDef, Option<u32>), Option<Closest>> {
    select_quickly(command, dir, services, raw)
        .map_or_else(|| select_with(command, dir, services, |shape| check_shape(shape, raw)), Ok)
}

/// The first form whose generated check accepts `raw`, with its TrID. Lines that match take only this path;
/// the others go on to the table walk, which finds the closest form and what is wrong.
#[inline]
fn select_quickly(
    command: &'static CommandDef,
    dir: Dir,
    services: Services,
    raw: &RawCommand<'_>,
) -> Option<(&'static FormDef, Option<u32>)> {
    let (tokens, placeholders) = (raw.arg_slice(), raw.has_placeholders());
    command
        .forms_from(dir)
        .filter(|f| !f.services.intersect(services).is_empty())
        .find_map(|form| (form.shape.quick)(tokens, placeholders).map(|trid| (form, trid)))
}

/// Tries the forms in order with `try_form`, keeping the mismatch that got furthest.
#[inline]
fn select_with<T>(
    command: &'static CommandDef,
    dir: Dir,
    services: Services,
    mut try_form: impl FnMut(&Shape) -> Result<T, Mismatch>,
) -> Result<(&'static FormDef, T), Option<Closest>> {
    let mut best: Option<Closest> = None;
    for form in command.forms_from(dir).filter(|f| !f.services.intersect(services).is_empty()) {
        match try_form(form.shape) {
            Ok(found) => return Ok((form, found)),
            Err(mismatch) => {
                if best.as_ref().is_none_or(|b| mismatch.progress > b.mismatch.progress) {
                    best = Some(Closest { form, mismatch });
                }
            }
        }
    }
    Err(best)
}

impl<'r, 'a> Match<'r, 'a> {
    /// The raw command that matched.
    pub fn raw(&self) -> &'r RawCommand<'a> {
        self.raw
    }

    /// The TrID, when the shape has one and it is not a placeholder.
    pub fn trid(&self) -> Option<u32> {
        self.at.trid
    }

    /// Where the match found things, apart from the line.
    pub fn located(&self) -> Located {
        self.at
    }

    /// The tokens argument `index` took (an empty iterator when it is absent).
    pub fn tokens(&self, index: usize) -> impl Iterator<Item = &'a str> + '_ {
        let (first, count) = self.at.positions.get(index).copied().unwrap_or_default();
        (first as usize..first as usize + count as usize).filter_map(|i| self.raw.arg(i))
    }

    /// The single token argument `index` took, without its prefix.
    pub fn token(&self, index: usize, prefix: Option<&str>) -> Option<&'a str> {
        let token = self.tokens(index).next()?;
        Some(prefix.and_then(|p| token.strip_prefix(p)).unwrap_or(token))
    }

    /// Where argument `index`'s first token sits, as an index into the raw command's arguments.
    pub fn token_index(&self, index: usize) -> Option<usize> {
        self.at.positions.get(index).filter(|(_, count)| *count > 0).map(|(first, _)| *first as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::{MismatchKind, match_shape};
    use crate::spec::{ArgDef, Check, Shape, Trid, TypeDef, TypeKind};
    use crate::wire::raw::{RawCommand, Tokens};

    // Hand-built tables without generated checks: the quick checks never match, so the table walk decides.
    static HANDLE: TypeDef = TypeDef::new("handle", "", TypeKind::Check(Check::Handle));
    static COUNT: TypeDef = TypeDef::new("count", "", TypeKind::Check(Check::Uint { max: 99 }));
    static ARGS: [ArgDef; 4] = [
        ArgDef::literal("OK"),
        ArgDef::value("handle", &HANDLE),
        ArgDef::value("name", &HANDLE).prefix("N=").optional(),
        ArgDef::value("count", &COUNT).optional(),
    ];
    static SHAPE: Shape = Shape::new(0, "Test", "TST", Trid::Yes).args(&ARGS);

    fn check(line: &str) -> Result<(), (MismatchKind, Option<usize>)> {
        let raw = RawCommand::parse(line, b"", Tokens::Transcript);
        match_shape(&SHAPE, &raw).map(drop).map_err(|m| (m.kind, m.token))
    }

    #[test]
    fn matches_and_mismatches() {
        use MismatchKind::*;
        assert_eq!(check("TST 1 OK a@b"), Ok(()));
        assert_eq!(check("TST 1 OK a@b N=c@d 5"), Ok(()));
        assert_eq!(check("TST 1 OK a@b 5"), Ok(()));
        assert_eq!(check("TST 1 OK $anything"), Ok(()));
        assert_eq!(check("TST"), Err((TridMissing, None)));
        assert_eq!(check("TST x OK a@b").map_err(|e| e.1), Err(Some(0)));
        assert_eq!(check("TST 1 NO a@b"), Err((LiteralExpected("OK"), Some(1))));
        assert_eq!(check("TST 1 OK"), Err((ArgMissing, None)));
        assert_eq!(check("TST 1 OK a@b 5 6"), Err((ExtraArg, Some(4))));
        assert_eq!(check("TST 1 OK a@b 100").map_err(|e| e.1), Err(Some(3)));
        assert_eq!(check("TST 1 OK  a@b"), Err((EmptyArg, Some(2))));
        assert_eq!(check("TST 1 OK a@b "), Err((EmptyArg, Some(3))));
    }
}
