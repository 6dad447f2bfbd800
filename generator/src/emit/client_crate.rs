//! The client crate: a reqwest client implementing the service trait, one small method per
//! operation; building and sending requests is in the client runtime.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::meta::operation_static;
use super::operations::{tag_modules, trait_name};
use super::rust::{ident, macro_rules_text, operation_cfg};
use super::templates::{CrateContext, render};
use super::{CrateSettings, Part, Pieces};
use crate::error::Error;
use crate::ir::{Api, Operation};

pub fn emit_client_crate<'a>(api: &'a Api, settings: &CrateSettings, prefix: &str) -> Result<Pieces<'a>, Error> {
    let context = CrateContext::new(api, settings, "client");
    let mut pieces = Pieces::new(prefix);
    pieces.text("Cargo.toml", render("client/Cargo.toml", &context)?);
    pieces.text("README.md", render("client/README.md", &context)?);
    pieces.rust("src/lib.rs", move || {
        let root_attributes = super::rust::crate_root_attributes();
        let runtime_check = super::rust::runtime_check();
        let doc = format!(" A client of {}: the service trait over HTTP. Cheap to clone; clones share connections.", api.title);
        let (pages_module, futures) = if super::pages::has_streams(api) {
            let cfg = super::pages::streams_cfg(api);
            (
                quote! { #cfg mod pages; },
                quote! {
                    /// The streams of pages and items are `futures` streams (`futures::TryStreamExt` reads them).
                    pub use rocketgen_runtime::pages::futures;
                },
            )
        } else {
            (TokenStream::new(), TokenStream::new())
        };
        quote! {
            #root_attributes

            #runtime_check

            mod operations;
            #pages_module
            pub mod tags;

            pub use api;
            #futures

            #[doc = #doc]
            #[derive(Clone, Debug)]
            pub struct Client(rocketgen_runtime::client::Client);

            /// Configures a [`Client`]: timeouts, retries, credentials, default headers.
            pub type ClientBuilder = rocketgen_runtime::client::ClientBuilder<Client>;

            pub use rocketgen_runtime::retry::{RequestOptions, RetryPolicy};

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

                /// This client, sharing its connections, with `options` for every call made
                /// through it: a timeout, a retry policy, extra headers or query parameters.
                pub fn with_options(&self, options: RequestOptions) -> Client {
                    Client(self.0.with_options(options))
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
    pieces.rust_parts("src/operations.rs", move || operations(api, &source));
    pieces.rust_parts("src/tags.rs", move || tags(api, &tags_source));
    if super::pages::has_streams(api) {
        pieces.rust("src/pages.rs", move || super::pages::client_streams(api));
    }
    Ok(pieces)
}

fn operations(api: &Api, source: &str) -> Vec<Part> {
    let trait_ident = format_ident!("{}", trait_name(source));
    let header = quote! {
        //! The service trait over HTTP: each method sends its request and reads the response.

        use api::#trait_ident;

        use super::Client;
    };
    let methods = api.operations.iter().map(method);
    let implementation = quote! {
        impl #trait_ident for Client {
            #(#methods)*
        }
    };
    Part::with_rows(api.operations.len(), header, || call_macro(api), implementation)
}

/// The `call!` rules: every method is the same call into the runtime but for names.
fn call_macro(api: &Api) -> Part {
    let rule = |matcher: &str, call: &str| {
        // Inline: compiled in the crate that calls it, for the operations it calls (writing
        // the request's JSON is per request type), not for every operation here.
        let item = format!(
            "#[inline]
fn $name(&self, request: api::$request) -> impl api::runtime::Answer<api::$response> {{
    self.0.{call}
}}"
        );
        (matcher.to_string(), item)
    };
    let mut rules = vec![rule("$name:ident, $meta:ident, $request:ident, $response:ident", "call(&api::meta::$meta, &request)")];
    if api.operations.iter().any(|op| !op.security.is_empty()) {
        rules.push(rule(
            "$name:ident, $meta:ident, $request:ident, $response:ident, secured",
            "call_with_credentials(&api::meta::$meta, &request, &request.credentials)",
        ));
    }
    let doc = "`call!(method, METADATA, Request, Response)`: a method of the service trait, which sends\n\
               its request and reads the response; with `secured`, the request's own credentials first.";
    macro_rules_text(doc, &super::rust::any_operation_cfg(api), "call", &rules)
}

/// `Client`'s own methods, which a tag accessor must not take.
const CLIENT_METHODS: [&str; 5] = ["new", "builder", "base_url", "with_options", "inner"];

/// The operations grouped by tag: `client.content().get_item(…)`.
fn tags(api: &Api, source: &str) -> Vec<Part> {
    let trait_ident = format_ident!("{}", trait_name(source));
    let modules = tag_modules(api);
    if modules.is_empty() {
        return vec![Part::Tokens(quote! {
            //! The operations grouped by tag; the spec declares none.
        })];
    }
    // An accessor must not shadow `Client`'s own methods, nor the trait's (an inherent method
    // wins over a trait method of the same name), nor another tag's accessor.
    let mut taken: std::collections::BTreeSet<String> = CLIENT_METHODS.into_iter().map(String::from).collect();
    taken.extend(api.operations.iter().map(|op| op.method_name.bare().to_string()));
    taken.extend(modules.iter().map(|(_, module)| module.clone()));
    let groups = modules.iter().map(|(tag, module)| {
        let mut accessor = module.clone();
        if api.operations.iter().any(|op| op.method_name.bare() == accessor) || CLIENT_METHODS.contains(&accessor.as_str()) {
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
        let cfg = super::operations::tag_cfg(api, tag);
        // Each under its tag's feature, as the group is.
        let methods = api.operations.iter().filter(|op| op.tag == tag).map(|op| {
            let name = ident(&op.method_name);
            let request = ident(&op.request_type);
            let response = ident(&op.response_type);
            let doc = super::operations::signature_line(op);
            quote! { forward!(#doc, #name, #request, #response); }
        });
        quote! {
            #[doc = #doc]
            #cfg
            pub struct #group<'a> {
                client: &'a super::Client,
            }

            #cfg
            impl #group<'_> {
                #(#methods)*
            }

            #cfg
            impl super::Client {
                #[doc = #doc]
                pub fn #accessor(&self) -> #group<'_> {
                    #group { client: self }
                }
            }
        }
    });
    let header = quote! {
        //! The operations grouped by tag, for a direct API: `client.content().get_item(request)`.
    };
    Part::with_rows(api.operations.len(), header, || forward_macro(api, &trait_ident), quote! { #(#groups)* })
}

/// The `forward!` rule: every method of a tag's group is a call of the service trait's.
fn forward_macro(api: &Api, trait_ident: &proc_macro2::Ident) -> Part {
    let item = format!(
        "#[doc = $doc]
#[inline]
pub fn $name(&self, request: api::$request) -> impl api::runtime::Answer<api::$response> {{
    api::{trait_ident}::$name(self.client, request)
}}"
    );
    let doc = "`forward!(\"doc\", method, Request, Response)`: a method of a tag's group, which calls the\n\
               service trait's method of the same name.";
    macro_rules_text(doc, &super::rust::any_operation_cfg(api), "forward", &[("$doc:literal, $name:ident, $request:ident, $response:ident".to_string(), item)])
}

fn method(op: &Operation) -> TokenStream {
    let name = ident(&op.method_name);
    let meta = operation_static(op);
    let request_type = ident(&op.request_type);
    let response_type = ident(&op.response_type);
    let secured = if op.security.is_empty() {
        TokenStream::new()
    } else {
        quote! { , secured }
    };
    let cfg = operation_cfg(op);
    quote! {
        #cfg
        call!(#name, #meta, #request_type, #response_type #secured);
    }
}
