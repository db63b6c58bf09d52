//! The embedded server's login endpoint for single sign-on (`POST /RST.srf`, MSNP15 on): it reads the WS-Trust
//! request, checks the account and password against the accounts file, and issues one compact ticket and proof
//! key per token asked for; a wrong password gets the `wsse:FailedAuthentication` fault. The tickets issued are
//! remembered ([`IssuedTickets`], bounded), so that the notification server can check `USR SSO S`: the ticket's
//! account, and the response to its nonce under the proof key it was issued with.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use tokio::time::Instant;

use super::{MAX_TICKETS, State};
use crate::account::sso::request::{CONTACTS, MAX_REQUEST, MESSENGER_CLEAR, RstRequest};
use crate::account::sso::response::{FAILED_AUTHENTICATION, Issued, write_fault, write_response};
use crate::account::sso::{PROOF_KEY_LEN, new_proof_key};

/// The RST endpoint's path.
pub const RST_PATH: &str = "/RST.srf";

/// How long an issued ticket is good for (real tickets: a day).
pub const SSO_TICKET_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// A ticket the endpoint issued, as the notification server checks it.
#[derive(Debug)]
struct Ticket {
    /// The account, lowercase.
    handle: String,
    /// The service it was issued for.
    address: String,
    proof_key: [u8; PROOF_KEY_LEN],
    expires: Instant,
}

/// The tickets issued and not yet redeemed or expired: at most [`MAX_TICKETS`] (past that, the expired go, then
/// the oldest).
#[derive(Debug, Default)]
pub(super) struct IssuedTickets {
    by_ticket: HashMap<String, Ticket>,
}

impl IssuedTickets {
    fn insert(&mut self, ticket: String, issued: Ticket) {
        if self.by_ticket.len() >= MAX_TICKETS {
            let now = Instant::now();
            self.by_ticket.retain(|_, t| t.expires > now);
        }
        if self.by_ticket.len() >= MAX_TICKETS
            && let Some(oldest) = self.by_ticket.iter().min_by_key(|(_, t)| t.expires).map(|(k, _)| k.clone())
        {
            self.by_ticket.remove(&oldest);
        }
        self.by_ticket.insert(ticket, issued);
    }

    /// Redeems `ticket` for `handle`: when it was issued to that account for [`MESSENGER_CLEAR`], has not
    /// expired, and `check` accepts its proof key, it is forgotten (a ticket signs in once) and `true` returned.
    pub(super) fn redeem(&mut self, ticket: &str, handle: &str, check: impl FnOnce(&[u8]) -> bool) -> bool {
        let good = self.by_ticket.get(ticket).is_some_and(|t| {
            t.handle.eq_ignore_ascii_case(handle)
                && t.address.eq_ignore_ascii_case(MESSENGER_CLEAR)
                && t.expires > Instant::now()
                && check(&t.proof_key)
        });
        if good {
            self.by_ticket.remove(ticket);
        }
        good
    }

    /// The ticket issued to `handle` for the address-book services (`contacts.msn.com`) that expires last, while
    /// it has not expired: a session that signed in with single sign-on grants it to the services.
    pub(super) fn contacts_ticket(&self, handle: &str) -> Option<String> {
        let now = Instant::now();
        self.by_ticket
            .iter()
            .filter(|(_, t)| t.handle.eq_ignore_ascii_case(handle) && t.address.eq_ignore_ascii_case(CONTACTS))
            .filter(|(_, t)| t.expires > now)
            .max_by_key(|(_, t)| t.expires)
            .map(|(ticket, _)| ticket.clone())
    }
}

/// An XML response with `status`.
fn xml(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(hyper::header::CONTENT_TYPE, hyper::header::HeaderValue::from_static("text/xml; charset=utf-8"));
    response
}

/// A SOAP fault, with the HTTP status SOAP 1.1 gives faults (500) unless another is named.
fn fault(status: StatusCode, code: &str, reason: &str) -> Response<Full<Bytes>> {
    xml(status, write_fault(code, reason))
}

/// Answers a request to [`RST_PATH`].
pub(super) async fn answer(request: Request<Incoming>, state: &State) -> Response<Full<Bytes>> {
    if request.method() != Method::POST {
        return fault(StatusCode::METHOD_NOT_ALLOWED, "S:Client", "RST.srf takes POST");
    }
    let body = match Limited::new(request.into_body(), MAX_REQUEST).collect().await {
        Ok(body) => body.to_bytes(),
        Err(e) => return fault(StatusCode::PAYLOAD_TOO_LARGE, "S:Client", &format!("the request: {e}")),
    };
    let request = match RstRequest::read(&body) {
        Ok(request) => request,
        Err(e) => return fault(StatusCode::INTERNAL_SERVER_ERROR, "S:Client", &format!("the request: {e}")),
    };
    if !state.check_password(&request.account, &request.password) {
        return fault(StatusCode::INTERNAL_SERVER_ERROR, FAILED_AUTHENTICATION, "Authentication Failure");
    }
    match issue(&request, state) {
        Some(body) => xml(StatusCode::OK, body),
        None => fault(StatusCode::INTERNAL_SERVER_ERROR, "S:Server", "the server could not make a key"),
    }
}

