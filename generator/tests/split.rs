//! A spec split over several files with relative `$ref`s loads as one document: referenced
//! schemas become component schemas (one per file, however it is reached, so recursion across
//! files survives), parameters, responses and path items are inlined.

use std::path::Path;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

#[test]
fn relative_references_across_files_are_bundled() {
    let spec = rocketgen::load::load_path(&fixture("split/openapi.yaml")).unwrap();
    let api = rocketgen::ir::build(&spec).unwrap();
    let tools: Vec<&str> = api.operations.iter().map(|o| o.tool_name.as_str()).collect();
    assert_eq!(tools, ["pets.listPets", "owners.getOwner"]);
    let types: Vec<&str> = api.types.keys().map(String::as_str).collect();
    assert_eq!(types, ["Owner", "Pet", "Problem"]);
    let owner = api.operation("owners.getOwner").unwrap();
    assert_eq!(owner.parameters[0].name, "id");
    assert!(owner.responses.iter().any(|r| r.body.as_ref().is_some_and(|b| format!("{:?}", b.ty).contains("Problem"))));
}

#[test]
fn a_missing_file_is_an_error_naming_the_reference() {
    let dir = std::env::temp_dir().join(format!("rocketgen-split-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("openapi.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: 'nowhere.yaml#/Ok'}\n",
    )
    .unwrap();
    let err = rocketgen::load::load_path(&spec).unwrap_err().to_string();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(err.contains("#/paths/~1a/get/responses/200/$ref") && err.contains("nowhere.yaml"), "{err}");
}
