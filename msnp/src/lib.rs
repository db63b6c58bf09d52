//! msnp: the MSN Messenger protocol (MSNP), generated from a declarative spec.
//!
//! The spec (`spec/*.toml`, one file per protocol version) is turned into Rust by `msnp-codegen` when this
//! crate builds. What it generates lives in [`generated`]; the hand-written runtime it calls is small:
//!
//! - [`auth`]: the MD5 login digest, challenge answers and Passport 1.4 strings;
//! - [`compare`]: what changes between versions, and the history of a command;
//! - [`frame`]: sans-IO framing of a byte stream into command lines and payloads, with limits;
//! - [`raw`]: zero-copy raw commands, which round-trip byte for byte whether or not the spec knows them;
//! - [`message`]: messages by form and argument name, for code that speaks many versions;
//! - [`matcher`] and [`typed`]: matching a raw command to a form of the spec, and the typed layer's runtime;
//! - [`spec`] and [`value`]: the spec's tables and value checks at run time;
//! - [`text`]: friendly names and group names, percent-encoded on the wire and plain text for people;
//! - [`transcript`] and [`validate`]: reading transcripts in the wiki's notation and validating them;
//! - [`xml`]: checks of XML payloads;
//! - `net` (feature `net`): the tokio codec, connections with timeouts, transcripts of sessions;
//! - [`contacts`]: the contact-list model a synchronisation delivers;
//! - [`list_counter`]: when a numbered series of list lines is complete, whatever its counters say;
//! - `client` (feature `client`): logging in, synchronising, presence;
//! - `server` (feature `server`): the embedded reference server;
//! - `runtime` (feature `runtime-spec`): the same tables built from a spec directory at run time.

pub mod auth;
mod bytes;
#[cfg(feature = "client")]
pub mod client;
pub mod compare;
pub mod contacts;
pub mod frame;
pub mod list_counter;
pub mod matcher;
pub mod message;
#[cfg(feature = "net")]
pub mod net;
pub mod raw;
#[cfg(feature = "runtime-spec")]
pub mod runtime;
#[cfg(feature = "server")]
pub mod server;
pub mod spec;
pub mod text;
pub mod transcript;
pub mod typed;
pub mod validate;
pub mod value;
pub mod xml;

/// Code generated from `spec/` by `msnp-codegen`: the [`generated::Version`] enum, the spec tables (every
/// distinct form and command once, each version's table referring to them), one struct per command shape
/// ([`generated::shapes`], implementing [`typed::Typed`]) and the [`generated::Message`] enum over them.
///
/// There is one typed layer, and it is per shape: a shape is a distinct syntax, and its struct is shared by every
/// version and form that uses it. Which shapes a line may take is the version's to decide, and it decides at run
/// time through its tables: [`generated::Message::parse`] selects the form of the line in the version's table,
/// then reads the line as the form's shape, so there is no enum per version and direction. Code that speaks many
/// versions (the client, the server, the validator) uses the by-name layer, [`message`], instead: forms and
/// arguments named by the constants of [`generated::forms`], placed by the connection's version.
pub mod generated {
    include!(concat!(env!("OUT_DIR"), "/spec.rs"));
}

pub use generated::{Message, SPEC, Version};
