//! The embedded server's accounts file: TOML, one `[[account]]` table per account with its password, settings,
//! properties, groups and contacts.
//!
//! ```toml
//! [[account]]
//! handle = "alice@example.com"
//! password = "alice-password"
//! friendly_name = "Alice"                   # plain text, or URL-encoded as on the wire
//! gtc = "A"                                  # optional, default A
//! blp = "AL"                                 # optional, default AL
//! properties = { PHH = "555%200101" }        # optional
//! groups = [{ id = "0", name = "Friends" }]  # optional
//! contacts = [                               # optional
//!   { handle = "bob@example.com", friendly_name = "Bob", lists = ["FL", "AL", "RL"], groups = ["0"] },
//! ]
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::account::contacts::{AccountInfo, Contact, ContactList, Group};

/// Every account the server knows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Accounts {
    /// The accounts, in file order.
    pub accounts: Vec<Account>,
}

/// One account: its password and its contact list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// The password, as given.
    pub password: String,
    /// What a client synchronising as this account receives.
    pub list: ContactList,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    account: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    handle: String,
    password: String,
    friendly_name: Option<String>,
    gtc: Option<String>,
    blp: Option<String>,
    #[serde(default)]
    properties: BTreeMap<String, String>,
    #[serde(default)]
    groups: Vec<Group>,
    #[serde(default)]
    contacts: Vec<Contact>,
}

