//! Connections, shared by the client and the server: a tokio codec over the framing layer, a connection with a
//! timeout on every read, and a recorder that writes a session in the transcript notation, secrets redacted.
//!
//! ```text
//! socket bytes --Codec (Framer + the version's payload rule)--> Frame --Incoming::parse--> form and arguments
//! Outgoing --write (checked against the form)--> bytes --Codec--> socket
//! ```

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use bytes::{Buf, BytesMut};
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::codec::{Decoder, Encoder, Framed};

use crate::spec::{Dir, VersionDef};
use crate::wire::frame::{FrameError, Framer, Limits, VersionRule};
pub use crate::wire::http::{HttpRequest, HttpResponse};

/// One command line and its payload, as received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// The command line, without its line end.
    pub line: String,
    /// The payload (empty when none).
    pub payload: Vec<u8>,
}

/// Why a connection failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NetError {
    /// The socket failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The peer sent what cannot be framed (a line or payload over the limits).
    #[error("{0}")]
    Frame(#[from] FrameError),
    /// A command line is not UTF-8.
    #[error("the peer sent a line that is not UTF-8")]
    NotUtf8,
    /// The peer closed the connection.
    #[error("the peer closed the connection")]
    Closed,
    /// Nothing arrived in time.
    #[error("nothing arrived within {0:?}")]
    Timeout(Duration),
}

/// The tokio codec: frames a byte stream with [`Framer`] and the spec's payload rule for the connection's version
/// and the peer's direction, and writes byte strings as they are (messages are written by
/// [`crate::typed::message::Outgoing`]).
#[derive(Debug)]
pub struct Codec {
    framer: Framer<VersionRule>,
}

impl Codec {
    /// A codec reading what `peer` sends on a connection speaking `version`.
    pub fn new(version: &'static VersionDef, peer: Dir, limits: Limits) -> Self {
        Codec { framer: Framer::new(limits, VersionRule { version, dir: peer }) }
    }

    /// Switches to `version`'s payload rule, once it is negotiated.
    pub fn set_version(&mut self, version: &'static VersionDef) {
        let dir = self.framer.rule().dir;
        self.framer.set_rule(VersionRule { version, dir });
    }
}

impl Decoder for Codec {
    type Item = Frame;
    type Error = NetError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Frame>, NetError> {
        let Some(frame) = self.framer.decode(src)? else {
            if let Some(needed) = self.framer.needed(src.len()) {
                src.reserve(needed);
            }
            return Ok(None);
        };
        let line = std::str::from_utf8(&src[frame.line.clone()]).map_err(|_| NetError::NotUtf8)?.to_string();
        let payload = src[frame.payload.clone()].to_vec();
        src.advance(frame.consumed);
        Ok(Some(Frame { line, payload }))
    }
}

impl Encoder<Vec<u8>> for Codec {
    type Error = NetError;

    fn encode(&mut self, item: Vec<u8>, dst: &mut BytesMut) -> Result<(), NetError> {
        dst.extend_from_slice(&item);
        Ok(())
    }
}

