//! The mock crate: `Mock`, a programmable implementation of the service trait, and the mock
//! server binary; the behaviour is in the mock runtime.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::meta::operation_static;
use super::operations::trait_name;
use super::rust::{ident, macro_rules_text, operation_cfg};
use super::templates::{CrateContext, render};
use super::{CrateSettings, Part, Pieces};
use crate::error::Error;
use crate::ir::Api;

pub fn emit_mock_crate<'a>(api: &'a Api, settings: &CrateSettings, prefix: &str) -> Result<Pieces<'a>, Error> {
    let context = CrateContext::new(api, settings, "mock");
    let mut pieces = Pieces::new(prefix);
    pieces.text("Cargo.toml", render("mock/Cargo.toml", &context)?);
    pieces.text("README.md", render("mock/README.md", &context)?);
    let source = settings.source.clone();
    let binary_source = source.clone();
    pieces.rust_parts("src/lib.rs", move || lib(api, &source));
    pieces.rust("src/bin/mock_server.rs", move || binary(api, &binary_source));
    if settings.with_client {
        let test_source = settings.source.clone();
        pieces.rust("tests/operations.rs", move || operations_test(&test_source));
    }
    Ok(pieces)
}

/// `cargo test -p {source}-mock`: every operation, with a request synthesized from the spec,
/// through the generated client and server against the mock. The test of a source a user adds.
fn operations_test(source: &str) -> TokenStream {
    let krate = format_ident!("{}_mock", source.replace('-', "_"));
    quote! {
        //! Every operation of the spec through the generated client and server, against the
        //! mock on loopback: a request synthesized from the spec (valid against it) must be
        //! accepted and answered with a success status the operation declares.

        use rocketgen_runtime::selftest::{check_operations, serve_on_loopback};

        use #krate::api::Credential;
        use #krate::api::meta::{operations, security_schemes};
        use #krate::server::{BASE_PATH, router};

        #[tokio::test]
        async fn every_operation_is_answered_as_the_spec_declares() {
            let address = serve_on_loopback(router(#krate::Mock::new(1))).await.unwrap();
            // Each operation is answered once, as the mock chose: no retries.
            let mut builder = client::Client::builder(format!("http://{address}{BASE_PATH}")).retry(client::RetryPolicy::never());
            for scheme in security_schemes() {
                if let Some(credential) = Credential::new(scheme.name, "secret") {
                    builder = builder.credential(credential);
                }
            }
            let client = builder.build().unwrap();
            if let Err(failures) = check_operations(client.inner(), operations(), 7).await {
                panic!("{failures}");
            }
        }
    }
}

/// The mock server binary: the options and layers are in the runtime's `mock_server`.
fn binary(api: &Api, source: &str) -> TokenStream {
    let krate = format_ident!("{}_mock", source.replace('-', "_"));
    let base_path = &api.base_path;
    quote! {
        //! Serves the whole API from the mock; `--help` lists the options.

        use std::sync::Arc;

        fn main() -> std::process::ExitCode {
            rocketgen_runtime::mock_server::main(#krate::api::meta::operations(), #krate::api::meta::security_schemes(), #base_path, |seed, fixtures, stateful, base_path| {
                let mock = #krate::Mock::with_options(seed, fixtures, stateful);
                #krate::server::router_at(Arc::new(mock), base_path)
            })
        }
    }
}

fn lib(api: &Api, source: &str) -> Vec<Part> {
    let trait_ident = format_ident!("{}", trait_name(source));
    let handles = api.operations.iter().map(|op| {
        let name = format_ident!("on_{}", op.method_name.bare());
        let request = ident(&op.request_type);
        let response = ident(&op.response_type);
        let tool = &op.tool_name;
        let route = format!("{} {}", op.http_method.as_str(), op.path);
        let cfg = operation_cfg(op);
        quote! {
            #cfg
            handle!(#name, #tool, #route, #request, #response);
        }
    });
    let methods = api.operations.iter().map(|op| {
        let name = ident(&op.method_name);
        let request = ident(&op.request_type);
        let response = ident(&op.response_type);
        let meta = operation_static(op);
        let cfg = operation_cfg(op);
        quote! {
            #cfg
            answer!(#name, #meta, #request, #response);
        }
    });
    let root_attributes = super::rust::crate_root_attributes();
    let runtime_check = super::rust::runtime_check();
    let lib = quote! {
        #root_attributes

        #runtime_check

        use std::collections::HashMap;
        use std::sync::Arc;

        use api::#trait_ident;

        pub use api;
        pub use server;

        /// The mock runtime this crate uses: fixtures, programming handles, the shared state.
        pub use rocketgen_runtime::mock as runtime;

        /// A programmable, recording implementation of the service trait. Clones share state.
        #[derive(Clone)]
        pub struct Mock {
            state: Arc<runtime::MockState>,
        }

        impl Default for Mock {
            fn default() -> Self {
                Mock::new(1)
            }
        }
    };
    let programming = quote! {
        impl Mock {
            /// A mock whose unprogrammed answers are synthesized with `seed`.
            pub fn new(seed: u64) -> Self {
                Mock::with_fixtures(seed, HashMap::new())
            }

            /// A mock that answers from `fixtures` (see [`runtime::load_fixtures`]) where nothing
            /// was programmed.
            pub fn with_fixtures(seed: u64, fixtures: HashMap<String, runtime::Fixture>) -> Self {
                Mock::with_options(seed, fixtures, false)
            }

            /// A stateful mock: what clients write (PUT, POST, PATCH, DELETE) they read back.
            pub fn stateful(seed: u64) -> Self {
                Mock::with_options(seed, HashMap::new(), true)
            }

            /// A mock with every option: seed, fixtures, and stateful or not.
            pub fn with_options(seed: u64, fixtures: HashMap<String, runtime::Fixture>, stateful: bool) -> Self {
                Mock { state: Arc::new(runtime::MockState::new(api::meta::operations(), seed, fixtures, stateful)) }
            }

            /// Every call so far, in order: tool name and request as JSON.
            pub fn log(&self) -> Vec<(String, serde_json::Value)> {
                self.state.log()
            }

            #(#handles)*
        }
    };
    let implementation = quote! {
        impl #trait_ident for Mock {
            #(#methods)*
        }
    };
    let mut parts = Part::with_rows(api.operations.len(), lib, || handle_macro(api), programming);
    parts.extend(Part::with_rows(api.operations.len(), TokenStream::new(), || answer_macro(api), implementation));
    parts
}

/// The `handle!` rule: every `on_…` method is the same handle on the mock's state but for
/// names.
fn handle_macro(api: &Api) -> Part {
    let item = "#[doc = concat!(\"Programs `\", $tool, \"` (`\", $route, \"`) and reads its calls.\")]
pub fn $name(&self) -> runtime::Handle<'_, api::$request, api::$response> {
    runtime::Handle::new(&self.state, $tool)
}";
    let doc = "`handle!(on_method, \"tool\", \"METHOD /path\", Request, Response)`: the method that\n\
               programs an operation of the mock and reads its calls.";
    macro_rules_text(
        doc,
        &super::rust::any_operation_cfg(api),
        "handle",
        &[("$name:ident, $tool:literal, $route:literal, $request:ident, $response:ident".to_string(), item.to_string())],
    )
}

/// The `answer!` rule: every method is the same call into the mock's state but for names.
fn answer_macro(api: &Api) -> Part {
    let item = "fn $name(&self, request: api::$request) -> impl api::runtime::Answer<api::$response> {
    self.state.answer(&api::meta::$meta, request)
}";
    let doc = "`answer!(method, METADATA, Request, Response)`: a method of the service trait, answered\n\
               by the mock's state: what was programmed, a fixture, or a synthesized response.";
    macro_rules_text(
        doc,
        &super::rust::any_operation_cfg(api),
        "answer",
        &[("$name:ident, $meta:ident, $request:ident, $response:ident".to_string(), item.to_string())],
    )
}
