//! Single sign-on for `USR SSO` (MSNP15-18): the account and password go to the login server's RST endpoint
//! (`ClientConfig::login_url`, or [`DEFAULT_RST`]), which answers with a ticket and a proof key per service;
//! the client sends the `messengerclear.live.com` ticket and its response to the notification server's nonce,
//! computed with that ticket's proof key, and from MSNP16 the machine GUID. The `contacts.msn.com` ticket is
//! kept for the address book services.
//!
//! A SOAP fault, whatever the HTTP status, and a 401 or 403 are a refused login; a response that cannot be read
//! or lacks the messenger ticket fails the RST stage with what is wrong. The response is read up to
//! [`MAX_RESPONSE`] bytes.

use super::error::{Failure, LoginError, Stage};
use super::passport::{self, PassportError};
use super::record;
use super::{Client, ClientConfig, DEFAULT_RST};
use crate::account::abservice::SoapAuth;
use crate::account::sso::mbi_response;
use crate::account::sso::request::RstRequest;
use crate::account::sso::response::{MAX_RESPONSE, RstReply, Tickets, read_response};
use crate::generated::forms::*;
use crate::wire::net::{Redact, Transcript};

impl Client {
    /// After `USR SSO S policy nonce`: the tickets from the RST endpoint, then `USR SSO S ticket response [guid]`.
    /// Returns the TrID of the USR sent, whose USR OK is still to come.
    pub(super) async fn single_sign_on(
        &mut self,
        config: &ClientConfig,
        policy: &str,
        nonce: &str,
    ) -> Result<u32, LoginError> {
        let rst = |e| LoginError::new(Stage::Rst, Failure::Passport(e));
        let http = passport::http_client(config.timeout, config.extra_ca.as_deref())
            .map_err(|e| rst(PassportError::Login(e)))?;
        let url = config.login_url.as_deref().unwrap_or(DEFAULT_RST);
        let request = RstRequest::messenger(&config.account, &config.password, policy);
        let tickets = tickets(&http, url, &request, self.transcript.as_mut()).await.map_err(rst)?;
        self.contacts_ticket = tickets.contacts.clone();
        // The address-book services take the contacts.msn.com ticket in their SOAP header.
        self.soap_auth = tickets.contacts.clone().map(SoapAuth::TicketToken);
        let response = mbi_response(&tickets.proof_key, nonce)
            .map_err(|e| LoginError::new(Stage::UsrS, Failure::Protocol(e.to_string())))?;
        let trid = self.next_trid();
        let usr = self
            .message(usr::SSO_S, Stage::UsrS)?
            .trid(trid)
            .arg(usr::args::TICKET, tickets.ticket.as_str())
            .arg(usr::args::RESPONSE, response.as_str())
            .maybe_arg(usr::args::MACHINE_GUID, config.machine_guid.as_str());
        let secrets = [(tickets.ticket.as_str(), "ticket"), (response.as_str(), "response")];
        self.send(usr, Stage::UsrS, Redact::Tokens(&secrets)).await?;
        Ok(trid)
    }
}

/// POSTs `request` to `url` and takes the tickets from the answer.
async fn tickets(
    http: &reqwest::Client,
    url: &str,
    request: &RstRequest,
    transcript: Option<&mut Transcript>,
) -> Result<Tickets, PassportError> {
    let unreachable = |e: reqwest::Error| PassportError::Unreachable(passport::describe(url, &e));
    let built = http
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "text/xml; charset=utf-8")
        .body(request.to_xml())
        .build()
        .map_err(unreachable)?;
    let recorded = transcript.is_some().then(|| record::request(&built));
    let response = http.execute(built).await.map_err(unreachable)?;
    let (status, headers) = (response.status(), response.headers().clone());
    let body = bounded_body(url, response).await?;
    if let (Some(transcript), Some(request)) = (transcript, recorded) {
        transcript.http(&request, Some(&record::response_read(status, &headers, &body)));
    }
    // A fault is a refusal whatever the status; a status that says so is one too, whatever the body.
    let refused = status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN;
    match read_response(&body) {
        Ok(RstReply::Fault(fault)) => Err(PassportError::Refused(format!("{url} refused the login: {fault}"))),
        _ if refused => Err(PassportError::Refused(format!("{url} refused the login ({status})"))),
        _ if !status.is_success() => Err(PassportError::Login(format!("{url} answered {status}"))),
        Ok(RstReply::Tokens(tokens)) => {
            Tickets::from_tokens(&tokens).map_err(|e| PassportError::Login(format!("{url}: {e}")))
        }
        Err(e) => Err(PassportError::Login(format!("{url}: {e}"))),
    }
}

/// The body of `response`, read up to [`MAX_RESPONSE`] bytes: a longer one (announced or sent) is refused
/// without reading the rest.
async fn bounded_body(url: &str, mut response: reqwest::Response) -> Result<Vec<u8>, PassportError> {
    let too_long = || PassportError::Login(format!("{url}: the response is longer than {MAX_RESPONSE} bytes"));
    if response.content_length().is_some_and(|n| n > MAX_RESPONSE as u64) {
        return Err(too_long());
    }
    let mut body = Vec::new();
    while let Some(chunk) =
        response.chunk().await.map_err(|e| PassportError::Unreachable(passport::describe(url, &e)))?
    {
        if body.len() + chunk.len() > MAX_RESPONSE {
            return Err(too_long());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
