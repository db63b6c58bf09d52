//! The versions: the `Version` enum, and `VERSIONS`, one `VersionDef` per version with its commands and forms.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{dir, doc_attr, ident, option_str, services_tokens, shape_static};
use crate::check::camel;
use crate::model::{Count, Counter, Dir, Form, Link, LinkRole, Spec, Version};

pub(super) fn emit(spec: &Spec) -> TokenStream {
    let versions = spec.versions.iter().enumerate().map(|(rank, v)| version_def(spec, rank, v));
    let count = spec.versions.len();
    quote! {
        /// Every version's resolved tables, oldest first.
        pub static VERSIONS: [VersionDef; #count] = [#(#versions),*];
    }
}

/// The commands of a version sorted by name (the order lookups binary-search).
fn version_def(spec: &Spec, rank: usize, version: &Version) -> TokenStream {
    let sorted = version.sorted_commands();
    let commands = sorted.iter().map(|(command, forms)| {
        let (name, doc, since) = (&command.name, &command.doc, &command.since);
        let services = services_tokens(&command.services);
        let errors = &command.errors;
        let client_payload = command.carries_payload(spec, Dir::Client);
        let server_payload = command.carries_payload(spec, Dir::Server);
        let command_unverified = option_str(command.unverified.as_deref());
        let forms = forms.iter().map(|&(_, form)| form_def(spec, name, form));
        quote! {
            CommandDef {
                name: #name, doc: #doc, services: #services, errors: &[#(#errors),*], since: #since,
                unverified: #command_unverified, forms: &[#(#forms),*], client_payload: #client_payload,
                server_payload: #server_payload,
            }
        }
    });
    let keys = sorted.iter().map(|(c, _)| c.key());
    let (name, doc) = (&version.name, &version.doc);
    let extends = option_str(version.extends.as_deref());
    let client = option_str(version.client.as_deref());
    let auth = option_str(version.auth.as_deref());
    let contact_list = option_str(version.contact_list.as_deref());
    let unverified = option_str(version.unverified.as_deref());
    let errors = &version.errors;
    let error_payload = version.error_payload;
    let removed = version.removed.iter().map(|r| {
        let (name, doc) = (&r.name, &r.doc);
        quote!(RemovedDef { name: #name, doc: #doc })
    });
    quote! {
        VersionDef {
            name: #name, doc: #doc, extends: #extends, client: #client, auth: #auth, contact_list: #contact_list,
            unverified: #unverified, commands: &[#(#commands),*], command_keys: &[#(#keys),*], index: crate::spec::CommandIndex::new(),
            errors: &[#(#errors),*], error_payload: #error_payload,
            removed: &[#(#removed),*], rank: #rank,
        }
    }
}

/// A form of command `command`.
fn form_def(spec: &Spec, command: &str, form: &Form) -> TokenStream {
    let (form_name, doc, since) = (&form.name, &form.doc, &form.since);
    let from = dir(form.from);
    let shape = shape_static(&spec.shapes[form.shape]);
    let services = services_tokens(&form.services);
    let answers = &form.answers;
    let warn = option_str(form.warn.as_deref());
    let unverified = option_str(form.unverified.as_deref());
    let evidence = {
        let e = &form.evidence;
        let (documented, seen, inferred) =
            (option_str(e.documented.as_deref()), option_str(e.seen.as_deref()), option_str(e.inferred.as_deref()));
        quote!(Evidence { documented: #documented, seen: #seen, inferred: #inferred })
    };
    let once = form.once;
    let arg_docs = &form.arg_docs;
    let counter = match form.counter {
        Some(Counter { index, total, per }) => {
            let per = match per {
                Some(per) => quote!(Some(#per)),
                None => quote!(None),
            };
            quote!(Some(CounterDef { index: #index, total: #total, per: #per }))
        }
        None => quote!(None),
    };
    let counts = form.counts.iter().map(|Count { arg, command }| quote!(CountDef { arg: #arg, command: #command }));
    let links = form.links.iter().map(|Link { arg, role, kind }| {
        let role = match role {
            LinkRole::Defines => quote!(LinkRole::Defines),
            LinkRole::Refers => quote!(LinkRole::Refers),
        };
        quote!(LinkDef { arg: #arg, role: #role, kind: #kind })
    });
    quote! {
        FormDef {
            name: #form_name, command: #command, from: #from, shape: &#shape, services: #services,
            answers: &[#(#answers),*], warn: #warn, unverified: #unverified, evidence: #evidence, once: #once,
            doc: #doc,
            since: #since,
            arg_docs: &[#(#arg_docs),*], counter: #counter, counts: &[#(#counts),*], links: &[#(#links),*],
        }
    }
}

/// The `Version` enum: the versions the spec knows, with their names and tables.
pub(super) fn version_enum(spec: &Spec) -> TokenStream {
    let variants: Vec<Ident> = spec.versions.iter().map(|v| ident(&camel(&v.name))).collect();
    let docs = spec.versions.iter().map(|v| doc_attr(&format!("{}: {}", v.name, v.doc)));
    let names = spec.versions.iter().map(|v| v.name.as_str());
    let names2 = names.clone();
    let ranks = 0..spec.versions.len();
    quote! {
        /// A protocol version (dialect) the spec knows, oldest first.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Version {
            #(#docs #variants,)*
        }

        impl Version {
            /// Every version, oldest first.
            pub const ALL: &'static [Version] = &[#(Version::#variants),*];

            /// The name used in VER, such as `MSNP8`.
            pub const fn name(self) -> &'static str {
                match self { #(Version::#variants => #names,)* }
            }

            /// The version called `name` in VER.
            pub fn from_name(name: &str) -> Option<Version> {
                match name { #(#names2 => Some(Version::#variants),)* _ => None }
            }

            /// The version's tables.
            pub fn def(self) -> &'static VersionDef {
                match self { #(Version::#variants => &VERSIONS[#ranks],)* }
            }
        }
    }
}
