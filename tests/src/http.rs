//! A recording implementation of every source's service trait, for round trips over HTTP.

use std::collections::HashMap;
use std::sync::Mutex;

use rocketgen_runtime::OperationResponse;
use rocketgen_runtime::meta::OperationMeta;
use rocketgen_runtime::response_json::raw_from_json;
use serde::Serialize;
use serde_json::Value;

/// What the implementation received for one call.
#[derive(Debug, Clone)]
pub struct Call {
    pub tool: &'static str,
    pub request: Value,
    /// `scheme:secret` for each credential.
    pub credentials: Vec<String>,
}

/// Records every call and answers with the response set for its operation (in its JSON form,
/// see `rocketgen_runtime::response_json`).
#[derive(Default)]
pub struct Recorder {
    calls: Mutex<Vec<Call>>,
    responses: Mutex<HashMap<String, Value>>,
}

impl Recorder {
    pub fn set_response(&self, tool: &str, response: Value) {
        self.responses.lock().unwrap().insert(tool.to_string(), response);
    }

    pub fn take_calls(&self) -> Vec<Call> {
        std::mem::take(&mut *self.calls.lock().unwrap())
    }

    pub(crate) fn record<R: Serialize>(&self, tool: &'static str, request: &R, credentials: Vec<String>) {
        let request = serde_json::to_value(request).expect("requests serialize");
        self.calls.lock().unwrap().push(Call { tool, request, credentials });
    }

    /// The response set for `op`, read from its JSON form as a client reads one from HTTP.
    pub(crate) fn respond<T: OperationResponse, E>(&self, op: &OperationMeta<'_>) -> Result<T, E> {
        let tool = op.tool_name;
        let response = self.responses.lock().unwrap().get(tool).cloned().unwrap_or_else(|| panic!("no response set for {tool}"));
        let raw = raw_from_json(op, &response).unwrap_or_else(|e| panic!("response for {tool}: {e}"));
        Ok(T::from_raw(raw).unwrap_or_else(|e| panic!("response for {tool}: {e}")))
    }
}

include!(concat!(env!("OUT_DIR"), "/http_harness.rs"));

/// Serves `router` on a free loopback port for the rest of the test; its base URL
/// (`http://127.0.0.1:PORT`).
pub async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free loopback port");
    let address = listener.local_addr().expect("a bound address");
    tokio::spawn(async move { axum::serve(listener, router).await.expect("the test server runs") });
    format!("http://{address}")
}

/// The HTTP round-trip cases of a source, from its operation metadata: for each operation a
/// synthesized request, the credential it needs, and one response per declared status (in the
/// JSON form of `rocketgen_runtime::response_json`), plus an undeclared status where there is no `default`.
pub fn cases(source: &str) -> Vec<Value> {
    match source {
        "rocket" => cases_of!(rocket_api),
        "typemodel" => cases_of!(typemodel_api),
        "constructs" => cases_of!(constructs_api),
        "names" => cases_of!(names_api),
        other => panic!("no HTTP cases for {other}"),
    }
}

/// Tools whose request body schema has keywords beside its `$ref` (a diagnosed spec fault).
pub fn ref_sibling_bodies() -> Vec<String> {
    serde_json::from_str(include_str!(concat!(env!("OUT_DIR"), "/ref_sibling_bodies.json"))).expect("build.rs writes valid JSON")
}

macro_rules! cases_of {
    ($krate:ident) => {{
        use rocketgen_runtime::meta::{Constraints, Location, Status, Ty};
        use rocketgen_runtime::synth::{Fill, Synth};
        let synth = Synth::new(Fill::Full, 7);
        let mut cases = Vec::new();
        for op in $krate::meta::operations() {
            let mut request = serde_json::Map::new();
            for param in op.params {
                let mut value = synth.value(param.ty, param.constraints, &format!("{}/{}", op.tool_name, param.name));
                // Texts that only survive correct percent-encoding.
                let plain_text = matches!(param.ty, Ty::String) && param.constraints.format.is_none() && param.constraints.max_length.is_none();
                // Items holding the delimiter, which must stay whole.
                if matches!(param.ty, Ty::Array(Ty::String, _)) && param.location == Location::Query {
                    value = serde_json::json!(["x,y|z", "two words", "ü"]);
                }
                if plain_text {
                    match param.location {
                        Location::Path => value = serde_json::json!("id with/slash, space & ü"),
                        Location::Query => value = serde_json::json!("a&b=c ü+%"),
                        _ => {}
                    }
                }
                request.insert(param.field.to_string(), value);
            }
            if let Some(body) = &op.body {
                request.insert("body".into(), synth.value(body.ty, &Constraints::NONE, &format!("{}/body", op.tool_name)));
            }
            let credential = op.security.first().and_then(|alternative| alternative.first()).map(|scheme| scheme.name);
            let declared: Vec<u16> = op.responses.iter().filter_map(|r| r.status.code()).collect();
            let free = |candidates: &[u16]| candidates.iter().copied().find(|c| !declared.contains(c)).unwrap_or(599);
            let mut responses = Vec::new();
            for r in op.responses {
                let status = match r.status {
                    Status::Default => free(&[503, 418, 422, 599]),
                    Status::Class(class) => {
                        let first = u16::from(class) * 100;
                        free(&(first + 1..first + 100).collect::<Vec<_>>())
                    }
                    Status::Code(code) => code,
                };
                let response = synth.response(op, status).expect("a declared status has a response");
                responses.push(serde_json::json!({ "status": status, "response": response }));
            }
            if !op.responses.iter().any(|r| r.status == Status::Default) {
                let status = free(&[418, 599]);
                let raw = serde_json::json!({ "status": status, "headers": [], "body": b"raw text".to_vec() });
                responses.push(serde_json::json!({ "status": status, "response": { "Undeclared": raw } }));
            }
            cases.push(serde_json::json!({
                "tool": op.tool_name, "request": request, "credential": credential, "responses": responses,
            }));
        }
        cases
    }};
}
use cases_of;