/// Why an accounts file cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AccountsError {
    /// The file cannot be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The TOML is malformed or has unknown keys.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// The parser's message, with the line.
        message: String,
    },
    /// The accounts are inconsistent.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl Accounts {
    /// Reads an accounts file.
    pub fn load(path: &Path) -> Result<Accounts, AccountsError> {
        let name = path.display().to_string();
        let text =
            std::fs::read_to_string(path).map_err(|source| AccountsError::Read { path: name.clone(), source })?;
        Accounts::parse(&text, &name)
    }

    /// Parses accounts from TOML; `name` names the source in errors.
    pub fn parse(text: &str, name: &str) -> Result<Accounts, AccountsError> {
        let file: File = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start].matches('\n').count() + 1);
            let message = match line {
                Some(line) => format!("line {line}: {}", e.message()),
                None => e.message().to_string(),
            };
            AccountsError::Parse { path: name.to_string(), message }
        })?;
        let invalid = |message: String| AccountsError::Invalid { path: name.to_string(), message };
        let mut accounts = Vec::new();
        for entry in file.account {
            if crate::spec::value::Check::Handle.check(&entry.handle).is_err() {
                return Err(invalid(format!("`{}` is not an account handle", entry.handle)));
            }
            if accounts.iter().any(|a: &Account| a.list.account.handle == entry.handle) {
                return Err(invalid(format!("account `{}` is listed twice", entry.handle)));
            }
            for contact in &entry.contacts {
                for group in &contact.groups {
                    if !entry.groups.iter().any(|g| &g.id == group) {
                        return Err(invalid(format!(
                            "`{}`: contact `{}` is in group `{group}`, which the account does not have",
                            entry.handle, contact.handle
                        )));
                    }
                }
            }
            // Names may be given as plain text or in their wire form; the model holds plain text.
            let mut groups = entry.groups;
            for group in &mut groups {
                group.name = crate::wire::text::from_either(&group.name);
            }
            let mut contacts = entry.contacts;
            for contact in &mut contacts {
                contact.friendly_name = crate::wire::text::from_either(&contact.friendly_name);
            }
            accounts.push(Account {
                password: entry.password,
                list: ContactList {
                    account: AccountInfo {
                        friendly_name: crate::wire::text::from_either(
                            entry.friendly_name.as_deref().unwrap_or(&entry.handle),
                        ),
                        handle: entry.handle,
                        gtc: Some(entry.gtc.unwrap_or_else(|| "A".into())),
                        blp: Some(entry.blp.unwrap_or_else(|| "AL".into())),
                        properties: entry.properties,
                    },
                    groups,
                    contacts,
                },
            });
        }
        Ok(Accounts { accounts })
    }

    /// The account with `handle`.
    pub fn get(&self, handle: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.list.account.handle.eq_ignore_ascii_case(handle))
    }

    /// Three accounts that know each other, for `msnp demo` and the tests: alice has two groups and a blocked
    /// contact, bob blocks everyone not on his allow list, and carol has a pending contact (on RL and PL: someone
    /// who added her and awaits her answer).
    pub fn demo() -> Accounts {
        let text = r#"
[[account]]
handle = "alice@example.com"
password = "alice-password"
friendly_name = "Alice"
gtc = "A"
blp = "AL"
properties = { PHH = "555%200101", MOB = "Y" }
groups = [{ id = "0", name = "Friends" }, { id = "1", name = "Work Mates" }]
contacts = [
  { handle = "bob@example.com", friendly_name = "Bob", lists = ["FL", "AL", "RL"], groups = ["0"], properties = { PHH = "555%200102" } },
  { handle = "carol@example.com", friendly_name = "Carol%20C.", lists = ["FL", "AL", "RL"], groups = ["0", "1"] },
  { handle = "mallory@example.com", friendly_name = "Mallory", lists = ["BL", "RL"] },
]

[[account]]
handle = "bob@example.com"
password = "bob-password"
friendly_name = "Bob"
gtc = "N"
blp = "BL"
groups = [{ id = "0", name = "Other%20Contacts" }]
contacts = [
  { handle = "alice@example.com", friendly_name = "Alice", lists = ["FL", "AL", "RL"], groups = ["0"] },
]

[[account]]
handle = "carol@example.com"
password = "carol-password"
friendly_name = "Carol C."
contacts = [
  { handle = "alice@example.com", friendly_name = "Alice", lists = ["FL", "AL", "RL"] },
  { handle = "dave@example.com", friendly_name = "Dave", lists = ["RL", "PL"] },
]
"#;
        // The demo accounts are written above and checked by the tests; they always parse.
        Accounts::parse(text, "demo accounts").unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::{Accounts, AccountsError};

    #[test]
    fn the_demo_accounts_parse() {
        let demo = Accounts::demo();
        assert_eq!(demo.accounts.len(), 3);
        let alice = demo.get("alice@example.com").unwrap();
        assert_eq!(alice.list.contacts.len(), 3);
        // Names are held as plain text, whichever form the file gives.
        assert_eq!(alice.list.groups[1].name, "Work Mates");
        assert_eq!(alice.list.contacts[1].friendly_name, "Carol C.");
        assert_eq!(demo.get("carol@example.com").unwrap().list.account.friendly_name, "Carol C.");
        assert_eq!(demo.get("carol@example.com").unwrap().list.on(crate::account::contacts::List::PL).count(), 1);
    }

    #[test]
    fn bad_files_are_reported_with_where_and_why() {
        let err = Accounts::parse("[[account]]\nhandle = \"a@b.c\"\n", "x.toml").unwrap_err();
        assert!(matches!(err, AccountsError::Parse { .. }), "{err}");
        assert!(err.to_string().contains("password"), "{err}");
        let err = Accounts::parse("[[account]]\nhandle = \"nope\"\npassword = \"p\"\n", "x.toml").unwrap_err();
        assert!(err.to_string().contains("is not an account handle"), "{err}");
        let text = "[[account]]\nhandle = \"a@b.c\"\npassword = \"p\"\ncontacts = [{ handle = \"b@b.c\", friendly_name = \"B\", lists = [\"FL\"], groups = [\"7\"] }]\n";
        let err = Accounts::parse(text, "x.toml").unwrap_err();
        assert!(err.to_string().contains("group `7`"), "{err}");
        let err =
            Accounts::parse("[[account]]\nhandle = \"a@b.c\"\npassword = \"p\"\ncolour = 1\n", "x.toml").unwrap_err();
        assert!(err.to_string().contains("line 4"), "{err}");
    }
}
