//! `rocketgen call` builds, from the IR alone, the same HTTP request the generated client sends
//! for the same inputs: method, path, query, the headers that carry parameters and credentials,
//! and the body, for every Rocket operation.

use std::sync::{Arc, Mutex};

use axum::extract::Request;
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
struct Seen {
    method: String,
    uri: String,
    headers: Vec<(String, String)>,
    body: Option<Value>,
}

async fn capture_server() -> (String, Arc<Mutex<Vec<Seen>>>) {
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let store = seen.clone();
    let router = axum::Router::new().fallback(move |request: Request| {
        let store = store.clone();
        async move {
            let (parts, body) = request.into_parts();
            let bytes = axum::body::to_bytes(body, 1 << 24).await.unwrap();
            // The headers that carry parameters, credentials, the body's type and what is accepted.
            let mut headers: Vec<(String, String)> = parts
                .headers
                .iter()
                .filter(|(name, _)| !matches!(name.as_str(), "user-agent" | "host" | "content-length" | "accept-encoding" | "connection"))
                .map(|(n, v)| (n.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
                .collect();
            headers.sort();
            let body = (!bytes.is_empty()).then(|| serde_json::from_slice(&bytes).unwrap());
            store.lock().unwrap().push(Seen { method: parts.method.to_string(), uri: parts.uri.to_string(), headers, body });
            axum::http::StatusCode::NO_CONTENT
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{address}/api"), seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_sends_what_the_generated_client_sends() {
    let (base, seen) = capture_server().await;
    let spec = rocketgen::load::load_path(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/rocket/openapi.json")).unwrap();
    let api = rocketgen::ir::build(&spec).unwrap();
    let client = rocket_client::Client::builder(&base).retry(rocket_client::RetryPolicy::never()).build().unwrap();
    let sender = rocketgen::call::Sender::new(&base, rocketgen::call::RetryPolicy::never()).unwrap();
    let mut compared = 0;
    let mut failures = Vec::new();
    for case in rocketgen_tests::http::cases("rocket") {
        let tool = case["tool"].as_str().unwrap();
        let meta = rocket_api::meta::operations().iter().find(|m| m.tool_name == tool).unwrap();
        let op = rocketgen::call::operation(&api, tool).unwrap();
        // The request's fields, keyed as the tool's input is (wire names).
        let mut args = Map::new();
        for (field, value) in case["request"].as_object().unwrap() {
            match meta.params.iter().find(|p| p.field == field) {
                Some(param) => {
                    let ir_param = op.parameters.iter().find(|p| p.name == param.name).unwrap();
                    args.insert(rocketgen::preview::input_key(op, ir_param), value.clone());
                }
                None => {
                    args.insert(field.clone(), value.clone());
                }
            }
        }
        let scheme = case["credential"].as_str();
        let credentials: Vec<rocket_api::Credential> = scheme.and_then(|s| rocket_api::Credential::new(s, "secret-1")).into_iter().collect();
        let _ = rocketgen_tests::http::rocket::call(&client, tool, case["request"].clone(), credentials).await;
        let given = scheme.map(|s| [(s.to_string(), "secret-1".to_string())].into_iter().collect()).unwrap_or_default();
        let prepared = match rocketgen::call::prepare(&api, op, &Value::Object(args), &given) {
            Ok(prepared) => prepared,
            Err(e) => {
                failures.push(format!("{tool}: {e}"));
                continue;
            }
        };
        if let Err(e) = sender.send(op, &prepared).await {
            failures.push(format!("{tool}: {e}"));
            continue;
        }
        let requests = std::mem::take(&mut *seen.lock().unwrap());
        match requests.as_slice() {
            [from_client, from_call] if from_client == from_call => compared += 1,
            [from_client, from_call] => failures.push(format!("{tool}:\n  client {from_client:?}\n  call   {from_call:?}")),
            other => failures.push(format!("{tool}: {} requests arrived", other.len())),
        }
    }
    assert!(failures.is_empty(), "{} of 121 differ:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(compared, 121);
}
