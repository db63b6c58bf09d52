//! The client: logs in with any version from MSNP2 to MSNP18, synchronises the contact list (SYN up to MSNP12,
//! the address-book services from MSNP13), sets a status and collects presence, and signs out. Messages are read
//! and written by form and argument name
//! ([`crate::typed::message`]), so the same code serves every version; what differs between eras is which forms exist.
//!
//! ```text
//! connect (dispatch or notification server) --> VER --> INF (MSNP2-7) | CVR (MSNP8+) --> USR I
//!   --> XFR NS: reconnect to the notification server (a bounded number of hops)
//!   --> USR MD5 S salt: digest of salt and password            (MSNP2-7)
//!   --> USR TWN S params: nexus, login, ticket (Passport 1.4)   (MSNP8-14)
//!   --> USR SSO S policy nonce: RST tickets, ticket and response  (MSNP15-18; the machine GUID from MSNP16)
//! --> USR OK --> SYN (MSNP2-12)
//!            | FindMembership, ABFindAll (HTTP) --> BLP --> ADL, the initial list (MSNP13 on)
//! --> CHG --> OUT
//! at any point: CHL answered with QRY; presence (ILN/NLN/FLN) kept as events; lines the spec does not allow
//! are warnings, tolerated
//! ```
//!
//! Every step has a timeout, and a failure names its stage and shows the server's line.
//!
//! The parts, each in a module of its own: `error` says how a session fails ([`LoginError`], [`Stage`],
//! [`Failure`]); `login` signs in; `passport` and `sso` get the tickets (Passport 1.4; the RST endpoint and the
//! response to the nonce); `step` reads the server within a step's time; `sync` synchronises the contact list,
//! with one reader per shape of the SYN answer and the address-book flow of MSNP13 on; `services` calls the
//! address-book services over HTTP.

mod error;
mod login;
mod passport;
mod record;
mod services;
mod sso;
mod step;
mod sync;

use std::collections::VecDeque;
use std::fmt;
use std::time::Duration;

// Deadlines are read on tokio's clock, the one the timeouts they set run on: with the clock paused (tests, the
// fuzz target) a step's time then runs out as soon as nothing else can happen, and `watch` ends, instead of
// spinning on timeouts until the system clock catches up.
use tokio::time::Instant;

use crate::generated::forms::*;
use crate::spec::{Dir, Services, VersionDef};
use crate::typed::message::{FormRef, Incoming, Outgoing, Received};
use crate::wire::frame::Limits;
use crate::wire::net::{Connection, Frame, NetError, Redact, Transcript};
pub use crate::wire::net::{Stream, Transport};
use crate::wire::text::Decoded;

pub use crate::account::abservice::SoapAuth;
use error::net;
pub use error::{Due, Failure, LoginError, ServiceError, Stage};
pub use passport::{PassportError, check_ca};
use step::StepLog;

/// The Passport 1.4 nexus official clients asked first.
pub const DEFAULT_NEXUS: &str = "https://nexus.passport.com/rdr/pprdr.asp";

/// The RST endpoint official clients asked for their single sign-on tickets (MSNP15 on).
pub const DEFAULT_RST: &str = "https://login.live.com/RST.srf";

/// How often a watching client sends PNG when the server names no interval (official clients: about 50 s).
pub const PING_INTERVAL: Duration = Duration::from_secs(45);

/// The most lines a SYN may bring (the official limits were 600 and later 1,000 contacts, each on up to five
/// lists, with a few properties and at most 30 groups).
pub const MAX_SYN_LINES: usize = 100_000;

/// The most warnings a session keeps.
pub const MAX_WARNINGS: usize = 256;
/// The most presence events a session keeps before they are taken.
pub const MAX_EVENTS: usize = 4096;

