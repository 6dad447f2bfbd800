//! `rocketgen preview`: the Rocket preview (snapshots), self-contained schemas, legal and unique
//! tool names, and specs from standard input and from a URL.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use rocketgen::preview::{preview, to_text};
use rocketgen::{ir, load};
use serde_json::Value;

fn rocket() -> ir::Api {
    ir::build(&load::load_path(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/rocket/openapi.json")).unwrap()).unwrap()
}

#[test]
fn rocket_preview() {
    let p = preview(&rocket());
    let expected = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/rocket/tools.txt")).unwrap();
    let mut names: Vec<&str> = p.tools.iter().map(|t| t.name.as_str()).collect();
    names.sort();
    assert_eq!(names, expected.lines().collect::<Vec<_>>());
    assert!(p.renamed.is_empty());
    insta::assert_snapshot!("rocket_preview_text", to_text(&p));
    // The JSON of every tool's input; output schemas are checked below rather than stored.
    let inputs: Vec<Value> = p
        .tools
        .iter()
        .map(|t| serde_json::json!({"name": t.name, "method": t.method, "path": t.path, "description": t.description, "input_schema": t.input_schema}))
        .collect();
    insta::assert_snapshot!("rocket_preview_inputs_json", serde_json::to_string_pretty(&inputs).unwrap());

    let json = serde_json::to_string(&p).unwrap();
    assert!(!json.contains("\"$ref\""), "schemas must be self-contained");
    let get_item = p.tools.iter().find(|t| t.name == "content.getItem").unwrap();
    assert_eq!(get_item.input_schema["required"], serde_json::json!(["id"]));
    assert_eq!(get_item.input_schema["properties"]["device"]["default"], "web_browser");
    assert_eq!(get_item.output_schema["properties"]["type"]["enum"][0], "movie");
    let with_output = p.tools.iter().filter(|t| !t.output_schema.is_null()).count();
    assert!(with_output > 80, "{with_output}");
    // Recursion is cut, and said.
    assert!(p.diagnostics.iter().any(|d| d.message.contains("recursive type ItemDetail")));
}

#[test]
fn long_and_clashing_names_are_made_legal_and_kept() {
    let long = "x".repeat(80);
    let spec = format!(
        "openapi: 3.0.0\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get: {{operationId: '{long}', tags: [t], responses: {{'200': {{description: ok}}}}}}\n  /b:\n    get: {{operationId: 'get thing', tags: [t], responses: {{'200': {{description: ok}}}}}}\n"
    );
    let p = preview(&ir::build(&load::load_str(&spec).unwrap()).unwrap());
    for tool in &p.tools {
        assert!(tool.name.len() <= 64 && tool.name.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)), "{}", tool.name);
    }
    assert_eq!(p.renamed.len(), 1);
    assert_eq!(p.renamed.values().next().unwrap(), &format!("t.{long}"));
    assert!(p.tools.iter().any(|t| t.name == "t.getThing"));
}

#[test]
fn reads_standard_input_and_urls() {
    let spec = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/typemodel/openapi.yaml")).unwrap();
    let mut child =
        Command::new(env!("CARGO_BIN_EXE_rocketgen")).args(["preview", "-", "--format", "json"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(&spec).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["tools"][0]["name"], "things.patchThing");

    // A one-shot HTTP server on loopback.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let served = spec.clone();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut buf = [0u8; 4096];
        let _ = stream.read(&mut buf);
        let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/yaml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", served.len());
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(&served).unwrap();
    });
    let output = Command::new(env!("CARGO_BIN_EXE_rocketgen")).args(["preview", &format!("http://{address}/openapi.yaml")]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("things.patchThing  PATCH /things/{id}"));

    // A URL that does not answer is an error naming it.
    let output = Command::new(env!("CARGO_BIN_EXE_rocketgen")).args(["preview", "http://127.0.0.1:9/openapi.json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("http://127.0.0.1:9/openapi.json"));
}
