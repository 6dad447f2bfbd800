//! Every Rocket tool called through `rocketgen mcp`'s server against the Rocket mock server on
//! loopback: each answer's structured content conforms to the output schema the tool declares
//! (checked by an independent JSON Schema validator).

use std::sync::Arc;

use serde_json::Value;

#[path = "support/tool_arguments.rs"]
mod tool_arguments;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_rocket_tool_answers_what_its_output_schema_says() {
    let base = rocketgen_tests::http::serve(rocket_server::router_at(Arc::new(rocket_mock::Mock::new(1)), "/api")).await;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().unwrap();
    let api = rocketgen::ir::build(&rocketgen::load::load_path(&root.join("specs/rocket/openapi.json")).unwrap()).unwrap();
    let secrets = tool_arguments::secrets(&api).into_iter().collect();
    let settings = rocketgen::mcp::Settings {
        root: Some(root.clone()),
        base_urls: [("rocket".to_string(), format!("{base}/api"))].into(),
        credentials: [(String::new(), secrets)].into(),
        ..Default::default()
    };
    let server = rocketgen::mcp::McpServer::from_workspace(settings, &["rocket".to_string()]).unwrap();
    let tools = server.tools();
    let mut checked = 0;
    let mut failures = Vec::new();
    for (tool_name, args) in tool_arguments::rocket_tool_arguments(&api) {
        let tool_name = tool_name.as_str();
        let tool = tools.iter().find(|t| t.name == tool_name).unwrap();
        let schema = Value::Object(tool.output_schema.as_deref().cloned().expect("every operation tool declares an output schema"));
        let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{tool_name}: its output schema is not a schema: {e}"));
        let (result, _) = server.call(tool_name, args).await.unwrap();
        if result.is_error == Some(true) {
            failures.push(format!("{tool_name}: an error result: {:?}", result.content));
            continue;
        }
        let Some(content) = result.structured_content else {
            failures.push(format!("{tool_name}: no structured content"));
            continue;
        };
        let errors: Vec<String> = validator.iter_errors(&content).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        if errors.is_empty() {
            checked += 1;
        } else {
            failures.push(format!("{tool_name}: {}", errors.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{} of 121 tools:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(checked, 121);
}
