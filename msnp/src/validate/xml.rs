//! Checks of XML payloads (ADL, RML, UUX, FQY, ...): well-formed, with the document element and the elements the
//! spec names for the form; and of the SOAP bodies of HTTP sections ([`soap`]): an envelope whose `Body` holds the
//! web service's document element, with the elements it names, matched by local name. The payload is read as it is, with no entity or namespace processing: a protocol
//! peer would reject what this rejects, and the checks never need more than the payload's own bytes.

use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// What is wrong with an XML payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum XmlProblem {
    /// The payload is not well-formed XML; the message says where (a byte offset into the payload).
    Malformed(String),
    /// The payload holds no element at all.
    Empty,
    /// The document element is not the one the spec names.
    WrongRoot {
        /// The element the spec names.
        expected: &'static str,
        /// The payload's document element.
        found: String,
    },
    /// An element the spec requires does not occur.
    Missing(&'static str),
}

impl std::fmt::Display for XmlProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            XmlProblem::Malformed(why) => write!(f, "is not well-formed XML: {why}"),
            XmlProblem::Empty => f.write_str("holds no XML element"),
            XmlProblem::WrongRoot { expected, found } => {
                write!(f, "has the document element <{found}>, but the form's payload is <{expected}>")
            }
            XmlProblem::Missing(name) => write!(f, "has no <{name}> element, which the form's payload holds"),
        }
    }
}

/// Checks `payload`: well-formed XML with one document element, named `root` when given, containing every element
/// of `elements`.
pub fn check(payload: &[u8], root: Option<&'static str>, elements: &[&'static str]) -> Result<(), XmlProblem> {
    let mut reader = Reader::from_reader(payload);
    let mut depth = 0usize;
    let mut document: Option<String> = None;
    // Whether each required element was seen, in the order the spec lists them.
    let mut seen = vec![false; elements.len()];
    let malformed = |reader: &Reader<&[u8]>, why: String| {
        XmlProblem::Malformed(format!("{why} (at byte {})", reader.buffer_position()))
    };
    loop {
        let event = reader.read_event().map_err(|e| malformed(&reader, e.to_string()))?;
        let (name, opens) = match &event {
            Event::Start(start) => (Some(start.name()), true),
            Event::Empty(start) => (Some(start.name()), false),
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                continue;
            }
            Event::Text(text) if depth == 0 && !text.iter().all(u8::is_ascii_whitespace) => {
                return Err(malformed(&reader, "text outside the document element".into()));
            }
            Event::Eof => break,
            _ => continue,
        };
        let Some(name) = name else { continue };
        let name = String::from_utf8_lossy(name.as_ref()).into_owned();
        if depth == 0 {
            if document.is_some() {
                return Err(malformed(&reader, format!("a second document element <{name}>")));
            }
            document = Some(name.clone());
        }
        for (required, seen) in elements.iter().zip(&mut seen) {
            *seen |= *required == name;
        }
        if opens {
            depth += 1;
        }
    }
    if depth > 0 {
        return Err(malformed(&reader, "the payload ends inside an element".into()));
    }
    let document = document.ok_or(XmlProblem::Empty)?;
    if let Some(expected) = root
        && document != expected
    {
        return Err(XmlProblem::WrongRoot { expected, found: document });
    }
    match elements.iter().zip(&seen).find(|(_, seen)| !**seen) {
        Some((missing, _)) => Err(XmlProblem::Missing(missing)),
        None => Ok(()),
    }
}

/// What is wrong with a SOAP body, and where (a byte offset into the body).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SoapProblem {
    /// Where the problem is, as a byte offset into the body.
    pub offset: usize,
    /// What it is.
    pub kind: SoapProblemKind,
}

/// The kinds of [`SoapProblem`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SoapProblemKind {
    /// The body is not well-formed XML.
    Malformed(String),
    /// The document element is not a SOAP `Envelope` (its name, or empty when the body holds no element).
    NotEnvelope(String),
    /// The envelope has no `Body`, or its `Body` holds no element.
    NoDocument,
    /// The `Body`'s element is not the one the spec names.
    WrongDocument {
        /// The local name the spec names.
        expected: &'static str,
        /// The element's name as written.
        found: String,
    },
    /// An element the spec requires does not occur in the envelope.
    Missing(&'static str),
}

