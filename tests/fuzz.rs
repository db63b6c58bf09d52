//! Fuzz targets: one function per target, each taking the fuzzer's bytes and panicking when the property it
//! checks does not hold.
//!
//! The functions live in this library rather than in the fuzz crate so that a stable test
//! (`tests/fuzz_replay.rs`) can replay the committed corpus and every crash input without nightly or libFuzzer;
//! `fuzz/fuzz_targets/NAME.rs` only hands the bytes over. Each function bounds its own work: the input is the
//! only thing that grows it, and libFuzzer bounds the input.

use std::time::Duration;

use msnp::client::{Client, ClientConfig, Stream};
use msnp::frame::{FrameError, Framer, Limits, OwnedFrame, VersionRule};
use msnp::message::{ArgName, Incoming, Received};
use msnp::raw::{RawCommand, Tokens};
use msnp::server::{ServerConfig, Sessions};
use msnp::spec::{ArgKind, Dir, Services, VersionDef};
use msnp::sso::request::RstRequest;
use msnp::sso::response::{RstReply, Tickets, read_response};
use msnp::text::Decoded;
use msnp::validate::{Options, render_human, summary_line, validate_bytes};
use msnp::{Message, Version};
use tokio::io::{AsyncWriteExt, DuplexStream};

/// The limits every target uses besides the defaults: small enough that fuzzed inputs cross them.
const SMALL: Limits = Limits { max_line: 256, max_payload: 1024 };

/// Both directions, in the order the targets try them.
const DIRS: [Dir; 2] = [Dir::Client, Dir::Server];

/// `framing`: however the input is cut into chunks, feeding them one by one gives the same frames, the same
/// error at the same place, and the same unframed rest as decoding it whole.
///
/// Input: one byte choosing the version and the sender (whose payload rule applies), one byte giving the number
/// of cuts (at most 15), one byte per cut giving its position as a fraction of the stream, then the stream.
pub fn framing(data: &[u8]) {
    let [select, cuts, rest @ ..] = data else { return };
    let versions = msnp::SPEC.versions;
    let version = &versions[usize::from(select & 0x7f) % versions.len()];
    let dir = if select & 0x80 == 0 { Dir::Server } else { Dir::Client };
    let count = usize::from(cuts & 0x0f).min(rest.len());
    let (positions, stream) = rest.split_at(count);
    let mut cuts: Vec<usize> = positions.iter().map(|&p| usize::from(p) * stream.len() / 255).collect();
    cuts.sort_unstable();
    for limits in [SMALL, Limits::default()] {
        let rule = VersionRule { version, dir };
        let whole = decode_whole(Framer::new(limits, rule), stream);
        let chunked = decode_chunked(Framer::new(limits, rule), stream, &cuts);
        assert_eq!(chunked, whole, "{} {dir:?} {limits:?}, cuts at {cuts:?}", version.name);
    }
}

/// What decoding a stream gives: the frames, then where and how it stopped.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    frames: Vec<OwnedFrame>,
    /// How many bytes the frames took.
    used: usize,
    /// The error that stopped framing, if one did; otherwise the rest is an incomplete frame.
    error: Option<FrameError>,
}

/// Decodes `stream` from one buffer holding all of it.
fn decode_whole(mut framer: Framer<VersionRule>, stream: &[u8]) -> Outcome {
    let mut out = Outcome { frames: Vec::new(), used: 0, error: None };
    loop {
        let buffer = &stream[out.used..];
        match framer.decode(buffer) {
            Ok(Some(frame)) => {
                out.frames.push(owned(buffer, &frame));
                out.used += frame.consumed;
            }
            Ok(None) => return out,
            Err(e) => {
                out.error = Some(e);
                return out;
            }
        }
    }
}

