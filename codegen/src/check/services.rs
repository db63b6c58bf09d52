//! Checks `services.toml`: the web services clients call beside their MSNP connections. Each service has a doc
//! line, a kind (`http` or `soap`), an HTTP method, the paths it is reached at, the versions that use it, and what
//! its request and response must hold. Runs after the version files; the versions `since` and `until` name are
//! resolved once every version chain is (see `resolve`).

use std::collections::HashMap;

use toml::Spanned;

use super::{Checked, check_doc, check_evidence, is_kebab, is_xml_name};
use crate::diag::{Diagnostics, Loc};
use crate::load::{self, loc};
use crate::model::{Evidence, HttpMessage, WebServiceKind};

/// The HTTP methods a service may name.
const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"];

/// A `[service.NAME]` table, checked, before its versions are resolved.
#[derive(Debug)]
pub struct ServiceDraft {
    pub name: String,
    pub doc: String,
    pub kind: WebServiceKind,
    pub method: String,
    pub paths: Vec<String>,
    pub action: Option<String>,
    pub since: Option<(String, Loc)>,
    pub until: Option<(String, Loc)>,
    pub unverified: Option<String>,
    pub evidence: Evidence,
    pub request: HttpMessage,
    pub response: HttpMessage,
}

/// Checks the services into `checked.services`, in file order.
pub(super) fn check_services(file: usize, doc: &load::ServicesFile, checked: &mut Checked, diags: &mut Diagnostics) {
    let mut ctx = Ctx { file, diags, paths: HashMap::new(), actions: HashMap::new() };
    for (name, service) in &doc.service {
        if !is_kebab(name.get_ref()) {
            let message = format!("service name `{}` must be lowercase words joined by '-'", name.get_ref());
            ctx.diags.at(loc(file, name), message);
            continue;
        }
        if checked.services.iter().any(|s| &s.name == name.get_ref()) {
            ctx.diags.at(loc(file, name), format!("service `{}` is defined twice", name.get_ref()));
            continue;
        }
        let draft = ctx.service(name, service.get_ref());
        checked.services.push(draft);
    }
}

/// What checking the services file needs: the file, where problems go, and the paths and actions named so far.
struct Ctx<'a> {
    file: usize,
    diags: &'a mut Diagnostics,
    /// Plain HTTP services by path, and SOAP services by path and document element, to find two that cannot be
    /// told apart.
    paths: HashMap<String, String>,
    actions: HashMap<String, String>,
}

