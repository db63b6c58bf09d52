//! The spec's value types, error codes and shapes as statics (`TYPE_*`, `ERRORS`, `SHAPE_*`), and `SPEC`, which
//! gathers them with the versions.

use proc_macro2::TokenStream;
use quote::quote;

use super::{check_tokens, doc_attr, number, option_str, quick_shape_fn, quick_type_fn, shape_static, type_static};
use crate::model::{ArgKind, PayloadKind, Shape, Spec, Trid, Type, TypeKind};

pub(super) fn emit(spec: &Spec) -> TokenStream {
    let types = spec.types.iter().map(|t| emit_type_static(spec, t));
    let type_refs = spec.types.iter().map(type_static);
    let errors = spec.errors.iter().map(|e| {
        let code = e.code;
        let name = option_str(e.name.as_deref());
        let doc = &e.doc;
        quote!(ErrorDef { code: #code, name: #name, doc: #doc })
    });
    let error_count = spec.errors.len();
    let shapes = spec.shapes.iter().enumerate().map(|(index, s)| emit_shape_static(spec, index, s));
    quote! {
        /// The compiled-in spec.
        pub static SPEC: Spec = Spec { versions: &VERSIONS, types: &[#(&#type_refs),*], errors: &ERRORS };

        #(#types)*

        /// Every error code, ascending.
        pub static ERRORS: [ErrorDef; #error_count] = [#(#errors),*];

        #(#shapes)*
    }
}

fn emit_type_static(spec: &Spec, ty: &Type) -> TokenStream {
    let name_ident = type_static(ty);
    let name = &ty.name;
    let doc = &ty.doc;
    let kind = match &ty.kind {
        TypeKind::Check(check) => {
            let check = check_tokens(check);
            quote!(TypeKind::Check(#check))
        }
        TypeKind::Enum(values) => {
            let values = values.iter().map(|v| {
                let (value, doc) = (&v.value, &v.doc);
                quote!(EnumValue { value: #value, doc: #doc, packed: crate::spec::pack_word(#value) })
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
    let max_len = match ty.max_len {
        Some(n) => quote!(Some(#n)),
        None => quote!(None),
    };
    let item_doc = doc_attr(&format!("Type `{name}`: {doc}"));
    let quick = quick_type_fn(ty);
    quote! {
        #item_doc
        pub static #name_ident: TypeDef =
            TypeDef { name: #name, doc: #doc, kind: #kind, max_len: #max_len, quick: quick::#quick };
    }
}

fn emit_shape_static(spec: &Spec, index: usize, shape: &Shape) -> TokenStream {
    let static_name = shape_static(shape);
    let index = number(u16::try_from(index).expect("fewer than 65536 shapes"));
    let (name, command, doc) = (&shape.rust_name, &shape.command, &shape.doc);
    let trid = match shape.trid {
        Trid::Yes => quote!(Trid::Yes),
        Trid::No => quote!(Trid::No),
        Trid::Zero => quote!(Trid::Zero),
    };
    let args = shape.args.iter().map(|arg| {
        let kind = match &arg.kind {
            ArgKind::Value { name, ty } => {
                let ty = type_static(&spec.types[*ty]);
                quote!(ArgKind::Value { name: #name, ty: &#ty })
            }
            ArgKind::Literal { word, .. } => quote!(ArgKind::Literal(#word)),
        };
        let (doc, optional, repeat) = (&arg.doc, arg.optional, arg.repeat);
        let prefix = option_str(arg.prefix.as_deref());
        quote!(ArgDef { kind: #kind, doc: #doc, optional: #optional, repeat: #repeat, prefix: #prefix })
    });
    let payload = match &shape.payload {
        Some(p) => {
            let length_arg = p.length_arg;
            let kind = match p.kind {
                PayloadKind::Mime => quote!(PayloadKind::Mime),
                PayloadKind::Xml => quote!(PayloadKind::Xml),
                PayloadKind::Text => quote!(PayloadKind::Text),
                PayloadKind::Binary => quote!(PayloadKind::Binary),
            };
            let root = option_str(p.root.as_deref());
            let elements = &p.elements;
            quote!(Some(PayloadDef { length_arg: #length_arg, kind: #kind, root: #root, elements: &[#(#elements),*] }))
        }
        None => quote!(None),
    };
    let item_doc = doc_attr(&format!("The syntax of [`shapes::{name}`]."));
    let quick = quick_shape_fn(shape);
    quote! {
        #item_doc
        pub static #static_name: Shape = Shape {
            index: #index, name: #name, command: #command, trid: #trid, args: &[#(#args),*], payload: #payload, doc: #doc,
            quick: quick::#quick,
        };
    }
}
