//! Passport 1.4 for `USR TWN`: ask the nexus for the login server, then send the account, the password and the
//! notification server's challenge string in the `Authorization` header; a 302 with `da-status=redir` sends the
//! same header to the new address, a 200 carries the ticket, a 401 is a refused login.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderMap};

use crate::auth::{passport_authorization, passport_fields, passport_login_url, passport_ticket};

/// Why Passport 1.4 failed, and at which step.
#[derive(Debug)]
pub enum PassportError {
    /// The nexus could not be reached or gave no login server.
    Nexus(String),
    /// The login server refused the account or the password (401).
    Refused(String),
    /// The login server could not be reached, or answered in a way Passport 1.4 does not.
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
        let certificate = reqwest::Certificate::from_pem(pem).map_err(|e| format!("the CA file: {e}"))?;
        builder = builder.add_root_certificate(certificate);
    }
    builder.build().map_err(|e| e.to_string())
}

/// The login server's URL, from the nexus's `PassportURLs` header; follows at most `max_redirects` redirects of
/// the nexus itself.
pub async fn login_url(http: &reqwest::Client, nexus: &str, max_redirects: usize) -> Result<String, PassportError> {
    let mut url = nexus.to_string();
    for _ in 0..=max_redirects {
        let response = http.get(&url).send().await.map_err(|e| PassportError::Nexus(format!("{url}: {e}")))?;
        if response.status().is_redirection() {
            url = redirect_target(&url, response.headers()).map_err(PassportError::Nexus)?;
            continue;
        }
        if !response.status().is_success() {
            return Err(PassportError::Nexus(format!("{url} answered {}", response.status())));
        }
        return header(response.headers(), "passporturls")
            .and_then(|urls| passport_login_url(&urls))
            .ok_or_else(|| PassportError::Nexus(format!("{url} gave no DALogin in a PassportURLs header")));
    }
    Err(PassportError::Nexus(format!("{nexus}: more than {max_redirects} redirects")))
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

/// Logs in at `url` and returns the ticket; follows at most `max_redirects` redirects.
pub async fn ticket(
    http: &reqwest::Client,
    url: &str,
    account: &str,
    password: &str,
    challenge: &str,
    max_redirects: usize,
) -> Result<String, PassportError> {
    let authorization = passport_authorization(account, password, challenge);
    let mut url = url.to_string();
    for _ in 0..=max_redirects {
        let response = http
            .get(&url)
            .header(AUTHORIZATION, &authorization)
            .send()
            .await
            .map_err(|e| PassportError::Login(format!("{url}: {e}")))?;
        let status = response.status();
        let headers = response.headers().clone();
        match status {
            StatusCode::OK => {
                let info = header(&headers, "authentication-info").unwrap_or_default();
                return passport_ticket(&info)
                    .ok_or_else(|| PassportError::Login(format!("{url} answered 200 without a ticket: {info}")));
            }
            StatusCode::FOUND
            | StatusCode::MOVED_PERMANENTLY
            | StatusCode::SEE_OTHER
            | StatusCode::TEMPORARY_REDIRECT => {
                url = redirect_target(&url, &headers).map_err(PassportError::Login)?;
            }
            StatusCode::UNAUTHORIZED => {
                let why = header(&headers, "www-authenticate")
                    .and_then(|v| {
                        let fields = passport_fields(&v)?;
                        fields.into_iter().find(|(k, _)| k == "da-status").map(|(_, s)| s)
                    })
                    .unwrap_or_else(|| "failed".into());
                return Err(PassportError::Refused(format!("{url} refused the login (da-status={why})")));
            }
            other => return Err(PassportError::Login(format!("{url} answered {other}"))),
        }
    }
    Err(PassportError::Login(format!("more than {max_redirects} redirects")))
}
