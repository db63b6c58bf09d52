//! The address-book services over HTTP (MSNP13 on): a POST of the request [`abservice::write_request`] writes, to
//! the service's path under the configured base URL, with the `SOAPAction` header and the ticket (in the request,
//! or as the `MSPAuth` cookie); the answer read within [`MAX_BODY`] bytes. HTTPS certificates are verified as for
//! Passport (with the extra CA when one is configured).
//!
//! What comes back is judged in this order: a SOAP fault, whatever the HTTP status; then a 401 or 403 (the ticket
//! refused); then any other status but success; then the document itself.

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, COOKIE};

use super::ServiceError;
use super::passport::describe;
use super::record;
use crate::account::abservice::{self, Action, MAX_BODY, SoapAuth, SoapError};
use crate::wire::net::Transcript;

/// The URL of `action`'s service under `base` (such as `https://contacts.msn.com`).
pub(super) fn url(base: &str, action: Action) -> String {
    format!("{}{}", base.trim_end_matches('/'), action.path())
}

/// Calls `action` at its service under `base` with `auth`; gives the answer's status and body.
pub(super) async fn call(
    http: &reqwest::Client,
    base: &str,
    action: Action,
    auth: &SoapAuth,
    transcript: Option<&mut Transcript>,
) -> Result<(StatusCode, Vec<u8>), ServiceError> {
    let url = url(base, action);
    let mut request = http
        .post(&url)
        .header(CONTENT_TYPE, "text/xml; charset=utf-8")
        .header("SOAPAction", action.soap_action())
        .body(abservice::write_request(action, auth));
    if let Some(cookie) = auth.cookie() {
        request = request.header(COOKIE, cookie);
    }
    let unreachable = |e: reqwest::Error| ServiceError::Unreachable(describe(&url, &e));
    let built = request.build().map_err(unreachable)?;
    let recorded = transcript.is_some().then(|| record::request(&built));
    let mut response = http.execute(built).await.map_err(unreachable)?;
    let (status, headers) = (response.status(), response.headers().clone());
    let too_large = || ServiceError::Answer(format!("{url}: {}", SoapError::TooLarge { limit: MAX_BODY }));
    if response.content_length().is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| ServiceError::Unreachable(describe(&url, &e)))? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    if let (Some(transcript), Some(request)) = (transcript, recorded) {
        transcript.http(&request, Some(&record::response_read(status, &headers, &body)));
    }
    Ok((status, body))
}

/// What an answer gives: `read` of the body, judged with the HTTP `status` (see the module's documentation).
pub(super) fn judge<T>(url: &str, status: StatusCode, read: Result<T, SoapError>) -> Result<T, ServiceError> {
    match read {
        Err(fault @ SoapError::Fault { .. }) => Err(ServiceError::Fault(format!("{url} answered {status}: {fault}"))),
        _ if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN => {
            Err(ServiceError::Refused(format!("{url} refused the ticket ({status})")))
        }
        _ if !status.is_success() => Err(ServiceError::Answer(format!("{url} answered {status}"))),
        Err(e) => Err(ServiceError::Answer(format!("{url}: {e}"))),
        Ok(value) => Ok(value),
    }
}

#[cfg(test)]
mod tests {
    use super::{ServiceError, StatusCode, judge, url};
    use crate::account::abservice::{Action, SoapError};

    #[test]
    fn a_fault_comes_first_then_the_status_then_the_document() {
        let fault = || Err::<(), _>(SoapError::Fault { code: "soap:Client".into(), text: "no".into(), detail: None });
        let malformed = || Err::<(), _>(SoapError::Malformed("x".into()));
        let u = "http://h/abservice/abservice.asmx";
        let cases = [
            (judge(u, StatusCode::OK, fault()), "Fault", "answered 200 OK: SOAP fault soap:Client: no"),
            (judge(u, StatusCode::FORBIDDEN, fault()), "Fault", "answered 403 Forbidden: SOAP fault"),
            (judge(u, StatusCode::UNAUTHORIZED, malformed()), "Refused", "refused the ticket (401 Unauthorized)"),
            (judge(u, StatusCode::BAD_GATEWAY, malformed()), "Answer", "answered 502 Bad Gateway"),
            (judge(u, StatusCode::OK, malformed()), "Answer", "not a SOAP envelope"),
        ];
        for (result, kind, text) in cases {
            let (found, why) = match result.unwrap_err() {
                ServiceError::Fault(why) => ("Fault", why),
                ServiceError::Refused(why) => ("Refused", why),
                ServiceError::Answer(why) => ("Answer", why),
                ServiceError::Unreachable(why) => ("Unreachable", why),
            };
            assert_eq!(found, kind, "{why}");
            assert!(why.starts_with(u) && why.contains(text), "{why}");
        }
        assert_eq!(judge(u, StatusCode::OK, Ok::<_, SoapError>(7)).ok(), Some(7));
        assert_eq!(url("http://h:1/", Action::FindMembership), "http://h:1/abservice/SharingService.asmx");
    }
}
