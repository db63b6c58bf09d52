//! Authentication arithmetic, independent of any connection: the MD5 login digest (MSNP2–MSNP7), the answers to
//! CHL challenges (MSNP6–MSNP10 and MSNP11 onwards), and the strings Passport 1.4 (TWN, MSNP8–MSNP14) exchanges:
//! the nexus's `PassportURLs` header, the login request's `Authorization` header and the ticket in the answer.

use md5::{Digest, Md5};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// The MD5 login digest (`USR TrID MD5 S digest`): the lowercase hex MD5 of the salt the server sent, exactly as
/// sent, followed by the password.
pub fn md5_login_digest(salt: &str, password: &str) -> String {
    let mut hasher = Md5::new();
    hasher.update(salt.as_bytes());
    hasher.update(password.as_bytes());
    hex::encode(hasher.finalize())
}

/// A product ID and key a client answers challenges with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProductKey {
    /// The public ID, sent in QRY.
    pub id: &'static str,
    /// The private key, mixed into the answer.
    pub key: &'static str,
}

impl ProductKey {
    /// MSN Messenger 3.6 to 6.x (MSNP6–MSNP10).
    pub const MSMSGS: ProductKey = ProductKey { id: "msmsgs@msnmsgr.com", key: "Q1P7W2E4J9R8U3S5" };
    /// MSN Messenger 7.0 (MSNP11–MSNP12).
    pub const PROD0090: ProductKey = ProductKey { id: "PROD0090YUAUV{2B", key: "YMM8C_H7KCQ2S_KL" };
    /// Windows Live Messenger 8.x (MSNP13–MSNP14).
    pub const PROD0112: ProductKey = ProductKey { id: "PROD0112J1LW7%NB", key: "RH96F{PHI8PPX_TJ" };
    /// Windows Live Messenger 8.5 (MSNP15 onwards).
    pub const PROD0119: ProductKey = ProductKey { id: "PROD0119GSJUC$18", key: "ILTXC!4IXB5FB*PX" };

    /// The pair a client of protocol version `version` (the number in `MSNPn`) uses by default.
    pub fn for_version(version: u32) -> ProductKey {
        match version {
            ..=10 => ProductKey::MSMSGS,
            11..=12 => ProductKey::PROD0090,
            13..=14 => ProductKey::PROD0112,
            _ => ProductKey::PROD0119,
        }
    }
}

/// The answer to a challenge (`CHL 0 challenge`, answered with `QRY TrID id 32` and this as the payload), by the
/// algorithm protocol version `version` uses: MD5 of the challenge and the key up to MSNP10, the MSNP11 algorithm
/// from then on.
pub fn challenge_response(version: u32, challenge: &str, product: ProductKey) -> String {
    if version <= 10 { md5_challenge(challenge, product.key) } else { msnp11_challenge(challenge, product) }
}

/// MSNP6–MSNP10: the lowercase hex MD5 of the challenge followed by the product key.
pub fn md5_challenge(challenge: &str, key: &str) -> String {
    md5_login_digest(challenge, key)
}

/// MSNP11 onwards: the MD5 of challenge and key, mixed with a hash of challenge and product ID.
pub fn msnp11_challenge(challenge: &str, product: ProductKey) -> String {
    const MODULUS: u64 = 0x7FFF_FFFF;
    let mut hasher = Md5::new();
    hasher.update(challenge.as_bytes());
    hasher.update(product.key.as_bytes());
    let digest = hasher.finalize();
    let words: [u32; 4] = std::array::from_fn(|i| {
        u32::from_le_bytes([digest[4 * i], digest[4 * i + 1], digest[4 * i + 2], digest[4 * i + 3]])
    });
    let k: [u64; 4] = words.map(|w| u64::from(w & 0x7FFF_FFFF));
    // Challenge and product ID, padded with '0' to a multiple of 8 bytes (only when needed).
    let mut text = Vec::from(challenge.as_bytes());
    text.extend_from_slice(product.id.as_bytes());
    while text.len() % 8 != 0 {
        text.push(b'0');
    }
    let chunks: Vec<u64> =
        text.chunks_exact(4).map(|c| u64::from(u32::from_le_bytes([c[0], c[1], c[2], c[3]]))).collect();
    let (mut high, mut low) = (0u64, 0u64);
    for pair in chunks.chunks_exact(2) {
        let mut temp = (pair[0] * 0x0E79_A9C1) % MODULUS;
        temp += high;
        temp = (k[0] * temp + k[1]) % MODULUS;
        high = (pair[1] + temp) % MODULUS;
        high = (k[2] * high + k[3]) % MODULUS;
        low += high + temp;
    }
    high = (high + k[1]) % MODULUS;
    low = (low + k[3]) % MODULUS;
    let (high, low) = (high as u32, low as u32);
    let out = [words[0] ^ high, words[1] ^ low, words[2] ^ high, words[3] ^ low];
    let bytes: Vec<u8> = out.iter().flat_map(|w| w.to_le_bytes()).collect();
    hex::encode(bytes)
}

