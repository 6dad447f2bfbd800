//! The generated server refuses bad requests before the implementation sees them: each gets
//! the declared 4xx and a `ServiceError` body that names the parameter or field.

use std::sync::Arc;

use rocket_api::RocketApi;
use rocketgen_tests::http::Recorder;
use serde_json::{Value, json};

struct Case {
    name: &'static str,
    method: &'static str,
    path: &'static str,
    headers: Vec<(&'static str, &'static str)>,
    body: Option<&'static str>,
    status: u16,
    /// Text the `message` must contain: the offending parameter or field.
    names: &'static str,
}

fn case(name: &'static str, method: &'static str, path: &'static str, status: u16, names: &'static str) -> Case {
    Case { name, method, path, headers: Vec::new(), body: None, status, names }
}

const BEARER: (&str, &str) = ("authorization", "Bearer token-1");
const JSON: (&str, &str) = ("content-type", "application/json");

fn cases() -> Vec<Case> {
    vec![
        Case { body: Some("{\"pin\": "), headers: vec![BEARER, JSON], ..case("malformed JSON", "PUT", "/api/account/pin", 400, "body: not valid JSON") },
        Case {
            body: Some("{\"pin\": 1234}"),
            headers: vec![BEARER, JSON],
            ..case("wrong type in body", "PUT", "/api/account/pin", 400, "body.pin: expected a string")
        },
        Case { body: Some("{}"), headers: vec![BEARER, JSON], ..case("missing required field", "PUT", "/api/account/pin", 400, "body.pin: is required") },
        Case {
            body: Some("{\"pin\": \"1\", \"admin\": true}"),
            headers: vec![BEARER, JSON],
            ..case("unknown field where none are allowed", "PUT", "/api/account/pin", 400, "body.admin: is not a known field")
        },
        Case { body: None, headers: vec![BEARER, JSON], ..case("missing required body", "PUT", "/api/account/pin", 400, "body: is required") },
        Case {
            body: Some("pin=1"),
            headers: vec![BEARER, ("content-type", "application/x-www-form-urlencoded")],
            ..case("wrong content type", "PUT", "/api/account/pin", 415, "content type \"application/x-www-form-urlencoded\" is not supported")
        },
        Case { body: Some("{\"pin\": \"1\"}"), headers: vec![JSON], ..case("missing credentials", "PUT", "/api/account/pin", 401, "needs accountAuth") },
        Case {
            body: Some("{\"pin\": \"1\"}"),
            headers: vec![("authorization", "Basic dTpw"), JSON],
            ..case("wrong kind of credentials", "PUT", "/api/account/pin", 401, "needs accountAuth")
        },
        Case {
            headers: vec![("authorization", "Bearer t")],
            ..case("missing required query parameter", "GET", "/api/account/items/1/videos?resolution=HD-720", 400, "query parameter `delivery` is required")
        },
        Case {
            headers: vec![("authorization", "Bearer t")],
            ..case(
                "unknown enum value in an array",
                "GET",
                "/api/account/items/1/videos?delivery=stream,teleport&resolution=HD-720",
                400,
                "query parameter `delivery`[1]: \"teleport\" is not one of",
            )
        },
        case("unknown enum value", "GET", "/api/lists/1?order=sideways", 400, "query parameter `order`: \"sideways\" is not one of asc, desc"),
        case("number above maximum", "GET", "/api/lists/1?page_size=101", 400, "query parameter `page_size`: must be <= 100"),
        case("number below minimum", "GET", "/api/lists/1?page=0", 400, "query parameter `page`: must be >= 1"),
        case("not an integer", "GET", "/api/lists/1?page=two", 400, "query parameter `page`: \"two\" is not an integer"),
        case("not a boolean", "GET", "/api/items/1?use_custom_id=maybe", 400, "query parameter `use_custom_id`: \"maybe\" is not true or false"),
        case("missing search term", "GET", "/api/search", 400, "query parameter `term` is required"),
        Case {
            headers: vec![("authorization", "Bearer t")],
            ..case("rating out of range", "PUT", "/api/account/profile/ratings/5?rating=11", 400, "query parameter `rating`: must be <= 10")
        },
        case("unknown route", "GET", "/api/no/such/route", 404, "no operation at GET /api/no/such/route"),
        case("outside the base path", "GET", "/items/1", 404, "no operation"),
        case("wrong method", "DELETE", "/api/items/1", 405, "method not allowed; allowed: GET"),
    ]
}

#[tokio::test]
async fn bad_requests_are_refused_with_a_service_error_naming_the_place() {
    let recorder = Arc::new(Recorder::default());
    let base = rocketgen_tests::http::serve(rocket_server::router_at(recorder.clone(), "/api")).await;
    let http = reqwest::Client::new();
    let mut failures = Vec::new();
    for case in cases() {
        let mut request = http.request(case.method.parse().unwrap(), format!("{base}{}", case.path));
        for (name, value) in &case.headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = case.body {
            request = request.body(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let allow = response.headers().get("allow").map(|v| v.to_str().unwrap().to_string());
        let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_string());
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let message = body["message"].as_str().unwrap_or("");
        if status != case.status {
            failures.push(format!("{}: status {status}, wanted {}: {body}", case.name, case.status));
        }
        if body["code"] != json!(case.status) || !message.contains(case.names) {
            failures.push(format!("{}: body {body} does not name {:?}", case.name, case.names));
        }
        if content_type.as_deref() != Some("application/json") {
            failures.push(format!("{}: content type {content_type:?}", case.name));
        }
        if case.status == 405 && allow.as_deref() != Some("GET") {
            failures.push(format!("{}: Allow header {allow:?}", case.name));
        }
        let calls = recorder.take_calls();
        if !calls.is_empty() {
            failures.push(format!("{}: the implementation was called", case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// An implementation that provides nothing: every operation answers 501.
struct Nothing;
impl RocketApi for Nothing {}

#[tokio::test]
async fn operations_an_implementation_lacks_answer_501() {
    let base = rocketgen_tests::http::serve(rocket_server::router(Nothing)).await;
    let response = reqwest::get(format!("{base}/api/items/1")).await.unwrap();
    assert_eq!(response.status().as_u16(), 501);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], 501);
    assert!(body["message"].as_str().unwrap().contains("getItem: not implemented"), "{body}");
}

#[tokio::test]
async fn defaults_are_applied_when_parameters_are_absent() {
    let recorder = Arc::new(Recorder::default());
    let base = rocketgen_tests::http::serve(rocket_server::router_at(recorder.clone(), "")).await;
    recorder.set_response("content.getList", json!({"NotFound": {"message": "none"}}));
    let response = reqwest::get(format!("{base}/lists/abc")).await.unwrap();
    assert_eq!(response.status().as_u16(), 404);
    let calls = recorder.take_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].request["order"], "desc");
    assert_eq!(calls[0].request["device"], "web_browser");
    assert_eq!(calls[0].request["id"], "abc");
}

#[tokio::test]
async fn a_client_without_credentials_fails_before_sending() {
    // Nothing listens here: a request that was sent would fail with a transport error instead.
    let client = rocket_client::Client::new("http://127.0.0.1:9/api").unwrap();
    let err = client.get_account(rocket_api::GetAccountRequest::new()).await.unwrap_err();
    assert!(matches!(err, rocket_api::Error::MissingCredential { operation: "account.getAccount", .. }), "{err}");
}