/// How to reach the servers and whom to sign in as.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// The version to speak.
    pub version: &'static VersionDef,
    /// The dispatch (or notification) server, `host:port`.
    pub server: String,
    /// The account.
    pub account: String,
    /// The password.
    pub password: String,
    /// The Passport nexus (MSNP8 to MSNP14).
    pub nexus: String,
    /// The Passport login server, to skip the nexus (MSNP8 to MSNP14); the RST endpoint (MSNP15 on; by default
    /// [`DEFAULT_RST`]).
    pub login_url: Option<String>,
    /// An extra CA certificate (PEM) to trust for Passport and the address-book services over HTTPS.
    pub extra_ca: Option<Vec<u8>>,
    /// The base URL of the address-book services (MSNP13 on): the sharing service and the address book service
    /// are at [`SHARING_PATH`](crate::account::abservice::SHARING_PATH) and
    /// [`ABSERVICE_PATH`](crate::account::abservice::ABSERVICE_PATH) under it.
    pub soap_url: String,
    /// The limit on each step.
    pub timeout: Duration,
    /// How many `XFR NS` referrals to follow.
    pub max_referrals: usize,
    /// Limits on what the server sends.
    pub limits: Limits,
    /// Whether to record the session as a transcript.
    pub record: bool,
    /// This computer's GUID in braces, sent with `USR SSO S` from MSNP16: a fresh one for each configuration
    /// made with [`ClientConfig::new`] (the nil GUID if the system has no random numbers to give).
    pub machine_guid: String,
}

impl ClientConfig {
    /// A configuration with the defaults: the real Passport nexus and address-book services, 15-second steps, 3
    /// referrals.
    pub fn new(version: &'static VersionDef, server: &str, account: &str, password: &str) -> Self {
        ClientConfig {
            version,
            server: server.to_string(),
            account: account.to_string(),
            password: password.to_string(),
            nexus: DEFAULT_NEXUS.into(),
            login_url: None,
            extra_ca: None,
            soap_url: crate::account::abservice::DEFAULT_BASE_URL.into(),
            timeout: Duration::from_secs(15),
            max_referrals: 3,
            limits: Limits::default(),
            record: false,
            machine_guid: crate::account::sso::new_machine_guid()
                .unwrap_or_else(|_| "{00000000-0000-0000-0000-000000000000}".into()),
        }
    }
}

/// A presence event: a contact's status as a line announced it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Presence {
    /// `ILN`, `NLN` or `FLN`.
    pub command: &'static str,
    /// The contact.
    pub handle: String,
    /// The status (`FLN` for offline).
    pub status: String,
    /// The contact's display name, when the line carries it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub friendly_name: Option<String>,
}

/// A signed-in session.
pub struct Client {
    conn: Connection<Stream>,
    version: &'static VersionDef,
    number: u32,
    trid: u32,
    account: String,
    friendly_name: Option<String>,
    timeout: Duration,
    transcript: Option<Transcript>,
    /// Lines the spec does not allow that the session tolerated, with why.
    warnings: Vec<String>,
    events: VecDeque<Presence>,
    /// How often to send PNG while watching.
    ping_interval: Duration,
    /// What the current step has seen: lines arrived, lines skipped and the first skipped one (for the message
    /// when its time runs out).
    step: StepLog,
    /// Lines of the SYN answer that no repair could read: the dump lacks what they held.
    lost: Vec<String>,
    /// The ticket for the address book and sharing services: the `contacts.msn.com` ticket from the RST
    /// endpoint (MSNP15 on), or the Passport 1.4 ticket (MSNP13 and MSNP14).
    contacts_ticket: Option<String>,
    /// How the address-book services authenticate this session (MSNP13 on): set by the sign-in from its ticket.
    soap_auth: Option<SoapAuth>,
    /// The address-book services' base URL, and the extra CA to trust for them.
    soap_url: String,
    extra_ca: Option<Vec<u8>>,
    /// Whether the initial ADL list went out (MSNP13 on; CHG must follow it).
    list_sent: bool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client").field("version", &self.version.name).field("account", &self.account).finish()
    }
}

