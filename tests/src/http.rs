//! A recording implementation of every source's service trait, for round trips over HTTP.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// What the implementation received for one call.
#[derive(Debug, Clone)]
pub struct Call {
    pub tool: &'static str,
    pub request: Value,
    /// `scheme:secret` for each credential.
    pub credentials: Vec<String>,
}

/// Records every call and answers with the response set for its operation (as JSON in the
/// response enum's serde form).
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

    pub(crate) fn respond<T: DeserializeOwned, E>(&self, tool: &str) -> Result<T, E> {
        let response = self.responses.lock().unwrap().get(tool).cloned().unwrap_or_else(|| panic!("no response set for {tool}"));
        Ok(serde_json::from_value(response).unwrap_or_else(|e| panic!("response for {tool}: {e}")))
    }
}

include!(concat!(env!("OUT_DIR"), "/http_harness.rs"));

/// The HTTP round-trip cases of a source (see build.rs).
pub fn cases(source: &str) -> Vec<Value> {
    let mut all: serde_json::Map<String, Value> =
        serde_json::from_str(include_str!(concat!(env!("OUT_DIR"), "/http_cases.json"))).expect("build.rs writes valid JSON");
    match all.remove(source) {
        Some(Value::Array(cases)) => cases,
        _ => panic!("no HTTP cases for {source}"),
    }
}