/// Decodes `stream` as it arrives in chunks ending at `cuts`, the way a connection does: bytes are appended to a
/// buffer, and each decoded frame is dropped from its front.
fn decode_chunked(mut framer: Framer<VersionRule>, stream: &[u8], cuts: &[usize]) -> Outcome {
    let mut out = Outcome { frames: Vec::new(), used: 0, error: None };
    let mut buffer = Vec::new();
    let mut start = 0;
    for &end in cuts.iter().chain(std::iter::once(&stream.len())) {
        buffer.extend_from_slice(&stream[start..end]);
        start = end;
        loop {
            match framer.decode(&buffer) {
                Ok(Some(frame)) => {
                    out.frames.push(owned(&buffer, &frame));
                    out.used += frame.consumed;
                    buffer.drain(..frame.consumed);
                }
                Ok(None) => break,
                Err(e) => {
                    out.error = Some(e);
                    return out;
                }
            }
        }
    }
    assert_eq!(buffer, stream[out.used..], "the unframed rest is the end of the stream");
    out
}

fn owned(buffer: &[u8], frame: &msnp::frame::Frame) -> OwnedFrame {
    OwnedFrame { line: buffer[frame.line.clone()].to_vec(), payload: buffer[frame.payload.clone()].to_vec() }
}

/// `parse`: in every compiled-in version and both directions, a line that parses writes back to bytes that parse
/// to the same value; the tolerant receive path and the argument getters never panic.
///
/// Input: a command line (read as UTF-8, invalid bytes replaced) up to the first CR or LF; the bytes after the
/// line end are the payload.
pub fn parse(data: &[u8]) {
    let end = data.iter().position(|b| matches!(b, b'\r' | b'\n')).unwrap_or(data.len());
    let line = String::from_utf8_lossy(&data[..end]);
    let payload = match &data[end..] {
        [b'\r', b'\n', rest @ ..] | [_, rest @ ..] => rest,
        [] => &[],
    };
    for version in msnp::SPEC.versions {
        for dir in DIRS {
            round_trip(version, dir, &line, payload);
            for services in [Services::NS, Services::ALL] {
                if let Ok(received) = Received::read(version, dir, services, &line, payload) {
                    let _ = received.repair().map(ToString::to_string);
                    read_every_argument(&received.incoming());
                }
            }
            let raw = RawCommand::parse(&line, payload, Tokens::Wire);
            if let Ok(incoming) = Incoming::parse(version, dir, &raw) {
                read_every_argument(&incoming);
            }
        }
    }
}

/// Parses `line` as a typed message; when it parses, checks that what it writes parses to the same value.
fn round_trip(version: &'static VersionDef, dir: Dir, line: &str, payload: &[u8]) {
    let v = Version::from_name(version.name).expect("every version of the spec is compiled in");
    for tokens in [Tokens::Wire, Tokens::Transcript] {
        let raw = RawCommand::parse(line, payload, tokens);
        let Ok(message) = Message::parse(v, dir, &raw) else { continue };
        let mut written = Vec::new();
        message.write(&mut written);
        let context =
            || format!("{} {dir:?} {tokens:?} `{line}` wrote {:?}", version.name, String::from_utf8_lossy(&written));
        let end = written.windows(2).position(|w| w == b"\r\n").unwrap_or_else(|| panic!("{}: no CRLF", context()));
        let again = std::str::from_utf8(&written[..end]).unwrap_or_else(|_| panic!("{}: not UTF-8", context()));
        // A transcript's placeholder (`$md5(prefix + password)`) is written back as it was, so it is read back
        // the way it was first read.
        let raw = RawCommand::parse(again, &written[end + 2..], tokens);
        let reparsed = Message::parse(v, dir, &raw).unwrap_or_else(|e| panic!("{}: does not parse: {e}", context()));
        assert_eq!(reparsed, message, "{}", context());
    }
}

/// Reads every argument the line's form names, as every type the getters offer.
fn read_every_argument(incoming: &Incoming<'_, '_>) {
    let _ = (incoming.trid(), incoming.payload().len(), incoming.raw().arg_count());
    for arg in incoming.form().shape.args {
        let ArgKind::Value { name, .. } = arg.kind else { continue };
        let name = ArgName(name);
        let _ = incoming.get::<&str>(name);
        let _ = incoming.get::<u32>(name);
        let _ = incoming.get::<u64>(name);
        let _ = incoming.get::<bool>(name);
        let _ = incoming.get::<Decoded>(name);
        let _ = incoming.require::<&str>(name);
        let _ = incoming.get_all::<&str>(name);
        let _ = incoming.get_all::<u32>(name);
        let _ = incoming.value_doc(name);
    }
}

