//! The mock server binary as a front-end developer runs it: options, fixtures checked at
//! start-up, `Prefer`, latency, lenient validation, request logging.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use rocketgen_tests::Spawned;

fn binary() -> PathBuf {
    rocketgen_tests::cargo_binary("rocket-mock", "rocket-mock-server")
}

fn start(args: &[&str]) -> Spawned {
    Spawned::announcing(Command::new(binary()).args(["--port", "0"]).args(args))
}

#[test]
fn bad_options_and_fixtures_exit_2_with_a_message() {
    let dir = std::env::temp_dir().join(format!("rocketgen-mock-server-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, "content.getItme:\n  status: 200\n").unwrap();
    let output = Command::new(binary()).args(["--fixtures", bad.to_str().unwrap()]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("error: fixtures:") && err.contains("content.getItme: no such operation"), "{err}");

    let output = Command::new(binary()).args(["--port", "eighty"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--port"));

    let output = Command::new(binary()).args(["--fixtures", "/no/such/file.yaml"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("/no/such/file.yaml"));
}

#[tokio::test]
async fn serves_with_prefer_latency_lenience_and_logging() {
    // Start-up time is measured by `cargo xtask bench-mock`, not asserted here.
    let server = start(&["--latency", "60", "--no-validate", "--seed", "5"]);
    let http = reqwest::Client::new();

    let started = Instant::now();
    let ok = http.get(format!("{}/items/abc", server.base)).send().await.unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    assert!(started.elapsed() >= Duration::from_millis(60), "latency not applied");

    let not_found = http.get(format!("{}/items/abc", server.base)).header("Prefer", "code=404").send().await.unwrap();
    assert_eq!(not_found.status().as_u16(), 404);
    let body: serde_json::Value = not_found.json().await.unwrap();
    assert!(body["message"].is_string());

    // Invalid (an unknown enum value, a missing required parameter) but served.
    let lenient = http.get(format!("{}/lists/1?order=sideways", server.base)).send().await.unwrap();
    assert_eq!(lenient.status().as_u16(), 200);
    let lenient = http.get(format!("{}/search", server.base)).send().await.unwrap();
    assert_eq!(lenient.status().as_u16(), 200);

    // The same seed gives the same data from a second server.
    let again = start(&["--seed", "5"]);
    let a = http.get(format!("{}/items/abc", server.base)).send().await.unwrap().text().await.unwrap();
    let b = http.get(format!("{}/items/abc", again.base)).send().await.unwrap().text().await.unwrap();
    assert_eq!(a, b);

    // Without --no-validate the same request is refused.
    let strict = http.get(format!("{}/lists/1?order=sideways", again.base)).send().await.unwrap();
    assert_eq!(strict.status().as_u16(), 400);

    // Requests are logged.
    let mut server = server;
    let _ = server.child.kill();
    let mut log = String::new();
    std::io::Read::read_to_string(server.child.stderr.as_mut().unwrap(), &mut log).unwrap();
    assert!(log.contains("GET /api/items/abc → 404"), "{log}");
}

/// SIGTERM (what `docker stop` and Kubernetes send) lets the request in flight finish, then the
/// server exits 0.
#[tokio::test]
async fn sigterm_finishes_requests_in_flight_then_exits() {
    let mut server = start(&["--latency", "700"]);
    let url = format!("{}/items/abc", server.base);
    let in_flight = tokio::spawn(async move { reqwest::get(url).await.map(|r| r.status().as_u16()) });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let killed = Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    assert_eq!(in_flight.await.unwrap().unwrap(), 200, "the request in flight is answered");
    let status = server.child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{status}");
    let mut log = String::new();
    std::io::Read::read_to_string(server.child.stderr.as_mut().unwrap(), &mut log).unwrap();
    assert!(log.contains("shutting down"), "{log}");
}
