//! OpenAPI 3.1 specs load into the same IR as 3.0 ones: each 3.1 construct becomes its 3.0
//! equivalent, and what has none is a diagnostic.

use std::path::Path;

use serde_json::{Value, json};

fn ir() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sources/v31.yaml");
    let spec = rocketgen::load::load_path(&path).unwrap();
    serde_json::to_value(rocketgen::ir::build(&spec).unwrap()).unwrap()
}

fn field<'a>(ir: &'a Value, type_name: &str, field: &str) -> &'a Value {
    ir["types"][type_name]["kind"]["fields"].as_array().unwrap().iter().find(|f| f["json_name"] == field).unwrap_or_else(|| panic!("{type_name}.{field}"))
}

#[test]
fn three_one_constructs_become_their_three_zero_forms() {
    let ir = ir();
    assert_eq!(ir["operations"].as_array().unwrap().len(), 1);
    // `type: [string, "null"]` → a nullable string.
    let label = field(&ir, "Thing", "label");
    assert_eq!(label["nullable"], true, "{label}");
    assert_eq!(label["ty"], json!({"kind": "string"}));
    // `exclusiveMinimum: 0` (a number) → minimum 0, exclusive.
    let count = field(&ir, "Thing", "count");
    assert_eq!(count["constraints"]["minimum"], 0.0, "{count}");
    assert_eq!(count["constraints"]["exclusive_minimum"], true, "{count}");
    assert_eq!(count["constraints"]["maximum"], 10.0, "{count}");
    // `$defs` → a component schema of its own, referenced by name.
    assert!(ir["types"].get("ThingPart").is_some(), "{}", ir["types"]);
    assert_eq!(field(&ir, "Thing", "part")["ty"], json!({"kind": "named", "of": "ThingPart"}));
    // `$ref` with `nullable` beside it → a nullable reference; a union with a `null` member →
    // a nullable union of the rest.
    assert_eq!(field(&ir, "Thing", "owner")["nullable"], true);
    assert_eq!(field(&ir, "Thing", "either")["nullable"], true);
    // `const` → a one-value enum.
    assert_eq!(field(&ir, "Thing", "kind")["ty"], json!({"kind": "named", "of": "ThingKind"}));
    assert_eq!(ir["types"]["ThingKind"]["kind"]["variants"][0]["value"], "thing", "{}", ir["types"]["ThingKind"]);
    // What 3.0 cannot say is diagnosed: webhooks, several types.
    let diagnostics = ir["diagnostics"].to_string();
    assert!(diagnostics.contains("#/webhooks"), "{diagnostics}");
    assert!(diagnostics.contains("several types (string, integer)"), "{diagnostics}");
}