/// `validate`: the validator reports on any input, with the default and with small limits, with the version
/// taken from VER and forced to MSNP8, and every diagnostic renders; nothing panics.
pub fn validate(data: &[u8]) {
    let small = Limits { max_line: 64, max_payload: 128 };
    let msnp8 = msnp::SPEC.version("MSNP8");
    for limits in [Limits::default(), small] {
        for version in [None, msnp8] {
            let options = Options { spec: &msnp::SPEC, version, limits };
            let (summary, diagnostics) = validate_bytes("fuzz.txt", data, &options);
            for diagnostic in &diagnostics {
                let _ = render_human(diagnostic);
            }
            let _ = summary_line(&summary);
        }
    }
}

/// `client`: a client logs in over an in-memory pipe whose other end sends the input as the server's bytes, then
/// synchronises, sets a status, watches and signs out; each step may fail, but none may panic or hang.
///
/// Input: one byte choosing the version (its low four bits: MSNP2 plus 0 to 12), whether the server keeps the
/// connection open after its bytes (bit 4: then every wait ends in a timeout) and the size of the server's writes
/// (bits 5 to 7); then the server's bytes, one connection's after another, separated by NUL bytes (a referral
/// with `XFR NS` opens the next connection).
///
/// The runtime's clock is paused, so timeouts fire as soon as nothing else can happen and a run takes no real
/// time. Passport (MSNP8 and later) is pointed at a loopback port where nothing listens, so it fails at once.
pub fn client(data: &[u8]) {
    let [select, server @ ..] = data else { return };
    let number = 2 + u32::from(select & 0x0f) % 13;
    let Some(version) = msnp::SPEC.version(&format!("MSNP{number}")) else { return };
    let keep_open = select & 0x10 != 0;
    let write_size = [1, 3, 8, 17, 64, 256, 1024, 4096][usize::from(select >> 5)];
    let connections: Vec<Vec<u8>> = server.split(|b| *b == 0).map(<[u8]>::to_vec).collect();

    let mut config = ClientConfig::new(version, "server.invalid:1863", "alice@example.com", "password");
    config.timeout = Duration::from_secs(5);
    config.record = true;
    config.nexus = "http://127.0.0.1:9/rdr/pprdr.asp".to_string();
    config.login_url = Some("http://127.0.0.1:9/login2.srf".to_string());
    config.soap_url = "http://127.0.0.1:9".to_string();

    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().expect("a runtime");
    runtime.block_on(async {
        let mut next = connections.into_iter();
        let connect = |_address: String| {
            let (ours, theirs) = tokio::io::duplex(1024);
            tokio::spawn(play(theirs, next.next().unwrap_or_default(), write_size, keep_open));
            std::future::ready(Ok(Box::new(ours) as Stream))
        };
        let mut client = match Client::login_via(&config, connect).await {
            Ok(client) => client,
            Err(e) => {
                check_transcript(e.to_string(), e.transcript.as_ref().map(|t| t.text()));
                return;
            }
        };
        let _ = client.synchronise().await.map(|list| list.contacts.len()).map_err(|e| e.to_string());
        let _ = client.set_status("NLN", Some(0)).await.map_err(|e| e.to_string());
        let _ = client.watch(Duration::from_secs(100)).await.map_err(|e| e.to_string());
        let _ = (client.warnings().len(), client.lost_lines().len());
        match client.sign_out().await {
            Ok(transcript) => check_transcript(String::new(), transcript.as_ref().map(|t| t.text())),
            Err(e) => check_transcript(e.to_string(), e.transcript.as_ref().map(|t| t.text())),
        }
    });
}

/// Plays the server's side of one connection: writes `bytes` in pieces of `size`, reading and dropping what the
/// client sends meanwhile, then closes its side unless told to keep it open.
async fn play(stream: DuplexStream, bytes: Vec<u8>, size: usize, keep_open: bool) {
    let (mut read, mut write) = tokio::io::split(stream);
    tokio::spawn(async move { tokio::io::copy(&mut read, &mut tokio::io::sink()).await });
    for piece in bytes.chunks(size) {
        if write.write_all(piece).await.is_err() {
            return;
        }
    }
    if keep_open {
        // Holding the write half keeps the connection open until the client gives up on it.
        std::future::pending::<()>().await;
    }
    let _ = write.shutdown().await;
}

