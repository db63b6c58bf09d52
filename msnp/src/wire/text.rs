//! Friendly names and group names: percent-encoded on the wire (`Bob%20Builder`), plain text for people.
//!
//! The client decodes what it receives before it shows or stores it, and the server encodes what it sends, so
//! that the contact-list model ([`crate::account::contacts`]) always holds text as a person reads it.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

/// The bytes written as `%XX` on the wire: controls, the space, `%` itself, and every byte outside ASCII (each
/// UTF-8 byte of a character is escaped, as official servers did).
const ESCAPED: &AsciiSet = &CONTROLS.add(b' ').add(b'%');

/// Text decoded from its wire form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The text; bytes that were not UTF-8 became U+FFFD.
    pub text: String,
    /// Whether some escaped bytes were not UTF-8 (and were replaced).
    pub lossy: bool,
}

/// Decodes a percent-encoded token. An escape that is not `%` and two hexadecimal digits is kept as written.
pub fn decode(token: &str) -> Decoded {
    let bytes: Cow<'_, [u8]> = percent_decode_str(token).into();
    match String::from_utf8_lossy(&bytes) {
        Cow::Borrowed(text) => Decoded { text: text.to_string(), lossy: false },
        Cow::Owned(text) => Decoded { text, lossy: true },
    }
}

/// Encodes text for the wire: a token without spaces or control characters, which [`decode`] reads back.
pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, ESCAPED).to_string()
}

/// Reads a name given in a file as either form: text that is already a valid wire token (no space, no control
/// character, every `%` followed by two hexadecimal digits) is decoded; anything else is taken as plain text.
pub fn from_either(name: &str) -> String {
    if crate::spec::value::Check::UrlEncoded.check(name).is_ok() { decode(name).text } else { name.to_string() }
}

/// Text to send as a wire token, percent-encoded as it is written.
#[derive(Clone, Copy, Debug)]
pub struct Plain<'t>(pub &'t str);

impl crate::spec::value::ToToken for Plain<'_> {
    fn write_token(&self, out: &mut Vec<u8>) {
        out.extend(utf8_percent_encode(self.0, ESCAPED).flat_map(str::bytes));
    }
}

/// A received name, decoded as it is read (`line.require::<Decoded>(lst::args::FRIENDLY_NAME)`).
impl crate::spec::value::FromToken<'_> for Decoded {
    fn from_token(token: &str) -> Option<Self> {
        Some(decode(token))
    }
}

/// `text` with every control character written visibly (`\x1b` for ESC, `\x0a` for a line feed, `\u{85}` for
/// C1 controls), for printing what a peer or a file sent to a terminal: a hostile server cannot then move the
/// cursor, change colours or retitle the window.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if c.is_control() && (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::{decode, encode, from_either};

    #[test]
    fn decodes_and_encodes() {
        let cases = [
            // (wire, text, lossy)
            ("Bob%20Builder", "Bob Builder", false),
            ("Work%20Buddies", "Work Buddies", false),
            ("plain", "plain", false),
            ("caf%C3%A9", "caf\u{e9}", false),
            ("100%25", "100%", false),
            ("bad%FFbyte", "bad\u{fffd}byte", true),
            ("half%2", "half%2", false),
        ];
        for (wire, text, lossy) in cases {
            let decoded = decode(wire);
            assert_eq!((decoded.text.as_str(), decoded.lossy), (text, lossy), "{wire}");
        }
        for text in ["Bob Builder", "100% sure", "caf\u{e9} \u{1f600}", "tab\there", "a+b=c"] {
            let wire = encode(text);
            assert!(crate::spec::value::Check::UrlEncoded.check(&wire).is_ok(), "{wire}");
            assert_eq!(decode(&wire).text, text);
        }
        assert_eq!(encode("Bob Builder"), "Bob%20Builder");
        let mut out = Vec::new();
        crate::spec::value::ToToken::write_token(&super::Plain("Bob Builder"), &mut out);
        assert_eq!(out, b"Bob%20Builder");
    }

    #[test]
    fn controls_are_shown_not_obeyed() {
        use super::visible;
        assert_eq!(visible("plain caf\u{e9}"), "plain caf\u{e9}");
        assert_eq!(visible("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(visible("bell\x07 nul\0 del\x7f"), "bell\\x07 nul\\x00 del\\x7f");
        assert_eq!(visible("line\nbreak\r"), "line\\x0abreak\\x0d");
        assert_eq!(visible("c1\u{9b}31m"), "c1\\u{9b}31m");
    }

    #[test]
    fn files_may_give_either_form() {
        assert_eq!(from_either("Bob%20Builder"), "Bob Builder");
        assert_eq!(from_either("Bob Builder"), "Bob Builder");
        assert_eq!(from_either("100%"), "100%");
        assert_eq!(from_either("Alice"), "Alice");
    }
}
