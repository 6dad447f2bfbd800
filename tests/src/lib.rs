//! Support for the behaviour tests of the generated crates.

pub mod http;
pub mod json;
pub mod lists;

use serde_json::{Value, json};

/// A server process a test started; killed when dropped.
pub struct Spawned {
    pub child: std::process::Child,
    /// Where it listens.
    pub base: String,
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Spawned {
    /// Starts a server that says where it listens (the first `http://…` word of its first line
    /// on standard error).
    pub fn announcing(command: &mut std::process::Command) -> Spawned {
        use std::io::BufRead;
        let mut child = command.stderr(std::process::Stdio::piped()).spawn().expect("the server starts");
        let mut first = String::new();
        std::io::BufReader::new(child.stderr.as_mut().expect("stderr is piped")).read_line(&mut first).expect("the server writes a line");
        let base = first.split_whitespace().find(|w| w.starts_with("http://")).map(str::to_string);
        let spawned = Spawned { child, base: base.unwrap_or_default() };
        assert!(!spawned.base.is_empty(), "the server did not say where it listens: {first}");
        spawned
    }
}

/// Builds one binary of a workspace package with cargo and returns its path.
pub fn cargo_binary(package: &str, bin: &str) -> std::path::PathBuf {
    let output = std::process::Command::new(env!("CARGO"))
        .args(["build", "--quiet", "-p", package, "--bin", bin, "--message-format=json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find_map(|message| message["executable"].as_str().map(std::path::PathBuf::from))
        .expect("cargo names the executable")
}

include!(concat!(env!("OUT_DIR"), "/dispatch.rs"));

/// Every named type of each listed API crate, synthesized with three fillings and three seeds:
/// `{source, type, pointer, fill, seed, value}`.
macro_rules! synthesize_all {
    ($cases:ident, $( $source:literal => $krate:ident ),* ) => {$(
        for meta in $krate::meta::types() {
            use rocketgen_runtime::synth::{Fill, Synth};
            for (fill, label) in [(Fill::Minimal, "minimal"), (Fill::Full, "full"), (Fill::Nulls, "nulls")] {
                for seed in [1u64, 2, 3] {
                    let value = Synth::new(fill, seed).named(meta);
                    $cases.push(json!({
                        "source": $source, "type": meta.name, "pointer": meta.pointer,
                        "fill": label, "seed": seed, "value": value,
                    }));
                }
            }
        }
    )*};
}

/// Synthesized instances of every named type of every source.
pub fn instances() -> Vec<Value> {
    let mut cases = Vec::new();
    synthesize_all!(cases, "rocket" => rocket_api, "typemodel" => typemodel_api, "constructs" => constructs_api);
    cases
}

/// The examples the spec gives for its component schemas: `(type name, example)`.
pub fn spec_examples(source: &str) -> Vec<(String, Value)> {
    let spec = spec(source);
    let mut out = Vec::new();
    if let Some(schemas) = spec.pointer("/components/schemas").and_then(Value::as_object) {
        for (name, schema) in schemas {
            if let Some(example) = schema.get("example") {
                out.push((name.clone(), example.clone()));
            }
        }
    }
    out
}

/// Properties a schema lists as required but never defines (a spec fault the IR diagnoses).
pub fn spec_fault_properties() -> Vec<&'static str> {
    let mut out = Vec::new();
    macro_rules! undeclared {
        ($( $krate:ident ),*) => {$(
            for meta in $krate::meta::types() {
                if let rocketgen_runtime::meta::TypeMetaKind::Struct { fields, .. } = meta.kind() {
                    out.extend(fields.iter().filter(|f| f.undeclared).map(|f| f.name));
                }
            }
        )*};
    }
    undeclared!(rocket_api, typemodel_api, constructs_api);
    out
}

/// The spec of a source as JSON (YAML specs converted), as the generator read it.
pub fn spec(source: &str) -> Value {
    let mut specs: serde_json::Map<String, Value> =
        serde_json::from_str(include_str!(concat!(env!("OUT_DIR"), "/specs.json"))).expect("build.rs writes valid JSON");
    specs.remove(source).unwrap_or_else(|| panic!("no source {source}"))
}

fn through<T: serde::de::DeserializeOwned + serde::Serialize>(value: Value) -> Result<Value, String> {
    let typed: T = serde_json::from_value(value).map_err(|e| format!("deserialize: {e}"))?;
    serde_json::to_value(&typed).map_err(|e| format!("serialize: {e}"))
}