/// A byte stream a connection can run over: a TCP connection, or anything else that reads and writes (an
/// in-memory pipe in tests, a fuzzer playing the peer).
pub trait Transport: AsyncRead + AsyncWrite + Unpin + Send {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send> Transport for T {}

/// A boxed [`Transport`], so that the client and the server run over any of them with one type.
pub type Stream = Box<dyn Transport>;

/// A framed connection with a timeout on every read.
#[derive(Debug)]
pub struct Connection<S> {
    framed: Framed<S, Codec>,
    timeout: Duration,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Connection<S> {
    /// Frames `stream`, whose peer sends as `peer`, for `version`.
    pub fn new(stream: S, version: &'static VersionDef, peer: Dir, limits: Limits, timeout: Duration) -> Self {
        Connection { framed: Framed::new(stream, Codec::new(version, peer, limits)), timeout }
    }

    /// Switches to `version`'s payload rule.
    pub fn set_version(&mut self, version: &'static VersionDef) {
        self.framed.codec_mut().set_version(version);
    }

    /// Sends bytes (one or more whole messages).
    pub async fn send(&mut self, bytes: Vec<u8>) -> Result<(), NetError> {
        tokio::time::timeout(self.timeout, self.framed.send(bytes))
            .await
            .map_err(|_| NetError::Timeout(self.timeout))?
    }

    /// The next frame, waiting at most the connection's timeout.
    pub async fn recv(&mut self) -> Result<Frame, NetError> {
        self.recv_within(self.timeout).await
    }

    /// The next frame, waiting at most `wait`.
    pub async fn recv_within(&mut self, wait: Duration) -> Result<Frame, NetError> {
        match tokio::time::timeout(wait, self.framed.next()).await {
            Err(_) => Err(NetError::Timeout(wait)),
            Ok(None) => Err(NetError::Closed),
            Ok(Some(frame)) => frame,
        }
    }

    /// Whether part of a frame has arrived and the rest not yet (a line without its end, or a payload short of its
    /// announced length): a server bounds how long that may last.
    pub fn has_partial_frame(&self) -> bool {
        !self.framed.read_buffer().is_empty()
    }

    /// The read timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
}

/// A session written in the transcript notation (`C:`/`S:` lines, payload lines after their command, prose for
/// connection boundaries), with secrets replaced: it validates with `msnp validate` like the wiki's examples.
#[derive(Clone, Debug, Default)]
pub struct Transcript {
    text: String,
    /// Whether the recording stopped at [`MAX_TRANSCRIPT`].
    full: bool,
    /// The address of the connection open now, which an HTTP exchange interrupts.
    open: Option<String>,
}

/// The longest transcript recorded (a session watched for days stops being recorded, with a note, at this size).
pub const MAX_TRANSCRIPT: usize = 16 << 20;

/// How a recorded line's secrets are hidden.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Redact<'s> {
    /// Nothing to hide.
    None,
    /// The token equal to the secret becomes the placeholder `$name` (which matches any argument).
    Token(&'s str, &'static str),
    /// The same for several secrets: each token equal to one of them becomes its placeholder.
    Tokens(&'s [(&'s str, &'static str)]),
    /// The payload's MIME header values named here are replaced, byte for byte, with `x`: lengths stay exact.
    Headers(&'static [&'static str]),
}

impl Transcript {
    /// An empty transcript.
    pub fn new() -> Self {
        Transcript::default()
    }

    /// Notes that the client opened a connection to `address`.
    pub fn open(&mut self, address: &str) {
        self.prose(&format!("Client opens a connection to {address}."));
        self.open = Some(address.to_string());
    }

    /// Notes that the connection closed (`by_client`: the client disconnected).
    pub fn close(&mut self, by_client: bool) {
        self.prose(if by_client { "Client disconnects from server." } else { "Server disconnects client." });
        self.open = None;
    }

    /// Records an HTTP exchange the client made beside its connection (Passport 1.4, RST, the address-book
    /// services): "Client sends an HTTP request to URL.", the request as `C: ` lines and the response (when one came)
    /// as `S: ` lines, then, when a connection is open, "Client resumes the connection to ADDRESS.". Secrets are
    /// replaced by `$name` placeholders: headers by name and field, XML bodies by element (see
    /// [`crate::wire::http`]).
    pub fn http(&mut self, request: &HttpRequest, response: Option<&HttpResponse>) {
        if !self.room() {
            return;
        }
        self.prose(&format!("Client sends an HTTP request to {}.", crate::wire::http::mask_tickets(&request.url)));
        crate::wire::http::write_exchange(&mut self.text, request, response);
        if let Some(address) = self.open.clone() {
            self.prose(&format!("Client resumes the connection to {address}."));
        }
    }

    fn prose(&mut self, text: &str) {
        if !self.room() {
            return;
        }
        if !self.text.is_empty() {
            self.text.push('\n');
        }
        self.text.push_str(text);
        self.text.push_str("\n\n");
    }

    /// Records a message sent by `dir`: `bytes` is the line with its CRLF and the payload.
    pub fn message(&mut self, dir: Dir, bytes: &[u8], redact: Redact<'_>) {
        let end = bytes.windows(2).position(|w| w == b"\r\n").unwrap_or(bytes.len());
        let line = String::from_utf8_lossy(&bytes[..end]);
        let payload = bytes.get(end + 2..).unwrap_or_default();
        self.frame(dir, &line, payload, redact);
    }

    /// Whether there is room for more; at the limit, the transcript ends with a note saying so.
    fn room(&mut self) -> bool {
        if !self.full && self.text.len() >= MAX_TRANSCRIPT {
            self.full = true;
            self.text.push_str("\nThe rest of the session is not recorded: the transcript reached its size limit.\n");
        }
        !self.full
    }

