//! The typed layer: Rust enums of the enumerated value types (`mod types`), one struct per shape
//! (`mod shapes`), per version a module with an enum of the messages each direction sends, and the `Message`
//! enum over those.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::{doc_attr, ident, option_str, shape_static, synopsis};
use crate::check::{camel, snake};
use crate::model::{Arg, ArgKind, Check, Dir, Shape, Spec, Trid, Type, TypeKind, Version};

pub(super) fn emit(spec: &Spec) -> TokenStream {
    let value_enums = spec.types.iter().filter_map(emit_value_enum);
    let structs = spec.shapes.iter().map(|s| emit_shape_struct(spec, s));
    let modules = spec.versions.iter().enumerate().map(|(rank, v)| emit_version_module(spec, rank, v));
    let message = emit_message_enum(spec);
    quote! {
        /// Rust enums for the spec's enumerated value types.
        pub mod types {
            #(#value_enums)*
        }

        /// One struct per distinct command shape; a shape shared by several versions is one type.
        pub mod shapes {
            #[allow(unused_imports)]
            use crate::typed::{field, optional_field, repeated_field, trid, LineWriter, ParseError};
            use crate::matcher::Match;
            #(#structs)*
        }

        #(#modules)*

        #message
    }
}

/// The Rust enum of an enumerated type.
fn emit_value_enum(ty: &Type) -> Option<TokenStream> {
    let TypeKind::Enum(values) = &ty.kind else {
        return None;
    };
    let name = ident(&camel(&ty.name));
    let variants: Vec<Ident> = values.iter().map(|v| ident(&camel(&v.value))).collect();
    let docs = values.iter().map(|v| doc_attr(&format!("`{}`: {}", v.value, v.doc)));
    let words: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
    let doc = doc_attr(&ty.doc);
    Some(quote! {
        #doc
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#docs #variants,)*
        }

        impl #name {
            /// Every value, in spec order.
            pub const ALL: &'static [#name] = &[#(#name::#variants),*];

            /// The wire word.
            pub const fn as_str(self) -> &'static str {
                match self { #(#name::#variants => #words,)* }
            }

            /// The value written `word` on the wire.
            pub fn from_wire(word: &str) -> Option<Self> {
                match word { #(#words => Some(#name::#variants),)* _ => None }
            }
        }

        impl<'a> crate::value::FromToken<'a> for #name {
            fn from_token(token: &'a str) -> Option<Self> {
                Self::from_wire(token)
            }
        }

        impl crate::value::ToToken for #name {
            fn write_token(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(self.as_str().as_bytes());
            }
        }
    })
}

/// How one shape argument appears in the generated struct.
struct FieldPlan {
    ident: Ident,
    ty: TokenStream,
    doc: String,
    read: TokenStream,
    write: TokenStream,
    borrows: bool,
}

