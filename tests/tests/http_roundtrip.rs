//! Client → generated server → recording implementation, over real HTTP on loopback, for every
//! operation of every source and every status it declares: the implementation receives exactly
//! the request the client was given, and the client gets back exactly the response returned.

use std::sync::Arc;

use rocketgen_tests::http::{Recorder, cases};
use rocketgen_tests::json::{first_difference, same};
use serde_json::Value;

struct Outcome {
    exchanges: usize,
    failures: Vec<String>,
}

async fn round_trip_all<C, Fut>(source: &str, recorder: &Recorder, credential: impl Fn(&str) -> C, call: impl Fn(String, Value, Vec<C>) -> Fut) -> Outcome
where
    Fut: std::future::Future<Output = Result<Value, String>>,
{
    let mut outcome = Outcome { exchanges: 0, failures: Vec::new() };
    for case in cases(source) {
        let tool = case["tool"].as_str().unwrap().to_string();
        let secret = format!("secret-for-{tool}");
        let expected_credentials: Vec<String> = case["credential"].as_str().map(|scheme| vec![format!("{scheme}:{secret}")]).unwrap_or_default();
        for response in case["responses"].as_array().unwrap() {
            let expected = response["response"].clone();
            recorder.set_response(&tool, expected.clone());
            outcome.exchanges += 1;
            let credentials: Vec<C> = case["credential"].as_str().map(|scheme| vec![credential(&format!("{scheme}\n{secret}"))]).unwrap_or_default();
            let got = call(tool.clone(), case["request"].clone(), credentials).await;
            let label = format!("{tool} → {}", response["status"]);
            let calls = recorder.take_calls();
            match calls.as_slice() {
                [one] => {
                    if !same(&one.request, &case["request"]) {
                        outcome.failures.push(format!("{label}: request {}", first_difference(&case["request"], &one.request, "").unwrap_or_default()));
                    }
                    if one.credentials != expected_credentials {
                        outcome.failures.push(format!("{label}: credentials {:?}", one.credentials));
                    }
                }
                other => outcome.failures.push(format!("{label}: {} calls reached the implementation", other.len())),
            }
            match got {
                Err(e) => outcome.failures.push(format!("{label}: {e}")),
                Ok(got) => {
                    // An undeclared status comes back whole; the server adds its own headers.
                    let (got, expected) = match (got.get("Undeclared"), expected.get("Undeclared")) {
                        (Some(g), Some(e)) => (serde_json::json!([g["status"], g["body"]]), serde_json::json!([e["status"], e["body"]])),
                        _ => (got, expected),
                    };
                    if !same(&got, &expected) {
                        outcome.failures.push(format!("{label}: response {}", first_difference(&expected, &got, "").unwrap_or_default()));
                    }
                }
            }
        }
    }
    outcome
}

/// Every case of one source through its generated client and server (mounted at `$base`).
macro_rules! round_trip_source {
    ($source:ident, $api:ident, $server:ident, $client:ident, $base:literal) => {{
        let recorder = Arc::new(Recorder::default());
        let base = rocketgen_tests::http::serve($server::router_at(recorder.clone(), $base)).await;
        // Every status must arrive once, as itself: no retries.
        let client = $client::Client::builder(format!("{base}{}", $base)).retry($client::RetryPolicy::never()).build().unwrap();
        round_trip_all(
            stringify!($source),
            &recorder,
            |spec| {
                let (scheme, secret) = spec.split_once('\n').unwrap();
                $api::Credential::new(scheme, secret).unwrap()
            },
            |tool, request, credentials| {
                let client = client.clone();
                async move { rocketgen_tests::http::$source::call(&client, &tool, request, credentials).await }
            },
        )
        .await
    }};
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_rocket_operation_and_status_round_trips() {
    let outcome = round_trip_source!(rocket, rocket_api, rocket_server, rocket_client, "/api");
    assert!(outcome.exchanges >= 121 * 5, "only {} exchanges", outcome.exchanges);
    assert!(outcome.failures.is_empty(), "{} of {} exchanges failed:\n{}", outcome.failures.len(), outcome.exchanges, outcome.failures.join("\n"));
    eprintln!("{} exchanges over HTTP, all exact", outcome.exchanges);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_typemodel_operation_and_status_round_trips() {
    // Typemodel declares no security: no case asks for a credential.
    assert!(cases("typemodel").iter().all(|case| case["credential"].is_null()));
    let outcome = round_trip_source!(typemodel, typemodel_api, typemodel_server, typemodel_client, "/v1");
    assert!(outcome.failures.is_empty(), "{}", outcome.failures.join("\n"));
    assert_eq!(outcome.exchanges, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_constructs_operation_and_status_round_trips() {
    let outcome = round_trip_source!(constructs, constructs_api, constructs_server, constructs_client, "/v2");
    assert!(outcome.failures.is_empty(), "{}", outcome.failures.join("\n"));
    assert!(outcome.exchanges >= 11, "only {} exchanges", outcome.exchanges);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_names_operation_and_status_round_trips() {
    // Names the generated code must not take literally (std types, keywords, its own fields).
    let outcome = round_trip_source!(names, names_api, names_server, names_client, "/v3");
    assert!(outcome.failures.is_empty(), "{}", outcome.failures.join("\n"));
    assert!(outcome.exchanges >= 7, "only {} exchanges", outcome.exchanges);
}
