//! Prepares the round-trip tests from the IR of every source: synthesized instances of every
//! named type (as JSON) and a function that sends a JSON value through the Rust type of that
//! name and back.

use std::path::{Path, PathBuf};

use quote::{format_ident, quote};
use rocketgen::manifest::{CrateKind, Manifest};
use rocketgen::synth::{Fill, Synth};
use serde_json::json;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ lies in the workspace").to_path_buf();
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed={}", root.join("sources.toml").display());
    let manifest = Manifest::read(&root).unwrap_or_else(|e| panic!("{e}"));

    let mut cases = Vec::new();
    let mut arms = Vec::new();
    let mut faults = Vec::new();
    let mut specs = serde_json::Map::new();
    let mut http_modules = Vec::new();
    let mut http_cases = serde_json::Map::new();
    for source in manifest.sources.iter().filter(|s| s.crates.contains(&CrateKind::Api)) {
        let spec_path = root.join(&source.spec);
        println!("cargo:rerun-if-changed={}", spec_path.display());
        let spec = rocketgen::load::load_path(&spec_path).unwrap_or_else(|e| panic!("{e}"));
        let api = rocketgen::ir::build(&spec).unwrap_or_else(|e| panic!("{e}"));
        specs.insert(source.name.clone(), spec.raw.clone());
        // Properties a schema requires but never defines: a spec fault the validator will report.
        for def in api.types.values() {
            if let rocketgen::ir::TypeKind::Struct { fields, .. } = &def.kind {
                for field in fields.iter().filter(|f| f.undeclared) {
                    faults.push(json!({"source": source.name, "pointer": def.pointer, "property": field.json_name}));
                }
            }
        }
        let krate = format_ident!("{}_api", source.name.replace('-', "_"));
        for def in api.types.values() {
            for (fill, label) in [(Fill::Minimal, "minimal"), (Fill::Full, "full"), (Fill::Nulls, "nulls")] {
                for seed in [1u64, 2, 3] {
                    let value = Synth::new(&api, fill, seed).named(&def.name);
                    cases.push(json!({
                        "source": source.name, "type": def.name, "pointer": def.pointer,
                        "fill": label, "seed": seed, "value": value,
                    }));
                }
            }
            for (i, example) in def.examples.iter().enumerate() {
                cases.push(json!({
                    "source": source.name, "type": def.name, "pointer": def.pointer,
                    "fill": "example", "seed": i, "value": example,
                }));
            }
            let source_name = &source.name;
            let type_name = &def.name;
            let ty = format_ident!("{}", def.name);
            arms.push(quote! { (#source_name, #type_name) => Some(through::<#krate::models::#ty>(value)), });
        }
        if source.crates.contains(&CrateKind::Server) && source.crates.contains(&CrateKind::Client) {
            http_modules.push(http_harness(&source.name, &api));
            http_cases.insert(source.name.clone(), http_cases_of(&api));
        }
    }
    std::fs::write(out.join("specs.json"), serde_json::to_string(&specs).expect("JSON")).expect("write specs");
    std::fs::write(out.join("faults.json"), serde_json::to_string(&faults).expect("JSON")).expect("write faults");
    std::fs::write(out.join("instances.json"), serde_json::to_string(&cases).expect("JSON")).expect("write instances");
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
    std::fs::write(out.join("http_cases.json"), serde_json::to_string(&http_cases).expect("JSON")).expect("write cases");
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
        quote! {
            async fn #method(&self, request: #api_crate::#request) -> Result<#api_crate::#response, #api_crate::Error> {
                self.record(#tool, &request, #credentials);
                self.respond(#tool)
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
        quote! {
            #tool => {
                #[allow(unused_mut)]
                let mut request: #api_crate::#request = serde_json::from_value(request).map_err(|e| format!("request: {e}"))?;
                #set_credentials
                let response = client.#method(request).await.map_err(|e| e.to_string())?;
                serde_json::to_value(response).map_err(|e| e.to_string())
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

/// For each operation: a synthesized request, the credential it needs, and one response per
/// declared status, in the response enum's JSON form.
fn http_cases_of(api: &rocketgen::ir::Api) -> serde_json::Value {
    use rocketgen::emit::rust::wire_name_differs;
    use rocketgen::ir::{ParamLocation, StatusSpec, TypeRef};
    let _ = wire_name_differs;
    let synth = Synth::new(api, Fill::Full, 7);
    let mut cases = Vec::new();
    for op in &api.operations {
        let mut request = serde_json::Map::new();
        for param in &op.parameters {
            let field = param.rust_name.trim_start_matches("r#").to_string();
            let mut value = synth.value(&param.ty, &param.constraints, &format!("{}/{}", op.tool_name, param.name));
            // Texts that only survive correct percent-encoding.
            if param.ty == TypeRef::String && param.constraints.format.is_none() && param.constraints.max_length.is_none() {
                value = match param.location {
                    ParamLocation::Path => json!("id with/slash, space & ü"),
                    ParamLocation::Query => json!("a&b=c ü+%"),
                    _ => value,
                };
            }
            request.insert(field, value);
        }
        if let Some(body) = &op.request_body {
            request.insert("body".into(), synth.value(&body.ty, &Default::default(), &format!("{}/body", op.tool_name)));
        }
        let credential = op.security.first().and_then(|req| req.schemes.first()).map(|s| s.scheme.clone());
        let declared: Vec<u16> = op.responses.iter().filter_map(|r| match r.status { StatusSpec::Code(c) => Some(c), _ => None }).collect();
        let mut responses = Vec::new();
        for r in &op.responses {
            let status = match r.status {
                StatusSpec::Code(code) => code,
                StatusSpec::Range(class) => (class as u16 * 100..class as u16 * 100 + 100).find(|c| !declared.contains(c) && *c != class as u16 * 100).unwrap_or(0),
                StatusSpec::Default => [503u16, 418, 422, 599].into_iter().find(|c| !declared.contains(c)).unwrap_or(599),
            };
            let body = r.body.as_ref().map(|b| synth.value(&b.ty, &Default::default(), &format!("{}/{}", op.tool_name, r.variant)));
            let mut fields = serde_json::Map::new();
            if !matches!(r.status, StatusSpec::Code(_)) {
                fields.insert("status".into(), json!(status));
            }
            for h in &r.headers {
                let value = if h.name.eq_ignore_ascii_case("location") {
                    json!("https://example.com/elsewhere?x=1")
                } else {
                    synth.value(&h.ty, &Default::default(), &h.name)
                };
                fields.insert(h.rust_name.trim_start_matches("r#").to_string(), value);
            }
            let has_status = !matches!(r.status, StatusSpec::Code(_));
            let value = match (&body, r.headers.is_empty() && !has_status) {
                (None, true) => json!(r.variant),
                (Some(body), true) => json!({ r.variant.clone(): body }),
                (body, false) => {
                    if let Some(body) = body {
                        fields.insert("body".into(), body.clone());
                    }
                    json!({ r.variant.clone(): fields })
                }
            };
            responses.push(json!({ "status": status, "response": value }));
        }
        if !op.responses.iter().any(|r| matches!(r.status, StatusSpec::Default)) {
            let status = [418u16, 599].into_iter().find(|c| !declared.contains(c)).unwrap_or(599);
            responses.push(json!({ "status": status, "response": { "Undeclared": { "status": status, "headers": [], "body": b"raw text".to_vec() } } }));
        }
        // A request body schema with keywords beside its `$ref` (a spec fault, diagnosed).
        let ref_sibling_body = api
            .diagnostics
            .iter()
            .any(|d| d.pointer.starts_with(&format!("{}/requestBody", op.pointer)) && d.message.contains("beside `$ref`"));
        cases.push(json!({
            "tool": op.tool_name, "request": request, "credential": credential, "responses": responses,
            "ref_sibling_body": ref_sibling_body,
        }));
    }
    serde_json::Value::Array(cases)
}
