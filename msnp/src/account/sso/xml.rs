//! What the RST documents' readers and writers share: the namespaces, the errors, a bounded reader that walks a
//! document by resolved namespace and local name (quick-xml's namespace reader), and a writer that escapes what
//! it writes.

use std::borrow::Cow;

use quick_xml::Writer;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesDecl, BytesEnd, BytesRef, BytesStart, BytesText, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

/// The namespaces the RST documents use, by what they are for; any other is [`Ns::Other`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ns {
    /// SOAP 1.1 envelope.
    Soap,
    /// WS-Security (2003/06): the user name token, the binary security token, the policy reference.
    Wsse,
    /// WS-Trust (2004/04): the token requests and responses.
    Wst,
    /// WS-Addressing (2004/03): the token's address.
    Wsa,
    /// WS-Policy (2002/12): `AppliesTo`.
    Wsp,
    /// WS-Security utility: the token's lifetime.
    Wsu,
    /// Passport's client request header and `RequestMultipleSecurityTokens`.
    Ps,
    /// Passport's SOAP fault details (`psf:pp`, `reqstatus`).
    Psf,
    /// SAML assertions (declared by the request, unused).
    Saml,
    /// WS-SecureConversation (declared by the request, unused).
    Wssc,
    /// Unqualified, or a namespace the documents do not use.
    Other,
}

impl Ns {
    /// The namespaces with their prefixes and URIs, as the documents declare them.
    pub(super) const DECLARED: [(Ns, &'static str, &'static str); 10] = [
        (Ns::Soap, "S", "http://schemas.xmlsoap.org/soap/envelope/"),
        (Ns::Wsse, "wsse", "http://schemas.xmlsoap.org/ws/2003/06/secext"),
        (Ns::Saml, "saml", "urn:oasis:names:tc:SAML:1.0:assertion"),
        (Ns::Wsp, "wsp", "http://schemas.xmlsoap.org/ws/2002/12/policy"),
        (Ns::Wsu, "wsu", "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"),
        (Ns::Wsa, "wsa", "http://schemas.xmlsoap.org/ws/2004/03/addressing"),
        (Ns::Wssc, "wssc", "http://schemas.xmlsoap.org/ws/2004/04/sc"),
        (Ns::Wst, "wst", "http://schemas.xmlsoap.org/ws/2004/04/trust"),
        (Ns::Ps, "ps", "http://schemas.microsoft.com/Passport/SoapServices/PPCRL"),
        (Ns::Psf, "psf", "http://schemas.microsoft.com/Passport/SoapServices/SOAPFault"),
    ];

    /// The namespace `uri` names.
    fn of(uri: &[u8]) -> Ns {
        Ns::DECLARED.iter().find(|(_, _, u)| u.as_bytes() == uri).map_or(Ns::Other, |(ns, _, _)| *ns)
    }

    /// The namespace's URI (empty for [`Ns::Other`]).
    pub(super) fn uri(self) -> &'static str {
        Ns::DECLARED.iter().find(|(ns, _, _)| *ns == self).map_or("", |(_, _, uri)| uri)
    }
}

