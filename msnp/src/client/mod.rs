//! The client: logs in with any version from MSNP2 to MSNP14, synchronises the contact list, sets a status and
//! collects presence, and signs out. Messages are read and written by form and argument name
//! ([`crate::typed::message`]), so the same code serves every version; what differs between eras is which forms exist.
//!
//! ```text
//! connect (dispatch or notification server) --> VER --> INF (MSNP2-7) | CVR (MSNP8+) --> USR I
//!   --> XFR NS: reconnect to the notification server (a bounded number of hops)
//!   --> USR MD5 S salt: digest of salt and password            (MSNP2-7)
//!   --> USR TWN S params: nexus, login, ticket (Passport 1.4)   (MSNP8-14)
//! --> USR OK --> SYN (MSNP2-12) --> CHG --> OUT
//! at any point: CHL answered with QRY; presence (ILN/NLN/FLN) kept as events; lines the spec does not allow
//! are warnings, tolerated
//! ```
//!
//! Every step has a timeout, and a failure names its stage and shows the server's line.

mod passport;

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::time::Duration;

use tokio::net::TcpStream;
// Deadlines are read on tokio's clock, the one the timeouts they set run on: with the clock paused (tests, the
// fuzz target) a step's time then runs out as soon as nothing else can happen, and `watch` ends, instead of
// spinning on timeouts until the system clock catches up.
use tokio::time::Instant;

use crate::account::auth::{ProductKey, challenge_response, md5_login_digest};
use crate::account::contacts::{AccountInfo, Contact, ContactList, Group, List};
use crate::account::list_counter::ListCounter;
use crate::generated::forms::*;
use crate::spec::Services;
use crate::spec::{Dir, VersionDef};
use crate::typed::ErrorReply;
use crate::typed::message::Received;
use crate::typed::message::{FormRef, Incoming, Outgoing};
use crate::wire::frame::Limits;
use crate::wire::net::{Connection, Frame, NetError, Redact, Transcript};
pub use crate::wire::net::{Stream, Transport};
use crate::wire::raw::{RawCommand, Tokens};
use crate::wire::text::Decoded;

pub use passport::{PassportError, check_ca};

/// The Passport 1.4 nexus official clients asked first.
pub const DEFAULT_NEXUS: &str = "https://nexus.passport.com/rdr/pprdr.asp";

/// How often a watching client sends PNG when the server names no interval (official clients: about 50 s).
pub const PING_INTERVAL: Duration = Duration::from_secs(45);

/// The most lines a SYN may bring (the official limits were 600 and later 1,000 contacts, each on up to five
/// lists, with a few properties and at most 30 groups).
pub const MAX_SYN_LINES: usize = 100_000;

/// The most warnings a session keeps.
pub const MAX_WARNINGS: usize = 256;
/// The most presence events a session keeps before they are taken.
pub const MAX_EVENTS: usize = 4096;

/// Where a session is: every failure names one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// Connecting to a server.
    Connect,
    /// Negotiating the version.
    Ver,
    /// INF (MSNP2 to MSNP7).
    Inf,
    /// CVR (MSNP8 and later).
    Cvr,
    /// The first USR, naming the account.
    UsrI,
    /// Asking the Passport nexus for the login server.
    Nexus,
    /// Logging in at the Passport login server.
    Login,
    /// The second USR, with the digest or the ticket.
    UsrS,
    /// Synchronising the contact list.
    Syn,
    /// Setting the status.
    Chg,
    /// Waiting for presence.
    Watch,
    /// Signing out.
    Out,
}

impl Stage {
    /// The stage's name, as the CLI prints it.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Connect => "connect",
            Stage::Ver => "VER",
            Stage::Inf => "INF",
            Stage::Cvr => "CVR",
            Stage::UsrI => "USR I",
            Stage::Nexus => "nexus",
            Stage::Login => "login",
            Stage::UsrS => "USR S",
            Stage::Syn => "SYN",
            Stage::Chg => "CHG",
            Stage::Watch => "watch",
            Stage::Out => "OUT",
        }
    }
}

/// What went wrong at a stage.
#[derive(Debug)]
pub enum Failure {
    /// The connection failed, closed or timed out.
    Network(NetError),
    /// The server accepts none of the versions offered.
    VersionRefused,
    /// The server answered with an error code.
    ServerError {
        /// The code.
        code: u16,
        /// Its meaning, from the spec.
        meaning: String,
    },
    /// Passport 1.4 failed.
    Passport(PassportError),
    /// More referrals than allowed.
    TooManyReferrals(usize),
    /// The server sent something the step cannot go on with.
    Protocol(String),
    /// The step's time ran out while lines were arriving, but not the ones it waited for.
    Incomplete(Box<Due>),
}

/// What a step still waited for when its time ran out, and what arrived instead.
#[derive(Debug)]
pub struct Due {
    /// What the step waited for, such as `1 of 2 RL entries` or `the reply to TrID 4`.
    pub awaited: String,
    /// The step's time.
    pub waited: Duration,
    /// How many lines arrived meanwhile.
    pub arrived: usize,
    /// How many of them could not be used.
    pub skipped: usize,
    /// The first line skipped, with why.
    pub example: Option<String>,
}