impl Client {
    /// The negotiated version.
    pub fn version(&self) -> &'static VersionDef {
        self.version
    }

    /// Lines the server sent that the spec does not allow, tolerated, with the validator's reason.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Lines of the SYN answer that could not be read, even repaired: when there are any, the contact list lacks
    /// what they held (they were counted, so the synchronisation still ended).
    pub fn lost_lines(&self) -> &[String] {
        &self.lost
    }

    /// The ticket for the address book and sharing services (`contacts.msn.com`), when the login got one: from
    /// the RST endpoint in MSNP15 on, the Passport 1.4 ticket in MSNP13 and MSNP14.
    pub fn contacts_ticket(&self) -> Option<&str> {
        self.contacts_ticket.as_deref()
    }

    /// Reads a line from the server with the tolerant receive path, on the dispatch or notification service.
    fn read<'f>(&self, frame: &'f Frame) -> Result<Received<'f>, crate::typed::ParseError> {
        Received::read(self.version, Dir::Server, Services::DS.union(Services::NS), &frame.line, &frame.payload)
    }

    /// Presence events received so far, oldest first; taking them empties the queue.
    pub fn take_events(&mut self) -> Vec<Presence> {
        self.events.drain(..).collect()
    }

    /// The TrID of the next request.
    fn next_trid(&mut self) -> u32 {
        let t = self.trid;
        // A session that lived through 4 billion requests starts again at 1 (0 is the pushes' TrID).
        self.trid = self.trid.checked_add(1).unwrap_or(1);
        t
    }

    /// A message of `form` from the client.
    fn message(&self, form: FormRef, stage: Stage) -> Result<Outgoing, LoginError> {
        Outgoing::new(self.version, Dir::Client, form)
            .map_err(|e| LoginError::new(stage, Failure::Protocol(e.to_string())))
    }

    /// Sends `message`, recording it (with `redact` applied) when the session records.
    async fn send(&mut self, message: Outgoing, stage: Stage, redact: Redact<'_>) -> Result<(), LoginError> {
        let bytes = message.to_bytes().map_err(|e| LoginError::new(stage, Failure::Protocol(e.to_string())))?;
        if let Some(t) = &mut self.transcript {
            t.message(Dir::Client, &bytes, redact);
        }
        self.conn.send(bytes).await.map_err(net(stage))
    }

    /// Sends PNG.
    async fn ping(&mut self, stage: Stage) -> Result<(), LoginError> {
        let png = self.message(png::REQUEST, stage)?;
        self.send(png, stage, Redact::None).await
    }

    /// The text of a decoded name; bytes that were not UTF-8 (now U+FFFD) are a warning.
    fn text(&mut self, name: Decoded, line: &str) -> String {
        decoded(&mut self.warnings, name, line)
    }

    /// Keeps a warning (bounded: a flood of them keeps the first [`MAX_WARNINGS`]).
    fn warn(&mut self, warning: String) {
        warn_into(&mut self.warnings, warning);
    }

    /// Takes the interval a QNG asks for (MSNP9 on), when it names one, capped at [`PING_INTERVAL`].
    fn note_ping_interval(&mut self, qng: &Incoming<'_, '_>) {
        let asked: Option<u32> = qng.get(qng::args::NEXT_PING).ok().flatten();
        if let Some(seconds) = asked.filter(|s| *s > 0) {
            self.ping_interval = Duration::from_secs(u64::from(seconds)).min(PING_INTERVAL);
        }
    }

    /// Sets the status (with the version's client capabilities from MSNP8): waits for the server's echo and returns
    /// it. The contacts already online arrive as ILN lines, kept as events.
    pub async fn set_status(&mut self, status: &str, caps: Option<u32>) -> Result<String, LoginError> {
        if !self.list_sent && Outgoing::exists(self.version, Dir::Client, adl::REQUEST) {
            // MSNP13 and later: the session's lists come first, even when empty (when the session did not
            // synchronise, which sends them).
            let trid = self.next_trid();
            let adl = self.message(adl::REQUEST, Stage::Chg)?.trid(trid).payload(&b"<ml l=\"1\"></ml>"[..]);
            self.send(adl, Stage::Chg, Redact::None).await?;
            self.expect(Stage::Chg, trid, &[adl::REPLY]).await?;
        }
        let trid = self.next_trid();
        let chg = self.message(chg::REQUEST, Stage::Chg)?.trid(trid).arg(chg::args::STATUS, status);
        let chg = match caps {
            Some(caps) if chg.has(chg::args::CAPS) => chg.arg(chg::args::CAPS, caps),
            _ => chg,
        };
        self.send(chg, Stage::Chg, Redact::None).await?;
        let (frame, _) = self.expect(Stage::Chg, trid, &[chg::REPLY]).await?;
        Ok(frame.line)
    }

    /// Collects presence for `duration`, then returns every event received so far. The connection is kept alive
    /// with PNG: every [`PING_INTERVAL`], or sooner when a QNG names a shorter one (MSNP9 on).
    pub async fn watch(&mut self, duration: Duration) -> Result<Vec<Presence>, LoginError> {
        let deadline = Instant::now() + duration;
        let mut next_ping = Instant::now() + self.ping_interval;
        loop {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            if now >= next_ping {
                self.ping(Stage::Watch).await?;
                next_ping = now + self.ping_interval;
            }
            let wait = deadline.min(next_ping).saturating_duration_since(now);
            match self.next_within(Stage::Watch, None, wait).await {
                Ok(frame) => match self.read(&frame) {
                    Ok(qng) if qng.incoming().is(qng::REPLY) => {
                        self.note_ping_interval(&qng.incoming());
                        next_ping = Instant::now() + self.ping_interval;
                    }
                    _ => self.unrelated(Stage::Watch, &frame),
                },
                // Waiting is what watching does: a quiet spell is not a failure.
                Err(LoginError {
                    failure: Failure::Network(NetError::Timeout(_)) | Failure::Incomplete(_), ..
                }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(self.take_events())
    }

    /// Signs out with OUT and closes the connection; returns the transcript when the session recorded one.
    pub async fn sign_out(mut self) -> Result<Option<Transcript>, LoginError> {
        let out = self.message(out::REQUEST, Stage::Out)?;
        if let Err(e) = self.send(out, Stage::Out, Redact::None).await {
            return Err(e.with_session(self.transcript.take(), std::mem::take(&mut self.warnings)));
        }
        if let Some(t) = &mut self.transcript {
            t.close(true);
        }
        Ok(self.transcript.take())
    }

    /// The transcript so far, when the session records one.
    pub fn transcript(&self) -> Option<&Transcript> {
        self.transcript.as_ref()
    }
}

/// Keeps `warning` in `warnings`, unless they hold [`MAX_WARNINGS`] already.
fn warn_into(warnings: &mut Vec<String>, warning: String) {
    if warnings.len() < MAX_WARNINGS {
        warnings.push(warning);
    }
}

/// The text of a decoded name from `line`; bytes that were not UTF-8 (now U+FFFD) are a warning.
fn decoded(warnings: &mut Vec<String>, name: Decoded, line: &str) -> String {
    if name.lossy {
        warn_into(warnings, format!("`{line}`: a name holds bytes that are not UTF-8; they are shown as U+FFFD"));
    }
    name.text
}

/// What the unit tests of the client's parts share: server lines read as the client reads them, without a socket.
#[cfg(test)]
mod testing {
    use super::Received;
    use crate::spec::{Dir, Services};
    use crate::typed::message::Incoming;

    /// Reads `line` from the server in `version` (such as `MSNP7`) and gives it to `f`.
    pub(super) fn with_line<R>(version: &str, line: &str, f: impl FnOnce(&Incoming<'_, '_>) -> R) -> R {
        let version = crate::SPEC.version(version).expect("a version of the spec");
        let received =
            Received::read(version, Dir::Server, Services::DS.union(Services::NS), line, b"").expect("a readable line");
        f(&received.incoming())
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_WARNINGS, decoded, warn_into};
    use crate::wire::text::decode;

    #[test]
    fn warnings_are_kept_up_to_the_bound() {
        let mut warnings = Vec::new();
        for i in 0..MAX_WARNINGS + 5 {
            warn_into(&mut warnings, format!("warning {i}"));
        }
        assert_eq!(warnings.len(), MAX_WARNINGS);
        assert_eq!(warnings.last().map(String::as_str), Some(&*format!("warning {}", MAX_WARNINGS - 1)));
    }

    #[test]
    fn a_name_that_is_not_utf8_is_shown_with_a_warning() {
        let mut warnings = Vec::new();
        assert_eq!(decoded(&mut warnings, decode("Bob%20B"), "LST ..."), "Bob B");
        assert!(warnings.is_empty());
        assert_eq!(decoded(&mut warnings, decode("Bob%FF"), "LST x"), "Bob\u{fffd}");
        assert_eq!(warnings, ["`LST x`: a name holds bytes that are not UTF-8; they are shown as U+FFFD"]);
    }
}
