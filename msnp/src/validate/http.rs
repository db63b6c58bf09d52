//! HTTP sections of transcripts (see [`super::transcript`] for the notation): one exchange, its request from the
//! `C:` lines and its response from the `S:` lines, checked against the web services of the spec.
//!
//! Each line is checked as it comes (the request line, the status line, header lines, the body's size); once the
//! section ends, the exchange as a whole: which service it is (by `SOAPAction`, else by path, and among services
//! sharing a path by the request's SOAP document element), whether the connection's version uses it, its method,
//! the headers the spec requires, and for SOAP services the envelope, its document element and the elements the
//! spec names. A SOAP `Fault` is a legal answer and is reported as a warning.

use super::Severity;
use super::xml::{self, SoapProblemKind};
use crate::spec::{HttpMessageDef, Spec, VersionDef, WebServiceDef, WebServiceKind};

/// The most headers a request or a response keeps; more (or more bytes of them than a body may have) are
/// reported once.
pub const MAX_HEADERS: usize = 256;

/// A diagnostic of an HTTP section, located on a transcript line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Characters to underline.
    pub width: usize,
    /// Error or warning.
    pub severity: Severity,
    /// The diagnostic code.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// The line as written.
    pub source: String,
}

/// A header line as read.
#[derive(Debug)]
struct Header {
    line: usize,
    name: String,
    value: String,
}

/// The request or the response, as its lines arrive.
#[derive(Debug, Default)]
struct Part {
    /// The request or status line: its line number and text.
    first: Option<(usize, String)>,
    prefix: &'static str,
    headers: Vec<Header>,
    /// The bytes of the header lines kept, bounded like the body.
    header_bytes: usize,
    in_body: bool,
    /// The body's lines joined with line feeds.
    body: Vec<u8>,
    /// Where each body line starts: its line number and offset in `body`.
    lines: Vec<(usize, usize)>,
    /// Whether the part outgrew a limit (reported once; it is not checked further).
    over: bool,
}

/// One HTTP exchange of a transcript.
#[derive(Debug)]
pub struct Exchange {
    /// The line of the prose that started it, and that line.
    start: (usize, String),
    request: Part,
    response: Part,
    max_body: usize,
}

impl Exchange {
    /// An exchange started by the prose line `source` on line `number`; bodies are kept up to `max_body` bytes.
    pub fn new(number: usize, source: &str, max_body: usize) -> Self {
        Exchange { start: (number, source.to_string()), request: Part::default(), response: Part::default(), max_body }
    }

    /// Whether a response line has come.
    pub fn responded(&self) -> bool {
        self.response.first.is_some()
    }

    /// A `C:` (`request`) or `S:` line of the section: `text` after `prefix`.
    pub fn line(&mut self, number: usize, request: bool, text: &str, prefix: &'static str, out: &mut Vec<Finding>) {
        let max_body = self.max_body;
        let part = if request { &mut self.request } else { &mut self.response };
        part.line(number, request, text, prefix, max_body, out);
    }

    /// Checks the exchange as a whole against `spec`, for a connection of `version` when it is known.
    pub fn finish(&self, spec: &Spec, version: Option<&'static VersionDef>, out: &mut Vec<Finding>) {
        let mut found = Vec::new();
        let Some((line, text)) = &self.request.first else {
            let message = "the HTTP section has no request (`C:` lines after this one)".to_string();
            let (start, source) = &self.start;
            found.push(finding(
                *start,
                1,
                source.chars().count(),
                Severity::Error,
                "http-request-line",
                message,
                source,
            ));
            out.extend(found);
            return;
        };
        let service = match request_line(text) {
            Some((method, target)) => self.service(spec, version, (*line, text, method, target), &mut found),
            None => None,
        };
        if let Some(service) = service {
            self.check_request(service, &mut found);
        }
        self.check_response(service, &mut found);
        found.sort_by_key(|f| f.line);
        out.extend(found);
    }

