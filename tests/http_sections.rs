//! HTTP sections of transcripts: the hand-written exchanges of `tests/fixtures/http/` (RST for MSNP15, FindMembership
//! and ABFindAll for MSNP13) validate clean, and each mutation of them gives exactly its code at its line.

use msnp::validate::{Diagnostic, Severity};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(msnp_tests::fixture_path(&format!("http/{name}"))).expect("the fixture")
}

/// The diagnostics of `text`, as line, severity and code.
fn codes(text: &str) -> Vec<(usize, Severity, &'static str)> {
    diagnostics(text).iter().map(|d| (d.line, d.severity, d.code)).collect()
}

fn diagnostics(text: &str) -> Vec<Diagnostic> {
    msnp_tests::run("http.txt", text.as_bytes()).1.diagnostics
}

/// The 1-based number of the first line of `text` that contains `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("no line holds {needle:?}")) + 1
}

/// `text` with `from` replaced by `to` (which must occur).
fn mutate(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from:?} is not in the fixture");
    text.replace(from, to)
}

const RST: &str = "msnp15-rst.txt";
const AB: &str = "msnp13-address-book.txt";

#[test]
fn the_hand_written_exchanges_validate_clean() {
    for name in [RST, AB] {
        let text = fixture(name);
        let (summary, seen) = msnp_tests::run(name, text.as_bytes());
        assert!(seen.diagnostics.is_empty(), "{name}: {:?}", seen.diagnostics);
        assert!(summary.http_exchanges > 0 && summary.connection_count == 1, "{name}: {summary:?}");
    }
}

#[test]
fn a_missing_element_is_reported_at_the_document_element() {
    let text = mutate(&fixture(AB), "serviceFilter>", "filter>");
    let line = line_of(&text, "<FindMembership xmlns");
    assert_eq!(codes(&text), [(line, Severity::Error, "http-missing-element")]);
    let d = &diagnostics(&text)[0];
    assert_eq!(d.column, 8, "{d:?}");
    assert!(d.message.contains("<serviceFilter>") && d.message.contains("find-membership"), "{}", d.message);
}

#[test]
fn a_wrong_document_element_is_reported_where_it_is() {
    let text = mutate(&fixture(AB), "FindMembership xmlns", "FindMembers xmlns")
        .replace("</FindMembership>", "</FindMembers>");
    let line = line_of(&text, "<FindMembers xmlns");
    assert_eq!(codes(&text), [(line, Severity::Error, "http-document")]);
    // The response of RST holding the request's document.
    let text = mutate(&fixture(RST), "wst:RequestSecurityTokenResponseCollection>", "wst:Collection>");
    assert_eq!(codes(&text), [(line_of(&text, "<wst:Collection>"), Severity::Error, "http-document")]);
}

#[test]
fn an_unknown_action_or_path_is_a_warning_naming_it() {
    let text = mutate(&fixture(AB), "AddressBook/FindMembership", "AddressBook/FindEverything");
    let line = line_of(&text, "SOAPAction: http://www.msn.com/webservices/AddressBook/FindEverything");
    assert_eq!(codes(&text), [(line, Severity::Warning, "http-unknown-service")]);
    assert!(diagnostics(&text)[0].message.contains("FindEverything"));
    let text = mutate(&fixture(RST), "POST /RST.srf", "POST /RST3.srf");
    assert_eq!(codes(&text), [(line_of(&text, "POST /RST3.srf"), Severity::Warning, "http-unknown-service")]);
}

#[test]
fn malformed_xml_is_reported_where_the_parser_stops() {
    let text = mutate(&fixture(RST), "      </wsse:UsernameToken>\n", "");
    let line = line_of(&text, "C:     </wsse:Security>");
    assert_eq!(codes(&text), [(line, Severity::Error, "http-xml")]);
}

#[test]
fn the_method_headers_and_lines_are_checked() {
    let text = mutate(&fixture(RST), "C: POST /RST.srf HTTP/1.1", "C: GET /RST.srf HTTP/1.1");
    assert_eq!(codes(&text), [(line_of(&text, "GET /RST.srf"), Severity::Error, "http-method")]);
    let text = mutate(&fixture(AB), "C: SOAPAction: http://www.msn.com/webservices/AddressBook/ABFindAll\n", "");
    let line = line_of(&text, "POST /abservice/abservice.asmx");
    assert_eq!(codes(&text), [(line, Severity::Error, "http-missing-header")]);
    let text = mutate(&fixture(RST), "S: HTTP/1.1 200 OK", "S: HTTP/1.1 OK");
    assert_eq!(codes(&text), [(line_of(&text, "HTTP/1.1 OK"), Severity::Error, "http-status-line")]);
    let text = mutate(&fixture(RST), "C: POST /RST.srf HTTP/1.1", "C: POST /RST.srf");
    assert_eq!(codes(&text), [(line_of(&text, "C: POST /RST.srf"), Severity::Error, "http-request-line")]);
    let text = mutate(&fixture(RST), "C: Host: login.live.com", "C: Host login.live.com");
    assert_eq!(codes(&text), [(line_of(&text, "Host login"), Severity::Error, "http-header")]);
}

