//! `rocketgen mcp` driven by a real MCP client: the MCP Inspector's CLI
//! (`@modelcontextprotocol/inspector` 0.15.0, installed by `cargo xtask test` into tests/tools),
//! which starts the server over stdio, initializes, and lists or calls tools.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().unwrap()
}

fn inspector() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/node_modules/.bin/mcp-inspector");
    assert!(path.exists(), "the MCP Inspector is not installed at {}: run `cargo xtask test`, which installs it", path.display());
    path
}

/// Runs the Inspector's CLI against `rocketgen mcp <server_args>` and returns its JSON answer.
fn inspect(server_args: &[&str], method_args: &[&str]) -> Value {
    let rocketgen = rocketgen_tests::cargo_binary("rocketgen", "rocketgen");
    let output = Command::new(inspector())
        .arg("--cli")
        .arg(&rocketgen)
        .arg("mcp")
        .args(server_args)
        .args(method_args)
        .env_remove("ROCKETGEN_TOKEN")
        .output()
        .expect("the Inspector runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "Inspector failed: {}\n{stdout}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("Inspector printed no JSON ({e}): {stdout}"))
}

fn names(list: &Value) -> Vec<String> {
    list["tools"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_string()).collect()
}

/// The body of an operation tool's answer: `{status, body}` as structured content.
fn answer(result: &Value) -> &Value {
    &result["structuredContent"]
}

