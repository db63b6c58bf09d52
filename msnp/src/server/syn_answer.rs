//! The answer to SYN: the SYN reply, then the account's settings, groups and lists as the version sends them
//! (replies with the SYN's TrID in MSNP2-7, streamed lines counted by the SYN reply in MSNP8-12), with the
//! server's quirks applied.
//!
//! Every line is written from its form with [`Outgoing`]; the quirks then change the written bytes or the order
//! of the sections through the functions of [`super::quirks`], one per quirk.

use crate::account::contacts::{Contact, ContactList, List};
use crate::generated::forms::*;
use crate::spec::{Dir, VersionDef};
use crate::typed::message::{ArgName, ComposeError, FormRef, Outgoing};
use crate::wire::text::Plain;

use super::quirks::{self, Quirks, Section};

/// The lines answering `SYN trid` for `list`, whose list version is `list_version`, each line with its CRLF.
pub(crate) fn answer(
    version: &'static VersionDef,
    list: &ContactList,
    trid: u32,
    list_version: u32,
    quirks: Quirks,
) -> Result<Vec<Vec<u8>>, ComposeError> {
    let quirks = quirks.applicable(version);
    let pending_list;
    let list = if version.number() < 10 && list.on(List::PL).next().is_some() {
        pending_list = without_pending(list);
        &pending_list
    } else {
        list
    };
    let streamed = Outgoing::exists(version, Dir::Server, lst::IN_SYN);
    let mut answer = Answer {
        version,
        trid,
        list_version,
        streamed,
        quirks,
        phantom: quirks::phantom_group_id(quirks, &list.groups),
        lines: Vec::new(),
    };
    // The counts are those of the LST and LSG lines sent: no quirk adds or removes one.
    let reply = answer
        .form(syn::REPLY)?
        .trid(trid)
        .arg(syn::args::LIST_VERSION, list_version)
        .maybe_arg(syn::args::SETTINGS_VERSION, list_version)
        .maybe_arg(syn::args::CONTACTS, list.contacts.len() as u32)
        .maybe_arg(syn::args::GROUPS, list.groups.len() as u32);
    answer.push(Kind::Reply, reply)?;
    for section in quirks::sections(quirks, streamed) {
        match (section, streamed) {
            (Section::Settings, true) => answer.streamed_settings(list)?,
            (Section::Settings, false) => answer.settings(list)?,
            (Section::Groups, true) => answer.streamed_groups(list)?,
            (Section::Groups, false) => answer.groups(list)?,
            (Section::Contacts, true) => answer.streamed_contacts(list)?,
            (Section::Contacts, false) => answer.contacts(list)?,
        }
    }
    Ok(answer.lines)
}

/// `list` as versions before MSNP10 can send it: they have no pending list, so PL is left out, and a contact on
/// no other list with it.
fn without_pending(list: &ContactList) -> ContactList {
    let mut list = list.clone();
    for contact in &mut list.contacts {
        contact.lists.retain(|l| *l != List::PL);
    }
    list.contacts.retain(|c| !c.lists.is_empty());
    list
}

/// Which lines a message is, for the quirks that change only some of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// The SYN reply itself.
    Reply,
    /// An LST or LSG line.
    List,
    /// GTC, BLP, PRP, BPR.
    Other,
}

/// The answer being written.
struct Answer {
    version: &'static VersionDef,
    trid: u32,
    list_version: u32,
    /// Whether the version streams the lines after the SYN reply (MSNP8-12) rather than replying with its TrID.
    streamed: bool,
    quirks: Quirks,
    /// The group ungrouped forward-list contacts are listed in (phantom-group).
    phantom: Option<String>,
    lines: Vec<Vec<u8>>,
}

impl Answer {
    fn form(&self, form: FormRef) -> Result<Outgoing, ComposeError> {
        Outgoing::new(self.version, Dir::Server, form)
    }

    /// A reply carrying the SYN's TrID and the list version (MSNP2-7).
    fn with_version(&self, form: FormRef, list_version: ArgName) -> Result<Outgoing, ComposeError> {
        Ok(self.form(form)?.trid(self.trid).arg(list_version, self.list_version))
    }

