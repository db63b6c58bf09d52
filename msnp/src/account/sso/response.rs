//! The RST response: one `RequestSecurityTokenResponse` per token asked for, each with its address, lifetime,
//! compact ticket (`t=...&p=...` in `BinarySecurityToken`) and proof key (base64 in `BinarySecret`); or a SOAP
//! fault when the login is refused or the request is wrong. The embedded server writes both ([`write_response`],
//! [`write_fault`]); the client reads them ([`read_response`]) and takes what it needs by address, not position
//! ([`Tickets`]).

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::request::{CONTACTS, MESSENGER_CLEAR};
use super::xml::{Doc, Ns, RstError, Visit, declarations, walk};

/// The longest response the client reads (a real one with eight tokens is about 20 KB).
pub const MAX_RESPONSE: usize = 256 * 1024;
/// The most tokens one response may hold.
pub const MAX_TOKENS: usize = 16;
/// The fault code of a refused account or password.
pub const FAILED_AUTHENTICATION: &str = "wsse:FailedAuthentication";

/// A token of a response. Its `Debug` hides the ticket and the proof key.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Token {
    /// The service's address (`wsa:Address`).
    pub address: String,
    /// The compact ticket (`wsse:BinarySecurityToken`), entities decoded.
    pub ticket: Option<String>,
    /// The proof key, base64 as sent (`wst:BinarySecret`).
    pub proof_key: Option<String>,
    /// When the token was issued (`wsu:Created`).
    pub created: Option<String>,
    /// When it expires (`wsu:Expires`).
    pub expires: Option<String>,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| "(hidden)");
        f.debug_struct("Token")
            .field("address", &self.address)
            .field("ticket", &hidden(&self.ticket))
            .field("proof_key", &hidden(&self.proof_key))
            .field("created", &self.created)
            .field("expires", &self.expires)
            .finish()
    }
}

/// A SOAP fault: the login server refused the request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fault {
    /// `faultcode`, such as [`FAILED_AUTHENTICATION`].
    pub code: String,
    /// `faultstring`, such as `Authentication Failure`.
    pub reason: String,
    /// Passport's `psf:reqstatus`, such as `0x80048823`, when given.
    pub status: Option<String>,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.code, self.reason)?;
        if let Some(status) = &self.status {
            write!(f, ", reqstatus {status}")?;
        }
        Ok(())
    }
}

/// What a response holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RstReply {
    /// The tokens, in the response's order.
    Tokens(Vec<Token>),
    /// A fault: the login was refused.
    Fault(Fault),
}

/// Reads a response (at most [`MAX_RESPONSE`] bytes and [`MAX_TOKENS`] tokens). A SOAP fault anywhere in the body
/// makes it [`RstReply::Fault`], whatever else it holds.
pub fn read_response(body: &[u8]) -> Result<RstReply, RstError> {
    let mut tokens = Vec::new();
    let mut current: Option<Token> = None;
    let mut fault: Option<Fault> = None;
    let mut status: Option<String> = None;
    let mut collection = false;
    walk(body, MAX_RESPONSE, |visit| {
        let (open, text) = match visit {
            Visit::Open(open, _) => {
                let Some(name) = open.last() else { return Ok(()) };
                if name.is(Ns::Wst, "RequestSecurityTokenResponse") {
                    if tokens.len() == MAX_TOKENS {
                        return Err(RstError::TooManyTokens(MAX_TOKENS));
                    }
                    current = Some(Token::default());
                } else if name.is(Ns::Soap, "Fault") {
                    fault.get_or_insert_with(Fault::default);
                } else if name.is(Ns::Wst, "RequestSecurityTokenResponseCollection") {
                    collection = true;
                }
                return Ok(());
            }
            Visit::Close(open, text) => (open, text.trim()),
        };
        let Some(name) = open.last() else { return Ok(()) };
        let inside = |ns, local| open.iter().any(|n| n.is(ns, local));
        if name.is(Ns::Psf, "reqstatus") {
            status.get_or_insert_with(|| text.to_string());
        } else if inside(Ns::Soap, "Fault") && !inside(Ns::Other, "detail") {
            let fault = fault.get_or_insert_with(Fault::default);
            match name.local.as_str() {
                "faultcode" => fault.code = text.to_string(),
                "faultstring" => fault.reason = text.to_string(),
                _ => {}
            }
        } else if name.is(Ns::Wst, "RequestSecurityTokenResponse") {
            tokens.extend(current.take());
        } else if let Some(token) = &mut current {
            if name.is(Ns::Wsa, "Address") && inside(Ns::Wsp, "AppliesTo") {
                token.address = text.to_string();
            } else if name.is(Ns::Wsse, "BinarySecurityToken") {
                token.ticket = Some(text.to_string());
            } else if name.is(Ns::Wst, "BinarySecret") && inside(Ns::Wst, "RequestedProofToken") {
                token.proof_key = Some(text.to_string());
            } else if name.is(Ns::Wsu, "Created") {
                token.created = Some(text.to_string());
            } else if name.is(Ns::Wsu, "Expires") {
                token.expires = Some(text.to_string());
            }
        }
        Ok(())
    })?;
    match fault {
        Some(fault) => Ok(RstReply::Fault(Fault { status, ..fault })),
        None if collection => Ok(RstReply::Tokens(tokens)),
        None => Err(RstError::Missing("wst:RequestSecurityTokenResponseCollection or S:Fault")),
    }
}

