//! `mod forms`: the names of every command's forms and arguments across the versions, as constants for
//! `crate::message`, so that code naming a form or an argument is checked by the compiler.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attr, name_ident};
use crate::model::{ArgKind, Spec};

/// What one command's module names: its latest doc, its forms (each with its first doc and the versions that
/// have it) and its argument names.
#[derive(Default)]
struct Names<'s> {
    doc: &'s str,
    forms: BTreeMap<&'s str, (&'s str, Vec<&'s str>)>,
    args: BTreeSet<&'s str>,
}

pub(super) fn emit(spec: &Spec) -> TokenStream {
    let modules = collect(spec).into_iter().map(|(command, names)| command_module(command, &names));
    quote! {
        /// The names of every command's forms and arguments across the versions of the spec, as constants for
        /// [`crate::message`]: code that names a form or an argument is checked by the compiler.
        pub mod forms {
            #(#modules)*
        }
    }
}

/// Every command's names, by command.
fn collect(spec: &Spec) -> BTreeMap<&str, Names<'_>> {
    let mut commands: BTreeMap<&str, Names> = BTreeMap::new();
    for version in &spec.versions {
        for command in &version.commands {
            let names = commands.entry(command.name.as_str()).or_default();
            names.doc = &command.doc;
            for form in &command.forms {
                let entry = names.forms.entry(form.name.as_str()).or_insert((form.doc.as_str(), Vec::new()));
                if !entry.1.contains(&version.name.as_str()) {
                    entry.1.push(&version.name);
                }
                for arg in &spec.shapes[form.shape].args {
                    if let ArgKind::Value { name, .. } = &arg.kind {
                        names.args.insert(name);
                    }
                }
            }
        }
    }
    commands
}

fn command_module(command: &str, names: &Names) -> TokenStream {
    let module = name_ident(command, false);
    let doc = doc_attr(&format!("`{command}`: {}", names.doc));
    let forms = names.forms.iter().map(|(form, (form_doc, versions))| {
        let constant = name_ident(form, true);
        let range = match (versions.first(), versions.last()) {
            (Some(a), Some(b)) if a == b => (*a).to_string(),
            (Some(a), Some(b)) => format!("{a} to {b}"),
            _ => String::new(),
        };
        let text = if form_doc.is_empty() {
            format!("Form `{form}` ({range}).")
        } else {
            format!("Form `{form}` ({range}): {form_doc}")
        };
        let doc = doc_attr(&text);
        quote! { #doc pub const #constant: FormRef = FormRef { command: #command, form: #form }; }
    });
    let args = names.args.iter().map(|arg| {
        let constant = name_ident(arg, true);
        let doc = doc_attr(&format!("Argument `{arg}`."));
        quote! { #doc pub const #constant: ArgName = ArgName(#arg); }
    });
    let args_doc = doc_attr(&format!("The names of `{command}`'s arguments, in any form and version."));
    let args = (!names.args.is_empty()).then(|| {
        quote! {
            #args_doc
            pub mod args {
                use crate::typed::message::ArgName;
                #(#args)*
            }
        }
    });
    quote! {
        #doc
        pub mod #module {
            use crate::typed::message::FormRef;
            #(#forms)*
            #args
        }
    }
}
