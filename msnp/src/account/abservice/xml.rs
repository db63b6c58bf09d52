//! The XML under the services' documents: [`Doc`], which writes a SOAP envelope element by element, and [`walk`],
//! which reads one and hands each element to a visitor by its path of local names, answering a `Fault` with
//! [`SoapError::Fault`] whatever the visitor makes of the rest.

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::reader::Reader;
use quick_xml::writer::Writer;

use super::{AB_NAMESPACE, MAX_DEPTH, MAX_TEXT, SOAP_NAMESPACE, SoapError};

/// The XML Schema instance namespace (`xsi:type` on members).
const XSI_NAMESPACE: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// The XML Schema namespace.
const XSD_NAMESPACE: &str = "http://www.w3.org/2001/XMLSchema";

/// A document being written, compact (no whitespace between elements).
pub(super) struct Doc {
    writer: Writer<Vec<u8>>,
}

impl Doc {
    /// A document with its XML declaration, the `soap:Envelope` open.
    pub(super) fn envelope() -> Doc {
        let mut doc = Doc { writer: Writer::new(Vec::new()) };
        doc.put(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)));
        doc.open_with(
            "soap:Envelope",
            &[("xmlns:soap", SOAP_NAMESPACE), ("xmlns:xsi", XSI_NAMESPACE), ("xmlns:xsd", XSD_NAMESPACE)],
        );
        doc
    }

    /// Writes one event. Writing to memory cannot fail.
    fn put(&mut self, event: Event<'_>) {
        let _ = self.writer.write_event(event);
    }

    /// Opens `name`.
    pub(super) fn open(&mut self, name: &str) {
        self.put(Event::Start(BytesStart::new(name)));
    }

    /// Opens `name` with `attributes` (their values escaped).
    pub(super) fn open_with(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.put(Event::Start(BytesStart::new(name).with_attributes(attributes.iter().copied())));
    }

    /// Opens `name` in the address book's namespace, as its default namespace.
    pub(super) fn open_ab(&mut self, name: &str) {
        self.open_with(name, &[("xmlns", AB_NAMESPACE)]);
    }

    /// Closes `name`.
    pub(super) fn close(&mut self, name: &str) {
        self.put(Event::End(BytesEnd::new(name)));
    }

    /// `<name>text</name>`, the text escaped.
    pub(super) fn leaf(&mut self, name: &str, text: &str) {
        self.open(name);
        self.put(Event::Text(BytesText::new(text)));
        self.close(name);
    }

    /// `<name/>`.
    pub(super) fn empty(&mut self, name: &str) {
        self.put(Event::Empty(BytesStart::new(name)));
    }

    /// Closes the envelope and gives the bytes.
    pub(super) fn finish(mut self) -> Vec<u8> {
        self.close("soap:Envelope");
        self.writer.into_inner()
    }
}

/// A SOAP fault: `faultcode` `soap:Client` or `soap:Server`, with `text` and, when given, an `errorcode` detail.
pub fn write_fault(client_fault: bool, text: &str, errorcode: Option<&str>) -> Vec<u8> {
    let mut doc = Doc::envelope();
    doc.open("soap:Body");
    doc.open("soap:Fault");
    doc.leaf("faultcode", if client_fault { "soap:Client" } else { "soap:Server" });
    doc.leaf("faultstring", text);
    if let Some(code) = errorcode {
        doc.open("detail");
        doc.open_ab("errorcode");
        doc.put(Event::Text(BytesText::new(code)));
        doc.close("errorcode");
        doc.close("detail");
    }
    doc.close("soap:Fault");
    doc.close("soap:Body");
    doc.finish()
}

/// What [`walk`] hands the visitor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Node<'t> {
    /// An element opens; it is the path's last.
    Open,
    /// An element closes, with its text (entities resolved; for an element with children, what followed the last
    /// of them).
    Close(&'t str),
}

/// Whether `path` ends with `tail`, local names compared without regard to ASCII case.
pub(super) fn ends_with(path: &[String], tail: &[&str]) -> bool {
    path.len() >= tail.len() && path[path.len() - tail.len()..].iter().zip(tail).all(|(a, b)| a.eq_ignore_ascii_case(b))
}