    /// Writes `message` and applies the quirks that change lines of its kind.
    fn push(&mut self, kind: Kind, message: Outgoing) -> Result<(), ComposeError> {
        let mut line = message.to_bytes()?;
        match kind {
            Kind::Reply => quirks::add_trailing_argument(self.quirks, &mut line),
            Kind::List => {
                let trid = (!self.streamed).then_some(self.trid);
                if let Some(unknown) = quirks::unknown_command(self.quirks, trid) {
                    self.lines.push(unknown);
                }
                quirks::add_trailing_space(self.quirks, &mut line);
            }
            Kind::Other => {}
        }
        self.lines.push(line);
        Ok(())
    }

    /// The groups `contact` is listed in: its own, or the phantom group for an ungrouped forward-list contact.
    fn groups_of(&self, contact: &Contact) -> Option<String> {
        if !contact.groups.is_empty() {
            return Some(contact.groups.join(","));
        }
        self.phantom.clone().filter(|_| contact.lists.contains(&List::FL))
    }

    /// MSNP8-12: GTC, BLP and the properties, without TrID or list version.
    fn streamed_settings(&mut self, list: &ContactList) -> Result<(), ComposeError> {
        let account = &list.account;
        let gtc = self.form(gtc::IN_SYN)?.arg(gtc::args::SETTING, account.gtc.as_deref().unwrap_or("A"));
        self.push(Kind::Other, gtc)?;
        let blp = self.form(blp::IN_SYN)?.arg(blp::args::SETTING, account.blp.as_deref().unwrap_or("AL"));
        self.push(Kind::Other, blp)?;
        if !self.form(usr::OK)?.has(usr::args::FRIENDLY_NAME) {
            // MSNP10 on: USR OK no longer names the account; its friendly name comes as the MFN property.
            let mfn = self
                .form(prp::IN_SYN)?
                .arg(prp::args::PROPERTY, "MFN")
                .arg(prp::args::VALUE, Plain(&account.friendly_name));
            self.push(Kind::Other, mfn)?;
        }
        for (property, value) in account.properties.iter().filter(|(p, _)| p.as_str() != "MFN") {
            let prp = self
                .form(prp::IN_SYN)?
                .arg(prp::args::PROPERTY, property.as_str())
                .arg(prp::args::VALUE, value.as_str());
            self.push(Kind::Other, prp)?;
        }
        Ok(())
    }

    /// MSNP8-12: one LSG line per group.
    fn streamed_groups(&mut self, list: &ContactList) -> Result<(), ComposeError> {
        for group in &list.groups {
            let lsg = self
                .form(lsg::IN_SYN)?
                .maybe_arg(lsg::args::GROUP_ID, group.id.as_str())
                .maybe_arg(lsg::args::GROUP, group.id.as_str())
                .arg(lsg::args::GROUP_NAME, Plain(&group.name));
            self.push(Kind::List, lsg)?;
        }
        Ok(())
    }

    /// MSNP8-12: one LST line per contact with the lists it is on as bits, each followed by its BPR lines.
    fn streamed_contacts(&mut self, list: &ContactList) -> Result<(), ComposeError> {
        for contact in &list.contacts {
            let bits: u32 = contact.lists.iter().map(|l| l.bit()).sum();
            let mut entry = self
                .form(lst::IN_SYN)?
                .arg(lst::args::HANDLE, contact.handle.as_str())
                .arg(lst::args::FRIENDLY_NAME, Plain(&contact.friendly_name))
                .maybe_arg(lst::args::CONTACT_ID, contact.handle.as_str())
                .arg(lst::args::LISTS, bits)
                .maybe_arg(lst::args::NETWORK, 1u32);
            if let Some(groups) = self.groups_of(contact).filter(|_| entry.has(lst::args::GROUPS)) {
                entry = entry.arg(lst::args::GROUPS, groups.as_str());
            }
            self.push(Kind::List, entry)?;
            for (property, value) in &contact.properties {
                let bpr = self
                    .form(bpr::IN_SYN)?
                    .arg(bpr::args::PROPERTY, property.as_str())
                    .arg(bpr::args::VALUE, value.as_str());
                self.push(Kind::Other, bpr)?;
            }
        }
        Ok(())
    }

