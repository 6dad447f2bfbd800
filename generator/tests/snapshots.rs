//! Snapshots for review: the IR and the generated API crate of each spec in specs/. A change
//! to the generator shows here as a readable diff (`cargo insta review`).

use std::path::{Path, PathBuf};

use rocketgen::manifest::{CrateKind, Source};
use rocketgen::{ir, load, output};

fn spec_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(relative)
}

fn snapshot_source(name: &str, spec: &str) {
    let loaded = load::load_path(&spec_path(spec)).unwrap();
    let api = ir::build(&loaded).unwrap();
    insta::assert_snapshot!(format!("{name}_ir"), serde_yaml::to_string(&api).unwrap());
    let diagnostics: Vec<String> = api.diagnostics.iter().map(|d| d.to_string()).collect();
    insta::assert_snapshot!(format!("{name}_diagnostics"), diagnostics.join("\n"));

    let source = Source::new(name, spec, vec![CrateKind::Api]);
    let (files, _) = output::emit_source(&api, &source, &Default::default()).unwrap();
    // The runtime is fixed files, not generated from the spec.
    for (path, text) in files.into_iter().filter(|(p, _)| !p.components().any(|c| c.as_os_str() == "runtime")) {
        let label = path.to_string_lossy().replace(['/', '.'], "_");
        insta::assert_snapshot!(label, text);
    }
}

#[test]
fn rocket() {
    snapshot_source("rocket", "specs/rocket/openapi.json");
}

#[test]
fn typemodel() {
    snapshot_source("typemodel", "specs/typemodel/openapi.yaml");
}