impl std::fmt::Display for SoapProblemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SoapProblemKind::Malformed(why) => write!(f, "is not well-formed XML: {why}"),
            SoapProblemKind::NotEnvelope(found) if found.is_empty() => f.write_str("holds no XML element"),
            SoapProblemKind::NotEnvelope(found) => {
                write!(f, "has the document element <{found}>, but a SOAP message is an <Envelope>")
            }
            SoapProblemKind::NoDocument => f.write_str("has no element in the SOAP <Body>"),
            SoapProblemKind::WrongDocument { expected, found } => {
                write!(f, "carries <{found}> in the SOAP <Body>, but the service's is <{expected}>")
            }
            SoapProblemKind::Missing(name) => write!(f, "has no <{name}> element, which the service requires"),
        }
    }
}

/// A SOAP envelope as read: the element in its `Body`, and what a `Fault` says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Soap {
    /// The `Body`'s element (its name as written, prefix included) and its offset in the body.
    pub document: Option<(String, usize)>,
    /// When the `Body` holds a `Fault`: its code and text, as one line.
    pub fault: Option<String>,
}

/// Checks a SOAP message: well-formed XML whose document element is an `Envelope` with a `Body`, whose first element
/// has the local name `document` (when given), and in which every element of `elements` occurs (by local name,
/// anywhere). A `Fault` in the `Body` is no problem: it is returned, and `document` and `elements` are not held to
/// it.
pub fn soap(body: &[u8], document: Option<&'static str>, elements: &[&'static str]) -> Result<Soap, SoapProblem> {
    let mut reader = Reader::from_reader(body);
    let (mut depth, mut body_depth) = (0usize, None::<usize>);
    let mut read = Soap::default();
    let mut seen = vec![false; elements.len()];
    // The fault's parts being read: their local names are `faultcode`/`faultstring` (SOAP 1.1) or `Value`/`Text`.
    let (mut in_fault_text, mut fault_parts) = (false, Vec::<String>::new());
    let problem = |offset: usize, kind: SoapProblemKind| SoapProblem { offset, kind };
    loop {
        let at = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                let offset = usize::try_from(reader.error_position()).unwrap_or(at);
                return Err(problem(offset, SoapProblemKind::Malformed(e.to_string())));
            }
        };
        let (start, opens) = match &event {
            Event::Start(start) => (start, true),
            Event::Empty(start) => (start, false),
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                in_fault_text = false;
                if body_depth.is_some_and(|d| depth < d) {
                    body_depth = None;
                }
                continue;
            }
            Event::Text(text) if in_fault_text => {
                fault_parts.push(String::from_utf8_lossy(text).trim().chars().take(200).collect());
                continue;
            }
            Event::Text(text) if depth == 0 && !text.iter().all(u8::is_ascii_whitespace) => {
                return Err(problem(at, SoapProblemKind::Malformed("text outside the document element".into())));
            }
            Event::Eof => break,
            _ => continue,
        };
        let local = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
        let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
        let offset = at + body[at.min(body.len())..].iter().position(|&b| b == b'<').unwrap_or(0);
        if depth == 0 && local != "Envelope" {
            return Err(problem(offset, SoapProblemKind::NotEnvelope(name)));
        }
        if depth == 1 && local == "Body" && opens {
            body_depth = Some(2);
        }
        if body_depth == Some(depth) && read.document.is_none() {
            read.document = Some((name, offset));
        }
        if read.document.as_ref().is_some_and(|(d, _)| local_of(d) == "Fault") {
            in_fault_text = matches!(local.as_str(), "faultcode" | "faultstring" | "Value" | "Text") && opens;
        }
        for (required, seen) in elements.iter().zip(&mut seen) {
            *seen |= *required == local;
        }
        if opens {
            depth += 1;
        }
    }
    if depth > 0 {
        return Err(problem(body.len(), SoapProblemKind::Malformed("the body ends inside an element".into())));
    }
    let missing = elements.iter().zip(&seen).find(|(_, seen)| !**seen).map(|(name, _)| *name);
    conclude(read, fault_parts, body, document, missing)
}

/// What a SOAP body read whole comes to: its fault, or its document element held to the spec's.
fn conclude(
    mut read: Soap,
    fault_parts: Vec<String>,
    body: &[u8],
    document: Option<&'static str>,
    missing: Option<&'static str>,
) -> Result<Soap, SoapProblem> {
    let problem = |offset: usize, kind: SoapProblemKind| SoapProblem { offset, kind };
    let Some((found, offset)) = read.document.clone() else {
        let kind = if body.trim_ascii().is_empty() {
            SoapProblemKind::NotEnvelope(String::new())
        } else {
            SoapProblemKind::NoDocument
        };
        return Err(problem(0, kind));
    };
    if local_of(&found) == "Fault" {
        read.fault = Some(fault_parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(": "));
        return Ok(read);
    }
    if let Some(expected) = document
        && local_of(&found) != expected
    {
        return Err(problem(offset, SoapProblemKind::WrongDocument { expected, found }));
    }
    match missing {
        Some(missing) => Err(problem(offset, SoapProblemKind::Missing(missing))),
        None => Ok(read),
    }
}