#[test]
fn a_fault_is_a_warning_and_a_missing_response_too() {
    let fault = "S:   <S:Body><S:Fault><faultcode>wsse:FailedAuthentication</faultcode><faultstring>Authentication Failure</faultstring></S:Fault></S:Body>\nS: </S:Envelope>\n";
    let rst = fixture(RST);
    let start = rst.find("S:   <S:Body>").unwrap();
    let end = rst.find("S: </S:Envelope>\n").unwrap() + "S: </S:Envelope>\n".len();
    let text = format!("{}{fault}{}", &rst[..start], &rst[end..])
        .replace("S: HTTP/1.1 200 OK", "S: HTTP/1.1 500 Internal Server Error");
    assert_eq!(codes(&text), [(line_of(&text, "<S:Fault>"), Severity::Warning, "soap-fault")]);
    assert!(diagnostics(&text)[0].message.ends_with("wsse:FailedAuthentication: Authentication Failure"));
    let start = rst.find("S: HTTP/1.1 200 OK").unwrap();
    let text = format!("{}{}", &rst[..start], &rst[end..]);
    assert_eq!(codes(&text), [(line_of(&text, "C: </Envelope>"), Severity::Warning, "http-no-response")]);
}

#[test]
fn a_service_outside_the_connections_version_is_an_error() {
    // The Passport 1.4 nexus belongs to MSNP8-14; this connection speaks MSNP15.
    let rst = fixture(RST);
    let nexus = "Client sends an HTTP request to https://nexus.passport.com/rdr/pprdr.asp.\n\nC: GET /rdr/pprdr.asp HTTP/1.1\nC:\nS: HTTP/1.1 200 OK\nS: PassportURLs: DALogin=login.passport.com/login2.srf\nS:\n\n";
    let at = rst.find("Client sends an HTTP request to https://login.live.com").unwrap();
    let text = format!("{}{nexus}{}", &rst[..at], &rst[at..]);
    let d = diagnostics(&text);
    let found: Vec<_> = d.iter().map(|d| (d.line, d.code, d.column)).collect();
    assert_eq!(found, [(line_of(&text, "GET /rdr/pprdr.asp"), "http-service-version", 8)]);
    assert_eq!(d[0].message, "`nexus` belongs to MSNP8 to MSNP14, not to MSNP15");
}

#[test]
fn http_sections_alone_are_a_transcript() {
    let text = "Client sends an HTTP request to http://127.0.0.1/login2.srf.\n\nC: GET /login2.srf HTTP/1.1\nC: Authorization: Passport1.4 OrgVerb=GET,sign-in=a%40b.c,pwd=$password\nC:\nS: HTTP/1.1 401 Unauthorized\nS: WWW-Authenticate: Passport1.4 da-status=failed\nS:\n";
    let (summary, seen) = msnp_tests::run("alone.txt", text.as_bytes());
    assert!(seen.diagnostics.is_empty(), "{:?}", seen.diagnostics);
    assert_eq!((summary.http_exchanges, summary.connection_count), (1, 0));
    // A 200 without the ticket's header is missing what the spec requires.
    let text = text.replace("401 Unauthorized", "200 OK");
    assert_eq!(codes(&text), [(6, Severity::Error, "http-missing-header")]);
}

#[test]
fn bodies_and_headers_are_bounded() {
    let limits = msnp::frame::Limits { max_payload: 256, ..msnp::frame::Limits::default() };
    let options = msnp::validate::Options { limits, ..msnp_tests::options() };
    let text = fixture(AB);
    let (_, seen) = msnp_tests::run_with("http.txt", text.as_bytes(), &options);
    let found: Vec<_> = seen.diagnostics.iter().map(|d| (d.line, d.code)).collect();
    // Each body stops being kept at the line that passes the limit; nothing else is reported of it.
    assert!(!found.is_empty() && found.iter().all(|(_, code)| *code == "http-too-large"), "{found:?}");
    let many =
        format!("Client sends an HTTP request to http://x/a.\n\nC: GET /a HTTP/1.1\n{}", "C: X-A: b\n".repeat(300));
    let expected = [
        (260, Severity::Error, "http-too-large"),
        (3, Severity::Warning, "http-unknown-service"),
        (259, Severity::Warning, "http-no-response"),
    ];
    assert_eq!(codes(&many), expected);
}
