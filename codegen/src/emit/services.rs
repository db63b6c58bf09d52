//! The web services as `SERVICES`, one `WebServiceDef` each, written with const constructors.

use proc_macro2::TokenStream;
use quote::quote;

use super::number;
use crate::model::{HttpMessage, Spec, WebService, WebServiceKind};

pub(super) fn emit(spec: &Spec) -> TokenStream {
    let count = number(spec.web_services.len() as u64);
    let services = spec.web_services.iter().map(service_def);
    quote! {
        /// Every web service, in spec order.
        pub static SERVICES: [WebServiceDef; #count] = [#(#services),*];
    }
}

fn service_def(service: &WebService) -> TokenStream {
    let (name, doc, method, since) = (&service.name, &service.doc, &service.method, &service.since);
    let kind = match service.kind {
        WebServiceKind::Http => quote!(WebServiceKind::Http),
        WebServiceKind::Soap => quote!(WebServiceKind::Soap),
    };
    let paths = &service.paths;
    let mut def = quote!(WebServiceDef::new(#name, #doc, #kind, #method, &[#(#paths),*], #since));
    let optional = [
        ("action", service.action.as_ref()),
        ("until", service.until.as_ref()),
        ("unverified", service.unverified.as_ref()),
        ("documented", service.evidence.documented.as_ref()),
        ("seen", service.evidence.seen.as_ref()),
        ("inferred", service.evidence.inferred.as_ref()),
    ];
    for (method, value) in optional {
        if let Some(value) = value {
            let method = super::ident(method);
            def.extend(quote!(.#method(#value)));
        }
    }
    for (method, message) in [("request", &service.request), ("response", &service.response)] {
        if *message != HttpMessage::default() {
            let method = super::ident(method);
            let message = message_def(message);
            def.extend(quote!(.#method(#message)));
        }
    }
    def
}

fn message_def(message: &HttpMessage) -> TokenStream {
    let mut def = quote!(HttpMessageDef::new());
    if let Some(document) = &message.document {
        def.extend(quote!(.document(#document)));
    }
    let (elements, headers) = (&message.elements, &message.headers);
    if !elements.is_empty() {
        def.extend(quote!(.elements(&[#(#elements),*])));
    }
    if !headers.is_empty() {
        def.extend(quote!(.headers(&[#(#headers),*])));
    }
    def
}
