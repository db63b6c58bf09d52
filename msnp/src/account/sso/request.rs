//! The RST request (`POST /RST.srf`, WS-Trust 2004/04): the account and password in a WS-Security user name token,
//! and one `RequestSecurityToken` per service the client wants a ticket for, each with its address and, for most,
//! a policy. The client writes it ([`RstRequest::to_xml`]); the embedded server reads it ([`RstRequest::read`]).

use std::fmt;

use super::xml::{Doc, Ns, RstError, Visit, attribute, declarations, walk};

/// The Passport token every request asks for first (no policy).
pub const PASSPORT_TB: &str = "http://Passport.NET/tb";
/// The notification server's service: its ticket goes in `USR SSO S`, its proof key keys the response.
pub const MESSENGER_CLEAR: &str = "messengerclear.live.com";
/// The Messenger web site (site ID 507), asked for by official clients.
pub const MESSENGER: &str = "messenger.msn.com";
/// The address book and sharing services.
pub const CONTACTS: &str = "contacts.msn.com";

/// The WS-Trust request type of every token request.
const ISSUE: &str = "http://schemas.xmlsoap.org/ws/2004/04/security/trust/Issue";
/// `RequestParams`: base64 of the little-endian pairs count 1, `lc` = `1033`.
const REQUEST_PARAMS: &str = "AQAAAAIAAABsYwQAAAAxMDMz";
/// The hosting application official clients name.
const HOSTING_APP: &str = "{7108E71A-9926-4FCB-BCC9-9A9D3F32E423}";

/// The longest request the embedded server reads (a real one is about 3 KB).
pub const MAX_REQUEST: usize = 64 * 1024;
/// The most token requests one request may hold (official clients ask for up to eight).
pub const MAX_TOKEN_REQUESTS: usize = 16;

/// One token asked for: the service's address and the policy to issue it under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRequest {
    /// The service's address, such as [`MESSENGER_CLEAR`].
    pub address: String,
    /// The policy (`wsse:PolicyReference`'s URI), such as `MBI_KEY_OLD`.
    pub policy: Option<String>,
}

impl TokenRequest {
    /// A request for `address` under `policy`.
    pub fn new(address: &str, policy: Option<&str>) -> TokenRequest {
        TokenRequest { address: address.to_string(), policy: policy.map(str::to_string) }
    }
}

/// An RST request: whom to sign in and which tokens to issue. Its `Debug` hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct RstRequest {
    /// The account (`wsse:Username`).
    pub account: String,
    /// The password (`wsse:Password`).
    pub password: String,
    /// The tokens asked for, in order.
    pub tokens: Vec<TokenRequest>,
}

impl fmt::Debug for RstRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RstRequest")
            .field("account", &self.account)
            .field("password", &"(hidden)")
            .field("tokens", &self.tokens)
            .finish()
    }
}

impl RstRequest {
    /// What a Messenger client asks for: the Passport token, [`MESSENGER_CLEAR`] under `policy` (from
    /// `USR SSO S policy nonce`), [`MESSENGER`] with `?id=507`, and [`CONTACTS`] under `MBI`.
    pub fn messenger(account: &str, password: &str, policy: &str) -> RstRequest {
        RstRequest {
            account: account.to_string(),
            password: password.to_string(),
            tokens: vec![
                TokenRequest::new(PASSPORT_TB, None),
                TokenRequest::new(MESSENGER_CLEAR, Some(policy)),
                TokenRequest::new(MESSENGER, Some("?id=507")),
                TokenRequest::new(CONTACTS, Some("MBI")),
            ],
        }
    }

    /// The request as a SOAP envelope; account and password are escaped by the writer.
    pub fn to_xml(&self) -> String {
        let mut doc = Doc::new();
        let namespaces = [Ns::Wsse, Ns::Saml, Ns::Wsp, Ns::Wsu, Ns::Wsa, Ns::Wssc, Ns::Wst];
        let declared = declarations(&namespaces);
        let mut envelope: Vec<(&str, &str)> = vec![("xmlns", Ns::Soap.uri())];
        envelope.extend(declared.iter().map(|(k, v)| (k.as_str(), *v)));
        doc.open("Envelope", &envelope);
        doc.open("Header", &[]);
        doc.open("ps:AuthInfo", &[("xmlns:ps", Ns::Ps.uri()), ("Id", "PPAuthInfo")]);
        doc.leaf("ps:HostingApp", &[], HOSTING_APP);
        doc.leaf("ps:BinaryVersion", &[], "4");
        doc.leaf("ps:UIVersion", &[], "1");
        doc.leaf("ps:Cookies", &[], "");
        doc.leaf("ps:RequestParams", &[], REQUEST_PARAMS);
        doc.close("ps:AuthInfo");
        doc.open("wsse:Security", &[]);
        doc.open("wsse:UsernameToken", &[("Id", "user")]);
        doc.leaf("wsse:Username", &[], &self.account);
        doc.leaf("wsse:Password", &[], &self.password);
        doc.close("wsse:UsernameToken");
        doc.close("wsse:Security");
        doc.close("Header");
        doc.open("Body", &[]);
        doc.open("ps:RequestMultipleSecurityTokens", &[("xmlns:ps", Ns::Ps.uri()), ("Id", "RSTS")]);
        for (i, token) in self.tokens.iter().enumerate() {
            doc.open("wst:RequestSecurityToken", &[("Id", &format!("RST{i}"))]);
            doc.leaf("wst:RequestType", &[], ISSUE);
            doc.open("wsp:AppliesTo", &[]);
            doc.open("wsa:EndpointReference", &[]);
            doc.leaf("wsa:Address", &[], &token.address);
            doc.close("wsa:EndpointReference");
            doc.close("wsp:AppliesTo");
            if let Some(policy) = &token.policy {
                doc.leaf("wsse:PolicyReference", &[("URI", policy)], "");
            }
            doc.close("wst:RequestSecurityToken");
        }
        doc.close("ps:RequestMultipleSecurityTokens");
        doc.close("Body");
        doc.close("Envelope");
        doc.finish()
    }

