//! Support for the behaviour tests of the generated crates.

pub mod http;
pub mod json;

include!(concat!(env!("OUT_DIR"), "/dispatch.rs"));

/// Synthesized instances of every named type of every source (see build.rs).
pub fn instances() -> Vec<serde_json::Value> {
    serde_json::from_str(include_str!(concat!(env!("OUT_DIR"), "/instances.json"))).expect("build.rs writes valid JSON")
}

/// Properties that a schema lists as required but never defines (from the IR's diagnostics):
/// `[{source, pointer, property}]`.
pub fn spec_faults() -> Vec<serde_json::Value> {
    serde_json::from_str(include_str!(concat!(env!("OUT_DIR"), "/faults.json"))).expect("build.rs writes valid JSON")
}

/// The spec of a source as JSON (YAML specs converted), as the generator read it.
pub fn spec(source: &str) -> serde_json::Value {
    let mut specs: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(include_str!(concat!(env!("OUT_DIR"), "/specs.json"))).expect("build.rs writes valid JSON");
    specs.remove(source).unwrap_or_else(|| panic!("no source {source}"))
}

fn through<T: serde::de::DeserializeOwned + serde::Serialize>(value: serde_json::Value) -> Result<serde_json::Value, String> {
    let typed: T = serde_json::from_value(value).map_err(|e| format!("deserialize: {e}"))?;
    serde_json::to_value(&typed).map_err(|e| format!("serialize: {e}"))
}
