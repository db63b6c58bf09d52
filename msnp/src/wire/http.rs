//! HTTP exchanges as a transcript records them: the request and the response a client made beside its MSNP
//! connection (Passport 1.4, RST, the address-book services), written in the transcript's HTTP notation with every
//! secret replaced by a `$name` placeholder.
//!
//! Headers are redacted by name and parameter: a Passport 1.4 `Authorization`'s `pwd` becomes `$password`, the
//! `from-PP` of `Authentication-Info` `$ticket`, the `MSPAuth` cookie `$ticket` and other cookies `$cookie`, other
//! credentials `$credentials`; and any `t=...&p=...` ticket left in a header becomes `$ticket`. XML bodies are
//! redacted by element, through quick-xml's reader and writer: the text of `Password` becomes `$password`, of
//! `BinarySecurityToken` and `TicketToken` `$ticket`, of `BinarySecret` `$proof-key`, of `CipherValue`
//! `$encrypted`, whatever their prefix. A body that is not well-formed XML is not shown, and an XML line longer than
//! 1 KiB is broken between elements.

use quick_xml::events::{BytesText, Event};
use quick_xml::reader::Reader;
use quick_xml::writer::Writer;

/// An HTTP request as sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method, such as `GET`.
    pub method: String,
    /// The absolute URL.
    pub url: String,
    /// The headers as sent, in order (a `Host` header is added from the URL when missing).
    pub headers: Vec<(String, String)>,
    /// The body (empty when none).
    pub body: Vec<u8>,
}

/// An HTTP response as received.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code, such as 200.
    pub status: u16,
    /// The reason phrase, such as `OK`.
    pub reason: String,
    /// The headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body (empty when none).
    pub body: Vec<u8>,
}

/// The longest body a transcript shows; a longer one is recorded as a placeholder with its length.
pub const MAX_RECORDED_BODY: usize = 1 << 20;

/// Elements whose text is a secret, by local name, and the placeholder that replaces it.
const SECRET_ELEMENTS: &[(&str, &str)] = &[
    ("Password", "$password"),
    ("BinarySecurityToken", "$ticket"),
    ("TicketToken", "$ticket"),
    ("BinarySecret", "$proof-key"),
    ("CipherValue", "$encrypted"),
];

/// `request` and `response` in the transcript's HTTP notation: `C: ` lines for the request (request line, headers,
/// an empty line, the body's lines) and `S: ` lines for the response, secrets redacted.
pub(crate) fn write_exchange(out: &mut String, request: &HttpRequest, response: Option<&HttpResponse>) {
    let url = mask_tickets(&request.url);
    let (host, target) = split_url(&url);
    let mut headers = request.headers.clone();
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) && !host.is_empty() {
        headers.insert(0, ("Host".to_string(), host.to_string()));
    }
    write_part(out, "C:", &format!("{} {target} HTTP/1.1", request.method), &headers, &request.body);
    if let Some(response) = response {
        let status = format!("HTTP/1.1 {} {}", response.status, response.reason);
        write_part(out, "S:", status.trim_end(), &response.headers, &response.body);
    }
}

fn write_part(out: &mut String, prefix: &str, first: &str, headers: &[(String, String)], body: &[u8]) {
    let mut line = |text: &str| {
        out.push_str(prefix);
        if !text.is_empty() {
            out.push(' ');
            out.push_str(text);
        }
        out.push('\n');
    };
    line(first);
    for (name, value) in headers {
        line(&format!("{name}: {}", redact_header(name, value)));
    }
    line("");
    if body.is_empty() {
        return;
    }
    let xml =
        headers.iter().any(|(n, v)| n.eq_ignore_ascii_case("content-type") && v.to_ascii_lowercase().contains("xml"))
            || body.trim_ascii_start().first() == Some(&b'<');
    let shown = if body.len() > MAX_RECORDED_BODY {
        format!("$body ({} bytes, too long to record)", body.len())
    } else if xml {
        match redact_xml(body) {
            Ok(text) => wrap_between_elements(&text),
            Err(why) => format!("$body (not well-formed XML, not shown: {why})"),
        }
    } else {
        mask_tickets(&String::from_utf8_lossy(body))
    };
    for text in shown.split('\n') {
        line(text.strip_suffix('\r').unwrap_or(text));
    }
}

/// The longest XML line a transcript shows whole; a longer one is broken between elements.
const LONG_XML_LINE: usize = 1024;

/// `text` (XML) with each line longer than [`LONG_XML_LINE`] broken where an element ends and the next starts
/// (`><`), so that a body sent on one line (an address book of a thousand contacts) stays within the validator's
/// line limit; whitespace between elements means nothing to the services.
fn wrap_between_elements(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 64);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if line.len() <= LONG_XML_LINE {
            out.push_str(line);
            continue;
        }
        let mut start = 0;
        for (at, _) in line.match_indices("><") {
            if at + 1 - start >= LONG_XML_LINE / 4 {
                out.push_str(&line[start..=at]);
                out.push('\n');
                start = at + 1;
            }
        }
        out.push_str(&line[start..]);
    }
    out
}

