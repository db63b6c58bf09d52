//! The embedded server's address-book services for MSNP13 and later, on its HTTP listener beside the Passport
//! endpoints: the sharing service ([`SHARING_PATH`], FindMembership) and the address book service
//! ([`ABSERVICE_PATH`], ABFindAll), answering from the accounts file.
//!
//! A request is authenticated by a ticket the server issued to a session that is still signed in: the Passport
//! 1.4 ticket of `USR TWN S` (MSNP13 and MSNP14), in the `MSPAuth` cookie (its `t=` part) or in
//! `ABAuthHeader/TicketToken`. Other sign-ins grant their tickets with [`State::grant_soap_ticket`]; the check is
//! [`State::account_for_ticket`].
//!
//! ```text
//! POST /abservice/SharingService.asmx  FindMembership  --> 200 memberships (AL, BL, RL, PL)
//! POST /abservice/abservice.asmx       ABFindAll       --> 200 groups, Me, forward list
//! no ticket, or one of no signed-in session            --> 403 with a SOAP fault
//! a request that is not FindMembership or ABFindAll    --> 500 with a SOAP fault
//! ```

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, COOKIE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

use super::State;
use crate::account::abservice::{
    ABSERVICE_PATH, Action, MAX_REQUEST_BODY, SHARING_PATH, mspauth_cookie, read_request, ticket_key,
    write_ab_find_all, write_fault, write_find_membership,
};

/// Whether `path` is one of the services'.
pub(super) fn serves(path: &str) -> bool {
    path == SHARING_PATH || path == ABSERVICE_PATH
}

impl State {
    /// Lets `ticket` authenticate `handle` at the address-book services until [`State::revoke_soap_ticket`]
    /// (when the session it was issued for signs out). A ticket is known by its `t=` part
    /// ([`ticket_key`]), so the `MSPAuth` cookie and the full ticket in `TicketToken` both name it.
    pub(super) fn grant_soap_ticket(&self, ticket: &str, handle: &str) {
        if let Ok(mut tickets) = self.soap_tickets.lock() {
            tickets.insert(ticket_key(ticket).to_string(), handle.to_string());
        }
    }

    /// Ends what [`State::grant_soap_ticket`] allowed.
    pub(super) fn revoke_soap_ticket(&self, ticket: &str) {
        if let Ok(mut tickets) = self.soap_tickets.lock() {
            tickets.remove(ticket_key(ticket));
        }
    }

    /// The account a ticket presented to the services authenticates (the full ticket or its `t=` part), if a
    /// signed-in session holds it.
    pub(super) fn account_for_ticket(&self, ticket: &str) -> Option<String> {
        self.soap_tickets.lock().ok()?.get(ticket_key(ticket)).cloned()
    }
}

/// An XML response.
fn xml(status: StatusCode, body: Vec<u8>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/xml; charset=utf-8"));
    response
}

/// A SOAP fault with `status`: the client's fault (`soap:Client`) saying `why`.
fn fault(status: StatusCode, why: &str) -> Response<Full<Bytes>> {
    xml(status, write_fault(true, why, None))
}

/// Answers a request to one of the services.
pub(super) async fn answer(request: Request<Incoming>, state: &State) -> Response<Full<Bytes>> {
    if request.method() != Method::POST {
        let mut response = fault(StatusCode::METHOD_NOT_ALLOWED, "the services take POST requests");
        response.headers_mut().insert("Allow", HeaderValue::from_static("POST"));
        return response;
    }
    let path = request.uri().path().to_string();
    let cookie = request
        .headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(mspauth_cookie)
        .map(str::to_string);
    let body = match Limited::new(request.into_body(), MAX_REQUEST_BODY).collect().await {
        Ok(body) => body.to_bytes(),
        Err(_) => {
            let why = format!("the request is not readable or is over {MAX_REQUEST_BODY} bytes");
            return fault(StatusCode::PAYLOAD_TOO_LARGE, &why);
        }
    };
    let request = match read_request(&body) {
        Ok(request) => request,
        Err(e) => return fault(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    if request.action.path() != path {
        let why = format!("{} is served at {}, not {path}", request.action.element(), request.action.path());
        return fault(StatusCode::INTERNAL_SERVER_ERROR, &why);
    }
    let ticket = request.ticket.as_deref().or(cookie.as_deref());
    let Some(handle) = ticket.and_then(|t| state.account_for_ticket(t)) else {
        let why = match ticket {
            None => "no ticket: neither an MSPAuth cookie nor a TicketToken",
            Some(_) => "the ticket is not one of a signed-in session",
        };
        return fault(StatusCode::FORBIDDEN, why);
    };
    let Some(account) = state.config.accounts.get(&handle) else {
        return fault(StatusCode::FORBIDDEN, "the ticket's account is gone");
    };
    let body = match request.action {
        Action::FindMembership => write_find_membership(&account.list),
        Action::AbFindAll => write_ab_find_all(&account.list),
    };
    xml(StatusCode::OK, body)
}