/// Why an RST document (request or response) cannot be read, or lacks what it must hold.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RstError {
    /// The document is longer than its reader accepts.
    #[error("the document is {size} bytes, more than the {limit} allowed")]
    TooLarge {
        /// Its length.
        size: usize,
        /// The most allowed.
        limit: usize,
    },
    /// The document is not UTF-8.
    #[error("the document is not UTF-8")]
    NotUtf8,
    /// The document is not well-formed XML.
    #[error("the document is not well-formed XML: {0}")]
    Malformed(String),
    /// Elements nest deeper than any RST document does.
    #[error("elements nest more than {0} deep")]
    TooDeep(usize),
    /// The document element is not a SOAP 1.1 envelope.
    #[error("the document is <{0}>, not a SOAP 1.1 Envelope")]
    NotEnvelope(String),
    /// More tokens than the reader accepts.
    #[error("more than {0} tokens")]
    TooManyTokens(usize),
    /// An element the document must have is missing.
    #[error("the document has no {0}")]
    Missing(&'static str),
    /// The response has no token for an address the login needs.
    #[error("the response has no token for {0}")]
    NoToken(&'static str),
    /// A token lacks a part the login needs.
    #[error("the token for {address} has no {what}")]
    Incomplete {
        /// The token's address.
        address: &'static str,
        /// What it lacks.
        what: &'static str,
    },
    /// A proof key is not base64.
    #[error("the proof key for {0} is not base64")]
    BadProofKey(&'static str),
}

/// The most elements open at once in a document read (RST documents nest about eight deep).
pub(super) const MAX_DEPTH: usize = 32;

/// An element of a document, by namespace and local name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Name {
    pub(super) ns: Ns,
    pub(super) local: String,
}

impl Name {
    /// Whether this is `local` in `ns`.
    pub(super) fn is(&self, ns: Ns, local: &str) -> bool {
        self.ns == ns && self.local == local
    }
}

/// What the walk shows its visitor.
pub(super) enum Visit<'w, 'x> {
    /// An element opens: the open elements (itself last) and its start tag (for attributes).
    Open(&'w [Name], &'w BytesStart<'x>),
    /// An element closes: the open elements (itself last) and its text, entities resolved (the text directly in
    /// it, after its last child element).
    Close(&'w [Name], &'w str),
}

/// The value of the attribute whose local name is `local`, unescaped.
pub(super) fn attribute(start: &BytesStart<'_>, local: &str) -> Option<String> {
    start
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local.as_bytes())
        .and_then(|a| a.unescape_value().ok())
        .map(Cow::into_owned)
}

/// Walks `document` (at most `limit` bytes), showing `visit` every element as it opens and closes. The document
/// element must be a SOAP 1.1 `Envelope`; a document that is not well-formed, nests deeper than [`MAX_DEPTH`] or
/// uses an undeclared prefix fails, and so does whatever `visit` refuses.
pub(super) fn walk(
    document: &[u8],
    limit: usize,
    mut visit: impl FnMut(Visit<'_, '_>) -> Result<(), RstError>,
) -> Result<(), RstError> {
    if document.len() > limit {
        return Err(RstError::TooLarge { size: document.len(), limit });
    }
    let text = std::str::from_utf8(document).map_err(|_| RstError::NotUtf8)?;
    let mut walker = Walker { reader: NsReader::from_str(text), open: Vec::new(), content: String::new(), root: false };
    loop {
        let (resolved, event) = match walker.reader.read_resolved_event() {
            Ok((resolved, event)) => (namespace(&resolved), event),
            Err(e) => return Err(walker.malformed(e.to_string())),
        };
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                walker.open(resolved, start)?;
                visit(Visit::Open(&walker.open, start))?;
                if matches!(event, Event::Empty(_)) {
                    visit(Visit::Close(&walker.open, ""))?;
                    walker.open.pop();
                }
            }
            Event::End(_) => {
                visit(Visit::Close(&walker.open, &walker.content))?;
                walker.open.pop();
                walker.content.clear();
            }
            Event::Text(text) => {
                let text = text.xml_content().map_err(|e| walker.malformed(e.to_string()))?;
                if walker.open.is_empty() && !text.trim().is_empty() {
                    return Err(walker.malformed("text outside the document element".into()));
                }
                walker.content.push_str(&text);
            }
            Event::CData(data) => walker.content.push_str(&String::from_utf8_lossy(&data)),
            Event::GeneralRef(reference) => {
                let resolved = entity(&reference).map_err(|why| walker.malformed(why))?;
                walker.content.push_str(&resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    match walker.open.last() {
        Some(name) => Err(RstError::Malformed(format!("the document ends inside <{}>", name.local))),
        None if !walker.root => Err(RstError::Malformed("the document holds no element".into())),
        None => Ok(()),
    }
}

/// A walk under way: the reader, the elements open, the text of the innermost one so far.
struct Walker<'x> {
    reader: NsReader<&'x [u8]>,
    open: Vec<Name>,
    content: String,
    /// Whether the document element has opened.
    root: bool,
}

impl Walker<'_> {
    /// The failure of a document that is not well-formed, with where.
    fn malformed(&self, why: String) -> RstError {
        RstError::Malformed(format!("{why} (at byte {})", self.reader.error_position()))
    }

    /// An element opens, in namespace `ns` (`None`: an undeclared prefix): checked and pushed.
    fn open(&mut self, ns: Option<Ns>, start: &BytesStart<'_>) -> Result<(), RstError> {
        let qualified = || String::from_utf8_lossy(start.name().as_ref()).into_owned();
        if self.root && self.open.is_empty() {
            return Err(self.malformed(format!("a second document element <{}>", qualified())));
        }
        let Some(ns) = ns else {
            return Err(self.malformed(format!("<{}> has an undeclared prefix", qualified())));
        };
        let local = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
        if !(self.root || ns == Ns::Soap && local == "Envelope") {
            return Err(RstError::NotEnvelope(qualified()));
        }
        if self.open.len() == MAX_DEPTH {
            return Err(RstError::TooDeep(MAX_DEPTH));
        }
        self.root = true;
        self.open.push(Name { ns, local });
        self.content.clear();
        Ok(())
    }
}

/// The text an entity reference stands for: a character reference or one of the entities XML predefines.
fn entity(reference: &BytesRef<'_>) -> Result<String, String> {
    let name = reference.decode().map_err(|e| e.to_string())?;
    let resolved = match reference.resolve_char_ref() {
        Ok(Some(c)) => Some(c.to_string()),
        Ok(None) => resolve_predefined_entity(&name).map(str::to_string),
        Err(_) => None,
    };
    resolved.ok_or_else(|| format!("the entity `&{name};` is not one XML predefines"))
}

/// The namespace an element is in; `None` for a prefix no declaration binds.
fn namespace(resolved: &ResolveResult<'_>) -> Option<Ns> {
    match resolved {
        ResolveResult::Bound(uri) => Some(Ns::of(uri.as_ref())),
        ResolveResult::Unbound => Some(Ns::Other),
        ResolveResult::Unknown(_) => None,
    }
}

/// A document being written: elements named with the prefixes of [`Ns::DECLARED`], text and attribute values
/// escaped by quick-xml's writer.
pub(super) struct Doc {
    writer: Writer<Vec<u8>>,
}

impl Doc {
    /// A document that starts with the XML declaration.
    pub(super) fn new() -> Doc {
        let mut doc = Doc { writer: Writer::new(Vec::new()) };
        doc.event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)));
        doc
    }

    fn event(&mut self, event: Event<'_>) {
        // Writing to memory cannot fail.
        let _ = self.writer.write_event(event);
    }

    /// Opens `name` with `attributes` (values as text: the writer escapes them).
    pub(super) fn open(&mut self, name: &str, attributes: &[(&str, &str)]) {
        let mut start = BytesStart::new(name);
        for attribute in attributes {
            start.push_attribute(*attribute);
        }
        self.event(Event::Start(start));
    }

    /// Closes `name`.
    pub(super) fn close(&mut self, name: &str) {
        self.event(Event::End(BytesEnd::new(name)));
    }

    /// `<name attributes>text</name>`, the text escaped.
    pub(super) fn leaf(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) {
        self.open(name, attributes);
        if !text.is_empty() {
            self.event(Event::Text(BytesText::new(text)));
        }
        self.close(name);
    }

    /// The document's text.
    pub(super) fn finish(self) -> String {
        // Only `&str` went in.
        String::from_utf8(self.writer.into_inner()).unwrap_or_default()
    }
}