    /// Records a frame sent by `dir`.
    pub fn frame(&mut self, dir: Dir, line: &str, payload: &[u8], redact: Redact<'_>) {
        if !self.room() {
            return;
        }
        let prefix = match dir {
            Dir::Client => "C: ",
            Dir::Server => "S: ",
        };
        let single;
        let secrets: &[(&str, &str)] = match redact {
            Redact::Token(secret, placeholder) => {
                single = [(secret, placeholder)];
                &single
            }
            Redact::Tokens(secrets) => secrets,
            _ => &[],
        };
        let line = line
            .split(' ')
            .map(|t| match secrets.iter().find(|(secret, _)| !secret.is_empty() && *secret == t) {
                Some((_, placeholder)) => Cow::Owned(format!("${placeholder}")),
                None => Cow::Borrowed(t),
            })
            .collect::<Vec<_>>()
            .join(" ");
        self.text.push_str(prefix);
        self.text.push_str(&line);
        self.text.push('\n');
        if payload.is_empty() {
            return;
        }
        let payload = match redact {
            Redact::Headers(names) => redact_headers(payload, names),
            _ => payload.to_vec(),
        };
        // Payload lines are shown one per line; the notation counts them with CRLF line ends.
        let text = String::from_utf8_lossy(&payload);
        let text = text.strip_suffix("\r\n").unwrap_or(&text);
        for line in text.split("\r\n") {
            self.text.push_str(line);
            self.text.push('\n');
        }
    }

    /// The transcript so far.
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Transcript {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// `payload` (MIME headers) with the values of the headers named in `names` replaced by as many `x` characters.
fn redact_headers(payload: &[u8], names: &[&str]) -> Vec<u8> {
    let mut out = payload.to_vec();
    let mut start = 0;
    while start < out.len() {
        let end = out[start..].windows(2).position(|w| w == b"\r\n").map_or(out.len(), |i| start + i);
        let line = &out[start..end];
        if let Some(colon) = line.iter().position(|&b| b == b':') {
            let name = String::from_utf8_lossy(&line[..colon]).into_owned();
            if names.iter().any(|n| n.eq_ignore_ascii_case(name.trim())) {
                let value_start = start + colon + 1 + usize::from(line.get(colon + 1) == Some(&b' '));
                for b in &mut out[value_start..end] {
                    *b = b'x';
                }
            }
        }
        start = end + 2;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Codec, Redact, Transcript};
    use crate::spec::Dir;
    use crate::wire::frame::Limits;
    use bytes::BytesMut;
    use tokio_util::codec::Decoder;

    #[test]
    fn decodes_frames_split_anywhere() {
        let msnp8 = crate::SPEC.version("MSNP8").unwrap();
        let input = b"VER 1 MSNP8\r\nMSG Hotmail Hotmail 5\r\nhelloCHG 2 NLN 0\r\n";
        for split in 0..input.len() {
            let mut codec = Codec::new(msnp8, Dir::Server, Limits::default());
            let mut buf = BytesMut::new();
            let mut frames = Vec::new();
            for chunk in [&input[..split], &input[split..]] {
                buf.extend_from_slice(chunk);
                while let Some(frame) = codec.decode(&mut buf).unwrap() {
                    frames.push((frame.line, frame.payload));
                }
            }
            assert_eq!(
                frames,
                [
                    ("VER 1 MSNP8".to_string(), vec![]),
                    ("MSG Hotmail Hotmail 5".to_string(), b"hello".to_vec()),
                    ("CHG 2 NLN 0".to_string(), vec![])
                ],
                "split at {split}"
            );
        }
    }

    #[test]
    fn refuses_a_payload_over_the_limit_before_reading_it() {
        let msnp8 = crate::SPEC.version("MSNP8").unwrap();
        let mut codec = Codec::new(msnp8, Dir::Server, Limits { max_line: 1024, max_payload: 1024 });
        let mut buf = BytesMut::from(&b"MSG Hotmail Hotmail 1073741824\r\n"[..]);
        assert!(codec.decode(&mut buf).is_err());
        assert!(buf.capacity() < 1 << 20, "nothing was reserved for the payload");
    }

    #[test]
    fn records_with_secrets_hidden() {
        let mut t = Transcript::new();
        t.open("127.0.0.1:1863");
        let digest = "6f3963009fc8a9d2b2ff137da0905c55";
        t.message(
            Dir::Client,
            format!("USR 4 MD5 S {digest}\r\n").as_bytes(),
            Redact::Token(digest, "md5(salt + password)"),
        );
        t.message(Dir::Server, b"MSG Hotmail Hotmail 22\r\nMSPAuth: secret\r\nX: 1\r\n", Redact::Headers(&["MSPAuth"]));
        t.message(
            Dir::Client,
            b"USR 5 SSO S t=1&p=2 HAAA= {guid}\r\n",
            Redact::Tokens(&[("t=1&p=2", "ticket"), ("HAAA=", "response")]),
        );
        t.close(true);
        assert_eq!(
            t.text(),
            "Client opens a connection to 127.0.0.1:1863.\n\nC: USR 4 MD5 S $md5(salt + password)\nS: MSG Hotmail Hotmail 22\nMSPAuth: xxxxxx\nX: 1\nC: USR 5 SSO S $ticket $response {guid}\n\nClient disconnects from server.\n\n"
        );
    }
}
