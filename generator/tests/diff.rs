//! `rocketgen diff`: the Rocket upgrade report (snapshot) and one small fixture per kind of
//! change, breaking and not, with its verdicts.

use std::path::Path;

use rocketgen::diff::{Area, Change, Impact, Kind, Semver, diff, to_markdown, to_text};
use rocketgen::{ir, load};

fn api(text: &str) -> ir::Api {
    ir::build(&load::load_str(text).unwrap()).unwrap()
}

fn rocket(file: &str) -> ir::Api {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/rocket").join(file);
    ir::build(&load::load_path(&path).unwrap()).unwrap()
}

#[test]
fn rocket_228_to_300() {
    let report = diff(&rocket("3.730.228-ref-1-39-0.openapi.json"), &rocket("openapi.json"));
    let s = &report.summary;
    assert_eq!((s.operations_added, s.operations_removed, s.operations_changed), (13, 0, 1));
    assert_eq!((s.schemas_added, s.schemas_removed), (19, 0));
    let changed: Vec<&str> = {
        let mut v: Vec<&str> = report.changes.iter().filter(|c| c.area == Area::Schema && c.kind == Kind::Changed).map(|c| c.subject.as_str()).collect();
        v.dedup();
        v
    };
    for name in [
        "ItvPurchaseStrongRequest",
        "ItvPurchaseStrongResponse",
        "ItvUpdatePaymentStrongRequest",
        "ItvVoucher",
        "Navigation",
        "PageMetadata",
        "ProfileSummary",
        "ProfileUpdateRequest",
        "SamsungPreviewSection",
    ] {
        assert!(changed.contains(&name), "{name} not reported as changed");
    }
    assert!(report.changes.iter().any(|c| c.subject == "POST /itv/items/downloadable"));
    assert!(report.changes.iter().any(|c| c.subject == "GET /itv/entitlements/current" && c.kind == Kind::Added));
    assert_eq!(s.semver, Semver::Major);
    insta::assert_snapshot!("rocket_diff_text", to_text(&report));
    insta::assert_snapshot!("rocket_diff_markdown", to_markdown(&report));
}

const BASE: &str = r#"
openapi: 3.0.3
info: {title: fixture, version: "1"}
paths:
  /things/{id}:
    get:
      operationId: getThing
      tags: [things]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: lang, in: query, schema: {type: string}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
    put:
      operationId: putThing
      tags: [things]
      security: [{key: []}]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/ThingInput'}}}
      responses:
        '204': {description: stored}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: x-key}
    other: {type: http, scheme: bearer}
  schemas:
    Thing:
      type: object
      required: [id, colour]
      properties:
        id: {type: string}
        colour: {type: string, enum: [red, blue]}
        size: {type: integer}
    ThingInput:
      type: object
      required: [name]
      properties:
        name: {type: string}
        note: {type: string}
"#;

fn changes(edit: impl Fn(&str) -> String) -> Vec<Change> {
    diff(&api(BASE), &api(&edit(BASE))).changes
}

fn only(edit: impl Fn(&str) -> String, detail: &str) -> Change {
    let all = changes(edit);
    let found: Vec<Change> = all.iter().filter(|c| c.detail.contains(detail)).cloned().collect();
    assert_eq!(found.len(), 1, "{detail:?} in {all:#?}");
    found.into_iter().next().unwrap()
}

fn verdict(c: &Change) -> (Impact, Impact, Semver) {
    (c.client, c.implementor, c.semver)
}

use Impact::{Breaking as B, Compatible as C};

#[test]
fn no_change_no_report() {
    assert!(changes(|s| s.to_string()).is_empty());
}

