//! The `<ml>` documents of ADL: the initial list a client sends after reading the address book (every contact on
//! the forward, allow or block list, grouped by domain, `l="1"` on `<ml>`), and the server's check of any ADL
//! payload with the errors the protocol documents.
//!
//! ```text
//! <ml l="1"><d n="example.com"><c n="bob" l="3" t="1"/><c n="carol" l="3" t="1"/></d></ml>
//! ```
//!
//! No whitespace goes between elements; `l` is the sum of the list bits (FL 1, AL 2, BL 4; RL 8 and PL 16 are the
//! server's and never sent); `t` is the network, 1 for Messenger.

use std::collections::BTreeMap;

use quick_xml::events::{BytesEnd, BytesStart, Event};
use quick_xml::reader::Reader;
use quick_xml::writer::Writer;

use crate::account::contacts::{ContactList, List};

/// The most bytes one ADL payload of the initial list holds; a longer list is split into several ADL commands.
/// The spec records no limit; this one keeps each payload far below any server's (the embedded server takes
/// payloads of up to 64 KiB), as the official clients also split long lists.
pub const PAYLOAD_LIMIT: usize = 7_500;

/// The list bits a client may send: FL, AL and BL.
pub const CLIENT_BITS: u32 = 1 | 2 | 4;

/// The networks a `t` attribute may name: Messenger 1, Office Communicator 2, telephone 4, mobile interop 8, SMTP
/// 16, Yahoo! 32.
const NETWORKS: [u32; 6] = [1, 2, 4, 8, 16, 32];

/// The initial list of `list`: its contacts on FL, AL or BL (RL and PL bits left out), grouped by domain in the
/// domains' order, as `<ml l="1">` payloads of at most `limit` bytes each (one payload, `<ml l="1"></ml>`, for an
/// empty list; a single entry longer than `limit` still goes out, alone).
pub fn initial_list(list: &ContactList, limit: usize) -> Vec<Vec<u8>> {
    let mut domains: BTreeMap<&str, Vec<(&str, u32)>> = BTreeMap::new();
    for contact in &list.contacts {
        let bits: u32 = contact.lists.iter().map(|l| l.bit()).sum::<u32>() & CLIENT_BITS;
        if let Some((local, domain)) = contact.handle.rsplit_once('@').filter(|_| bits != 0) {
            domains.entry(domain).or_default().push((local, bits));
        }
    }
    let (head, tail) = (
        fragment(|w| w.write_event(Event::Start(BytesStart::new("ml").with_attributes([("l", "1")])))),
        fragment(|w| w.write_event(Event::End(BytesEnd::new("ml")))),
    );
    let close_domain = fragment(|w| w.write_event(Event::End(BytesEnd::new("d"))));
    let mut payloads = Vec::new();
    let mut payload = head.clone();
    for (domain, contacts) in domains {
        let open_domain =
            fragment(|w| w.write_event(Event::Start(BytesStart::new("d").with_attributes([("n", domain)]))));
        let mut in_domain = false;
        for (local, bits) in contacts {
            let bits = bits.to_string();
            let entry = fragment(|w| {
                let c = BytesStart::new("c").with_attributes([("n", local), ("l", bits.as_str()), ("t", "1")]);
                w.write_event(Event::Empty(c))
            });
            let opening = if in_domain { 0 } else { open_domain.len() };
            let full = payload.len() + opening + entry.len() + close_domain.len() + tail.len() > limit;
            if full && payload.len() > head.len() {
                if in_domain {
                    payload.extend_from_slice(&close_domain);
                }
                payload.extend_from_slice(&tail);
                payloads.push(std::mem::replace(&mut payload, head.clone()));
                in_domain = false;
            }
            if !in_domain {
                payload.extend_from_slice(&open_domain);
                in_domain = true;
            }
            payload.extend_from_slice(&entry);
        }
        if in_domain {
            payload.extend_from_slice(&close_domain);
        }
    }
    payload.extend_from_slice(&tail);
    payloads.push(payload);
    payloads
}

/// The bytes one write of an XML writer gives. Writing to memory cannot fail.
fn fragment(write: impl FnOnce(&mut Writer<Vec<u8>>) -> std::io::Result<()>) -> Vec<u8> {
    let mut writer = Writer::new(Vec::new());
    let _ = write(&mut writer);
    writer.into_inner()
}

/// One entry of an `<ml>` document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListEntry {
    /// The handle (`local@domain`), or the `tel:` number of a `<t>` entry.
    pub handle: String,
    /// The list bits.
    pub lists: u32,
    /// The network (`t`; 1 when absent).
    pub network: u32,
}

impl ListEntry {
    /// The lists the bits name.
    pub fn lists(&self) -> Vec<List> {
        List::from_bits(self.lists)
    }

    /// Whether the entry is a telephone number (`<t>`) rather than an account.
    pub fn is_phone(&self) -> bool {
        self.handle.starts_with("tel:")
    }
}

/// An `<ml>` document as the server reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListDocument {
    /// Whether it is the initial list (`l="1"` on `<ml>`).
    pub initial: bool,
    /// Its entries, in document order.
    pub entries: Vec<ListEntry>,
}

/// Why an `<ml>` document is refused, with the error code the server answers.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ListError {
    /// Not well-formed XML, not an `<ml>` document, or whitespace between elements (240).
    #[error("invalid XML: {0}")]
    Malformed(String),
    /// An `<ml>` with no entry that is not the initial list (240).
    #[error("the list names no contact")]
    Empty,
    /// An entry or domain without its attributes, an unknown element, or list bits that are not a number (241).
    #[error("invalid list data: {0}")]
    Invalid(String),
    /// List bits the client may not send: RL (8) or PL (16), or none at all (241).
    #[error("`{handle}`: list bits {bits}; a client sends only FL, AL and BL (1, 2, 4)")]
    Bits {
        /// The entry.
        handle: String,
        /// Its bits.
        bits: u32,
    },
    /// A network that is not one of the known ones (204).
    #[error("`{handle}`: network {network} is not known")]
    Network {
        /// The entry.
        handle: String,
        /// Its `t`.
        network: u32,
    },
}

