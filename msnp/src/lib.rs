//! msnp: the MSN Messenger protocol (MSNP), generated from a declarative spec.
//!
//! The spec (`spec/*.toml`, one file per protocol version) is turned into Rust by `msnp-codegen` when this
//! crate builds. What it generates lives in [`generated`]; the hand-written runtime around it is in layers,
//! each using only the ones above it:
//!
//! - [`wire`]: bytes, framing into command lines and payloads, raw commands, friendly-name encoding, and (feature
//!   `net`) the tokio codec and connections;
//! - [`spec`]: the spec's tables, value checks, comparison between versions, and (feature `runtime-spec`) the same
//!   tables built from a spec directory at run time;
//! - [`typed`]: matching a raw command to a form, messages by form and argument name, the typed layer's runtime;
//! - [`validate`]: reading transcripts, checking them line by line and in session, XML payloads, rendering
//!   diagnostics;
//! - [`account`]: login arithmetic (single sign-on's included), the contact-list model and list counting, shared by
//!   the client and the server;
//! - `client` (feature `client`): logging in, synchronising, presence;
//! - `server` (feature `server`): the embedded reference server.
//!
//! The modules most code names are also re-exported at the root under their short names: [`frame`], [`raw`],
//! [`text`], [`value`], [`compare`], [`matcher`], [`message`], [`transcript`], [`xml`], [`abservice`], [`auth`],
//! [`contacts`], [`list_counter`], [`sso`], and `net` and `runtime` with their features.
//!
//! # What a library user does
//!
//! Read and write a line by form and argument name (the spec decides where each argument goes; the same code
//! works in every version that has the form):
//!
//! ```
#![doc = include_str!("../examples/parse_and_write.rs")]
//! ```
//!
//! Validate a transcript from a string:
//!
//! ```
#![doc = include_str!("../examples/validate_transcript.rs")]
//! ```
//!
//! Log in and dump a contact list against the embedded server (features `client` and `server`):
//!
#![cfg_attr(all(feature = "client", feature = "server"), doc = "```")]
#![cfg_attr(not(all(feature = "client", feature = "server")), doc = "```ignore")]
#![doc = include_str!("../examples/login_dump.rs")]
//! ```
//!
//! The same three are in `examples/` (`cargo run -p msnp --example parse_and_write`, `validate_transcript`,
//! and `login_dump --features client,server`).

pub mod account;
#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "server")]
pub mod server;
pub mod spec;
pub mod typed;
pub mod validate;
pub mod wire;

// The modules by the paths users have always written; each lives in the layer above.
#[doc(no_inline)]
pub use account::{abservice, auth, contacts, list_counter, sso};
#[doc(no_inline)]
#[cfg(feature = "runtime-spec")]
pub use spec::runtime;
#[doc(no_inline)]
pub use spec::{compare, value};
#[doc(no_inline)]
pub use typed::{matcher, message};
#[doc(no_inline)]
pub use validate::{transcript, xml};
#[doc(no_inline)]
#[cfg(feature = "net")]
pub use wire::net;
#[doc(no_inline)]
pub use wire::{frame, raw, text};

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