    /// The service the request is for, with its method and version checked; a warning when the spec has none.
    fn service(
        &self,
        spec: &Spec,
        version: Option<&'static VersionDef>,
        (line, text, method, target): (usize, &str, &str, &str),
        out: &mut Vec<Finding>,
    ) -> Option<&'static WebServiceDef> {
        let prefix = self.request.prefix;
        let source = format!("{prefix}{text}");
        let target_column = prefix.chars().count() + method.chars().count() + 2;
        let target_width = target.chars().count();
        let service = match self.request.header("SOAPAction") {
            Some(action) => spec.service_by_action(&action.value).or_else(|| {
                let message = format!("no web service of the spec has the SOAPAction `{}`", action.value.trim());
                let column = self.request.prefix.chars().count() + 1;
                let action_source = format!("{prefix}{}: {}", action.name, action.value);
                let width = action_source.chars().count() - column + 1;
                out.push(finding(action.line, column, width, Severity::Warning, UNKNOWN, message, &action_source));
                None
            })?,
            None => {
                let path = path_of(target);
                let document = self.request_document();
                let mut candidates = spec.services_at(path).peekable();
                let first = candidates.peek().copied();
                let by_document =
                    candidates.find(|s| s.request.document.is_some_and(|d| Some(d) == document.as_deref()));
                let Some(service) = by_document.or(first) else {
                    let message = format!("no web service of the spec is reached at `{path}`");
                    out.push(finding(line, target_column, target_width, Severity::Warning, UNKNOWN, message, &source));
                    return None;
                };
                service
            }
        };
        if !service.method.eq_ignore_ascii_case(method) {
            let message = format!("`{}` is called with {}, not {method}", service.name, service.method);
            let column = prefix.chars().count() + 1;
            out.push(finding(line, column, method.chars().count(), Severity::Error, "http-method", message, &source));
        }
        if let Some(version) = version
            && !service.used_in(spec, version)
        {
            let message = format!("`{}` belongs to {}, not to {}", service.name, service.versions(), version.name);
            let code = "http-service-version";
            out.push(finding(line, target_column, target_width, Severity::Error, code, message, &source));
        }
        Some(service)
    }

    /// The local name of the request's SOAP document element, when the body is one.
    fn request_document(&self) -> Option<String> {
        let read = xml::soap(&self.request.body, None, &[]).ok()?;
        let (name, _) = read.document?;
        Some(name.rsplit(':').next().unwrap_or(&name).to_string())
    }

    fn check_request(&self, service: &'static WebServiceDef, out: &mut Vec<Finding>) {
        let part = &self.request;
        part.check_headers(service, &service.request, "request", out);
        if service.action.is_some() && part.header("SOAPAction").is_none() {
            part.missing_header(service, "request", "SOAPAction", out);
        }
        if service.kind == WebServiceKind::Soap && !part.over {
            part.check_soap(service, &service.request, "request", out);
        }
    }

    fn check_response(&self, service: Option<&'static WebServiceDef>, out: &mut Vec<Finding>) {
        let part = &self.response;
        let Some((_, text)) = &part.first else {
            let (line, last) = self.request.last_line();
            let message = "the request has no response (`S:` lines)".to_string();
            out.push(finding(line, 1, last.chars().count(), Severity::Warning, "http-no-response", message, &last));
            return;
        };
        let Some(status) = status_line(text) else { return };
        let success = (200..300).contains(&status);
        match service {
            Some(service) => {
                if success {
                    part.check_headers(service, &service.response, "response", out);
                }
                let soap = service.kind == WebServiceKind::Soap;
                if soap && !part.over && (success || !part.body.is_empty()) {
                    part.check_soap(service, &service.response, "response", out);
                }
            }
            None => part.check_plain_xml(out),
        }
        if service.is_none() {
            self.request.check_plain_xml(out);
        }
    }
}

/// The code of an exchange no service of the spec matches.
const UNKNOWN: &str = "http-unknown-service";

