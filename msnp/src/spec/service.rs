//! Web services: the HTTP endpoints a client calls beside its MSNP connections (the Passport 1.4 nexus and login
//! server, the SSO token service, the address-book SOAP services), as `spec/services.toml` describes them: method,
//! paths, SOAPAction, the versions that use them, and what each direction of an exchange must hold.

use super::{Evidence, Spec, VersionDef};

/// A web service.
#[derive(Debug)]
pub struct WebServiceDef {
    /// The spec name, such as `passport-login`.
    pub name: &'static str,
    /// One line of documentation.
    pub doc: &'static str,
    /// Plain HTTP, or SOAP.
    pub kind: WebServiceKind,
    /// The HTTP method, such as `GET`.
    pub method: &'static str,
    /// The paths it is reached at, as seen (`/login2.srf`).
    pub paths: &'static [&'static str],
    /// The `SOAPAction` header that names it, for SOAP services that have one.
    pub action: Option<&'static str>,
    /// The first version whose clients call it.
    pub since: &'static str,
    /// The last version whose clients call it, when it is not still in use.
    pub until: Option<&'static str>,
    /// What the sources leave open about it.
    pub unverified: Option<&'static str>,
    /// Where it comes from.
    pub evidence: Evidence,
    /// What its request must hold.
    pub request: HttpMessageDef,
    /// What its response must hold.
    pub response: HttpMessageDef,
}

/// Plain HTTP or SOAP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WebServiceKind {
    /// Headers and an optional body the spec says nothing about.
    Http,
    /// A SOAP envelope whose `Body` holds one document element.
    Soap,
}

impl WebServiceKind {
    /// `http` or `soap`, as the spec writes it.
    pub fn word(self) -> &'static str {
        match self {
            WebServiceKind::Http => "http",
            WebServiceKind::Soap => "soap",
        }
    }
}

/// What one direction of an exchange must hold.
#[derive(Debug)]
pub struct HttpMessageDef {
    /// SOAP: the local name of the first element inside the envelope's `Body`.
    pub document: Option<&'static str>,
    /// Local names of elements that must occur somewhere in the envelope.
    pub elements: &'static [&'static str],
    /// Headers that must be present (in a response: a success, 2xx, response).
    pub headers: &'static [&'static str],
}

impl HttpMessageDef {
    /// Nothing required.
    pub const fn new() -> Self {
        HttpMessageDef { document: None, elements: &[], headers: &[] }
    }

    /// The message with the SOAP body's document element.
    pub const fn document(mut self, document: &'static str) -> Self {
        self.document = Some(document);
        self
    }

    /// The message with the elements it must contain.
    pub const fn elements(mut self, elements: &'static [&'static str]) -> Self {
        self.elements = elements;
        self
    }

    /// The message with the headers it must carry.
    pub const fn headers(mut self, headers: &'static [&'static str]) -> Self {
        self.headers = headers;
        self
    }
}

impl Default for HttpMessageDef {
    fn default() -> Self {
        HttpMessageDef::new()
    }
}

