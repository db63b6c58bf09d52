//! The versions: the `Version` enum, every distinct form and command once as a static, and `VERSIONS`, one
//! `VersionDef` per version whose command list refers to those statics.
//!
//! Versions mostly extend the one before, so most of a version's commands, and most forms of a changed command,
//! are the same as before. A form or command is emitted the first time its content (every field, as written)
//! appears, as `FORM_<COMMAND>_<FORM>` or `CMD_<COMMAND>`; a later variant with different content takes the
//! name of the version that introduces it as a suffix (`FORM_USR_OK_MSNP8`). Forms come just before the first
//! command that uses them, commands in order of first use.

use std::collections::{HashMap, HashSet};

use proc_macro2::{Ident, TokenStream};
use quote::{ToTokens, quote};

use super::{dir, doc_attr, ident, name_ident, number, services_tokens, shape_static};
use crate::check::camel;
use crate::model::{Command, Count, Counter, Form, Link, LinkRole, Spec, Version};

pub(super) fn emit(spec: &Spec) -> TokenStream {
    let mut statics = Statics::default();
    let versions: Vec<TokenStream> =
        spec.versions.iter().enumerate().map(|(rank, v)| statics.version_def(spec, rank, v)).collect();
    let (count, items) = (number(spec.versions.len() as u64), statics.items);
    quote! {
        #(#items)*

        /// Every version's resolved tables, oldest first.
        pub static VERSIONS: [VersionDef; #count] = [#(#versions),*];
    }
}

/// The form and command statics emitted so far, each once.
#[derive(Default)]
struct Statics {
    /// The static holding each content, by the content's tokens.
    by_content: HashMap<String, Ident>,
    /// The names taken.
    names: HashSet<String>,
    /// The statics, in order of first use.
    items: Vec<TokenStream>,
}

impl Statics {
    /// The static of type `ty` holding `value`, emitted the first time `value` is met: called `base`, or
    /// `base_VERSION` when a static of another content took that name.
    fn intern(&mut self, ty: &str, base: String, version: &Version, value: TokenStream) -> Ident {
        let key = format!("{ty}: {value}");
        if let Some(name) = self.by_content.get(&key) {
            return name.clone();
        }
        let suffixed = format!("{base}_{}", name_ident(&version.name, true));
        let mut name = if self.names.contains(&base) { suffixed.clone() } else { base };
        let mut n = 2;
        while self.names.contains(&name) {
            name = format!("{suffixed}_{n}");
            n += 1;
        }
        self.names.insert(name.clone());
        let (name, ty) = (ident(&name), ident(ty));
        self.items.push(quote!(static #name: #ty = #value;));
        self.by_content.insert(key, name.clone());
        name
    }

    /// The static of `command` as `version` has it, with its forms.
    fn command(&mut self, spec: &Spec, version: &Version, command: &Command) -> Ident {
        let upper = name_ident(&command.name, true);
        let forms: Vec<Ident> = command
            .forms
            .iter()
            .map(|form| {
                let base = format!("FORM_{upper}_{}", name_ident(&form.name, true));
                self.intern("FormDef", base, version, form_def(spec, form))
            })
            .collect();
        let (name, doc, since) = (&command.name, &command.doc, &command.since);
        let services = services_tokens(&command.services);
        let mut def = quote!(CommandDef::new(#name, #doc, #services, #since, &[#(&#forms),*]));
        if !command.errors.is_empty() {
            let errors = command.errors.iter().map(|&e| number(e));
            def.extend(quote!(.errors(&[#(#errors),*])));
        }
        if let Some(unverified) = &command.unverified {
            def.extend(quote!(.unverified(#unverified)));
        }
        self.intern("CommandDef", format!("CMD_{upper}"), version, def)
    }

    /// The table of `version`: its commands sorted by name (the order lookups rely on), referring to statics.
    fn version_def(&mut self, spec: &Spec, rank: usize, version: &Version) -> TokenStream {
        let sorted = version.sorted_commands();
        let commands: Vec<Ident> = sorted.iter().map(|command| self.command(spec, version, command)).collect();
        let (name, doc, rank) = (&version.name, &version.doc, number(rank as u64));
        let mut def = quote!(VersionDef::new(#name, #doc, #rank, &[#(&#commands),*]));
        for (method, value) in [
            ("extends", &version.extends),
            ("client", &version.client),
            ("auth", &version.auth),
            ("contact_list", &version.contact_list),
            ("unverified", &version.unverified),
        ] {
            if let Some(value) = value {
                let method = ident(method);
                def.extend(quote!(.#method(#value)));
            }
        }
        if !version.errors.is_empty() {
            let errors = version.errors.iter().map(|&e| number(e));
            def.extend(quote!(.errors(&[#(#errors),*])));
        }
        if version.error_payload {
            def.extend(quote!(.error_payload()));
        }
        if !version.removed.is_empty() {
            let removed = version.removed.iter().map(|r| {
                let (name, doc) = (&r.name, &r.doc);
                quote!(RemovedDef { name: #name, doc: #doc })
            });
            def.extend(quote!(.removed(&[#(#removed),*])));
        }
        def
    }
}

/// A form as its constructor and the builder calls for what is not empty.
fn form_def(spec: &Spec, form: &Form) -> TokenStream {
    let (name, since) = (&form.name, &form.since);
    let (from, shape) = (dir(form.from), shape_static(&spec.shapes[form.shape]));
    let services = services_tokens(&form.services);
    let mut def = quote!(FormDef::new(#name, #from, &#shape, #services, #since));
    let text = |method: &str, value: Option<&String>| {
        value.map(|value| {
            let method = ident(method);
            quote!(.#method(#value))
        })
    };
    // A form is documented as its shape is unless it says otherwise.
    def.extend(text("doc", Some(&form.doc).filter(|&d| *d != spec.shapes[form.shape].doc)));
    if !form.answers.is_empty() {
        let answers = &form.answers;
        def.extend(quote!(.answers(&[#(#answers),*])));
    }
    def.extend(text("warn", form.warn.as_ref()));
    def.extend(text("unverified", form.unverified.as_ref()));
    def.extend(text("documented", form.evidence.documented.as_ref()));
    def.extend(text("seen", form.evidence.seen.as_ref()));
    def.extend(text("inferred", form.evidence.inferred.as_ref()));
    if form.once {
        def.extend(quote!(.once()));
    }
    if !form.arg_docs.is_empty() {
        let arg_docs = &form.arg_docs;
        def.extend(quote!(.arg_docs(&[#(#arg_docs),*])));
    }
    def.extend(answer_links(form));
    def
}

/// The builder calls for a form's `counter`, `counts` and links, when it has them.
fn answer_links(form: &Form) -> TokenStream {
    let mut calls = TokenStream::new();
    if let Some(Counter { index, total, per }) = form.counter {
        let (index, total) = (number(index as u64), number(total as u64));
        let per = match per {
            Some(per) => {
                let per = number(per as u64);
                quote!(Some(#per))
            }
            None => quote!(None),
        };
        calls.extend(quote!(.counter(CounterDef { index: #index, total: #total, per: #per })));
    }
    if !form.counts.is_empty() {
        let counts = form.counts.iter().map(|Count { arg, command }| {
            let arg = number(*arg as u64);
            quote!(CountDef { arg: #arg, command: #command })
        });
        calls.extend(quote!(.counts(&[#(#counts),*])));
    }
    if !form.links.is_empty() {
        let links = form.links.iter().map(|Link { arg, role, kind }| {
            let arg = number(*arg as u64);
            let role = match role {
                LinkRole::Defines => quote!(LinkRole::Defines),
                LinkRole::Refers => quote!(LinkRole::Refers),
            };
            quote!(LinkDef { arg: #arg, role: #role, kind: #kind })
        });
        calls.extend(quote!(.links(&[#(#links),*])));
    }
    calls
}

/// The `Version` enum: the versions the spec knows, with their names and tables.
pub(super) fn version_enum(spec: &Spec) -> TokenStream {
    let variants: Vec<Ident> = spec.versions.iter().map(|v| ident(&camel(&v.name))).collect();
    let docs = spec.versions.iter().map(|v| doc_attr(&format!("{}: {}", v.name, v.doc)));
    let names = spec.versions.iter().map(|v| v.name.as_str());
    let names2 = names.clone();
    let ranks = (0..spec.versions.len()).map(|rank| number(rank as u64).into_token_stream());
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
