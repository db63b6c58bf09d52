//! One connection to the dispatch or notification server: the server's half of VER, INF/CVR, USR (MD5, TWN, and
//! SSO in `sso`), SYN, CHG, CHL/QRY, PNG and OUT, for whichever version the client negotiates; `lists` answers
//! ADL and BLP, `presence` CHG.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use super::quirks::{self, Quirks};
use super::{Fault, Online, ServerConfig, SessionError, State, syn_answer};
use crate::account::auth::{ProductKey, challenge_response, md5_login_digest};
use crate::account::contacts::AccountInfo;
use crate::generated::forms::*;
use crate::spec::{Dir, Services, VersionDef};
use crate::typed::message::{ComposeError, FormRef, Incoming, Outgoing, Received};
use crate::typed::{ErrorReply, ParseError};
use crate::wire::net::{Connection, Frame, NetError, Stream};
use crate::wire::raw::{RawCommand, Tokens};
use crate::wire::text::Plain;

mod lists;
mod presence;
mod sso;

/// Which server a connection reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The dispatch server: negotiates, then refers the client to the notification server.
    Dispatch,
    /// The notification server: signs in, synchronises, presence.
    Notification,
}

/// What a session knows about its client.
struct Session {
    state: Arc<State>,
    role: Role,
    /// The address the client connected to.
    local: SocketAddr,
    version: Option<&'static VersionDef>,
    /// The account that asked to sign in, and the MD5 salt or the SSO nonce sent to it.
    pending: Option<(String, String)>,
    /// The signed-in account.
    handle: Option<String>,
    /// The challenge sent with CHL, awaiting QRY.
    challenge: Option<String>,
    outbox: mpsc::Sender<Vec<u8>>,
    /// Whether the session has sent its first CHG (ILN follows the first only).
    changed_status: bool,
    /// The ticket that lets the signed-in account use the address-book services.
    soap_ticket: Option<String>,
    /// The privacy setting the client last set with BLP in this session.
    blp: Option<String>,
}

/// What to do after a message.
enum Next {
    Continue,
    Close,
}

/// The deadlines of a connection: `login_timeout` to sign in, then `idle_timeout` between frames; a frame that has
/// started must be whole within `frame_timeout`. Each is checked at least every `frame_timeout`.
struct Deadlines {
    login: Instant,
    login_timeout: Duration,
    idle_timeout: Duration,
    frame_timeout: Duration,
    /// When the last frame arrived.
    quiet_since: Instant,
    /// When the frame under way started, if one has.
    partial_since: Option<Instant>,
}

impl Deadlines {
    fn new(config: &ServerConfig) -> Deadlines {
        let now = Instant::now();
        Deadlines {
            login: now + config.login_timeout,
            login_timeout: config.login_timeout,
            idle_timeout: config.idle_timeout,
            frame_timeout: config.frame_timeout,
            quiet_since: now,
            partial_since: None,
        }
    }

    /// The deadline that passes first, what it waits for and its limit.
    fn next(&self, signed_in: bool) -> (Instant, &'static str, Duration) {
        let mut next = (self.quiet_since + self.idle_timeout, "the next command", self.idle_timeout);
        if !signed_in && self.login < next.0 {
            next = (self.login, "the sign-in", self.login_timeout);
        }
        if let Some(since) = self.partial_since
            && since + self.frame_timeout < next.0
        {
            next = (since + self.frame_timeout, "a frame under way", self.frame_timeout);
        }
        next
    }
}

