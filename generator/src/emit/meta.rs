//! The `meta` module: the IR's operations and types as static data, for the runtime rules that
//! servers and clients share (parameter encoding, validation).

use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust::ident;
use crate::ir::{Additional, Api, BodyKind, Constraints, IntWidth, Operation, ParamLocation, ParamStyle, SecurityKind, StatusSpec, TypeKind, TypeRef};

/// The name of an operation's static: `GET_ITEM` for `get_item`.
pub fn operation_static(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}", op.method_name.trim_start_matches("r#").to_shouty_snake_case())
}

pub fn meta_module(api: &Api) -> TokenStream {
    let types = api.types.values().map(|def| {
        let name = ident(&def.name);
        let wire = &def.name;
        let kind = match &def.kind {
            TypeKind::Struct { fields, additional, .. } => {
                let fields = fields.iter().map(|f| {
                    let name = &f.json_name;
                    let ty = ty_with(&f.ty, &f.constraints);
                    let required = f.required;
                    let nullable = f.nullable;
                    let read_only = f.read_only;
                    let undeclared = f.undeclared;
                    let constraints = constraints_tokens(&f.constraints);
                    let default = json_text(f.default.as_ref());
                    let example = json_text(f.example.as_ref());
                    quote! {
                        FieldMeta { name: #name, ty: #ty, required: #required, nullable: #nullable, read_only: #read_only,
                            undeclared: #undeclared, constraints: #constraints, default: #default, example: #example },
                    }
                });
                let additional = match additional {
                    Additional::Forbidden => quote! { Additional::Forbidden },
                    Additional::Any => quote! { Additional::Any },
                    Additional::Typed(ty) => {
                        let ty = ty_tokens(ty);
                        quote! { Additional::Typed(#ty) }
                    }
                };
                quote! { TypeMetaKind::Struct { fields: &[#(#fields)*], additional: #additional } }
            }
            TypeKind::Enum { variants, .. } => {
                let values = variants.iter().map(|v| &v.value);
                quote! { TypeMetaKind::Enum { values: &[#(#values),*] } }
            }
            TypeKind::Newtype { inner, constraints } => {
                let inner = ty_with(inner, constraints);
                let constraints = constraints_tokens(constraints);
                quote! { TypeMetaKind::Newtype(#inner, #constraints) }
            }
            TypeKind::Union { variants, tag: None } => {
                let variants = variants.iter().map(|v| ty_tokens(&v.ty));
                quote! { TypeMetaKind::Union(&[#(#variants),*]) }
            }
            TypeKind::Union { variants, tag: Some(tag) } => {
                let all = variants.iter().map(|v| ty_tokens(&v.ty));
                let property = &tag.property;
                let values = tag.values.iter().map(|(value, i)| quote! { (#value, #i) });
                quote! { TypeMetaKind::Tagged { property: #property, variants: &[#(#all),*], values: &[#(#values),*] } }
            }
        };
        let pointer = &def.pointer;
        quote! { pub static #name: TypeMeta = TypeMeta { name: #wire, pointer: #pointer, kind: #kind }; }
    });
    let operations = api.operations.iter().map(operation_meta);
    let schemes = api.security_schemes.iter().map(|scheme| {
        let name = &scheme.name;
        let kind = match &scheme.kind {
            SecurityKind::OAuth2 { .. } | SecurityKind::OpenIdConnect | SecurityKind::HttpBearer => quote! { SchemeKind::Bearer },
            SecurityKind::HttpBasic => quote! { SchemeKind::Basic },
            SecurityKind::ApiKey { location, param } => {
                let location = location_tokens(*location);
                quote! { SchemeKind::ApiKey { location: #location, param: #param } }
            }
        };
        quote! { SchemeMeta { name: #name, kind: #kind }, }
    });
    let all = api.operations.iter().map(operation_static);
    let all_types = api.types.values().map(|def| ident(&def.name));
    quote! {
        //! The spec's operations and types as static data: what the server validates and parses,
        //! and what the client encodes, by the same rules (see `runtime::meta`).

        use crate::runtime::meta::*;

        /// Every named type.
        #[allow(non_upper_case_globals)]
        pub mod types {
            use crate::runtime::meta::*;
            #(#types)*
        }

        /// The spec's security schemes.
        pub static SECURITY_SCHEMES: &[SchemeMeta] = &[#(#schemes)*];

        #(#operations)*

        /// Every operation, in the spec's order.
        pub static OPERATIONS: &[&OperationMeta] = &[#(&#all),*];

        /// Every named type, by name.
        pub static TYPES: &[&TypeMeta] = &[#(&types::#all_types),*];
    }
}

fn operation_meta(op: &Operation) -> TokenStream {
    let name = operation_static(op);
    let tool = &op.tool_name;
    let method = op.http_method.as_str();
    let path = &op.path;
    let params = op.parameters.iter().map(|p| {
        let wire = &p.name;
        let field = p.rust_name.trim_start_matches("r#");
        let location = location_tokens(p.location);
        let style = style_ident(p.style);
        let explode = p.explode;
        let json = p.content_type.is_some();
        let required = p.required;
        let ty = ty_with(&p.ty, &p.constraints);
        let constraints = constraints_tokens(&p.constraints);
        let default = match &p.default {
            Some(value) if !p.required => {
                let text = value.to_string();
                quote! { Some(#text) }
            }
            _ => quote! { None },
        };
        quote! {
            ParamMeta { name: #wire, field: #field, location: #location, style: Style::#style, explode: #explode,
                required: #required, ty: #ty, constraints: #constraints, default: #default, json: #json },
        }
    });
    let body = match &op.request_body {
        Some(body) => {
            let media = &body.media_type;
            let kind = body_kind(body.kind);
            let also = body.also.iter().map(|(media, kind)| {
                let kind = body_kind(*kind);
                quote! { (#media, #kind) }
            });
            let encoding = body.encoding.iter().map(|e| {
                let property = &e.property;
                let content_type = option_str(e.content_type.as_deref());
                let style = match e.style {
                    Some(style) => {
                        let style = style_ident(style);
                        quote! { Some(Style::#style) }
                    }
                    None => quote! { None },
                };
                let explode = match e.explode {
                    Some(explode) => quote! { Some(#explode) },
                    None => quote! { None },
                };
                quote! { PartMeta { property: #property, content_type: #content_type, style: #style, explode: #explode }, }
            });
            let required = body.required;
            let ty = ty_with(&body.ty, &body.constraints);
            quote! {
                Some(BodyMeta { media_type: #media, kind: #kind, also: &[#(#also),*], encoding: &[#(#encoding)*], required: #required, ty: #ty })
            }
        }
        None => quote! { None },
    };
    let security = op.security.iter().map(|req| {
        let schemes = req.schemes.iter().map(|s| &s.scheme);
        quote! { &[#(#schemes),*] }
    });
    let responses = op.responses.iter().map(|r| {
        let status: u16 = match r.status {
            StatusSpec::Code(code) => code,
            StatusSpec::Range(class) => class as u16,
            StatusSpec::Default => 0,
        };
        let (media, body) = match &r.body {
            Some(b) => {
                let media = &b.media_type;
                let ty = ty_with(&b.ty, &b.constraints);
                (quote! { Some(#media) }, quote! { Some(#ty) })
            }
            None => (quote! { None }, quote! { None }),
        };
        let headers = r.headers.iter().map(|h| {
            let name = h.name.to_ascii_lowercase();
            let field = h.rust_name.trim_start_matches("r#");
            let required = h.required;
            let ty = ty_tokens(&h.ty);
            quote! { HeaderMeta { name: #name, field: #field, required: #required, ty: #ty }, }
        });
        let variant = &r.variant;
        quote! { ResponseMeta { status: #status, variant: #variant, media_type: #media, body: #body, headers: &[#(#headers)*] }, }
    });
    let doc = format!(" `{} {}` (tool `{}`).", op.http_method.as_str(), op.path, op.tool_name);
    quote! {
        #[doc = #doc]
        pub static #name: OperationMeta = OperationMeta {
            tool_name: #tool,
            http_method: #method,
            path: #path,
            params: &[#(#params)*],
            body: #body,
            security: &[#(#security),*],
            responses: &[#(#responses)*],
        };
    }
}

fn json_text(value: Option<&serde_json::Value>) -> TokenStream {
    match value {
        Some(value) => {
            let text = value.to_string();
            quote! { Some(#text) }
        }
        None => quote! { None },
    }
}

fn location_tokens(location: ParamLocation) -> TokenStream {
    match location {
        ParamLocation::Path => quote! { Location::Path },
        ParamLocation::Query => quote! { Location::Query },
        ParamLocation::Header => quote! { Location::Header },
        ParamLocation::Cookie => quote! { Location::Cookie },
    }
}

fn ty_tokens(ty: &TypeRef) -> TokenStream {
    ty_with(ty, &Constraints::default())
}

/// A type use whose array items or map values carry `c.items`.
fn ty_with(ty: &TypeRef, c: &Constraints) -> TokenStream {
    let none = Constraints::default();
    let inner = c.items.as_deref().unwrap_or(&none);
    match ty {
        TypeRef::String => quote! { &Ty::String },
        TypeRef::Binary => quote! { &Ty::Binary },
        TypeRef::Integer(IntWidth::I32) => quote! { &Ty::Integer { bits: 32 } },
        TypeRef::Integer(IntWidth::I64) => quote! { &Ty::Integer { bits: 64 } },
        TypeRef::Number => quote! { &Ty::Number },
        TypeRef::Boolean => quote! { &Ty::Boolean },
        TypeRef::Any => quote! { &Ty::Any },
        TypeRef::Array(item) => {
            let item_ty = ty_with(item, inner);
            let item_constraints = constraints_tokens(inner);
            quote! { &Ty::Array(#item_ty, #item_constraints) }
        }
        TypeRef::Map(value) => {
            let value_ty = ty_with(value, inner);
            let value_constraints = constraints_tokens(inner);
            quote! { &Ty::Map(#value_ty, #value_constraints) }
        }
        TypeRef::Named(name) => {
            let name = ident(name);
            quote! { &Ty::Named(&crate::meta::types::#name) }
        }
    }
}

/// A constraints expression; item constraints of arrays and maps go into the `Ty` that uses
/// them, so this covers the value itself.
fn constraints_tokens(c: &Constraints) -> TokenStream {
    let float = |v: Option<f64>| v.map(|v| quote! { Some(#v) });
    let count = |v: Option<usize>| v.map(|v| quote! { Some(#v) });
    let flag = |on: bool| on.then(|| quote! { true });
    // Only what differs from `Constraints::NONE` is written.
    let set = [
        ("minimum", float(c.minimum)),
        ("maximum", float(c.maximum)),
        ("exclusive_minimum", flag(c.exclusive_minimum)),
        ("exclusive_maximum", flag(c.exclusive_maximum)),
        ("min_length", count(c.min_length)),
        ("max_length", count(c.max_length)),
        ("min_items", count(c.min_items)),
        ("max_items", count(c.max_items)),
        ("unique_items", flag(c.unique_items)),
        ("format", c.format.as_ref().map(|f| quote! { Some(#f) })),
    ];
    let parts: Vec<TokenStream> = set
        .into_iter()
        .filter_map(|(name, value)| {
            let name = format_ident!("{name}");
            value.map(|value| quote! { #name: #value })
        })
        .collect();
    if parts.is_empty() {
        quote! { &Constraints::NONE }
    } else {
        quote! { &Constraints { #(#parts,)* ..Constraints::NONE } }
    }
}

fn body_kind(kind: BodyKind) -> TokenStream {
    match kind {
        BodyKind::Json => quote! { BodyKind::Json },
        BodyKind::Form => quote! { BodyKind::Form },
        BodyKind::Multipart => quote! { BodyKind::Multipart },
        BodyKind::Text => quote! { BodyKind::Text },
        BodyKind::Binary => quote! { BodyKind::Binary },
    }
}

fn option_str(text: Option<&str>) -> TokenStream {
    match text {
        Some(text) => quote! { Some(#text) },
        None => quote! { None },
    }
}

fn style_ident(style: ParamStyle) -> proc_macro2::Ident {
    format_ident!(
        "{}",
        match style {
            ParamStyle::Simple => "Simple",
            ParamStyle::Form => "Form",
            ParamStyle::Label => "Label",
            ParamStyle::Matrix => "Matrix",
            ParamStyle::SpaceDelimited => "SpaceDelimited",
            ParamStyle::PipeDelimited => "PipeDelimited",
            ParamStyle::DeepObject => "DeepObject",
        }
    )
}