    /// MSNP2-7: GTC, BLP and (MSNP5 on) the properties, replying with the SYN's TrID and the list version.
    fn settings(&mut self, list: &ContactList) -> Result<(), ComposeError> {
        let account = &list.account;
        let gtc = self
            .with_version(gtc::REPLY, gtc::args::LIST_VERSION)?
            .arg(gtc::args::SETTING, account.gtc.as_deref().unwrap_or("A"));
        self.push(Kind::Other, gtc)?;
        let blp = self
            .with_version(blp::REPLY, blp::args::LIST_VERSION)?
            .arg(blp::args::SETTING, account.blp.as_deref().unwrap_or("AL"));
        self.push(Kind::Other, blp)?;
        if Outgoing::exists(self.version, Dir::Server, prp::REPLY) {
            for (property, value) in &account.properties {
                let prp = self
                    .with_version(prp::REPLY, prp::args::LIST_VERSION)?
                    .arg(prp::args::PROPERTY, property.as_str())
                    .arg(prp::args::VALUE, value.as_str());
                self.push(Kind::Other, prp)?;
            }
        }
        Ok(())
    }

    /// MSNP7: one LSG reply per group, counted by index and total.
    fn groups(&mut self, list: &ContactList) -> Result<(), ComposeError> {
        if !Outgoing::exists(self.version, Dir::Server, lsg::GROUP) {
            return Ok(());
        }
        let total = list.groups.len() as u32;
        for (i, group) in list.groups.iter().enumerate() {
            let (index, total) = quirks::counters(self.quirks, i as u32 + 1, total);
            let lsg = self
                .with_version(lsg::GROUP, lsg::args::LIST_VERSION)?
                .arg(lsg::args::INDEX, index)
                .arg(lsg::args::TOTAL, total)
                .arg(lsg::args::GROUP_ID, group.id.as_str())
                .arg(lsg::args::GROUP_NAME, Plain(&group.name));
            self.push(Kind::List, lsg)?;
        }
        Ok(())
    }

    /// MSNP2-7: each list's LST replies, counted by index and total (an empty list as `0 0`), and (MSNP5 on) BPR
    /// lines after each forward-list contact's entry.
    fn contacts(&mut self, list: &ContactList) -> Result<(), ComposeError> {
        for which in quirks::list_order(self.quirks) {
            let members: Vec<&Contact> = list.on(which).collect();
            if members.is_empty() {
                let empty = self.with_version(lst::EMPTY, lst::args::LIST_VERSION)?.arg(lst::args::LIST, which.name());
                self.push(Kind::List, empty)?;
                continue;
            }
            let total = members.len() as u32;
            for (i, contact) in members.into_iter().enumerate() {
                let (index, total) = quirks::counters(self.quirks, i as u32 + 1, total);
                let mut entry = self
                    .with_version(lst::ENTRY, lst::args::LIST_VERSION)?
                    .arg(lst::args::LIST, which.name())
                    .arg(lst::args::INDEX, index)
                    .arg(lst::args::TOTAL, total)
                    .arg(lst::args::HANDLE, contact.handle.as_str())
                    .arg(lst::args::FRIENDLY_NAME, Plain(&contact.friendly_name));
                if which == List::FL
                    && entry.has(lst::args::GROUPS)
                    && let Some(groups) = self.groups_of(contact)
                {
                    entry = entry.arg(lst::args::GROUPS, groups.as_str());
                }
                self.push(Kind::List, entry)?;
                if which == List::FL && Outgoing::exists(self.version, Dir::Server, bpr::PROPERTY) {
                    for (property, value) in &contact.properties {
                        let bpr = self
                            .form(bpr::PROPERTY)?
                            .arg(bpr::args::LIST_VERSION, self.list_version)
                            .arg(bpr::args::HANDLE, contact.handle.as_str())
                            .arg(bpr::args::PROPERTY, property.as_str())
                            .arg(bpr::args::VALUE, value.as_str());
                        self.push(Kind::Other, bpr)?;
                    }
                }
            }
        }
        Ok(())
    }
}
