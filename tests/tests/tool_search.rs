//! `rocketgen mcp --tools search`: `search`, `describe` and `call` in place of one tool per
//! operation, answering with the same names, calls and errors as the all-tools mode; and how
//! well a search by an operation's own summary finds it.

use std::sync::Arc;

use rocketgen::mcp::{McpServer, Settings, ToolMode};
use serde_json::{Value, json};

fn repo() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().unwrap()
}

async fn servers() -> (McpServer, McpServer) {
    let base = rocketgen_tests::http::serve(rocket_server::router_at(Arc::new(rocket_mock::Mock::new(1)), "/api")).await;
    let settings = Settings {
        root: Some(repo()),
        base_urls: [("rocket".to_string(), format!("{base}/api"))].into(),
        tokens: [(String::new(), "a-token".to_string())].into(),
        ..Default::default()
    };
    let all = McpServer::from_workspace(settings, &["rocket".to_string()]).unwrap();
    (all.clone().with_mode(ToolMode::Search), all)
}

fn structured(result: &rmcp::model::CallToolResult) -> &Value {
    result.structured_content.as_ref().unwrap_or_else(|| panic!("no structured content: {result:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_describe_and_call_stand_for_the_operation_tools() {
    let (search, all) = servers().await;
    let listed: Vec<String> = search.tools().iter().map(|t| t.name.to_string()).collect();
    assert_eq!(listed, ["search", "describe", "call", "openapi.previewSpec", "openapi.addSource"]);

    let (found, _) = search.call("search", json!({"query": "bookmark an item", "limit": 3})).await.unwrap();
    let names: Vec<&str> = structured(&found)["tools"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 3);
    assert!(names.contains(&"profile.bookmarkItem"), "{names:?}");

    // `describe` gives the very tool the all-tools mode lists.
    let (described, _) = search.call("describe", json!({"names": ["content.getItem"]})).await.unwrap();
    let listed_tool = all.tools().into_iter().find(|t| t.name == "content.getItem").unwrap();
    assert_eq!(structured(&described)["tools"][0], serde_json::to_value(&listed_tool).unwrap());

    // `call` answers as the tool itself does, success and failure alike.
    let direct = all.call("content.getItem", json!({"id": "abc"})).await.unwrap().0;
    let through = search.call("call", json!({"name": "content.getItem", "arguments": {"id": "abc"}})).await.unwrap().0;
    assert_eq!(through, direct);
    assert_eq!(structured(&through)["status"], 200);
    let direct = all.call("content.getItem", json!({})).await.unwrap().0;
    let through = search.call("call", json!({"name": "content.getItem", "arguments": {}})).await.unwrap().0;
    assert_eq!((through.is_error, &through.content), (Some(true), &direct.content));
    let unknown_direct = all.call("no.suchTool", json!({})).await.unwrap_err();
    let unknown = search.call("call", json!({"name": "no.suchTool"})).await.unwrap_err();
    assert_eq!(unknown.message, unknown_direct.message);
    // An operation's own name still works in search mode.
    assert_eq!(search.call("content.getItem", json!({"id": "abc"})).await.unwrap().0, all.call("content.getItem", json!({"id": "abc"})).await.unwrap().0);
    let (missing, _) = search.call("describe", json!({"names": ["no.suchTool"]})).await.unwrap();
    assert_eq!(missing.is_error, Some(true));
}

/// For every Rocket operation with a summary (or a description), a search for it: how often the
/// operation is among the first three (reported, and held to 90%).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operations_own_summary_finds_it_in_the_top_three() {
    let (search, _) = servers().await;
    let api = rocketgen::ir::build(&rocketgen::load::load_path(&repo().join("specs/rocket/openapi.json")).unwrap()).unwrap();
    let (mut asked, mut found, mut first) = (0, 0, 0);
    let mut missed = Vec::new();
    for op in &api.operations {
        // Rocket's operations have no `summary`: their description's first line stands for it.
        let summary = op.summary.as_deref().or(op.description.as_deref()).and_then(|text| text.lines().map(str::trim).find(|l| !l.is_empty()));
        let Some(summary) = summary else { continue };
        asked += 1;
        let (result, _) = search.call("search", json!({"query": summary, "limit": 3})).await.unwrap();
        let names: Vec<String> = structured(&result)["tools"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_string()).collect();
        if names.first() == Some(&op.tool_name) {
            first += 1;
        }
        if names.contains(&op.tool_name) {
            found += 1;
        } else {
            missed.push(format!("{} ({summary:?}) → {names:?}", op.tool_name));
        }
    }
    let rate = found as f64 / asked as f64;
    eprintln!("search by own summary: {found} of {asked} in the top 3 ({:.1}%), {first} first; missed:\n{}", rate * 100.0, missed.join("\n"));
    assert!(asked >= 100, "{asked}");
    assert!(rate >= 0.9, "only {found} of {asked}:\n{}", missed.join("\n"));
}
