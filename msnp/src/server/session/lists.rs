//! The session's lists and privacy: ADL (MSNP13 on), checked against the account's lists in the accounts file, and
//! BLP, answered in the version's form.
//!
//! An ADL payload is read with [`read_list`]: invalid XML or an empty list is `240`, missing data or the RL and PL
//! bits `241`, an unknown network `204`. Each entry must then name an account of the server or a contact of the
//! signed-in account (`208` otherwise), and the initial list (`l="1"`) may name a contact only on lists the
//! account has it on (`241` otherwise: the address book is what the initial list repeats). The server keeps no
//! list changes: presence follows the accounts file.

use std::collections::HashMap;

use super::{Next, Session};
use crate::account::abservice::adl::{CLIENT_BITS, ListDocument, read_list};
use crate::generated::forms::*;
use crate::server::SessionError;
use crate::typed::message::Incoming;
use crate::wire::net::{Connection, Stream};

impl Session {
    /// ADL: `ADL TrID OK` when the list is well-formed and agrees with the account's, or the error code.
    pub(super) async fn add_to_lists(
        &mut self,
        conn: &mut Connection<Stream>,
        trid: u32,
        message: &Incoming<'_, '_>,
    ) -> Result<Next, SessionError> {
        let checked = read_list(message.payload()).map_err(|e| e.code()).and_then(|list| self.check_list(&list));
        match checked {
            Ok(()) => self.send(conn, self.reply(adl::REPLY)?.trid(trid)).await?,
            Err(code) => self.error(conn, code, Some(trid)).await?,
        }
        Ok(Next::Continue)
    }

    /// Checks a well-formed list against the signed-in account: `208` for a handle the server does not know, `241`
    /// for an initial list naming a contact on a list the account does not have it on.
    fn check_list(&self, list: &ListDocument) -> Result<(), u16> {
        let handle = self.handle.as_deref().unwrap_or_default();
        let accounts = &self.state.config.accounts;
        let Some(account) = accounts.get(handle) else { return Err(500) };
        let stored: HashMap<String, u32> = account
            .list
            .contacts
            .iter()
            .map(|c| (c.handle.to_ascii_lowercase(), c.lists.iter().map(|l| l.bit()).sum::<u32>() & CLIENT_BITS))
            .collect();
        for entry in list.entries.iter().filter(|e| !e.is_phone()) {
            match stored.get(&entry.handle.to_ascii_lowercase()) {
                None if accounts.get(&entry.handle).is_none() => return Err(208),
                None if list.initial => return Err(241),
                None => {}
                Some(bits) if list.initial && entry.lists & !bits != 0 => return Err(241),
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// BLP: echoes the setting in the version's reply form; `218` when the session already has that setting.
    pub(super) async fn set_privacy(
        &mut self,
        conn: &mut Connection<Stream>,
        trid: u32,
        message: &Incoming<'_, '_>,
    ) -> Result<(), SessionError> {
        let setting: &str = message.require(blp::args::SETTING)?;
        if self.blp.as_deref() == Some(setting) {
            return self.error(conn, 218, Some(trid)).await;
        }
        self.blp = Some(setting.to_string());
        let reply = self
            .reply(blp::REPLY)?
            .trid(trid)
            .maybe_arg(blp::args::LIST_VERSION, 1u32)
            .arg(blp::args::SETTING, setting);
        self.send(conn, reply).await
    }
}