fn field_plan(spec: &Spec, shape: &Shape, index: usize, arg: &Arg) -> Option<FieldPlan> {
    let position = index;
    let index = Literal::usize_unsuffixed(index);
    let is_length = shape.payload.as_ref().is_some_and(|p| p.length_arg == position);
    match &arg.kind {
        _ if is_length => None,
        ArgKind::Literal { name: Some(name), word } => {
            let ident = ident(&snake(name));
            Some(FieldPlan {
                ident: ident.clone(),
                ty: quote!(bool),
                doc: if arg.doc.is_empty() { format!("Whether `{word}` is present.") } else { arg.doc.clone() },
                read: quote!(m.tokens(#index).next().is_some()),
                write: quote!(if self.#ident { w.literal(#word); }),
                borrows: false,
            })
        }
        ArgKind::Literal { .. } => None,
        ArgKind::Value { name, ty } => {
            let ident = ident(&snake(name));
            let (base, borrows) = rust_type(&spec.types[*ty]);
            let prefix = option_str(arg.prefix.as_deref());
            let (ty, read, write) = if arg.repeat {
                (
                    quote!(Vec<#base>),
                    quote!(repeated_field(m, #index, #name, #prefix)?),
                    quote!(for value in &self.#ident { w.value(#prefix, value); }),
                )
            } else if arg.optional {
                (
                    quote!(Option<#base>),
                    quote!(optional_field(m, #index, #name, #prefix)?),
                    quote!(if let Some(value) = &self.#ident { w.value(#prefix, value); }),
                )
            } else {
                (base, quote!(field(m, #index, #name, #prefix)?), quote!(w.value(#prefix, &self.#ident);))
            };
            Some(FieldPlan { ident, ty, doc: arg.doc.clone(), read, write, borrows })
        }
    }
}

/// The Rust type of a value type, and whether it borrows from the line.
fn rust_type(ty: &Type) -> (TokenStream, bool) {
    match &ty.kind {
        TypeKind::Check(Check::Uint { max }) if *max <= u32::MAX as u64 => (quote!(u32), false),
        TypeKind::Check(Check::Uint { .. }) => (quote!(u64), false),
        TypeKind::Check(Check::Flag) => (quote!(bool), false),
        TypeKind::Enum(_) => {
            let name = ident(&camel(&ty.name));
            (quote!(super::types::#name), false)
        }
        TypeKind::Check(_) | TypeKind::AnyOf(_) | TypeKind::Parts { .. } => (quote!(&'a str), true),
    }
}

/// Whether the struct of `shape` borrows from the line (and so has a lifetime).
fn shape_borrows(spec: &Spec, shape: &Shape) -> bool {
    shape.payload.is_some()
        || shape.args.iter().enumerate().any(|(i, a)| field_plan(spec, shape, i, a).is_some_and(|f| f.borrows))
}

fn emit_shape_struct(spec: &Spec, shape: &Shape) -> TokenStream {
    let name = ident(&shape.rust_name);
    let static_name = shape_static(shape);
    let command = &shape.command;
    let borrows = shape_borrows(spec, shape);
    let (generics, match_life) = if borrows { (quote!(<'a>), quote!('a)) } else { (quote!(), quote!('_)) };
    let plans: Vec<FieldPlan> =
        shape.args.iter().enumerate().filter_map(|(i, a)| field_plan(spec, shape, i, a)).collect();
    let (fields, reads) = fields_and_reads(shape, &plans);
    let writes = writes(shape, &plans);
    let end = if shape.payload.is_some() { quote!(w.end(self.payload);) } else { quote!(w.end(b"");) };
    // Shapes without arguments read nothing and write only the name; keep the generated code warning-free.
    let m = if reads.is_empty() { quote!(_m) } else { quote!(m) };
    let binding = if writes.is_empty() { quote!(let w) } else { quote!(let mut w) };
    let synopsis = synopsis(shape);
    let doc =
        doc_attr(&if shape.doc.is_empty() { format!("`{synopsis}`") } else { format!("`{synopsis}`: {}", shape.doc) });
    let read_doc = doc_attr(&format!("Reads a line that matched [`{static_name}`]."));
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct #name #generics {
            #(#fields)*
        }

        impl #generics #name #generics {
            /// The syntax this struct follows.
            pub const SHAPE: &'static crate::spec::Shape = &super::#static_name;

            /// Parses a raw command that should have this shape.
            pub fn parse(raw: &crate::raw::RawCommand<#match_life>) -> Result<Self, ParseError> {
                Self::from_match(&crate::typed::parse_shape(Self::SHAPE, raw)?)
            }

            #read_doc
            pub fn from_match(#m: &Match<'_, #match_life>) -> Result<Self, ParseError> {
                Ok(Self { #(#reads)* })
            }

            /// Writes the command in wire form: the line, CRLF and the payload.
            pub fn write(&self, out: &mut Vec<u8>) {
                #binding = LineWriter::new(out, #command);
                #(#writes)*
                #end
            }
        }
    }
}

/// A shape struct's fields, and how `from_match` reads each.
fn fields_and_reads(shape: &Shape, plans: &[FieldPlan]) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let mut fields = Vec::new();
    let mut reads = Vec::new();
    if shape.trid == Trid::Yes {
        fields.push(quote! { #[doc = " Transaction ID."] pub tr_id: u32, });
        reads.push(quote!(tr_id: trid(m)?,));
    }
    for plan in plans {
        let (ident, ty, doc, read) = (&plan.ident, &plan.ty, doc_attr(&plan.doc), &plan.read);
        fields.push(quote! { #doc pub #ident: #ty, });
        reads.push(quote!(#ident: #read,));
    }
    if shape.payload.is_some() {
        fields.push(quote! { #[doc = " The payload that follows the command line."] pub payload: &'a [u8], });
        reads.push(quote!(payload: m.raw().payload(),));
    }
    (fields, reads)
}

/// How a shape struct's `write` writes each token after the command name.
fn writes(shape: &Shape, plans: &[FieldPlan]) -> Vec<TokenStream> {
    let mut writes = Vec::new();
    match shape.trid {
        Trid::Yes => writes.push(quote!(w.trid(self.tr_id);)),
        Trid::Zero => writes.push(quote!(w.literal("0");)),
        Trid::No => {}
    }
    for (index, arg) in shape.args.iter().enumerate() {
        if shape.payload.as_ref().is_some_and(|p| p.length_arg == index) {
            writes.push(quote!(w.length(self.payload.len());));
            continue;
        }
        match (&arg.kind, plans.iter().find(|p| arg_ident(arg).as_ref() == Some(&p.ident))) {
            (ArgKind::Literal { word, name: None }, _) => writes.push(quote!(w.literal(#word);)),
            (_, Some(plan)) => writes.push(plan.write.clone()),
            _ => {}
        }
    }
    writes
}

fn arg_ident(arg: &Arg) -> Option<Ident> {
    match &arg.kind {
        ArgKind::Value { name, .. } | ArgKind::Literal { name: Some(name), .. } => Some(ident(&snake(name))),
        ArgKind::Literal { name: None, .. } => None,
    }
}

fn emit_version_module(spec: &Spec, rank: usize, version: &Version) -> TokenStream {
    let module = ident(&version.name.to_lowercase());
    let doc = doc_attr(&format!("Typed messages of {}: {}", version.name, version.doc));
    let enums = [Dir::Client, Dir::Server].map(|d| emit_direction_enum(spec, rank, version, d));
    quote! {
        #doc
        pub mod #module {
            #(#enums)*
        }
    }
}

/// Whether the message enum of `version` in direction `d` borrows from the line (and so has a lifetime).
fn direction_borrows(spec: &Spec, version: &Version, d: Dir) -> bool {
    d == Dir::Server
        || version
            .commands
            .iter()
            .flat_map(|c| &c.forms)
            .any(|f| f.from == d && shape_borrows(spec, &spec.shapes[f.shape]))
}

/// `Message`: any version's typed messages, chosen by version and direction.
fn emit_message_enum(spec: &Spec) -> TokenStream {
    let mut variants = Vec::new();
    let mut parses = Vec::new();
    let mut writes = Vec::new();
    for version in &spec.versions {
        let module = ident(&version.name.to_lowercase());
        let version_variant = ident(&camel(&version.name));
        for (d, who) in [(Dir::Client, "Client"), (Dir::Server, "Server")] {
            let variant = format_ident!("{}{who}", camel(&version.name));
            let enum_name = ident(who);
            let ty = if direction_borrows(spec, version, d) {
                quote!(#module::#enum_name<'a>)
            } else {
                quote!(#module::#enum_name)
            };
            let doc = doc_attr(&format!("A message the {} sends in {}.", who.to_lowercase(), version.name));
            let dir_variant = ident(who);
            variants.push(quote! { #doc #variant(#ty), });
            parses.push(quote!((Version::#version_variant, Dir::#dir_variant) => Message::#variant(#module::#enum_name::parse(raw)?),));
            writes.push(quote!(Message::#variant(message) => message.write(out),));
        }
    }
    quote! {
        /// A typed message of any version, in either direction.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum Message<'a> {
            #(#variants)*
        }

        impl<'a> Message<'a> {
            /// Parses a raw command sent by `dir` on a connection speaking `version`.
            pub fn parse(version: Version, dir: Dir, raw: &crate::raw::RawCommand<'a>) -> Result<Self, crate::typed::ParseError> {
                Ok(match (version, dir) {
                    #(#parses)*
                })
            }

            /// Writes the message in wire form: the line, CRLF and the payload.
            pub fn write(&self, out: &mut Vec<u8>) {
                match self {
                    #(#writes)*
                }
            }
        }
    }
}

fn emit_direction_enum(spec: &Spec, rank: usize, version: &Version, d: Dir) -> TokenStream {
    let (enum_name, who) = match d {
        Dir::Client => (ident("Client"), "client"),
        Dir::Server => (ident("Server"), "server"),
    };
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut writes = Vec::new();
    // A server enum always has the error reply variant, which borrows its payload.
    let borrows = direction_borrows(spec, version, d);
    for (command, forms) in version.sorted_commands() {
        for (index, form) in forms.into_iter().filter(|(_, f)| f.from == d) {
            let shape = &spec.shapes[form.shape];
            let variant = format_ident!("{}{}", camel(&command.name), camel(&form.name));
            let struct_name = ident(&shape.rust_name);
            let ty = if shape_borrows(spec, shape) {
                quote!(super::shapes::#struct_name<'a>)
            } else {
                quote!(super::shapes::#struct_name)
            };
            let doc = doc_attr(&if form.doc.is_empty() { format!("`{}`", synopsis(shape)) } else { form.doc.clone() });
            variants.push(quote! { #doc #variant(#ty), });
            arms.push(quote!(#index => #enum_name::#variant(super::shapes::#struct_name::from_match(&m)?),));
            writes.push(quote!(#enum_name::#variant(message) => message.write(out),));
        }
    }
    let life = if borrows { quote!(<'a>) } else { quote!() };
    let doc = doc_attr(&format!("A message the {who} sends in {}.", version.name));
    let parse_doc =
        doc_attr(&format!("Parses a command line the {who} sent, choosing the {} form it matches.", version.name));
    let dir_tokens = match d {
        Dir::Client => quote!(crate::spec::Dir::Client),
        Dir::Server => quote!(crate::spec::Dir::Server),
    };
    let (error_variant, error_parse, error_write) = if d == Dir::Server {
        (
            quote! { /// An error reply: a three-digit code and the TrID of the refused request.
            Error(crate::typed::ErrorReply<'a>), },
            quote! { if raw.is_error_code() { return crate::typed::ErrorReply::parse(raw).map(#enum_name::Error); } },
            quote!(#enum_name::Error(reply) => reply.write(out),),
        )
    } else {
        (quote!(), quote!(), quote!())
    };
    let raw_life = if borrows { quote!('a) } else { quote!('_) };
    let unknown = quote! {
        _ => return Err(crate::typed::ParseError::UnknownCommand { command: raw.name().to_string(), version: super::VERSIONS[#rank].name })
    };
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, Eq)]
        #[allow(clippy::large_enum_variant)]
        pub enum #enum_name #life {
            #(#variants)*
            #error_variant
        }

        impl #life #enum_name #life {
            #parse_doc
            pub fn parse(raw: &crate::raw::RawCommand<#raw_life>) -> Result<Self, crate::typed::ParseError> {
                #error_parse
                let (form, m) = crate::typed::select_form(&super::VERSIONS[#rank], #dir_tokens, raw)?;
                Ok(match form.index {
                    #(#arms)*
                    #unknown,
                })
            }

            /// Writes the message in wire form: the line, CRLF and the payload.
            pub fn write(&self, out: &mut Vec<u8>) {
                match self {
                    #(#writes)*
                    #error_write
                }
            }
        }
    }
}