/// The bytes written as `%XX` in Passport 1.4's sign-in and password: all but `A-Z a-z 0-9 - _ . ~`.
const PASSPORT_ESCAPED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Percent-encodes every byte outside `A-Z a-z 0-9 - _ . ~` (after UTF-8), as Passport 1.4's sign-in and password
/// must be: the servers URL-decode both, so this is always safe.
pub fn percent_encode(text: &str) -> String {
    utf8_percent_encode(text, PASSPORT_ESCAPED).to_string()
}

/// Decodes `%XX` escapes (and leaves anything else as it is); `None` when the result is not UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    percent_decode_str(text).decode_utf8().ok().map(|text| text.into_owned())
}

/// The login server's address from the nexus's `PassportURLs` header value (`DALogin=login.passport.com/login2.srf`):
/// with `https://` in front when the value has no scheme, as on the real service.
pub fn passport_login_url(passport_urls: &str) -> Option<String> {
    let login = passport_urls.split(',').find_map(|item| {
        let (key, value) = item.trim().split_once('=')?;
        key.eq_ignore_ascii_case("DALogin").then(|| value.trim())
    })?;
    if login.is_empty() {
        return None;
    }
    Some(if login.contains("://") { login.to_string() } else { format!("https://{login}") })
}

/// The `Authorization` header of a Passport 1.4 login request: the account and password, percent-encoded, and the
/// challenge string from `USR TrID TWN S`, appended as it came.
pub fn passport_authorization(account: &str, password: &str, challenge: &str) -> String {
    format!(
        "Passport1.4 OrgVerb=GET,OrgURL=http%3A%2F%2Fmessenger%2Emsn%2Ecom,sign-in={},pwd={},{challenge}",
        percent_encode(account),
        percent_encode(password)
    )
}

/// The parts of a Passport 1.4 header value (`Passport1.4 key=value,key=value,...`), keys lowercased; `None` when
/// the value does not start with `Passport1.4`.
pub fn passport_fields(value: &str) -> Option<Vec<(String, String)>> {
    let rest = value.trim().strip_prefix("Passport1.4")?.trim_start();
    Some(
        rest.split(',')
            .filter_map(|item| {
                let (key, value) = item.trim().split_once('=').unwrap_or((item.trim(), ""));
                (!key.is_empty()).then(|| (key.to_ascii_lowercase(), value.to_string()))
            })
            .collect(),
    )
}

/// The ticket in a successful login's `Authentication-Info` value: what `from-PP` holds, with its quotes removed.
pub fn passport_ticket(authentication_info: &str) -> Option<String> {
    let fields = passport_fields(authentication_info)?;
    let status = fields.iter().find(|(k, _)| k == "da-status").map(|(_, v)| v.as_str());
    if status.is_some_and(|s| s != "success") {
        return None;
    }
    // The ticket holds `&` and `=`, never `,`: everything after `from-PP=` up to the next field is the ticket.
    let start = authentication_info.find("from-PP=")? + "from-PP=".len();
    let rest = &authentication_info[start..];
    let ticket = match rest.strip_prefix('\'') {
        Some(quoted) => quoted.split('\'').next()?,
        None => rest.split(',').next()?.trim(),
    };
    (!ticket.is_empty()).then(|| ticket.to_string())
}

