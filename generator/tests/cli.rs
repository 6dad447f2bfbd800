//! The `rocketgen` command as users run it: errors name their place and exit 2, `generate`
//! writes atomically and deterministically, `--check` finds drift.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn rocketgen(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rocketgen")).args(args).current_dir(dir).output().expect("runs")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Each bad spec: exit 2, one error line naming the file and the place, no panic.
#[test]
fn the_version_names_the_generator_and_its_runtime() {
    let output = rocketgen(&["--version"], Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(output.status.success());
    let expected = format!("rocketgen {} (rocketgen-runtime {})\n", env!("CARGO_PKG_VERSION"), rocketgen_runtime::VERSION);
    assert_eq!(String::from_utf8_lossy(&output.stdout), expected);
}

#[test]
fn bad_specs_fail_with_their_place() {
    let cases = [
        ("syntax.json", "syntax.json:3: not valid JSON"),
        ("syntax.yaml", "syntax.yaml:4: not valid JSON or YAML"),
        ("not-openapi.json", "at #: not an OpenAPI document"),
        ("openapi-4.yaml", "at #/openapi: unsupported OpenAPI version \"4.0.0\""),
        ("swagger-2.yaml", "at #/swagger: Swagger 2.0"),
        ("dangling-ref.yaml", "at #/paths/~1a/get/responses/200/content/application~1json/schema/$ref: dangling reference"),
        ("wrong-shape.yaml", "at #/paths: not a valid OpenAPI 3.0 document: unknown variant `nowhere`"),
        ("empty.yaml", "the spec is empty"),
        ("list.yaml", "at #: not an OpenAPI document: the top level is not an object"),
    ];
    for (file, expected) in cases {
        let path = fixture(&format!("bad/{file}"));
        let output = rocketgen(&["ir", path.to_str().unwrap()], Path::new("."));
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{file}: {err}");
        assert!(err.starts_with("error: "), "{file}: {err}");
        assert!(err.contains(expected), "{file}: expected {expected:?} in {err:?}");
        assert!(!err.contains("panicked"), "{file}: {err}");
        assert!(output.stdout.is_empty(), "{file}: printed an IR");
    }
}

#[test]
fn missing_file_and_bad_arguments_exit_2() {
    let output = rocketgen(&["ir", "/nonexistent/spec.yaml"], Path::new("."));
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("/nonexistent/spec.yaml"));
    let output = rocketgen(&["generate", "--no-such-flag"], Path::new("."));
    assert_eq!(output.status.code(), Some(2));
}

/// A scratch workspace with a manifest naming `spec` (copied from the fixtures).
fn workspace(spec_text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("specs/demo")).unwrap();
    std::fs::write(dir.path().join("specs/demo/openapi.yaml"), spec_text).unwrap();
    std::fs::write(dir.path().join("sources.toml"), "[[source]]\nname = \"demo\"\nspec = \"specs/demo/openapi.yaml\"\ncrates = [\"api\"]\n").unwrap();
    dir
}

fn typemodel_spec() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/typemodel/openapi.yaml")).unwrap()
}

#[test]
fn generate_is_deterministic_and_check_finds_drift() {
    let ws = workspace(&typemodel_spec());
    let output = rocketgen(&["generate"], ws.path());
    assert!(output.status.success(), "{}", stderr(&output));
    let first = common::tree(&ws.path().join("generated"));
    assert!(first.iter().any(|(p, _)| p.ends_with("demo/api/src/models.rs")));

    // A second run writes nothing new and the check passes.
    let output = rocketgen(&["generate"], ws.path());
    assert!(stderr(&output).contains("up to date"), "{}", stderr(&output));
    assert_eq!(common::tree(&ws.path().join("generated")), first);
    assert!(rocketgen(&["generate", "--check"], ws.path()).status.success());

    // Edit one file, add a stray one: both are named and the check fails with 1.
    let models = ws.path().join("generated/demo/api/src/models.rs");
    std::fs::write(&models, "// edited\n").unwrap();
    std::fs::write(ws.path().join("generated/demo/api/src/stray.rs"), "").unwrap();
    let output = rocketgen(&["generate", "--check"], ws.path());
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("changed: generated/demo/api/src/models.rs"), "{err}");
    assert!(err.contains("not generated: generated/demo/api/src/stray.rs"), "{err}");

    // Generating again restores exactly the first output.
    assert!(rocketgen(&["generate"], ws.path()).status.success());
    assert_eq!(common::tree(&ws.path().join("generated")), first);
}

#[test]
fn a_failed_generate_leaves_generated_untouched() {
    let ws = workspace(&typemodel_spec());
    assert!(rocketgen(&["generate"], ws.path()).status.success());
    let before = common::tree(&ws.path().join("generated"));

    // Break the spec: the run fails with the place and writes nothing.
    let broken = typemodel_spec().replace("$ref: '#/components/schemas/Problem' }", "$ref: '#/components/schemas/Gone' }");
    std::fs::write(ws.path().join("specs/demo/openapi.yaml"), broken).unwrap();
    let output = rocketgen(&["generate"], ws.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("dangling reference"), "{}", stderr(&output));
    assert_eq!(common::tree(&ws.path().join("generated")), before);
    let leftovers: Vec<_> = std::fs::read_dir(ws.path().join("generated/demo")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("api")]);
}

#[test]
fn a_bad_manifest_names_its_line() {
    let ws = workspace(&typemodel_spec());
    std::fs::write(ws.path().join("sources.toml"), "[[source]]\nname = \"demo\"\nspec = 3\ncrates = [\"api\"]\n").unwrap();
    let output = rocketgen(&["generate"], ws.path());
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("sources.toml:3: invalid manifest"), "{err}");
}

#[test]
fn ir_prints_yaml_and_json() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/rocket/openapi.json");
    let yaml = rocketgen(&["ir", spec.to_str().unwrap()], Path::new("."));
    assert!(yaml.status.success());
    let json = rocketgen(&["ir", spec.to_str().unwrap(), "--format", "json"], Path::new("."));
    let ir: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(ir["operations"].as_array().unwrap().len(), 121);
    let from_yaml: serde_json::Value = serde_yaml::from_slice(&yaml.stdout).unwrap();
    assert_eq!(from_yaml, ir);
}