#[test]
fn tools_list_is_the_121_operations_and_the_two_own_tools() {
    let root = repo();
    let list = inspect(&["--root", root.to_str().unwrap(), "--source", "rocket"], &["--method", "tools/list"]);
    let mut expected: Vec<String> =
        std::fs::read_to_string(root.join("specs/rocket/tools.txt")).unwrap().lines().filter(|l| !l.is_empty()).map(String::from).collect();
    expected.push("openapi.previewSpec".into());
    expected.push("openapi.addSource".into());
    let mut got = names(&list);
    assert_eq!(got.len(), 123);
    got.sort();
    expected.sort();
    assert_eq!(got, expected);
    // At the project root with no source named: the test fixtures are not served.
    let mut at_root = names(&inspect(&["--root", root.to_str().unwrap()], &["--method", "tools/list"]));
    at_root.sort();
    assert_eq!(at_root, expected);

    let tool = |name: &str| list["tools"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap().clone();
    // Annotations follow the method.
    assert_eq!(tool("content.getItem")["annotations"]["readOnlyHint"], true);
    let delete = tool("account.deleteProfileWithId");
    assert_eq!(delete["annotations"]["destructiveHint"], true, "{delete}");
    let put = tool("profile.bookmarkItem");
    assert_eq!(put["annotations"]["idempotentHint"], true, "{put}");
    // Input schemas are self-contained.
    for t in list["tools"].as_array().unwrap() {
        assert_eq!(t["inputSchema"]["type"], "object", "{}", t["name"]);
        assert!(!t["inputSchema"].to_string().contains("\"$ref\""), "{} has a $ref", t["name"]);
    }
    assert!(tool("content.getItem")["inputSchema"]["required"].as_array().unwrap().contains(&json!("id")));
}

/// `content.getItem id=item-42` through the Inspector, against the API at `base_url` (off the
/// test's runtime, which serves that API).
async fn get_item_through_mcp(base_url: String) -> Value {
    let root = repo();
    tokio::task::spawn_blocking(move || {
        let server_args = ["--root", root.to_str().unwrap(), "--source", "rocket", "--base-url", base_url.as_str()];
        inspect(&server_args, &["--method", "tools/call", "--tool-name", "content.getItem", "--tool-arg", "id=item-42"])
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn content_get_item_returns_the_item_the_server_serves() {
    let base = rocketgen_tests::http::serve(rocket_server::router(rocket_mock::Mock::new(7))).await;
    let direct: Value = reqwest::get(format!("{base}/api/items/item-42")).await.unwrap().json().await.unwrap();
    let result = get_item_through_mcp(format!("{base}/api")).await;
    assert_ne!(result["isError"], true, "{result}");
    assert_eq!(answer(&result)["status"], 200);
    // The Inspector is JavaScript: `56.0` comes back as `56`, so numbers compare as numbers.
    assert!(normalize(&answer(&result)["body"]) == normalize(&direct), "the tool's body differs from the item the server serves");
    assert!(direct["id"].is_string() && direct["type"].is_string(), "an item: {direct}");
    // The same answer as text, for clients that read only text content.
    let text: Value = serde_json::from_str(result["content"][0]["text"].as_str().unwrap()).unwrap();
    assert!(normalize(&text) == normalize(answer(&result)), "text and structured content differ");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_http_error_is_a_tool_error_result() {
    let base = rocketgen_tests::http::serve(rocket_server::router(rocket_mock::Mock::new(7))).await;
    // Nothing is served under /elsewhere: the router answers 404.
    let result = get_item_through_mcp(format!("{base}/elsewhere")).await;
    assert_eq!(result["isError"], true, "{result}");
    let text: Value = serde_json::from_str(result["content"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(text["status"], 404, "{result}");
}

#[test]
fn invalid_arguments_are_a_tool_error_naming_the_field() {
    let root = repo();
    let result = inspect(
        &["--root", root.to_str().unwrap(), "--source", "rocket", "--base-url", "http://127.0.0.1:9"],
        &["--method", "tools/call", "--tool-name", "content.getItem", "--tool-arg", "nonsense=1"],
    );
    assert_eq!(result["isError"], true, "{result}");
    let text = result["content"][0]["text"].as_str().unwrap();
    assert!(text.contains("id"), "names the missing parameter: {text}");
}

#[test]
fn preview_spec_and_add_source_work_on_a_small_spec() {
    let pets = repo().join("generator/tests/fixtures/sources/pets.yaml");
    let preview = inspect(&[], &["--method", "tools/call", "--tool-name", "openapi.previewSpec", "--tool-arg", &format!("spec={}", pets.display())]);
    assert_ne!(preview["isError"], true, "{preview}");
    let shown = &preview["structuredContent"];
    assert_eq!(shown["title"], "Pet Store");
    let tools: Vec<&str> = shown["tools"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert!(tools.contains(&"pets.getPet") && tools.contains(&"pets.deletePet"), "{tools:?}");
    // The tools' schemas only when asked for.
    assert!(shown["tools"].as_array().unwrap().iter().all(|t| t.get("input_schema").is_none()), "{shown}");
    let spec_arg = format!("spec={}", pets.display());
    let with_schemas = inspect(&[], &["--method", "tools/call", "--tool-name", "openapi.previewSpec", "--tool-arg", &spec_arg, "schemas=true"]);
    assert_ne!(with_schemas["isError"], true, "{with_schemas}");
    let get_pet = with_schemas["structuredContent"]["tools"].as_array().unwrap().iter().find(|t| t["name"] == "pets.getPet").unwrap().clone();
    assert_eq!(get_pet["input_schema"]["type"], "object", "{get_pet}");

    // Registered with `persist`, it is in the workspace; a new server lists its tools.
    let scratch = tempdir();
    std::fs::write(scratch.join("sources.toml"), "").unwrap();
    let root = scratch.to_str().unwrap();
    let added = inspect(
        &["--root", root],
        &["--method", "tools/call", "--tool-name", "openapi.addSource", "--tool-arg", &format!("spec={}", pets.display()), "name=pets", "persist=true"],
    );
    assert_ne!(added["isError"], true, "{added}");
    let registered: Vec<&str> = added["structuredContent"]["tools"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    assert_eq!(registered, tools);
    assert!(scratch.join("generated/pets/api/src/lib.rs").exists());
    let list = inspect(&["--root", root], &["--method", "tools/list"]);
    let mut listed = names(&list);
    listed.retain(|n| !n.starts_with("openapi."));
    assert_eq!(listed, tools);
    std::fs::remove_dir_all(&scratch).unwrap();
}

/// Registered at run time (not persisted), a spec's tools are listed and callable in the same
/// session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_added_at_run_time_is_listed_and_callable() {
    let base = rocketgen_tests::http::serve(rocket_server::router(rocket_mock::Mock::new(3))).await;
    let settings = rocketgen::mcp::Settings { base_urls: [("notes".to_string(), format!("{base}/api"))].into_iter().collect(), ..Default::default() };
    let server = rocketgen::mcp::McpServer::from_workspace(settings, &[]).unwrap();
    assert_eq!(server.tools().len(), 2);
    // Rocket's spec given inline, under another name; its base URL comes from the settings.
    let text = std::fs::read_to_string(repo().join("specs/rocket/openapi.json")).unwrap();
    let (result, changed) = server.call("openapi.addSource", json!({"spec": text, "name": "notes"})).await.unwrap();
    assert_ne!(result.is_error, Some(true), "{result:?}");
    assert!(changed);
    assert_eq!(server.tools().len(), 123);
    // Adding the same spec again changes nothing; a different one under the name needs `upgrade`.
    let (again, _) = server.call("openapi.addSource", json!({"spec": text, "name": "notes"})).await.unwrap();
    assert_eq!(again.structured_content.as_ref().unwrap()["unchanged"], true);
    let other =
        std::fs::read_to_string(repo().join("specs/rocket/3.730.228-ref-1-39-0.openapi.json")).unwrap_or_else(|_| text.replace("\"3.730.300\"", "\"9\""));
    let (refused, _) = server.call("openapi.addSource", json!({"spec": other, "name": "notes"})).await.unwrap();
    assert_eq!(refused.is_error, Some(true));
    let (item, _) = server.call("content.getItem", json!({"id": "abc"})).await.unwrap();
    assert_ne!(item.is_error, Some(true), "{item:?}");
    assert_eq!(item.structured_content.as_ref().unwrap()["status"], 200);
}

/// Executor's input, through the Inspector (whose SDK checks each answer against the tool's
/// declared output schema): `previewSpec` answers the summary fields; `addSource` takes the spec
/// as `{kind: "blob", value}` with a namespace, base URL, headers and query parameters, and
/// answers `{sourceId, toolCount}`.
#[test]
fn the_control_tools_take_and_answer_executors_shapes() {
    let list = inspect(&[], &["--method", "tools/list"]);
    for name in ["openapi.previewSpec", "openapi.addSource"] {
        let tool = list["tools"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap();
        assert_eq!(tool["outputSchema"]["type"], "object", "{tool}");
        assert!(tool["inputSchema"]["properties"]["spec"]["anyOf"].is_array(), "{tool}");
    }
    let rocket = repo().join("specs/rocket/openapi.json");
    let preview = inspect(&[], &["--method", "tools/call", "--tool-name", "openapi.previewSpec", "--tool-arg", &format!("spec={}", rocket.display())]);
    assert_ne!(preview["isError"], true, "{preview}");
    let shown = &preview["structuredContent"];
    assert_eq!(shown["operationCount"], 121);
    assert_eq!(shown["servers"], json!([{"url": "/api"}]));
    assert!(shown["tags"].as_array().unwrap().contains(&json!("content")), "{}", shown["tags"]);
    let account = shown["securitySchemes"].as_array().unwrap().iter().find(|s| s["name"] == "accountAuth").unwrap();
    assert_eq!(account["type"], "oauth2");
    assert_eq!(account["flows"]["password"]["tokenUrl"], "/account/authorization");
    assert!(shown["authStrategies"].as_array().unwrap().contains(&json!({"schemes": ["accountAuth"]})), "{}", shown["authStrategies"]);
    assert!(shown["oauth2Presets"].as_array().unwrap().iter().any(|p| p["securitySchemeName"] == "profileAuth" && p["flow"] == "password"));

    let pets = std::fs::read_to_string(repo().join("generator/tests/fixtures/sources/pets.yaml")).unwrap();
    let spec = json!({"kind": "blob", "value": pets}).to_string();
    let added = inspect(
        &[],
        &[
            "--method",
            "tools/call",
            "--tool-name",
            "openapi.addSource",
            "--tool-arg",
            &format!("spec={spec}"),
            "name=Pet Store",
            "namespace=petstore",
            "baseUrl=http://127.0.0.1:9/v1",
            r#"headers={"x-team": "front"}"#,
            r#"queryParams={"trace": "1"}"#,
            "scope=user",
        ],
    );
    assert_ne!(added["isError"], true, "{added}");
    let answer = &added["structuredContent"];
    assert_eq!(answer["sourceId"], "petstore");
    assert_eq!(answer["toolCount"], 3);
    assert!(answer["tools"].as_array().unwrap().contains(&json!("petstore.pets.getPet")), "{answer}");
}

/// `--tools search` through the Inspector: five tools listed, `search` answering as its output
/// schema says.
#[test]
fn the_search_mode_lists_five_tools_and_searches() {
    let root = repo();
    let args = ["--root", root.to_str().unwrap(), "--source", "rocket", "--tools", "search"];
    let list = inspect(&args, &["--method", "tools/list"]);
    assert_eq!(names(&list), ["search", "describe", "call", "openapi.previewSpec", "openapi.addSource"]);
    let found = inspect(&args, &["--method", "tools/call", "--tool-name", "search", "--tool-arg", "query=watched list of a profile", "limit=3"]);
    assert_ne!(found["isError"], true, "{found}");
    let tools = found["structuredContent"]["tools"].as_array().unwrap();
    assert_eq!(tools.len(), 3);
    assert!(tools.iter().any(|t| t["name"] == "profile.getWatchedList"), "{found}");
}

type Seen = std::sync::Arc<std::sync::Mutex<Vec<(String, Option<String>)>>>;

/// A source added with a namespace, base URL, headers and query parameters: its tools are
/// named under the namespace and send the headers and parameters with every request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_namespaced_source_sends_its_headers_and_query_parameters() {
    // Each request's URI and its `x-team` header.
    let seen: Seen = Default::default();
    let store = seen.clone();
    let router = axum::Router::new().fallback(move |request: axum::extract::Request| {
        let store = store.clone();
        async move {
            let team = request.headers().get("x-team").and_then(|v| v.to_str().ok()).map(str::to_string);
            store.lock().unwrap().push((request.uri().to_string(), team));
            axum::Json(json!({"id": 7, "name": "Rex"}))
        }
    });
    let base = rocketgen_tests::http::serve(router).await;
    let server = rocketgen::mcp::McpServer::from_workspace(rocketgen::mcp::Settings::default(), &[]).unwrap();
    let pets = std::fs::read_to_string(repo().join("generator/tests/fixtures/sources/pets.yaml")).unwrap();
    let args = json!({
        "spec": {"kind": "blob", "value": pets},
        "namespace": "petstore",
        "baseUrl": format!("{base}/v1"),
        "headers": {"x-team": "front"},
        "queryParams": {"trace": "1"},
    });
    let (added, _) = server.call("openapi.addSource", args).await.unwrap();
    assert_ne!(added.is_error, Some(true), "{added:?}");
    let (grid, _) = server.call("petstore.misc.getGrid", json!({})).await.unwrap();
    assert_ne!(grid.is_error, Some(true), "{grid:?}");
    assert_eq!(seen.lock().unwrap().clone(), [("/v1/grid?trace=1".to_string(), Some("front".to_string()))]);
    // A header value that is not a string is refused, naming it.
    let (refused, _) =
        server.call("openapi.addSource", json!({"spec": {"kind": "blob", "value": pets}, "namespace": "other", "headers": {"x-team": 3}})).await.unwrap();
    assert_eq!(refused.is_error, Some(true));
    assert!(format!("{:?}", refused.content).contains("headers.x-team"), "{refused:?}");
}

fn normalize(value: &Value) -> Value {
    match value {
        Value::Number(n) => json!(n.as_f64()),
        Value::Array(items) => Value::Array(items.iter().map(normalize).collect()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), normalize(v))).collect()),
        other => other.clone(),
    }
}

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rocketgen-mcp-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `--http`: the same tools over streamable HTTP.
#[test]
fn streamable_http_serves_the_same_tools() {
    let root = repo();
    let server = rocketgen_tests::Spawned::announcing(Command::new(rocketgen_tests::cargo_binary("rocketgen", "rocketgen")).args([
        "mcp",
        "--root",
        root.to_str().unwrap(),
        "--source",
        "rocket",
        "--http",
        "127.0.0.1:0",
    ]));
    let output = Command::new(inspector()).args(["--cli", &server.base, "--transport", "http", "--method", "tools/list"]).output().unwrap();
    drop(server);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let list: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(names(&list).len(), 123);
}

/// A paginated tool with `all_pages`: every item of every page as one array, in one answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_pages_answers_every_item_of_a_paginated_tool() {
    let lists = std::sync::Arc::new(rocketgen_tests::lists::Lists::new(false));
    let base = rocketgen_tests::http::serve(rocket_server::router_at(lists.clone(), rocket_server::BASE_PATH)).await;
    let root = repo();
    let result = tokio::task::spawn_blocking(move || {
        let base_url = format!("{base}/api");
        let server_args = ["--root", root.to_str().unwrap(), "--source", "rocket", "--base-url", base_url.as_str()];
        let list = inspect(&server_args, &["--method", "tools/list"]);
        let tool = list["tools"].as_array().unwrap().iter().find(|t| t["name"] == "content.getList").unwrap().clone();
        assert_eq!(tool["inputSchema"]["properties"]["all_pages"]["type"], "boolean", "{tool}");
        let tool_args = ["--tool-arg", "id=l1", "--tool-arg", "page_size=10", "--tool-arg", "all_pages=true"];
        inspect(&server_args, &[&["--method", "tools/call", "--tool-name", "content.getList"][..], &tool_args[..]].concat())
    })
    .await
    .unwrap();
    assert_ne!(result["isError"], true, "{result}");
    let items = answer(&result)["body"].as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|item| item["id"].as_str().unwrap()).collect();
    assert_eq!(ids, (0..rocketgen_tests::lists::ITEMS).map(|i| format!("item-{i}")).collect::<Vec<_>>());
    assert_eq!(lists.requests.lock().unwrap()["list"], 6);
}
