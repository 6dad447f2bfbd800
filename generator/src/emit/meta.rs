//! The `meta` module and its document: the IR's operations and types as data (`meta.json`,
//! embedded and read once by the runtime), for the rules that servers and clients share
//! (parameter encoding, validation); the module names each operation with a static.

use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use rocketgen_runtime::meta::{
    AdditionalDoc, BodyDoc, ConstraintsDoc, FieldDoc, HeaderDoc, KindDoc, MetaDoc, OperationDoc, ParamDoc, PartDoc, ResponseDoc, SchemeDoc, SchemeKindDoc,
    TyDoc, TypeDoc,
};

use super::rust::operation_cfg;
use crate::error::Error;
use crate::ir::{Additional, Api, Constraints, IntWidth, Method, Operation, SecurityKind, TypeKind, TypeRef};

/// The name of an operation's static: `GET_ITEM` for `get_item`.
pub fn operation_static(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}", op.method_name.bare().to_shouty_snake_case())
}

/// The `meta` module: the embedded document, a static per operation, the lists the runtime
/// serves from, and the pagination statics.
pub fn meta_module(api: &Api) -> TokenStream {
    let mut features: Vec<&String> = api.operations.iter().map(|op| &op.feature).filter(|f| !f.is_empty()).collect();
    features.sort();
    features.dedup();
    let enabled = features.iter().map(|feature| quote! { #[cfg(feature = #feature)] #feature });
    let statics = api.operations.iter().enumerate().map(|(index, op)| {
        let doc = format!(" {}", super::operations::signature_line(op));
        let cfg = operation_cfg(op);
        let name = operation_static(op);
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        quote! {
            #[doc = #doc]
            #cfg
            pub static #name: crate::runtime::meta::OperationRef = DATA.operation(#index);
        }
    });
    let pagination = super::pages::meta_statics(api);
    quote! {
        //! The spec's operations and types, for the rules servers and clients share (parameter
        //! encoding, validation): `meta.json`, read on first use (see `runtime::meta`).

        /// The document, and the features compiled in: operations under others are left out.
        static DATA: crate::runtime::meta::MetaData = crate::runtime::meta::MetaData::new(include_str!("meta.json"), &[#(#enabled),*]);

        #(#statics)*

        /// Every operation compiled in, in the spec's order.
        pub fn operations() -> &'static [&'static crate::runtime::meta::OperationMeta<'static>] {
            DATA.operations()
        }

        /// Every security scheme, in the spec's order.
        pub fn security_schemes() -> &'static [&'static crate::runtime::meta::SchemeMeta<'static>] {
            DATA.security_schemes()
        }

        /// Every named type, in the spec's order.
        pub fn types() -> &'static [&'static crate::runtime::meta::TypeMeta<'static>] {
            DATA.types()
        }

        /// The named type `name` (as the models name it), if the spec has one.
        pub fn type_named(name: &str) -> Option<&'static crate::runtime::meta::TypeMeta<'static>> {
            DATA.type_named(name)
        }

        #pagination
    }
}

/// `meta.json`: the document the `meta` module embeds, checked as the runtime checks it.
pub fn meta_document(api: &Api) -> Result<String, Error> {
    let doc = document(api);
    doc.check().map_err(|e| Error::new(format!("internal error: the metadata document is inconsistent at {e}")))?;
    doc.to_text().map_err(|e| Error::new(format!("internal error: the metadata document: {e}")))
}

fn document(api: &Api) -> MetaDoc {
    let mut k = SharedConstraints::default();
    let types = api
        .types
        .values()
        .map(|def| {
            let kind = match &def.kind {
                TypeKind::Struct { fields, additional, .. } => KindDoc::Struct {
                    fields: fields
                        .iter()
                        .map(|f| FieldDoc {
                            name: f.json_name.clone(),
                            ty: ty_with(&mut k, &f.ty, &f.constraints),
                            required: f.required,
                            nullable: f.nullable,
                            read_only: f.read_only,
                            write_only: f.write_only,
                            undeclared: f.undeclared,
                            constraints: k.index(&f.constraints),
                            default: f.default.as_ref().map(|v| v.to_string()),
                            example: f.example.as_ref().map(|v| v.to_string()),
                        })
                        .collect(),
                    additional: match additional {
                        Additional::Forbidden => AdditionalDoc::Forbidden,
                        Additional::Any => AdditionalDoc::Any,
                        Additional::Typed(ty) => AdditionalDoc::Typed(ty_doc(&mut k, ty)),
                    },
                },
                TypeKind::Enum { variants, .. } => KindDoc::Enum(variants.iter().map(|v| v.value.clone()).collect()),
                TypeKind::Newtype { inner, constraints } => KindDoc::Newtype(ty_with(&mut k, inner, constraints), k.index(constraints)),
                TypeKind::Union { variants, tag: None } => KindDoc::Union(variants.iter().map(|v| ty_doc(&mut k, &v.ty)).collect()),
                TypeKind::Union { variants, tag: Some(tag) } => KindDoc::Tagged {
                    property: tag.property.clone(),
                    variants: variants.iter().map(|v| ty_doc(&mut k, &v.ty)).collect(),
                    values: tag.values.clone(),
                },
            };
            TypeDoc { name: def.name.to_string(), pointer: def.pointer.clone(), kind }
        })
        .collect();
    let schemes = api
        .security_schemes
        .iter()
        .map(|scheme| SchemeDoc {
            name: scheme.name.clone(),
            kind: match &scheme.kind {
                SecurityKind::OAuth2 { .. } | SecurityKind::OpenIdConnect | SecurityKind::HttpBearer => SchemeKindDoc::Bearer,
                SecurityKind::HttpBasic => SchemeKindDoc::Basic,
                SecurityKind::ApiKey { location, param } => SchemeKindDoc::ApiKey { location: *location, param: param.clone() },
            },
        })
        .collect();
    let operations = api.operations.iter().map(|op| operation_doc(api, &mut k, op)).collect();
    MetaDoc { constraints: k.into_list(), schemes, types, operations }
}

fn operation_doc(api: &Api, k: &mut SharedConstraints, op: &Operation) -> OperationDoc {
    let params = op
        .parameters
        .iter()
        .map(|p| ParamDoc {
            name: p.name.clone(),
            field: p.rust_name.bare().to_string(),
            location: p.location,
            style: p.style,
            explode: p.explode,
            required: p.required,
            ty: ty_with(k, &p.ty, &p.constraints),
            constraints: k.index(&p.constraints),
            default: p.default.as_ref().filter(|_| !p.required).map(|v| v.to_string()),
            json: p.content_type.is_some(),
            idempotency_key: p.idempotency_key,
        })
        .collect();
    let body = op.request_body.as_ref().map(|body| BodyDoc {
        media_type: body.media_type.clone(),
        kind: body.kind,
        also: body.also.clone(),
        encoding: body
            .encoding
            .iter()
            .map(|e| PartDoc { property: e.property.clone(), content_type: e.content_type.clone(), style: e.style, explode: e.explode })
            .collect(),
        required: body.required,
        ty: ty_with(k, &body.ty, &body.constraints),
    });
    let security = op
        .security
        .iter()
        .map(|req| req.schemes.iter().filter_map(|s| api.security_schemes.iter().position(|scheme| scheme.name == s.scheme)).collect())
        .collect();
    let responses = op
        .responses
        .iter()
        .map(|r| ResponseDoc {
            status: r.status,
            variant: r.variant.clone(),
            media_type: r.body.as_ref().map(|b| b.media_type.clone()),
            kind: r.body.as_ref().map_or(rocketgen_runtime::meta::BodyKind::Json, |b| b.kind),
            body: r.body.as_ref().map(|b| ty_with(k, &b.ty, &b.constraints)),
            stream: r.body.as_ref().and_then(|b| b.stream),
            headers: r
                .headers
                .iter()
                .map(|h| HeaderDoc { name: h.name.to_ascii_lowercase(), field: h.rust_name.bare().to_string(), required: h.required, ty: ty_doc(k, &h.ty) })
                .collect(),
        })
        .collect();
    OperationDoc {
        tool_name: op.tool_name.clone(),
        http_method: op.http_method,
        path: op.path.clone(),
        feature: op.feature.clone(),
        params,
        body,
        security,
        responses,
    }
}

/// `Method::Get`, … as the metadata names the method.
pub fn method_tokens(method: Method) -> TokenStream {
    let variant = format_ident!("{method:?}");
    quote! { Method::#variant }
}

fn ty_doc(k: &mut SharedConstraints, ty: &TypeRef) -> TyDoc {
    ty_with(k, ty, &Constraints::default())
}

/// A type use whose array items or map values carry `c.items`.
fn ty_with(k: &mut SharedConstraints, ty: &TypeRef, c: &Constraints) -> TyDoc {
    let none = Constraints::default();
    let inner = c.items.as_deref().unwrap_or(&none);
    match ty {
        TypeRef::String | TypeRef::Formatted(_) => TyDoc::String,
        TypeRef::Binary => TyDoc::Binary,
        TypeRef::Integer(IntWidth::I32) => TyDoc::Integer(32),
        TypeRef::Integer(IntWidth::I64) => TyDoc::Integer(64),
        TypeRef::Number => TyDoc::Number,
        TypeRef::Boolean => TyDoc::Boolean,
        TypeRef::Any => TyDoc::Any,
        TypeRef::Array(item) => TyDoc::Array(Box::new(ty_with(k, item, inner)), k.index(inner)),
        TypeRef::Map(value) => TyDoc::Map(Box::new(ty_with(k, value, inner)), k.index(inner)),
        TypeRef::Named(name) => TyDoc::Named(name.to_string()),
    }
}

/// Each distinct set of constraints once (GitHub's spec has thousands of `format: uri`
/// strings), indexed in order of first use.
#[derive(Default)]
struct SharedConstraints {
    by_text: indexmap::IndexMap<String, ConstraintsDoc>,
}

impl SharedConstraints {
    /// The index of constraints that say something (of the value itself: item constraints go
    /// into the array's or map's type); `None` for none.
    fn index(&mut self, c: &Constraints) -> Option<usize> {
        let doc = ConstraintsDoc {
            minimum: c.minimum,
            maximum: c.maximum,
            exclusive_minimum: c.exclusive_minimum,
            exclusive_maximum: c.exclusive_maximum,
            min_length: c.min_length,
            max_length: c.max_length,
            min_items: c.min_items,
            max_items: c.max_items,
            unique_items: c.unique_items,
            format: c.format.clone(),
            pattern: c.pattern.clone(),
            multiple_of: c.multiple_of,
            min_properties: c.min_properties,
            max_properties: c.max_properties,
        };
        if doc == ConstraintsDoc::default() {
            return None;
        }
        let key = serde_json::to_string(&doc).unwrap_or_default();
        Some(self.by_text.insert_full(key, doc).0)
    }

    fn into_list(self) -> Vec<ConstraintsDoc> {
        self.by_text.into_values().collect()
    }
}
