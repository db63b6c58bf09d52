//! What the client and the server share about an account, apart from any connection.
//!
//! - [`abservice`]: the address book and sharing services' documents (MSNP13 and later) and the initial ADL list;
//! - [`auth`]: the MD5 login digest, challenge answers and Passport 1.4 strings;
//! - [`contacts`]: the contact-list model a synchronisation delivers;
//! - [`list_counter`]: when a numbered series of list lines is complete, whatever its counters say.

pub mod abservice;
pub mod auth;
pub mod contacts;
pub mod list_counter;
