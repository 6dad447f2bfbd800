//! Streamed responses in the IR and the tools: which media types stream, what each item's type
//! is, and what a tool declares it answers.

use std::path::Path;

use rocketgen::ir::{self, BodyKind, Framing, TypeRef};

fn constructs() -> ir::Api {
    let spec = rocketgen::load::load_path(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/constructs/openapi.yaml")).unwrap();
    ir::build(&spec).unwrap()
}

fn body<'a>(api: &'a ir::Api, tool: &str) -> &'a ir::ResponseBody {
    let op = api.operations.iter().find(|op| op.tool_name == tool).unwrap();
    op.responses[0].body.as_ref().unwrap()
}

#[test]
fn streamed_media_types_carry_their_items_types() {
    let api = constructs();
    let cases = [
        ("streams.streamProgress", Framing::EventStream, BodyKind::Json, TypeRef::Named("Progress".into())),
        ("streams.streamTicker", Framing::EventStream, BodyKind::Text, TypeRef::String),
        // A whole-event schema: the data property's type.
        ("streams.streamNotices", Framing::EventStream, BodyKind::Json, TypeRef::Named("StreamNoticesOkItem".into())),
        // An array schema of a JSON stream: its items' type.
        ("streams.streamLogs", Framing::JsonLines, BodyKind::Json, TypeRef::Named("LogLine".into())),
        ("streams.streamRecords", Framing::JsonSeq, BodyKind::Json, TypeRef::Named("LogLine".into())),
    ];
    for (tool, framing, kind, ty) in cases {
        let body = body(&api, tool);
        assert_eq!((body.stream, body.kind, &body.ty), (Some(framing), kind, &ty), "{tool}");
    }
    assert!(api.diagnostics.iter().any(|d| d.pointer.contains("~1streams~1notices") && d.message.contains("whole event")), "{:#?}", api.diagnostics);
    // Other bodies do not stream.
    assert!(api.operations.iter().filter(|op| op.tag != "streams").all(|op| op.responses.iter().all(|r| r.body.as_ref().is_none_or(|b| b.stream.is_none()))));
}

#[test]
fn a_streamed_tool_answers_its_items_as_an_array() {
    let preview = rocketgen::preview::preview(&constructs());
    let tool = |name: &str| preview.tools.iter().find(|t| t.name == name).unwrap();
    let logs = &tool("streams.streamLogs").output_schema;
    assert_eq!(logs["type"], "array");
    assert_eq!(logs["items"]["required"], serde_json::json!(["level", "line"]));
    let ticker = &tool("streams.streamTicker").output_schema;
    assert_eq!(ticker["items"]["required"], serde_json::json!(["data"]));
    assert_eq!(ticker["items"]["properties"]["data"]["type"], "string");
}

#[test]
fn a_body_that_starts_streaming_is_a_breaking_change() {
    let old = "openapi: 3.0.3\ninfo: { title: t, version: '1' }\npaths:\n  /logs:\n    get:\n      operationId: logs\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: { type: array, items: { type: string } }\n";
    let new = old.replace("application/json:", "application/x-ndjson:");
    let build = |text: &str| ir::build(&rocketgen::load::load_str(text).unwrap()).unwrap();
    let report = rocketgen::diff::diff(&build(old), &build(&new));
    let text = format!("{report:?}");
    assert!(text.contains("a whole body → a stream (JsonLines)"), "{text}");
}
