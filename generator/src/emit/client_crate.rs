//! The client crate: a reqwest client implementing the service trait, one small method per
//! operation; building and sending requests is in the client runtime.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::meta::operation_static;
use super::operations::{ResponseShape, response_shape, tag_modules, trait_name};
use super::rust::ident;
use super::templates::{CrateContext, render};
use super::{CrateSettings, Pieces};
use crate::error::Error;
use crate::ir::{Api, BodyKind, Operation, Response, ResponseBody, Status, UNDECLARED_VARIANT};

pub fn emit_client_crate<'a>(api: &'a Api, settings: &CrateSettings, prefix: &str) -> Result<Pieces<'a>, Error> {
    let context = CrateContext::new(api, settings, "client");
    let mut pieces = Pieces::new(prefix);
    pieces.text("Cargo.toml", render("client/Cargo.toml", &context)?);
    pieces.text("README.md", render("client/README.md", &context)?);
    pieces.rust("src/lib.rs", move || {
        let root_attributes = super::rust::crate_root_attributes();
        let runtime_check = super::rust::runtime_check();
        let doc = format!(" A client of {}: the service trait over HTTP. Cheap to clone; clones share connections.", api.title);
        quote! {
            #root_attributes

            #runtime_check

            mod operations;
            pub mod tags;

            pub use api;

            #[doc = #doc]
            #[derive(Clone, Debug)]
            pub struct Client(rocketgen_runtime::client::Client);

            /// Configures a [`Client`]: timeouts, credentials, default headers.
            pub type ClientBuilder = rocketgen_runtime::client::ClientBuilder<Client>;

            impl Client {
                /// A client of the API at `base_url`, including the base path (e.g. `https://host/api`).
                pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
                    ClientBuilder::new(base_url)
                }

                /// A client with default settings.
                pub fn new(base_url: impl Into<String>) -> Result<Client, api::Error> {
                    Client::builder(base_url).build()
                }

                /// The base URL requests go to.
                pub fn base_url(&self) -> &str {
                    self.0.base_url()
                }

                /// The runtime's client underneath: it sends any operation's request by its metadata.
                pub fn inner(&self) -> &rocketgen_runtime::client::Client {
                    &self.0
                }
            }

            impl From<rocketgen_runtime::client::Client> for Client {
                fn from(client: rocketgen_runtime::client::Client) -> Self {
                    Client(client)
                }
            }
        }
    });
    let source = settings.source.clone();
    let tags_source = source.clone();
    pieces.rust("src/operations.rs", move || operations(api, &source));
    pieces.rust("src/tags.rs", move || tags(api, &tags_source));
    Ok(pieces)
}

fn operations(api: &Api, source: &str) -> TokenStream {
    let trait_ident = format_ident!("{}", trait_name(source));
    let methods = api.operations.iter().map(method);
    // Answers are read by the runtime only where they carry a body or headers.
    let reads_answers = api.operations.iter().flat_map(|op| &op.responses).any(|r| r.body.is_some() || !r.headers.is_empty());
    let runtime = reads_answers.then(|| quote! { use rocketgen_runtime::client as runtime; });
    quote! {
        //! The service trait over HTTP: each method sends its request and reads the response.

        use api::#trait_ident;

        #runtime

        use super::Client;

        impl #trait_ident for Client {
            #(#methods)*
        }
    }
}

/// The operations grouped by tag: `client.content().get_item(…)`.
fn tags(api: &Api, source: &str) -> TokenStream {
    let trait_ident = format_ident!("{}", trait_name(source));
    let modules = tag_modules(api);
    // An accessor must not shadow `Client`'s own methods, nor the trait's (an inherent method
    // wins over a trait method of the same name), nor another tag's accessor.
    let mut taken: std::collections::BTreeSet<String> = ["new", "builder", "base_url", "inner"].into_iter().map(String::from).collect();
    taken.extend(api.operations.iter().map(|op| op.method_name.trim_start_matches("r#").to_string()));
    taken.extend(modules.iter().map(|(_, module)| module.clone()));
    let groups = modules.iter().map(|(tag, module)| {
        let mut accessor = module.trim_start_matches("r#").to_string();
        if api.operations.iter().any(|op| op.method_name.trim_start_matches("r#") == accessor) || matches!(accessor.as_str(), "new" | "builder" | "base_url" | "inner") {
            accessor = format!("{}_ops", accessor.trim_end_matches('_'));
            while taken.contains(&accessor) {
                accessor.push('_');
            }
            taken.insert(accessor.clone());
        }
        let accessor = ident(&accessor);
        let group = format_ident!("{}Operations", crate::ir::rust_type_name(module).trim_end_matches('_'));
        let tag = tag.as_str();
        let doc = format!(" The operations tagged `{tag}`.");
        let methods = api.operations.iter().filter(|op| op.tag == tag).map(|op| {
            let name = ident(&op.method_name);
            let request = ident(&op.request_type);
            let response = ident(&op.response_type);
            let doc = format!(" `{} {}` (tool `{}`).", op.http_method.as_str(), op.path, op.tool_name);
            quote! {
                #[doc = #doc]
                pub async fn #name(&self, request: api::#request) -> Result<api::#response, api::Error> {
                    #trait_ident::#name(self.client, request).await
                }
            }
        });
        quote! {
            #[doc = #doc]
            pub struct #group<'a> {
                client: &'a Client,
            }

            impl #group<'_> {
                #(#methods)*
            }

            impl Client {
                #[doc = #doc]
                pub fn #accessor(&self) -> #group<'_> {
                    #group { client: self }
                }
            }
        }
    });
    quote! {
        //! The operations grouped by tag, for a direct API: `client.content().get_item(request)`.

        use api::#trait_ident;

        use super::Client;

        #(#groups)*
    }
}

