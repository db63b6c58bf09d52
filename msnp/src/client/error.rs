//! How a session fails: the stage it was at ([`Stage`]), what went wrong ([`Failure`], with [`Due`] when a step's time
//! ran out while lines were arriving), and the server's line that caused it ([`LoginError`]).

use std::fmt;
use std::time::Duration;

use super::PassportError;
use crate::wire::net::{NetError, Transcript};

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
    /// Asking the login server's RST endpoint for the tickets (single sign-on, MSNP15 on).
    Rst,
    /// The second USR, with the digest or the ticket.
    UsrS,
    /// Synchronising the contact list.
    Syn,
    /// Asking the sharing service for the memberships (FindMembership, MSNP13 on).
    Sharing,
    /// Asking the address book service for the address book (ABFindAll, MSNP13 on).
    AbService,
    /// Sending the privacy setting the address book holds (BLP, MSNP13 on).
    Blp,
    /// Sending the initial list (ADL, MSNP13 on).
    Adl,
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
            Stage::Rst => "RST",
            Stage::UsrS => "USR S",
            Stage::Syn => "SYN",
            Stage::Sharing => "Sharing",
            Stage::AbService => "ABService",
            Stage::Blp => "BLP",
            Stage::Adl => "ADL",
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
    /// Passport failed: 1.4 (nexus, login server) or its RST endpoint.
    Passport(PassportError),
    /// An address-book service failed (MSNP13 on).
    Service(ServiceError),
    /// More referrals than allowed.
    TooManyReferrals(usize),
    /// The server sent something the step cannot go on with.
    Protocol(String),
    /// The step's time ran out while lines were arriving, but not the ones it waited for.
    Incomplete(Box<Due>),
}

/// Why an address-book service (the sharing service's FindMembership, the address book service's ABFindAll)
/// failed. Each names the URL.
#[derive(Debug)]
pub enum ServiceError {
    /// The service could not be reached: connection, TLS (an untrusted certificate) or timeout.
    Unreachable(String),
    /// The service refused the ticket: HTTP 401 or 403 without a SOAP fault.
    Refused(String),
    /// The service answered with a SOAP fault, whatever the HTTP status.
    Fault(String),
    /// The service answered what cannot be used: another HTTP status, a document that is not the answer, or one
    /// over the reader's limits.
    Answer(String),
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
    /// The session up to the failure, when it was recorded ([`ClientConfig::record`](super::ClientConfig::record))
    /// and the failure happened while signing in or signing out (for the steps between,
    /// [`Client::transcript`](super::Client::transcript) still has it).
    pub transcript: Option<Box<Transcript>>,
    /// The lines tolerated before the failure, as [`Client::warnings`](super::Client::warnings) has them (set by the
    /// same steps).
    pub warnings: Box<[String]>,
}

impl LoginError {
    /// A failure at `stage`, with no server line yet.
    pub(super) fn new(stage: Stage, failure: Failure) -> Self {
        LoginError { stage, failure, server_line: None, transcript: None, warnings: Box::default() }
    }

    /// The error with the session's recording and warnings so far.
    pub fn with_session(mut self, transcript: Option<Transcript>, warnings: Vec<String>) -> Self {
        self.transcript = transcript.map(Box::new);
        self.warnings = warnings.into_boxed_slice();
        self
    }

    /// The error with the server's line that caused it.
    pub(super) fn line(mut self, line: &str) -> Self {
        self.server_line = Some(line.to_string());
        self
    }

    /// Whether the account or the password was refused (MD5 digest, Passport 401, a fault or 401/403 from the RST
    /// endpoint, or 911 after a ticket).
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
            Failure::Service(
                ServiceError::Unreachable(why)
                | ServiceError::Refused(why)
                | ServiceError::Fault(why)
                | ServiceError::Answer(why),
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

/// The failure of a step at `stage` whose connection failed.
pub(super) fn net(stage: Stage) -> impl Fn(NetError) -> LoginError {
    move |e| LoginError::new(stage, Failure::Network(e))
}

/// The failure for `line`, whose arguments the step cannot read.
pub(super) fn malformed(stage: Stage, line: &str) -> impl Fn(crate::typed::ParseError) -> LoginError + Copy + '_ {
    move |e| LoginError::new(stage, Failure::Protocol(e.to_string())).line(line)
}

#[cfg(test)]
mod tests {
    use super::{Due, Failure, LoginError, PassportError, Stage};
    use std::time::Duration;

    #[test]
    fn an_error_names_its_stage_what_went_wrong_and_the_servers_line() {
        let error =
            LoginError::new(Stage::UsrS, Failure::ServerError { code: 911, meaning: "bad login".into() }).line("911 4");
        assert_eq!(error.to_string(), "USR S: error 911: bad login (server: `911 4`)");
        assert!(error.is_bad_credentials());
        let refused = LoginError::new(Stage::Login, Failure::Passport(PassportError::Refused("401".into())));
        assert_eq!(refused.to_string(), "login: 401");
        assert!(refused.is_bad_credentials());
        let version = LoginError::new(Stage::Ver, Failure::VersionRefused);
        assert_eq!(version.to_string(), "VER: the server accepts none of the versions offered");
        assert!(!version.is_bad_credentials());
    }

    #[test]
    fn a_step_out_of_time_says_what_was_due_and_what_came() {
        let due = Due {
            awaited: "1 of 2 RL entries".into(),
            waited: Duration::from_secs(15),
            arrived: 7,
            skipped: 1,
            example: Some("`XYZ`: not expected at SYN".into()),
        };
        let error = LoginError::new(Stage::Syn, Failure::Incomplete(Box::new(due)));
        assert_eq!(
            error.to_string(),
            "SYN: 1 of 2 RL entries missing after 15s; 7 lines arrived, 1 skipped: `XYZ`: not expected at SYN"
        );
    }

    #[test]
    fn an_error_carries_the_session_so_far() {
        let error = LoginError::new(Stage::Out, Failure::TooManyReferrals(3)).with_session(None, vec!["w".into()]);
        assert_eq!(error.to_string(), "OUT: more than 3 referrals (XFR NS)");
        assert_eq!(&*error.warnings, ["w".to_string()]);
        assert!(error.transcript.is_none() && error.server_line.is_none());
        let names: Vec<&str> =
            [Stage::Connect, Stage::UsrI, Stage::Nexus, Stage::Rst, Stage::Watch].map(Stage::name).to_vec();
        assert_eq!(names, ["connect", "USR I", "nexus", "RST", "watch"]);
        let names: Vec<&str> = [Stage::Sharing, Stage::AbService, Stage::Blp, Stage::Adl].map(Stage::name).to_vec();
        assert_eq!(names, ["Sharing", "ABService", "BLP", "ADL"]);
    }
}