/// The host (with its port) and the path with its query of an absolute URL.
fn split_url(url: &str) -> (&str, &str) {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    match rest.find(['/', '?']) {
        Some(i) if rest.as_bytes()[i] == b'/' => (&rest[..i], &rest[i..]),
        Some(i) => (&rest[..i], "/"),
        None => (rest, "/"),
    }
}

/// A header's value with its secrets replaced.
pub fn redact_header(name: &str, value: &str) -> String {
    let is = |n: &str| name.eq_ignore_ascii_case(n);
    if is("authorization") || is("proxy-authorization") {
        return match value.trim_start().strip_prefix("Passport1.4") {
            Some(_) => redact_fields(value, &[("pwd", "$password")]),
            None => match value.split_once(' ') {
                Some((scheme, _)) => format!("{scheme} $credentials"),
                None => "$credentials".to_string(),
            },
        };
    }
    if is("authentication-info") || is("www-authenticate") {
        return mask_tickets(&redact_fields(value, &[("from-PP", "$ticket")]));
    }
    if is("cookie") || is("set-cookie") {
        return redact_cookies(value);
    }
    if is("x-password") {
        return "$password".to_string();
    }
    if is("x-token") {
        return "$ticket".to_string();
    }
    mask_tickets(value)
}

/// A `Passport1.4 key=value,key=value` value with the values of the `fields` named replaced (quotes kept).
fn redact_fields(value: &str, fields: &[(&str, &str)]) -> String {
    value
        .split(',')
        .map(|item| {
            let Some((key, old)) = item.split_once('=') else { return item.to_string() };
            let key_name = key.trim().rsplit(' ').next().unwrap_or(key);
            match fields.iter().find(|(f, _)| f.eq_ignore_ascii_case(key_name)) {
                Some((_, placeholder)) if old.trim().starts_with('\'') => format!("{key}='{placeholder}'"),
                Some((_, placeholder)) => format!("{key}={placeholder}"),
                None => item.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Cookie pairs (`a=b; c=d`, or a `Set-Cookie` value with its attributes) with the values of cookies replaced:
/// `MSPAuth` by `$ticket`, any other cookie by `$cookie`; a `Set-Cookie`'s attributes (after the first pair) kept.
fn redact_cookies(value: &str) -> String {
    let set_cookie_attributes = ["path", "domain", "expires", "max-age", "secure", "httponly", "samesite", "version"];
    value
        .split(';')
        .map(|pair| {
            let Some((name, _)) = pair.split_once('=') else { return pair.to_string() };
            let bare = name.trim();
            if set_cookie_attributes.iter().any(|a| a.eq_ignore_ascii_case(bare)) {
                return pair.to_string();
            }
            let placeholder = if bare.eq_ignore_ascii_case("MSPAuth") { "$ticket" } else { "$cookie" };
            format!("{name}={placeholder}")
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// `text` with every Passport ticket (`t=...&p=...`) replaced by `$ticket`.
pub fn mask_tickets(text: &str) -> String {
    let end_of_value = |s: &str| s.find([',', '\'', '"', ';', ' ', '<', '\r', '\n']).unwrap_or(s.len());
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("t=") {
        let after = &rest[start + 2..];
        let ticket_end = end_of_value(after);
        let token = &after[..ticket_end];
        let at_boundary = start == 0 || !rest.as_bytes()[start - 1].is_ascii_alphanumeric();
        if at_boundary && token.contains("&p=") {
            out.push_str(&rest[..start]);
            out.push_str("$ticket");
            rest = &after[ticket_end..];
        } else {
            out.push_str(&rest[..start + 2]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// An XML body with the text of its secret elements replaced; an error when it is not well-formed.
pub fn redact_xml(body: &[u8]) -> Result<String, String> {
    let mut reader = Reader::from_reader(body);
    let mut writer = Writer::new(Vec::with_capacity(body.len()));
    // The placeholder of the secret element being skipped, and how deep inside it the reader is.
    let mut hiding: Option<(&str, usize)> = None;
    loop {
        let event = reader.read_event().map_err(|e| format!("{e} at byte {}", reader.error_position()))?;
        if let Some((placeholder, depth)) = hiding.as_mut() {
            match &event {
                Event::Start(_) => *depth += 1,
                Event::End(_) if *depth == 0 => {
                    writer.write_event(Event::Text(BytesText::new(placeholder))).map_err(|e| e.to_string())?;
                    writer.write_event(event).map_err(|e| e.to_string())?;
                    hiding = None;
                }
                Event::End(_) => *depth -= 1,
                Event::Eof => return Err("the body ends inside an element".into()),
                _ => {}
            }
            continue;
        }
        if let Event::Start(start) = &event {
            let local = start.local_name();
            if let Some((_, placeholder)) = SECRET_ELEMENTS.iter().find(|(name, _)| name.as_bytes() == local.as_ref()) {
                hiding = Some((placeholder, 0));
            }
        }
        if matches!(event, Event::Eof) {
            break;
        }
        writer.write_event(event).map_err(|e| e.to_string())?;
    }
    Ok(String::from_utf8_lossy(&writer.into_inner()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::{HttpRequest, HttpResponse, mask_tickets, redact_header, redact_xml, write_exchange};

    #[test]
    fn headers_lose_their_secrets_by_name_and_field() {
        let authorization = "Passport1.4 OrgVerb=GET,OrgURL=http%3A%2F%2Fmessenger%2Emsn%2Ecom,sign-in=a%40b.c,pwd=s%2Cecret,lc=1033,id=507";
        assert_eq!(
            redact_header("Authorization", authorization),
            "Passport1.4 OrgVerb=GET,OrgURL=http%3A%2F%2Fmessenger%2Emsn%2Ecom,sign-in=a%40b.c,pwd=$password,lc=1033,id=507"
        );
        assert_eq!(redact_header("authorization", "Basic YTpi"), "Basic $credentials");
        let info = "Passport1.4 da-status=success,tname=MSPAuth,from-PP='t=abc&p=def',ru=http://messenger.msn.com";
        assert_eq!(
            redact_header("Authentication-Info", info),
            "Passport1.4 da-status=success,tname=MSPAuth,from-PP='$ticket',ru=http://messenger.msn.com"
        );
        assert_eq!(redact_header("Cookie", "MSPAuth=abc; MSPProf=def"), "MSPAuth=$ticket; MSPProf=$cookie");
        assert_eq!(redact_header("Set-Cookie", "MSPAuth=abc; path=/; HttpOnly"), "MSPAuth=$ticket; path=/; HttpOnly");
        assert_eq!(redact_header("X-Other", "ticket t=abc&p=def, next"), "ticket $ticket, next");
        assert_eq!(
            redact_header("PassportURLs", "DARealm=Passport.Net,DALogin=x/login2.srf"),
            "DARealm=Passport.Net,DALogin=x/login2.srf"
        );
        assert_eq!(mask_tickets("lcount=1&p=2 t=x"), "lcount=1&p=2 t=x");
    }

    #[test]
    fn xml_bodies_lose_their_secrets_by_element() {
        let body = br#"<s:Envelope xmlns:s="e"><s:Header><wsse:Password>p&amp;ss</wsse:Password><TicketToken>t=a&amp;p=b</TicketToken></s:Header><s:Body><x>keep</x><wst:BinarySecret>c2VjcmV0</wst:BinarySecret><wsse:BinarySecurityToken Id="Compact1"><![CDATA[t=a&p=b]]></wsse:BinarySecurityToken></s:Body></s:Envelope>"#;
        assert_eq!(
            redact_xml(body).unwrap(),
            r#"<s:Envelope xmlns:s="e"><s:Header><wsse:Password>$password</wsse:Password><TicketToken>$ticket</TicketToken></s:Header><s:Body><x>keep</x><wst:BinarySecret>$proof-key</wst:BinarySecret><wsse:BinarySecurityToken Id="Compact1">$ticket</wsse:BinarySecurityToken></s:Body></s:Envelope>"#
        );
        assert!(redact_xml(b"<a><b></a>").is_err());
    }

    #[test]
    fn long_xml_lines_are_broken_between_elements() {
        let line = format!("<list>{}</list>", "<item>x</item>".repeat(200));
        let wrapped = super::wrap_between_elements(&line);
        assert!(wrapped.lines().all(|l| l.len() <= 300), "{wrapped}");
        assert_eq!(wrapped.replace('\n', ""), line);
        assert_eq!(super::wrap_between_elements("<a>short</a>"), "<a>short</a>");
    }

    #[test]
    fn an_exchange_is_written_in_the_notation() {
        let request = HttpRequest {
            method: "GET".into(),
            url: "http://127.0.0.1:8080/login2.srf".into(),
            headers: vec![("Authorization".into(), "Passport1.4 sign-in=a%40b.c,pwd=secret".into())],
            body: vec![],
        };
        let response = HttpResponse {
            status: 200,
            reason: "OK".into(),
            headers: vec![("Authentication-Info".into(), "Passport1.4 da-status=success,from-PP='t=1&p=2'".into())],
            body: b"<a>\r\n<b/>\r\n</a>".to_vec(),
        };
        let mut out = String::new();
        write_exchange(&mut out, &request, Some(&response));
        assert_eq!(
            out,
            "C: GET /login2.srf HTTP/1.1\nC: Host: 127.0.0.1:8080\nC: Authorization: Passport1.4 sign-in=a%40b.c,pwd=$password\nC:\nS: HTTP/1.1 200 OK\nS: Authentication-Info: Passport1.4 da-status=success,from-PP='$ticket'\nS:\nS: <a>\nS: <b/>\nS: </a>\n"
        );
    }
}
