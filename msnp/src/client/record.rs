//! HTTP exchanges of the client as its transcript records them: a `reqwest` request and response turned into the
//! wire layer's [`HttpRequest`] and [`HttpResponse`], for [`Transcript::http`](crate::wire::net::Transcript::http).
//! Every web service the client calls (Passport 1.4 here) records its exchanges through these two functions:
//!
//! ```text
//! let request = http.get(url).header(...).build()?;
//! let recorded = transcript.is_some().then(|| record::request(&request));
//! let response = http.execute(request).await?;
//! let (status, headers) = (response.status(), response.headers().clone());   // what the caller needs
//! if let (Some(t), Some(r)) = (transcript, recorded) { t.http(&r, Some(&record::response(response).await)); }
//! ```

use crate::wire::http::{HttpRequest, HttpResponse, MAX_RECORDED_BODY};

/// `request` as the transcript records it, before it is sent: its headers (with the client's `User-Agent`) and its
/// body, when it is held in memory (a SOAP envelope is).
pub(crate) fn request(request: &reqwest::Request) -> HttpRequest {
    let mut headers = vec![("User-Agent".to_string(), "MSMSGS".to_string())];
    let sent = request.headers().iter();
    headers.extend(sent.map(|(n, v)| (header_name(n.as_str()), String::from_utf8_lossy(v.as_bytes()).into_owned())));
    let body = request.body().and_then(|b| b.as_bytes()).map(<[u8]>::to_vec).unwrap_or_default();
    HttpRequest { method: request.method().to_string(), url: request.url().to_string(), headers, body }
}

/// `response` as the transcript records it; the body is read (up to the recorded limit), so the response is used up:
/// take what the caller needs from it first.
pub(crate) async fn response(mut response: reqwest::Response) -> HttpResponse {
    let status = response.status();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (header_name(n.as_str()), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_RECORDED_BODY {
            break;
        }
    }
    HttpResponse { status: status.as_u16(), reason: status.canonical_reason().unwrap_or("").to_string(), headers, body }
}

/// A response whose status, headers and body the caller has already read (as the single sign-on and address-book
/// calls do, within their own limits), as the transcript records it.
pub(crate) fn response_read(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &[u8],
) -> HttpResponse {
    let headers = headers
        .iter()
        .map(|(n, v)| (header_name(n.as_str()), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let body = body[..body.len().min(MAX_RECORDED_BODY + 1)].to_vec();
    HttpResponse { status: status.as_u16(), reason: status.canonical_reason().unwrap_or("").to_string(), headers, body }
}

/// A header name as people write it (`passporturls` is `Passporturls`; HTTP/1 libraries lowercase them): each word
/// capitalised, except names the protocol spells otherwise.
fn header_name(name: &str) -> String {
    if name.eq_ignore_ascii_case("passporturls") {
        return "PassportURLs".to_string();
    }
    if name.eq_ignore_ascii_case("www-authenticate") {
        return "WWW-Authenticate".to_string();
    }
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("-")
}