#[test]
fn parameters() {
    let add_optional = only(
        |s| {
            s.replace(
                "        - {name: lang, in: query, schema: {type: string}}",
                "        - {name: lang, in: query, schema: {type: string}}\n        - {name: page, in: query, schema: {type: integer}}",
            )
        },
        "parameter `page` added",
    );
    assert_eq!(verdict(&add_optional), (C, B, Semver::Major));
    let add_required = only(
        |s| {
            s.replace(
                "        - {name: lang, in: query, schema: {type: string}}",
                "        - {name: lang, in: query, schema: {type: string}}\n        - {name: page, in: query, required: true, schema: {type: integer}}",
            )
        },
        "parameter `page` added (required)",
    );
    assert_eq!(add_required.client, B);
    let removed = only(|s| s.replace("        - {name: lang, in: query, schema: {type: string}}\n", ""), "parameter `lang` removed");
    assert_eq!(removed.client, B);
    let required = only(|s| s.replace("{name: lang, in: query, schema", "{name: lang, in: query, required: true, schema"), "became required");
    assert_eq!(required.client, B);
    let retyped =
        only(|s| s.replace("{name: lang, in: query, schema: {type: string}}", "{name: lang, in: query, schema: {type: integer}}"), "type string → integer");
    assert_eq!(verdict(&retyped), (B, B, Semver::Major));
}

#[test]
fn operations_responses_and_security() {
    let removed = changes(|s| s.replace("    put:\n", "    delete:\n"));
    assert!(removed.iter().any(|c| c.kind == Kind::Removed && c.subject == "PUT /things/{id}" && c.client == B));
    assert!(removed.iter().any(|c| c.kind == Kind::Added && c.subject == "DELETE /things/{id}" && c.client == C && c.semver == Semver::Minor));
    let response = only(
        |s| s.replace("        '204': {description: stored}", "        '204': {description: stored}\n        '409': {description: conflict}"),
        "response 409 added",
    );
    assert_eq!(verdict(&response), (C, B, Semver::Major));
    let security = only(|s| s.replace("security: [{key: []}]", "security: [{other: []}]"), "security key → other");
    assert_eq!(security.client, B);
}

#[test]
fn schemas() {
    // A required property added to a request type breaks clients; to a response type it does not.
    let request = only(|s| s.replace("      required: [name]\n", "      required: [name, note]\n"), "`note` became required");
    assert_eq!(request.client, B);
    let response = only(|s| s.replace("        size: {type: integer}", "        size: {type: integer}\n        weight: {type: number}"), "`weight` added");
    assert_eq!(verdict(&response), (C, B, Semver::Major));
    let gone = only(|s| s.replace("        size: {type: integer}\n", ""), "`size` removed");
    assert_eq!(gone.client, B);
    // An enum value added to a response may break clients with closed enums.
    let value = only(|s| s.replace("enum: [red, blue]", "enum: [red, blue, green]"), "`green` added");
    assert_eq!(value.client, B);
    let optional = only(|s| s.replace("      required: [id, colour]", "      required: [id]"), "`colour` became optional");
    assert_eq!(optional.client, B, "a response property that may now be missing breaks readers");
    let doc = only(|s| s.replace("    Thing:\n      type: object", "    Thing:\n      description: A thing.\n      type: object"), "description changed");
    assert_eq!(verdict(&doc), (C, C, Semver::Patch));
}

#[test]
fn cli_formats_and_fail_on_breaking() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old.yaml"), dir.path().join("new.yaml"));
    std::fs::write(&old, BASE).unwrap();
    std::fs::write(&new, BASE.replace("        size: {type: integer}\n", "")).unwrap();
    let run = |args: &[&str]| std::process::Command::new(env!("CARGO_BIN_EXE_rocketgen")).arg("diff").args(args).output().unwrap();
    let json = run(&[old.to_str().unwrap(), new.to_str().unwrap(), "--format", "json"]);
    assert!(json.status.success());
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["summary"]["client_breaking"], 1);
    let gate = run(&[old.to_str().unwrap(), new.to_str().unwrap(), "--fail-on", "breaking"]);
    assert_eq!(gate.status.code(), Some(1));
    let same = run(&[old.to_str().unwrap(), old.to_str().unwrap(), "--fail-on", "breaking"]);
    assert_eq!(same.status.code(), Some(0));
    let markdown = run(&[old.to_str().unwrap(), new.to_str().unwrap(), "--format", "markdown"]);
    assert!(String::from_utf8_lossy(&markdown.stdout).contains("| schema | `Thing` | property `size` removed | **breaking** |"));
}