/// Serves one connection until it ends; `local` is the address the client reached. `Ok` when the client signed
/// out or the server closed the connection as the protocol has it; otherwise what ended the session.
pub async fn run(stream: Stream, local: SocketAddr, state: Arc<State>, role: Role) -> Result<(), SessionError> {
    let newest = state
        .config
        .versions
        .clone()
        .rev()
        .find_map(|n| crate::SPEC.version(&format!("MSNP{n}")))
        .or(crate::SPEC.versions.last());
    // A spec without versions serves nothing.
    let Some(newest) = newest else { return Ok(()) };
    let mut conn = Connection::new(stream, newest, Dir::Client, state.config.limits, state.config.idle_timeout);
    let (outbox, mut inbox) = mpsc::channel(256);
    let mut session = Session {
        state,
        role,
        local,
        version: None,
        pending: None,
        handle: None,
        challenge: None,
        outbox,
        changed_status: false,
        soap_ticket: None,
        blp: None,
    };
    let mut clock = Deadlines::new(&session.state.config);
    let ended = loop {
        let (deadline, what, limit) = clock.next(session.handle.is_some());
        let now = Instant::now();
        if now >= deadline {
            break Err(SessionError::Timeout { what, limit });
        }
        let wait = (deadline - now).min(clock.frame_timeout);
        tokio::select! {
            frame = conn.recv_within(wait) => {
                let next = match frame {
                    Ok(frame) => {
                        (clock.quiet_since, clock.partial_since) = (Instant::now(), None);
                        session.handle(&mut conn, frame).await
                    }
                    // Time to look at the deadlines again; a frame under way starts its own clock.
                    Err(NetError::Timeout(_)) => {
                        if conn.has_partial_frame() {
                            clock.partial_since.get_or_insert(Instant::now());
                        }
                        Ok(Next::Continue)
                    }
                    // Any other read error (closed, over the limits) ends the session.
                    Err(error) => Err(error.into()),
                };
                match next {
                    Ok(Next::Continue) => {}
                    Ok(Next::Close) => break Ok(()),
                    Err(error) => break Err(error),
                }
            }
            Some(push) = inbox.recv() => {
                if let Err(error) = conn.send(push).await {
                    break Err(error.into());
                }
            }
        }
    };
    session.sign_out();
    ended
}

