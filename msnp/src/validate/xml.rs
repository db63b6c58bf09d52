//! Checks of XML payloads (ADL, RML, UUX, FQY, ...): well-formed, with the document element and the elements the
//! spec names for the form. The payload is read as it is, with no entity or namespace processing: a protocol
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
    use super::{XmlProblem, check, compact};

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
}
