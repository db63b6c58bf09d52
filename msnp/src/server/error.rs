//! What ends a session of the embedded server other than the protocol's own ending, for the caller of
//! [`super::Sessions::serve`] to log or count.

use std::time::Duration;

use crate::typed::ParseError;
use crate::typed::message::ComposeError;
use crate::wire::net::NetError;
use crate::wire::text::visible;

/// What ended a session, when it was neither the client signing out nor the server closing the connection as the
/// protocol has it (after a referral, or after refusing the version, the sign-in or the challenge answer).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The client closed the connection.
    #[error("the client closed the connection")]
    Closed,
    /// Reading from or writing to the connection failed.
    #[error("the connection failed: {0}")]
    Io(#[source] std::io::Error),
    /// The client sent what cannot be framed: a line or a payload over the limits, a line that is not UTF-8.
    #[error("the client sent an unreadable frame: {0}")]
    Frame(#[source] NetError),
    /// A deadline passed: for signing in, for a frame under way, between two commands, or for a write.
    #[error("{what} took longer than {limit:?}")]
    Timeout {
        /// What was waited for.
        what: &'static str,
        /// The limit that passed.
        limit: Duration,
    },
    /// The client's first command was not VER.
    #[error("the client sent `{}` before VER", visible(.command))]
    NoVersion {
        /// The command it sent instead.
        command: String,
    },
    /// A line the session must act on cannot be read: a malformed VER, a TrID or an argument missing.
    #[error("the client sent a line the session cannot act on: {0}")]
    Protocol(#[from] ParseError),
    /// The server could not write a reply in the session's version (a defect of the server).
    #[error("the server could not write its reply: {0}")]
    Compose(#[from] ComposeError),
}

impl From<NetError> for SessionError {
    fn from(error: NetError) -> Self {
        match error {
            NetError::Closed => SessionError::Closed,
            NetError::Io(error) => SessionError::Io(error),
            NetError::Timeout(limit) => SessionError::Timeout { what: "a write", limit },
            error @ (NetError::Frame(_) | NetError::NotUtf8) => SessionError::Frame(error),
        }
    }
}
