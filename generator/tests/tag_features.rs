//! Per-tag Cargo features: Rocket's four crates built with one tag's feature alone (and with
//! only the schemas no operation uses) compile clippy-clean: every item a tag's operations use
//! is compiled with them, and nothing is left unused.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().unwrap()
}

#[test]
fn each_rocket_tag_alone_is_clippy_clean() {
    let root = repo();
    let spec = rocketgen::load::load_path(&root.join("specs/rocket/openapi.json")).unwrap();
    let api = rocketgen::ir::build(&spec).unwrap();
    assert_eq!(api.features.len(), 11, "Rocket's features: {:?}", api.features);
    let clippy = |packages: &[&str], features: &str| {
        let mut command = Command::new(env!("CARGO"));
        command.args(["clippy", "-q"]);
        packages.iter().for_each(|p| {
            command.args(["-p", p]);
        });
        command.args(["--no-default-features", "--features", features, "--message-format", "short", "--", "-D", "warnings"]);
        command.current_dir(&root).output().unwrap()
    };
    let mut failures = Vec::new();
    for feature in &api.features {
        // The schemas no operation uses are types only: the API and client crates have them.
        let (packages, features) = if feature == rocketgen::ir::STANDALONE_SCHEMAS {
            (&["rocket-api", "rocket-client"][..], format!("rocket-client/{feature}"))
        } else {
            // The mock forwards to the API and server crates; the client is built beside it.
            (&["rocket-api", "rocket-server", "rocket-client", "rocket-mock"][..], format!("rocket-mock/{feature},rocket-client/{feature}"))
        };
        let run = clippy(packages, &features);
        if !run.status.success() {
            failures.push(format!("--features {features}:\n{}", String::from_utf8_lossy(&run.stderr)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // A server without any tag's operations says what it needs.
    let run = clippy(&["rocket-server"], "rocket-server/standalone-schemas");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success() && stderr.contains("rocket-server serves operations: enable the feature of at least one tag (account, profile"), "{stderr}");
}
