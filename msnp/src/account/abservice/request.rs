//! The requests: FindMembership and ABFindAll as the client writes them (the application header with
//! `PartnerScenario` `Initial`, the authentication header with the ticket, the action's body), and as the server
//! reads them (which action, with which ticket).

use super::xml::{Doc, Node, ends_with, walk};
use super::{APPLICATION_ID, Action, SoapAuth, SoapError};

/// The address book a client reads: its own, by the all-zero ID.
const OWN_ADDRESS_BOOK: &str = "00000000-0000-0000-0000-000000000000";
/// The `lastChange` of a client that has nothing cached: the whole list comes back.
const NEVER: &str = "0001-01-01T00:00:00.0000000-08:00";

/// The request for `action`, authenticated by `auth` (a ticket goes in `TicketToken`; a cookie goes in the HTTP
/// header, [`SoapAuth::cookie`]).
pub fn write_request(action: Action, auth: &SoapAuth) -> Vec<u8> {
    let mut doc = Doc::envelope();
    doc.open("soap:Header");
    doc.open_ab("ABApplicationHeader");
    doc.leaf("ApplicationId", APPLICATION_ID);
    doc.leaf("IsMigration", "false");
    doc.leaf("PartnerScenario", "Initial");
    doc.close("ABApplicationHeader");
    doc.open_ab("ABAuthHeader");
    doc.leaf("ManagedGroupRequest", "false");
    if let SoapAuth::TicketToken(ticket) = auth {
        doc.leaf("TicketToken", ticket);
    }
    doc.close("ABAuthHeader");
    doc.close("soap:Header");
    doc.open("soap:Body");
    doc.open_ab(action.element());
    match action {
        Action::FindMembership => {
            doc.open("serviceFilter");
            doc.open("Types");
            doc.leaf("ServiceType", "Messenger");
            doc.close("Types");
            doc.close("serviceFilter");
        }
        Action::AbFindAll => {
            doc.leaf("abId", OWN_ADDRESS_BOOK);
            doc.leaf("abView", "Full");
            // Only a full answer: a server asked for changes since a date it cannot serve answers with a fault.
            doc.leaf("deltasOnly", "false");
            doc.leaf("lastChange", NEVER);
        }
    }
    doc.close(action.element());
    doc.close("soap:Body");
    doc.finish()
}

/// A request as the server reads it.
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    /// What it asks for: the body's first element.
    pub action: Action,
    /// The `TicketToken` of its authentication header, unescaped, when it has one.
    pub ticket: Option<String>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The ticket is a secret: only whether there is one is printed.
        let ticket = self.ticket.as_ref().map(|_| "..");
        f.debug_struct("Request").field("action", &self.action).field("ticket", &ticket).finish()
    }
}

/// Reads a request: the action its body's first element names, and the ticket of its `ABAuthHeader`.
pub fn read_request(body: &[u8]) -> Result<Request, SoapError> {
    let (mut first, mut ticket) = (None::<String>, None);
    walk(body, |path, node| {
        match node {
            Node::Open if first.is_none() && path.len() == 3 && ends_with(&path[..2], &["Envelope", "Body"]) => {
                first = Some(path[2].clone());
            }
            Node::Close(text) if path.len() == 4 && ends_with(path, &["Header", "ABAuthHeader", "TicketToken"]) => {
                ticket = Some(text.trim().to_string());
            }
            _ => {}
        }
        Ok(())
    })?;
    let first = first.ok_or(SoapError::Missing("FindMembership or ABFindAll"))?;
    let action = Action::from_element(&first)
        .ok_or_else(|| SoapError::Malformed(format!("the body asks for <{first}>, not FindMembership or ABFindAll")))?;
    Ok(Request { action, ticket })
}

#[cfg(test)]
mod tests {
    use super::{Action, Request, SoapAuth, read_request, write_request};

    #[test]
    fn a_request_is_read_back_with_its_action_and_ticket() {
        let ticket = "t=abc&p=d<e>";
        for action in [Action::FindMembership, Action::AbFindAll] {
            let body = write_request(action, &SoapAuth::TicketToken(ticket.into()));
            let text = String::from_utf8(body.clone()).unwrap();
            assert!(text.contains("<TicketToken>t=abc&amp;p=d&lt;e&gt;</TicketToken>"), "{text}");
            assert!(text.contains("<PartnerScenario>Initial</PartnerScenario>"), "{text}");
            assert!(!text.contains('\n'), "{text}");
            assert_eq!(read_request(&body).unwrap(), Request { action, ticket: Some(ticket.into()) });
        }
        let cookie = write_request(Action::AbFindAll, &SoapAuth::MspAuthCookie("abc".into()));
        let text = String::from_utf8(cookie.clone()).unwrap();
        assert!(!text.contains("TicketToken"), "{text}");
        assert!(text.contains("<deltasOnly>false</deltasOnly>"), "{text}");
        assert_eq!(read_request(&cookie).unwrap().ticket, None);
        // The ticket stays out of debug output.
        let debug =
            format!("{:?}", read_request(&write_request(Action::AbFindAll, &SoapAuth::TicketToken("t=s".into()))));
        assert!(!debug.contains("t=s"), "{debug}");
        assert_eq!(format!("{:?}", SoapAuth::TicketToken("t=s".into())), "TicketToken(..)");
    }

    #[test]
    fn a_request_for_something_else_is_an_error() {
        let body = br#"<s:Envelope xmlns:s="x"><s:Body><ABContactAdd/></s:Body></s:Envelope>"#;
        assert!(read_request(body).unwrap_err().to_string().contains("<ABContactAdd>"));
        let empty = br#"<s:Envelope xmlns:s="x"><s:Body></s:Body></s:Envelope>"#;
        assert!(read_request(empty).unwrap_err().to_string().contains("no <FindMembership or ABFindAll>"));
    }
}
