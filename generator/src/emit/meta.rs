//! The `meta` module: the IR's operations and types as static data, for the runtime rules that
//! servers and clients share (parameter encoding, validation).

use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust::{cfg_any, cfg_union, ident, operation_cfg};
use crate::ir::{Additional, Api, BodyKind, Constraints, Framing, IntWidth, Location, Method, Operation, SecurityKind, Status, Style, TypeKind, TypeRef};

/// The name of an operation's static: `GET_ITEM` for `get_item`.
pub fn operation_static(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}", op.method_name.bare().to_shouty_snake_case())
}

/// The static of a security scheme, in the `schemes` module.
fn scheme_static(rust_name: &str) -> proc_macro2::Ident {
    format_ident!("{}", rust_name.to_shouty_snake_case())
}

pub fn meta_module(api: &Api) -> TokenStream {
    let shared = SharedConstraints::default();
    let k = &shared;
    let types: Vec<(TokenStream, &[String])> = api
        .types
        .values()
        .map(|def| {
            let name = ident(&def.name);
            let wire = &def.name;
            let kind = match &def.kind {
                TypeKind::Struct { fields, additional, .. } => {
                    let fields = fields.iter().map(|f| {
                        let name = &f.json_name;
                        let ty = ty_with(k, &f.ty, &f.constraints);
                        let required = f.required;
                        // Only what differs from `FieldMeta::new`'s common case is written.
                        let mut extra = Vec::new();
                        if f.nullable {
                            extra.push(quote! { .nullable() });
                        }
                        if f.read_only {
                            extra.push(quote! { .read_only() });
                        }
                        if f.write_only {
                            extra.push(quote! { .write_only() });
                        }
                        if f.undeclared {
                            extra.push(quote! { .undeclared() });
                        }
                        if let Some(constraints) = k.reference(&f.constraints) {
                            extra.push(quote! { .constraints(#constraints) });
                        }
                        if let Some(default) = &f.default {
                            let text = default.to_string();
                            extra.push(quote! { .default(#text) });
                        }
                        if let Some(example) = &f.example {
                            let text = example.to_string();
                            extra.push(quote! { .example(#text) });
                        }
                        quote! { FieldMeta::new(#name, #ty, #required) #(#extra)*, }
                    });
                    let additional = match additional {
                        Additional::Forbidden => quote! { Additional::Forbidden },
                        Additional::Any => quote! { Additional::Any },
                        Additional::Typed(ty) => {
                            let ty = ty_tokens(k, ty);
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
                    let inner = ty_with(k, inner, constraints);
                    let constraints = constraints_tokens(k, constraints);
                    quote! { TypeMetaKind::Newtype(#inner, #constraints) }
                }
                TypeKind::Union { variants, tag: None } => {
                    let variants = variants.iter().map(|v| ty_tokens(k, &v.ty));
                    quote! { TypeMetaKind::Union(&[#(#variants),*]) }
                }
                TypeKind::Union { variants, tag: Some(tag) } => {
                    let all = variants.iter().map(|v| ty_tokens(k, &v.ty));
                    let property = &tag.property;
                    let values = tag.values.iter().map(|(value, i)| quote! { (#value, #i) });
                    quote! { TypeMetaKind::Tagged { property: #property, variants: &[#(#all),*], values: &[#(#values),*] } }
                }
            };
            let pointer = &def.pointer;
            let cfg = cfg_any(&def.features);
            (quote! { #cfg pub static #name: TypeMeta = TypeMeta { name: #wire, pointer: #pointer, kind: #kind }; }, def.features.as_slice())
        })
        .collect();
    let operations: Vec<TokenStream> = api.operations.iter().map(|op| operation_meta(api, k, op)).collect();
    let constraints = shared.module();
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
        let doc = format!(" `{name}`.");
        let static_name = scheme_static(&scheme.rust_name);
        quote! { #[doc = #doc] pub static #static_name: SchemeMeta = SchemeMeta { name: #name, kind: #kind }; }
    });
    let schemes: Vec<TokenStream> = schemes.collect();
    let schemes_imports = if schemes.is_empty() {
        TokenStream::new()
    } else {
        quote! { use crate::runtime::meta::*; }
    };
    let types_imports = imports_of(api, &types);
    let types = types.iter().map(|(tokens, _)| tokens);
    let all_schemes = api.security_schemes.iter().map(|scheme| scheme_static(&scheme.rust_name));
    let all = api.operations.iter().map(|op| {
        let cfg = operation_cfg(op);
        let name = operation_static(op);
        quote! { #cfg &#name }
    });
    let all_types = api.types.values().map(|def| {
        let cfg = cfg_any(&def.features);
        let name = ident(&def.name);
        quote! { #cfg &types::#name }
    });
    let pagination = super::pages::meta_statics(api);
    quote! {
        //! The spec's operations and types as static data: what the server validates and parses,
        //! and what the client encodes, by the same rules (see `runtime::meta`).

        use crate::runtime::meta::*;

        /// Every named type.
        #[allow(non_upper_case_globals)]
        pub mod types {
            #types_imports
            #(#types)*
        }

        #constraints

        /// The spec's security schemes.
        pub mod schemes {
            #schemes_imports
            #(#schemes)*
        }

        /// Every security scheme, in the spec's order.
        pub static SECURITY_SCHEMES: &[&SchemeMeta] = &[#(&schemes::#all_schemes),*];

        #(#operations)*

        /// Every operation, in the spec's order.
        pub static OPERATIONS: &[&OperationMeta] = &[#(#all),*];

        #pagination

        /// Every named type, by name.
        pub static TYPES: &[&TypeMeta] = &[#(#all_types),*];
    }
}

/// The `use` lines a module of statics needs: the runtime's vocabulary, and its sibling modules
/// where the statics refer to them; each compiled under the features of the statics that use it
/// (none at all for an empty module), so nothing is ever unused.
fn imports_of(api: &Api, statics: &[(TokenStream, &[String])]) -> TokenStream {
    let texts: Vec<(String, &[String])> = statics.iter().map(|(tokens, gate)| (tokens.to_string(), *gate)).collect();
    // Nothing where no static uses it; no gate where an ungated one does; else the union.
    let import = |used: &dyn Fn(&str) -> bool, line: TokenStream| -> TokenStream {
        let users: Vec<&[String]> = texts.iter().filter(|(text, _)| used(text)).map(|(_, gate)| *gate).collect();
        if users.is_empty() {
            return TokenStream::new();
        }
        let cfg = if users.iter().any(|gate| gate.is_empty()) { TokenStream::new() } else { cfg_union(api, users.into_iter().flatten()) };
        quote! { #cfg #line }
    };
    let mut imports = TokenStream::new();
    for module in ["constraints", "types"] {
        let needle = format!("{module} ::");
        let module = format_ident!("{module}");
        imports.extend(import(&|text: &str| text.contains(&needle), quote! { use crate::meta::#module; }));
    }
    imports.extend(import(&|_: &str| true, quote! { use crate::runtime::meta::*; }));
    imports
}

fn operation_meta(api: &Api, k: &SharedConstraints, op: &Operation) -> TokenStream {
    let name = operation_static(op);
    let tool = &op.tool_name;
    let method = method_tokens(op.http_method);
    let path = &op.path;
    let params = op.parameters.iter().map(|p| {
        let wire = &p.name;
        let field = p.rust_name.bare();
        let location = location_tokens(p.location);
        let required = p.required;
        let ty = ty_with(k, &p.ty, &p.constraints);
        // Only what differs from `ParamMeta::new`'s defaults for the location is written.
        let mut extra = Vec::new();
        let (default_style, default_explode) = match p.location {
            Location::Path | Location::Header => (Style::Simple, false),
            Location::Query | Location::Cookie => (Style::Form, true),
        };
        if (p.style, p.explode) != (default_style, default_explode) {
            let style = style_ident(p.style);
            let explode = p.explode;
            extra.push(quote! { .style(Style::#style, #explode) });
        }
        if let Some(constraints) = k.reference(&p.constraints) {
            extra.push(quote! { .constraints(#constraints) });
        }
        if let Some(value) = p.default.as_ref().filter(|_| !p.required) {
            let text = value.to_string();
            extra.push(quote! { .default(#text) });
        }
        if p.content_type.is_some() {
            extra.push(quote! { .json() });
        }
        if p.idempotency_key {
            extra.push(quote! { .idempotency_key() });
        }
        quote! { ParamMeta::new(#wire, #field, #location, #ty, #required) #(#extra)*, }
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
            let ty = ty_with(k, &body.ty, &body.constraints);
            quote! {
                Some(BodyMeta { media_type: #media, kind: #kind, also: &[#(#also),*], encoding: &[#(#encoding)*], required: #required, ty: #ty })
            }
        }
        None => quote! { None },
    };
    let security = op.security.iter().map(|req| {
        let schemes = req.schemes.iter().map(|s| {
            let rust_name = api.security_schemes.iter().find(|scheme| scheme.name == s.scheme).map_or(s.scheme.as_str(), |scheme| scheme.rust_name.as_str());
            scheme_static(rust_name)
        });
        quote! { &[#(&schemes::#schemes),*] }
    });
    let responses = op.responses.iter().map(|r| {
        let status = status_tokens(r.status);
        let body = r.body.as_ref().map(|b| {
            let media = &b.media_type;
            let ty = ty_with(k, &b.ty, &b.constraints);
            let stream = b.stream.map(|framing| {
                let framing = match framing {
                    Framing::EventStream => quote! { EventStream },
                    Framing::JsonLines => quote! { JsonLines },
                    Framing::JsonSeq => quote! { JsonSeq },
                };
                quote! { .stream(Framing::#framing) }
            });
            // JSON unless said: how the body's bytes relate to its value.
            let kind = (b.kind != BodyKind::Json).then(|| {
                let kind = body_kind(b.kind);
                quote! { .kind(#kind) }
            });
            quote! { .body(#media, #ty) #kind #stream }
        });
        let headers = r.headers.iter().map(|h| {
            let name = h.name.to_ascii_lowercase();
            let field = h.rust_name.bare();
            let required = h.required;
            let ty = ty_tokens(k, &h.ty);
            quote! { HeaderMeta { name: #name, field: #field, required: #required, ty: #ty }, }
        });
        let variant = &r.variant;
        let headers = (!r.headers.is_empty()).then(|| quote! { .headers(&[#(#headers)*]) });
        quote! { ResponseMeta::new(#status, #variant) #body #headers, }
    });
    let doc = format!(" {}", super::operations::signature_line(op));
    let cfg = operation_cfg(op);
    quote! {
        #[doc = #doc]
        #cfg
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

/// `Method::Get`, … as the metadata names the method.
pub fn method_tokens(method: Method) -> TokenStream {
    let variant = format_ident!("{method:?}");
    quote! { Method::#variant }
}

/// `Status::Code(200)`, `Status::Class(4)` or `Status::Default`.
fn status_tokens(status: Status) -> TokenStream {
    match status {
        Status::Code(code) => {
            let code = proc_macro2::Literal::u16_unsuffixed(code);
            quote! { Status::Code(#code) }
        }
        Status::Class(class) => {
            let class = proc_macro2::Literal::u8_unsuffixed(class);
            quote! { Status::Class(#class) }
        }
        Status::Default => quote! { Status::Default },
    }
}

fn location_tokens(location: Location) -> TokenStream {
    match location {
        Location::Path => quote! { Location::Path },
        Location::Query => quote! { Location::Query },
        Location::Header => quote! { Location::Header },
        Location::Cookie => quote! { Location::Cookie },
    }
}

fn ty_tokens(k: &SharedConstraints, ty: &TypeRef) -> TokenStream {
    ty_with(k, ty, &Constraints::default())
}

/// A type use whose array items or map values carry `c.items`.
fn ty_with(k: &SharedConstraints, ty: &TypeRef, c: &Constraints) -> TokenStream {
    let none = Constraints::default();
    let inner = c.items.as_deref().unwrap_or(&none);
    match ty {
        TypeRef::String | TypeRef::Formatted(_) => quote! { &Ty::String },
        TypeRef::Binary => quote! { &Ty::Binary },
        TypeRef::Integer(IntWidth::I32) => quote! { &Ty::Integer { bits: 32 } },
        TypeRef::Integer(IntWidth::I64) => quote! { &Ty::Integer { bits: 64 } },
        TypeRef::Number => quote! { &Ty::Number },
        TypeRef::Boolean => quote! { &Ty::Boolean },
        TypeRef::Any => quote! { &Ty::Any },
        TypeRef::Array(item) => {
            let item_ty = ty_with(k, item, inner);
            let item_constraints = constraints_tokens(k, inner);
            quote! { &Ty::Array(#item_ty, #item_constraints) }
        }
        TypeRef::Map(value) => {
            let value_ty = ty_with(k, value, inner);
            let value_constraints = constraints_tokens(k, inner);
            quote! { &Ty::Map(#value_ty, #value_constraints) }
        }
        TypeRef::Named(name) => {
            let name = ident(name);
            quote! { &Ty::Named(&types::#name) }
        }
    }
}

/// A constraints expression; item constraints of arrays and maps go into the `Ty` that uses
/// them, so this covers the value itself.
fn constraints_tokens(k: &SharedConstraints, c: &Constraints) -> TokenStream {
    k.reference(c).unwrap_or_else(|| quote! { &Constraints::NONE })
}

/// Each distinct set of constraints once, as a static of the `constraints` module (GitHub's
/// spec has thousands of `format: uri` strings), named in order of first use.
#[derive(Default)]
struct SharedConstraints {
    by_text: std::cell::RefCell<indexmap::IndexMap<String, TokenStream>>,
}

impl SharedConstraints {
    /// `&constraints::C<n>` for constraints that say something; `None` for none.
    fn reference(&self, c: &Constraints) -> Option<TokenStream> {
        let parts = constraint_parts(c);
        if parts.is_empty() {
            return None;
        }
        let value = quote! { Constraints { #(#parts,)* ..Constraints::NONE } };
        let (index, _) = self.by_text.borrow_mut().insert_full(value.to_string(), value);
        let name = format_ident!("C{index}");
        Some(quote! { &constraints::#name })
    }

    fn module(&self) -> TokenStream {
        let statics = self
            .by_text
            .borrow()
            .values()
            .enumerate()
            .map(|(i, value)| {
                let name = format_ident!("C{i}");
                quote! { pub static #name: Constraints = #value; }
            })
            .collect::<Vec<_>>();
        // Constraints are shared by all tags and never gated.
        let imports = if statics.is_empty() {
            TokenStream::new()
        } else {
            quote! { use crate::runtime::meta::*; }
        };
        quote! {
            /// The constraints of values, each distinct set once.
            pub mod constraints {
                #imports
                #(#statics)*
            }
        }
    }
}

/// The constraints that differ from `Constraints::NONE`, as `name: value`.
fn constraint_parts(c: &Constraints) -> Vec<TokenStream> {
    let float = |v: Option<f64>| v.map(|v| quote! { Some(#v) });
    let count = |v: Option<usize>| v.map(|v| quote! { Some(#v) });
    let flag = |on: bool| on.then(|| quote! { true });
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
        ("pattern", c.pattern.as_ref().map(|p| quote! { Some(#p) })),
        ("multiple_of", float(c.multiple_of)),
        ("min_properties", count(c.min_properties)),
        ("max_properties", count(c.max_properties)),
    ];
    set.into_iter()
        .filter_map(|(name, value)| {
            let name = format_ident!("{name}");
            value.map(|value| quote! { #name: #value })
        })
        .collect()
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

fn style_ident(style: Style) -> proc_macro2::Ident {
    format_ident!(
        "{}",
        match style {
            Style::Simple => "Simple",
            Style::Form => "Form",
            Style::Label => "Label",
            Style::Matrix => "Matrix",
            Style::SpaceDelimited => "SpaceDelimited",
            Style::PipeDelimited => "PipeDelimited",
            Style::DeepObject => "DeepObject",
        }
    )
}
