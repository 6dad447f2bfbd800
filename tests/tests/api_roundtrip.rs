//! Every named type of every source's API crate: synthesized instances (valid against the spec)
//! and the spec's own examples deserialize and serialize back to the same JSON.

use std::collections::BTreeMap;

use rocketgen_tests::json::{first_difference, same, spec_as_json_schema};
use rocketgen_tests::{instances, roundtrip, spec};
use serde_json::{Value, json};

#[test]
fn synthesized_instances_are_valid_against_the_spec() {
    let mut validators: BTreeMap<String, Value> = BTreeMap::new();
    let mut compiled: BTreeMap<(String, String), jsonschema::Validator> = BTreeMap::new();
    // A schema that requires a property it never defines while forbidding extra properties has
    // no valid instance at all. Those errors, and only those, are the spec's, not ours.
    let faults = rocketgen_tests::spec_fault_properties();
    let is_spec_fault = |message: &str| {
        faults.iter().any(|p| message.contains(&format!("'{p}' was unexpected")) || message.contains(&format!("\"{p}\" is a required property")))
    };
    let mut excused = 0;
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in instances() {
        let source = case["source"].as_str().unwrap().to_string();
        let doc = validators.entry(source.clone()).or_insert_with(|| spec_as_json_schema(&spec(&source)));
        let pointer = case["pointer"].as_str().unwrap().to_string();
        let validator = compiled.entry((source.clone(), pointer.clone())).or_insert_with(|| {
            let mut schema = doc.clone();
            schema["$ref"] = Value::String(uri_fragment(&pointer));
            jsonschema::draft4::new(&schema).unwrap_or_else(|e| panic!("schema for {pointer}: {e}"))
        });
        let all: Vec<String> = validator.iter_errors(&case["value"]).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        let errors: Vec<String> = all.iter().filter(|e| !is_spec_fault(e)).cloned().collect();
        excused += usize::from(errors.len() < all.len());
        if !errors.is_empty() {
            failures.push(format!("{} {} seed {}: {}", case["type"], case["fill"], case["seed"], errors.join("; ")));
        }
        checked += 1;
    }
    assert!(checked > 1000, "only {checked} instances");
    assert!(excused < checked / 10, "{excused} instances excused as spec faults");
    eprintln!("{checked} instances checked, {excused} hit only the spec's own faults");
    assert!(failures.is_empty(), "{} of {checked} instances are invalid:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_type_round_trips_its_instances() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in instances() {
        let (source, type_name) = (case["source"].as_str().unwrap(), case["type"].as_str().unwrap());
        let value = case["value"].clone();
        match roundtrip(source, type_name, value.clone()) {
            None => failures.push(format!("{source} {type_name}: no such type")),
            Some(Err(e)) => failures.push(format!("{type_name} {} seed {}: {e}", case["fill"], case["seed"])),
            Some(Ok(back)) if !same(&value, &back) => {
                failures.push(format!("{type_name} {} seed {}: {}", case["fill"], case["seed"], first_difference(&value, &back, "").unwrap_or_default()))
            }
            Some(Ok(_)) => {}
        }
        checked += 1;
    }
    assert!(checked > 1000);
    assert!(failures.is_empty(), "{} of {checked} round trips failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn spec_examples_round_trip() {
    let examples = rocketgen_tests::spec_examples("rocket");
    assert_eq!(examples.len(), 7, "the Rocket spec gives 7 schema examples");
    for (schema, example) in examples {
        let back = roundtrip("rocket", &schema, example.clone()).unwrap().unwrap();
        assert!(same(&example, &back), "{schema}: {:?}", first_difference(&example, &back, ""));
    }
}

#[test]
fn unknown_enum_values_are_kept() {
    use rocket_api::models::{ItemSummary, ItemSummaryType};
    assert_eq!(ItemSummaryType::from("movie"), ItemSummaryType::Movie);
    let future = ItemSummaryType::from("podcast");
    assert_eq!(future, ItemSummaryType::Other("podcast".into()));
    assert!(!future.is_known());
    assert_eq!(serde_json::to_value(&future).unwrap(), json!("podcast"));

    // A whole item whose type a newer server added.
    let mut item = minimal("ItemSummary");
    item["type"] = json!("podcast");
    let parsed: ItemSummary = serde_json::from_value(item.clone()).unwrap();
    assert_eq!(parsed.r#type, ItemSummaryType::Other("podcast".into()));
    assert!(same(&serde_json::to_value(&parsed).unwrap(), &item));
}

#[test]
fn closed_objects_tolerate_unknown_fields_in_responses() {
    // `AccessToken` says additionalProperties: false; a server that adds a field must not break clients.
    let mut token = minimal("AccessToken");
    token["addedLater"] = json!({"nested": true});
    let parsed: rocket_api::models::AccessToken = serde_json::from_value(token).unwrap();
    let back = serde_json::to_value(&parsed).unwrap();
    assert!(back.get("addedLater").is_none());
}

#[test]
fn recursive_items_nest() {
    let mut show = minimal("ItemDetail");
    let mut season = minimal("ItemDetail");
    season["show"] = show.clone();
    show["season"] = season;
    let parsed: rocket_api::models::ItemDetail = serde_json::from_value(show.clone()).unwrap();
    assert!(parsed.season.as_ref().unwrap().show.is_some());
    assert!(same(&serde_json::to_value(&parsed).unwrap(), &show));
}

/// A JSON pointer written as a URI fragment: characters a URI may not hold are percent-encoded.
fn uri_fragment(pointer: &str) -> String {
    pointer
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "#/~-._!$&'()*+,;=:@".contains(c) {
                c.to_string()
            } else {
                let mut buf = [0u8; 4];
                c.encode_utf8(&mut buf).bytes().map(|b| format!("%{b:02X}")).collect()
            }
        })
        .collect()
}

fn minimal(type_name: &str) -> Value {
    instances()
        .into_iter()
        .find(|c| c["type"] == type_name && c["fill"] == "minimal")
        .map(|c| c["value"].clone())
        .unwrap_or_else(|| panic!("no instance of {type_name}"))
}

/// The operation table (`impl_operations!`) lists every operation in the spec's order, as
/// the metadata does, each with its method and path.
#[test]
fn the_operation_table_lists_every_operation_in_order() {
    let table = rocket_api::OPERATIONS;
    let meta = rocket_api::meta::operations();
    assert_eq!(table.len(), 121);
    assert_eq!(table.len(), meta.len());
    for (row, op) in table.iter().zip(meta) {
        assert_eq!((row.tool_name, row.http_method, row.path), (op.tool_name, op.http_method, op.path));
    }
    let first = table[0];
    assert_eq!((first.tool_name, first.method_name, first.path), ("account.getAccount", "get_account", "/account"));
    assert_eq!(first.http_method, rocket_api::runtime::meta::Method::Get);
}