impl Ctx<'_> {
    fn loc<T>(&self, value: &Spanned<T>) -> Loc {
        loc(self.file, value)
    }

    fn service(&mut self, name: &Spanned<String>, doc: &load::ServiceDoc) -> ServiceDraft {
        let service = name.get_ref().clone();
        let at = self.loc(name);
        let text = match &doc.doc {
            Some(d) => check_doc(self.file, d, self.diags),
            None => {
                self.diags.at(at.clone(), format!("service `{service}` needs a doc line"));
                String::new()
            }
        };
        let kind = self.kind(&doc.kind);
        let method = self.method(&service, &at, &doc.method);
        let action = doc.action.as_ref().map(|a| self.action(&service, kind, a));
        let request = self.message(kind, &doc.request);
        let response = self.message(kind, &doc.response);
        if kind == WebServiceKind::Soap {
            for (what, message) in [("request", &request), ("response", &response)] {
                if message.document.is_none() {
                    self.diags.at(at.clone(), format!("SOAP service `{service}` needs a `{what}.document`"));
                }
            }
        }
        let paths = self.paths(&service, &at, &doc.paths, request.document.as_deref());
        let since = doc.since.as_ref().map(|s| (s.get_ref().clone(), self.loc(s)));
        if since.is_none() {
            self.diags.at(at.clone(), format!("service `{service}` needs `since`, the first version that uses it"));
        }
        let until = doc.until.as_ref().map(|u| (u.get_ref().clone(), self.loc(u)));
        let unverified = doc.unverified.as_ref().map(|u| check_doc(self.file, u, self.diags));
        let evidence = doc.evidence.as_ref().map(|e| check_evidence(self.file, e, self.diags)).unwrap_or_default();
        if doc.evidence.is_none() && unverified.is_none() {
            self.diags.warn_at(at.clone(), format!("service `{service}` has no `evidence` and is not `unverified`"));
        }
        ServiceDraft {
            name: service,
            doc: text,
            kind,
            method,
            paths,
            action,
            since,
            until,
            unverified,
            evidence,
            request,
            response,
        }
    }

    fn kind(&mut self, kind: &Option<Spanned<String>>) -> WebServiceKind {
        match kind.as_ref().map(|k| k.get_ref().as_str()) {
            None | Some("http") => WebServiceKind::Http,
            Some("soap") => WebServiceKind::Soap,
            Some(other) => {
                let at = kind.as_ref().map(|k| self.loc(k)).expect("a kind was given");
                self.diags.at(at, format!("service kind `{other}` must be `http` or `soap`"));
                WebServiceKind::Http
            }
        }
    }

    fn method(&mut self, service: &str, at: &Loc, method: &Option<Spanned<String>>) -> String {
        let Some(method) = method else {
            self.diags.at(at.clone(), format!("service `{service}` needs a `method`"));
            return String::new();
        };
        if !METHODS.contains(&method.get_ref().as_str()) {
            let message = format!("`{}` is not an HTTP method: one of {}", method.get_ref(), METHODS.join(", "));
            self.diags.at(self.loc(method), message);
        }
        method.get_ref().clone()
    }

    /// The paths: at least one, each an absolute path without query, none shared with another service that nothing
    /// else tells apart (a SOAP service's document element does).
    fn paths(
        &mut self,
        service: &str,
        at: &Loc,
        paths: &Option<Spanned<Vec<Spanned<String>>>>,
        document: Option<&str>,
    ) -> Vec<String> {
        let list = paths.as_ref().map(|p| p.get_ref().as_slice()).unwrap_or_default();
        if list.is_empty() {
            let at = paths.as_ref().map_or(at.clone(), |p| self.loc(p));
            self.diags.at(at, format!("service `{service}` needs at least one path in `paths`"));
        }
        let mut out = Vec::new();
        for path in list {
            let text = path.get_ref();
            let valid =
                text.starts_with('/') && !text.contains(['?', '#']) && text.bytes().all(|b| b.is_ascii_graphic());
            if !valid {
                let message = format!("path `{text}` must start with '/' and hold no spaces, query or fragment");
                self.diags.at(self.loc(path), message);
                continue;
            }
            let key = format!("{} {}", text.to_ascii_lowercase(), document.unwrap_or(""));
            match self.paths.insert(key, service.to_string()) {
                Some(other) if other == service => {
                    self.diags.at(self.loc(path), format!("path `{text}` is listed twice"))
                }
                Some(other) => self.diags.at(self.loc(path), format!("path `{text}` is already service `{other}`'s")),
                None => {}
            }
            out.push(text.clone());
        }
        out
    }

    fn action(&mut self, service: &str, kind: WebServiceKind, action: &Spanned<String>) -> String {
        let text = action.get_ref();
        if kind != WebServiceKind::Soap {
            self.diags.at(self.loc(action), "`action` names a SOAP service's SOAPAction; this service is not `soap`");
        } else if text.is_empty() || !text.bytes().all(|b| b.is_ascii_graphic()) || text.contains('"') {
            self.diags.at(self.loc(action), format!("action `{text}` must be a URI without spaces or quotes"));
        } else if let Some(other) = self.actions.insert(text.clone(), service.to_string()) {
            self.diags.at(self.loc(action), format!("action `{text}` is already service `{other}`'s"));
        }
        text.clone()
    }

    /// A `request` or `response` table.
    fn message(&mut self, kind: WebServiceKind, doc: &Option<Spanned<load::HttpMessageDoc>>) -> HttpMessage {
        let Some(doc) = doc else { return HttpMessage::default() };
        let doc = doc.get_ref();
        let document = doc.document.as_ref().map(|d| {
            if kind != WebServiceKind::Soap {
                self.diags.at(self.loc(d), "`document` names a SOAP body's element; this service is not `soap`");
            }
            self.element(d)
        });
        if kind != WebServiceKind::Soap
            && let Some(first) = doc.elements.first()
        {
            self.diags.at(self.loc(first), "`elements` are checked in SOAP envelopes; this service is not `soap`");
        }
        let elements = doc.elements.iter().map(|e| self.element(e)).collect();
        let headers = doc.headers.iter().map(|h| self.header(h)).collect();
        HttpMessage { document, elements, headers }
    }

    /// An element's local name.
    fn element(&mut self, element: &Spanned<String>) -> String {
        let name = element.get_ref();
        if !is_xml_name(name) || name.contains(':') {
            let message = format!("`{name}` is not an XML element's local name (no prefix, such as `wsse:`)");
            self.diags.at(self.loc(element), message);
        }
        name.clone()
    }

    /// A header name: an HTTP token.
    fn header(&mut self, header: &Spanned<String>) -> String {
        let name = header.get_ref();
        if !is_header_name(name) {
            self.diags.at(self.loc(header), format!("`{name}` is not an HTTP header name"));
        }
        name.clone()
    }
}