/// What a Messenger sign-in takes from the tokens. Its `Debug` hides the tickets and the key.
#[derive(Clone, PartialEq, Eq)]
pub struct Tickets {
    /// The [`MESSENGER_CLEAR`] ticket, sent in `USR SSO S`.
    pub ticket: String,
    /// Its proof key, decoded: the response to the nonce is computed with it.
    pub proof_key: Vec<u8>,
    /// The [`CONTACTS`] ticket, for the address book and sharing services, when issued.
    pub contacts: Option<String>,
}

impl fmt::Debug for Tickets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tickets").field("contacts", &self.contacts.as_ref().map(|_| "(hidden)")).finish()
    }
}

impl Tickets {
    /// Takes the tokens by address: the [`MESSENGER_CLEAR`] ticket and proof key are required, the [`CONTACTS`]
    /// ticket is kept when there is one.
    pub fn from_tokens(tokens: &[Token]) -> Result<Tickets, RstError> {
        let find = |address: &str| tokens.iter().find(|t| t.address.eq_ignore_ascii_case(address));
        let messenger = find(MESSENGER_CLEAR).ok_or(RstError::NoToken(MESSENGER_CLEAR))?;
        let ticket = messenger
            .ticket
            .clone()
            .filter(|t| !t.is_empty())
            .ok_or(RstError::Incomplete { address: MESSENGER_CLEAR, what: "ticket (wsse:BinarySecurityToken)" })?;
        let key = messenger
            .proof_key
            .as_deref()
            .filter(|k| !k.is_empty())
            .ok_or(RstError::Incomplete { address: MESSENGER_CLEAR, what: "proof key (wst:BinarySecret)" })?;
        let proof_key = STANDARD.decode(key).map_err(|_| RstError::BadProofKey(MESSENGER_CLEAR))?;
        let contacts = find(CONTACTS).and_then(|t| t.ticket.clone()).filter(|t| !t.is_empty());
        Ok(Tickets { ticket, proof_key, contacts })
    }
}

/// A token the embedded server issues.
#[derive(Clone, Copy, Debug)]
pub struct Issued<'a> {
    /// The address asked for.
    pub address: &'a str,
    /// The compact ticket.
    pub ticket: &'a str,
    /// The proof key (written base64).
    pub proof_key: &'a [u8],
}

/// `psf:pp` with the states given, in the envelope's header.
fn passport_header(doc: &mut Doc, authstate: &str, reqstatus: &str) {
    doc.open("S:Header", &[]);
    doc.open("psf:pp", &[("xmlns:psf", Ns::Psf.uri())]);
    doc.leaf("psf:serverVersion", &[], "1");
    doc.leaf("psf:authstate", &[], authstate);
    doc.leaf("psf:reqstatus", &[], reqstatus);
    doc.close("psf:pp");
    doc.close("S:Header");
}

