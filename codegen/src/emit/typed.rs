//! The typed layer: Rust enums of the enumerated value types (`mod types`), one struct per shape
//! (`mod shapes`) and the `Message` enum with one variant per shape. Why there is one enum over shapes, not one
//! per version, is said in the module above.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::{doc_attr, ident, number, option_str, shape_static, shape_struct, synopsis, value_enum};
use crate::check::{camel, snake};
use crate::model::{Arg, ArgKind, Check, Shape, Spec, Trid, Type, TypeKind};

pub(super) fn emit(spec: &Spec) -> TokenStream {
    let value_enums = spec.types.iter().filter_map(value_enum_item);
    let structs = spec.shapes.iter().map(|s| shape_struct_item(spec, s));
    let message = message_enum(spec);
    quote! {
        /// Rust enums for the spec's enumerated value types.
        pub mod types {
            #(#value_enums)*
        }

        /// One struct per distinct command shape; a shape shared by several versions is one type.
        pub mod shapes {
            #[allow(unused_imports)]
            use crate::typed::{field, optional_field, repeated_field, trid, LineWriter, ParseError};
            use crate::typed::matcher::Match;
            use crate::spec::Shape;
            use crate::typed::Typed;
            #(#structs)*
        }

        #message
    }
}

/// The Rust enum of an enumerated type.
fn value_enum_item(ty: &Type) -> Option<TokenStream> {
    let TypeKind::Enum(values) = &ty.kind else {
        return None;
    };
    let name = value_enum(ty);
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

        impl<'a> crate::spec::value::FromToken<'a> for #name {
            fn from_token(token: &'a str) -> Option<Self> {
                Self::from_wire(token)
            }
        }

        impl crate::spec::value::ToToken for #name {
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
    let is_length = shape.payload.as_ref().is_some_and(|p| p.length_arg == index);
    let index = Literal::usize_unsuffixed(index);
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
            let name = value_enum(ty);
            (quote!(super::types::#name), false)
        }
        TypeKind::Check(_) | TypeKind::AnyOf(_) | TypeKind::Parts { .. } => (quote!(&'a str), true),
    }
}

fn field_plans(spec: &Spec, shape: &Shape) -> Vec<FieldPlan> {
    shape.args.iter().enumerate().filter_map(|(i, a)| field_plan(spec, shape, i, a)).collect()
}

/// Whether the struct of `shape` borrows from the line (and so has a lifetime).
fn shape_borrows(spec: &Spec, shape: &Shape) -> bool {
    shape.payload.is_some() || field_plans(spec, shape).iter().any(|f| f.borrows)
}

fn shape_struct_item(spec: &Spec, shape: &Shape) -> TokenStream {
    let name = shape_struct(shape);
    let static_name = shape_static(shape);
    let generics = shape_borrows(spec, shape).then(|| quote!(<'a>));
    let plans = field_plans(spec, shape);
    let (fields, reads) = fields_and_reads(shape, &plans);
    let writes = writes(shape, &plans);
    let command = &shape.command;
    let end = if shape.payload.is_some() { quote!(w.end(self.payload);) } else { quote!(w.end(b"");) };
    // Shapes without arguments read nothing and write only the name; keep the generated code warning-free.
    let m = if reads.is_empty() { quote!(_m) } else { quote!(m) };
    let binding = if writes.is_empty() { quote!(let w) } else { quote!(let mut w) };
    let synopsis = synopsis(shape);
    let doc =
        doc_attr(&if shape.doc.is_empty() { format!("`{synopsis}`") } else { format!("`{synopsis}`: {}", shape.doc) });
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct #name #generics {
            #(#fields)*
        }

        impl<'a> Typed<'a> for #name #generics {
            const SHAPE: &'static Shape = &super::#static_name;

            fn from_match(#m: &Match<'_, 'a>) -> Result<Self, ParseError> {
                Ok(Self { #(#reads)* })
            }

            fn write(&self, out: &mut Vec<u8>) {
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

/// `Message`: one variant per shape, and error replies. The version's tables choose the form, and so the shape.
fn message_enum(spec: &Spec) -> TokenStream {
    let names: Vec<Ident> = spec.shapes.iter().map(shape_struct).collect();
    let variants = spec.shapes.iter().zip(&names).map(|(shape, name)| {
        let life = if shape_borrows(spec, shape) { quote!(<'a>) } else { quote!() };
        let doc = doc_attr(&format!("`{}`", synopsis(shape)));
        quote! { #doc #name(shapes::#name #life), }
    });
    let indices = (0..spec.shapes.len()).map(|index| number(index as u64));
    quote! {
        /// A typed message of any version, in either direction: one variant per shape, whose struct parses and
        /// writes the line. Which shapes a line may take depends on the version and the direction, as the
        /// version's tables say.
        #[derive(Clone, Debug, PartialEq, Eq)]
        #[allow(clippy::large_enum_variant)]
        pub enum Message<'a> {
            #(#variants)*
            /// An error reply: a three-digit code and the TrID of the refused request.
            Error(crate::typed::ErrorReply<'a>),
        }

        impl<'a> Message<'a> {
            /// Parses a raw command sent by `dir` on a connection speaking `version`: the first form of the
            /// command that `dir` sends and the line matches, read as its shape's struct.
            pub fn parse(
                version: Version,
                dir: Dir,
                raw: &crate::wire::raw::RawCommand<'a>,
            ) -> Result<Self, crate::typed::ParseError> {
                if dir == Dir::Server && raw.is_error_code() {
                    return crate::typed::ErrorReply::parse(raw).map(Message::Error);
                }
                let (form, m) = crate::typed::select_form(version.def(), dir, raw)?;
                let message = match form.shape.index {
                    #(#indices => Message::#names(shapes::#names::from_match(&m)?),)*
                    _ => {
                        let command = raw.name().to_string();
                        return Err(crate::typed::ParseError::UnknownCommand { command, version: version.name() });
                    }
                };
                Ok(message)
            }

            /// Writes the message in wire form: the line, CRLF and the payload.
            pub fn write(&self, out: &mut Vec<u8>) {
                match self {
                    #(Message::#names(message) => message.write(out),)*
                    Message::Error(reply) => reply.write(out),
                }
            }
        }
    }
}
