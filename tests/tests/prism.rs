//! The generated client against an independent server: Prism (`@stoplight/prism-cli`, installed
//! by `cargo xtask test` into tests/tools) serves the Rocket spec with request validation. The
//! client calls every operation with valid synthesized inputs: Prism must accept every request
//! (no violation reported, no 4xx), and every 2xx body must deserialize into its declared type.
//!
//! Prism answers `/page`, `/itv/page` and `/config` with 500 SCHEMA_TOO_COMPLEX in static mode,
//! so those three go to a second Prism in dynamic mode with a fixed seed.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rocketgen_tests::Spawned;

use rocketgen_tests::http::cases;
use serde_json::Value;

/// Operations whose schemas Prism cannot mock statically.
const DYNAMIC_PATHS: &[&str] = &["/page", "/itv/page", "/config"];

fn prism_binary() -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tools/node_modules/.bin/prism");
    assert!(path.exists(), "Prism is not installed at {}: run `cargo xtask test`, which installs it", path.display());
    path
}

fn start_prism(dynamic: bool) -> Spawned {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let spec = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../specs/rocket/openapi.json");
    let mut command = Command::new(prism_binary());
    command.args(["mock", spec.to_str().unwrap(), "-h", "127.0.0.1", "-p", &port.to_string(), "-v", "warn"]);
    if dynamic {
        command.args(["-d", "--seed", "1"]);
    }
    let child = command.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("Prism starts");
    let prism = Spawned { child, base: format!("http://127.0.0.1:{port}") };
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "Prism did not start listening within 60 s");
        std::thread::sleep(Duration::from_millis(100));
    }
    prism
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prism_accepts_every_request_and_every_2xx_body_deserializes() {
    let (static_prism, dynamic_prism) = (start_prism(false), start_prism(true));
    let clients = [&static_prism, &dynamic_prism].map(|p| rocket_client::Client::builder(p.base.clone()).timeout(Duration::from_secs(30)).build().unwrap());
    let mut failures = Vec::new();
    let mut ok_2xx = 0;
    let mut excused_requests = Vec::new();
    let mut invalid_mock_bodies = Vec::new();
    let all = cases("rocket");
    let ref_siblings = rocketgen_tests::http::ref_sibling_bodies();
    for case in &all {
        let tool = case["tool"].as_str().unwrap();
        let meta = rocket_api::meta::operations().iter().find(|m| m.tool_name == tool).unwrap();
        let client = &clients[usize::from(DYNAMIC_PATHS.contains(&meta.path))];
        let credentials =
            || -> Vec<rocket_api::Credential> { case["credential"].as_str().and_then(|s| rocket_api::Credential::new(s, "token-1")).into_iter().collect() };

        // The raw exchange: Prism reports request violations in `sl-violations`.
        let request: Value = case["request"].clone();
        let fields: serde_json::Map<String, Value> = request.as_object().cloned().unwrap_or_default();
        let raw = client.inner().send_with_credentials(meta, &fields, &credentials()).await;
        let raw = match raw {
            Ok(raw) => raw,
            Err(e) => {
                failures.push(format!("{tool}: {e}"));
                continue;
            }
        };
        let violations = raw.headers.iter().find(|(n, _)| n == "sl-violations").map(|(_, v)| v.as_str()).unwrap_or("");
        let request_violations = violations.matches("\"location\":[\"request\"").count();
        // Where the spec puts `type: string` beside the `$ref` of a request body, Prism honours
        // the sibling and refuses the object the referenced schema describes; OpenAPI 3.0 (and
        // the generator, with a diagnostic) ignore it. Only that violation is excused.
        let sibling_fault = "\"location\":[\"request\",\"body\"],\"severity\":\"Error\",\"code\":\"type\"";
        let excused = ref_siblings.iter().any(|t| t == tool) && request_violations > 0 && violations.matches(sibling_fault).count() == request_violations;
        if excused {
            excused_requests.push(tool.to_string());
            continue;
        }
        if request_violations > 0 {
            failures.push(format!("{tool}: Prism reports request violations: {violations}"));
        }
        if (400..500).contains(&raw.status) {
            failures.push(format!("{tool}: Prism answered {}: {}", raw.status, String::from_utf8_lossy(&raw.body)));
            continue;
        }
        // Prism's own mock data sometimes fails Prism's own response validation; a client
        // that refuses such a body is right to, so that case is counted, not failed.
        let prism_response_fault = violations.contains("\"location\":[\"response\"");

        // The typed call: a 2xx must decode into its declared variant.
        match rocketgen_tests::http::rocket::call(client, tool, request, credentials()).await {
            Ok(response) => {
                let variant = response.as_object().and_then(|o| o.keys().next().cloned()).unwrap_or_else(|| response.to_string());
                // A status the operation declares must come back as its own variant; one it does
                // not declare belongs to `default` (Prism answers `default` with a 200).
                let declared = meta.responses.iter().any(|r| r.status != rocketgen_runtime::meta::Status::Default && r.status.covers(raw.status));
                if (200..300).contains(&raw.status) {
                    if variant.contains("Undeclared") || (declared && variant.contains("Default")) {
                        failures.push(format!("{tool}: a {} came back as {variant}", raw.status));
                    } else {
                        ok_2xx += 1;
                    }
                } else {
                    failures.push(format!("{tool}: Prism answered {} ({variant})", raw.status));
                }
            }
            Err(e) if prism_response_fault => invalid_mock_bodies.push(format!("{tool}: {e}")),
            Err(e) => failures.push(format!("{tool}: {e}")),
        }
    }
    assert_eq!(all.len(), 121);
    assert!(failures.is_empty(), "{} of {} operations failed against Prism:\n{}", failures.len(), all.len(), failures.join("\n"));
    eprintln!("{ok_2xx} of {} operations: request accepted by Prism, 2xx body decoded", all.len());
    eprintln!("{} refused by Prism for the `$ref`-sibling spec fault: {excused_requests:?}", excused_requests.len());
    eprintln!("{} bodies Prism itself reports invalid, refused by the client: {invalid_mock_bodies:?}", invalid_mock_bodies.len());
    // The excused cases stay few and known: the four `$ref`-sibling bodies, and Prism's invalid
    // item lists (required `id`, `size`, `items`, `paging`, `path` missing from nested lists).
    assert!(excused_requests.len() <= 4, "{excused_requests:?}");
    assert!(ok_2xx + excused_requests.len() + invalid_mock_bodies.len() == all.len());
}