impl Part {
    fn line(
        &mut self,
        number: usize,
        request: bool,
        text: &str,
        prefix: &'static str,
        max_body: usize,
        out: &mut Vec<Finding>,
    ) {
        let source = || format!("{prefix}{text}");
        let column = prefix.chars().count() + 1;
        let width = text.chars().count().max(1);
        if self.first.is_none() {
            self.first = Some((number, text.to_string()));
            self.prefix = prefix;
            let (well_formed, code, expected) = if request {
                (request_line(text).is_some(), "http-request-line", "METHOD /path HTTP/1.1")
            } else {
                (status_line(text).is_some(), "http-status-line", "HTTP/1.1 200 OK")
            };
            if !well_formed {
                let message = format!(
                    "`{text}` is not an HTTP {} line (`{expected}`)",
                    if request { "request" } else { "status" }
                );
                out.push(finding(number, column, width, Severity::Error, code, message, &source()));
            }
        } else if !self.in_body {
            if text.is_empty() {
                self.in_body = true;
            } else if self.headers.len() >= MAX_HEADERS || self.header_bytes + text.len() > max_body {
                if !std::mem::replace(&mut self.over, true) {
                    let message = format!(
                        "more than {MAX_HEADERS} headers, or {max_body} bytes of them; the rest is not checked"
                    );
                    out.push(finding(number, column, width, Severity::Error, "http-too-large", message, &source()));
                }
            } else {
                self.header_bytes += text.len();
                match header_line(text) {
                    Some((name, value)) => self.headers.push(Header { line: number, name, value }),
                    None => {
                        let message = format!("`{text}` is not an HTTP header line (`Name: value`)");
                        out.push(finding(number, column, width, Severity::Error, "http-header", message, &source()));
                    }
                }
            }
        } else if !self.over {
            let separator = usize::from(!self.lines.is_empty());
            if self.body.len() + separator + text.len() > max_body {
                self.over = true;
                let message = format!("the body is longer than the limit of {max_body} bytes; it is not checked");
                out.push(finding(number, column, width, Severity::Error, "http-too-large", message, &source()));
                return;
            }
            if separator == 1 {
                self.body.push(b'\n');
            }
            self.lines.push((number, self.body.len()));
            self.body.extend_from_slice(text.as_bytes());
        }
    }

    /// The header `name` (compared without case).
    fn header(&self, name: &str) -> Option<&Header> {
        self.headers.iter().find(|h| h.name.eq_ignore_ascii_case(name))
    }

    /// The part's last line: its number and text as written.
    fn last_line(&self) -> (usize, String) {
        if let Some(&(line, offset)) = self.lines.last() {
            let text = String::from_utf8_lossy(&self.body[offset..]);
            return (line, format!("{}{text}", self.prefix));
        }
        if let Some(header) = self.headers.last() {
            return (header.line, format!("{}{}: {}", self.prefix, header.name, header.value));
        }
        self.first.as_ref().map_or((0, String::new()), |(line, text)| (*line, format!("{}{text}", self.prefix)))
    }

    fn check_headers(&self, service: &WebServiceDef, def: &HttpMessageDef, what: &str, out: &mut Vec<Finding>) {
        for name in def.headers {
            if self.header(name).is_none() {
                self.missing_header(service, what, name, out);
            }
        }
    }

    fn missing_header(&self, service: &WebServiceDef, what: &str, name: &str, out: &mut Vec<Finding>) {
        let Some((line, text)) = &self.first else { return };
        let message = format!("the {what} has no `{name}` header, which `{}` requires", service.name);
        let source = format!("{}{text}", self.prefix);
        let column = self.prefix.chars().count() + 1;
        out.push(finding(
            *line,
            column,
            text.chars().count().max(1),
            Severity::Error,
            "http-missing-header",
            message,
            &source,
        ));
    }

    /// The body as a SOAP message of `service`'s `def`.
    fn check_soap(&self, service: &WebServiceDef, def: &HttpMessageDef, what: &str, out: &mut Vec<Finding>) {
        let name = service.name;
        if self.body.iter().all(u8::is_ascii_whitespace) {
            let Some((line, text)) = &self.first else { return };
            let document = def.document.unwrap_or("Envelope");
            let message = format!("the {what} has no body; `{name}` carries a SOAP envelope with <{document}>");
            let (source, column) = (format!("{}{text}", self.prefix), self.prefix.chars().count() + 1);
            out.push(finding(
                *line,
                column,
                text.chars().count().max(1),
                Severity::Error,
                "http-document",
                message,
                &source,
            ));
            return;
        }
        match xml::soap(&self.body, def.document, def.elements) {
            Ok(read) => {
                if let (Some(fault), Some((_, offset))) = (read.fault, read.document) {
                    let message = if fault.is_empty() {
                        format!("`{name}` answered with a SOAP Fault")
                    } else {
                        format!("`{name}` answered with a SOAP Fault: {fault}")
                    };
                    out.push(self.body_finding(offset, 5, Severity::Warning, "soap-fault", message));
                }
            }
            Err(problem) => {
                let code = match problem.kind {
                    SoapProblemKind::Malformed(_) => "http-xml",
                    SoapProblemKind::Missing(_) => "http-missing-element",
                    _ => "http-document",
                };
                let message = format!("the {what} body of `{name}` {}", problem.kind);
                out.push(self.body_finding(problem.offset, 1, Severity::Error, code, message));
            }
        }
    }

