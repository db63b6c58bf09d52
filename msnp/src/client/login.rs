//! Logging in: connecting, negotiating the version, introducing the client (INF or CVR), and authenticating with
//! the MD5 digest (MSNP2-7), a Passport 1.4 ticket (MSNP8-14) or single sign-on (MSNP15-18, in `sso`), following
//! `XFR NS` referrals to the notification server.

use std::collections::VecDeque;

use tokio::net::TcpStream;

use super::error::{Failure, LoginError, Stage, malformed, net};
use super::passport::{self, PassportError};
use super::step::StepLog;
use super::{Client, ClientConfig, PING_INTERVAL, SoapAuth, Stream};
use crate::account::auth::md5_login_digest;
use crate::generated::forms::*;
use crate::spec::Dir;
use crate::typed::message::Outgoing;
use crate::wire::net::{Connection, NetError, Redact, Transcript};
use crate::wire::text::Decoded;

/// Connects over TCP, with Nagle's delay off (a login is many small round trips).
async fn tcp(server: String) -> std::io::Result<Stream> {
    let stream = TcpStream::connect(server).await?;
    let _ = stream.set_nodelay(true);
    Ok(Box::new(stream))
}

/// What `authenticate` found: signed in, or sent elsewhere.
enum Referral {
    Done,
    To(String),
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