/// The failure's message and the recorded transcript exist whatever the server sent; the transcript goes through
/// the validator too, which must not panic on what the client wrote down.
fn check_transcript(message: String, transcript: Option<&str>) {
    let _ = message;
    if let Some(text) = transcript {
        let options = Options { spec: &msnp::SPEC, version: None, limits: Limits::default() };
        let _ = validate_bytes("transcript.txt", text.as_bytes(), &options);
    }
}

/// The embedded server's session fed the input as a client's bytes: it must never panic, and must end (the
/// client's side closes after its bytes; the server's deadlines end anything else).
///
/// Input: one byte choosing the role (bit 0: dispatch instead of notification), the versions the server accepts
/// (bits 1 to 4: the newest, MSNP2 plus 0 to 12) and the size of the client's writes (bits 5 to 7); then the
/// client's bytes. The server's accounts are the demo ones, and its MD5 salts are the same on every run (its
/// counter starts afresh), so an input can hold a right digest and reach the signed-in session.
pub fn server(data: &[u8]) {
    let [select, client @ ..] = data else { return };
    let dispatch = select & 1 != 0;
    let newest = 2 + u32::from((select >> 1) & 0x0f) % 13;
    let write_size = [1, 3, 8, 17, 64, 256, 1024, 4096][usize::from(select >> 5)];
    let config = ServerConfig {
        versions: 2..=newest,
        limits: Limits { max_line: 1024, max_payload: 4096 },
        ..ServerConfig::default()
    };
    let local: std::net::SocketAddr = "127.0.0.1:1863".parse().expect("an address");
    let sessions = Sessions::new(config, "127.0.0.1:1864".parse().expect("an address"));
    let bytes = client.to_vec();
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().expect("a runtime");
    runtime.block_on(async {
        let (ours, theirs) = tokio::io::duplex(4096);
        let session = tokio::spawn(async move { sessions.serve(Box::new(theirs), local, dispatch).await });
        let (mut read, mut write) = tokio::io::split(ours);
        // What the server says is read and dropped, so that it never blocks on a full pipe.
        let reader = tokio::spawn(async move { tokio::io::copy(&mut read, &mut tokio::io::sink()).await });
        for piece in bytes.chunks(write_size) {
            if write.write_all(piece).await.is_err() {
                break;
            }
        }
        let _ = write.shutdown().await;
        // On the paused clock every deadline passes at once when nothing else can happen: a session that does not
        // end within a simulated hour is a hang.
        let ended = tokio::time::timeout(Duration::from_secs(3600), session).await;
        assert!(ended.is_ok(), "the server's session did not end after the client closed");
        reader.abort();
    });
}

/// `rst`: the readers of the single sign-on documents (the server's of the RST request, the client's of the
/// response) give a document or an error that says what is wrong for any input, never a panic, within their
/// bounds; the tickets are taken from any tokens read, and the MBI check refuses any response but a right one.
///
/// Input: the document's bytes.
pub fn rst(data: &[u8]) {
    if let Ok(request) = RstRequest::read(data) {
        assert!(request.tokens.len() <= msnp::sso::request::MAX_TOKEN_REQUESTS, "{request:?}");
        // What was read can be written again, and the writer's output is read again.
        let again = RstRequest::read(request.to_xml().as_bytes());
        assert!(again.is_ok(), "{request:?} written and read again: {again:?}");
    }
    match read_response(data) {
        Ok(RstReply::Tokens(tokens)) => {
            assert!(tokens.len() <= msnp::sso::response::MAX_TOKENS);
            let _ = Tickets::from_tokens(&tokens).map_err(|e| e.to_string());
        }
        Ok(RstReply::Fault(fault)) => {
            let _ = fault.to_string();
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
    let text = String::from_utf8_lossy(data);
    let nonce = "8CLhG/xfgYZ7TyRQ/jIAWyDmd/w4R4GF2yKLS6tYrnjzi4cFag/Nr+hxsfg5zlCf";
    assert!(msnp::sso::verify_mbi(b"a key none of the inputs was made with", nonce, text.trim()).is_err());
}
