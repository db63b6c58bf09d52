//! The embedded reference server: a dispatch server that redirects to the notification server with `XFR NS`, a
//! notification server with MD5 (MSNP2–MSNP7), Passport 1.4 (MSNP8–MSNP14) and single sign-on (MSNP15–MSNP18)
//! authentication, and an HTTP listener with the Passport nexus and login endpoints, the RST endpoint and the
//! address-book services (MSNP13 on), all on loopback ports of the caller's choosing.
//!
//! It speaks every version from MSNP2 to MSNP18 from the same spec as everything else: lines it receives are
//! matched to the version's forms ([`crate::typed::message::Incoming`]) and lines it sends are written from form and
//! argument names ([`crate::typed::message::Outgoing`]), so each version gets its own forms without code per version.
//!
//! ```text
//! client --VER/INF|CVR/USR I--> dispatch --XFR NS--> client --VER/.../USR I--> notification
//!   MD5: USR MD5 S salt --USR MD5 S digest--> USR OK
//!   TWN: USR TWN S params --> nexus (PassportURLs) --> login (Authorization: Passport1.4 ...) --ticket-->
//!        USR TWN S ticket --> USR OK
//!   SSO: GCF, USR SSO S policy nonce --> RST.srf (account, password --> tickets, proof keys) -->
//!        USR SSO S ticket response [machine GUID] --> (response checked under the ticket's proof key) USR OK
//! then: profile MSG, SYN and the lists (MSNP2–MSNP12), or FindMembership and ABFindAll over HTTP, BLP and the
//! initial ADL (MSNP13 on), CHG with ILN and NLN/FLN to the contacts that may see it, CHL/QRY, PNG/QNG, OUT
//! ```
//!
//! Asked to, it also misbehaves the way real servers do ([`Quirk`]: trailing spaces, swapped counters, missing
//! and extra arguments, lists out of order, no profile, a phantom group, unknown commands).
//!
//! Contact lists come from an accounts file ([`Accounts`]): SYN sends them up to MSNP12; from MSNP13 the sharing
//! and address book services do (`soap`), for a ticket of a signed-in session, and ADL is checked against them.

pub mod accounts;
mod error;
mod passport;
pub mod quirks;
#[cfg(test)]
mod quirks_tests;
mod rst;
mod session;
mod soap;
mod syn_answer;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::ops::RangeInclusive;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

pub use accounts::{Account, Accounts, AccountsError};
pub use error::SessionError;
pub use passport::{LOGIN_PATH, NEXUS_PATH, REDIRECTING_LOGIN_PATH, REDIRECTING_NEXUS_PATH};
pub use quirks::{Quirk, Quirks, UnknownQuirk};
pub use rst::{RST_PATH, SSO_TICKET_LIFETIME};

use crate::spec::VersionDef;
use crate::wire::frame::Limits;

/// The most tickets of each kind the server holds before they are redeemed: Passport 1.4 tickets for `USR TWN S`,
/// and the tickets its RST endpoint issues for `USR SSO S`.
pub const MAX_TICKETS: usize = 10_000;

/// A misbehaviour the server can be told to show, for testing clients against faulty servers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Close the connection in the middle of the SYN reply.
    CloseDuringSyn,
    /// Announce a 1 GB payload after USR OK.
    HugePayload,
    /// The dispatch server redirects to itself.
    RedirectLoop,
    /// Stop answering after VER.
    Silent,
    /// Send a line no spec allows after USR OK.
    GarbageLine,
    /// Sign the client out with `OUT OTH` after USR OK, as when the account signs in elsewhere.
    SignOut,
}

/// How the server behaves.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// The accounts and their contact lists.
    pub accounts: Accounts,
    /// The protocol versions accepted (the number in `MSNPn`).
    pub versions: RangeInclusive<u32>,
    /// Whether to challenge each client with CHL after it signs in (MSNP6 and later).
    pub challenge: bool,
    /// Whether the Passport login server first redirects (302 with `da-status=redir`).
    pub passport_redirects: bool,
    /// Limits on what clients send.
    pub limits: Limits,
    /// How long a signed-in connection may stay silent before it is closed.
    pub idle_timeout: Duration,
    /// How long a connection may take to sign in (or, on the dispatch server, to be referred on) before it is
    /// closed: a connection that sends nothing holds a descriptor only this long.
    pub login_timeout: Duration,
    /// How long a frame may take to arrive once it has started (a line without its end, a payload short of the
    /// length it announced).
    pub frame_timeout: Duration,
    /// How many connections the server holds open at once, on all its listeners together; more are closed as
    /// soon as they are accepted.
    pub max_connections: usize,
    /// How many of them may come from one address.
    pub max_per_address: usize,
    /// How long the Passport endpoints wait for a request's header, and for the whole of one connection.
    pub http_timeout: Duration,
    /// The seconds QNG tells clients to wait before their next PNG (MSNP9 on).
    pub next_ping: u32,
    /// A misbehaviour, for tests.
    pub fault: Option<Fault>,
    /// Deviations from the spec that real servers show, for testing clients and tools against them; each is
    /// applied only in the versions that can show it ([`Quirk::applies_to`]).
    pub quirks: Quirks,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            accounts: Accounts::demo(),
            versions: 2..=18,
            challenge: true,
            passport_redirects: false,
            limits: Limits { max_line: 8 * 1024, max_payload: 64 * 1024 },
            idle_timeout: Duration::from_secs(300),
            login_timeout: Duration::from_secs(60),
            frame_timeout: Duration::from_secs(30),
            max_connections: 1024,
            max_per_address: 128,
            http_timeout: Duration::from_secs(10),
            next_ping: 50,
            fault: None,
            quirks: Quirks::NONE,
        }
    }
}

