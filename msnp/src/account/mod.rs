//! What the client and the server share about an account, apart from any connection.
//!
//! - [`abservice`]: the address book and sharing services' documents (MSNP13 and later) and the initial ADL list;
//! - [`auth`]: the MD5 login digest, challenge answers and Passport 1.4 strings;
//! - [`contacts`]: the contact-list model a synchronisation delivers;
//! - [`list_counter`]: when a numbered series of list lines is complete, whatever its counters say;
//! - [`sso`]: single sign-on (MSNP15 on): the `MBI_KEY_OLD` response and the login server's RST documents.

pub mod abservice;
pub mod auth;
pub mod contacts;
pub mod list_counter;
pub mod sso;
