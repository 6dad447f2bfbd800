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

/// `--request-timeout` answers 408 to what takes longer; `--max-concurrency 1` serves one
/// request at a time.
#[tokio::test]
async fn request_timeout_and_concurrency_limit() {
    let slow = start(&["--latency", "400", "--request-timeout", "100"]);
    let answer = reqwest::get(format!("{}/items/abc", slow.base)).await.unwrap();
    assert_eq!(answer.status().as_u16(), 408);

    let one_at_a_time = start(&["--latency", "300", "--max-concurrency", "1"]);
    let started = Instant::now();
    let url = format!("{}/items/abc", one_at_a_time.base);
    let (a, b) = tokio::join!(reqwest::get(url.clone()), reqwest::get(url));
    assert_eq!((a.unwrap().status().as_u16(), b.unwrap().status().as_u16()), (200, 200));
    assert!(started.elapsed() >= Duration::from_millis(600), "served at once: {:?}", started.elapsed());
}

/// `--proxy` passes the upstream's answers back as they came; `--record` keeps those that fit
/// the spec (and reports the one that does not); `--fixtures` replays the recording.
#[tokio::test]
async fn proxy_records_what_fits_and_fixtures_replay_it() {
    use axum::routing::get;
    // The upstream: the Rocket mock, except one item whose body breaks the spec.
    let upstream = axum::Router::new()
        .route("/api/items/broken", get(|| async { axum::Json(serde_json::json!({ "id": 5 })) }))
        .merge(rocket_server::router(rocket_mock::Mock::new(3)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream_base = format!("http://{}/api", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, upstream).await });

    let dir = std::env::temp_dir().join(format!("rocketgen-record-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("recorded.json");
    let proxy = start(&["--proxy", &upstream_base, "--record", file.to_str().unwrap()]);
    let http = reqwest::Client::new();
    let fetch = |base: &str, path: &str| {
        let request = http.get(format!("{base}{path}")).header("authorization", "Bearer t");
        async move {
            let answer = request.send().await.unwrap();
            (answer.status().as_u16(), answer.text().await.unwrap())
        }
    };
    let item = fetch(&proxy.base, "/items/abc").await;
    assert_eq!(item, fetch(&upstream_base, "/items/abc").await, "the upstream's answer as it came");
    let account = fetch(&proxy.base, "/account").await;
    assert_eq!(account.0, 200);
    let broken = fetch(&proxy.base, "/items/broken").await;
    assert_eq!(broken, (200, r#"{"id":5}"#.to_string()), "passed back even when it does not fit");

    let recorded: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(recorded["content.getItem"]["status"], 200);
    assert_eq!(recorded["content.getItem"]["body"], serde_json::from_str::<serde_json::Value>(&item.1).unwrap(), "the last answer that fits");
    assert_eq!(recorded["account.getAccount"]["body"], serde_json::from_str::<serde_json::Value>(&account.1).unwrap());
    let mut proxy = proxy;
    let _ = proxy.child.kill();
    let mut log = String::new();
    std::io::Read::read_to_string(proxy.child.stderr.as_mut().unwrap(), &mut log).unwrap();
    assert!(log.contains("not recorded: GET /items/broken (content.getItem): body"), "{log}");

    // Replayed: another item id gets the recorded answer.
    let replay = start(&["--fixtures", file.to_str().unwrap()]);
    let replayed = fetch(&replay.base, "/items/xyz").await;
    assert_eq!(replayed, item);
    std::fs::remove_dir_all(&dir).unwrap();
}
