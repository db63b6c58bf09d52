//! The spec's value types, error codes and shapes as statics (`TYPE_*`, `ERRORS`, `SHAPE_*`), and `SPEC`, which
//! gathers them with the versions and the web services.

use proc_macro2::TokenStream;
use quote::quote;

use super::{check_tokens, doc_attr, number, quick_shape_fn, quick_type_fn, shape_static, shape_struct, type_static};
use crate::model::{Arg, ArgKind, Payload, PayloadKind, Shape, Spec, Trid, Type, TypeKind};

pub(super) fn emit(spec: &Spec) -> TokenStream {
    let type_refs = spec.types.iter().map(type_static);
    let types = spec.types.iter().map(|t| type_def(spec, t));
    let errors = spec.errors.iter().map(|e| {
        let (code, doc) = (number(e.code), &e.doc);
        let name = e.name.as_ref().map(|name| quote!(.name(#name)));
        quote!(ErrorDef::new(#code, #doc) #name)
    });
    let error_count = number(spec.errors.len() as u64);
    let shapes = spec.shapes.iter().enumerate().map(|(index, s)| shape_def(spec, index, s));
    quote! {
        /// The compiled-in spec.
        pub static SPEC: Spec =
            Spec { versions: &VERSIONS, types: &[#(&#type_refs),*], errors: &ERRORS, services: &SERVICES };

        #(#types)*

        /// Every error code, ascending.
        pub static ERRORS: [ErrorDef; #error_count] = [#(#errors),*];

        #(#shapes)*
    }
}

fn type_def(spec: &Spec, ty: &Type) -> TokenStream {
    let static_name = type_static(ty);
    let (name, doc) = (&ty.name, &ty.doc);
    let kind = match &ty.kind {
        TypeKind::Check(check) => {
            let check = check_tokens(check);
            quote!(TypeKind::Check(#check))
        }
        TypeKind::Enum(values) => {
            let values = values.iter().map(|v| {
                let (value, doc) = (&v.value, &v.doc);
                quote!(EnumValue::new(#value, #doc))
            });
            quote!(TypeKind::Enum(&[#(#values),*]))
        }
        TypeKind::AnyOf(members) => {
            let members = members.iter().map(|&m| type_static(&spec.types[m]));
            quote!(TypeKind::AnyOf(&[#(&#members),*]))
        }
        TypeKind::Parts { separator, parts } => {
            let parts = parts.iter().map(|&m| type_static(&spec.types[m]));
            quote!(TypeKind::Parts { separator: #separator, parts: &[#(&#parts),*] })
        }
    };
    let max_len = ty.max_len.map(|n| {
        let n = number(n);
        quote!(.max_len(#n))
    });
    let item_doc = doc_attr(&format!("Type `{name}`: {doc}"));
    let quick = quick_type_fn(ty);
    quote! {
        #item_doc
        pub static #static_name: TypeDef = TypeDef::new(#name, #doc, #kind).quick(quick::#quick) #max_len;
    }
}

fn shape_def(spec: &Spec, index: usize, shape: &Shape) -> TokenStream {
    let static_name = shape_static(shape);
    let (name, command) = (&shape.rust_name, &shape.command);
    let index = number(u16::try_from(index).expect("fewer than 65536 shapes"));
    let trid = match shape.trid {
        Trid::Yes => quote!(Trid::Yes),
        Trid::No => quote!(Trid::No),
        Trid::Zero => quote!(Trid::Zero),
    };
    let args = (!shape.args.is_empty()).then(|| {
        let args = shape.args.iter().map(|arg| arg_def(spec, arg));
        quote!(.args(&[#(#args),*]))
    });
    let payload = shape.payload.as_ref().map(|p| {
        let payload = payload_def(p);
        quote!(.payload(#payload))
    });
    let doc = (!shape.doc.is_empty()).then(|| {
        let doc = &shape.doc;
        quote!(.doc(#doc))
    });
    let item_doc = doc_attr(&format!("The syntax of [`shapes::{}`].", shape_struct(shape)));
    let quick = quick_shape_fn(shape);
    quote! {
        #item_doc
        pub static #static_name: Shape =
            Shape::new(#index, #name, #command, #trid) #args #payload #doc .quick(quick::#quick);
    }
}

fn arg_def(spec: &Spec, arg: &Arg) -> TokenStream {
    let mut def = match &arg.kind {
        ArgKind::Value { name, ty } => {
            let ty = type_static(&spec.types[*ty]);
            quote!(ArgDef::value(#name, &#ty))
        }
        ArgKind::Literal { word, .. } => quote!(ArgDef::literal(#word)),
    };
    if let Some(prefix) = &arg.prefix {
        def.extend(quote!(.prefix(#prefix)));
    }
    if arg.optional {
        def.extend(quote!(.optional()));
    }
    if arg.repeat {
        def.extend(quote!(.repeat()));
    }
    if !arg.doc.is_empty() {
        let doc = &arg.doc;
        def.extend(quote!(.doc(#doc)));
    }
    def
}

fn payload_def(payload: &Payload) -> TokenStream {
    let length_arg = number(payload.length_arg as u64);
    let kind = match payload.kind {
        PayloadKind::Mime => quote!(PayloadKind::Mime),
        PayloadKind::Xml => quote!(PayloadKind::Xml),
        PayloadKind::Text => quote!(PayloadKind::Text),
        PayloadKind::Binary => quote!(PayloadKind::Binary),
    };
    let root = payload.root.as_ref().map(|root| quote!(.root(#root)));
    let elements = &payload.elements;
    let elements = (!elements.is_empty()).then(|| quote!(.elements(&[#(#elements),*])));
    quote!(PayloadDef::new(#length_arg, #kind) #root #elements)
}