fn method(op: &Operation) -> TokenStream {
    let name = ident(&op.method_name);
    let meta = operation_static(op);
    let request_type = ident(&op.request_type);
    let response_type = ident(&op.response_type);
    let tool = &op.tool_name;
    let send = if op.security.is_empty() {
        quote! { self.0.send(&api::meta::#meta, &request) }
    } else {
        quote! { self.0.send_with_credentials(&api::meta::#meta, &request, &request.credentials) }
    };
    let mut arms: Vec<TokenStream> = op
        .responses
        .iter()
        .filter(|r| matches!(r.status, Status::Code(_)))
        .map(|r| {
            let Status::Code(code) = r.status else { return TokenStream::new() };
            let value = variant_value(op, r, quote! { #code });
            quote! { #code => #value, }
        })
        .collect();
    for r in op.responses.iter().filter(|r| matches!(r.status, Status::Class(_))) {
        let Status::Class(class) = r.status else { continue };
        let (low, high) = (class as u16 * 100, class as u16 * 100 + 99);
        let value = variant_value(op, r, quote! { status });
        arms.push(quote! { status @ #low..=#high => #value, });
    }
    let undeclared = ident(UNDECLARED_VARIANT);
    match op.responses.iter().find(|r| r.status == Status::Default) {
        Some(r) => {
            let value = variant_value(op, r, quote! { status });
            arms.push(quote! { status => #value, });
        }
        None => arms.push(quote! { _ => api::#response_type::#undeclared(raw), }),
    }
    // An operation that declares only `default` has one arm: no match needed.
    let only_default = op.responses.len() == 1 && op.responses[0].status == Status::Default;
    let decode = if only_default {
        let value = variant_value(op, &op.responses[0], quote! { status });
        quote! {
            let status = raw.status;
            Ok(#value)
        }
    } else {
        quote! { Ok(match raw.status { #(#arms)* }) }
    };
    quote! {
        async fn #name(&self, request: api::#request_type) -> Result<api::#response_type, api::Error> {
            let raw = #send.await?;
            let operation = #tool;
            let _ = operation;
            #decode
        }
    }
}

/// The expression that builds a response variant from `raw`.
fn variant_value(op: &Operation, r: &Response, status: TokenStream) -> TokenStream {
    let response_type = ident(&op.response_type);
    let variant = ident(&r.variant);
    let body = match &r.body {
        Some(ResponseBody { kind: BodyKind::Text, .. }) => quote! { runtime::text(operation, &raw)? },
        Some(ResponseBody { kind: BodyKind::Binary, media_type, .. }) => quote! { runtime::binary(&raw, #media_type) },
        _ => quote! { runtime::body(operation, &raw)? },
    };
    match response_shape(r) {
        ResponseShape::Unit => quote! { api::#response_type::#variant },
        ResponseShape::Tuple => quote! { api::#response_type::#variant(#body) },
        ResponseShape::Fields => {
            let mut fields = Vec::new();
            if !matches!(r.status, Status::Code(_)) {
                let _ = &status;
                fields.push(quote! { status });
            }
            if r.body.is_some() {
                fields.push(quote! { body: #body });
            }
            for h in &r.headers {
                let field = ident(&h.rust_name);
                let name = h.name.to_ascii_lowercase();
                if h.required {
                    fields.push(quote! { #field: runtime::header(operation, &raw, #name)? });
                } else {
                    fields.push(quote! { #field: runtime::optional_header(operation, &raw, #name)? });
                }
            }
            quote! { api::#response_type::#variant { #(#fields),* } }
        }
    }
}
