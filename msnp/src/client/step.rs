//! A step of a session: one request and its answer (or a whole SYN), within the step's time. On the way, challenges
//! are answered, presence is kept, error replies fail the step, and lines the step has no use for are skipped with
//! a warning; when the time runs out while lines were arriving, the failure says what was still due.

use std::time::Duration;

use tokio::time::Instant;

use super::error::{Due, Failure, LoginError, Stage, net};
use super::{Client, MAX_EVENTS, Presence};
use crate::account::auth::{ProductKey, challenge_response};
use crate::generated::forms::*;
use crate::spec::Dir;
use crate::spec::value::NetworkHandle;
use crate::typed::ErrorReply;
use crate::typed::message::{FormRef, Incoming};
use crate::wire::net::{Frame, NetError, Redact};
use crate::wire::raw::{RawCommand, Tokens};
use crate::wire::text::Decoded;

/// What arrived during one step.
#[derive(Debug, Default)]
pub(super) struct StepLog {
    arrived: usize,
    skipped: usize,
    example: Option<String>,
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

impl Client {
    /// When a step that starts now must be over: each step (one request and its answer, or a whole SYN) has
    /// [`ClientConfig::timeout`](super::ClientConfig::timeout), however many lines the server sends meanwhile.
    pub(super) fn step_deadline(&mut self) -> Instant {
        self.step = StepLog::default();
        Instant::now() + self.timeout
    }

    /// Notes a line the current step skipped.
    pub(super) fn skip(&mut self, line: String) {
        self.step.skipped += 1;
        if self.step.example.is_none() {
            self.step.example = Some(line.clone());
        }
        self.warn(line);
    }

    /// The next frame the current step must look at, within `wait`.
    pub(super) async fn next_within(
        &mut self,
        stage: Stage,
        trid: Option<u32>,
        wait: Duration,
    ) -> Result<Frame, LoginError> {
        self.next_until(stage, trid, Instant::now() + wait).await
    }

    /// The next frame the current step must look at, before `deadline`. Challenges are answered and presence is
    /// kept on the way; error replies to `trid` fail the step; lines the spec does not allow are warnings.
    pub(super) async fn next_until(
        &mut self,
        stage: Stage,
        trid: Option<u32>,
        deadline: Instant,
    ) -> Result<Frame, LoginError> {
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
            return self.look_at_error(stage, trid, &raw, frame);
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
        if incoming.is(qry::REPLY) || incoming.is(sbs::PUSH) || incoming.is(msg::INCOMING) || incoming.is(gcf::POLICIES)
        {
            // Answers to challenges, subscription states, the profile and system messages, the server's policies
            // (GCF, pushed during login from MSNP13): nothing waits for them.
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

    /// Answers a challenge (CHL) with QRY.
    /// What the current step does with an error reply: it fails the step when it answers `trid` (or any request,
    /// for a step that waits for none); an error reply to no pending request is a warning.
    fn look_at_error(&mut self, stage: Stage, trid: Option<u32>, raw: &RawCommand<'_>, frame: &Frame) -> Look {
        let (code, answered) = match ErrorReply::parse_line(raw) {
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
        Look::Skip
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
    pub(super) async fn expect(
        &mut self,
        stage: Stage,
        trid: u32,
        forms: &[FormRef],
    ) -> Result<(Frame, FormRef), LoginError> {
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

    /// The step's time ran out while `awaited` was still due.
    pub(super) fn incomplete(&self, stage: Stage, awaited: String) -> LoginError {
        let failure = Failure::Incomplete(Box::new(Due {
            awaited,
            waited: self.timeout,
            arrived: self.step.arrived,
            skipped: self.step.skipped,
            example: self.step.example.clone(),
        }));
        LoginError::new(stage, failure)
    }

    /// Notes a line the current step has no use for.
    pub(super) fn unrelated(&mut self, stage: Stage, frame: &Frame) {
        self.skip(format!("`{}`: not expected at {}", frame.line, stage.name()));
    }
}

/// The presence a line announces, when it announces one. The contact is its handle, or from MSNP18 its network
/// ID and handle.
fn presence(line: &Incoming<'_, '_>) -> Option<Presence> {
    // ILN comes with the CHG's TrID or, from some real servers, with TrID 0: the same presence either way.
    let (command, status_arg, (handle_arg, contact_arg), name_arg) = if line.is(iln::PRESENCE) || line.is(iln::PUSHED) {
        ("ILN", Some(iln::args::STATUS), (iln::args::HANDLE, iln::args::CONTACT), Some(iln::args::FRIENDLY_NAME))
    } else if line.is(nln::PRESENCE) {
        ("NLN", Some(nln::args::STATUS), (nln::args::HANDLE, nln::args::CONTACT), Some(nln::args::FRIENDLY_NAME))
    } else if line.is(fln::PRESENCE) {
        ("FLN", None, (fln::args::HANDLE, fln::args::CONTACT), None)
    } else {
        return None;
    };
    let handle: &str = match line.get(handle_arg).ok().flatten() {
        Some(handle) => handle,
        None => line.get::<NetworkHandle>(contact_arg).ok().flatten()?.handle,
    };
    let status = match status_arg {
        Some(arg) => line.get::<&str>(arg).ok().flatten()?.to_string(),
        None => "FLN".to_string(),
    };
    let friendly_name = name_arg.and_then(|a| line.get::<Decoded>(a).ok().flatten()).map(|d| d.text);
    Some(Presence { command, handle: handle.to_string(), status, friendly_name })
}

#[cfg(test)]
mod tests {
    use super::super::testing::with_line;
    use super::presence;
    use crate::client::Presence;

    #[test]
    fn presence_lines_become_events() {
        let iln = with_line("MSNP8", "ILN 7 NLN bob@example.com Bob%20B", presence);
        let expected = Presence {
            command: "ILN",
            handle: "bob@example.com".into(),
            status: "NLN".into(),
            friendly_name: Some("Bob B".into()),
        };
        assert_eq!(iln, Some(expected));
        let nln = with_line("MSNP8", "NLN BSY bob@example.com Bob", presence).expect("NLN is presence");
        assert_eq!((nln.command, nln.status.as_str()), ("NLN", "BSY"));
        let fln = with_line("MSNP8", "FLN bob@example.com", presence).expect("FLN is presence");
        assert_eq!((fln.command, fln.status.as_str(), fln.friendly_name), ("FLN", "FLN", None));
        assert_eq!(with_line("MSNP8", "CHG 3 NLN 0", presence), None);
        // MSNP18 names the contact with its network.
        let nln = with_line("MSNP18", "NLN AWY 1:bob@example.com Bob 0:0", presence).expect("NLN is presence");
        assert_eq!((nln.handle.as_str(), nln.status.as_str()), ("bob@example.com", "AWY"));
        let fln = with_line("MSNP18", "FLN 1:bob@example.com 0:0", presence).expect("FLN is presence");
        assert_eq!(fln.handle, "bob@example.com");
    }
}