impl ListError {
    /// The error code for the reply: 240, 241 or 204.
    pub fn code(&self) -> u16 {
        match self {
            ListError::Malformed(_) | ListError::Empty => 240,
            ListError::Invalid(_) | ListError::Bits { .. } => 241,
            ListError::Network { .. } => 204,
        }
    }
}

/// Reads and checks an ADL payload: `<ml>` with `<d n="domain">` elements of `<c n="local" l="bits" t="network"/>`
/// entries (and `<t>` elements of `tel:` entries), no whitespace between elements, every `<d>` with a domain and
/// at least one entry, bits from FL, AL and BL only, a known network. An empty `<ml>` is the initial list of
/// an account without contacts when it says `l="1"`, and an error otherwise.
pub fn read_list(payload: &[u8]) -> Result<ListDocument, ListError> {
    let mut reader = Reader::from_reader(payload);
    let mut document = ListDocument::default();
    // The open elements: `ml`, then `d` (with its domain and whether it holds an entry) or `t`.
    let mut stack: Vec<(String, String, bool)> = Vec::new();
    let mut seen_root = false;
    loop {
        let event = reader.read_event().map_err(|e| ListError::Malformed(e.to_string()))?;
        match event {
            Event::Start(start) => {
                open(&mut document, &mut stack, &start, &mut seen_root)?;
            }
            Event::Empty(start) => {
                open(&mut document, &mut stack, &start, &mut seen_root)?;
                close(&mut stack)?;
            }
            Event::End(_) => close(&mut stack)?,
            Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                return Err(ListError::Malformed("text or whitespace between elements".into()));
            }
            Event::Eof => break,
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if let Some((name, _, _)) = stack.last() {
        return Err(ListError::Malformed(format!("<{name}> is not closed")));
    }
    if !seen_root {
        return Err(ListError::Malformed("no <ml> element".into()));
    }
    if document.entries.is_empty() && !document.initial {
        return Err(ListError::Empty);
    }
    Ok(document)
}

/// Enters an element of an `<ml>` document.
fn open(
    document: &mut ListDocument,
    stack: &mut Vec<(String, String, bool)>,
    start: &BytesStart<'_>,
    seen_root: &mut bool,
) -> Result<(), ListError> {
    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
    let attribute = |key: &str| -> Result<Option<String>, ListError> {
        let found = start.try_get_attribute(key).map_err(|e| ListError::Malformed(e.to_string()))?;
        found
            .map(|a| a.unescape_value().map(|v| v.into_owned()))
            .transpose()
            .map_err(|e| ListError::Malformed(e.to_string()))
    };
    let parent = stack.last().map(|(n, _, _)| n.as_str());
    match (parent, name.as_str()) {
        (None, "ml") if !*seen_root => {
            *seen_root = true;
            document.initial = attribute("l")?.as_deref() == Some("1");
        }
        (None, _) => return Err(ListError::Malformed(format!("the document element is <{name}>, not one <ml>"))),
        (Some("ml"), "d") => {
            let domain = attribute("n")?.filter(|d| !d.is_empty());
            let domain = domain.ok_or_else(|| ListError::Invalid("a <d> without its domain (n)".into()))?;
            stack.push((name, domain, false));
            return Ok(());
        }
        (Some("ml"), "t") => {}
        (Some("d" | "t"), "c") => {
            let local = attribute("n")?.filter(|n| !n.is_empty() && !n.contains('@'));
            let local = local.ok_or_else(|| {
                ListError::Invalid(format!("a <c> in <{}> without a name (n)", parent.unwrap_or_default()))
            })?;
            let handle = match stack.last() {
                Some((_, domain, _)) if parent == Some("d") => format!("{local}@{domain}"),
                _ => local,
            };
            let entry = entry(handle, attribute("l")?, attribute("t")?)?;
            document.entries.push(entry);
            if let Some(last) = stack.last_mut() {
                last.2 = true;
            }
        }
        (Some(parent), _) => return Err(ListError::Invalid(format!("<{name}> inside <{parent}>"))),
    }
    stack.push((name, String::new(), false));
    Ok(())
}

/// One `<c>` entry, checked: bits FL, AL or BL only, a known network.
fn entry(handle: String, bits: Option<String>, network: Option<String>) -> Result<ListEntry, ListError> {
    let bits: u32 = bits
        .and_then(|b| b.parse().ok())
        .ok_or_else(|| ListError::Invalid(format!("`{handle}` has no list bits (l) as a number")))?;
    if bits == 0 || bits & !CLIENT_BITS != 0 {
        return Err(ListError::Bits { handle, bits });
    }
    let network: u32 = match network {
        None => 1,
        Some(t) => t.parse().map_err(|_| ListError::Invalid(format!("`{handle}` has the network `{t}`")))?,
    };
    if !NETWORKS.contains(&network) {
        return Err(ListError::Network { handle, network });
    }
    Ok(ListEntry { handle, lists: bits, network })
}

/// Leaves an element; a `<d>` must have held an entry.
fn close(stack: &mut Vec<(String, String, bool)>) -> Result<(), ListError> {
    match stack.pop() {
        Some((name, domain, false)) if name == "d" => {
            Err(ListError::Invalid(format!("<d n=\"{domain}\"> holds no contact")))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
