//! `mod quick`: the generated checks of the types and shapes, with the spec's words, prefixes and types built
//! into code. The matcher tries them before walking the tables, so they are the validator's hot path; the
//! tables decide the same, and say why a line does not match.

use proc_macro2::TokenStream;
use quote::quote;

use super::{check_tokens, option_str, quick_shape_fn, quick_type_fn};
use crate::model::{ArgKind, Shape, Spec, Trid, Type, TypeKind};

pub(super) fn emit(spec: &Spec) -> TokenStream {
    let types = spec.types.iter().map(|t| quick_type(spec, t));
    let shapes = spec.shapes.iter().map(|s| quick_shape(spec, s));
    quote! {
        /// The generated checks of the types and shapes: the spec's words, prefixes and types built into code.
        mod quick {
            use crate::typed::matcher::Cursor;
            use crate::spec::Check;

            #(#types)*

            #(#shapes)*
        }
    }
}

/// The generated check of a type: what `TypeDef::check` accepts, as one boolean expression.
fn quick_type(spec: &Spec, ty: &Type) -> TokenStream {
    let name = quick_type_fn(ty);
    let test = match &ty.kind {
        TypeKind::Check(check) => {
            let check = check_tokens(check);
            quote!(#check.check(v).is_ok())
        }
        TypeKind::Enum(values) => {
            let words = values.iter().map(|v| v.value.as_str());
            quote!(matches!(v, #(#words)|*))
        }
        TypeKind::AnyOf(members) => {
            let members = members.iter().map(|&m| quick_type_fn(&spec.types[m]));
            quote!(#(#members(v))||*)
        }
        TypeKind::Parts { separator, parts } => {
            let count = parts.len();
            let last = parts.iter().map(|&m| quick_type_fn(&spec.types[m])).next_back();
            let arms = parts.iter().enumerate().take(count - 1).map(|(i, &m)| {
                let check = quick_type_fn(&spec.types[m]);
                quote!(#i => #check(part),)
            });
            quote!(crate::spec::value::split_parts(v, #separator, #count, |i, part| match i { #(#arms)* _ => #last(part) }))
        }
    };
    let test = match ty.max_len {
        Some(max) => {
            let max = max as usize;
            quote!(v.len() <= #max && (#test))
        }
        None => test,
    };
    quote! {
        pub(super) fn #name(v: &str) -> bool {
            #test
        }
    }
}

/// The generated check of a shape: one cursor step per argument, with the shape's constants.
fn quick_shape(spec: &Spec, shape: &Shape) -> TokenStream {
    let name = quick_shape_fn(shape);
    let trid = match shape.trid {
        Trid::Yes => quote!(let trid = cursor.trid(false)?;),
        Trid::Zero => quote!(let trid = cursor.trid(true)?;),
        Trid::No => quote!(let trid = None;),
    };
    let steps = shape.args.iter().map(|arg| {
        let (optional, repeat) = (arg.optional, arg.repeat);
        match &arg.kind {
            ArgKind::Literal { word, .. } => quote!(cursor.literal(#word, #optional)?;),
            ArgKind::Value { ty, .. } => {
                let prefix = option_str(arg.prefix.as_deref());
                let accepts = quick_type_fn(&spec.types[*ty]);
                quote!(cursor.value(#prefix, #optional, #repeat, #accepts)?;)
            }
        }
    });
    let binding = if shape.trid == Trid::No && shape.args.is_empty() { quote!(cursor) } else { quote!(mut cursor) };
    quote! {
        pub(super) fn #name(tokens: &[&str], placeholders: bool) -> Option<Option<u32>> {
            let #binding = Cursor::new(tokens, placeholders);
            #trid
            #(#steps)*
            cursor.finished().then_some(trid)
        }
    }
}