/// The account and password of a Passport 1.4 `Authorization` value, decoded; `None` when either is missing.
pub fn passport_credentials(authorization: &str) -> Option<(String, String)> {
    let fields = passport_fields(authorization)?;
    let get = |name: &str| fields.iter().find(|(k, _)| k == name).and_then(|(_, v)| percent_decode(v));
    Some((get("sign-in")?, get("pwd")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_login_digest_matches_the_published_vectors() {
        assert_eq!(md5_login_digest("1013928519.693957190", "mypassword"), "6f3963009fc8a9d2b2ff137da0905c55");
        assert_eq!(md5_login_digest("abcdefg", "1234567"), "d1713d0f1d2e8fae230328d8fd59de01");
    }

    #[test]
    fn md5_challenges_match_the_published_vectors() {
        for (challenge, answer) in [
            ("15570131571988941333", "8f2f5a91b72102cd28355e9fc9000d6e"),
            ("22299241447072743325", "20dba7e6e9817826b9cd5240cc8add99"),
            ("11111111111111111111", "3b6666b60157322b6fc6e41a115968f5"),
            ("12345678901234567890", "8ba1bb9d6dbf624fee31a2053af5fdd0"),
        ] {
            assert_eq!(challenge_response(6, challenge, ProductKey::MSMSGS), answer, "{challenge}");
        }
    }

    #[test]
    fn msnp11_challenges_match_the_published_vectors() {
        let pair = |id, key| ProductKey { id, key };
        assert_eq!(
            msnp11_challenge("22210219642164014968", pair("PROD0090YUAUV{2B", "YMM8C_H7KCQ2S_KL")),
            "85ecb0db8f32113df79ce0892b9a102c"
        );
        assert_eq!(
            msnp11_challenge("11533365622852247127", pair("PROD0113H11T8$X_", "RG@XY*28Q5QHS%Q5")),
            "f086d1ded067186deca8dba2231602cf"
        );
        for (id, key, answer) in [
            ("PROD0114ES4Z%Q5W", "PK}_A_0N_K%O?A9S", "206067cb4a8b3e05153c67b456bd7cfc"),
            ("PROD0119GSJUC$18", "ILTXC!4IXB5FB*PX", "1e337c28b43ed3acc3e46bfa988c4c92"),
            ("PROD0120PW!CCV9@", "C1BX{V4W}Q3*10SM", "d30f6619c1130b588a81d19066730fd9"),
            ("PROD0112J1LW7%NB", "RH96F{PHI8PPX_TJ", "e39411bc15ab818cdecb4654578986aa"),
            ("PROD0090YUAUV{2B", "YMM8C_H7KCQ2S_KL", "aae12e2f47ce7c9a61b098e2023a1a04"),
        ] {
            assert_eq!(msnp11_challenge("11533365622852247127", pair(id, key)), answer, "{id}");
        }
        assert_eq!(
            msnp11_challenge("1663122458434562624782678054", pair("PROD0120PW!CCV9@", "C1BX{V4W}Q3*10SM")),
            "f379e91748f9722568da550eccefec47"
        );
        // A 24-digit challenge, which needs no padding: the recommended answer.
        assert_eq!(
            msnp11_challenge("123456789012345678901234", pair("PROD0120PW!CCV9@", "C1BX{V4W}Q3*10SM")),
            "27a63cfd509207abf820017fb50ee2b3"
        );
    }

    #[test]
    fn passport_strings() {
        assert_eq!(
            passport_login_url("DARealm=Passport.Net,DALogin=login.passport.com/login2.srf,ConfigVersion=15")
                .as_deref(),
            Some("https://login.passport.com/login2.srf")
        );
        assert_eq!(passport_login_url("DALogin=http://127.0.0.1:9/login").as_deref(), Some("http://127.0.0.1:9/login"));
        assert_eq!(passport_login_url("DARealm=Passport.Net"), None);
        let auth = passport_authorization("a@b.c", "p,w=%d", "lc=1033,id=507");
        assert_eq!(
            auth,
            "Passport1.4 OrgVerb=GET,OrgURL=http%3A%2F%2Fmessenger%2Emsn%2Ecom,sign-in=a%40b.c,pwd=p%2Cw%3D%25d,lc=1033,id=507"
        );
        assert_eq!(passport_credentials(&auth), Some(("a@b.c".into(), "p,w=%d".into())));
        assert_eq!(
            passport_ticket(
                "Passport1.4 da-status=success,tname=MSPAuth,from-PP='t=abc&p=def',ru=http://messenger.msn.com"
            )
            .as_deref(),
            Some("t=abc&p=def")
        );
        assert_eq!(passport_ticket("Passport1.4 da-status=success,from-PP=t=1&p=2").as_deref(), Some("t=1&p=2"));
        assert_eq!(passport_ticket("Passport1.4 da-status=failed"), None);
        assert_eq!(percent_decode("a%40b%2"), Some("a@b%2".into()));
        // Only two hexadecimal digits make an escape (`%+a` is no byte 0x0a).
        assert_eq!(percent_decode("a%+ab%zz"), Some("a%+ab%zz".into()));
        assert_eq!(percent_encode("caf\u{e9} ~x_y.z-"), "caf%C3%A9%20~x_y.z-");
        assert_eq!(percent_decode("caf%C3%A9"), Some("caf\u{e9}".into()));
        assert_eq!(percent_decode("%FF"), None);
    }
}
