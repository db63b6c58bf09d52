//! Value checks: the primitive checks spec types are built on, and the conversions between wire tokens
//! and Rust values that generated code uses.

use std::fmt;

#[path = "../../../codegen/src/vocabulary.rs"]
mod vocabulary;

pub use vocabulary::Check;

/// Why a token is not a valid value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid(pub &'static str);

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// Whether `token` has no space and no control character (C0, DEL, or C1 such as U+0085). ASCII is checked
/// eight bytes at a time; only text with non-ASCII bytes takes the byte-by-byte path, where the C1 controls are
/// the UTF-8 sequences C2 80 to C2 9F.
#[inline]
fn printable(token: &str) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let bytes = token.as_bytes();
    crate::wire::bytes::words(bytes, |_, word, valid| {
        // A high bit marks a byte below 0x21 (space or C0), a DEL, or a non-ASCII byte.
        let low = word.wrapping_sub(ONES * 0x21) & !word;
        let del = (word ^ (ONES * 0x7f)).wrapping_sub(ONES) & !(word ^ (ONES * 0x7f));
        (low | del | word) & HIGHS & valid == 0
    }) || printable_bytes(bytes)
}

fn printable_bytes(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            0..=0x20 | 0x7f => return false,
            0xc2 if matches!(bytes.get(i + 1), Some(0x80..=0x9f)) => return false,
            _ => {}
        }
        i += 1;
    }
    true
}

/// Whether `token` is `count` parts joined by `separator`, each accepted by `part(index, text)`: the token is cut
/// at its first `count - 1` separators, and the last part takes the rest (it may hold the separator).
#[inline]
pub fn split_parts(token: &str, separator: &str, count: usize, mut part: impl FnMut(usize, &str) -> bool) -> bool {
    let mut rest = token;
    for index in 0..count.saturating_sub(1) {
        let Some((piece, after)) = rest.split_once(separator) else { return false };
        if !part(index, piece) {
            return false;
        }
        rest = after;
    }
    part(count.saturating_sub(1), rest)
}

/// Parses a canonical decimal number: digits only, no leading zeros (so that writing it back gives the same
/// bytes), at most `max`.
#[inline]
pub fn parse_uint(token: &str, max: u64) -> Result<u64, Invalid> {
    let bytes = token.as_bytes();
    if bytes.is_empty() {
        return Err(Invalid("is not a decimal number"));
    }
    if bytes.len() > 1 && bytes[0] == b'0' {
        return Err(if bytes.iter().all(u8::is_ascii_digit) {
            Invalid("has a leading zero")
        } else {
            Invalid("is not a decimal number")
        });
    }
    let mut value = 0u64;
    let mut too_large = false;
    for &b in bytes {
        if !b.is_ascii_digit() {
            return Err(Invalid("is not a decimal number"));
        }
        match value.checked_mul(10).and_then(|v| v.checked_add(u64::from(b - b'0'))) {
            Some(v) => value = v,
            None => too_large = true,
        }
    }
    if too_large || value > max { Err(Invalid("is too large")) } else { Ok(value) }
}

