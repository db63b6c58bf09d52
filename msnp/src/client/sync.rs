//! Synchronising the contact list: SYN with list version 0 and every line of its answer, read by one of two
//! readers: [`numbered`] for MSNP2-7 (replies with the SYN's TrID, each list numbered) and [`counted`] for
//! MSNP8-12 (lines without TrID, counted by the SYN reply). MSNP13 on has no SYN: [`address_book`] fetches the
//! lists from the address-book services and sends BLP and the initial ADL list.

mod address_book;
mod counted;
mod numbered;

use super::error::{Failure, LoginError, Stage};
use super::{Client, MAX_SYN_LINES, MAX_WARNINGS, decoded};
use crate::account::contacts::{AccountInfo, ContactList};
use crate::generated::forms::*;
use crate::spec::Dir;
use crate::typed::message::{Incoming, Outgoing};
use crate::wire::net::{Frame, NetError, Redact};
use crate::wire::text::Decoded;

impl Client {
    /// Synchronises: SYN with list version 0 and every line of the answer (MSNP2 to MSNP12). MSNP13 and later keep
    /// the lists in the address-book services: FindMembership and ABFindAll at
    /// [`ClientConfig::soap_url`](super::ClientConfig::soap_url), then BLP and the initial list with ADL.
    pub async fn synchronise(&mut self) -> Result<ContactList, LoginError> {
        let mut list = ContactList {
            account: AccountInfo {
                handle: self.account.clone(),
                friendly_name: self.friendly_name.clone().unwrap_or_default(),
                ..AccountInfo::default()
            },
            ..ContactList::default()
        };
        if !Outgoing::exists(self.version, Dir::Client, syn::REQUEST) {
            return self.synchronise_services(list).await;
        }
        let deadline = self.step_deadline();
        let trid = self.next_trid();
        let syn = self
            .message(syn::REQUEST, Stage::Syn)?
            .trid(trid)
            .arg(syn::args::LIST_VERSION, 0u32)
            .maybe_arg(syn::args::SETTINGS_VERSION, 0u32);
        self.send(syn, Stage::Syn, Redact::None).await?;
        let (frame, _) = self.expect(Stage::Syn, trid, &[syn::REPLY, syn::REPLY_CURRENT]).await?;
        let received = self.read(&frame).map_err(|e| LoginError::new(Stage::Syn, Failure::Protocol(e.to_string())))?;
        let reply = received.incoming();
        let streamed = Outgoing::exists(self.version, Dir::Server, lst::IN_SYN);
        if streamed {
            let contacts: u32 = reply.get(syn::args::CONTACTS).ok().flatten().unwrap_or(0);
            let groups: u32 = reply.get(syn::args::GROUPS).ok().flatten().unwrap_or(0);
            self.read_counted(&mut list, contacts, groups, deadline).await?;
        } else {
            self.read_numbered(&mut list, trid, deadline).await?;
        }
        self.check_groups(&list);
        Ok(list)
    }

    /// The failure of a SYN step whose time ran out: what was still due, and what arrived instead.
    fn still_due(&self, error: LoginError, awaited: String) -> LoginError {
        match error.failure {
            Failure::Incomplete(_) | Failure::Network(NetError::Timeout(_)) => self.incomplete(Stage::Syn, awaited),
            _ => error,
        }
    }

    /// A line of the SYN answer that no repair can read: a list line's content is lost (and said so), anything
    /// else is skipped.
    fn cannot_read(&mut self, frame: &Frame, error: &crate::typed::ParseError, list_line: bool) {
        let note = format!("`{}`: {error}", frame.line);
        if list_line && self.lost.len() < MAX_WARNINGS {
            self.lost.push(frame.line.clone());
        }
        self.skip(note);
    }

    /// Checks that every group a contact is in was defined by the synchronisation; a group no LSG line defined
    /// is kept (the contact is in it), with a warning.
    fn check_groups(&mut self, list: &ContactList) {
        let mut warned = Vec::new();
        for contact in &list.contacts {
            for group in &contact.groups {
                if !list.groups.iter().any(|g| &g.id == group) && !warned.contains(group) {
                    warned.push(group.clone());
                    self.warn(format!(
                        "`{}` is in group `{group}`, which no LSG line of the synchronisation defined",
                        contact.handle
                    ));
                }
            }
        }
    }
}

/// Reads an account setting (GTC, BLP) or property (PRP) into `list`, in whichever form the version sends it
/// during SYN; returns whether the line was one.
fn account_setting(
    list: &mut ContactList,
    line: &Incoming<'_, '_>,
    text: &str,
    warnings: &mut Vec<String>,
) -> Result<bool, crate::typed::ParseError> {
    if line.is(gtc::REPLY) || line.is(gtc::IN_SYN) {
        list.account.gtc = line.get::<&str>(gtc::args::SETTING)?.map(str::to_string);
    } else if line.is(blp::REPLY) || line.is(blp::IN_SYN) {
        list.account.blp = line.get::<&str>(blp::args::SETTING)?.map(str::to_string);
    } else if line.is(prp::REPLY) || line.is(prp::IN_SYN) {
        let name: &str = line.require(prp::args::PROPERTY)?;
        if name == "MFN" {
            // MSNP10 on: the account's friendly name, which USR OK no longer carries.
            if let Some(value) = line.get::<Decoded>(prp::args::VALUE)? {
                list.account.friendly_name = decoded(warnings, value, text);
            }
        } else {
            let value = line.get::<&str>(prp::args::VALUE)?.unwrap_or("").to_string();
            list.account.properties.insert(name.to_string(), value);
        }
    } else {
        return Ok(false);
    }
    Ok(true)
}

/// The failure of a SYN answer longer than any real one.
fn too_many_lines() -> LoginError {
    LoginError::new(Stage::Syn, Failure::Protocol(format!("the SYN answer runs past {MAX_SYN_LINES} lines")))
}

/// The groups of a contact line: ids separated by commas.
fn split_groups(groups: &str) -> Vec<String> {
    groups.split(',').filter(|g| !g.is_empty()).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::with_line;
    use super::{account_setting, split_groups};
    use crate::account::contacts::ContactList;

    #[test]
    fn group_lists_split_on_commas() {
        assert_eq!(split_groups("0,1,,4"), ["0", "1", "4"]);
        assert!(split_groups("").is_empty());
    }

    #[test]
    fn account_settings_and_properties_fill_the_account() {
        let mut list = ContactList::default();
        let mut warnings = Vec::new();
        for (version, line) in [
            ("MSNP7", "GTC 5 1 A"),
            ("MSNP7", "BLP 5 1 AL"),
            ("MSNP8", "PRP PHH 555%20123"),
            ("MSNP10", "PRP MFN Me%FF"),
        ] {
            let taken = with_line(version, line, |l| account_setting(&mut list, l, line, &mut warnings));
            assert_eq!(taken, Ok(true), "{line}");
        }
        assert_eq!((list.account.gtc.as_deref(), list.account.blp.as_deref()), (Some("A"), Some("AL")));
        assert_eq!(list.account.properties.get("PHH").map(String::as_str), Some("555%20123"));
        assert_eq!(list.account.friendly_name, "Me\u{fffd}");
        assert_eq!(warnings.len(), 1, "the name was not UTF-8: {warnings:?}");
        let other = with_line("MSNP8", "CHG 3 NLN 0", |l| account_setting(&mut list, l, "CHG 3 NLN 0", &mut warnings));
        assert_eq!(other, Ok(false));
    }
}
