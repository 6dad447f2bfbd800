//! The `models` module: one Rust type per IR type definition.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::rust::{cfg_any, doc, doc_lines, field_type, ident, json_inline, lit, type_tokens};
use crate::ir::{Additional, Api, EnumVariant, Field, Presence, TypeDef, TypeKind, TypeRef, UnionTag, UnionVariant};

pub fn models_module(api: &Api) -> super::Items<'_> {
    let defaults = DefaultTypes::new(&api.types);
    let header = quote! {
        //! Every schema of the spec as a Rust type.
        //!
        //! Objects that allow extra properties keep them in `additional_properties`, so any
        //! valid document round-trips. Objects with `additionalProperties: false` ignore unknown
        //! fields when reading, so a server that adds a field never breaks an older client;
        //! servers reject such fields in requests by validating before they deserialize.
        //! Enums are open: a value the spec does not list is kept in a catch-all variant.
    };
    Box::new(std::iter::once(header).chain(api.types.values().map(move |def| type_def(def, &defaults))))
}

fn type_def(def: &TypeDef, defaults: &DefaultTypes) -> TokenStream {
    let mut docs = vec![doc(def.description.as_deref())];
    let origin = match &def.schema_name {
        Some(name) => lit(&format!(" Schema `{name}` (`{}`).", def.pointer)),
        None => lit(&format!(" Inline schema at `{}`.", def.pointer)),
    };
    if def.description.is_some() {
        docs.push(quote! { #[doc = ""] });
    }
    docs.push(quote! { #[doc = #origin] });
    let deprecated = if def.deprecated {
        quote! { #[deprecated] }
    } else {
        TokenStream::new()
    };
    let name = ident(&def.name);
    // Compiled under the features of the operations that use it: on each of its items.
    let cfg = &cfg_any(&def.features);
    let body = match &def.kind {
        TypeKind::Struct { fields, additional, .. } => struct_def(&def.name, fields, additional, defaults.has(&def.name), cfg),
        TypeKind::Enum { variants, catch_all } => enum_def(&def.name, variants, catch_all, cfg),
        TypeKind::Newtype { inner, .. } => {
            let inner = type_tokens(inner, &TokenStream::new());
            let default = if defaults.has(&def.name) {
                quote! { Default, }
            } else {
                TokenStream::new()
            };
            quote! {
                #cfg
                #[derive(Clone, Debug, #default PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(transparent)]
                pub struct #name(pub #inner);
            }
        }
        TypeKind::Union { variants, tag: None } => union_def(&def.name, variants, cfg),
        TypeKind::Union { variants, tag: Some(tag) } => tagged_union_def(&def.name, variants, tag, cfg),
    };
    quote! { #(#docs)* #deprecated #body }
}

fn field_docs(field: &Field) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    if let Some(text) = field.description.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        lines.extend(text.lines().map(str::to_string));
        lines.push(String::new());
    }
    let mut facts = Vec::new();
    if let Some(format) = &field.constraints.format {
        facts.push(format!("Format: `{format}`."));
    }
    if let Some(default) = &field.default {
        facts.push(format!("Default: `{}`.", json_inline(default)));
    }
    match (field.read_only, field.write_only, field.required) {
        (true, _, true) => facts.push("Read-only: sent by servers only, always (`None` in requests).".to_string()),
        (true, _, false) => facts.push("Read-only: sent by servers only.".to_string()),
        (_, true, true) => facts.push("Write-only: sent by clients only, always (`None` in answers).".to_string()),
        (_, true, false) => facts.push("Write-only: sent by clients only.".to_string()),
        _ => {}
    }
    if field.presence() == Presence::OptionalNullable {
        facts.push("`None`: absent; `Some(None)`: an explicit `null`.".to_string());
    }
    if facts.is_empty() {
        if lines.last().is_some_and(String::is_empty) {
            lines.pop();
        }
    } else {
        lines.push(facts.join(" "));
    }
    doc_lines(lines.iter().map(String::as_str))
}

fn struct_def(name: &str, fields: &[Field], additional: &Additional, derive_default: bool, cfg: &TokenStream) -> TokenStream {
    let name = ident(name);
    let none = TokenStream::new();
    // Serde comes from the runtime's `impl_object!` (see `object_serde`), which names each
    // field's wire name and presence itself: no `#[serde]` attributes.
    let fields_tokens = fields.iter().map(|field| {
        let docs = field_docs(field);
        let rust = ident(&field.rust_name);
        let ty = field_type(field, &none);
        let deprecated = if field.deprecated {
            quote! { #[deprecated] }
        } else {
            none.clone()
        };
        quote! { #docs #deprecated pub #rust: #ty, }
    });
    let extra = match additional {
        Additional::Forbidden => none.clone(),
        Additional::Any => quote! {
            /// Properties the spec does not name, kept so that they round-trip.
            pub additional_properties: serde_json::Map<String, serde_json::Value>,
        },
        Additional::Typed(ty) => {
            let ty = type_tokens(ty, &none);
            quote! {
                /// Properties beyond the named ones, each of the type the spec gives.
                pub additional_properties: std::collections::BTreeMap<String, #ty>,
            }
        }
    };
    let default = if derive_default {
        quote! { Default, }
    } else {
        none.clone()
    };
    let deprecated_allow = if fields.iter().any(|f| f.deprecated) {
        quote! { #[allow(deprecated)] }
    } else {
        TokenStream::new()
    };
    // `new` comes from the `impl_object!` table, which knows which fields are required, unless
    // a required field is boxed (its argument is not its type).
    let table_new = !derive_default && !fields.iter().any(|f| f.boxed && matches!(f.presence(), Presence::Required | Presence::RequiredNullable));
    let constructor = if derive_default || table_new { none.clone() } else { constructor(&name, fields, additional, &deprecated_allow, cfg) };
    let new_args = table_new.then(|| {
        fields
            .iter()
            .filter(|f| matches!(f.presence(), Presence::Required | Presence::RequiredNullable))
            .map(|f| {
                let rust = ident(&f.rust_name);
                let ty = field_type(f, &none);
                quote! { #rust: #ty }
            })
            .collect::<Vec<_>>()
    });
    let serde_impls = object_serde(&name, fields, additional, &deprecated_allow, new_args, cfg);
    quote! {
        #cfg
        #[derive(Clone, Debug, #default PartialEq)]
        #deprecated_allow
        pub struct #name {
            #(#fields_tokens)*
            #extra
        }

        #serde_impls

        #constructor
    }
}

/// Serde for a struct: the runtime's `impl_object!`, which writes one map (the named fields,
/// then any kept unknown properties) and reads the fields as they come, the unknown ones
/// ignored or collected: leaner than serde's derive, and what `#[serde(flatten)]` would do
/// for the unknown ones without its buffering.
fn object_serde(
    name: &proc_macro2::Ident,
    fields: &[Field],
    additional: &Additional,
    deprecated_allow: &TokenStream,
    new_args: Option<Vec<TokenStream>>,
    cfg: &TokenStream,
) -> TokenStream {
    let entries = fields.iter().map(|f| {
        let rust = ident(&f.rust_name);
        let wire = lit(&f.json_name);
        let kind = match f.presence() {
            Presence::Required if f.ty == TypeRef::Any => "required_any",
            Presence::Required => "required",
            Presence::RequiredNullable => "required_nullable",
            Presence::Optional => "optional",
            Presence::OptionalNullable => "nullable",
        };
        let kind = proc_macro2::Ident::new(kind, proc_macro2::Span::call_site());
        quote! { #rust = #kind(#wire) }
    });
    let rest = match additional {
        Additional::Forbidden => quote! { none },
        Additional::Typed(_) => quote! { typed },
        Additional::Any => quote! { any },
    };
    let deprecated = if deprecated_allow.is_empty() {
        TokenStream::new()
    } else {
        quote! { , deprecated }
    };
    let new = match new_args {
        Some(args) => quote! { , new(#(#args),*) },
        None => TokenStream::new(),
    };
    quote! {
        #cfg
        crate::runtime::impl_object!(#name, #rest #deprecated #new #(, #entries)*);
    }
}

/// `new` from the values a struct requires, the rest unset: what `Default` is to a struct whose
/// every field may be absent.
fn constructor(name: &proc_macro2::Ident, fields: &[Field], additional: &Additional, deprecated_allow: &TokenStream, cfg: &TokenStream) -> TokenStream {
    let none = TokenStream::new();
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for field in fields {
        let rust = ident(&field.rust_name);
        let inner = type_tokens(&field.ty, &none);
        let (arg, value) = match (field.presence(), field.boxed) {
            (Presence::Required, false) => (quote! { #inner }, TokenStream::new()),
            (Presence::Required, true) => (quote! { #inner }, quote! { Box::new(#rust) }),
            (Presence::RequiredNullable, false) => (quote! { Option<#inner> }, TokenStream::new()),
            (Presence::RequiredNullable, true) => (quote! { Option<#inner> }, quote! { #rust.map(Box::new) }),
            (Presence::Optional | Presence::OptionalNullable, _) => {
                inits.push(quote! { #rust: None });
                continue;
            }
        };
        args.push(quote! { #rust: #arg });
        // The field's own name when the argument is its value, as a person writes it.
        inits.push(if value.is_empty() {
            quote! { #rust }
        } else {
            quote! { #rust: #value }
        });
    }
    if !matches!(additional, Additional::Forbidden) {
        inits.push(quote! { additional_properties: Default::default() });
    }
    let allow = if args.len() > 7 {
        quote! { #[allow(clippy::too_many_arguments)] }
    } else {
        none
    };
    quote! {
        #cfg
        #deprecated_allow
        impl #name {
            /// A value from its required fields; the optional ones unset.
            #allow
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits),* }
            }
        }
    }
}

fn enum_def(name: &str, variants: &[EnumVariant], catch_all: &str, cfg: &TokenStream) -> TokenStream {
    let name = ident(name);
    let catch_all = ident(catch_all);
    let variant_idents: Vec<_> = variants.iter().map(|v| ident(&v.rust_name)).collect();
    let values: Vec<Literal> = variants.iter().map(|v| lit(&v.value)).collect();
    let variant_docs = variants.iter().map(|v| lit(&format!(" `{}`", v.value)));
    quote! {
        #cfg
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #( #[doc = #variant_docs] #variant_idents, )*
            /// A value the spec does not list, kept as it was sent.
            #catch_all(String),
        }

        #cfg
        crate::runtime::impl_open_enum!(#name, #catch_all, #(#variant_idents = #values),*);
    }
}

/// `Variant(Type),` for each variant of a union.
fn variant_declarations(variants: &[UnionVariant]) -> impl Iterator<Item = TokenStream> + '_ {
    variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let ty = type_tokens(&v.ty, &TokenStream::new());
        let ty = if v.boxed {
            quote! { Box<#ty> }
        } else {
            ty
        };
        quote! { #variant(#ty), }
    })
}

fn union_def(name: &str, variants: &[UnionVariant], cfg: &TokenStream) -> TokenStream {
    let name = ident(name);
    let variants = variant_declarations(variants);
    quote! {
        #cfg
        #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
            /// A value no variant accepts, kept as it was sent.
            Other(serde_json::Value),
        }
    }
}

/// A discriminated union: the tag property picks the variant; a value whose tag is unknown, or
/// that its variant refuses, goes to the members without a tag value (in order), else `Other`.
/// Serialized untagged: each variant carries its own tag property.
fn tagged_union_def(name: &str, variants: &[UnionVariant], tag: &UnionTag, cfg: &TokenStream) -> TokenStream {
    // A discriminator whose values name no member picks nothing: every member is tried in turn.
    if tag.values.is_empty() {
        return union_def(name, variants, cfg);
    }
    let type_name = ident(name);
    let declarations = variant_declarations(variants);
    // Deserialized from a borrowed `Value`: trying a variant costs no copy of the value.
    let build = |v: &UnionVariant| {
        let variant = ident(&v.rust_name);
        let ty = type_tokens(&v.ty, &TokenStream::new());
        let wrap = if v.boxed {
            quote! { Box::new(inner) }
        } else {
            quote! { inner }
        };
        quote! {
            if let Ok(inner) = <#ty as serde::Deserialize>::deserialize(&value) {
                return Ok(#type_name::#variant(#wrap));
            }
        }
    };
    let arms = tag.values.iter().map(|(value, index)| {
        let attempt = build(&variants[*index]);
        quote! { Some(#value) => { #attempt } }
    });
    let untagged: Vec<TokenStream> = variants.iter().enumerate().filter(|(i, _)| !tag.values.iter().any(|(_, j)| j == i)).map(|(_, v)| build(v)).collect();
    let property = &tag.property;
    quote! {
        #cfg
        #[derive(Clone, Debug, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        pub enum #type_name {
            #(#declarations)*
            /// A value with an unknown tag, or one its variant does not accept, kept as it was sent.
            Other(serde_json::Value),
        }

        #cfg
        impl<'de> serde::Deserialize<'de> for #type_name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                match value.get(#property).and_then(serde_json::Value::as_str) {
                    #(#arms)*
                    _ => {}
                }
                #(#untagged)*
                Ok(#type_name::Other(value))
            }
        }
    }
}

/// Which named types derive `Default`: structs whose every field may be absent, so that the
/// default is a value the spec allows (an empty `String` for a required name would not be one).
pub struct DefaultTypes {
    yes: BTreeSet<String>,
}

impl DefaultTypes {
    pub fn new(types: &BTreeMap<String, TypeDef>) -> Self {
        let yes = types.iter().filter(|(_, def)| Self::derivable(def)).map(|(name, _)| name.clone()).collect();
        DefaultTypes { yes }
    }

    pub fn has(&self, name: &str) -> bool {
        self.yes.contains(name)
    }

    fn derivable(def: &TypeDef) -> bool {
        match &def.kind {
            TypeKind::Struct { fields, .. } => fields.iter().all(|f| matches!(f.presence(), Presence::Optional | Presence::OptionalNullable)),
            TypeKind::Newtype { .. } | TypeKind::Enum { .. } | TypeKind::Union { .. } => false,
        }
    }
}