impl Check {
    /// Checks one token. Always inlined: the generated checks call it with a constant check, which then compiles
    /// to just that check's code.
    #[inline(always)]
    pub fn check(self, token: &str) -> Result<(), Invalid> {
        match self {
            Check::Uint { max } => parse_uint(token, max).map(drop),
            Check::Flag => match token {
                "0" | "1" => Ok(()),
                _ => Err(Invalid("is not 0 or 1")),
            },
            Check::Token => ensure(!token.is_empty() && printable(token), "contains a control character"),
            Check::Digits => {
                ensure(!token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()), "is not all digits")
            }
            Check::Handle => check_handle(token),
            Check::UrlEncoded => check_url_encoded(token),
            Check::HostPort => check_host_port(token),
            Check::Guid => check_guid(token),
            Check::Hex { len } => {
                ensure(
                    token.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
                    "is not lowercase hexadecimal",
                )?;
                match len {
                    Some(n) if token.len() != n as usize => Err(Invalid("has the wrong number of digits")),
                    _ => ensure(!token.is_empty(), "is empty"),
                }
            }
            Check::Locale => {
                let hex = token.strip_prefix("0x").ok_or(Invalid("does not start with 0x"))?;
                ensure(
                    !hex.is_empty() && hex.len() <= 8 && hex.bytes().all(|b| b.is_ascii_hexdigit()),
                    "is not a hexadecimal locale ID",
                )
            }
            Check::DottedVersion => ensure(
                separated(token, b'.', |part| part.iter().all(u8::is_ascii_digit)),
                "is not numbers separated by dots",
            ),
            Check::Url => {
                let absolute = ["http://", "https://"]
                    .iter()
                    // Compared as bytes: a byte index into the token may fall inside a multi-byte character.
                    .any(|s| token.len() > s.len() && token.as_bytes()[..s.len()].eq_ignore_ascii_case(s.as_bytes()));
                ensure(printable(token) && (absolute || token.starts_with('/')), "is not an http(s) URL or a path")
            }
            Check::UintList => ensure(
                separated(token, b',', |part| {
                    std::str::from_utf8(part).is_ok_and(|p| parse_uint(p, u32::MAX as u64).is_ok())
                }),
                "is not numbers separated by commas",
            ),
            Check::Timestamp => check_timestamp(token),
            Check::Base64 => ensure(
                !token.is_empty() && token.bytes().all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)),
                "is not base64",
            ),
        }
    }

    /// How the check's values are described in diagnostics.
    pub fn describe(self) -> &'static str {
        match self {
            Check::Uint { .. } => "a decimal number",
            Check::Flag => "0 or 1",
            Check::Token => "a word without spaces",
            Check::Digits => "decimal digits",
            Check::Handle => "an account handle (local@domain)",
            Check::UrlEncoded => "URL-encoded text",
            Check::HostPort => "an address (host:port)",
            Check::Guid => "a GUID",
            Check::Hex { .. } => "lowercase hexadecimal",
            Check::Locale => "a locale ID such as 0x0409",
            Check::DottedVersion => "a dotted version such as 5.0.0537",
            Check::Url => "a URL",
            Check::UintList => "numbers separated by commas",
            Check::Timestamp => "an ISO 8601 timestamp",
            Check::Base64 => "base64 text",
        }
    }
}

/// Whether `token` is non-empty parts separated by `separator`, each accepted by `part`.
fn separated(token: &str, separator: u8, part: impl Fn(&[u8]) -> bool) -> bool {
    token.as_bytes().split(|&b| b == separator).all(|p| !p.is_empty() && part(p))
}

#[inline]
fn ensure(ok: bool, why: &'static str) -> Result<(), Invalid> {
    if ok { Ok(()) } else { Err(Invalid(why)) }
}

fn check_handle(token: &str) -> Result<(), Invalid> {
    ensure(printable(token), "contains a space or control character")?;
    // Handles are short: a plain scan beats calling memchr.
    let bytes = token.as_bytes();
    let at = bytes.iter().position(|&b| b == b'@').ok_or(Invalid("has no @"))?;
    ensure(at > 0, "has nothing before the @")?;
    let domain = &bytes[at + 1..];
    ensure(!domain.is_empty() && !domain.contains(&b'@'), "has no single domain after the @")
}

fn check_url_encoded(token: &str) -> Result<(), Invalid> {
    ensure(!token.is_empty() && printable(token), "contains a space or control character")?;
    let bytes = token.as_bytes();
    let mut from = 0;
    while let Some(offset) = bytes[from..].iter().position(|&b| b == b'%') {
        let at = from + offset;
        let escape = bytes.get(at + 1..at + 3).ok_or(Invalid("has a truncated %-escape"))?;
        ensure(escape.iter().all(u8::is_ascii_hexdigit), "has an invalid %-escape")?;
        from = at + 3;
    }
    Ok(())
}