/// The response issuing `tokens`, in order, each valid from `created` to `expires` (`2006-01-02T03:04:05Z`).
pub fn write_response(tokens: &[Issued<'_>], created: &str, expires: &str) -> String {
    let mut doc = Doc::new();
    doc.open("S:Envelope", &[("xmlns:S", Ns::Soap.uri())]);
    passport_header(&mut doc, "0x48803", "0x0");
    doc.open("S:Body", &[]);
    let declared = declarations(&[Ns::Wsse, Ns::Wsp, Ns::Wsu, Ns::Wsa, Ns::Wst]);
    let attributes: Vec<(&str, &str)> = declared.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    doc.open("wst:RequestSecurityTokenResponseCollection", &attributes);
    for (i, token) in tokens.iter().enumerate() {
        let id = format!("Compact{}", i + 1);
        doc.open("wst:RequestSecurityTokenResponse", &[]);
        doc.leaf("wst:TokenType", &[], "urn:passport:compact");
        doc.open("wsp:AppliesTo", &[]);
        doc.open("wsa:EndpointReference", &[]);
        doc.leaf("wsa:Address", &[], token.address);
        doc.close("wsa:EndpointReference");
        doc.close("wsp:AppliesTo");
        doc.open("wst:LifeTime", &[]);
        doc.leaf("wsu:Created", &[], created);
        doc.leaf("wsu:Expires", &[], expires);
        doc.close("wst:LifeTime");
        doc.open("wst:RequestedSecurityToken", &[]);
        doc.leaf("wsse:BinarySecurityToken", &[("Id", &id)], token.ticket);
        doc.close("wst:RequestedSecurityToken");
        doc.open("wst:RequestedTokenReference", &[]);
        doc.leaf("wsse:KeyIdentifier", &[("ValueType", "urn:passport:compact")], "");
        doc.leaf("wsse:Reference", &[("URI", &format!("#{id}"))], "");
        doc.close("wst:RequestedTokenReference");
        doc.open("wst:RequestedProofToken", &[]);
        doc.leaf("wst:BinarySecret", &[], &STANDARD.encode(token.proof_key));
        doc.close("wst:RequestedProofToken");
        doc.close("wst:RequestSecurityTokenResponse");
    }
    doc.close("wst:RequestSecurityTokenResponseCollection");
    doc.close("S:Body");
    doc.close("S:Envelope");
    doc.finish()
}

/// A fault with `code` (a qualified name whose prefix is `S` or `wsse`) and `reason`. A refused login is
/// [`FAILED_AUTHENTICATION`] with `Authentication Failure`, and carries Passport's states for a wrong password.
pub fn write_fault(code: &str, reason: &str) -> String {
    let mut doc = Doc::new();
    doc.open("S:Envelope", &[("xmlns:S", Ns::Soap.uri()), ("xmlns:wsse", Ns::Wsse.uri())]);
    if code == FAILED_AUTHENTICATION {
        passport_header(&mut doc, "0x80048800", "0x80048823");
    }
    doc.open("S:Body", &[]);
    doc.open("S:Fault", &[]);
    doc.leaf("faultcode", &[], code);
    doc.leaf("faultstring", &[], reason);
    doc.close("S:Fault");
    doc.close("S:Body");
    doc.close("S:Envelope");
    doc.finish()
}

#[cfg(test)]
mod tests {
    use super::super::request::PASSPORT_TB;
    use super::*;

    const KEY: [u8; 24] = *b"0123456789abcdefghijklmn";

    fn issued() -> String {
        let tokens = [
            Issued { address: PASSPORT_TB, ticket: "t=tb&p=1", proof_key: b"tb-key" },
            Issued { address: CONTACTS, ticket: "t=contacts&p=2", proof_key: &KEY },
            Issued { address: MESSENGER_CLEAR, ticket: "t=clear<&>&p=3", proof_key: &KEY },
        ];
        write_response(&tokens, "2006-09-08T10:00:00Z", "2006-09-09T10:00:00Z")
    }

    #[test]
    fn tokens_are_read_back_and_taken_by_address() {
        let xml = issued();
        assert!(xml.contains(">t=clear&lt;&amp;&gt;&amp;p=3</wsse:BinarySecurityToken>"), "{xml}");
        let RstReply::Tokens(tokens) = read_response(xml.as_bytes()).unwrap() else { panic!("tokens") };
        assert_eq!(tokens.len(), 3);
        assert_eq!(tokens[0].address, PASSPORT_TB);
        assert_eq!(tokens[2].expires.as_deref(), Some("2006-09-09T10:00:00Z"));
        let tickets = Tickets::from_tokens(&tokens).unwrap();
        assert_eq!((tickets.ticket.as_str(), tickets.proof_key.as_slice()), ("t=clear<&>&p=3", &KEY[..]));
        assert_eq!(tickets.contacts.as_deref(), Some("t=contacts&p=2"));
        assert!(!format!("{tickets:?} {tokens:?}").contains("t="), "secrets stay out of Debug");
    }

    #[test]
    fn a_response_without_the_messenger_token_or_its_key_is_refused() {
        let only_contacts = write_response(&[Issued { address: CONTACTS, ticket: "t=c", proof_key: &KEY }], "", "");
        let RstReply::Tokens(tokens) = read_response(only_contacts.as_bytes()).unwrap() else { panic!("tokens") };
        assert_eq!(Tickets::from_tokens(&tokens), Err(RstError::NoToken(MESSENGER_CLEAR)));
        let no_key = issued().replace(&STANDARD.encode(KEY), "");
        let RstReply::Tokens(tokens) = read_response(no_key.as_bytes()).unwrap() else { panic!("tokens") };
        let error = Tickets::from_tokens(&tokens).unwrap_err();
        assert!(error.to_string().contains("has no proof key"), "{error}");
        let bad_key = issued().replace(&STANDARD.encode(KEY), "*not base64*");
        let RstReply::Tokens(tokens) = read_response(bad_key.as_bytes()).unwrap() else { panic!("tokens") };
        assert_eq!(Tickets::from_tokens(&tokens), Err(RstError::BadProofKey(MESSENGER_CLEAR)));
    }

    #[test]
    fn a_fault_is_read_whatever_else_the_body_holds() {
        let fault = read_response(write_fault(FAILED_AUTHENTICATION, "Authentication Failure").as_bytes()).unwrap();
        let expected = Fault {
            code: FAILED_AUTHENTICATION.into(),
            reason: "Authentication Failure".into(),
            status: Some("0x80048823".into()),
        };
        assert_eq!(fault, RstReply::Fault(expected.clone()));
        assert_eq!(expected.to_string(), "wsse:FailedAuthentication (Authentication Failure), reqstatus 0x80048823");
        let both = issued().replace("</S:Body>", "<S:Fault><faultcode>x</faultcode></S:Fault></S:Body>");
        assert!(matches!(read_response(both.as_bytes()), Ok(RstReply::Fault(f)) if f.code == "x"));
        let client = read_response(write_fault("S:Client", "no <Username>").as_bytes()).unwrap();
        let expected = Fault { code: "S:Client".into(), reason: "no <Username>".into(), status: None };
        assert_eq!(client, RstReply::Fault(expected));
    }

    #[test]
    fn bounds_and_malformed_documents_give_clear_errors() {
        let many: Vec<Issued<'_>> =
            (0..=MAX_TOKENS).map(|_| Issued { address: CONTACTS, ticket: "t", proof_key: &KEY }).collect();
        let error = read_response(write_response(&many, "", "").as_bytes()).unwrap_err();
        assert_eq!(error, RstError::TooManyTokens(MAX_TOKENS));
        let empty = format!(r#"<S:Envelope xmlns:S="{}"><S:Body/></S:Envelope>"#, Ns::Soap.uri());
        let error = read_response(empty.as_bytes()).unwrap_err();
        assert!(error.to_string().contains("no wst:RequestSecurityTokenResponseCollection"), "{error}");
        let cut = issued();
        for end in [0, 10, cut.len() / 2, cut.len() - 1] {
            let error = read_response(&cut.as_bytes()[..end]).unwrap_err();
            assert!(matches!(error, RstError::Malformed(_)), "{end}: {error}");
        }
        let html = b"<html><body>Service Unavailable</body></html>";
        assert_eq!(read_response(html), Err(RstError::NotEnvelope("html".into())));
    }

    #[test]
    fn no_cut_and_no_changed_byte_makes_a_reader_panic() {
        let request = super::super::request::RstRequest::messenger("a@b.c", "pw", "MBI_KEY_OLD").to_xml();
        for document in [issued(), request] {
            let bytes = document.as_bytes();
            let read = |bytes: &[u8]| {
                let _ = read_response(bytes).map(|reply| format!("{reply:?}")).map_err(|e| e.to_string());
                let _ = super::super::request::RstRequest::read(bytes).map_err(|e| e.to_string());
            };
            for end in 0..bytes.len() {
                read(&bytes[..end]);
            }
            for at in 0..bytes.len() {
                for byte in [b'<', b'&', 0xff] {
                    let mut changed = bytes.to_vec();
                    changed[at] = byte;
                    read(&changed);
                }
            }
        }
    }
}
