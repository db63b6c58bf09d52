//! MSNP13 on: the contact list from the address-book services, in the official clients' order. FindMembership
//! (the sharing service: AL, BL, RL, PL), ABFindAll (the address book service: FL, the groups, the account's own
//! entry), then on the notification connection BLP with the setting the address book holds and ADL with the
//! initial list (split into several payloads when long). CHG may follow.

use super::super::error::{Failure, LoginError, Stage};
use super::super::services::{call, judge, url};
use super::super::{Client, ServiceError, passport};
use crate::account::abservice::adl::{PAYLOAD_LIMIT, initial_list};
use crate::account::abservice::{self, Action, SoapError, contact_list};
use crate::account::contacts::ContactList;
use crate::generated::forms::*;
use crate::spec::Dir;
use crate::typed::message::Outgoing;
use crate::wire::net::Redact;

impl Client {
    /// Fetches the lists from the services, then sends BLP and the initial ADL list; `list` holds the account.
    pub(super) async fn synchronise_services(&mut self, list: ContactList) -> Result<ContactList, LoginError> {
        let Some(auth) = self.soap_auth.clone() else {
            let why = "the sign-in gave no ticket for the address-book services".to_string();
            return Err(LoginError::new(Stage::Sharing, Failure::Service(ServiceError::Refused(why))));
        };
        let http = passport::http_client(self.timeout, self.extra_ca.as_deref())
            .map_err(|e| LoginError::new(Stage::Sharing, Failure::Service(ServiceError::Unreachable(e))))?;
        let memberships =
            self.fetch(&http, Action::FindMembership, &auth, Stage::Sharing, abservice::read_find_membership).await?;
        let book = self.fetch(&http, Action::AbFindAll, &auth, Stage::AbService, abservice::read_ab_find_all).await?;
        let named = book.me.as_ref().is_some_and(|me| !me.display_name.is_empty());
        let mut list = contact_list(list.account, memberships, book);
        if let Some(setting) = list.account.blp.clone() {
            self.send_privacy(&setting).await?;
        }
        self.send_initial_list(&list).await?;
        if !named {
            // No name in the address book: the one the server pushed after signing in (PRP MFN), if any.
            list.account.friendly_name = self.friendly_name.clone().unwrap_or_default();
        }
        Ok(list)
    }

    /// Calls `action` and reads its answer with `read`; a failure is at `stage`.
    async fn fetch<T>(
        &mut self,
        http: &reqwest::Client,
        action: Action,
        auth: &abservice::SoapAuth,
        stage: Stage,
        read: fn(&[u8]) -> Result<T, SoapError>,
    ) -> Result<T, LoginError> {
        let failed = |e| LoginError::new(stage, Failure::Service(e));
        let (status, body) =
            call(http, &self.soap_url, action, auth, self.transcript.as_mut()).await.map_err(failed)?;
        judge(&url(&self.soap_url, action), status, read(&body)).map_err(failed)
    }

    /// BLP with the address book's setting, as the version has it. A server that answers `218` (already in that
    /// mode) has the setting: that is what BLP was for.
    async fn send_privacy(&mut self, setting: &str) -> Result<(), LoginError> {
        if !Outgoing::exists(self.version, Dir::Client, blp::REQUEST) {
            return Ok(());
        }
        let trid = self.next_trid();
        let blp = self.message(blp::REQUEST, Stage::Blp)?.trid(trid).arg(blp::args::SETTING, setting);
        self.send(blp, Stage::Blp, Redact::None).await?;
        match self.expect(Stage::Blp, trid, &[blp::REPLY, blp::REPLY_VERSIONED]).await {
            Ok(_) => Ok(()),
            Err(LoginError { failure: Failure::ServerError { code: 218, .. }, .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// ADL with the initial list: every contact on FL, AL or BL, in as many payloads as the limit needs.
    async fn send_initial_list(&mut self, list: &ContactList) -> Result<(), LoginError> {
        for payload in initial_list(list, PAYLOAD_LIMIT) {
            let trid = self.next_trid();
            let adl = self.message(adl::REQUEST, Stage::Adl)?.trid(trid).payload(payload);
            self.send(adl, Stage::Adl, Redact::None).await?;
            self.expect(Stage::Adl, trid, &[adl::REPLY]).await?;
        }
        self.list_sent = true;
        Ok(())
    }
}
