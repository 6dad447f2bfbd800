//! Prepares the round-trip tests from the IR of every source: synthesized instances of every
//! named type (as JSON) and a function that sends a JSON value through the Rust type of that
//! name and back.

use std::path::{Path, PathBuf};

use quote::{format_ident, quote};
use rocketgen::manifest::{CrateKind, Manifest};
use rocketgen::synth::{Fill, Synth};
use serde_json::json;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ lies in the workspace").to_path_buf();
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed={}", root.join("sources.toml").display());
    let manifest = Manifest::read(&root).unwrap_or_else(|e| panic!("{e}"));

    let mut cases = Vec::new();
    let mut arms = Vec::new();
    let mut faults = Vec::new();
    let mut specs = serde_json::Map::new();
    for source in manifest.sources.iter().filter(|s| s.crates.contains(&CrateKind::Api)) {
        let spec_path = root.join(&source.spec);
        println!("cargo:rerun-if-changed={}", spec_path.display());
        let spec = rocketgen::load::load_path(&spec_path).unwrap_or_else(|e| panic!("{e}"));
        let api = rocketgen::ir::build(&spec).unwrap_or_else(|e| panic!("{e}"));
        specs.insert(source.name.clone(), spec.raw.clone());
        // Properties a schema requires but never defines: a spec fault the validator will report.
        for def in api.types.values() {
            if let rocketgen::ir::TypeKind::Struct { fields, .. } = &def.kind {
                for field in fields.iter().filter(|f| f.undeclared) {
                    faults.push(json!({"source": source.name, "pointer": def.pointer, "property": field.json_name}));
                }
            }
        }
        let krate = format_ident!("{}_api", source.name.replace('-', "_"));
        for def in api.types.values() {
            for (fill, label) in [(Fill::Minimal, "minimal"), (Fill::Full, "full"), (Fill::Nulls, "nulls")] {
                for seed in [1u64, 2, 3] {
                    let value = Synth::new(&api, fill, seed).named(&def.name);
                    cases.push(json!({
                        "source": source.name, "type": def.name, "pointer": def.pointer,
                        "fill": label, "seed": seed, "value": value,
                    }));
                }
            }
            for (i, example) in def.examples.iter().enumerate() {
                cases.push(json!({
                    "source": source.name, "type": def.name, "pointer": def.pointer,
                    "fill": "example", "seed": i, "value": example,
                }));
            }
            let source_name = &source.name;
            let type_name = &def.name;
            let ty = format_ident!("{}", def.name);
            arms.push(quote! { (#source_name, #type_name) => Some(through::<#krate::models::#ty>(value)), });
        }
    }
    std::fs::write(out.join("specs.json"), serde_json::to_string(&specs).expect("JSON")).expect("write specs");
    std::fs::write(out.join("faults.json"), serde_json::to_string(&faults).expect("JSON")).expect("write faults");
    std::fs::write(out.join("instances.json"), serde_json::to_string(&cases).expect("JSON")).expect("write instances");
    let dispatch = quote! {
        /// Deserializes `value` into the named type of a source's API crate and serializes it back;
        /// `None` for an unknown type.
        pub fn roundtrip(source: &str, type_name: &str, value: serde_json::Value) -> Option<Result<serde_json::Value, String>> {
            match (source, type_name) {
                #(#arms)*
                _ => None,
            }
        }
    };
    std::fs::write(out.join("dispatch.rs"), dispatch.to_string()).expect("write dispatch");
}