fn check_host_port(token: &str) -> Result<(), Invalid> {
    let colon = memchr::memrchr(b':', token.as_bytes()).ok_or(Invalid("has no :port"))?;
    let (host, port) = (&token[..colon], &token[colon + 1..]);
    ensure(!host.is_empty() && printable(host), "has no host")?;
    parse_uint(port, 65535).map(drop).map_err(|_| Invalid("has an invalid port"))
}

fn check_guid(token: &str) -> Result<(), Invalid> {
    let groups: Vec<&str> = token.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    ensure(
        groups.len() == 5
            && groups.iter().zip(lengths).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit())),
        "is not a GUID (8-4-4-4-12 hexadecimal digits)",
    )
}

fn check_timestamp(token: &str) -> Result<(), Invalid> {
    // YYYY-MM-DDTHH:MM:SS, then optional fraction and zone; the exact layout varies between servers.
    let b = token.as_bytes();
    let shape = b.len() >= 19
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
        && b[10] == b'T'
        && b[11..13].iter().all(u8::is_ascii_digit)
        && b[13] == b':'
        && b[14..16].iter().all(u8::is_ascii_digit)
        && b[16] == b':'
        && b[17..19].iter().all(u8::is_ascii_digit);
    ensure(shape && printable(token), "is not an ISO 8601 timestamp")
}

/// Converts a matched wire token into a Rust value. Generated structs use it for every field.
///
/// `None` means the token is a transcript placeholder (`$...`), which has no value of this type.
pub trait FromToken<'a>: Sized {
    /// The value of `token`, which the matcher has already checked against the argument's type.
    fn from_token(token: &'a str) -> Option<Self>;
}

/// Writes a Rust value as a wire token.
pub trait ToToken {
    /// Appends the token to `out`.
    fn write_token(&self, out: &mut Vec<u8>);
}

impl<'a> FromToken<'a> for &'a str {
    fn from_token(token: &'a str) -> Option<Self> {
        Some(token)
    }
}

impl ToToken for &str {
    fn write_token(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.as_bytes());
    }
}

impl FromToken<'_> for u32 {
    fn from_token(token: &str) -> Option<Self> {
        token.parse().ok()
    }
}

impl ToToken for u32 {
    fn write_token(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.to_string().as_bytes());
    }
}

impl FromToken<'_> for u64 {
    fn from_token(token: &str) -> Option<Self> {
        token.parse().ok()
    }
}

impl ToToken for u64 {
    fn write_token(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.to_string().as_bytes());
    }
}

impl FromToken<'_> for bool {
    fn from_token(token: &str) -> Option<Self> {
        match token {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        }
    }
}

impl ToToken for bool {
    fn write_token(&self, out: &mut Vec<u8>) {
        out.push(if *self { b'1' } else { b'0' });
    }
}

/// A contact as MSNP18 writes it in presence lines: its network ID and handle joined by a colon
/// (`1:user@hotmail.com`, the spec's `network-handle`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NetworkHandle<'a> {
    /// The network (1: Passport, the Messenger network).
    pub network: u32,
    /// The account's handle.
    pub handle: &'a str,
}

impl<'a> FromToken<'a> for NetworkHandle<'a> {
    fn from_token(token: &'a str) -> Option<Self> {
        // The type's parts: the network ID before the first colon, the handle after it.
        let (network, handle) = token.split_once(':')?;
        Some(NetworkHandle { network: network.parse().ok()?, handle })
    }
}

