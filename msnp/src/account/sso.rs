//! Single sign-on (SSO, MSNP15 on), independent of any connection: the `MBI_KEY_OLD` response the client computes
//! from the notification server's nonce and the proof key of its `messengerclear.live.com` ticket, and its check
//! on the server's side.
//!
//! ```text
//! S: USR t SSO S MBI_KEY_OLD nonce
//!    client --RST request (account, password, policy)--> login server --tickets + proof keys--> client
//! C: USR t SSO S ticket base64(header ‖ iv ‖ HMAC-SHA1(key2, nonce) ‖ 3DES-CBC(key3, iv, nonce ‖ padding)) [{guid}]
//! ```
//!
//! `key2` and `key3` are derived from the proof key with HMAC-SHA1 and two magic strings; the header names the
//! algorithms and the lengths. The nonce is used as its ASCII text, never base64-decoded.
//!
//! The login server's WS-Trust documents: [`request`] (the client writes it, the embedded server reads it) and
//! [`response`] (the server writes the tokens or a fault, the client reads them and takes its tickets by address).

pub mod request;
pub mod response;
mod xml;

pub use xml::RstError;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use des::TdesEde3;
use hmac::{Hmac, Mac};
use sha1::Sha1;

type HmacSha1 = Hmac<Sha1>;

/// The magic string of the key the nonce's hash is keyed with.
const HASH_MAGIC: &[u8] = b"WS-SecureConversationSESSION KEY HASH";
/// The magic string of the key the nonce is encrypted with.
const ENCRYPTION_MAGIC: &[u8] = b"WS-SecureConversationSESSION KEY ENCRYPTION";

/// The length of the response's header: seven little-endian 32-bit fields.
pub const HEADER_LEN: usize = 28;
/// The header's first field: its own length.
const HEADER_SIZE_FIELD: u32 = 28;
/// `CRYPT_MODE_CBC`.
const CRYPT_MODE_CBC: u32 = 1;
/// `CALG_3DES`.
const CALG_3DES: u32 = 0x6603;
/// `CALG_SHA1`.
const CALG_SHA1: u32 = 0x8004;
/// The length of the IV (one 3DES block).
pub const IV_LEN: usize = 8;
/// The length of the HMAC-SHA1 hash.
const HASH_LEN: usize = 20;
/// The length of a proof key the login server issues (base64 of it in `BinarySecret`).
pub const PROOF_KEY_LEN: usize = 24;
/// The length of the nonce the embedded server sends (real servers send 64 characters too).
pub const NONCE_LEN: usize = 64;

/// Why a response (`USR SSO S ticket response`) does not answer the nonce.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MbiError {
    /// The response is not base64.
    #[error("the response is not base64")]
    NotBase64,
    /// The response is shorter or longer than the header says.
    #[error("the response is {found} bytes; its header and the nonce make it {expected}")]
    Length {
        /// Its length.
        found: usize,
        /// The length it must have.
        expected: usize,
    },
    /// A header field holds another value than `MBI_KEY_OLD` has.
    #[error("the response's header field `{field}` is {found}, not {expected}")]
    Header {
        /// The field.
        field: &'static str,
        /// Its value.
        found: u32,
        /// The value it must have.
        expected: u32,
    },
    /// The hash is not the one the proof key gives for the nonce.
    #[error("the response's hash does not match the nonce under the proof key")]
    Hash,
    /// The encrypted part does not decrypt to the nonce under the proof key.
    #[error("the response's encrypted nonce does not decrypt to the nonce under the proof key")]
    Cipher,
}

/// The OS's random number generator failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the system's random number generator failed: {0}")]
pub struct RandomError(String);

/// `len` random bytes from the OS.
fn random<const N: usize>() -> Result<[u8; N], RandomError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| RandomError(e.to_string()))?;
    Ok(bytes)
}

/// A fresh random IV for [`mbi_key_old`].
pub fn random_iv() -> Result<[u8; IV_LEN], RandomError> {
    random()
}

/// A fresh nonce for `USR SSO S policy nonce`: base64 of 48 random bytes, [`NONCE_LEN`] characters.
pub fn new_nonce() -> Result<String, RandomError> {
    Ok(STANDARD.encode(random::<48>()?))
}