impl WebServiceDef {
    /// Service `name`, called with `method` at `paths` from version `since` on; no action, end, evidence or
    /// requirements.
    pub const fn new(
        name: &'static str,
        doc: &'static str,
        kind: WebServiceKind,
        method: &'static str,
        paths: &'static [&'static str],
        since: &'static str,
    ) -> Self {
        WebServiceDef {
            name,
            doc,
            kind,
            method,
            paths,
            action: None,
            since,
            until: None,
            unverified: None,
            evidence: Evidence { documented: None, seen: None, inferred: None },
            request: HttpMessageDef::new(),
            response: HttpMessageDef::new(),
        }
    }

    /// The service with the SOAPAction that names it.
    pub const fn action(mut self, action: &'static str) -> Self {
        self.action = Some(action);
        self
    }

    /// The service with the last version that uses it.
    pub const fn until(mut self, until: &'static str) -> Self {
        self.until = Some(until);
        self
    }

    /// The service with what is not verified about it.
    pub const fn unverified(mut self, unverified: &'static str) -> Self {
        self.unverified = Some(unverified);
        self
    }

    /// The service with the documentation that gives it.
    pub const fn documented(mut self, page: &'static str) -> Self {
        self.evidence.documented = Some(page);
        self
    }

    /// The service with the real traffic that shows it.
    pub const fn seen(mut self, traffic: &'static str) -> Self {
        self.evidence.seen = Some(traffic);
        self
    }

    /// The service with the code it is inferred from.
    pub const fn inferred(mut self, code: &'static str) -> Self {
        self.evidence.inferred = Some(code);
        self
    }

    /// The service with what its request must hold.
    pub const fn request(mut self, request: HttpMessageDef) -> Self {
        self.request = request;
        self
    }

    /// The service with what its response must hold.
    pub const fn response(mut self, response: HttpMessageDef) -> Self {
        self.response = response;
        self
    }

    /// Whether clients of `version` call it: `version` is neither older than `since` nor newer than `until` in
    /// `spec`'s order of versions.
    pub fn used_in(&self, spec: &Spec, version: &VersionDef) -> bool {
        let rank = |name: &str| spec.version(name).map(|v| v.rank);
        let after_since = rank(self.since).is_some_and(|since| version.rank >= since);
        let before_until = self.until.is_none_or(|until| rank(until).is_some_and(|until| version.rank <= until));
        after_since && before_until
    }

    /// The versions it is used in, for messages: `MSNP8 to MSNP14`, or `MSNP13 on`.
    pub fn versions(&self) -> String {
        match self.until {
            Some(until) if until == self.since => self.since.to_string(),
            Some(until) => format!("{} to {until}", self.since),
            None => format!("{} on", self.since),
        }
    }

    /// Whether `path` (without query) is one of its paths; compared without regard to case, as the servers of
    /// these services did.
    pub fn has_path(&self, path: &str) -> bool {
        self.paths.iter().any(|p| p.eq_ignore_ascii_case(path))
    }
}

impl Spec {
    /// The web service whose SOAPAction is `action` (quotes around it ignored).
    pub fn service_by_action(&self, action: &str) -> Option<&'static WebServiceDef> {
        let action = action.trim().trim_matches('"');
        let services: &'static [WebServiceDef] = self.services;
        services.iter().find(|s| s.action == Some(action))
    }

    /// The web services reached at `path`, in spec order.
    pub fn services_at<'p>(&self, path: &'p str) -> impl Iterator<Item = &'static WebServiceDef> + 'p {
        let services: &'static [WebServiceDef] = self.services;
        services.iter().filter(move |s| s.has_path(path))
    }

    /// The web service called `name`.
    pub fn service(&self, name: &str) -> Option<&'static WebServiceDef> {
        let services: &'static [WebServiceDef] = self.services;
        services.iter().find(|s| s.name == name)
    }
}

#[cfg(test)]
mod tests {
    use crate::SPEC;

    #[test]
    fn services_are_found_by_action_and_path_and_belong_to_their_versions() {
        let version = |name: &str| SPEC.version(name).expect("a version");
        let nexus = SPEC.service("nexus").expect("the nexus");
        assert!(nexus.used_in(&SPEC, version("MSNP8")) && nexus.used_in(&SPEC, version("MSNP14")));
        assert!(!nexus.used_in(&SPEC, version("MSNP7")) && !nexus.used_in(&SPEC, version("MSNP15")));
        assert_eq!(nexus.versions(), "MSNP8 to MSNP14");
        let rst = SPEC.service("rst").expect("RST");
        assert!(rst.used_in(&SPEC, version("MSNP21")) && !rst.used_in(&SPEC, version("MSNP11")));
        assert_eq!(rst.versions(), "MSNP12 on");
        let action = "\"http://www.msn.com/webservices/AddressBook/ABFindAll\"";
        assert_eq!(SPEC.service_by_action(action).map(|s| s.name), Some("ab-find-all"));
        let at: Vec<&str> = SPEC.services_at("/LOGIN2.SRF").map(|s| s.name).collect();
        assert_eq!(at, ["passport-login"]);
    }
}
