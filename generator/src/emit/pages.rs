//! Pagination: the API crate's `meta::pagination` statics, and the client's streams of pages
//! and items (`get_list_pages`, `get_list_items`) for each operation the IR records as paginated.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::meta::operation_static;
use super::rust::{cfg_union, ident, operation_cfg, type_tokens};
use crate::ir::pagination::{PageScheme, Pagination};
use crate::ir::{Api, Field, Operation, Presence, TypeKind, TypeRef};

/// The paginated operations, each with what its streams need: its success variant and body.
struct Paged<'a> {
    op: &'a Operation,
    pagination: &'a Pagination,
    variant: &'a str,
    /// The variant also holds headers: `Ok { body, … }` rather than `Ok(body)`.
    with_headers: bool,
    body: &'a TypeRef,
}

fn paged(api: &Api) -> Vec<Paged<'_>> {
    api.operations
        .iter()
        .filter_map(|op| {
            let pagination = op.pagination.as_ref()?;
            let response = op.responses.iter().find(|r| r.status.code().is_some_and(|code| (200..300).contains(&code)) && r.body.is_some())?;
            Some(Paged { op, pagination, variant: &response.variant, with_headers: !response.headers.is_empty(), body: &response.body.as_ref()?.ty })
        })
        .collect()
}

/// The request field of a query parameter, by its wire name.
fn field_of(op: &Operation, wire: &str) -> String {
    op.parameters.iter().find(|p| p.name == wire).map_or_else(|| wire.to_string(), |p| p.rust_name.bare().to_string())
}

