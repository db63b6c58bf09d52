//! The embedded server's Passport 1.4 endpoints, over HTTP on loopback: the nexus, which names the login server in
//! its `PassportURLs` header, and the login server, which checks the `Authorization` header and answers with a
//! ticket the notification server then accepts in `USR TWN S`. The same listener serves the single sign-on endpoint
//! (`super::rst`) and the address-book services (`super::soap`).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;

use super::State;
use crate::account::auth::passport_credentials;

/// The nexus's path.
pub const NEXUS_PATH: &str = "/rdr/pprdr.asp";
/// The login server's path.
pub const LOGIN_PATH: &str = "/login2.srf";
/// A nexus path that redirects to [`NEXUS_PATH`] (302), for clients that must follow a moved nexus.
pub const REDIRECTING_NEXUS_PATH: &str = "/redirect/rdr/pprdr.asp";
/// A login path that first redirects to [`LOGIN_PATH`], as the real service does for some accounts.
pub const REDIRECTING_LOGIN_PATH: &str = "/redirect/login2.srf";

/// Serves the endpoints on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, state: Arc<State>) {
    // The connections belong to this task, and end with it.
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let (stream, admitted) = super::next_connection(&listener, &state).await;
        while connections.try_join_next().is_some() {}
        // The login server is named by the address this client reached (the listener may be bound to every
        // interface).
        let Ok(address) = stream.local_addr() else { continue };
        let state = state.clone();
        let timeout = state.config.http_timeout;
        connections.spawn(async move {
            let service = service_fn(move |request: Request<Incoming>| {
                let state = state.clone();
                async move {
                    if request.uri().path() == super::RST_PATH {
                        return Ok::<_, Infallible>(super::rst::answer(request, &state).await);
                    }
                    // The address-book services share this listener.
                    if super::soap::serves(request.uri().path()) {
                        return Ok::<_, Infallible>(super::soap::answer(request, &state).await);
                    }
                    Ok::<_, Infallible>(answer(&request, address, &state))
                }
            });
            // A client that sends no header, or keeps the connection without end, is dropped: the header must come
            // within the timeout, and the whole connection (its keep-alive requests included) ends with it.
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(timeout)
                .serve_connection(TokioIo::new(stream), service);
            let _ = tokio::time::timeout(timeout, connection).await;
            drop(admitted);
        });
    }
}

fn response(status: StatusCode, headers: &[(&str, String)]) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status;
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) =
            (hyper::header::HeaderName::from_bytes(name.as_bytes()), hyper::header::HeaderValue::from_str(value))
        {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

fn answer(request: &Request<Incoming>, address: SocketAddr, state: &State) -> Response<Full<Bytes>> {
    let login_path = if state.config.passport_redirects { REDIRECTING_LOGIN_PATH } else { LOGIN_PATH };
    match request.uri().path() {
        NEXUS_PATH => response(
            StatusCode::OK,
            &[("PassportURLs", format!("DARealm=Passport.Net,DALogin=http://{address}{login_path},ConfigVersion=15"))],
        ),
        REDIRECTING_NEXUS_PATH => response(StatusCode::FOUND, &[("Location", NEXUS_PATH.into())]),
        REDIRECTING_LOGIN_PATH => response(
            StatusCode::FOUND,
            &[
                ("Authentication-Info", "Passport1.4 da-status=redir".into()),
                ("Location", format!("http://{address}{LOGIN_PATH}")),
            ],
        ),
        LOGIN_PATH => {
            let authorization = request.headers().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
            match passport_credentials(authorization)
                .and_then(|(account, password)| state.check_password(&account, &password).then_some(account))
            {
                Some(account) => {
                    let ticket = state.issue_ticket(&account);
                    let info = format!(
                        "Passport1.4 da-status=success,tname=MSPAuth,tname=MSPProf,tname=MSPSec,from-PP='{ticket}',ru=http://messenger.msn.com"
                    );
                    response(StatusCode::OK, &[("Authentication-Info", info)])
                }
                None => response(
                    StatusCode::UNAUTHORIZED,
                    &[("WWW-Authenticate", "Passport1.4 da-status=failed,srealm=Passport.NET,ts=-3,prompt".into())],
                ),
            }
        }
        _ => response(StatusCode::NOT_FOUND, &[]),
    }
}
