//! Every Rocket tool called through `rocketgen mcp`'s server against the Rocket mock server on
//! loopback: each answer's structured content conforms to the output schema the tool declares
//! (checked by an independent JSON Schema validator).

use std::sync::Arc;

use serde_json::{Map, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_rocket_tool_answers_what_its_output_schema_says() {
    let base = rocketgen_tests::http::serve(rocket_server::router_at(Arc::new(rocket_mock::Mock::new(1)), "/api")).await;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().unwrap();
    let api = rocketgen::ir::build(&rocketgen::load::load_path(&root.join("specs/rocket/openapi.json")).unwrap()).unwrap();
    // A secret for every scheme, so that no call stops for want of one.
    let secrets = api.security_schemes.iter().map(|s| (s.name.clone(), format!("secret-for-{}", s.name))).collect();
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
    for case in rocketgen_tests::http::cases("rocket") {
        let tool_name = case["tool"].as_str().unwrap();
        let meta = rocket_api::meta::OPERATIONS.iter().find(|m| m.tool_name == tool_name).unwrap();
        let op = rocketgen::call::operation(&api, tool_name).unwrap();
        // The synthesized request's fields, keyed as the tool's input is.
        let mut args = Map::new();
        for (field, value) in case["request"].as_object().unwrap() {
            let key = match meta.params.iter().find(|p| p.field == field) {
                Some(param) => rocketgen::preview::input_key(op, op.parameters.iter().find(|p| p.name == param.name).unwrap()),
                None => field.clone(),
            };
            args.insert(key, value.clone());
        }
        let tool = tools.iter().find(|t| t.name == tool_name).unwrap();
        let schema = Value::Object(tool.output_schema.as_deref().cloned().expect("every operation tool declares an output schema"));
        let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{tool_name}: its output schema is not a schema: {e}"));
        let (result, _) = server.call(tool_name, Value::Object(args)).await.unwrap();
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
