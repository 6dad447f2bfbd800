//! The remix against its upstream over loopback: for every Rocket operation, a request
//! synthesized from the spec sent client → remix → upstream makes the same exchange with the
//! upstream, and gets the same answer back, as client → upstream directly — except
//! `content.getItem`, which answers its trimmed item. The upstream is the Rocket mock behind
//! the generated router, with a middleware that records each request as it arrived.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::middleware::{self, Next};
use rocket_api::Credential;
use rocket_api::meta::{operations, security_schemes};
use rocketgen_runtime::RawResponse;
use rocketgen_runtime::selftest::serve_on_loopback;
use rocketgen_runtime::synth::{Fill, Synth};

/// A request as the upstream received it: method, path and query, headers, body.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Received {
    method: String,
    uri: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

type Log = Arc<Mutex<Vec<Received>>>;

/// The mock behind the generated router, recording every request.
fn recording_upstream(log: Log) -> axum::Router {
    rocket_server::router(rocket_mock::Mock::new(1)).layer(middleware::from_fn(move |request: Request, next: Next| {
        let log = log.clone();
        async move {
            let (parts, body) = request.into_parts();
            let body = to_bytes(body, usize::MAX).await.unwrap_or_default();
            let headers = parts.headers.iter().map(|(n, v)| (n.to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned())).collect();
            let received = Received { method: parts.method.to_string(), uri: parts.uri.to_string(), headers, body: body.to_vec() };
            log.lock().unwrap().push(received);
            next.run(Request::from_parts(parts, Body::from(body))).await
        }
    }))
}

/// A client of `base` holding a credential for every scheme.
fn client(base: &str) -> rocket_client::Client {
    let builder = security_schemes()
        .iter()
        .filter_map(|scheme| Credential::new(scheme.name, "secret-token"))
        .fold(rocket_client::Client::builder(base), |builder, credential| builder.credential(credential));
    builder.build().unwrap()
}

/// Headers that name the connection, not the exchange.
fn without(headers: &[(String, String)], names: &[&str]) -> Vec<(String, String)> {
    headers.iter().filter(|(n, _)| !names.contains(&n.as_str())).cloned().collect()
}

fn last(log: &Log) -> Received {
    log.lock().unwrap().last().cloned().expect("the upstream was called")
}

#[tokio::test]
async fn every_operation_makes_the_same_exchange_through_the_remix() {
    let log: Log = Arc::default();
    let upstream = serve_on_loopback(recording_upstream(log.clone())).await.unwrap();
    let upstream_base = format!("http://{upstream}/api");
    let remix_client =
        rocket_remix::upstream_client(&upstream_base, &rocket_remix::FORWARDED_HEADERS.iter().map(|h| h.to_string()).collect::<Vec<_>>()).unwrap();
    let remix = serve_on_loopback(rocket_remix::app(remix_client)).await.unwrap();

    let direct = client(&upstream_base);
    let remixed = client(&format!("http://{remix}/api"));
    let synth = Synth::new(Fill::Full, 7);
    let mut differences = Vec::new();
    let mut forwarded = 0;
    for op in operations() {
        let request = synth.request(op);
        let direct_answer: RawResponse = direct.inner().send(op, &request).await.unwrap();
        let direct_received = last(&log);
        let remixed_answer: RawResponse = remixed.inner().send(op, &request).await.unwrap();
        let remixed_received = last(&log);

        // What the upstream saw: the same request, credentials included; the remix adds itself
        // to X-Forwarded-For.
        let forwarded_for = remixed_received.headers.iter().find(|(n, _)| n == "x-forwarded-for").map(|(_, v)| v.as_str());
        if forwarded_for != Some("127.0.0.1") {
            differences.push(format!("{}: x-forwarded-for {forwarded_for:?}", op.tool_name));
        }
        let direct_seen = Received { headers: without(&direct_received.headers, &["host"]), ..direct_received };
        let remixed_seen = Received { headers: without(&remixed_received.headers, &["host", "x-forwarded-for"]), ..remixed_received };
        if direct_seen != remixed_seen {
            differences.push(format!("{}: the upstream received\n  {direct_seen:?}\nthrough the remix\n  {remixed_seen:?}", op.tool_name));
        }

        if op.tool_name == "content.getItem" {
            assert_eq!(remixed_answer.status, 200);
            let item: serde_json::Value = serde_json::from_slice(&remixed_answer.body).unwrap();
            let keys: Vec<&str> = item.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, ["id", "images", "path", "title", "type"].iter().copied().filter(|k| item.get(k).is_some()).collect::<Vec<_>>());
            assert!(item["id"].is_string() && item["title"].is_string() && item["path"].is_string() && item["type"].is_string(), "{item}");
            continue;
        }
        let answer = |raw: &RawResponse| (raw.status, without(&raw.headers, &["date"]), raw.body.clone());
        if answer(&direct_answer) != answer(&remixed_answer) {
            differences.push(format!(
                "{}: answered\n  {:?}\nthrough the remix\n  {:?}",
                op.tool_name,
                (direct_answer.status, String::from_utf8_lossy(&direct_answer.body)),
                (remixed_answer.status, String::from_utf8_lossy(&remixed_answer.body))
            ));
        }
        forwarded += 1;
    }
    assert!(differences.is_empty(), "{} of {} operations differ:\n{}", differences.len(), operations().len(), differences.join("\n"));
    assert_eq!(forwarded, operations().len() - 1);
    assert_eq!(operations().len(), 121);
}

#[tokio::test]
async fn the_added_route_combines_account_and_profile() {
    let upstream = serve_on_loopback(recording_upstream(Log::default())).await.unwrap();
    let upstream_base = format!("http://{upstream}/api");
    let remix = serve_on_loopback(rocket_remix::app(rocket_remix::upstream_client(&upstream_base, &[]).unwrap())).await.unwrap();
    let http = reqwest::Client::new();
    let get = |url: String| {
        let http = http.clone();
        async move {
            let response = http.get(url).header("authorization", "Bearer t").send().await.unwrap();
            (response.status().as_u16(), serde_json::from_slice::<serde_json::Value>(&response.bytes().await.unwrap()).unwrap())
        }
    };
    let (status, me) = get(format!("http://{remix}{}", rocket_remix::ME_PATH)).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["account"], get(format!("{upstream_base}/account")).await.1);
    assert_eq!(me["profile"], get(format!("{upstream_base}/account/profile")).await.1);

    let anonymous = http.get(format!("http://{remix}{}", rocket_remix::ME_PATH)).send().await.unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
}

#[tokio::test]
async fn the_binary_serves_the_remix_and_stops_on_sigterm() {
    let upstream = serve_on_loopback(recording_upstream(Log::default())).await.unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rocket-remix"))
        .args(["--upstream", &format!("http://{upstream}/api"), "--port", "0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stderr.as_mut().unwrap()).read_line(&mut first).unwrap();
    let base = first.split_whitespace().find(|w| w.starts_with("http://")).expect("it says where it listens").to_string();

    let item = reqwest::get(format!("{base}/items/abc")).await.unwrap();
    assert_eq!(item.status().as_u16(), 200);
    let item: serde_json::Value = serde_json::from_slice(&item.bytes().await.unwrap()).unwrap();
    assert!(item.get("description").is_none() && item["title"].is_string(), "trimmed: {item}");

    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    assert_eq!(child.wait().unwrap().code(), Some(0));

    let refused = Command::new(env!("CARGO_BIN_EXE_rocket-remix")).args(["--upstream", "ftp://nowhere"]).output().unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--upstream"), "{}", String::from_utf8_lossy(&refused.stderr));
}