/// Whether `name` is an HTTP header name (a token: letters, digits and ``!#$%&'*+-.^_`|~``).
fn is_header_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::check_services;
    use crate::check::Checked;
    use crate::diag::Diagnostics;
    use crate::model::WebServiceKind;
    use crate::testing::{errors, parse};

    /// Checks `text` as `services.toml`: the checked services and the rendered errors.
    fn check(text: &str) -> (Checked, Vec<String>) {
        let docs = parse(&[("services.toml", text)]);
        let mut diags = Diagnostics::default();
        let mut checked = Checked::default();
        let (file, doc) = docs.services.as_ref().expect("services.toml parses");
        check_services(*file, doc, &mut checked, &mut diags);
        (checked, errors(&docs, diags))
    }

    #[test]
    fn every_key_of_a_soap_service() {
        let (checked, errors) = check(
            r#"
[service.find-membership]
doc = "Lists memberships."
kind = "soap"
method = "POST"
paths = ["/abservice/SharingService.asmx"]
action = "http://www.msn.com/webservices/AddressBook/FindMembership"
since = "MSNP13"
evidence = { documented = "services/sharingservice" }
request = { document = "FindMembership", elements = ["ABApplicationHeader"], headers = ["SOAPAction"] }
response = { document = "FindMembershipResponse" }
"#,
        );
        assert_eq!(errors, Vec::<String>::new());
        let service = &checked.services[0];
        assert_eq!(
            (service.name.as_str(), service.kind, service.method.as_str()),
            ("find-membership", WebServiceKind::Soap, "POST")
        );
        assert_eq!(service.since.as_ref().map(|s| s.0.as_str()), Some("MSNP13"));
        assert_eq!(service.request.document.as_deref(), Some("FindMembership"));
        assert_eq!(service.request.elements, ["ABApplicationHeader"]);
        assert_eq!(service.response.document.as_deref(), Some("FindMembershipResponse"));
    }

    #[test]
    fn what_is_wrong_is_reported_where_it_is() {
        let (checked, errors) = check(
            r#"
[service.Nexus]
doc = "Bad name."

[service.login]
doc = "Logs in."
kind = "rest"
method = "get"
paths = ["login2.srf", "/a b"]
action = "urn:x"
since = "MSNP8"
request = { document = "x", elements = ["wsse:Password"], headers = ["Bad Header"] }

[service.other]
doc = "Same path."
method = "GET"
paths = ["/same", "/same"]
since = "MSNP8"
"#,
        );
        assert_eq!(
            errors,
            [
                "spec/services.toml:1:10: service name `Nexus` must be lowercase words joined by '-'",
                "spec/services.toml:6:8: service kind `rest` must be `http` or `soap`",
                "spec/services.toml:7:10: `get` is not an HTTP method: one of GET, POST, PUT, DELETE, HEAD, OPTIONS, PATCH",
                "spec/services.toml:8:10: path `login2.srf` must start with '/' and hold no spaces, query or fragment",
                "spec/services.toml:8:24: path `/a b` must start with '/' and hold no spaces, query or fragment",
                "spec/services.toml:9:10: `action` names a SOAP service's SOAPAction; this service is not `soap`",
                "spec/services.toml:11:24: `document` names a SOAP body's element; this service is not `soap`",
                "spec/services.toml:11:41: `elements` are checked in SOAP envelopes; this service is not `soap`",
                "spec/services.toml:11:41: `wsse:Password` is not an XML element's local name (no prefix, such as `wsse:`)",
                "spec/services.toml:11:70: `Bad Header` is not an HTTP header name",
                "spec/services.toml:16:19: path `/same` is listed twice",
            ]
        );
        assert_eq!(checked.services.len(), 2);
    }
}