impl Session {
    fn version(&self) -> &'static VersionDef {
        self.version.unwrap_or(&crate::SPEC.versions[0])
    }

    /// A message of `form` from the server in the session's version.
    fn reply(&self, form: FormRef) -> Result<Outgoing, SessionError> {
        Ok(Outgoing::new(self.version(), Dir::Server, form)?)
    }

    async fn send(&self, conn: &mut Connection<Stream>, message: Outgoing) -> Result<(), SessionError> {
        let bytes = message.to_bytes()?;
        Ok(conn.send(bytes).await?)
    }

    /// Sends error `code` in answer to TrID `trid` (0 when the request had none).
    async fn error(&self, conn: &mut Connection<Stream>, code: u16, trid: Option<u32>) -> Result<(), SessionError> {
        let mut line = Vec::new();
        ErrorReply { code, tr_id: trid.unwrap_or(0), payload: None }.write(&mut line);
        Ok(conn.send(line).await?)
    }

    async fn handle(&mut self, conn: &mut Connection<Stream>, frame: Frame) -> Result<Next, SessionError> {
        let raw = RawCommand::parse(&frame.line, &frame.payload, Tokens::Wire);
        if raw.is_error_code() {
            return Ok(Next::Continue);
        }
        let Some(version) = self.version else {
            return self.negotiate(conn, &raw).await;
        };
        // The same tolerant receive path as the client's: a doubled space or a missing trailing argument from a
        // client in the wild is read as the client meant it.
        let received =
            Received::read(version, Dir::Client, Services::DS.union(Services::NS), &frame.line, &frame.payload);
        let message = match &received {
            Ok(received) => received.incoming(),
            Err(_) => {
                // A line the version does not allow: a syntax error, answered with its TrID when it has one.
                let trid = raw.arg(0).and_then(|t| t.parse().ok());
                self.error(conn, 200, trid).await?;
                return Ok(Next::Continue);
            }
        };
        let trid = message.trid().unwrap_or(0);
        if message.is(ver::REQUEST) {
            self.error(conn, 200, Some(trid)).await?;
        } else if message.is(inf::REQUEST) {
            self.send(conn, self.reply(inf::REPLY)?.trid(trid).args(inf::args::PACKAGES, ["MD5"])).await?;
        } else if message.is(cvr::REQUEST) {
            let reply = self
                .reply(cvr::REPLY)?
                .trid(trid)
                .arg(cvr::args::RECOMMENDED_VERSION, "5.0.0540")
                .arg(cvr::args::ALSO_RECOMMENDED, "5.0.0540")
                .arg(cvr::args::MINIMUM_VERSION, "1.0.0863")
                .arg(cvr::args::DOWNLOAD_URL, "http://download.example.com/msnsetup.exe")
                .arg(cvr::args::INFO_URL, "http://messenger.example.com");
            self.send(conn, reply).await?;
        } else if message.is(usr::MD5_I) || message.is(usr::TWN_I) || message.is(usr::SSO_I) {
            return self.sign_in(conn, &message).await;
        } else if message.is(usr::MD5_S) || message.is(usr::TWN_S) || message.is(usr::SSO_S) {
            return self.authenticate(conn, &message).await;
        } else if self.handle.is_none() {
            // Everything else needs a signed-in account.
            self.error(conn, 201, Some(trid)).await?;
            return Ok(Next::Close);
        } else if message.is(syn::REQUEST) {
            return self.synchronise(conn, trid, &message).await;
        } else if message.is(chg::REQUEST) {
            self.change_status(conn, trid, &message).await?;
        } else if message.is(png::REQUEST) {
            let reply = self.reply(qng::REPLY)?;
            let reply = if reply.has(qng::args::NEXT_PING) {
                reply.arg(qng::args::NEXT_PING, self.state.config.next_ping)
            } else {
                reply
            };
            self.send(conn, reply).await?;
        } else if message.is(qry::REQUEST) {
            return self.check_challenge(conn, trid, &message).await;
        } else if message.is(adl::REQUEST) {
            self.add_to_lists(conn, trid, &message).await?;
        } else if message.is(blp::REQUEST) {
            self.set_privacy(conn, trid, &message).await?;
        } else if message.is(uux::REQUEST) {
            self.send(conn, self.reply(uux::REPLY)?.trid(trid)).await?;
        } else if message.is(out::REQUEST) {
            return Ok(Next::Close);
        } else {
            // A command this server does not carry out.
            self.error(conn, 502, message.trid()).await?;
        }
        Ok(Next::Continue)
    }

    /// VER: the highest version both sides accept, or `VER TrID 0` and a disconnect.
    async fn negotiate(&mut self, conn: &mut Connection<Stream>, raw: &RawCommand<'_>) -> Result<Next, SessionError> {
        // Before a version is chosen, the line is read as VER reads in every dialect (the session's default one).
        let no_version = || SessionError::NoVersion { command: raw.name().to_string() };
        if raw.name() != ver::REQUEST.command {
            return Err(no_version());
        }
        let request = Incoming::parse(self.version(), Dir::Client, raw)?;
        if !request.is(ver::REQUEST) {
            return Err(no_version());
        }
        let trid = request
            .trid()
            .ok_or_else(|| ParseError::MissingArgument { command: raw.name().to_string(), argument: "TrID" })?;
        let offered: Vec<&str> = request.get_all(ver::args::DIALECTS)?;
        let accepted = &self.state.config.versions;
        let newest = offered
            .into_iter()
            .filter_map(|d| crate::SPEC.version(d))
            .filter(|v| accepted.contains(&v.number()) && v.number() >= 2)
            .max_by_key(|v| v.rank);
        let Some(version) = newest else {
            // `VER TrID 0`: none of them; the reply is written in the default dialect, as no other was chosen.
            self.send(conn, self.reply(ver::REPLY)?.trid(trid).arg(ver::args::DIALECT, "0")).await?;
            return Ok(Next::Close);
        };
        self.version = Some(version);
        conn.set_version(version);
        self.send(conn, self.reply(ver::REPLY)?.trid(trid).arg(ver::args::DIALECT, version.name)).await?;
        if self.state.config.fault == Some(Fault::Silent) {
            // Keep the connection open and say nothing more.
            std::future::pending::<()>().await;
        }
        Ok(Next::Continue)
    }

    /// USR I: the dispatch server refers the client on; the notification server challenges it.
    async fn sign_in(
        &mut self,
        conn: &mut Connection<Stream>,
        message: &Incoming<'_, '_>,
    ) -> Result<Next, SessionError> {
        let trid = message.trid().unwrap_or(0);
        let handle: &str = message.require(usr::args::HANDLE)?;
        if self.role == Role::Dispatch {
            // The notification server on the address the client reached this one at (the listener may be bound
            // to every interface).
            let notification = SocketAddr::new(self.local.ip(), self.state.notification.port());
            let target = if self.state.config.fault == Some(Fault::RedirectLoop) { self.local } else { notification };
            let referral = self
                .reply(xfr::NS_REFERRAL)?
                .trid(trid)
                .arg(xfr::args::ADDRESS, target.to_string().as_str())
                .maybe_arg(xfr::args::CURRENT_SERVER, self.local.to_string().as_str());
            self.send(conn, referral).await?;
            return Ok(Next::Close);
        }
        if self.state.config.accounts.get(handle).is_none() {
            self.error(conn, 911, Some(trid)).await?;
            return Ok(Next::Continue);
        }
        if message.is(usr::MD5_I) {
            let salt = format!("{}.{:09}", 1_013_928_519 + self.state.next(), 693_957_190);
            self.send(conn, self.reply(usr::MD5_CHALLENGE)?.trid(trid).arg(usr::args::CHALLENGE, salt.as_str()))
                .await?;
            self.pending = Some((handle.to_string(), salt));
        } else if message.is(usr::SSO_I) {
            return self.sso_challenge(conn, trid, handle).await;
        } else {
            let params = "lc=1033,id=507,tw=40,fs=1,ru=http%3A%2F%2Fmessenger%2Emsn%2Ecom,ct=1062764229,kpp=1,kv=5,ver=2.1.0173.1,tpf=43f8a4c8ed940c04e3740be46c4d1619";
            self.send(conn, self.reply(usr::TWN_CHALLENGE)?.trid(trid).arg(usr::args::PASSPORT_PARAMS, params)).await?;
            self.pending = Some((handle.to_string(), String::new()));
        }
        Ok(Next::Continue)
    }

    /// USR S: checks the digest, the ticket, or the ticket and the response to the nonce (SSO), then USR OK and
    /// what follows a sign-in.
    async fn authenticate(
        &mut self,
        conn: &mut Connection<Stream>,
        message: &Incoming<'_, '_>,
    ) -> Result<Next, SessionError> {
        let trid = message.trid().unwrap_or(0);
        let Some((handle, salt_or_nonce)) = self.pending.take() else {
            self.error(conn, 911, Some(trid)).await?;
            return Ok(Next::Close);
        };
        let (accepted, ticket) = if message.is(usr::MD5_S) {
            let digest: &str = message.require(usr::args::DIGEST)?;
            let accounts = &self.state.config.accounts;
            (accounts.get(&handle).is_some_and(|a| md5_login_digest(&salt_or_nonce, &a.password) == digest), None)
        } else if message.is(usr::SSO_S) {
            let accepted = self.sso_accepted(message, &handle, &salt_or_nonce);
            let contacts = self.state.sso.lock().ok().and_then(|t| t.contacts_ticket(&handle));
            (accepted, contacts.filter(|_| accepted))
        } else {
            let ticket: &str = message.require(usr::args::TICKET)?;
            (self.state.take_ticket(ticket, &handle), Some(ticket.to_string()))
        };
        let state = self.state.clone();
        let Some(account) = state.config.accounts.get(&handle).filter(|_| accepted) else {
            self.error(conn, 911, Some(trid)).await?;
            return Ok(Next::Close);
        };
        let list = &account.list;
        let ok = usr_ok(self.version(), &list.account, trid, state.config.quirks)?;
        conn.send(ok).await?;
        let handle = list.account.handle.clone();
        self.sign_on(handle.clone(), ticket);
        if let Ok(push) = self.reply(sbs::PUSH) {
            self.send(conn, push.arg(sbs::args::SUBSCRIPTION, "null")).await?;
        }
        if quirks::sends_profile(state.config.quirks.applicable(self.version())) {
            self.send(conn, self.profile(&handle)?).await?;
        }
        if let Ok(push) = self.reply(prp::PUSH) {
            self.send(conn, push.arg(prp::args::FRIENDLY_NAME, Plain(&list.account.friendly_name))).await?;
        }
        match self.state.config.fault {
            Some(Fault::HugePayload) => {
                conn.send(b"MSG Hotmail Hotmail 1000000000\r\n".to_vec()).await?;
            }
            Some(Fault::GarbageLine) => {
                conn.send(b"ZZZ this is no command\r\n".to_vec()).await?;
            }
            Some(Fault::SignOut) => {
                self.send(conn, self.reply(out::NOTICE)?.arg(out::args::REASON, "OTH")).await?;
                return Ok(Next::Close);
            }
            _ => {}
        }
        if self.state.config.challenge
            && let Ok(push) = self.reply(chl::PUSH)
        {
            let challenge = format!("{:020}", 15_570_131_571_988_941_333u64.wrapping_add(self.state.next()));
            self.send(conn, push.arg(chl::args::CHALLENGE, challenge.as_str())).await?;
            self.challenge = Some(challenge);
        }
        Ok(Next::Continue)
    }

    /// The initial profile message (`MSG Hotmail Hotmail`), with the session's own values.
    fn profile(&self, handle: &str) -> Result<Outgoing, SessionError> {
        let mut text = String::from("MIME-Version: 1.0\r\nContent-Type: text/x-msmsgsprofile; charset=UTF-8\r\n");
        for (name, value) in [
            ("LoginTime", "1726321960"),
            ("EmailEnabled", "1"),
            ("MemberIdHigh", "1"),
            ("MemberIdLow", "2"),
            ("lang_preference", "1033"),
            ("PreferredEmail", handle),
            ("country", "US"),
            ("Kid", "0"),
            ("Flags", "1027"),
            ("sid", "507"),
            ("kv", "11"),
            ("MSPAuth", "0123456789abcdef"),
            ("ClientIP", "127.0.0.1"),
            ("ClientPort", "4660"),
        ] {
            text.push_str(&format!("{name}: {value}\r\n"));
        }
        if self.version().number() >= 10 {
            text.push_str("ABCHMigrated: 1\r\n");
        }
        text.push_str("\r\n");
        Ok(self
            .reply(msg::INCOMING)?
            .arg(msg::args::SENDER, "Hotmail")
            .arg(msg::args::SENDER_NAME, "Hotmail")
            .payload(text.into_bytes()))
    }

    /// Marks the session signed in as `handle`; the Passport ticket it signed in with, when it did, then
    /// authenticates the address-book services until it signs out.
    fn sign_on(&mut self, handle: String, ticket: Option<String>) {
        if let Some(ticket) = ticket {
            self.state.grant_soap_ticket(&ticket, &handle);
            if let Some(previous) = self.soap_ticket.replace(ticket) {
                self.state.revoke_soap_ticket(&previous);
            }
        }
        if let Ok(mut online) = self.state.online.lock() {
            online.insert(
                handle.to_ascii_lowercase(),
                Online { version: self.version(), status: None, caps: None, outbox: self.outbox.clone() },
            );
        }
        self.handle = Some(handle);
    }

    fn sign_out(&mut self) {
        if let Some(ticket) = self.soap_ticket.take() {
            self.state.revoke_soap_ticket(&ticket);
        }
        let Some(handle) = self.handle.take() else { return };
        let was_visible = self
            .state
            .online
            .lock()
            .ok()
            .and_then(|mut online| online.remove(&handle.to_ascii_lowercase()))
            .and_then(|o| o.status)
            .is_some_and(|s| s != "HDN");
        if was_visible {
            self.fan_out(&handle, None, None);
        }
    }

    /// SYN: the account's settings, groups and lists, as the version streams them.
    async fn synchronise(
        &mut self,
        conn: &mut Connection<Stream>,
        trid: u32,
        message: &Incoming<'_, '_>,
    ) -> Result<Next, SessionError> {
        let handle = self.handle.clone().unwrap_or_default();
        let state = self.state.clone();
        let Some(account) = state.config.accounts.get(&handle) else { return Ok(Next::Close) };
        let list = &account.list;
        let asked: u32 = message.get(syn::args::LIST_VERSION).ok().flatten().unwrap_or(0);
        let current = 1u32;
        if asked == current
            && let Ok(reply) = self.reply(syn::REPLY_CURRENT)
        {
            let reply =
                reply.trid(trid).arg(syn::args::LIST_VERSION, current).maybe_arg(syn::args::SETTINGS_VERSION, current);
            self.send(conn, reply).await?;
            return Ok(Next::Continue);
        }
        let lines = syn_answer::answer(self.version(), list, trid, current, self.state.config.quirks)?;
        let cut = if self.state.config.fault == Some(Fault::CloseDuringSyn) { lines.len() / 2 } else { lines.len() };
        conn.send(lines[..cut].concat()).await?;
        if cut < lines.len() {
            return Ok(Next::Close);
        }
        Ok(Next::Continue)
    }

    /// QRY: the answer to the challenge sent with CHL, for the product ID the client names.
    async fn check_challenge(
        &mut self,
        conn: &mut Connection<Stream>,
        trid: u32,
        message: &Incoming<'_, '_>,
    ) -> Result<Next, SessionError> {
        let id: &str = message.require(qry::args::CLIENT_KEY_ID)?;
        let answer = String::from_utf8_lossy(message.payload()).into_owned();
        let version = self.version().number();
        let good = self.challenge.take().is_some_and(|challenge| {
            [ProductKey::MSMSGS, ProductKey::PROD0090, ProductKey::PROD0112, ProductKey::PROD0119]
                .iter()
                .any(|p| p.id == id && challenge_response(version, &challenge, *p) == answer)
        });
        if good {
            self.send(conn, self.reply(qry::REPLY)?.trid(trid)).await?;
            Ok(Next::Continue)
        } else {
            self.error(conn, 540, Some(trid)).await?;
            Ok(Next::Close)
        }
    }
}

/// USR OK for `account` in `version`, answering TrID `trid`, with the quirks that change its arguments
/// (missing-trailing-arg, then extra-trailing-arg) applied to the written line.
pub(crate) fn usr_ok(
    version: &'static VersionDef,
    account: &AccountInfo,
    trid: u32,
    quirks: Quirks,
) -> Result<Vec<u8>, ComposeError> {
    let quirks = quirks.applicable(version);
    let mut line = Outgoing::new(version, Dir::Server, usr::OK)?
        .trid(trid)
        .arg(usr::args::HANDLE, account.handle.as_str())
        .maybe_arg(usr::args::FRIENDLY_NAME, Plain(&account.friendly_name))
        .maybe_arg(usr::args::VERIFIED, true)
        .maybe_arg(usr::args::RESTRICTED, false)
        .to_bytes()?;
    quirks::drop_last_argument(quirks, &mut line);
    quirks::add_trailing_argument(quirks, &mut line);
    Ok(line)
}