impl ToToken for NetworkHandle<'_> {
    fn write_token(&self, out: &mut Vec<u8>) {
        self.network.write_token(out);
        out.push(b':');
        out.extend_from_slice(self.handle.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::Check;

    #[test]
    fn network_handles_read_and_write_as_the_type_joins_them() {
        use super::{FromToken, NetworkHandle, ToToken};
        let read = NetworkHandle::from_token("32:someone@yahoo.com");
        assert_eq!(read, Some(NetworkHandle { network: 32, handle: "someone@yahoo.com" }));
        let mut out = Vec::new();
        NetworkHandle { network: 1, handle: "a@b.c" }.write_token(&mut out);
        assert_eq!(out, b"1:a@b.c");
        assert_eq!(NetworkHandle::from_token("a@b.c"), None);
    }

    #[test]
    fn checks_accept_and_reject() {
        let u32_max = u32::MAX as u64;
        let table: &[(Check, &str, bool)] = &[
            (Check::Uint { max: u32_max }, "0", true),
            (Check::Uint { max: u32_max }, "4294967295", true),
            (Check::Uint { max: u32_max }, "4294967296", false),
            (Check::Uint { max: u32_max }, "007", false),
            (Check::Uint { max: u32_max }, "-1", false),
            (Check::Uint { max: 31 }, "32", false),
            (Check::Flag, "1", true),
            (Check::Flag, "2", false),
            (Check::Token, "MSNP8", true),
            (Check::Token, "", false),
            (Check::Token, "a-long-token-of-ascii", true),
            (Check::Token, "a-long-token\x7fof-ascii", false),
            (Check::Token, "a-long-token of-ascii", false),
            (Check::Token, "a-long-token-of-ascii\t", false),
            (Check::Token, "a-long-token-\u{85}-c1", false),
            (Check::Token, "a-long-token-\u{e9}-and-\u{20ac}", true),
            (Check::Digits, "00123", true),
            (Check::Digits, "12a", false),
            (Check::Handle, "example@hotmail.com", true),
            (Check::Handle, "example", false),
            (Check::Handle, "@hotmail.com", false),
            (Check::Handle, "example@", false),
            (Check::Handle, "a@b@c", false),
            (Check::Handle, "a-rather-long-handle@example-domain.com", true),
            (Check::Handle, "a rather@example.com", false),
            (Check::UrlEncoded, "example%20user", true),
            (Check::UrlEncoded, "123%20(4567)", true),
            (Check::UrlEncoded, "%in", false),
            (Check::UrlEncoded, "a%2", false),
            (Check::UrlEncoded, "%41%42%43-a-long-friendly-name%20here", true),
            (Check::UrlEncoded, "a-long-friendly-name-ending-in%", false),
            (Check::UrlEncoded, "caf\u{e9}%20au%20lait", true),
            (Check::HostPort, "10.0.0.5:1863", true),
            (Check::HostPort, "10.0.0.5", false),
            (Check::HostPort, "host:70000", false),
            (Check::Guid, "d6deeacd-7849-4de4-93c5-d130915d0042", true),
            (Check::Guid, "f60efbe7-94af-4b16-b926-e4e10878d32", false),
            (Check::Hex { len: Some(32) }, "f59af8f2fa91d38aff7c870c17f99903", true),
            (Check::Hex { len: Some(32) }, "F59AF8F2FA91D38AFF7C870C17F99903", false),
            (Check::Locale, "0x0409", true),
            (Check::Locale, "0409", false),
            (Check::DottedVersion, "5.0.0537", true),
            (Check::DottedVersion, "5..0", false),
            (Check::Url, "http://messenger.microsoft.com", true),
            (Check::Url, "/cgi-bin/HoTMaiL", true),
            (Check::Url, "messenger", false),
            // A multi-byte character across the length of `https://` once made the check panic.
            (Check::Url, "aaaaaa\u{e9} /x", false),
            (Check::Url, "aaaaaa\u{e9}", false),
            (Check::Url, "http://\u{e9}", true),
            (Check::UintList, "0,2", true),
            (Check::UintList, "0,", false),
            (Check::Timestamp, "2024-09-28T17:18:18.6400000-07:00", true),
            (Check::Timestamp, "2024-09-28", false),
            (Check::Base64, "AAAA+/==", true),
            (Check::Base64, "AA AA", false),
        ];
        for (check, token, ok) in table {
            assert_eq!(check.check(token).is_ok(), *ok, "{check:?} on {token:?}");
        }
    }
}