/// A fresh random proof key, as the login server issues one with each ticket.
pub fn new_proof_key() -> Result<[u8; PROOF_KEY_LEN], RandomError> {
    random()
}

/// A fresh random machine GUID in braces, uppercase: `{F52973B6-C926-4BAD-9BA8-7C1E840E4AB0}` (version 4).
pub fn new_machine_guid() -> Result<String, RandomError> {
    let mut b = random::<16>()?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = hex::encode_upper(b);
    Ok(format!("{{{}-{}-{}-{}-{}}}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..]))
}

/// HMAC-SHA1 of the concatenated `parts` under `key` (any key length is allowed).
fn hmac_sha1(key: &[u8], parts: &[&[u8]]) -> [u8; HASH_LEN] {
    let mut mac = HmacSha1::new_from_slice(key).expect("HMAC takes keys of any length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// The 24-byte key derived from the proof key with `magic`: `h2 ‖ h4[..4]` where `h1 = H(magic)`,
/// `h2 = H(h1 ‖ magic)`, `h3 = H(h1)`, `h4 = H(h3 ‖ magic)`.
fn derive(proof_key: &[u8], magic: &[u8]) -> [u8; 24] {
    let h1 = hmac_sha1(proof_key, &[magic]);
    let h2 = hmac_sha1(proof_key, &[&h1, magic]);
    let h3 = hmac_sha1(proof_key, &[&h1]);
    let h4 = hmac_sha1(proof_key, &[&h3, magic]);
    let mut key = [0u8; 24];
    key[..HASH_LEN].copy_from_slice(&h2);
    key[HASH_LEN..].copy_from_slice(&h4[..4]);
    key
}

/// The nonce with its PKCS#5 padding: one to eight bytes, each holding their count, up to a multiple of 8.
fn padded(nonce: &str) -> Vec<u8> {
    let pad = IV_LEN - nonce.len() % IV_LEN;
    let mut text = nonce.as_bytes().to_vec();
    text.resize(nonce.len() + pad, pad as u8);
    text
}

/// The header's seven fields, in order, with their names, for a nonce whose padded length is `cipher_len`.
fn header(cipher_len: usize) -> [(&'static str, u32); 7] {
    [
        ("header length", HEADER_SIZE_FIELD),
        ("crypt mode", CRYPT_MODE_CBC),
        ("cipher algorithm", CALG_3DES),
        ("hash algorithm", CALG_SHA1),
        ("IV length", IV_LEN as u32),
        ("hash length", HASH_LEN as u32),
        ("cipher length", u32::try_from(cipher_len).unwrap_or(u32::MAX)),
    ]
}

/// The `MBI_KEY_OLD` response to `nonce` under the proof key of the `messengerclear.live.com` ticket, with `iv`:
/// base64 (standard alphabet, padded) of the 28-byte header, the IV, `HMAC-SHA1(key2, nonce)` and the nonce
/// encrypted with 3DES-CBC under `key3` (128 bytes for a 64-character nonce).
pub fn mbi_key_old(proof_key: &[u8], nonce: &str, iv: [u8; IV_LEN]) -> String {
    let key2 = derive(proof_key, HASH_MAGIC);
    let key3 = derive(proof_key, ENCRYPTION_MAGIC);
    let hash = hmac_sha1(&key2, &[nonce.as_bytes()]);
    let mut cipher = padded(nonce);
    let len = cipher.len();
    cbc::Encryptor::<TdesEde3>::new(&key3.into(), &iv.into())
        .encrypt_padded_mut::<NoPadding>(&mut cipher, len)
        .expect("the padded nonce is a whole number of blocks");
    let mut blob = Vec::with_capacity(HEADER_LEN + IV_LEN + HASH_LEN + len);
    for (_, value) in header(len) {
        blob.extend_from_slice(&value.to_le_bytes());
    }
    blob.extend_from_slice(&iv);
    blob.extend_from_slice(&hash);
    blob.extend_from_slice(&cipher);
    STANDARD.encode(blob)
}

/// [`mbi_key_old`] with a fresh random IV, as a client sends it.
pub fn mbi_response(proof_key: &[u8], nonce: &str) -> Result<String, RandomError> {
    Ok(mbi_key_old(proof_key, nonce, random_iv()?))
}

/// Whether `a` and `b` are equal, in time that depends only on their lengths.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Checks a response (`blob`, base64) to `nonce` under `proof_key`, as the server does: every header field, the
/// length, the hash (compared in constant time) and the encrypted nonce with its padding, decrypted with the
/// response's own IV.
pub fn verify_mbi(proof_key: &[u8], nonce: &str, blob: &str) -> Result<(), MbiError> {
    let blob = STANDARD.decode(blob).map_err(|_| MbiError::NotBase64)?;
    let expected_text = padded(nonce);
    let expected = HEADER_LEN + IV_LEN + HASH_LEN + expected_text.len();
    if blob.len() != expected {
        return Err(MbiError::Length { found: blob.len(), expected });
    }
    for (i, (field, value)) in header(expected_text.len()).into_iter().enumerate() {
        let found = u32::from_le_bytes(blob[4 * i..4 * i + 4].try_into().expect("four bytes"));
        if found != value {
            return Err(MbiError::Header { field, found, expected: value });
        }
    }
    let (iv, rest) = blob[HEADER_LEN..].split_at(IV_LEN);
    let (hash, cipher) = rest.split_at(HASH_LEN);
    let key2 = derive(proof_key, HASH_MAGIC);
    let mut mac = HmacSha1::new_from_slice(&key2).expect("HMAC takes keys of any length");
    mac.update(nonce.as_bytes());
    mac.verify_slice(hash).map_err(|_| MbiError::Hash)?;
    let key3 = derive(proof_key, ENCRYPTION_MAGIC);
    let iv: [u8; IV_LEN] = iv.try_into().expect("eight bytes");
    let mut text = cipher.to_vec();
    cbc::Decryptor::<TdesEde3>::new(&key3.into(), &iv.into())
        .decrypt_padded_mut::<NoPadding>(&mut text)
        .map_err(|_| MbiError::Cipher)?;
    if !same(&text, &expected_text) {
        return Err(MbiError::Cipher);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// auth.md 6.4, the published vector: a 23-byte key (31 `A` and `=`), a nonce of 63 `A` and `=`, a zero IV.
    const PUBLISHED: (&str, &str, &str) = (
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "HAAAAAEAAAADZgAABIAAAAgAAAAUAAAASAAAAAAAAAAAAAAA7XgT5ohvaZdoXdrWUUcMF2G8OK2JohyYcK5l5MJSitab33scxJeK/RQXcUr0L+R2ZA9CEAzn0izmUzSMp2LZdxSbHtnuxCmptgtoScHp9E26HjQVkA9YJxgK/HM=",
    );
    /// auth.md 6.4, the second vector: a 24-byte key and a real-looking nonce, a zero IV.
    const SECOND: (&str, &str, &str) = (
        "Z1OQ3mCLbrkCGvfRX0V8Ly/nSsbmv4La",
        "8CLhG/xfgYZ7TyRQ/jIAWyDmd/w4R4GF2yKLS6tYrnjzi4cFag/Nr+hxsfg5zlCf",
        "HAAAAAEAAAADZgAABIAAAAgAAAAUAAAASAAAAAAAAAAAAAAAuMhPfxQhpv3jfduVtNA99FPmdgD4UAolDFMGGT0p7D2O1k+v5UG3my6YWio5X5MHchY1QphoKnwUdL2NY6HLbQsK/VaFV93bBxpmAAw8zW375pQ24XGFFxReTFc=",
    );

    fn key(base64: &str) -> Vec<u8> {
        STANDARD.decode(base64).expect("base64")
    }

    #[test]
    fn the_published_vectors_come_out_exactly() {
        for (secret, nonce, blob) in [PUBLISHED, SECOND] {
            assert_eq!(mbi_key_old(&key(secret), nonce, [0; 8]), blob, "{secret}");
            assert_eq!(verify_mbi(&key(secret), nonce, blob), Ok(()), "{secret}");
        }
        assert_eq!(key(PUBLISHED.0).len(), 23, "the published key is 23 bytes");
    }

    #[test]
    fn a_random_iv_still_verifies_and_differs_each_time() {
        let proof = new_proof_key().unwrap();
        let nonce = new_nonce().unwrap();
        assert_eq!(nonce.len(), NONCE_LEN);
        let (a, b) = (mbi_response(&proof, &nonce).unwrap(), mbi_response(&proof, &nonce).unwrap());
        assert_ne!(a, b);
        assert_eq!(STANDARD.decode(&a).unwrap().len(), 128);
        assert_eq!((verify_mbi(&proof, &nonce, &a), verify_mbi(&proof, &nonce, &b)), (Ok(()), Ok(())));
    }

    #[test]
    fn a_response_under_another_key_or_to_another_nonce_is_refused() {
        let (secret, nonce, blob) = SECOND;
        let mut wrong = key(secret);
        wrong[0] ^= 1;
        assert_eq!(verify_mbi(&wrong, nonce, blob), Err(MbiError::Hash));
        let other = PUBLISHED.1;
        assert_eq!(verify_mbi(&key(secret), other, blob), Err(MbiError::Hash));
        // The right hash with a cipher text made under another key fails on the cipher.
        let mut forged = STANDARD.decode(blob).unwrap();
        let under_wrong = STANDARD.decode(mbi_key_old(&wrong, nonce, [0; 8])).unwrap();
        forged[HEADER_LEN + IV_LEN + HASH_LEN..].copy_from_slice(&under_wrong[HEADER_LEN + IV_LEN + HASH_LEN..]);
        assert_eq!(verify_mbi(&key(secret), nonce, &STANDARD.encode(&forged)), Err(MbiError::Cipher));
        // Another IV than the one the cipher text was made with garbles the first block.
        let mut moved = STANDARD.decode(blob).unwrap();
        moved[HEADER_LEN] ^= 0x80;
        assert_eq!(verify_mbi(&key(secret), nonce, &STANDARD.encode(&moved)), Err(MbiError::Cipher));
    }

    #[test]
    fn every_header_field_and_the_length_are_checked() {
        let (secret, nonce, blob) = SECOND;
        let bytes = STANDARD.decode(blob).unwrap();
        let names = ["header length", "crypt mode", "cipher algorithm", "hash algorithm", "IV length"];
        for (i, name) in names.into_iter().chain(["hash length", "cipher length"]).enumerate() {
            let mut changed = bytes.clone();
            changed[4 * i] ^= 0x10;
            let error = verify_mbi(&key(secret), nonce, &STANDARD.encode(&changed)).unwrap_err();
            assert!(matches!(error, MbiError::Header { field, .. } if field == name), "{name}: {error}");
        }
        let short = STANDARD.encode(&bytes[..127]);
        assert_eq!(verify_mbi(&key(secret), nonce, &short), Err(MbiError::Length { found: 127, expected: 128 }));
        assert_eq!(verify_mbi(&key(secret), nonce, "not base64!"), Err(MbiError::NotBase64));
        assert_eq!(verify_mbi(&key(secret), nonce, ""), Err(MbiError::Length { found: 0, expected: 128 }));
    }

    #[test]
    fn nonces_of_other_lengths_are_padded_to_whole_blocks() {
        for nonce in ["", "a", "0123456", "01234567", "a nonce of some other length"] {
            let blob = mbi_key_old(b"key", nonce, [7; 8]);
            let len = STANDARD.decode(&blob).unwrap().len();
            assert_eq!(len, HEADER_LEN + IV_LEN + HASH_LEN + (nonce.len() / 8 + 1) * 8, "{nonce:?}");
            assert_eq!(verify_mbi(b"key", nonce, &blob), Ok(()), "{nonce:?}");
        }
    }

    #[test]
    fn machine_guids_are_braced_uppercase_version_4() {
        let guid = new_machine_guid().unwrap();
        assert_eq!(guid.len(), 38, "{guid}");
        assert!(guid.starts_with('{') && guid.ends_with('}'), "{guid}");
        let parts: Vec<usize> = guid[1..37].split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12], "{guid}");
        assert_eq!(&guid[15..16], "4", "{guid}");
        assert!(guid.chars().all(|c| !c.is_ascii_lowercase()), "{guid}");
        assert_ne!(guid, new_machine_guid().unwrap());
    }
}
