//! Passport 1.4 for `USR TWN`: ask the nexus for the login server, then send the account, the password and the
//! notification server's challenge string in the `Authorization` header; a 302 with `da-status=redir` sends the
//! same header to the new address, a 200 carries the ticket, a 401 is a refused login.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderMap};

use super::record;
use crate::account::auth::{passport_authorization, passport_fields, passport_login_url, passport_ticket};
use crate::wire::net::Transcript;

/// Why Passport failed (1.4 for TWN, the RST endpoint for SSO), and at which step.
#[derive(Debug)]
pub enum PassportError {
    /// The nexus, the login server or the RST endpoint could not be reached: connection, TLS (an untrusted
    /// certificate) or timeout.
    Unreachable(String),
    /// The nexus answered without naming a login server, or with an error.
    Nexus(String),
    /// The login server refused the account or the password (401); or the RST endpoint did (a SOAP fault, whatever
    /// the HTTP status, or 401 or 403).
    Refused(String),
    /// The login server answered in a way Passport 1.4 does not (no ticket, an error status, a redirect loop, a
    /// redirect from HTTPS to HTTP); or the RST endpoint gave a response that cannot be read or lacks the
    /// messenger ticket or its proof key.
    Login(String),
}

/// An HTTP client for Passport: certificates verified (with an extra CA when given), no automatic redirects (they
/// would drop the `Authorization` header), every request bounded by `timeout`.
pub fn http_client(timeout: Duration, extra_ca: Option<&[u8]>) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent("MSMSGS");
    if let Some(pem) = extra_ca {
        for certificate in certificates(pem)? {
            builder = builder.add_root_certificate(certificate);
        }
    }
    builder.build().map_err(|e| e.to_string())
}

/// The certificates of a PEM file: at least one, or why not.
fn certificates(pem: &[u8]) -> Result<Vec<reqwest::Certificate>, String> {
    let certificates = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| format!("the CA file: {e}"))?;
    if certificates.is_empty() {
        return Err("the CA file holds no PEM certificate".into());
    }
    Ok(certificates)
}

/// Checks an extra CA file before any connection is made: the number of certificates it holds, or why it is
/// unusable.
pub fn check_ca(pem: &[u8]) -> Result<usize, String> {
    certificates(pem).map(|c| c.len())
}

/// GET `url`, with the `Authorization` header when given, following at most `max_redirects` redirects with the
/// header resent (never from HTTPS to HTTP: the header holds the password). Returns the final URL, status and
/// headers; `protocol` makes the error for an answer Passport does not give. Each exchange is recorded in
/// `transcript`, when given.
async fn get_following(
    http: &reqwest::Client,
    url: &str,
    authorization: Option<&str>,
    max_redirects: usize,
    protocol: fn(String) -> PassportError,
    mut transcript: Option<&mut Transcript>,
) -> Result<(String, StatusCode, HeaderMap), PassportError> {
    let mut url = url.to_string();
    for _ in 0..=max_redirects {
        let mut request = http.get(&url);
        if let Some(authorization) = authorization {
            request = request.header(AUTHORIZATION, authorization);
        }
        let request = request.build().map_err(|e| PassportError::Unreachable(describe(&url, &e)))?;
        let recorded = transcript.is_some().then(|| record::request(&request));
        let response = http.execute(request).await.map_err(|e| PassportError::Unreachable(describe(&url, &e)))?;
        let (status, headers) = (response.status(), response.headers().clone());
        if let (Some(transcript), Some(request)) = (transcript.as_deref_mut(), recorded) {
            transcript.http(&request, Some(&record::response(response).await));
        }
        if !(status.is_redirection() && status != StatusCode::NOT_MODIFIED && status != StatusCode::MULTIPLE_CHOICES) {
            return Ok((url, status, headers));
        }
        let next = redirect_target(&url, &headers).map_err(protocol)?;
        if is_https(&url) && !is_https(&next) {
            return Err(protocol(format!("{url} redirected from HTTPS to `{next}`; the password is not sent there")));
        }
        url = next;
    }
    Err(protocol(format!("{url}: more than {max_redirects} redirects")))
}

/// The error with its causes (reqwest's own message names only the request).
pub(super) fn describe(url: &str, error: &reqwest::Error) -> String {
    let mut text = format!("{url}: {error}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// The login server's URL, from the nexus's `PassportURLs` header; follows at most `max_redirects` redirects of
/// the nexus itself.
pub async fn login_url(
    http: &reqwest::Client,
    nexus: &str,
    max_redirects: usize,
    transcript: Option<&mut Transcript>,
) -> Result<String, PassportError> {
    let (url, status, headers) =
        get_following(http, nexus, None, max_redirects, PassportError::Nexus, transcript).await?;
    if !status.is_success() {
        return Err(PassportError::Nexus(format!("{url} answered {status}")));
    }
    let login = header(&headers, "passporturls")
        .and_then(|urls| passport_login_url(&urls))
        .ok_or_else(|| PassportError::Nexus(format!("{url} gave no DALogin in a PassportURLs header")))?;
    // The password goes to the login server: a nexus reached over HTTPS may not send it over cleartext. Over
    // HTTP the user chose cleartext by naming that nexus (a local test server, for example).
    if is_https(nexus) && !is_https(&login) {
        return Err(PassportError::Nexus(format!(
            "{url} names the login server `{login}`, which is not HTTPS; the password is not sent there"
        )));
    }
    Ok(login)
}

/// Whether `url` uses HTTPS (the scheme compared without regard to case).
fn is_https(url: &str) -> bool {
    url.get(..8).is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
}

/// Where a redirect from `url` points: its `Location`, resolved against `url` when relative.
fn redirect_target(url: &str, headers: &HeaderMap) -> Result<String, String> {
    let location = header(headers, "location").ok_or_else(|| format!("{url} redirected without a Location"))?;
    let base = reqwest::Url::parse(url).map_err(|e| format!("{url}: {e}"))?;
    base.join(&location).map(String::from).map_err(|e| format!("{url} redirected to `{location}`: {e}"))
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    // Header names are matched without regard to case (a proxy may write `Passporturls`).
    headers
        .iter()
        .find(|(n, _)| n.as_str().eq_ignore_ascii_case(name))
        .and_then(|(_, v)| v.to_str().ok())
        .map(String::from)
}

/// Logs in at `url` and returns the ticket; follows at most `max_redirects` redirects (`da-status=redir`). The
/// account and the password are given as `(account, password)`.
pub async fn ticket(
    http: &reqwest::Client,
    url: &str,
    (account, password): (&str, &str),
    challenge: &str,
    max_redirects: usize,
    transcript: Option<&mut Transcript>,
) -> Result<String, PassportError> {
    let authorization = passport_authorization(account, password, challenge);
    let login = PassportError::Login;
    let (url, status, headers) =
        get_following(http, url, Some(&authorization), max_redirects, login, transcript).await?;
    let headers = &headers;
    match status {
        StatusCode::OK => {
            let info = header(headers, "authentication-info").unwrap_or_default();
            passport_ticket(&info)
                .ok_or_else(|| PassportError::Login(format!("{url} answered 200 without a ticket: {info}")))
        }
        StatusCode::UNAUTHORIZED => {
            let why = header(headers, "www-authenticate")
                .and_then(|v| {
                    let fields = passport_fields(&v)?;
                    fields.into_iter().find(|(k, _)| k == "da-status").map(|(_, s)| s)
                })
                .unwrap_or_else(|| "failed".into());
            Err(PassportError::Refused(format!("{url} refused the login (da-status={why})")))
        }
        other => Err(PassportError::Login(format!("{url} answered {other}"))),
    }
}