/// A signed-in client, as the other sessions see it.
#[derive(Debug)]
struct Online {
    version: &'static VersionDef,
    /// The status set with CHG (`None` before the first CHG).
    status: Option<String>,
    caps: Option<String>,
    /// Lines for the session to send (presence pushes); bounded, and a full queue drops the push.
    outbox: mpsc::Sender<Vec<u8>>,
}

/// What the sessions share.
#[derive(Debug)]
struct State {
    config: ServerConfig,
    notification: SocketAddr,
    tickets: Mutex<HashMap<String, String>>,
    /// The tickets the RST endpoint issued (single sign-on, MSNP15 on).
    sso: Mutex<rst::IssuedTickets>,
    /// Tickets that authenticate the address-book services, by their `t=` part, with their account (`soap`).
    soap_tickets: Mutex<HashMap<String, String>>,
    online: Mutex<HashMap<String, Online>>,
    counter: AtomicU64,
    /// Open connections, overall and by address.
    open: Mutex<Open>,
}

/// The connections open on every listener.
#[derive(Debug, Default)]
struct Open {
    total: usize,
    by_address: HashMap<IpAddr, usize>,
}

/// A connection's place among the open ones; giving it back (dropping it) frees the place.
#[derive(Debug)]
struct Admitted {
    state: Arc<State>,
    address: IpAddr,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        if let Ok(mut open) = self.state.open.lock() {
            open.total = open.total.saturating_sub(1);
            if let Some(count) = open.by_address.get_mut(&self.address) {
                *count -= 1;
                if *count == 0 {
                    open.by_address.remove(&self.address);
                }
            }
        }
    }
}

/// Admits a connection from `address` when the caps allow it.
fn admit(state: &Arc<State>, address: IpAddr) -> Option<Admitted> {
    let mut open = state.open.lock().ok()?;
    let from_address = open.by_address.get(&address).copied().unwrap_or(0);
    if open.total >= state.config.max_connections || from_address >= state.config.max_per_address {
        return None;
    }
    open.total += 1;
    *open.by_address.entry(address).or_insert(0) += 1;
    Some(Admitted { state: state.clone(), address })
}

impl State {
    fn check_password(&self, handle: &str, password: &str) -> bool {
        self.config.accounts.get(handle).is_some_and(|a| a.password == password)
    }

    /// A new Passport ticket for `handle`. Tickets not yet redeemed are bounded: past [`MAX_TICKETS`], an old one
    /// is forgotten (its login must start again).
    fn issue_ticket(&self, handle: &str) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let ticket = format!("t={:016x}&p={:016x}", n.wrapping_mul(0x9e37_79b9_7f4a_7c15), n ^ 0x5bd1_e995);
        if let Ok(mut tickets) = self.tickets.lock() {
            if tickets.len() >= MAX_TICKETS
                && let Some(old) = tickets.keys().next().cloned()
            {
                tickets.remove(&old);
            }
            tickets.insert(ticket.clone(), handle.to_ascii_lowercase());
        }
        ticket
    }

    /// Whether `ticket` was issued for `handle` (a ticket is good once).
    fn take_ticket(&self, ticket: &str, handle: &str) -> bool {
        self.tickets.lock().is_ok_and(|mut t| t.remove(ticket).is_some_and(|h| h.eq_ignore_ascii_case(handle)))
    }

    fn next(&self) -> u64 {
        self.counter.fetch_add(1, Ordering::Relaxed)
    }
}

/// A running server; dropping it stops every task.
#[derive(Debug)]
pub struct Server {
    /// The dispatch server's address.
    pub dispatch: SocketAddr,
    /// The notification server's address.
    pub notification: SocketAddr,
    /// The HTTP listener's address: the Passport endpoints, and the address-book services.
    pub passport: SocketAddr,
    tasks: Vec<JoinHandle<()>>,
}