/// The local name of an element name as written (`wsse:Password` is `Password`).
fn local_of(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// `lines` as an XML display shows them pretty-printed, put back together: each line without the spaces and tabs
/// around it, joined without line ends.
pub fn compact(lines: impl IntoIterator<Item = impl AsRef<[u8]>>) -> Vec<u8> {
    let mut out = Vec::new();
    for line in lines {
        out.extend_from_slice(line.as_ref().trim_ascii());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{SoapProblemKind, XmlProblem, check, compact, soap};

    #[test]
    fn accepts_documents_with_the_named_elements() {
        let adl = br#"<ml l="1"><d n="hotmail.com"><c n="anotheruser" l="3" t="1" /></d></ml>"#;
        assert_eq!(check(adl, Some("ml"), &["d", "c"]), Ok(()));
        assert_eq!(check(b"<Data><PSM></PSM></Data>", Some("Data"), &[]), Ok(()));
        assert_eq!(check(b"<?xml version=\"1.0\"?>\r\n<a/>\r\n", Some("a"), &[]), Ok(()));
    }

    #[test]
    fn reports_what_is_wrong() {
        assert!(matches!(check(b"<ml><d></ml>", None, &[]), Err(XmlProblem::Malformed(_))));
        assert!(matches!(check(b"<ml><d>", None, &[]), Err(XmlProblem::Malformed(_))));
        assert!(matches!(check(b"<a/><b/>", None, &[]), Err(XmlProblem::Malformed(_))));
        assert!(matches!(check(b"x<a/>", None, &[]), Err(XmlProblem::Malformed(_))));
        assert_eq!(check(b"  ", None, &[]), Err(XmlProblem::Empty));
        assert_eq!(
            check(b"<Data/>", Some("ml"), &[]),
            Err(XmlProblem::WrongRoot { expected: "ml", found: "Data".into() })
        );
        assert_eq!(check(b"<ml><d/></ml>", Some("ml"), &["d", "c"]), Err(XmlProblem::Missing("c")));
    }

    #[test]
    fn compacts_pretty_printed_lines() {
        let lines = ["<ml l=\"1\">", "\t<d n=\"x\">", "\t\t<c n=\"y\" />", "\t</d>", "</ml>"];
        assert_eq!(compact(lines), br#"<ml l="1"><d n="x"><c n="y" /></d></ml>"#);
    }

    const ENVELOPE: &str = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><ABAuthHeader/></soap:Header><soap:Body><FindMembership><x/></FindMembership></soap:Body></soap:Envelope>"#;

    #[test]
    fn soap_bodies_are_read_by_local_name() {
        let read = soap(ENVELOPE.as_bytes(), Some("FindMembership"), &["ABAuthHeader", "x"]).expect("clean");
        let at = ENVELOPE.find("<FindMembership>").unwrap();
        assert_eq!(read.document, Some(("FindMembership".to_string(), at)));
        let wrong = soap(ENVELOPE.as_bytes(), Some("ABFindAll"), &[]).unwrap_err();
        assert_eq!(
            (wrong.offset, wrong.kind),
            (at, SoapProblemKind::WrongDocument { expected: "ABFindAll", found: "FindMembership".into() })
        );
        let missing = soap(ENVELOPE.as_bytes(), Some("FindMembership"), &["serviceFilter"]).unwrap_err();
        assert_eq!(missing.kind, SoapProblemKind::Missing("serviceFilter"));
        let broken = soap(b"<Envelope><Body><a></Body></Envelope>", None, &[]).unwrap_err();
        assert!(matches!(broken.kind, SoapProblemKind::Malformed(_)), "{broken:?}");
        assert_eq!(soap(b"<a/>", None, &[]).unwrap_err().kind, SoapProblemKind::NotEnvelope("a".into()));
    }

    #[test]
    fn a_fault_is_read_not_held_to_the_document() {
        let fault = b"<S:Envelope xmlns:S=\"s\"><S:Body><S:Fault><faultcode>wsse:FailedAuthentication</faultcode><faultstring>Authentication Failure</faultstring></S:Fault></S:Body></S:Envelope>";
        let read =
            soap(fault, Some("RequestSecurityTokenResponseCollection"), &["BinarySecurityToken"]).expect("a fault");
        assert_eq!(read.fault.as_deref(), Some("wsse:FailedAuthentication: Authentication Failure"));
    }
}