/// `xmlns:prefix="uri"` attributes for `namespaces`.
pub(super) fn declarations(namespaces: &[Ns]) -> Vec<(String, &'static str)> {
    Ns::DECLARED
        .iter()
        .filter(|(ns, _, _)| namespaces.contains(ns))
        .map(|(_, prefix, uri)| (format!("xmlns:{prefix}"), *uri))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Doc, Name, Ns, RstError, Visit, walk};

    /// An element's path of namespaces and local names, and its text.
    type Closed = (Vec<(Ns, String)>, String);

    /// Every element's path and text, in the order they close.
    fn closes(document: &str) -> Result<Vec<Closed>, RstError> {
        let mut seen = Vec::new();
        walk(document.as_bytes(), 1 << 16, |visit| {
            if let Visit::Close(open, text) = visit {
                let path = open.iter().map(|Name { ns, local }| (*ns, local.clone())).collect();
                seen.push((path, text.to_string()));
            }
            Ok(())
        })?;
        Ok(seen)
    }

    #[test]
    fn elements_are_named_by_namespace_whatever_their_prefix() {
        let soap = Ns::Soap.uri();
        let doc = format!(
            r#"<e:Envelope xmlns:e="{soap}"><x:Token xmlns:x="{}">t=1&amp;p=&#50;<![CDATA[<]]></x:Token><Plain/></e:Envelope>"#,
            Ns::Wsse.uri()
        );
        let seen = closes(&doc).unwrap();
        let envelope = (Ns::Soap, "Envelope".to_string());
        assert_eq!(seen[0], (vec![envelope.clone(), (Ns::Wsse, "Token".into())], "t=1&p=2<".to_string()));
        assert_eq!(seen[1], (vec![envelope.clone(), (Ns::Other, "Plain".into())], String::new()));
        assert_eq!(seen[2].0, vec![envelope]);
    }

    #[test]
    fn malformed_documents_fail_with_why() {
        let soap = Ns::Soap.uri();
        let cases = [
            ("<Envelope>".to_string(), "not a SOAP 1.1 Envelope"),
            (format!(r#"<S:Envelope xmlns:S="{soap}"><a></b></S:Envelope>"#), "not well-formed"),
            (format!(r#"<S:Envelope xmlns:S="{soap}"><a>"#), "ends inside <a>"),
            (format!(r#"<S:Envelope xmlns:S="{soap}"><q:a/></S:Envelope>"#), "undeclared prefix"),
            (format!(r#"<S:Envelope xmlns:S="{soap}">&bogus;</S:Envelope>"#), "&bogus;"),
            (format!(r#"<S:Envelope xmlns:S="{soap}"/><S:Envelope xmlns:S="{soap}"/>"#), "second document"),
            (String::new(), "holds no element"),
            ("text".to_string(), "text outside"),
            (format!(r#"<S:Envelope xmlns:S="{soap}">{}</S:Envelope>"#, "<a>".repeat(40)), "nest more than 32"),
        ];
        for (doc, why) in cases {
            let error = closes(&doc).expect_err(&doc).to_string();
            assert!(error.contains(why), "{doc}: {error}");
        }
        let large = walk(&[b' '; 100], 99, |_| Ok(())).unwrap_err();
        assert_eq!(large, RstError::TooLarge { size: 100, limit: 99 });
        assert_eq!(walk(b"\xff", 99, |_| Ok(())).unwrap_err(), RstError::NotUtf8);
    }

    #[test]
    fn the_writer_escapes_text_and_attributes() {
        let mut doc = Doc::new();
        doc.leaf("a", &[("v", "1\"<&")], "x<y&z");
        assert_eq!(doc.finish(), r#"<?xml version="1.0" encoding="utf-8"?><a v="1&quot;&lt;&amp;">x&lt;y&amp;z</a>"#);
    }
}