    /// A body that looks like XML and no service describes: only its well-formedness is checked.
    fn check_plain_xml(&self, out: &mut Vec<Finding>) {
        let xml_type = self.header("Content-Type").is_some_and(|h| h.value.to_ascii_lowercase().contains("xml"));
        if self.over || self.body.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        if !xml_type && self.body.trim_ascii_start().first() != Some(&b'<') {
            return;
        }
        if let Err(xml::XmlProblem::Malformed(why)) = xml::check(&self.body, None, &[]) {
            out.push(self.body_finding(
                0,
                1,
                Severity::Error,
                "http-xml",
                format!("the body is not well-formed XML: {why}"),
            ));
        }
    }

    /// A finding at byte `offset` of the body.
    fn body_finding(
        &self,
        offset: usize,
        width: usize,
        severity: Severity,
        code: &'static str,
        message: String,
    ) -> Finding {
        let index = self.lines.partition_point(|&(_, start)| start <= offset).saturating_sub(1);
        let Some(&(line, start)) = self.lines.get(index) else {
            let (line, source) = self.last_line();
            return finding(line, 1, 1, severity, code, message, &source);
        };
        let end = self.lines.get(index + 1).map_or(self.body.len(), |&(_, next)| next - 1);
        let text = String::from_utf8_lossy(&self.body[start..end]);
        let before = String::from_utf8_lossy(&self.body[start..offset.clamp(start, end)]).chars().count();
        let column = self.prefix.chars().count() + before + 1;
        finding(line, column, width, severity, code, message, &format!("{}{text}", self.prefix))
    }
}

fn finding(
    line: usize,
    column: usize,
    width: usize,
    severity: Severity,
    code: &'static str,
    message: String,
    source: &str,
) -> Finding {
    Finding { line, column, width: width.max(1), severity, code, message, source: source.to_string() }
}

/// The method and target of a request line `METHOD TARGET HTTP/x.y`.
pub fn request_line(text: &str) -> Option<(&str, &str)> {
    let mut words = text.split(' ');
    let (method, target, version) = (words.next()?, words.next()?, words.next()?);
    let method_ok = !method.is_empty() && method.bytes().all(|b| b.is_ascii_uppercase());
    let target_ok = target.starts_with('/') || target.starts_with("http://") || target.starts_with("https://");
    (words.next().is_none() && method_ok && target_ok && http_version(version)).then_some((method, target))
}

/// The status code of a status line `HTTP/x.y NNN reason`.
pub fn status_line(text: &str) -> Option<u16> {
    let (version, rest) = text.split_once(' ')?;
    let code = rest.get(..3)?;
    let after = &rest[3..];
    let ok = http_version(version)
        && code.bytes().all(|b| b.is_ascii_digit())
        && (after.is_empty() || after.starts_with(' '));
    ok.then(|| code.parse().ok()).flatten()
}

fn http_version(text: &str) -> bool {
    matches!(text, "HTTP/1.0" | "HTTP/1.1" | "HTTP/2" | "HTTP/2.0")
}

/// The name and value of a header line `Name: value`.
pub fn header_line(text: &str) -> Option<(String, String)> {
    let (name, value) = text.split_once(':')?;
    let token = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    token.then(|| (name.to_string(), value.trim().to_string()))
}

/// The path of a request target, without scheme and host, query or fragment.
pub fn path_of(target: &str) -> &str {
    let path = match target.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |slash| &rest[slash..]),
        None => target,
    };
    path.split(['?', '#']).next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::{header_line, path_of, request_line, status_line};

    #[test]
    fn lines_of_the_http_notation() {
        assert_eq!(request_line("GET /login2.srf HTTP/1.1"), Some(("GET", "/login2.srf")));
        assert_eq!(request_line("POST https://x/RST.srf HTTP/1.0"), Some(("POST", "https://x/RST.srf")));
        assert_eq!(request_line("GET /login2.srf"), None);
        assert_eq!(request_line("get / HTTP/1.1"), None);
        assert_eq!(status_line("HTTP/1.1 200 OK"), Some(200));
        assert_eq!(status_line("HTTP/1.1 302"), Some(302));
        assert_eq!(status_line("HTTP/1.1 2000 OK"), None);
        assert_eq!(status_line("200 OK"), None);
        assert_eq!(header_line("PassportURLs: DALogin=x"), Some(("PassportURLs".into(), "DALogin=x".into())));
        assert_eq!(header_line("Bad Header: x"), None);
        assert_eq!(path_of("https://login.example.com/RST.srf?x=1"), "/RST.srf");
        assert_eq!(path_of("/rdr/pprdr.asp"), "/rdr/pprdr.asp");
    }
}