    /// Reads a request (at most [`MAX_REQUEST`] bytes and [`MAX_TOKEN_REQUESTS`] token requests): the user name
    /// token's account and password, and each token request's address and policy, in order.
    pub fn read(body: &[u8]) -> Result<RstRequest, RstError> {
        let (mut account, mut password) = (None, None);
        let mut tokens = Vec::new();
        let mut current: Option<TokenRequest> = None;
        walk(body, MAX_REQUEST, |visit| {
            match visit {
                Visit::Open(open, _) if open.last().is_some_and(|n| n.is(Ns::Wst, "RequestSecurityToken")) => {
                    if tokens.len() == MAX_TOKEN_REQUESTS {
                        return Err(RstError::TooManyTokens(MAX_TOKEN_REQUESTS));
                    }
                    current = Some(TokenRequest { address: String::new(), policy: None });
                }
                Visit::Open(open, start) if open.last().is_some_and(|n| n.is(Ns::Wsse, "PolicyReference")) => {
                    if let Some(token) = &mut current {
                        token.policy = attribute(start, "URI");
                    }
                }
                Visit::Open(..) => {}
                Visit::Close(open, text) => {
                    let Some(name) = open.last() else { return Ok(()) };
                    let in_token_request = open.iter().any(|n| n.is(Ns::Wst, "RequestSecurityToken"));
                    if name.is(Ns::Wsse, "Username") {
                        account = Some(text.trim().to_string());
                    } else if name.is(Ns::Wsse, "Password") {
                        password = Some(text.to_string());
                    } else if name.is(Ns::Wsa, "Address") && in_token_request {
                        if let Some(token) = &mut current {
                            token.address = text.trim().to_string();
                        }
                    } else if name.is(Ns::Wst, "RequestSecurityToken") {
                        tokens.extend(current.take());
                    }
                }
            }
            Ok(())
        })?;
        Ok(RstRequest {
            account: account.ok_or(RstError::Missing("wsse:Username"))?,
            password: password.ok_or(RstError::Missing("wsse:Password"))?,
            tokens,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_messenger_request_reads_back_as_written() {
        let request = RstRequest::messenger("alice@example.com", "p<&>\"'ss word", "MBI_KEY_OLD");
        let xml = request.to_xml();
        assert!(xml.contains("<wsse:Password>p&lt;&amp;&gt;&quot;&apos;ss word</wsse:Password>"), "{xml}");
        assert!(xml.contains(r#"<wsse:PolicyReference URI="MBI_KEY_OLD"></wsse:PolicyReference>"#), "{xml}");
        assert_eq!(RstRequest::read(xml.as_bytes()), Ok(request.clone()));
        let addresses: Vec<&str> = request.tokens.iter().map(|t| t.address.as_str()).collect();
        assert_eq!(addresses, [PASSPORT_TB, MESSENGER_CLEAR, MESSENGER, CONTACTS]);
        assert!(!format!("{request:?}").contains("ss word"));
    }

    #[test]
    fn a_request_without_credentials_or_with_too_many_tokens_is_refused() {
        let mut request = RstRequest::messenger("a@example.com", "pw", "MBI_KEY_OLD");
        let without_password = request.to_xml().replace("<wsse:Password>pw</wsse:Password>", "");
        assert_eq!(RstRequest::read(without_password.as_bytes()), Err(RstError::Missing("wsse:Password")));
        request.tokens = vec![TokenRequest::new(CONTACTS, Some("MBI")); MAX_TOKEN_REQUESTS + 1];
        assert_eq!(RstRequest::read(request.to_xml().as_bytes()), Err(RstError::TooManyTokens(MAX_TOKEN_REQUESTS)));
        let large = vec![b' '; MAX_REQUEST + 1];
        assert!(matches!(RstRequest::read(&large), Err(RstError::TooLarge { .. })));
    }

    #[test]
    fn other_prefixes_for_the_same_namespaces_read_the_same() {
        let xml = RstRequest::messenger("a@example.com", "pw", "MBI_KEY_OLD")
            .to_xml()
            .replace("wsse:", "sec:")
            .replace("xmlns:wsse=", "xmlns:sec=");
        let read = RstRequest::read(xml.as_bytes()).unwrap();
        assert_eq!((read.account.as_str(), read.password.as_str()), ("a@example.com", "pw"));
        assert_eq!(read.tokens[1].policy.as_deref(), Some("MBI_KEY_OLD"));
    }
}
