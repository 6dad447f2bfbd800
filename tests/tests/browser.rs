//! CORS as a front-end developer meets it: a page served from one loopback origin calls the mock
//! servers on another in headless Chromium (Debian's `chromium`, which `cargo xtask test`
//! installs when missing) — a simple GET with a query `URLSearchParams` wrote, a GET with
//! `Authorization` (preflighted), a PUT, a DELETE, and a declared response header read. The
//! preflight itself, the origin list and `--no-cors` are checked with curl.

use std::process::Command;

use rocketgen_tests::Spawned;

fn mock_server(package: &str, args: &[&str]) -> Spawned {
    let binary = rocketgen_tests::cargo_binary(package, &format!("{package}-server"));
    Spawned::announcing(Command::new(binary).args(["--port", "0", "--quiet"]).args(args))
}

/// The page: each step's outcome, as JSON, in `<pre id="result">` once all have run.
const PAGE: &str = r#"<!doctype html>
<html><body><pre id="result">running</pre><script>
const rocket = "ROCKET", constructs = "CONSTRUCTS";
const auth = { Authorization: "Bearer token-1" };
async function step(run) {
  try { return await run(); } catch (e) { return "failed: " + e; }
}
(async () => {
  const results = {};
  const flags = new URLSearchParams({ ff: "idp,ldp", lang: "en" });
  results.simpleGet = await step(async () => {
    const r = await fetch(`${rocket}/items/abc?${flags}`);
    return { status: r.status, query: flags.toString(), hasId: typeof (await r.json()).id === "string" };
  });
  results.authorizedGet = await step(async () => {
    const r = await fetch(`${rocket}/account?${flags}`, { headers: auth });
    return { status: r.status, hasId: typeof (await r.json()).id === "string" };
  });
  results.put = await step(async () => {
    const r = await fetch(`${rocket}/account/devices/tv-1/name?name=Lounge`, { method: "PUT", headers: auth });
    return { status: r.status };
  });
  results.delete = await step(async () => {
    const r = await fetch(`${rocket}/account/devices/tv-1`, { method: "DELETE", headers: auth });
    return { status: r.status };
  });
  results.responseHeader = await step(async () => {
    const r = await fetch(`${constructs}/blobs/a.png`, { headers: { Authorization: "Bearer t" } });
    return { status: r.status, checksum: r.headers.get("x-checksum") };
  });
  document.getElementById("result").textContent = JSON.stringify(results);
})();
</script></body></html>
"#;

/// Serves `page` at `/` on `localhost` (an origin other than the mock servers' `127.0.0.1`).
async fn serve_page(page: String) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = axum::Router::new().route("/", axum::routing::get(move || async move { axum::response::Html(page) }));
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://localhost:{port}/")
}

/// Loads `url` in headless Chromium and returns the DOM once the page's work is done.
fn chromium_dom(url: &str) -> String {
    let output = Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--virtual-time-budget=30000", "--dump-dom", url])
        .output()
        .expect("chromium runs (cargo xtask test installs Debian's chromium)");
    assert!(output.status.success(), "chromium failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_on_another_origin_calls_the_mock_servers() {
    let rocket = mock_server("rocket-mock", &[]);
    let constructs = mock_server("constructs-mock", &[]);
    let page = PAGE.replace("ROCKET", &rocket.base).replace("CONSTRUCTS", &constructs.base);
    let url = serve_page(page).await;

    let dom = tokio::task::spawn_blocking(move || chromium_dom(&url)).await.unwrap();
    let text = dom.split("<pre id=\"result\">").nth(1).and_then(|rest| rest.split("</pre>").next()).expect("the page has its result");
    let text = text.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    let results: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));

    // URLSearchParams encodes the array's delimiter; the mock reads the same two flags.
    assert_eq!(results["simpleGet"], serde_json::json!({ "status": 200, "query": "ff=idp%2Cldp&lang=en", "hasId": true }), "{results}");
    assert_eq!(results["authorizedGet"], serde_json::json!({ "status": 200, "hasId": true }), "{results}");
    assert_eq!(results["put"], serde_json::json!({ "status": 204 }), "{results}");
    assert_eq!(results["delete"], serde_json::json!({ "status": 204 }), "{results}");
    assert_eq!(results["responseHeader"]["status"], 200, "{results}");
    assert!(results["responseHeader"]["checksum"].is_string(), "the declared header is exposed: {results}");
}

/// `curl -si -X OPTIONS` with the headers a browser's preflight carries; the answer's head.
fn preflight(url: &str, origin: &str) -> String {
    let output = Command::new("curl")
        .args(["-si", "-X", "OPTIONS", url, "-H", &format!("Origin: {origin}"), "-H", "Access-Control-Request-Method: PUT"])
        .args(["-H", "Access-Control-Request-Headers: authorization,content-type"])
        .output()
        .expect("curl runs");
    String::from_utf8_lossy(&output.stdout).to_ascii_lowercase()
}

#[test]
fn preflights_answer_as_the_options_say() {
    let any = mock_server("rocket-mock", &[]);
    let head = preflight(&format!("{}/account/devices/tv-1/name", any.base), "http://localhost:5173");
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(head.contains("access-control-allow-origin: *"), "{head}");
    assert!(head.contains("access-control-allow-methods:") && head.contains("put") && head.contains("delete"), "{head}");
    assert!(head.contains("access-control-allow-headers:") && head.contains("authorization"), "{head}");

    let listed = mock_server("rocket-mock", &["--cors-origin", "http://localhost:5173"]);
    let allowed = preflight(&format!("{}/account", listed.base), "http://localhost:5173");
    assert!(allowed.contains("access-control-allow-origin: http://localhost:5173"), "{allowed}");
    assert!(allowed.contains("access-control-allow-credentials: true"), "{allowed}");
    let other = preflight(&format!("{}/account", listed.base), "http://evil.example");
    assert!(!other.contains("access-control-allow-origin"), "{other}");

    let none = mock_server("rocket-mock", &["--no-cors"]);
    let refused = preflight(&format!("{}/account", none.base), "http://localhost:5173");
    assert!(!refused.contains("access-control-allow-origin"), "{refused}");
}

/// curl sends the query as written: an encoded delimiter reads as a bare one for enum items, and
/// a value that fits neither way is refused naming the parameter.
#[test]
fn encoded_delimiters_from_curl() {
    let server = mock_server("rocket-mock", &[]);
    let status = |query: &str| {
        let output =
            Command::new("curl").args(["-s", "-o", "/dev/null", "-w", "%{http_code}", &format!("{}/items/abc?{query}", server.base)]).output().unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    assert_eq!(status("ff=idp%2Cldp"), "200");
    assert_eq!(status("ff=idp,ldp"), "200");
    assert_eq!(status("ff=idp%2Cnot-a-flag"), "400");
}