    /// Opens one connection: a client on it, with no step taken yet.
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
            contacts_ticket: None,
            soap_auth: None,
            soap_url: config.soap_url.clone(),
            extra_ca: config.extra_ca.clone(),
            list_sent: false,
        })
    }

    /// Signs in on one connection: VER, INF or CVR, then USR; or learns that the account is served elsewhere.
    async fn authenticate(&mut self, config: &ClientConfig) -> Result<Referral, LoginError> {
        self.negotiate().await?;
        self.introduce(config).await?;
        self.sign_in(config).await
    }

    /// VER: the version, and CVR0 as every official client offers it; the server must choose the version.
    async fn negotiate(&mut self) -> Result<(), LoginError> {
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
        Ok(())
    }

    /// INF (MSNP2-7) or CVR (MSNP8 and later), as the version has it.
    async fn introduce(&mut self, config: &ClientConfig) -> Result<(), LoginError> {
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
        Ok(())
    }

    /// USR I naming the account, then USR S with the digest, the ticket, or the ticket and the response to the
    /// nonce (SSO); or the referral the server answers USR I with.
    async fn sign_in(&mut self, config: &ClientConfig) -> Result<Referral, LoginError> {
        // USR I.
        let md5 = Outgoing::exists(self.version, Dir::Client, usr::MD5_I);
        let sso = Outgoing::exists(self.version, Dir::Client, usr::SSO_I);
        let first = if md5 {
            usr::MD5_I
        } else if sso {
            usr::SSO_I
        } else {
            usr::TWN_I
        };
        let trid = self.next_trid();
        let usr = self.message(first, Stage::UsrI)?.trid(trid).arg(usr::args::HANDLE, config.account.as_str());
        self.send(usr, Stage::UsrI, Redact::None).await?;
        let challenges =
            [usr::MD5_CHALLENGE, usr::MD5_CHALLENGE_MDS, usr::TWN_CHALLENGE, usr::SSO_CHALLENGE, xfr::NS_REFERRAL];
        let (frame, form) = self.expect(Stage::UsrI, trid, &challenges).await?;
        let received = self.read(&frame).map_err(|e| LoginError::new(Stage::UsrI, Failure::Protocol(e.to_string())))?;
        let incoming = received.incoming();
        let malformed = malformed(Stage::UsrI, &frame.line);
        if form == xfr::NS_REFERRAL {
            let address: &str = incoming.require(xfr::args::ADDRESS).map_err(malformed)?;
            return Ok(Referral::To(address.to_string()));
        }
        if form == usr::SSO_CHALLENGE {
            let policy: &str = incoming.require(usr::args::POLICY).map_err(malformed)?;
            let nonce: &str = incoming.require(usr::args::NONCE).map_err(malformed)?;
            let trid = self.single_sign_on(config, policy, nonce).await?;
            self.confirm(trid).await?;
            return Ok(Referral::Done);
        }
        // USR S: the digest, or the ticket from Passport.
        let (second, secret, placeholder) = if md5 {
            let salt: &str = incoming.require(usr::args::CHALLENGE).map_err(malformed)?;
            (usr::MD5_S, md5_login_digest(salt, &config.password), "md5(salt + password)")
        } else {
            let params: &str = incoming.require(usr::args::PASSPORT_PARAMS).map_err(malformed)?;
            let ticket = self.passport(config, params).await?;
            // MSNP13 and MSNP14: the address book and sharing services take the same ticket.
            self.contacts_ticket = (self.number >= 13).then(|| ticket.clone());
            (usr::TWN_S, ticket, "ticket")
        };
        let trid = self.next_trid();
        let argument = if md5 { usr::args::DIGEST } else { usr::args::TICKET };
        let usr = self.message(second, Stage::UsrS)?.trid(trid).arg(argument, secret.as_str());
        self.send(usr, Stage::UsrS, Redact::Token(&secret, placeholder)).await?;
        if !md5 {
            // MSNP13 and MSNP14 with TWN: the address-book services take the ticket's `t=` part as a cookie.
            self.soap_auth = Some(SoapAuth::from_twn_ticket(&secret));
        }
        self.confirm(trid).await?;
        Ok(Referral::Done)
    }

    /// USR OK in answer to `trid`, with the account's friendly name where the version's form carries it. A refusal
    /// is `911` with its meaning from the spec; is_bad_credentials tells it apart.
    pub(super) async fn confirm(&mut self, trid: u32) -> Result<(), LoginError> {
        // usr.md's SSO example writes USR OK without its flags; NINA's MSNP15 page keeps them.
        let (frame, _) = self.expect(Stage::UsrS, trid, &[usr::OK, usr::OK_SHORT]).await?;
        if let Ok(received) = self.read(&frame) {
            let ok = received.incoming();
            if let Ok(Some(name)) = ok.get::<Decoded>(usr::args::FRIENDLY_NAME) {
                self.friendly_name = Some(self.text(name, &frame.line));
            }
        }
        Ok(())
    }

    /// A Passport 1.4 ticket for `challenge`: from the login server the nexus names, or the one configured.
    async fn passport(&mut self, config: &ClientConfig, challenge: &str) -> Result<String, LoginError> {
        let http = passport::http_client(config.timeout, config.extra_ca.as_deref())
            .map_err(|e| LoginError::new(Stage::Nexus, Failure::Passport(PassportError::Nexus(e))))?;
        let url = match &config.login_url {
            Some(url) => url.clone(),
            None => passport::login_url(&http, &config.nexus, 3, self.transcript.as_mut())
                .await
                .map_err(|e| LoginError::new(Stage::Nexus, Failure::Passport(e)))?,
        };
        let credentials = (config.account.as_str(), config.password.as_str());
        passport::ticket(&http, &url, credentials, challenge, 3, self.transcript.as_mut())
            .await
            .map_err(|e| LoginError::new(Stage::Login, Failure::Passport(e)))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream};

    use super::super::{Client, ClientConfig, Failure, LoginError, Stage, Stream};
    use crate::account::auth::md5_login_digest;

    /// A server that reads a line from the client before sending each of `answers` (with the line's TrID for `{t}`),
    /// and keeps what it read.
    async fn serve(stream: DuplexStream, answers: Vec<String>, heard: Arc<Mutex<Vec<String>>>) {
        let mut stream = BufReader::new(stream);
        for answer in answers {
            let mut line = String::new();
            if stream.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            let answer = answer.replace("{t}", line.split(' ').nth(1).unwrap_or_default());
            heard.lock().expect("not poisoned").push(line.to_string());
            let _ = stream.write_all(format!("{answer}\r\n").as_bytes()).await;
        }
    }

    /// Logs in with MSNP7 to servers that each answer with `answers`; gives the result, every address connected
    /// to, and the lines the servers heard.
    async fn login(answers: &[&str]) -> (Result<Client, LoginError>, Vec<String>, Vec<String>) {
        let version = crate::SPEC.version("MSNP7").expect("MSNP7");
        let mut config = ClientConfig::new(version, "ds.example:1863", "alice@example.com", "secret");
        config.max_referrals = 1;
        config.timeout = std::time::Duration::from_secs(5);
        let (addresses, heard) = (Arc::new(Mutex::new(Vec::new())), Arc::new(Mutex::new(Vec::new())));
        let answers: Vec<String> = answers.iter().map(|a| a.to_string()).collect();
        let connect = |address: String| {
            addresses.lock().expect("not poisoned").push(address);
            let (ours, theirs) = tokio::io::duplex(4096);
            tokio::spawn(serve(theirs, answers.clone(), heard.clone()));
            async move { Ok(Box::new(ours) as Stream) }
        };
        let result = Client::login_via(&config, connect).await;
        let addresses = addresses.lock().expect("not poisoned").clone();
        let heard = heard.lock().expect("not poisoned").clone();
        (result, addresses, heard)
    }

    #[tokio::test]
    async fn msnp7_signs_in_with_the_md5_digest() {
        let salt = "1013928519.693957190";
        let (result, addresses, heard) = login(&[
            "VER {t} MSNP7 CVR0",
            "INF {t} MD5",
            &format!("USR {{t}} MD5 S {salt}"),
            "USR {t} OK alice@example.com Alice 1",
        ])
        .await;
        let client = result.expect("signed in");
        assert_eq!(client.version().name, "MSNP7");
        assert!(client.warnings().is_empty(), "{:?}", client.warnings());
        assert_eq!(addresses, ["ds.example:1863"]);
        let digest = md5_login_digest(salt, "secret");
        let expected = ["VER 1 MSNP7 CVR0", "INF 2", "USR 3 MD5 I alice@example.com", &format!("USR 4 MD5 S {digest}")];
        assert_eq!(heard, expected);
    }

    #[tokio::test]
    async fn a_refused_version_fails_at_ver() {
        let (result, _, heard) = login(&["VER {t} 0"]).await;
        let error = result.expect_err("no version in common");
        assert_eq!(error.stage, Stage::Ver);
        assert!(matches!(error.failure, Failure::VersionRefused));
        assert_eq!(error.server_line.as_deref(), Some("VER 1 0"));
        assert_eq!(heard, ["VER 1 MSNP7 CVR0"]);
    }

    #[tokio::test]
    async fn referrals_are_followed_up_to_the_limit() {
        let referral = "XFR {t} NS 10.0.0.2:1863 0 10.0.0.1:1863";
        let (result, addresses, heard) = login(&["VER {t} MSNP7 CVR0", "INF {t} MD5", referral]).await;
        let error = result.expect_err("one referral allowed, two given");
        assert_eq!(error.stage, Stage::UsrI);
        assert!(matches!(error.failure, Failure::TooManyReferrals(1)));
        assert_eq!(addresses, ["ds.example:1863", "10.0.0.2:1863"]);
        // The second connection goes on with the TrIDs after the first's.
        let second = ["VER 4 MSNP7 CVR0", "INF 5", "USR 6 MD5 I alice@example.com"];
        assert_eq!(heard[3..], second);
    }
}
