//! Presence in a session: CHG and its echo, the contacts already online (ILN) after the first, and the pushes
//! (NLN, FLN) to every signed-in account allowed to see the change, each in its own version.

use super::Session;
use crate::account::contacts::List;
use crate::generated::forms::*;
use crate::server::{SessionError, State};
use crate::spec::Dir;
use crate::spec::value::NetworkHandle;
use crate::typed::message::{Incoming, Outgoing};
use crate::wire::net::{Connection, Stream};
use crate::wire::text::Plain;

impl Session {
    /// CHG: echoes the status; after the first, the contacts already online (ILN); then tells the watchers.
    pub(super) async fn change_status(
        &mut self,
        conn: &mut Connection<Stream>,
        trid: u32,
        message: &Incoming<'_, '_>,
    ) -> Result<(), SessionError> {
        let status: &str = message.require(chg::args::STATUS)?;
        let caps: Option<&str> = message.get(chg::args::CAPS)?;
        let msn_object: Option<&str> = message.get(chg::args::MSN_OBJECT)?;
        let reply = self
            .reply(chg::REPLY)?
            .trid(trid)
            .arg(chg::args::STATUS, status)
            .arg_opt(chg::args::CAPS, caps)
            .arg_opt(chg::args::MSN_OBJECT, msn_object);
        self.send(conn, reply).await?;
        let handle = self.handle.clone().unwrap_or_default();
        let previous = self.state.online.lock().ok().and_then(|mut online| {
            let me = online.get_mut(&handle.to_ascii_lowercase())?;
            let previous = me.status.replace(status.to_string());
            me.caps = caps.map(str::to_string);
            Some(previous)
        });
        if !self.changed_status {
            self.changed_status = true;
            let mut lines = Vec::new();
            for (contact, status, caps) in self.visible_contacts(&handle) {
                let name = self.friendly_name(&contact);
                let iln = self
                    .reply(iln::PRESENCE)?
                    .trid(trid)
                    .arg(iln::args::STATUS, status.as_str())
                    .maybe_arg(iln::args::HANDLE, contact.as_str())
                    .maybe_arg(iln::args::CONTACT, NetworkHandle { network: 1, handle: &contact })
                    .maybe_arg(iln::args::NETWORK, 1u32)
                    .maybe_arg(iln::args::FRIENDLY_NAME, Plain(&name))
                    .maybe_arg(iln::args::CAPS, caps.as_deref().unwrap_or("0"));
                iln.write(&mut lines)?;
            }
            if !lines.is_empty() {
                conn.send(lines).await?;
            }
        }
        let was_visible = previous.flatten().is_some_and(|s| s != "HDN");
        if status == "HDN" {
            if was_visible {
                self.fan_out(&handle, None, None);
            }
        } else {
            self.fan_out(&handle, Some(status), caps);
        }
        Ok(())
    }

    fn friendly_name(&self, handle: &str) -> String {
        self.state
            .config
            .accounts
            .get(handle)
            .map_or_else(|| handle.to_string(), |a| a.list.account.friendly_name.clone())
    }

    /// The contacts on `handle`'s forward list that are online, visible and let `handle` see them.
    fn visible_contacts(&self, handle: &str) -> Vec<(String, String, Option<String>)> {
        let Some(me) = self.state.config.accounts.get(handle) else { return Vec::new() };
        let Ok(online) = self.state.online.lock() else { return Vec::new() };
        me.list
            .on(List::FL)
            .filter_map(|c| {
                let other = online.get(&c.handle.to_ascii_lowercase())?;
                let status = other.status.clone().filter(|s| s != "HDN")?;
                may_see(&self.state, handle, &c.handle).then(|| (c.handle.clone(), status, other.caps.clone()))
            })
            .collect()
    }

    /// Tells every signed-in account that may see `handle` its new status (`None`: offline), each in its version.
    pub(super) fn fan_out(&self, handle: &str, status: Option<&str>, caps: Option<&str>) {
        let Ok(online) = self.state.online.lock() else { return };
        let name = self.friendly_name(handle);
        for (watcher, session) in online.iter() {
            if watcher.eq_ignore_ascii_case(handle) || !may_see(&self.state, watcher, handle) {
                continue;
            }
            let on_forward_list = self
                .state
                .config
                .accounts
                .get(watcher)
                .is_some_and(|a| a.list.on(List::FL).any(|c| c.handle.eq_ignore_ascii_case(handle)));
            if !on_forward_list {
                continue;
            }
            let message = match status {
                Some(status) => Outgoing::new(session.version, Dir::Server, nln::PRESENCE).map(|m| {
                    m.arg(nln::args::STATUS, status)
                        .maybe_arg(nln::args::HANDLE, handle)
                        .maybe_arg(nln::args::CONTACT, NetworkHandle { network: 1, handle })
                        .maybe_arg(nln::args::NETWORK, 1u32)
                        .maybe_arg(nln::args::FRIENDLY_NAME, Plain(&name))
                        .maybe_arg(nln::args::CAPS, caps.unwrap_or("0"))
                }),
                // From MSNP14 FLN carries the capabilities (none now); from MSNP18 they are required.
                None => Outgoing::new(session.version, Dir::Server, fln::PRESENCE).map(|m| {
                    m.maybe_arg(fln::args::HANDLE, handle)
                        .maybe_arg(fln::args::CONTACT, NetworkHandle { network: 1, handle })
                        .maybe_arg(fln::args::NETWORK, 1u32)
                        .maybe_arg(fln::args::CAPS, "0")
                }),
            };
            if let Ok(bytes) = message.and_then(|m| m.to_bytes()) {
                // A full outbox drops the push rather than letting it grow without bound.
                let _ = session.outbox.try_send(bytes);
            }
        }
    }
}

/// Whether `watcher` may see `contact`'s presence: on `contact`'s allow list, or not blocked when `contact`
/// allows everyone else.
fn may_see(state: &State, watcher: &str, contact: &str) -> bool {
    let Some(account) = state.config.accounts.get(contact) else { return false };
    let on = |list: List| account.list.on(list).any(|c| c.handle.eq_ignore_ascii_case(watcher));
    if on(List::BL) {
        return false;
    }
    on(List::AL) || account.list.account.blp.as_deref() != Some("BL")
}
