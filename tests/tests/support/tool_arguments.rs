//! Arguments for a call of every Rocket tool, as an MCP client sends them: the synthesized
//! request of each operation's HTTP round-trip case, keyed as the tool's input schema is.

use serde_json::{Map, Value};

/// `(tool name, arguments)` for each of the 121 Rocket operations, in the cases' order.
pub fn rocket_tool_arguments(api: &rocketgen::ir::Api) -> Vec<(String, Value)> {
    rocketgen_tests::http::cases("rocket")
        .into_iter()
        .map(|case| {
            let tool_name = case["tool"].as_str().unwrap().to_string();
            let meta = rocket_api::meta::operations().iter().find(|m| m.tool_name == tool_name).unwrap();
            let op = rocketgen::call::operation(api, &tool_name).unwrap();
            let mut args = Map::new();
            for (field, value) in case["request"].as_object().unwrap() {
                let key = match meta.params.iter().find(|p| p.field == field) {
                    Some(param) => rocketgen::preview::input_key(op, op.parameters.iter().find(|p| p.name == param.name).unwrap()),
                    None => field.clone(),
                };
                args.insert(key, value.clone());
            }
            (tool_name, Value::Object(args))
        })
        .collect()
}

/// A secret for every security scheme of `api`, so that no call stops for want of one.
pub fn secrets(api: &rocketgen::ir::Api) -> Vec<(String, String)> {
    api.security_schemes.iter().map(|s| (s.name.clone(), format!("secret-for-{}", s.name))).collect()
}
