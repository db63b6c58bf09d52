//! Single sign-on in a session (MSNP15 on): `USR SSO I` gets the server's policies (GCF) and the challenge, a
//! policy and a fresh nonce; `USR SSO S` is accepted when its ticket was issued to the account by the RST endpoint
//! and its response answers the nonce under the ticket's proof key ([`verify_mbi`]). From MSNP16 the machine GUID
//! is required, as the version's form has it.

use super::{Next, Session};
use crate::account::sso::{new_nonce, verify_mbi};
use crate::generated::forms::*;
use crate::server::SessionError;
use crate::spec::Dir;
use crate::typed::message::{Incoming, Outgoing};
use crate::wire::net::{Connection, Stream};

/// The policy the server asks the `messengerclear.live.com` ticket for.
pub(super) const POLICY: &str = "MBI_KEY_OLD";

/// The policies pushed with GCF before the challenge, as real servers did from MSNP13.
const POLICIES: &str = "<Policies><Policy type=\"SHIELDS\" checksum=\"CHECKSUM\"><config><shield><cli maj=\"7\" min=\"0\" minbld=\"0\" maxbld=\"9999\" deny=\" \" /></shield><block></block></config></Policy></Policies>";

/// The content of [`POLICIES`]'s policy, whose uppercase MD5 is its checksum.
const POLICY_CONTENT: &str = "<config><shield><cli maj=\"7\" min=\"0\" minbld=\"0\" maxbld=\"9999\" deny=\" \" /></shield><block></block></config>";

impl Session {
    /// USR SSO I from `handle`: the policies (GCF), then `USR SSO S policy nonce` with a fresh nonce, kept for
    /// USR SSO S.
    pub(super) async fn sso_challenge(
        &mut self,
        conn: &mut Connection<Stream>,
        trid: u32,
        handle: &str,
    ) -> Result<Next, SessionError> {
        let Ok(nonce) = new_nonce() else {
            // No randomness, no nonce: an internal error.
            self.error(conn, 500, Some(trid)).await?;
            return Ok(Next::Close);
        };
        if let Ok(gcf) = self.reply(gcf::POLICIES) {
            let checksum = crate::account::auth::md5_login_digest(POLICY_CONTENT, "").to_ascii_uppercase();
            self.send(conn, gcf.payload(POLICIES.replace("CHECKSUM", &checksum))).await?;
        }
        let challenge =
            self.reply(usr::SSO_CHALLENGE)?.trid(trid).arg(usr::args::POLICY, POLICY).arg(usr::args::NONCE, &*nonce);
        self.send(conn, challenge).await?;
        self.pending = Some((handle.to_string(), nonce));
        Ok(Next::Continue)
    }

    /// Whether USR SSO S from `handle` signs in: its ticket redeemed for the account, its response checked against
    /// `nonce` and the ticket's proof key, and the machine GUID given where the version's form has it.
    pub(super) fn sso_accepted(&self, message: &Incoming<'_, '_>, handle: &str, nonce: &str) -> bool {
        let ticket: Option<&str> = message.get(usr::args::TICKET).ok().flatten();
        let response: Option<&str> = message.get(usr::args::RESPONSE).ok().flatten();
        let guid: Option<&str> = message.get(usr::args::MACHINE_GUID).ok().flatten();
        let guid_required =
            Outgoing::new(self.version(), Dir::Client, usr::SSO_S).is_ok_and(|form| form.has(usr::args::MACHINE_GUID));
        let (Some(ticket), Some(response)) = (ticket, response) else { return false };
        if nonce.is_empty() || (guid_required && guid.is_none_or(str::is_empty)) {
            return false;
        }
        self.state
            .sso
            .lock()
            .is_ok_and(|mut tickets| tickets.redeem(ticket, handle, |key| verify_mbi(key, nonce, response).is_ok()))
    }
}

#[cfg(test)]
mod tests {
    use super::{POLICIES, POLICY_CONTENT};

    #[test]
    fn the_policies_hold_the_content_their_checksum_covers() {
        assert!(POLICIES.contains(POLICY_CONTENT));
        assert_eq!(crate::validate::xml::check(POLICIES.as_bytes(), Some("Policies"), &["Policy"]), Ok(()));
    }
}