fn path_tokens(path: &[String]) -> TokenStream {
    quote! { &[#(#path),*] }
}

fn optional_path(path: &Option<Vec<String>>) -> TokenStream {
    match path {
        Some(path) => {
            let path = path_tokens(path);
            quote! { Some(#path) }
        }
        None => quote! { None },
    }
}

/// `pub mod pagination { … }` for the API crate's `meta` module, or nothing.
pub fn meta_statics(api: &Api) -> TokenStream {
    let statics: Vec<TokenStream> = paged(api)
        .iter()
        .map(|paged| {
            let op = paged.op;
            let name = operation_static(op);
            let doc = format!(" How the pages of `{}` follow one another.", op.tool_name);
            let scheme = match &paged.pagination.scheme {
                PageScheme::PageNumber { page, total_pages, total_items, has_next } => {
                    let page = field_of(op, page);
                    let (total_pages, total_items, has_next) = (optional_path(total_pages), optional_path(total_items), optional_path(has_next));
                    quote! { PageScheme::PageNumber { page: #page, total_pages: #total_pages, total_items: #total_items, has_next: #has_next } }
                }
                PageScheme::OffsetLimit { offset, limit, total_items } => {
                    let offset = field_of(op, offset);
                    let limit = match limit {
                        Some(limit) => {
                            let limit = field_of(op, limit);
                            quote! { Some(#limit) }
                        }
                        None => quote! { None },
                    };
                    let total_items = optional_path(total_items);
                    quote! { PageScheme::OffsetLimit { offset: #offset, limit: #limit, total_items: #total_items } }
                }
                PageScheme::Cursor { cursor, next_cursor } => {
                    let cursor = field_of(op, cursor);
                    let next_cursor = path_tokens(next_cursor);
                    quote! { PageScheme::Cursor { cursor: #cursor, next_cursor: #next_cursor } }
                }
                PageScheme::LastItem { cursor, field, has_more } => {
                    let cursor = field_of(op, cursor);
                    let has_more = path_tokens(has_more);
                    quote! { PageScheme::LastItem { cursor: #cursor, field: #field, has_more: #has_more } }
                }
                PageScheme::Link => quote! { PageScheme::Link },
            };
            let items = path_tokens(&paged.pagination.items);
            let cfg = operation_cfg(op);
            quote! {
                #[doc = #doc]
                #cfg
                pub static #name: PaginationMeta = PaginationMeta { scheme: #scheme, items: #items };
            }
        })
        .collect();
    if statics.is_empty() {
        return TokenStream::new();
    }
    let cfg = streams_cfg(api);
    quote! {
        /// The paginated operations: how their pages follow one another.
        #cfg
        pub mod pagination {
            use crate::runtime::meta::*;

            #(#statics)*
        }
    }
}

/// Whether the client has page streams (and so a `pages` module).
pub fn has_streams(api: &Api) -> bool {
    !paged(api).is_empty()
}

/// `#[cfg(…)]` for what the paginated operations share: the features of their tags.
pub fn streams_cfg(api: &Api) -> TokenStream {
    cfg_union(api, paged(api).iter().map(|paged| &paged.op.feature))
}

/// The client crate's `pages` module: two streams per paginated operation.
pub fn client_streams(api: &Api) -> TokenStream {
    let taken: Vec<&str> = api.operations.iter().map(|op| op.method_name.bare()).collect();
    let methods = paged(api).into_iter().map(|paged| {
        let op = paged.op;
        let bare = op.method_name.bare();
        let name_for = |suffix: &str| {
            let mut name = format!("{bare}_{suffix}");
            while taken.contains(&name.as_str()) {
                name.push('_');
            }
            format_ident!("{name}")
        };
        let (pages_fn, items_fn) = (name_for("pages"), name_for("items"));
        let meta = operation_static(op);
        let request_type = ident(&op.request_type);
        let response_type = ident(&op.response_type);
        let variant = ident(paged.variant);
        let pattern = if paged.with_headers {
            quote! { api::#response_type::#variant { body: page, .. } }
        } else {
            quote! { api::#response_type::#variant(page) }
        };
        let models = quote! { api::models:: };
        let page_type = type_tokens(paged.body, &models);
        let (item_type, take_items) = take_items(api, paged.body, &paged.pagination.items, &models);
        let credentials = if op.security.is_empty() {
            quote! { Vec::<api::Credential>::new() }
        } else {
            quote! { std::mem::take(&mut request.credentials) }
        };
        let binding = if op.security.is_empty() {
            quote! { request }
        } else {
            quote! { mut request }
        };
        let pages_doc = super::rust::doc_lines([
            format!("The pages of `{}`, from the request's on, each asked for once the one before", op.tool_name).as_str(),
            format!("is read, up to the last. An answer other than `{}`, or a page that repeats an", paged.variant).as_str(),
            "earlier one, ends the stream with an error.",
        ]);
        let items_doc = format!(" The items of every page of `{}`, in order: [`Client::{pages_fn}`] flattened.", op.tool_name);
        let cfg = operation_cfg(op);
        quote! {
            #pages_doc
            #cfg
            #[inline]
            pub fn #pages_fn(&self, #binding: api::#request_type) -> impl Stream<Item = Result<#page_type, api::Error>> + Send + 'static {
                let credentials = #credentials;
                pages::pages(self.0.clone(), &api::meta::#meta, &api::meta::pagination::#meta, request, credentials, |answer| match answer {
                    #pattern => Some(page),
                    _ => None,
                })
            }

            #[doc = #items_doc]
            #cfg
            #[inline]
            pub fn #items_fn(&self, request: api::#request_type) -> impl Stream<Item = Result<#item_type, api::Error>> + Send + 'static {
                pages::items(self.#pages_fn(request), |page| #take_items)
            }
        }
    });
    quote! {
        //! Streams of the pages, and of the items, of the operations that answer one page of a
        //! longer list. Inline, as the service trait's methods are: compiled where they are called.

        use rocketgen_runtime::pages::{self, futures::Stream};

        use super::Client;

        impl Client {
            #(#methods)*
        }
    }
}

/// The type of one item, and the expression that takes a page's items out of `page`.
fn take_items(api: &Api, body: &TypeRef, path: &[String], models: &TokenStream) -> (TokenStream, TokenStream) {
    let mut ty = body;
    let mut steps = Vec::new();
    let mut expr = quote! { page };
    for (i, name) in path.iter().enumerate() {
        let Some(field) = struct_field(api, ty, name) else { break };
        let access = ident(&field.rust_name);
        let last = i + 1 == path.len();
        let unbox = if field.boxed {
            quote! { .map(|value| *value) }
        } else {
            TokenStream::new()
        };
        let optional = match field.presence() {
            Presence::Required => None,
            Presence::Optional | Presence::RequiredNullable => Some(quote! { #expr.#access #unbox }),
            Presence::OptionalNullable => Some(quote! { #expr.#access.flatten() #unbox }),
        };
        let level = format_ident!("level{i}");
        expr = match (optional, last) {
            (None, _) if field.boxed => quote! { (*#expr.#access) },
            (None, _) => quote! { #expr.#access },
            (Some(value), true) => quote! { #value.unwrap_or_default() },
            (Some(value), false) => {
                steps.push(quote! { let Some(#level) = #value else { return Vec::new() }; });
                quote! { #level }
            }
        };
        ty = &field.ty;
    }
    let item = match ty {
        TypeRef::Array(item) => type_tokens(item, models),
        other => type_tokens(other, models),
    };
    let take = if steps.is_empty() {
        expr
    } else {
        quote! { { #(#steps)* #expr } }
    };
    (item, take)
}

fn struct_field<'a>(api: &'a Api, ty: &TypeRef, json_name: &str) -> Option<&'a Field> {
    let TypeRef::Named(name) = ty else { return None };
    match &api.types.get(name)?.kind {
        TypeKind::Struct { fields, .. } => fields.iter().find(|f| f.json_name == json_name),
        _ => None,
    }
}
