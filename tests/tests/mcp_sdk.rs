//! `rocketgen mcp` driven by the official Python MCP SDK (PyPI `mcp`, pinned in
//! tests/tools/requirements.txt, installed by `cargo xtask test` into tests/tools/venv), over
//! stdio and over streamable HTTP: every Rocket tool is listed and called against the Rocket mock
//! server on loopback, and the SDK checks each answer against the tool's output schema itself.
//! The client is `tests/tools/mcp_sdk_client.py`; it prints what it saw as JSON.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use serde_json::{Map, Value, json};

#[path = "support/tool_arguments.rs"]
mod tool_arguments;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().unwrap()
}

fn python() -> PathBuf {
    let path = repo().join("tests/tools/venv/bin/python");
    assert!(path.exists(), "the test tools' Python is not installed at {}: run `cargo xtask test`, which installs it", path.display());
    path
}

/// Runs the SDK client with these arguments (off the async runtime, which serves the mock) and
/// returns its report.
async fn sdk_client(args: Vec<String>) -> Value {
    let output = tokio::task::spawn_blocking(move || {
        Command::new(python()).arg(repo().join("tests/tools/mcp_sdk_client.py")).args(&args).env_remove("ROCKETGEN_TOKEN").output().expect("python runs")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "the SDK client failed: {}\n{stdout}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("the SDK client printed no JSON ({e}): {stdout}"))
}

/// The Rocket tool names and the two control tools, sorted.
fn expected_tools(root: &Path) -> Vec<String> {
    let mut expected: Vec<String> =
        std::fs::read_to_string(root.join("specs/rocket/tools.txt")).unwrap().lines().filter(|l| !l.is_empty()).map(String::from).collect();
    expected.extend(["openapi.previewSpec".to_string(), "openapi.addSource".to_string()]);
    expected.sort();
    expected
}

/// What a report of every tool called must say, whichever the transport.
fn assert_operations(report: &Value, root: &Path, transport: &str) {
    assert_eq!(report["server"], "rocketgen", "{transport}");
    let tools: Vec<String> = serde_json::from_value(report["tools"].clone()).unwrap();
    assert_eq!(tools, expected_tools(root), "{transport}: tools/list");
    assert_eq!(report["without_output_schema"], json!([]), "{transport}: every tool declares an output schema");
    assert_eq!(report["failures"], json!([]), "{transport}: calls that failed or did not conform");
    assert_eq!(report["called"], 121, "{transport}");
    // A missing required argument is a tool error that names it; an unknown tool a protocol error.
    assert_eq!(report["missing_argument"]["is_error"], true, "{transport}: {report}");
    assert!(report["missing_argument"]["text"].as_str().unwrap().contains("id"), "{transport}: {report}");
    assert_eq!(report["unknown_tool"]["code"], -32602, "{transport}: {report}");
    assert!(report["unknown_tool"]["message"].as_str().unwrap().contains("content.noSuchTool"), "{transport}: {report}");
    assert_eq!(report["preview"]["is_error"], false, "{transport}: {report}");
    assert_eq!(report["preview"]["operationCount"], 121, "{transport}: {report}");
    assert_eq!(report["preview"]["title"], "Rocket Services", "{transport}: {report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_sdk_lists_and_calls_every_rocket_tool_over_stdio_and_http() {
    let root = repo();
    let base = rocketgen_tests::http::serve(rocket_server::router_at(Arc::new(rocket_mock::Mock::new(1)), "/api")).await;
    let spec = root.join("specs/rocket/openapi.json");
    let api = rocketgen::ir::build(&rocketgen::load::load_path(&spec).unwrap()).unwrap();
    let arguments: Map<String, Value> = tool_arguments::rocket_tool_arguments(&api).into_iter().collect();
    let scratch = std::env::temp_dir().join(format!("rocketgen-mcp-sdk-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let arguments_file = scratch.join("arguments.json");
    std::fs::write(&arguments_file, Value::Object(arguments).to_string()).unwrap();

    let rocketgen = rocketgen_tests::cargo_binary("rocketgen", "rocketgen");
    let mut server_args = vec!["mcp".to_string(), "--root".into(), root.display().to_string(), "--source".into(), "rocket".into()];
    server_args.extend(["--base-url".to_string(), format!("rocket={base}/api")]);
    for (scheme, secret) in tool_arguments::secrets(&api) {
        server_args.extend(["--credential".to_string(), format!("rocket:{scheme}={secret}")]);
    }
    let common = vec![arguments_file.display().to_string(), spec.display().to_string()];

    let stdio = [common.clone(), vec!["stdio".to_string(), rocketgen.display().to_string()], server_args.clone()].concat();
    assert_operations(&sdk_client(stdio).await, &root, "stdio");

    let http_server = rocketgen_tests::Spawned::announcing(Command::new(&rocketgen).args(&server_args).args(["--http", "127.0.0.1:0"]));
    let http = [common, vec!["http".to_string(), http_server.base.clone()]].concat();
    assert_operations(&sdk_client(http).await, &root, "streamable HTTP");
    std::fs::remove_dir_all(&scratch).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_sdk_searches_describes_and_calls_in_search_mode() {
    let root = repo();
    let rocketgen = rocketgen_tests::cargo_binary("rocketgen", "rocketgen");
    let args = ["-", "-", "search", &rocketgen.display().to_string(), "mcp", "--root", &root.display().to_string(), "--source", "rocket", "--tools", "search"]
        .map(String::from)
        .to_vec();
    let report = sdk_client(args).await;
    assert_eq!(report["tools"], json!(["call", "describe", "openapi.addSource", "openapi.previewSpec", "search"]), "{report}");
    assert!(report["search"].as_array().unwrap().contains(&json!("content.getItem")), "{report}");
    assert_eq!(report["describe"], json!({"name": "content.getItem", "has_input": true, "has_output": true}));
    assert_eq!(report["call_missing_argument"]["is_error"], true, "{report}");
    assert!(report["call_missing_argument"]["text"].as_str().unwrap().contains("id"), "{report}");
    assert_eq!(report["describe_unknown"]["is_error"], true, "{report}");
    assert!(report["describe_unknown"]["text"].as_str().unwrap().contains("content.noSuchTool"), "{report}");
}