/// The response issuing every token `request` asks for, each remembered; `None` when no random key could be made.
fn issue(request: &RstRequest, state: &State) -> Option<String> {
    let mut made = Vec::with_capacity(request.tokens.len());
    for token in &request.tokens {
        let (ticket, proof_key) = (new_ticket()?, new_proof_key().ok()?);
        made.push((token.address.clone(), ticket, proof_key));
    }
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (created, expires) = (utc(now), utc(now + SSO_TICKET_LIFETIME.as_secs()));
    let issued: Vec<Issued<'_>> = made
        .iter()
        .map(|(address, ticket, proof_key)| Issued { address, ticket, proof_key: proof_key.as_slice() })
        .collect();
    let body = write_response(&issued, &created, &expires);
    if let Ok(mut tickets) = state.sso.lock() {
        let handle = request.account.to_ascii_lowercase();
        let expires = Instant::now() + SSO_TICKET_LIFETIME;
        for (address, ticket, proof_key) in made {
            tickets.insert(ticket, Ticket { handle: handle.clone(), address, proof_key, expires });
        }
    }
    Some(body)
}

/// A fresh compact ticket, `t=...&p=...` with random hexadecimal parts.
fn new_ticket() -> Option<String> {
    let (t, p) = (new_proof_key().ok()?, new_proof_key().ok()?);
    Some(format!("t={}&p={}", hex::encode(&t[..20]), hex::encode(&p[..20])))
}

/// The UTC time `seconds` after the Unix epoch, as `2006-09-08T10:00:00Z`.
fn utc(seconds: u64) -> String {
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    // Days since 0000-03-01 in the proleptic Gregorian calendar, in 400-year eras of 146,097 days.
    let z = days + 719_468;
    let (era, day_of_era) = (z / 146_097, z % 146_097);
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    // Months counted from March, so that February's leap day comes last.
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    let (hour, minute, second) = (rest / 3_600, rest % 3_600 / 60, rest % 60);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
}

#[cfg(test)]
mod tests {
    use super::{IssuedTickets, MAX_TICKETS, Ticket, utc};
    use crate::account::sso::request::{CONTACTS, MESSENGER_CLEAR};
    use tokio::time::{Duration, Instant};

    #[test]
    fn times_are_written_in_utc() {
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc(1_157_709_600), "2006-09-08T10:00:00Z");
        assert_eq!(utc(4_102_444_799), "2099-12-31T23:59:59Z");
    }

    fn ticket(handle: &str, address: &str, expires: Instant) -> Ticket {
        Ticket { handle: handle.into(), address: address.into(), proof_key: [7; 24], expires }
    }

    #[test]
    fn a_ticket_is_redeemed_once_by_its_account_for_the_messenger_service() {
        let mut tickets = IssuedTickets::default();
        let later = Instant::now() + Duration::from_secs(60);
        tickets.insert("t=1".into(), ticket("alice@example.com", MESSENGER_CLEAR, later));
        tickets.insert("t=2".into(), ticket("alice@example.com", CONTACTS, later));
        tickets.insert("t=3".into(), ticket("alice@example.com", MESSENGER_CLEAR, Instant::now()));
        assert!(!tickets.redeem("t=1", "bob@example.com", |_| true), "another account");
        assert!(!tickets.redeem("t=1", "alice@example.com", |_| false), "the check refuses");
        assert!(!tickets.redeem("t=2", "alice@example.com", |_| true), "another service");
        assert!(!tickets.redeem("t=3", "alice@example.com", |_| true), "expired");
        assert!(tickets.redeem("t=1", "Alice@Example.com", |key| key == [7; 24]));
        assert!(!tickets.redeem("t=1", "alice@example.com", |_| true), "good once");
    }

    #[test]
    fn the_table_is_bounded() {
        let mut tickets = IssuedTickets::default();
        let start = Instant::now() + Duration::from_secs(60);
        for i in 0..MAX_TICKETS + 10 {
            let expires = start + Duration::from_secs(i as u64);
            tickets.insert(format!("t={i}"), ticket("a@example.com", MESSENGER_CLEAR, expires));
        }
        assert_eq!(tickets.by_ticket.len(), MAX_TICKETS);
        assert!(!tickets.by_ticket.contains_key("t=0"), "the oldest went first");
        assert!(tickets.by_ticket.contains_key(&format!("t={}", MAX_TICKETS + 9)));
    }
}