impl Server {
    /// Starts the server on `host`: the dispatch server on `dispatch_port` (0 for any), the notification server
    /// and the Passport endpoints on ports of the system's choosing.
    pub async fn start(config: ServerConfig, host: std::net::IpAddr, dispatch_port: u16) -> std::io::Result<Server> {
        let dispatch = TcpListener::bind((host, dispatch_port)).await?;
        let notification = TcpListener::bind((host, 0)).await?;
        let passport = TcpListener::bind((host, 0)).await?;
        let addresses = (dispatch.local_addr()?, notification.local_addr()?, passport.local_addr()?);
        let state = Sessions::new(config, addresses.1).state;
        let tasks = vec![
            tokio::spawn(accept(dispatch, state.clone(), session::Role::Dispatch)),
            tokio::spawn(accept(notification, state.clone(), session::Role::Notification)),
            tokio::spawn(passport::serve(passport, state)),
        ];
        Ok(Server { dispatch: addresses.0, notification: addresses.1, passport: addresses.2, tasks })
    }

    /// The nexus URL clients start Passport 1.4 from (on loopback when the server listens on every interface).
    pub fn nexus_url(&self) -> String {
        format!("{}{NEXUS_PATH}", self.http_base())
    }

    /// The base URL of the address-book services (MSNP13 on), which the client's `soap_url` takes.
    pub fn soap_url(&self) -> String {
        self.http_base()
    }

    /// `http://` and the HTTP listener's address (loopback when the server listens on every interface).
    fn http_base(&self) -> String {
        let mut address = self.passport;
        if address.ip().is_unspecified() {
            address.set_ip(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
        }
        format!("http://{address}")
    }

    /// The URL clients of MSNP15 on ask for their tickets at ([`RST_PATH`], on the nexus's address).
    pub fn rst_url(&self) -> String {
        self.nexus_url().replace(NEXUS_PATH, RST_PATH)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

async fn accept(listener: TcpListener, state: Arc<State>, role: session::Role) {
    // The sessions belong to this task: when the server is dropped and the task aborted, they end with it.
    let mut sessions = tokio::task::JoinSet::new();
    loop {
        let (stream, admitted) = next_connection(&listener, &state).await;
        while sessions.try_join_next().is_some() {}
        let _ = stream.set_nodelay(true);
        let Ok(local) = stream.local_addr() else { continue };
        let state = state.clone();
        sessions.spawn(async move {
            // The server keeps no log; how a session ended is for callers of `Sessions::serve`.
            let _ended = session::run(Box::new(stream), local, state, role).await;
            drop(admitted);
        });
    }
}

/// The next connection on `listener` that the caps on open connections admit; one over them is closed at once
/// (accepting it keeps the listen queue from filling). A failed accept (out of descriptors, a reset before
/// accept) is retried after a pause rather than in a busy loop.
async fn next_connection(listener: &TcpListener, state: &Arc<State>) -> (tokio::net::TcpStream, Admitted) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => match admit(state, peer.ip()) {
                Some(admitted) => return (stream, admitted),
                None => drop(stream),
            },
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

/// The embedded server's sessions without its listeners: serves connections the caller brings, over any byte
/// stream (for tests and fuzzing; [`Server::start`] does the same for the connections its listeners accept).
#[derive(Debug, Clone)]
pub struct Sessions {
    state: Arc<State>,
}

impl Sessions {
    /// Sessions of a server configured by `config`, whose dispatch server refers clients to `notification`.
    pub fn new(config: ServerConfig, notification: SocketAddr) -> Sessions {
        let state = State {
            config,
            notification,
            tickets: Mutex::new(HashMap::new()),
            sso: Mutex::new(rst::IssuedTickets::default()),
            soap_tickets: Mutex::new(HashMap::new()),
            online: Mutex::new(HashMap::new()),
            counter: AtomicU64::new(1),
            open: Mutex::new(Open::default()),
        };
        Sessions { state: Arc::new(state) }
    }

    /// Serves one connection to the notification server (or the dispatch server, when `dispatch`) until it ends;
    /// `local` is the address the client is taken to have reached. `Ok` when the client signed out or the server
    /// closed the connection as the protocol has it (after a referral, or after refusing the version, the sign-in
    /// or the challenge answer); otherwise what ended the session.
    pub async fn serve(
        &self,
        stream: crate::wire::net::Stream,
        local: SocketAddr,
        dispatch: bool,
    ) -> Result<(), SessionError> {
        let role = if dispatch { session::Role::Dispatch } else { session::Role::Notification };
        session::run(stream, local, self.state.clone(), role).await
    }
}
