//! The wire: bytes as they travel, before any spec is applied.
//!
//! - [`frame`]: sans-IO framing of a byte stream into command lines and payloads, with limits;
//! - [`raw`]: zero-copy raw commands, which round-trip byte for byte whether or not the spec knows them;
//! - [`text`]: friendly names and group names, percent-encoded on the wire and plain text for people;
//! - `net` (feature `net`): the tokio codec, connections with timeouts, transcripts of sessions;
//! - `http` (feature `net`): HTTP exchanges as transcripts record them, secrets redacted.

pub(crate) mod bytes;
pub mod frame;
#[cfg(feature = "net")]
pub mod http;
#[cfg(feature = "net")]
pub mod net;
pub mod raw;
pub mod text;
