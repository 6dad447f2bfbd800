//! The response enum of each operation, one variant per declared status, and the table from
//! which the runtime's `impl_response!` writes its `status()` and `OperationResponse`
//! implementation: the one place where statuses and variants meet, used by the server to
//! write a response and by the client to read one.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::{doc_lines, ident, lit, type_tokens};
use crate::ir::{Api, BodyKind, Framing, Operation, Response, ResponseBody, Status, UNDECLARED_VARIANT};

fn models() -> TokenStream {
    quote! { crate::models:: }
}

fn status_doc(response: &Response) -> String {
    let status = match &response.status {
        Status::Code(code) => code.to_string(),
        Status::Class(class) => format!("{class}XX"),
        Status::Default => "Any other status (`default`)".to_string(),
    };
    match response.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => format!(" {status}: {}", d.lines().next().unwrap_or("")),
        None => format!(" {status}."),
    }
}

/// The Rust type of a response body: a streamed one is a `Streamed` of its items (of events,
/// for server-sent events).
fn body_type(body: &ResponseBody) -> TokenStream {
    let ty = type_tokens(&body.ty, &models());
    match body.stream {
        Some(Framing::EventStream) => quote! { crate::runtime::Streamed<crate::runtime::Event<#ty>> },
        Some(_) => quote! { crate::runtime::Streamed<#ty> },
        None => ty,
    }
}

/// Whether a response variant is written with named fields (status, headers) or as a tuple.
fn response_shape(response: &Response) -> ResponseShape {
    let has_status = !matches!(response.status, Status::Code(_));
    match (&response.body, response.headers.is_empty(), has_status) {
        (None, true, false) => ResponseShape::Unit,
        (Some(_), true, false) => ResponseShape::Tuple,
        _ => ResponseShape::Fields,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ResponseShape {
    Unit,
    Tuple,
    Fields,
}

/// How a tag module names the runtime's `RawResponse`: imported, unless an operation's own
/// type has that name. The import, and the path to write.
pub fn raw_response_path(api: &Api) -> (TokenStream, TokenStream) {
    let taken = api.operations.iter().any(|op| op.request_type == "RawResponse" || op.response_type == "RawResponse");
    if taken { (TokenStream::new(), quote! { crate::runtime::RawResponse }) } else { (quote! { use crate::runtime::RawResponse; }, quote! { RawResponse }) }
}

/// The response enum of `op`, its `status()`, and how it is written and read; `partial_eq` is
/// the attribute that derives `PartialEq` where it is derived.
pub fn response_type(op: &Operation, raw: &TokenStream, partial_eq: &TokenStream) -> TokenStream {
    let name = ident(&op.response_type);
    let method = op.method_name.bare();
    let type_doc = lit(&format!(" The responses of `{method}`, one variant per status the spec declares."));
    let variants = op.responses.iter().map(|response| {
        let variant = ident(&response.variant);
        let docs = lit(&status_doc(response));
        let body_ty = response.body.as_ref().map(body_type);
        let shape = match response_shape(response) {
            ResponseShape::Unit => quote! {},
            ResponseShape::Tuple => quote! { (#body_ty) },
            ResponseShape::Fields => {
                let status = if matches!(response.status, Status::Code(_)) {
                    TokenStream::new()
                } else {
                    quote! { /// The status code received or to send.
                    status: u16, }
                };
                let body = body_ty.map(|ty| quote! { body: #ty, });
                let headers = response.headers.iter().map(|h| {
                    let field = ident(&h.rust_name);
                    let ty = type_tokens(&h.ty, &models());
                    let ty = if h.required {
                        ty
                    } else {
                        quote! { Option<#ty> }
                    };
                    let mut lines: Vec<String> = Vec::new();
                    if let Some(d) = h.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
                        lines.extend(d.lines().map(str::to_string));
                        lines.push(String::new());
                    }
                    lines.push(format!("The `{}` header.", h.name));
                    let docs = doc_lines(lines.iter().map(String::as_str));
                    quote! { #docs #field: #ty, }
                });
                quote! { { #status #body #(#headers)* } }
            }
        };
        quote! { #[doc = #docs] #variant #shape, }
    });
    let undeclared = ident(UNDECLARED_VARIANT);
    let tool = lit(&op.tool_name);
    let table = response_table(op);
    quote! {
        #[doc = #type_doc]
        #[derive(Clone, Debug)]
        #partial_eq
        pub enum #name {
            #(#variants)*
            /// A status the spec does not declare for this operation, kept whole.
            #undeclared(#raw),
        }

        crate::runtime::impl_response!(#name, #tool, #(#table),*);
    }
}

/// The runtime's `impl_response!` table: each variant with its status, how its body is
/// carried, and its headers; codes first, then classes, then `default`, the order in which
/// statuses are matched.
fn response_table(op: &Operation) -> Vec<TokenStream> {
    let mut responses: Vec<&Response> = op.responses.iter().collect();
    responses.sort_by_key(|r| match r.status {
        Status::Code(_) => 0,
        Status::Class(_) => 1,
        Status::Default => 2,
    });
    responses
        .into_iter()
        .map(|r| {
            let variant = ident(&r.variant);
            let status = match r.status {
                Status::Code(code) => {
                    let code = proc_macro2::Literal::u16_unsuffixed(code);
                    quote! { #code }
                }
                Status::Class(class) => {
                    let low = proc_macro2::Literal::u16_unsuffixed(class as u16 * 100);
                    let high = proc_macro2::Literal::u16_unsuffixed(class as u16 * 100 + 99);
                    quote! { (#low..=#high) }
                }
                Status::Default => quote! { default },
            };
            let body = match &r.body {
                None => quote! { empty },
                Some(body) => {
                    let kind = match (body.stream, body.kind) {
                        (Some(Framing::EventStream), BodyKind::Text) => quote! { text_event_stream },
                        (Some(Framing::EventStream), _) => quote! { event_stream },
                        (Some(Framing::JsonLines), _) => quote! { json_lines },
                        (Some(Framing::JsonSeq), _) => quote! { json_seq },
                        (None, BodyKind::Text) => quote! { text },
                        (None, BodyKind::Binary) => quote! { binary },
                        (None, _) => quote! { json },
                    };
                    let media_type = &body.media_type;
                    quote! { #kind(#media_type) }
                }
            };
            let headers = r.headers.iter().map(|h| {
                let field = ident(&h.rust_name);
                let presence = if h.required {
                    quote! { required }
                } else {
                    quote! { optional }
                };
                let name = h.name.to_ascii_lowercase();
                quote! { , #field = #presence(#name) }
            });
            quote! { #variant(#status, #body #(#headers)*) }
        })
        .collect()
}