/// A failure, the stage it happened at, and the server's line when one caused it.
#[derive(Debug)]
pub struct LoginError {
    /// The stage.
    pub stage: Stage,
    /// What went wrong.
    pub failure: Failure,
    /// The server's line, when one caused the failure.
    pub server_line: Option<String>,
    /// The session up to the failure, when it was recorded ([`ClientConfig::record`]) and the failure happened
    /// while signing in or signing out (for the steps between, [`Client::transcript`] still has it).
    pub transcript: Option<Box<Transcript>>,
    /// The lines tolerated before the failure, as [`Client::warnings`] has them (set by the same steps).
    pub warnings: Box<[String]>,
}

impl LoginError {
    fn new(stage: Stage, failure: Failure) -> Self {
        LoginError { stage, failure, server_line: None, transcript: None, warnings: Box::default() }
    }

    /// The error with the session's recording and warnings so far.
    pub fn with_session(mut self, transcript: Option<Transcript>, warnings: Vec<String>) -> Self {
        self.transcript = transcript.map(Box::new);
        self.warnings = warnings.into_boxed_slice();
        self
    }

    fn line(mut self, line: &str) -> Self {
        self.server_line = Some(line.to_string());
        self
    }

    /// Whether the account or the password was refused (MD5 digest, Passport 401, or 911 after a ticket).
    pub fn is_bad_credentials(&self) -> bool {
        match &self.failure {
            Failure::Passport(PassportError::Refused(_)) => true,
            Failure::ServerError { code, .. } => *code == 911,
            _ => false,
        }
    }
}

impl fmt::Display for LoginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.stage.name())?;
        match &self.failure {
            Failure::Network(e) => write!(f, "{e}")?,
            Failure::VersionRefused => f.write_str("the server accepts none of the versions offered")?,
            Failure::ServerError { code, meaning } => write!(f, "error {code}: {meaning}")?,
            Failure::Passport(
                PassportError::Unreachable(why)
                | PassportError::Nexus(why)
                | PassportError::Login(why)
                | PassportError::Refused(why),
            ) => f.write_str(why)?,
            Failure::TooManyReferrals(n) => write!(f, "more than {n} referrals (XFR NS)")?,
            Failure::Protocol(why) => f.write_str(why)?,
            Failure::Incomplete(due) => {
                let Due { awaited, waited, arrived, skipped, example } = due.as_ref();
                write!(f, "{awaited} missing after {waited:?}; {arrived} lines arrived")?;
                if *skipped > 0 {
                    write!(f, ", {skipped} skipped")?;
                }
                if let Some(example) = example {
                    write!(f, ": {example}")?;
                }
            }
        }
        if let Some(line) = &self.server_line {
            write!(f, " (server: `{line}`)")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoginError {}

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
    /// The Passport login server, to skip the nexus.
    pub login_url: Option<String>,
    /// An extra CA certificate (PEM) to trust for Passport over HTTPS.
    pub extra_ca: Option<Vec<u8>>,
    /// The limit on each step.
    pub timeout: Duration,
    /// How many `XFR NS` referrals to follow.
    pub max_referrals: usize,
    /// Limits on what the server sends.
    pub limits: Limits,
    /// Whether to record the session as a transcript.
    pub record: bool,
}

impl ClientConfig {
    /// A configuration with the defaults: the real Passport nexus, 15-second steps, 3 referrals.
    pub fn new(version: &'static VersionDef, server: &str, account: &str, password: &str) -> Self {
        ClientConfig {
            version,
            server: server.to_string(),
            account: account.to_string(),
            password: password.to_string(),
            nexus: DEFAULT_NEXUS.into(),
            login_url: None,
            extra_ca: None,
            timeout: Duration::from_secs(15),
            max_referrals: 3,
            limits: Limits::default(),
            record: false,
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
}

/// What arrived during one step.
#[derive(Debug, Default)]
struct StepLog {
    arrived: usize,
    skipped: usize,
    example: Option<String>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client").field("version", &self.version.name).field("account", &self.account).finish()
    }
}

fn net(stage: Stage) -> impl Fn(NetError) -> LoginError {
    move |e| LoginError::new(stage, Failure::Network(e))
}

/// The failure for `line`, whose arguments the step cannot read.
fn malformed(stage: Stage, line: &str) -> impl Fn(crate::typed::ParseError) -> LoginError + Copy + '_ {
    move |e| LoginError::new(stage, Failure::Protocol(e.to_string())).line(line)
}

/// Connects over TCP, with Nagle's delay off (a login is many small round trips).
async fn tcp(server: String) -> std::io::Result<Stream> {
    let stream = TcpStream::connect(server).await?;
    let _ = stream.set_nodelay(true);
    Ok(Box::new(stream))
}

impl Client {
    /// Logs in: connects, negotiates, authenticates, follows referrals to the notification server.
    pub async fn login(config: &ClientConfig) -> Result<Client, LoginError> {
        Client::login_via(config, tcp).await
    }

    /// Like [`Client::login`], opening each connection (the first server, then every referral's address) with
    /// `connect` instead of TCP.
    pub async fn login_via<F, C>(config: &ClientConfig, mut connect: C) -> Result<Client, LoginError>
    where
        C: FnMut(String) -> F,
        F: Future<Output = std::io::Result<Stream>>,
    {
        let mut server = config.server.clone();
        // What the connections of one login share: the recording, the tolerated lines, the TrIDs.
        let mut transcript = config.record.then(Transcript::new);
        let mut warnings = Vec::new();
        let mut trid = 1u32;
        for _ in 0..=config.max_referrals {
            let mut client = match Client::connect(config, connect(server.clone()), trid).await {
                Ok(client) => client,
                Err(e) => return Err(e.with_session(transcript, warnings)),
            };
            client.transcript = transcript.take().map(|mut t| {
                t.open(&server);
                t
            });
            client.warnings = warnings;
            match client.authenticate(config).await {
                Err(e) => return Err(e.with_session(client.transcript.take(), client.warnings)),
                Ok(Referral::Done) => return Ok(client),
                Ok(Referral::To(next)) => {
                    trid = client.trid;
                    transcript = client.transcript.take().map(|mut t| {
                        t.close(false);
                        t
                    });
                    warnings = std::mem::take(&mut client.warnings);
                    server = next;
                }
            }
        }
        let failure = Failure::TooManyReferrals(config.max_referrals);
        Err(LoginError::new(Stage::UsrI, failure).with_session(transcript, warnings))
    }

