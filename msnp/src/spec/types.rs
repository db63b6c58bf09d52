//! Value types: how the tokens of an argument are recognised (a primitive check, a set of words, a union, parts
//! joined by a separator), and why a token is refused.

use crate::spec::value::Check;

/// A value type.
#[derive(Debug)]
pub struct TypeDef {
    /// The spec name, such as `list-version`.
    pub name: &'static str,
    /// One line of documentation.
    pub doc: &'static str,
    /// How values are recognised.
    pub kind: TypeKind,
    /// The longest wire form in bytes, when limited.
    pub max_len: Option<u32>,
    /// The generated check: whether a token is a value of the type, as [`TypeDef::check`] decides, without
    /// saying why not.
    pub quick: fn(&str) -> bool,
}

/// How a type's values are recognised.
#[derive(Debug)]
pub enum TypeKind {
    /// A primitive check.
    Check(Check),
    /// One of a fixed set of words.
    Enum(&'static [EnumValue]),
    /// Any of several types.
    AnyOf(&'static [&'static TypeDef]),
    /// Other types joined by a separator, such as `network-id:handle`: the token is cut at the first
    /// separators, one part per type, the last part taking the rest.
    Parts {
        /// What joins the parts.
        separator: &'static str,
        /// The parts' types.
        parts: &'static [&'static TypeDef],
    },
}

/// One word of an enumerated type.
#[derive(Debug)]
pub struct EnumValue {
    /// The wire word.
    pub value: &'static str,
    /// One line of documentation.
    pub doc: &'static str,
    /// The word as [`pack_word`] packs it (0 for words too long to pack).
    pub packed: u64,
}

impl EnumValue {
    /// The word `value`, packed as [`pack_word`] packs it.
    pub const fn new(value: &'static str, doc: &'static str) -> Self {
        EnumValue { value, doc, packed: pack_word(value) }
    }
}

/// A word of at most seven bytes as one integer (its length in the top byte, then the bytes), so that checking a
/// token against an enumeration compares integers; 0 for longer words. Usable in static initializers.
pub const fn pack_word(word: &str) -> u64 {
    let bytes = word.as_bytes();
    if bytes.is_empty() || bytes.len() > 7 {
        return 0;
    }
    let mut packed = (bytes.len() as u64) << 56;
    let mut i = 0;
    while i < bytes.len() {
        packed |= (bytes[i] as u64) << (8 * (6 - i));
        i += 1;
    }
    packed
}

/// Why a token is not a value of a type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueError {
    /// A primitive check failed.
    Invalid(&'static str),
    /// The word is not one of the type's values.
    NotAValue,
    /// The token is longer than the type allows.
    TooLong(u32),
}

impl TypeDef {
    /// A type called `name` whose values `kind` recognises, without a length limit or a generated check (the
    /// check it gets never accepts, so that [`TypeDef::check`] decides by the table).
    pub const fn new(name: &'static str, doc: &'static str, kind: TypeKind) -> Self {
        fn by_table(_: &str) -> bool {
            false
        }
        TypeDef { name, doc, kind, max_len: None, quick: by_table }
    }

    /// The type with its generated check.
    pub const fn quick(mut self, quick: fn(&str) -> bool) -> Self {
        self.quick = quick;
        self
    }

    /// The type with its longest wire form limited to `max` bytes.
    pub const fn max_len(mut self, max: u32) -> Self {
        self.max_len = Some(max);
        self
    }

    /// The documentation of `word` when the type (or one of the types it unites) enumerates it.
    pub fn value_doc(&self, word: &str) -> Option<&'static str> {
        match self.kind {
            TypeKind::Enum(values) => values.iter().find(|v| v.value == word).map(|v| v.doc),
            TypeKind::AnyOf(types) => types.iter().find_map(|t| t.value_doc(word)),
            TypeKind::Check(_) | TypeKind::Parts { .. } => None,
        }
    }

    /// Checks `token` against the type.
    #[inline]
    pub fn check(&self, token: &str) -> Result<(), ValueError> {
        if (self.quick)(token) { Ok(()) } else { self.check_by_table(token) }
    }

    /// Checks `token` from the type's table entry alone, without the generated check: what the generated check
    /// must agree with, and what says why a token is refused.
    pub fn check_by_table(&self, token: &str) -> Result<(), ValueError> {
        if let Some(max) = self.max_len
            && token.len() > max as usize
        {
            return Err(ValueError::TooLong(max));
        }
        match &self.kind {
            TypeKind::Check(check) => check.check(token).map_err(|e| ValueError::Invalid(e.0)),
            TypeKind::Enum(values) => {
                let packed = pack_word(token);
                let found = if packed != 0 {
                    values.iter().any(|v| v.packed == packed)
                } else {
                    values.iter().any(|v| v.packed == 0 && v.value == token)
                };
                if found { Ok(()) } else { Err(ValueError::NotAValue) }
            }
            TypeKind::AnyOf(types) => {
                if types.iter().any(|t| t.check_by_table(token).is_ok()) {
                    Ok(())
                } else {
                    Err(ValueError::NotAValue)
                }
            }
            TypeKind::Parts { separator, parts } => {
                let last = parts.len().saturating_sub(1);
                let fits = crate::spec::value::split_parts(token, separator, parts.len(), |i, part| {
                    parts.get(i.min(last)).is_some_and(|t| t.check_by_table(part).is_ok())
                });
                if fits { Ok(()) } else { Err(ValueError::NotAValue) }
            }
        }
    }

    /// Describes the type's values for diagnostics, such as `an account handle (local@domain)` or
    /// `one of NLN, BSY, IDL`.
    pub fn describe(&self) -> String {
        match &self.kind {
            TypeKind::Check(check) => check.describe().to_string(),
            TypeKind::Enum(values) if values.len() == 1 => format!("`{}`", values[0].value),
            TypeKind::Enum(values) => {
                format!("one of {}", values.iter().map(|v| v.value).collect::<Vec<_>>().join(", "))
            }
            TypeKind::AnyOf(types) => types.iter().map(|t| t.describe()).collect::<Vec<_>>().join(" or "),
            TypeKind::Parts { separator, parts } => {
                format!("`{}`", parts.iter().map(|t| t.name).collect::<Vec<_>>().join(separator))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::pack_word;

    #[test]
    fn packed_words_differ_when_the_words_do() {
        let words = ["", "A", "AL", "ALA", "NLN", "BSY", "MD5", "Hotmail", "PASSWORD", "N2PACCOUNT", "\u{e9}"];
        for a in words {
            for b in words {
                let (pa, pb) = (pack_word(a), pack_word(b));
                if pa != 0 && pb != 0 {
                    assert_eq!(pa == pb, a == b, "{a:?} {b:?}");
                }
            }
            assert_eq!(pack_word(a) == 0, a.is_empty() || a.len() > 7, "{a:?}");
        }
    }
}