/// The fault being read.
#[derive(Default)]
struct Fault {
    seen: bool,
    code: String,
    text: String,
    detail: Option<String>,
}

/// Reads `body`: a SOAP envelope, each element handed to `visit` with its path of local names when it opens and
/// when it closes. A `Fault` in the body is the error; so is anything that is not a well-formed envelope with a
/// body, an element text over [`MAX_TEXT`] bytes, nesting past [`MAX_DEPTH`], or the visitor's own error.
pub(super) fn walk(
    body: &[u8],
    mut visit: impl FnMut(&[String], Node<'_>) -> Result<(), SoapError>,
) -> Result<(), SoapError> {
    let mut reader = Reader::from_reader(body);
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    let (mut fault, mut has_body) = (Fault::default(), false);
    let malformed = |reader: &Reader<&[u8]>, why: String| {
        SoapError::Malformed(format!("{why} (at byte {})", reader.buffer_position()))
    };
    loop {
        let event = reader.read_event().map_err(|e| malformed(&reader, e.to_string()))?;
        match event {
            Event::Start(start) | Event::Empty(start) if path.len() >= MAX_DEPTH => {
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                return Err(malformed(&reader, format!("<{name}> is nested deeper than {MAX_DEPTH} elements")));
            }
            Event::Start(start) => {
                open(&mut path, &start, &reader)?;
                has_body |= ends_with(&path, &["Envelope", "Body"]) && path.len() == 2;
                text.clear();
                visit(&path, Node::Open)?;
            }
            Event::Empty(start) => {
                open(&mut path, &start, &reader)?;
                has_body |= ends_with(&path, &["Envelope", "Body"]) && path.len() == 2;
                visit(&path, Node::Open)?;
                close(&mut path, "", &mut fault, &mut visit)?;
            }
            Event::End(_) => {
                let done = std::mem::take(&mut text);
                close(&mut path, &done, &mut fault, &mut visit)?;
            }
            Event::Text(t) => append(&mut text, &t.decode().map_err(|e| malformed(&reader, e.to_string()))?, &path)?,
            Event::CData(t) => append(&mut text, &t.decode().map_err(|e| malformed(&reader, e.to_string()))?, &path)?,
            Event::GeneralRef(r) => {
                let name = r.decode().map_err(|e| malformed(&reader, e.to_string()))?;
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => match resolve_predefined_entity(&name) {
                        Some(s) => s.to_string(),
                        None => return Err(malformed(&reader, format!("unknown entity &{name};"))),
                    },
                };
                append(&mut text, &resolved, &path)?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !path.is_empty() {
        return Err(malformed(&reader, format!("<{}> is not closed", path[path.len() - 1])));
    }
    if fault.seen {
        return Err(SoapError::Fault { code: fault.code, text: fault.text, detail: fault.detail });
    }
    if !has_body {
        return Err(SoapError::Malformed("no soap:Body in a soap:Envelope".into()));
    }
    Ok(())
}

/// Enters `start`; the document element must be the envelope.
fn open(path: &mut Vec<String>, start: &BytesStart<'_>, reader: &Reader<&[u8]>) -> Result<(), SoapError> {
    let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
    if path.is_empty() && name != "Envelope" {
        let at = reader.buffer_position();
        return Err(SoapError::Malformed(format!("the document element is <{name}>, not an Envelope (at byte {at})")));
    }
    path.push(name);
    Ok(())
}

/// Leaves the path's last element with its `text`, keeping what a fault says.
fn close(
    path: &mut Vec<String>,
    text: &str,
    fault: &mut Fault,
    visit: &mut impl FnMut(&[String], Node<'_>) -> Result<(), SoapError>,
) -> Result<(), SoapError> {
    if path.len() >= 3 && ends_with(&path[..3], &["Envelope", "Body", "Fault"]) {
        fault.seen = true;
        if ends_with(path, &["Fault", "faultcode"]) {
            fault.code = text.trim().to_string();
        } else if ends_with(path, &["Fault", "faultstring"]) {
            fault.text = text.trim().to_string();
        } else if ends_with(path, &["errorcode"]) && path.iter().any(|p| p == "detail") {
            fault.detail = Some(text.trim().to_string());
        }
    }
    visit(path, Node::Close(text))?;
    path.pop();
    Ok(())
}

/// Adds `more` to the current element's text, within [`MAX_TEXT`].
fn append(text: &mut String, more: &str, path: &[String]) -> Result<(), SoapError> {
    if text.len() + more.len() > MAX_TEXT {
        let element = path.last().cloned().unwrap_or_default();
        return Err(SoapError::TextTooLong { element, limit: MAX_TEXT });
    }
    text.push_str(more);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{Doc, Node, SoapError, walk, write_fault};

    /// Every element's path and text, as `walk` hands them over.
    fn closes(body: &[u8]) -> Result<Vec<(String, String)>, SoapError> {
        let mut seen = Vec::new();
        walk(body, |path, node| {
            if let Node::Close(text) = node {
                seen.push((path.join("/"), text.to_string()));
            }
            Ok(())
        })?;
        Ok(seen)
    }

    #[test]
    fn elements_are_read_by_local_name_with_entities_resolved() {
        let body = br#"<?xml version="1.0"?><s:Envelope xmlns:s="x"><s:Body><a:Thing xmlns:a="y">t=1&amp;p=&#50;<![CDATA[<x>]]></a:Thing><e/></s:Body></s:Envelope>"#;
        let seen = closes(body).unwrap();
        assert_eq!(seen[0], ("Envelope/Body/Thing".into(), "t=1&p=2<x>".into()));
        assert_eq!(seen[1], ("Envelope/Body/e".into(), String::new()));
    }

    #[test]
    fn what_is_not_an_envelope_is_an_error_never_a_panic() {
        for (body, why) in [
            (&b"<html/>"[..], "not an Envelope"),
            (b"<Envelope><Body>", "is not closed"),
            (b"<Envelope><Body></Envelope>", "expected `</Body>`"),
            (b"<Envelope><Header/></Envelope>", "no soap:Body"),
            (b"<Envelope><Body>&bogus;</Body></Envelope>", "unknown entity"),
            (b"\xff\xfe<", ""),
            (b"", "no soap:Body"),
        ] {
            let error = closes(body).unwrap_err();
            assert!(matches!(error, SoapError::Malformed(_)), "{error}");
            assert!(error.to_string().contains(why), "{error}");
        }
        let deep = format!("<Envelope>{}", "<a>".repeat(100));
        assert!(closes(deep.as_bytes()).unwrap_err().to_string().contains("deeper than 64"));
        let long = format!("<Envelope><Body><a>{}</a></Body></Envelope>", "x".repeat(super::MAX_TEXT + 1));
        assert_eq!(closes(long.as_bytes()).unwrap_err(), SoapError::TextTooLong { element: "a".into(), limit: 16384 });
    }

    #[test]
    fn a_fault_is_the_error_whatever_else_the_body_holds() {
        let fault = write_fault(true, "Ticket <expired>", Some("TicketExpired"));
        let error = closes(&fault).unwrap_err();
        assert_eq!(
            error,
            SoapError::Fault {
                code: "soap:Client".into(),
                text: "Ticket <expired>".into(),
                detail: Some("TicketExpired".into())
            }
        );
        assert_eq!(error.to_string(), "SOAP fault soap:Client: Ticket <expired> (TicketExpired)");
    }

    #[test]
    fn documents_are_written_compact_and_escaped() {
        let mut doc = Doc::envelope();
        doc.open("soap:Body");
        doc.leaf("x", "a&b<c");
        doc.empty("y");
        doc.close("soap:Body");
        let text = String::from_utf8(doc.finish()).unwrap();
        assert!(text.starts_with(r#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="#), "{text}");
        assert!(text.ends_with("<soap:Body><x>a&amp;b&lt;c</x><y/></soap:Body></soap:Envelope>"), "{text}");
    }
}