    async fn connect(
        config: &ClientConfig,
        connecting: impl Future<Output = std::io::Result<Stream>>,
        trid: u32,
    ) -> Result<Client, LoginError> {
        let stream = match tokio::time::timeout(config.timeout, connecting).await {
            Err(_) => return Err(net(Stage::Connect)(NetError::Timeout(config.timeout))),
            Ok(Err(e)) => return Err(net(Stage::Connect)(NetError::Io(e))),
            Ok(Ok(stream)) => stream,
        };
        Ok(Client {
            conn: Connection::new(stream, config.version, Dir::Server, config.limits, config.timeout),
            version: config.version,
            number: config.version.number(),
            trid,
            account: config.account.clone(),
            friendly_name: None,
            timeout: config.timeout,
            transcript: None,
            warnings: Vec::new(),
            events: VecDeque::new(),
            ping_interval: PING_INTERVAL,
            step: StepLog::default(),
            lost: Vec::new(),
        })
    }

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

    /// Reads a line from the server with the tolerant receive path, on the dispatch or notification service.
    fn read<'f>(&self, frame: &'f Frame) -> Result<Received<'f>, crate::typed::ParseError> {
        Received::read(self.version, Dir::Server, Services::DS.union(Services::NS), &frame.line, &frame.payload)
    }

    /// Presence events received so far, oldest first; taking them empties the queue.
    pub fn take_events(&mut self) -> Vec<Presence> {
        self.events.drain(..).collect()
    }

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

    async fn send(&mut self, message: Outgoing, stage: Stage, redact: Redact<'_>) -> Result<(), LoginError> {
        let bytes = message.to_bytes().map_err(|e| LoginError::new(stage, Failure::Protocol(e.to_string())))?;
        if let Some(t) = &mut self.transcript {
            t.message(Dir::Client, &bytes, redact);
        }
        self.conn.send(bytes).await.map_err(net(stage))
    }

    /// When a step that starts now must be over: each step (one request and its answer, or a whole SYN) has
    /// [`ClientConfig::timeout`], however many lines the server sends meanwhile.
    fn step_deadline(&mut self) -> Instant {
        self.step = StepLog::default();
        Instant::now() + self.timeout
    }

    /// Notes a line the current step skipped.
    fn skip(&mut self, line: String) {
        self.step.skipped += 1;
        if self.step.example.is_none() {
            self.step.example = Some(line.clone());
        }
        self.warn(line);
    }

    async fn next_within(&mut self, stage: Stage, trid: Option<u32>, wait: Duration) -> Result<Frame, LoginError> {
        self.next_until(stage, trid, Instant::now() + wait).await
    }

    /// The next frame the current step must look at, before `deadline`. Challenges are answered and presence is
    /// kept on the way; error replies to `trid` fail the step; lines the spec does not allow are warnings.
    async fn next_until(&mut self, stage: Stage, trid: Option<u32>, deadline: Instant) -> Result<Frame, LoginError> {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let frame = match self.conn.recv_within(left).await {
                Ok(frame) => frame,
                // A step whose time ran out while lines were arriving says so, rather than "nothing arrived".
                Err(NetError::Timeout(_)) if self.step.arrived > 0 => {
                    let awaited = match trid {
                        Some(trid) => format!("the reply to TrID {trid}"),
                        None => "the rest of the answer".to_string(),
                    };
                    return Err(self.incomplete(stage, awaited));
                }
                Err(NetError::Timeout(_)) => return Err(net(stage)(NetError::Timeout(self.timeout))),
                Err(e) => return Err(net(stage)(e)),
            };
            self.step.arrived += 1;
            if let Some(t) = &mut self.transcript {
                let redact = Redact::Headers(&["MSPAuth", "MSPProf", "sid", "ClientIP", "ClientPort"]);
                t.frame(Dir::Server, &frame.line, &frame.payload, redact);
            }
            match self.look(stage, trid, &frame) {
                Look::Take => return Ok(frame),
                Look::Skip => {}
                Look::Fail(e) => return Err(e),
                Look::Challenge(challenge) => self.answer_challenge(stage, &challenge).await?,
            }
        }
    }

    /// What the current step does with `frame`.
    fn look(&mut self, stage: Stage, trid: Option<u32>, frame: &Frame) -> Look {
        let raw = RawCommand::parse(&frame.line, &frame.payload, Tokens::Wire);
        if raw.is_error_code() {
            let (code, answered) = match ErrorReply::parse_line(&raw) {
                Ok((code, answered, _)) => (code, answered),
                Err(e) => {
                    return Look::Fail(LoginError::new(stage, Failure::Protocol(e.to_string())).line(&frame.line));
                }
            };
            if trid.is_none_or(|t| t == answered) {
                let meaning = crate::SPEC.error(code).map_or("an error the spec does not list", |e| e.doc);
                let failure = Failure::ServerError { code, meaning: meaning.to_string() };
                return Look::Fail(LoginError::new(stage, failure).line(&frame.line));
            }
            self.warn(format!("`{}`: an error reply to no pending request", frame.line));
            return Look::Skip;
        }
        let received = match self.read(frame) {
            Ok(received) => received,
            // A line no repair saves still counts: the reply the step waits for fails the step with why (it is
            // never waited for again), and the SYN readers count list lines they cannot read.
            Err(_) if trid.is_some() && raw.arg(0).and_then(|t| t.parse::<u32>().ok()) == trid => return Look::Take,
            Err(_) if stage == Stage::Syn => return Look::Take,
            Err(e) => {
                self.skip(format!("`{}`: {e}", frame.line));
                return Look::Skip;
            }
        };
        if let Some(repair) = received.repair() {
            self.warn(format!("`{}`: {repair}", frame.line));
        }
        let incoming = received.incoming();
        if incoming.is(chl::PUSH) {
            let challenge = incoming.get::<&str>(chl::args::CHALLENGE).ok().flatten().unwrap_or_default();
            return Look::Challenge(challenge.to_string());
        }
        if incoming.is(qry::REPLY) || incoming.is(sbs::PUSH) || incoming.is(msg::INCOMING) {
            // Answers to challenges, subscription states, the profile and system messages: nothing waits for them.
            return Look::Skip;
        }
        if incoming.is(out::NOTICE) || incoming.is(out::RECONNECT) {
            let why = match incoming.value_doc(out::args::REASON) {
                Some(doc) => format!("the server signed the session out: {doc}"),
                None => "the server signed the session out".to_string(),
            };
            return Look::Fail(LoginError::new(stage, Failure::Protocol(why)).line(&frame.line));
        }
        if incoming.is(prp::PUSH) {
            if let Ok(Some(name)) = incoming.get::<Decoded>(prp::args::FRIENDLY_NAME) {
                self.friendly_name = Some(self.text(name, &frame.line));
            }
            return Look::Skip;
        }
        if let Some(presence) = presence(&incoming) {
            if self.events.len() == MAX_EVENTS {
                // A flood of presence keeps the newest.
                self.events.pop_front();
            }
            self.events.push_back(presence);
            return Look::Skip;
        }
        Look::Take
    }

    async fn answer_challenge(&mut self, stage: Stage, challenge: &str) -> Result<(), LoginError> {
        let product = ProductKey::for_version(self.number);
        let answer = challenge_response(self.number, challenge, product);
        let trid = self.next_trid();
        let query =
            self.message(qry::REQUEST, stage)?.trid(trid).arg(qry::args::CLIENT_KEY_ID, product.id).payload(answer);
        self.send(query, stage, Redact::None).await
    }

    /// Expects one of `forms` in answer to `trid`, within the step's time.
    async fn expect(&mut self, stage: Stage, trid: u32, forms: &[FormRef]) -> Result<(Frame, FormRef), LoginError> {
        let deadline = self.step_deadline();
        loop {
            let frame = self.next_until(stage, Some(trid), deadline).await?;
            let found = match self.read(&frame) {
                Ok(received) => {
                    let i = received.incoming();
                    forms.iter().copied().find(|f| i.is(*f) && i.trid() == Some(trid))
                }
                // The reply to this request, which no repair can read: waiting longer would wait for a line that
                // already came.
                Err(e) if RawCommand::parse(&frame.line, b"", Tokens::Wire).arg(0) == Some(&*trid.to_string()) => {
                    let why = format!("the reply to TrID {trid} cannot be read: {e}");
                    return Err(LoginError::new(stage, Failure::Protocol(why)).line(&frame.line));
                }
                Err(_) => None,
            };
            if let Some(form) = found {
                return Ok((frame, form));
            }
            self.skip(format!("`{}`: not an answer to TrID {trid} at {}", frame.line, stage.name()));
        }
    }

    async fn authenticate(&mut self, config: &ClientConfig) -> Result<Referral, LoginError> {
        // VER: the version, and CVR0 as every official client offers it.
        let trid = self.next_trid();
        let ver =
            self.message(ver::REQUEST, Stage::Ver)?.trid(trid).args(ver::args::DIALECTS, [self.version.name, "CVR0"]);
        self.send(ver, Stage::Ver, Redact::None).await?;
        let (frame, _) = self.expect(Stage::Ver, trid, &[ver::REPLY]).await?;
        let chosen = self
            .read(&frame)
            .and_then(|received| {
                let reply = received.incoming();
                let mut dialects: Vec<&str> = vec![reply.require(ver::args::DIALECT)?];
                dialects.extend(reply.get_all::<&str>(ver::args::ALSO)?);
                Ok(dialects.iter().any(|d| d.eq_ignore_ascii_case(self.version.name)))
            })
            .unwrap_or(false);
        if !chosen {
            return Err(LoginError::new(Stage::Ver, Failure::VersionRefused).line(&frame.line));
        }
        // INF (MSNP2-7) or CVR (MSNP8 and later).
        let trid = self.next_trid();
        if Outgoing::exists(self.version, Dir::Client, inf::REQUEST) {
            let inf = self.message(inf::REQUEST, Stage::Inf)?.trid(trid);
            self.send(inf, Stage::Inf, Redact::None).await?;
            self.expect(Stage::Inf, trid, &[inf::REPLY]).await?;
        } else {
            let cvr = self
                .message(cvr::REQUEST, Stage::Cvr)?
                .trid(trid)
                .arg(cvr::args::LCID, "0x0409")
                .arg(cvr::args::OS_TYPE, "win")
                .arg(cvr::args::OS_VERSION, "4.10")
                .arg(cvr::args::ARCH, "i386")
                .arg(cvr::args::LIBRARY, "MSNMSGR")
                .arg(cvr::args::CLIENT_VERSION, "5.0.0537")
                .maybe_arg(cvr::args::CLIENT_ID, "MSMSGS")
                .maybe_arg(cvr::args::HANDLE, config.account.as_str());
            self.send(cvr, Stage::Cvr, Redact::None).await?;
            self.expect(Stage::Cvr, trid, &[cvr::REPLY]).await?;
        }
        // USR I.
        let md5 = Outgoing::exists(self.version, Dir::Client, usr::MD5_I);
        let first = if md5 { usr::MD5_I } else { usr::TWN_I };
        let trid = self.next_trid();
        let usr = self.message(first, Stage::UsrI)?.trid(trid).arg(usr::args::HANDLE, config.account.as_str());
        self.send(usr, Stage::UsrI, Redact::None).await?;
        let challenges = [usr::MD5_CHALLENGE, usr::MD5_CHALLENGE_MDS, usr::TWN_CHALLENGE, xfr::NS_REFERRAL];
        let (frame, form) = self.expect(Stage::UsrI, trid, &challenges).await?;
        let received = self.read(&frame).map_err(|e| LoginError::new(Stage::UsrI, Failure::Protocol(e.to_string())))?;
        let incoming = received.incoming();
        if form == xfr::NS_REFERRAL {
            let address: &str = incoming.require(xfr::args::ADDRESS).map_err(malformed(Stage::UsrI, &frame.line))?;
            return Ok(Referral::To(address.to_string()));
        }
        // USR S: the digest, or the ticket from Passport.
        let (second, secret, placeholder) = if md5 {
            let salt: &str = incoming.require(usr::args::CHALLENGE).map_err(malformed(Stage::UsrI, &frame.line))?;
            (usr::MD5_S, md5_login_digest(salt, &config.password), "md5(salt + password)")
        } else {
            let params: &str =
                incoming.require(usr::args::PASSPORT_PARAMS).map_err(malformed(Stage::UsrI, &frame.line))?;
            (usr::TWN_S, self.passport(config, params).await?, "ticket")
        };
        let trid = self.next_trid();
        let argument = if md5 { usr::args::DIGEST } else { usr::args::TICKET };
        let usr = self.message(second, Stage::UsrS)?.trid(trid).arg(argument, secret.as_str());
        self.send(usr, Stage::UsrS, Redact::Token(&secret, placeholder)).await?;
        // A refusal is `911` with its meaning from the spec; is_bad_credentials tells it apart.
        let (frame, _) = self.expect(Stage::UsrS, trid, &[usr::OK]).await?;
        if let Ok(received) = self.read(&frame) {
            let ok = received.incoming();
            if let Ok(Some(name)) = ok.get::<Decoded>(usr::args::FRIENDLY_NAME) {
                self.friendly_name = Some(self.text(name, &frame.line));
            }
        }
        Ok(Referral::Done)
    }

    async fn passport(&mut self, config: &ClientConfig, challenge: &str) -> Result<String, LoginError> {
        let http = passport::http_client(config.timeout, config.extra_ca.as_deref())
            .map_err(|e| LoginError::new(Stage::Nexus, Failure::Passport(PassportError::Nexus(e))))?;
        let url = match &config.login_url {
            Some(url) => url.clone(),
            None => passport::login_url(&http, &config.nexus, 3)
                .await
                .map_err(|e| LoginError::new(Stage::Nexus, Failure::Passport(e)))?,
        };
        passport::ticket(&http, &url, &config.account, &config.password, challenge, 3)
            .await
            .map_err(|e| LoginError::new(Stage::Login, Failure::Passport(e)))
    }

    /// Synchronises: SYN with list version 0 and every line of the answer (MSNP2 to MSNP12). MSNP13 and later keep
    /// the lists in the address book services: the result holds the account alone.
    pub async fn synchronise(&mut self) -> Result<ContactList, LoginError> {
        let mut list = ContactList {
            account: AccountInfo {
                handle: self.account.clone(),
                friendly_name: self.friendly_name.clone().unwrap_or_default(),
                ..AccountInfo::default()
            },
            ..ContactList::default()
        };
        let deadline = self.step_deadline();
        if !Outgoing::exists(self.version, Dir::Client, syn::REQUEST) {
            // MSNP13 on: nothing to ask for; a PNG round trip collects what the server pushed after USR OK (the
            // account's friendly name in PRP MFN).
            let png = self.message(png::REQUEST, Stage::Syn)?;
            self.send(png, Stage::Syn, Redact::None).await?;
            loop {
                let frame = self.next_until(Stage::Syn, None, deadline).await?;
                match self.read(&frame) {
                    Ok(qng) if qng.incoming().is(qng::REPLY) => {
                        self.note_ping_interval(&qng.incoming());
                        break;
                    }
                    _ => self.unrelated(Stage::Syn, &frame),
                }
            }
            list.account.friendly_name = self.friendly_name.clone().unwrap_or_default();
            return Ok(list);
        }
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
            self.read_streamed(&mut list, contacts, groups, deadline).await?;
        } else {
            self.read_replies(&mut list, trid, deadline).await?;
        }
        self.check_groups(&list);
        Ok(list)
    }

    /// MSNP8 to MSNP12: lines without TrID until the counted contacts and groups have come, in whatever order;
    /// a PNG round trip then collects what is still in flight (the properties of the last contact, settings sent
    /// after the lists). A list line no repair can read still counts, so the count is never waited for twice.
    async fn read_streamed(
        &mut self,
        list: &mut ContactList,
        contacts: u32,
        groups: u32,
        deadline: Instant,
    ) -> Result<(), LoginError> {
        let (mut seen_contacts, mut seen_groups) = (0u32, 0u32);
        let mut flushed = false;
        for _ in 0..MAX_SYN_LINES {
            if !flushed && seen_contacts >= contacts && seen_groups >= groups {
                let png = self.message(png::REQUEST, Stage::Syn)?;
                self.send(png, Stage::Syn, Redact::None).await?;
                flushed = true;
            }
            let frame = match self.next_until(Stage::Syn, None, deadline).await {
                Ok(frame) => frame,
                Err(e) => {
                    let awaited = format!(
                        "{} of {contacts} LST and {} of {groups} LSG lines",
                        contacts.saturating_sub(seen_contacts),
                        groups.saturating_sub(seen_groups)
                    );
                    return Err(self.still_due(e, awaited));
                }
            };
            let received = match self.read(&frame) {
                Ok(received) => received,
                Err(e) => {
                    let name = frame.line.split(' ').next().unwrap_or_default();
                    match name {
                        "LST" => seen_contacts += 1,
                        "LSG" => seen_groups += 1,
                        _ => {}
                    }
                    self.cannot_read(&frame, &e, matches!(name, "LST" | "LSG"));
                    continue;
                }
            };
            let line = received.incoming();
            let problem = malformed(Stage::Syn, &frame.line);
            if line.is(qng::REPLY) && flushed {
                self.note_ping_interval(&line);
                return Ok(());
            } else if self.account_setting(list, &line, &frame.line).map_err(problem)? {
            } else if line.is(lsg::IN_SYN) {
                seen_groups += 1;
                let id = line
                    .get::<&str>(lsg::args::GROUP_ID)
                    .map_err(problem)?
                    .or(line.get::<&str>(lsg::args::GROUP).map_err(problem)?);
                let name = self.text(line.require(lsg::args::GROUP_NAME).map_err(problem)?, &frame.line);
                list.groups.push(Group { id: id.unwrap_or("").to_string(), name });
            } else if line.is(lst::IN_SYN) || line.is(lst::IN_SYN_NO_NAME) {
                // Real servers leave out F= and C= for a contact only on the allow or reverse list.
                seen_contacts += 1;
                let bits: u32 = line.require(lst::args::LISTS).map_err(problem)?;
                let groups =
                    line.get::<&str>(lst::args::GROUPS).map_err(problem)?.map(split_groups).unwrap_or_default();
                let handle = line.require::<&str>(lst::args::HANDLE).map_err(problem)?.to_string();
                let friendly_name = match line.get(lst::args::FRIENDLY_NAME).map_err(problem)? {
                    Some(name) => self.text(name, &frame.line),
                    // Real servers leave F= out for a contact without a stored name: its handle serves.
                    None => handle.clone(),
                };
                list.contacts.push(Contact {
                    handle,
                    friendly_name,
                    lists: List::from_bits(bits),
                    groups,
                    properties: Default::default(),
                });
            } else if line.is(bpr::IN_SYN) {
                let (name, value) = (
                    line.require::<&str>(bpr::args::PROPERTY).map_err(problem)?,
                    line.get::<&str>(bpr::args::VALUE).map_err(problem)?,
                );
                if let Some(contact) = list.contacts.last_mut() {
                    contact.properties.insert(name.to_string(), value.unwrap_or("").to_string());
                }
            } else {
                self.unrelated(Stage::Syn, &frame);
            }
        }
        Err(too_many_lines())
    }

    /// MSNP2 to MSNP7: replies with the SYN's TrID. Each list (and the groups, where LSG counts them) is complete
    /// when as many of its lines have come as it announces, whichever of index and total is the larger: servers
    /// in the wild swap the two or change the total midway, which is a warning and never a reason to stop early.
    /// A PNG round trip then collects what is still in flight, in any order.
    async fn read_replies(&mut self, list: &mut ContactList, trid: u32, deadline: Instant) -> Result<(), LoginError> {
        let mut tally = ListTally::default();
        // Where each handle is in `list.contacts`: a contact comes once per list it is on.
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut flushed = false;
        for _ in 0..MAX_SYN_LINES {
            if !flushed && tally.complete() {
                let png = self.message(png::REQUEST, Stage::Syn)?;
                self.send(png, Stage::Syn, Redact::None).await?;
                flushed = true;
            }
            let frame = match self.next_until(Stage::Syn, Some(trid), deadline).await {
                Ok(frame) => frame,
                Err(e) => {
                    let awaited = tally.due();
                    return Err(self.still_due(e, awaited));
                }
            };
            let received = match self.read(&frame) {
                Ok(received) => received,
                Err(e) => {
                    let counted = tally.count_unreadable(&frame.line);
                    self.cannot_read(&frame, &e, counted);
                    continue;
                }
            };
            let line = received.incoming();
            let problem = malformed(Stage::Syn, &frame.line);
            if line.is(qng::REPLY) {
                if flushed && tally.complete() {
                    break;
                }
                // A QNG before the lists were complete answers nobody's PNG; ask again once they are.
                flushed = false;
                continue;
            }
            if line.trid().is_some_and(|t| t != trid) && !line.is(bpr::PROPERTY) {
                self.unrelated(Stage::Syn, &frame);
                continue;
            }
            if self.account_setting(list, &line, &frame.line).map_err(problem)? {
            } else if line.is(lsg::GROUP) {
                let counters =
                    (line.get(lsg::args::INDEX).map_err(problem)?, line.get(lsg::args::TOTAL).map_err(problem)?);
                if let Some(warning) = tally.groups.count(counters, "LSG groups") {
                    self.warn(format!("`{}`: {warning}", frame.line));
                }
                let id = line.require::<&str>(lsg::args::GROUP_ID).map_err(problem)?.to_string();
                let name = self.text(line.require(lsg::args::GROUP_NAME).map_err(problem)?, &frame.line);
                list.groups.push(Group { id, name });
            } else if line.is(lst::EMPTY) {
                if let Some(which) = line.get::<&str>(lst::args::LIST).map_err(problem)?.and_then(List::from_name) {
                    tally.list(which).counter.line(Some(0), Some(0));
                }
            } else if line.is(lst::ENTRY) {
                let which = line.require::<&str>(lst::args::LIST).map_err(problem)?;
                let which = List::from_name(which).ok_or_else(|| {
                    LoginError::new(Stage::Syn, Failure::Protocol(format!("unknown list {which}"))).line(&frame.line)
                })?;
                let counters =
                    (line.get(lst::args::INDEX).map_err(problem)?, line.get(lst::args::TOTAL).map_err(problem)?);
                if let Some(warning) = tally.list(which).count(counters, which.name()) {
                    self.warn(format!("`{}`: {warning}", frame.line));
                }
                let handle = line.require::<&str>(lst::args::HANDLE).map_err(problem)?;
                let name = match line.get(lst::args::FRIENDLY_NAME).map_err(problem)? {
                    Some(name) => self.text(name, &frame.line),
                    None => handle.to_string(),
                };
                let groups =
                    line.get::<&str>(lst::args::GROUPS).map_err(problem)?.map(split_groups).unwrap_or_default();
                match index.get(handle).and_then(|&i| list.contacts.get_mut(i)) {
                    Some(contact) => {
                        if !contact.lists.contains(&which) {
                            contact.lists.push(which);
                        }
                        if which == List::FL {
                            contact.groups = groups;
                        }
                    }
                    None => {
                        index.insert(handle.to_string(), list.contacts.len());
                        list.contacts.push(Contact {
                            handle: handle.to_string(),
                            friendly_name: name,
                            lists: vec![which],
                            groups: if which == List::FL { groups } else { Vec::new() },
                            properties: Default::default(),
                        });
                    }
                }
            } else if line.is(bpr::PROPERTY) {
                let handle = line.require::<&str>(bpr::args::HANDLE).map_err(problem)?;
                let (name, value) = (
                    line.require::<&str>(bpr::args::PROPERTY).map_err(problem)?,
                    line.get::<&str>(bpr::args::VALUE).map_err(problem)?,
                );
                if let Some(contact) = index.get(handle).and_then(|&i| list.contacts.get_mut(i)) {
                    contact.properties.insert(name.to_string(), value.unwrap_or("").to_string());
                }
            } else {
                self.unrelated(Stage::Syn, &frame);
            }
        }
        if !flushed || !tally.complete() {
            return Err(too_many_lines());
        }
        for contact in &mut list.contacts {
            contact.lists.sort();
        }
        Ok(())
    }

    /// The failure of a SYN step whose time ran out: what was still due, and what arrived instead.
    fn still_due(&self, error: LoginError, awaited: String) -> LoginError {
        match error.failure {
            Failure::Incomplete(_) | Failure::Network(NetError::Timeout(_)) => self.incomplete(Stage::Syn, awaited),
            _ => error,
        }
    }

    /// The step's time ran out while `awaited` was still due.
    fn incomplete(&self, stage: Stage, awaited: String) -> LoginError {
        let failure = Failure::Incomplete(Box::new(Due {
            awaited,
            waited: self.timeout,
            arrived: self.step.arrived,
            skipped: self.step.skipped,
            example: self.step.example.clone(),
        }));
        LoginError::new(stage, failure)
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

    /// Notes a line the current step has no use for.
    fn unrelated(&mut self, stage: Stage, frame: &Frame) {
        self.skip(format!("`{}`: not expected at {}", frame.line, stage.name()));
    }

    /// Reads an account setting (GTC, BLP) or property (PRP) into `list`, in whichever form the version sends it
    /// during SYN; returns whether the line was one.
    fn account_setting(
        &mut self,
        list: &mut ContactList,
        line: &Incoming<'_, '_>,
        text: &str,
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
                    list.account.friendly_name = self.text(value, text);
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

    /// The text of a decoded name; bytes that were not UTF-8 (now U+FFFD) are a warning.
    fn text(&mut self, name: Decoded, line: &str) -> String {
        if name.lossy {
            self.warn(format!("`{line}`: a name holds bytes that are not UTF-8; they are shown as U+FFFD"));
        }
        name.text
    }

    /// Keeps a warning (bounded: a flood of them keeps the first [`MAX_WARNINGS`]).
    fn warn(&mut self, warning: String) {
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(warning);
        }
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
        if self.number >= 13 && Outgoing::exists(self.version, Dir::Client, adl::REQUEST) {
            // MSNP13 and later: the session's lists come first, even when empty.
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
                let png = self.message(png::REQUEST, Stage::Watch)?;
                self.send(png, Stage::Watch, Redact::None).await?;
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

/// How many lines of each list (and of the groups) an MSNP2-7 synchronisation announced and brought.
#[derive(Debug, Default)]
struct ListTally {
    lists: [Counted; 4],
    groups: Counted,
}

/// The lines of one counted list, and the total its first line gave (to notice a change).
#[derive(Debug, Default)]
struct Counted {
    counter: ListCounter,
    first_total: Option<u64>,
}

impl Counted {
    /// Counts a line with its index and total (either may be missing from a repaired line); returns a warning
    /// when they are inconsistent.
    fn count(&mut self, (index, total): (Option<u64>, Option<u64>), what: &str) -> Option<String> {
        self.counter.line(index, total);
        let (index, total) = (index.unwrap_or(0), total.unwrap_or(0));
        let first_total = *self.first_total.get_or_insert(total);
        let expected = self.counter.expected().unwrap_or(0);
        if index > total {
            Some(format!("{what}: index {index} is above the total {total}; waiting for {expected} lines"))
        } else if total != first_total {
            Some(format!("{what}: the total changed from {first_total} to {total} within one SYN"))
        } else {
            None
        }
    }

    /// Whether every line the list announced has come (a list of groups no line announced is complete).
    fn complete(&self, required: bool) -> bool {
        self.counter.is_complete() || (!required && self.counter.lines() == 0)
    }

    /// What is still due, as `1 of 2 RL entries`.
    fn due(&self, what: &str) -> String {
        match (self.counter.lines(), self.counter.expected()) {
            (0, _) | (_, None) => format!("the {what}"),
            (lines, Some(expected)) => format!("{} of {expected} {what}", expected.saturating_sub(lines)),
        }
    }
}

impl ListTally {
    fn list(&mut self, which: List) -> &mut Counted {
        let at = [List::FL, List::AL, List::BL, List::RL].iter().position(|l| *l == which).unwrap_or(3);
        &mut self.lists[at]
    }

    /// Whether the four lists and the groups are complete.
    fn complete(&self) -> bool {
        self.lists.iter().all(|l| l.complete(true)) && self.groups.complete(false)
    }

    /// Counts a line no repair can read by what it shows: `LST TrID list ...` or `LSG ...`. Returns whether it was
    /// a list line.
    fn count_unreadable(&mut self, line: &str) -> bool {
        let mut words = line.split(' ').filter(|w| !w.is_empty());
        let (name, list) = (words.next(), words.nth(1));
        match (name, list.and_then(List::from_name)) {
            (Some("LST"), Some(which)) => {
                self.list(which).counter.line(None, None);
                true
            }
            (Some("LSG"), _) => {
                self.groups.counter.line(None, None);
                true
            }
            _ => false,
        }
    }

    /// What is still due, as a person reads it: `1 of 2 RL entries`.
    fn due(&self) -> String {
        let mut due: Vec<String> = [List::FL, List::AL, List::BL, List::RL]
            .iter()
            .zip(&self.lists)
            .filter(|(_, c)| !c.complete(true))
            .map(|(l, c)| c.due(&format!("{} entries", l.name())))
            .collect();
        if !self.groups.complete(false) {
            due.push(self.groups.due("groups"));
        }
        if due.is_empty() { "the answer to PNG".to_string() } else { due.join(", ") }
    }
}

fn too_many_lines() -> LoginError {
    LoginError::new(Stage::Syn, Failure::Protocol(format!("the SYN answer runs past {MAX_SYN_LINES} lines")))
}

/// What `authenticate` found: signed in, or sent elsewhere.
enum Referral {
    Done,
    To(String),
}

/// What a step does with a frame it read.
enum Look {
    /// It is for the step.
    Take,
    /// It was dealt with on the way (presence, a profile, a tolerated line).
    Skip,
    /// A challenge to answer before going on.
    Challenge(String),
    /// The step fails.
    Fail(LoginError),
}

fn split_groups(groups: &str) -> Vec<String> {
    groups.split(',').filter(|g| !g.is_empty()).map(str::to_string).collect()
}

/// The presence a line announces, when it announces one.
fn presence(line: &Incoming<'_, '_>) -> Option<Presence> {
    // ILN comes with the CHG's TrID or, from some real servers, with TrID 0: the same presence either way.
    let (command, status_arg, handle_arg, name_arg) = if line.is(iln::PRESENCE) || line.is(iln::PUSHED) {
        ("ILN", Some(iln::args::STATUS), iln::args::HANDLE, Some(iln::args::FRIENDLY_NAME))
    } else if line.is(nln::PRESENCE) {
        ("NLN", Some(nln::args::STATUS), nln::args::HANDLE, Some(nln::args::FRIENDLY_NAME))
    } else if line.is(fln::PRESENCE) {
        ("FLN", None, fln::args::HANDLE, None)
    } else {
        return None;
    };
    let handle: &str = line.get(handle_arg).ok().flatten()?;
    let status = match status_arg {
        Some(arg) => line.get::<&str>(arg).ok().flatten()?.to_string(),
        None => "FLN".to_string(),
    };
    let friendly_name = name_arg.and_then(|a| line.get::<Decoded>(a).ok().flatten()).map(|d| d.text);
    Some(Presence { command, handle: handle.to_string(), status, friendly_name })
}
