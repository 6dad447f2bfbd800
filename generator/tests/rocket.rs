//! Facts about the Rocket IR that the rest of the product relies on.

use std::path::Path;

use rocketgen::ir::{self, Location, SecurityKind, Status, TypeKind, TypeRef};

fn rocket() -> ir::Api {
    let spec = rocketgen::load::load_path(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/rocket/openapi.json")).unwrap();
    ir::build(&spec).unwrap()
}

#[test]
fn tool_names_are_the_121_expected() {
    let expected = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/rocket/tools.txt")).unwrap();
    let mut expected: Vec<&str> = expected.lines().filter(|l| !l.is_empty()).collect();
    let api = rocket();
    let mut names: Vec<&str> = api.operations.iter().map(|op| op.tool_name.as_str()).collect();
    names.sort();
    expected.sort();
    assert_eq!(names.len(), 121);
    assert_eq!(names, expected);
    // Operations without an operationId get method + path.
    let op = api.operation("itv.getItvPlansPlatform").unwrap();
    assert!(op.operation_id.is_none());
    assert_eq!(op.method_name.to_string(), "get_itv_plans_platform");
    assert_eq!(api.operation("account.getAccount").unwrap().method_name.to_string(), "get_account");
}

#[test]
fn schemas_and_counts() {
    let api = rocket();
    assert_eq!(api.types.values().filter(|t| t.schema_name.is_some()).count(), 153);
    let enums = api.types.values().filter(|t| matches!(t.kind, TypeKind::Enum { .. })).count();
    assert!(enums >= 74, "{enums} enums");
    assert_eq!(api.base_path, "/api");
}

#[test]
fn security_parameters_and_redirects() {
    let api = rocket();
    let kinds: Vec<_> = api.security_schemes.iter().map(|s| (s.name.as_str(), &s.kind)).collect();
    assert!(matches!(kinds[0], ("accountAuth", SecurityKind::OAuth2 { .. })));
    assert!(matches!(kinds[2], ("resetPasswordAuth", SecurityKind::ApiKey { location: Location::Header, .. })));
    let get_account = api.operation("account.getAccount").unwrap();
    assert_eq!(get_account.security[0].schemes[0].scheme, "accountAuth");
    assert_eq!(get_account.security[0].schemes[0].scopes, vec!["Catalog"]);

    let get_item = api.operation("content.getItem").unwrap();
    let ff = get_item.parameters.iter().find(|p| p.name == "ff").unwrap();
    assert!(!ff.explode);
    assert!(matches!(ff.ty, TypeRef::Array(_)));
    let device = get_item.parameters.iter().find(|p| p.name == "device").unwrap();
    assert_eq!(device.default, Some(serde_json::json!("web_browser")));

    let page = api.operation("app.getPage").unwrap();
    let moved = page.responses.iter().find(|r| r.status == Status::Code(301)).unwrap();
    assert_eq!(moved.headers[0].name, "Location");
    assert!(page.responses.iter().any(|r| r.status == Status::Default));
}

#[test]
fn spec_faults_are_diagnostics() {
    let api = rocket();
    let pointers: Vec<&str> = api.diagnostics.iter().map(|d| d.pointer.as_str()).collect();
    for schema in ["Account", "EeCreateTokenResponse", "EeValidatePinResponse", "ItvEntitlement", "ItvVoucherDisplay"] {
        let pointer = format!("#/components/schemas/{schema}/required");
        assert!(pointers.contains(&pointer.as_str()), "{pointer}");
    }
    assert!(pointers.contains(&"#/components/schemas/ItvVoucherDisplay/properties/durationInMonths/format"));
}
