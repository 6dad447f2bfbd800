//! The response enum of each operation, one variant per declared status, and its
//! `OperationResponse` implementation: the one place where statuses and variants meet, used by
//! the server to write a response and by the client to read one.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::{doc_lines, ident, type_tokens};
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

/// The response enum of `op`, its `status()`, and how it is written and read.
pub fn response_type(op: &Operation, raw: &TokenStream) -> TokenStream {
    let name = ident(&op.response_type);
    let method = op.method_name.bare();
    let type_doc = format!(" The responses of `{method}`, one variant per status the spec declares.");
    let variants = op.responses.iter().map(|response| {
        let variant = ident(&response.variant);
        let docs = status_doc(response);
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
    let statuses = op.responses.iter().map(|response| {
        let variant = ident(&response.variant);
        let pattern = match response_shape(response) {
            ResponseShape::Unit => quote! { Self::#variant },
            ResponseShape::Tuple => quote! { Self::#variant(_) },
            ResponseShape::Fields => {
                if matches!(response.status, Status::Code(_)) {
                    quote! { Self::#variant { .. } }
                } else {
                    quote! { Self::#variant { status, .. } }
                }
            }
        };
        let value = match &response.status {
            Status::Code(_) => status_value(response),
            _ => quote! { *status },
        };
        quote! { #pattern => #value, }
    });
    let undeclared = ident(UNDECLARED_VARIANT);
    let into_raw = into_raw(op, raw);
    let from_raw = from_raw(op, raw);
    let tool = &op.tool_name;
    quote! {
        #[doc = #type_doc]
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name {
            #(#variants)*
            /// A status the spec does not declare for this operation, kept whole.
            #undeclared(#raw),
        }

        impl #name {
            /// The HTTP status of this response.
            pub fn status(&self) -> u16 {
                match self {
                    #(#statuses)*
                    Self::#undeclared(raw) => raw.status,
                }
            }
        }

        impl crate::runtime::OperationResponse for #name {
            const OPERATION: &'static str = #tool;

            #into_raw

            #from_raw
        }
    }
}

/// The status a variant is sent with: its code, or the `status` field it carries.
fn status_value(response: &Response) -> TokenStream {
    match response.status {
        Status::Code(code) => {
            let code = proc_macro2::Literal::u16_unsuffixed(code);
            quote! { #code }
        }
        _ => quote! { status },
    }
}

/// `into_raw`: each variant as status, content type, body and headers.
fn into_raw(op: &Operation, raw: &TokenStream) -> TokenStream {
    let arms: Vec<TokenStream> = op
        .responses
        .iter()
        .map(|r| {
            let variant = ident(&r.variant);
            let status = status_value(r);
            let body = match &r.body {
                None => quote! { #raw::empty(#status) },
                Some(ResponseBody { stream: Some(framing), kind, media_type, .. }) => {
                    let write = match (framing, kind) {
                        (Framing::EventStream, BodyKind::Text) => quote! { text_event_stream },
                        (Framing::EventStream, _) => quote! { event_stream },
                        (Framing::JsonLines, _) => quote! { json_lines },
                        (Framing::JsonSeq, _) => quote! { json_seq },
                    };
                    quote! { #raw::#write(#status, #media_type, body) }
                }
                Some(ResponseBody { kind: BodyKind::Text, media_type, .. }) => quote! { #raw::text(#status, #media_type, body) },
                Some(ResponseBody { kind: BodyKind::Binary, media_type, .. }) => quote! { #raw::binary(#status, #media_type, body) },
                Some(ResponseBody { media_type, .. }) => quote! { #raw::json(#status, #media_type, &body) },
            };
            let headers = r.headers.iter().map(|h| {
                let field = ident(&h.rust_name);
                let name = h.name.to_ascii_lowercase();
                if h.required {
                    quote! { .with_header(#name, &#field) }
                } else {
                    quote! { .with_optional_header(#name, #field.as_ref()) }
                }
            });
            let pattern = match response_shape(r) {
                ResponseShape::Unit => quote! { Self::#variant },
                ResponseShape::Tuple => quote! { Self::#variant(body) },
                ResponseShape::Fields => {
                    let mut bindings: Vec<TokenStream> = Vec::new();
                    if !matches!(r.status, Status::Code(_)) {
                        bindings.push(quote! { status });
                    }
                    if r.body.is_some() {
                        bindings.push(quote! { body });
                    }
                    bindings.extend(r.headers.iter().map(|h| {
                        let field = ident(&h.rust_name);
                        quote! { #field }
                    }));
                    quote! { Self::#variant { #(#bindings),* } }
                }
            };
            quote! { #pattern => #body #(#headers)*, }
        })
        .collect();
    let undeclared = ident(UNDECLARED_VARIANT);
    quote! {
        fn into_raw(self) -> #raw {
            match self {
                #(#arms)*
                Self::#undeclared(raw) => raw,
            }
        }
    }
}

/// `from_raw`: the variant of a received status, its body and headers read as the spec says.
fn from_raw(op: &Operation, raw_type: &TokenStream) -> TokenStream {
    let mut arms: Vec<TokenStream> = Vec::new();
    for r in &op.responses {
        if let Status::Code(code) = r.status {
            let code = proc_macro2::Literal::u16_unsuffixed(code);
            let value = variant_result(r);
            arms.push(quote! { #code => #value, });
        }
    }
    for r in &op.responses {
        if let Status::Class(class) = r.status {
            let (low, high) = (class as u16 * 100, class as u16 * 100 + 99);
            let (low, high) = (proc_macro2::Literal::u16_unsuffixed(low), proc_macro2::Literal::u16_unsuffixed(high));
            let value = variant_result(r);
            arms.push(quote! { status @ #low..=#high => #value, });
        }
    }
    let undeclared = ident(UNDECLARED_VARIANT);
    let default = op.responses.iter().find(|r| r.status == Status::Default);
    let body = match default {
        // An operation that declares only `default` has one arm: no match needed.
        Some(r) if op.responses.len() == 1 => {
            let value = variant_result(r);
            quote! {
                let status = raw.status;
                #value
            }
        }
        Some(r) => {
            let value = variant_result(r);
            quote! {
                match raw.status { #(#arms)* status => #value, }
            }
        }
        None => quote! {
            match raw.status { #(#arms)* _ => Ok(Self::#undeclared(raw)), }
        },
    };
    quote! {
        fn from_raw(raw: #raw_type) -> Result<Self, crate::runtime::Error> {
            #body
        }
    }
}

/// The expression that reads a response's variant from `raw`, as a `Result`: a variant that
/// holds just its body maps the read (one `?` fewer to check per status).
fn variant_result(r: &Response) -> TokenStream {
    let variant = ident(&r.variant);
    match (&r.body, response_shape(r)) {
        (Some(ResponseBody { stream: None, kind, media_type, .. }), ResponseShape::Tuple) => {
            let read = match kind {
                BodyKind::Text => quote! { raw.read_text(Self::OPERATION) },
                BodyKind::Binary => return quote! { Ok(Self::#variant(raw.read_binary(#media_type))) },
                _ => quote! { raw.read_json(Self::OPERATION) },
            };
            quote! { #read.map(Self::#variant) }
        }
        _ => {
            let value = variant_value(r);
            quote! { Ok(#value) }
        }
    }
}

/// The expression that builds a response's variant from `raw`.
fn variant_value(r: &Response) -> TokenStream {
    let variant = ident(&r.variant);
    let body = match &r.body {
        Some(ResponseBody { stream: Some(framing), kind, .. }) => {
            let read = match (framing, kind) {
                (Framing::EventStream, BodyKind::Text) => quote! { read_text_event_stream },
                (Framing::EventStream, _) => quote! { read_event_stream },
                (Framing::JsonLines, _) => quote! { read_json_lines },
                (Framing::JsonSeq, _) => quote! { read_json_seq },
            };
            quote! { raw.#read(Self::OPERATION)? }
        }
        Some(ResponseBody { kind: BodyKind::Text, .. }) => quote! { raw.read_text(Self::OPERATION)? },
        Some(ResponseBody { kind: BodyKind::Binary, media_type, .. }) => quote! { raw.read_binary(#media_type) },
        _ => quote! { raw.read_json(Self::OPERATION)? },
    };
    match response_shape(r) {
        ResponseShape::Unit => quote! { Self::#variant },
        ResponseShape::Tuple => quote! { Self::#variant(#body) },
        ResponseShape::Fields => {
            let mut fields = Vec::new();
            if !matches!(r.status, Status::Code(_)) {
                fields.push(quote! { status });
            }
            if r.body.is_some() {
                fields.push(quote! { body: #body });
            }
            for h in &r.headers {
                let field = ident(&h.rust_name);
                let name = h.name.to_ascii_lowercase();
                if h.required {
                    fields.push(quote! { #field: raw.read_header(Self::OPERATION, #name)? });
                } else {
                    fields.push(quote! { #field: raw.read_optional_header(Self::OPERATION, #name)? });
                }
            }
            quote! { Self::#variant { #(#fields),* } }
        }
    }
}
