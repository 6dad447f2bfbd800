//! For every source this crate depends on, a function that sends a JSON value through the Rust
//! type of a given name and back, and (where it depends on the source's server and client) a
//! recording implementation of its service trait with a dispatcher that calls the client by
//! tool name.

use std::path::{Path, PathBuf};

use quote::{format_ident, quote};
use rocketgen::manifest::Manifest;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ lies in the workspace").to_path_buf();
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed={}", root.join("sources.toml").display());
    let manifest = Manifest::read(&root).unwrap_or_else(|e| panic!("{e}"));
    // Only the sources this crate depends on: a source a user adds is tested by its own crates,
    // and must not break this one.
    let own_manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    println!("cargo:rerun-if-changed={}", own_manifest.display());
    let own: toml::Table = std::fs::read_to_string(&own_manifest).expect("tests/Cargo.toml").parse().expect("tests/Cargo.toml is TOML");
    let dependencies = own.get("dependencies").and_then(toml::Value::as_table).cloned().unwrap_or_default();
    let depends_on = |source: &str, kind: &str| dependencies.contains_key(&format!("{source}-{kind}"));

    let mut arms = Vec::new();
    let mut specs = serde_json::Map::new();
    let mut http_modules = Vec::new();
    let mut ref_sibling_bodies: Vec<String> = Vec::new();
    for source in manifest.sources.iter().filter(|s| depends_on(&s.name, "api")) {
        let spec_path = root.join(&source.spec);
        println!("cargo:rerun-if-changed={}", spec_path.display());
        let spec = rocketgen::load::load_path(&spec_path).unwrap_or_else(|e| panic!("{e}"));
        let api = rocketgen::ir::build(&spec).unwrap_or_else(|e| panic!("{e}"));
        specs.insert(source.name.clone(), spec.raw.clone());
        let krate = format_ident!("{}_api", source.name.replace('-', "_"));
        for def in api.types.values() {
            let source_name = &source.name;
            let type_name = &def.name;
            let ty = format_ident!("{}", def.name);
            arms.push(quote! { (#source_name, #type_name) => Some(through::<#krate::models::#ty>(value)), });
        }
        if depends_on(&source.name, "server") && depends_on(&source.name, "client") {
            http_modules.push(http_harness(&source.name, &api));
        }
        // Operations whose request body schema has keywords beside its `$ref` (diagnosed).
        for op in &api.operations {
            let prefix = format!("{}/requestBody", op.pointer);
            if api.diagnostics.iter().any(|d| d.pointer.starts_with(&prefix) && d.message.contains("beside `$ref`")) {
                ref_sibling_bodies.push(op.tool_name.clone());
            }
        }
    }
    std::fs::write(out.join("ref_sibling_bodies.json"), serde_json::to_string(&ref_sibling_bodies).expect("JSON")).expect("write");
    std::fs::write(out.join("specs.json"), serde_json::to_string(&specs).expect("JSON")).expect("write specs");
    let dispatch = quote! {
        /// Deserializes `value` into the named type of a source's API crate and serializes it back;
        /// `None` for an unknown type.
        pub fn roundtrip(source: &str, type_name: &str, value: serde_json::Value) -> Option<Result<serde_json::Value, String>> {
            match (source, type_name) {
                #(#arms)*
                _ => None,
            }
        }
    };
    std::fs::write(out.join("dispatch.rs"), dispatch.to_string()).expect("write dispatch");
    std::fs::write(out.join("http_harness.rs"), quote! { #(#http_modules)* }.to_string()).expect("write harness");
}

/// A recording implementation of the service trait and a dispatcher that calls the client by
/// tool name, for the HTTP round trip of every operation.
fn http_harness(source: &str, api: &rocketgen::ir::Api) -> proc_macro2::TokenStream {
    let module = format_ident!("{}", source.replace('-', "_"));
    let api_crate = format_ident!("{}_api", source.replace('-', "_"));
    let client_crate = format_ident!("{}_client", source.replace('-', "_"));
    let trait_ident = format_ident!("{}", rocketgen::emit::trait_name(source));
    let methods = api.operations.iter().map(|op| {
        let method = rocketgen::emit::rust::ident(&op.method_name);
        let request = format_ident!("{}", op.request_type);
        let response = format_ident!("{}", op.response_type);
        let tool = &op.tool_name;
        let credentials = if op.security.is_empty() {
            quote! { Vec::new() }
        } else {
            quote! { request.credentials.iter().map(|c| format!("{}:{}", c.scheme(), c.secret())).collect() }
        };
        let meta = rocketgen::emit::meta::operation_static(op);
        quote! {
            async fn #method(&self, request: #api_crate::#request) -> Result<#api_crate::#response, #api_crate::Error> {
                self.record(#tool, &request, #credentials);
                self.respond(&#api_crate::meta::#meta)
            }
        }
    });
    let calls = api.operations.iter().map(|op| {
        let method = rocketgen::emit::rust::ident(&op.method_name);
        let request = format_ident!("{}", op.request_type);
        let tool = &op.tool_name;
        let set_credentials = if op.security.is_empty() {
            quote! { let _ = credentials; }
        } else {
            quote! { request.credentials = credentials; }
        };
        let meta = rocketgen::emit::meta::operation_static(op);
        // A streamed body is read to its end, so that the response compares as JSON.
        let response_type = format_ident!("{}", op.response_type);
        let read_streams: Vec<proc_macro2::TokenStream> = op
            .responses
            .iter()
            .filter(|r| r.body.as_ref().is_some_and(|b| b.stream.is_some()))
            .map(|r| {
                let variant = format_ident!("{}", r.variant);
                let pattern = if r.headers.is_empty() && matches!(r.status, rocketgen::ir::Status::Code(_)) {
                    quote! { #api_crate::#response_type::#variant(body) }
                } else {
                    quote! { #api_crate::#response_type::#variant { body, .. } }
                };
                quote! {
                    if let #pattern = &mut response {
                        *body = std::mem::take(body).read_all().await.map_err(|e| e.to_string())?.into();
                    }
                }
            })
            .collect();
        let binding = if read_streams.is_empty() {
            quote! { let response }
        } else {
            quote! { let mut response }
        };
        quote! {
            #tool => {
                #[allow(unused_mut)]
                let mut request: #api_crate::#request = serde_json::from_value(request).map_err(|e| format!("request: {e}"))?;
                #set_credentials
                #binding = client.#method(request).await.map_err(|e| e.to_string())?;
                #(#read_streams)*
                rocketgen_runtime::response_json::json_of_raw(&#api_crate::meta::#meta, &rocketgen_runtime::OperationResponse::into_raw(response))
            }
        }
    });
    quote! {
        pub mod #module {
            use #api_crate::#trait_ident;
            use crate::http::Recorder;

            impl #trait_ident for Recorder {
                #(#methods)*
            }

            /// Calls the operation named `tool` through the client with a request given as JSON;
            /// the response as JSON.
            pub async fn call(client: &#client_crate::Client, tool: &str, request: serde_json::Value, credentials: Vec<#api_crate::Credential>) -> Result<serde_json::Value, String> {
                match tool {
                    #(#calls)*
                    other => Err(format!("no operation {other}")),
                }
            }
        }
    }
}
