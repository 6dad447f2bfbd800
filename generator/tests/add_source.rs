//! `rocketgen add-source` in a scratch workspace: register Rocket 3.730.228, re-add it
//! (nothing changes), refuse a different spec without --upgrade (nothing changes), upgrade to
//! 3.730.300 (diff shown, versions bumped, CHANGELOG appended), and check that the crates equal
//! a fresh generate and compile clippy-clean.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn rocketgen(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rocketgen")).args(args).current_dir(dir).output().unwrap()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// An empty workspace (a manifest with no members, no sources) with the repository's lock file.
fn scratch_workspace() -> tempfile::TempDir {
    let ws = tempfile::tempdir().unwrap();
    std::fs::write(ws.path().join("Cargo.toml"), "[workspace]\nresolver = \"3\"\nmembers = []\n").unwrap();
    std::fs::write(ws.path().join("sources.toml"), "").unwrap();
    std::fs::copy(repo().join("Cargo.lock"), ws.path().join("Cargo.lock")).unwrap();
    ws
}

/// `cargo clippy -D warnings` over a scratch workspace, sharing this repository's target dir.
fn clippy(root: &Path) -> Output {
    Command::new(env!("CARGO"))
        .args(["clippy", "--quiet", "--workspace", "--all-targets", "--offline", "--", "-D", "warnings"])
        .env("CARGO_TARGET_DIR", repo().join("target"))
        .current_dir(root)
        .output()
        .unwrap()
}

#[test]
fn add_then_upgrade_rocket() {
    let ws = scratch_workspace();
    let root = ws.path();
    let old = repo().join("specs/rocket/3.730.228-ref-1-39-0.openapi.json");
    let new = repo().join("specs/rocket/openapi.json");

    let added = rocketgen(&["add-source", old.to_str().unwrap(), "--name", "rocket"], root);
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let out = String::from_utf8_lossy(&added.stdout);
    assert!(out.starts_with("registered rocket: 108 tools"), "{out}");
    let manifest = std::fs::read_to_string(root.join("sources.toml")).unwrap();
    assert!(
        manifest.contains("name = \"rocket\"") && manifest.contains("spec_version = \"3.730.228-ref-1-39-0\"") && manifest.contains("hash = \"fnv1a64:"),
        "{manifest}"
    );
    assert!(std::fs::read_to_string(root.join("Cargo.toml")).unwrap().contains("\"generated/rocket/mock\""));
    let after_add = common::tree(root);

    // Idempotent.
    let again = rocketgen(&["add-source", old.to_str().unwrap(), "--name", "rocket"], root);
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing changed"));
    assert_eq!(common::tree(root), after_add);

    // A different spec needs --upgrade, and without it nothing is written.
    let refused = rocketgen(&["add-source", new.to_str().unwrap(), "--name", "rocket"], root);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("pass --upgrade"));
    assert_eq!(common::tree(root), after_add);

    let upgraded = rocketgen(&["add-source", new.to_str().unwrap(), "--name", "rocket", "--upgrade"], root);
    assert!(upgraded.status.success(), "{}", String::from_utf8_lossy(&upgraded.stderr));
    let out = String::from_utf8_lossy(&upgraded.stdout);
    assert!(out.contains("operations: 13 added, 0 removed, 1 changed") && out.contains("crates 0.1.0 → 0.2.0"), "{out}");
    assert!(std::fs::read_to_string(root.join("generated/rocket/api/Cargo.toml")).unwrap().contains("version = \"0.2.0\""));
    let changelog = std::fs::read_to_string(root.join("specs/rocket/CHANGELOG.md")).unwrap();
    assert!(changelog.contains("## 0.2.0 (was 0.1.0)") && changelog.contains("GET /itv/entitlements/current"));

    // The crates are what a fresh generate gives, and they compile.
    let check = rocketgen(&["generate", "--check"], root);
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    let build = clippy(root);
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
}

#[test]
fn a_bad_spec_changes_nothing() {
    let ws = scratch_workspace();
    let root = ws.path();
    let bad = root.join("bad.yaml");
    std::fs::write(&bad, "openapi: 3.0.0\ninfo: {title: x, version: '1'}\npaths:\n  /a: {get: {responses: {'200': {$ref: '#/nowhere'}}}}\n").unwrap();
    let before = common::tree(root);
    let output = rocketgen(&["add-source", bad.to_str().unwrap()], root);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("dangling reference"));
    assert_eq!(common::tree(root), before);
}

/// Two small specs with constructs Rocket lacks (unions, nullables, int64, cookie and header
/// parameters, basic/bearer alternatives, OpenID Connect, ranges, default-only responses, YAML
/// and JSON): registered side by side, their crates compile.
#[test]
fn small_specs_of_other_shapes() {
    let ws = scratch_workspace();
    let root = ws.path();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sources");
    let pets = rocketgen(&["add-source", fixtures.join("pets.yaml").to_str().unwrap()], root);
    assert!(pets.status.success(), "{}", String::from_utf8_lossy(&pets.stderr));
    assert!(String::from_utf8_lossy(&pets.stdout).starts_with("registered pet-store: 3 tools"));
    let notes = rocketgen(&["add-source", fixtures.join("notes.json").to_str().unwrap(), "--name", "notes"], root);
    assert!(notes.status.success(), "{}", String::from_utf8_lossy(&notes.stderr));
    assert!(String::from_utf8_lossy(&notes.stdout).contains("notes.list-notes"));
    assert!(root.join("specs/pet-store/openapi.yaml").exists() && root.join("specs/notes/openapi.json").exists());
    let build = clippy(root);
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
}

/// A team's own workspace: `init` and `add-source` add the source's crates and leave the
/// team's crate, its other manifest keys and its comments as they were; a `Cargo.toml` that is
/// not TOML stops `add-source` with an error naming the file, and nothing is written.
#[test]
fn a_workspace_with_its_own_crates_keeps_them() {
    let ws = tempfile::tempdir().unwrap();
    let root = ws.path();
    let manifest = "# Our workspace.\n[workspace]\nresolver = \"3\"\nmembers = [\n    \"app\", # the product\n]\ndefault-members = [\"app\"]\n\n[workspace.dependencies]\nserde = \"1\"\n";
    std::fs::write(root.join("Cargo.toml"), manifest).unwrap();
    std::fs::create_dir_all(root.join("app/src")).unwrap();
    std::fs::write(root.join("app/Cargo.toml"), "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2024\"\n").unwrap();
    std::fs::write(root.join("app/src/main.rs"), "fn main() {}\n").unwrap();
    let app_before = common::tree(&root.join("app"));

    assert!(rocketgen(&["init"], root).status.success());
    let spec = repo().join("generator/tests/fixtures/petstore.yaml");
    let added = rocketgen(&["add-source", spec.to_str().unwrap(), "--name", "pets"], root);
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    assert_eq!(common::tree(&root.join("app")), app_before);
    let after = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(after.starts_with("# Our workspace.\n[workspace]\nresolver = \"3\"\nmembers = [\n    \"app\", # the product\n"), "{after}");
    assert!(after.contains("\"generated/pets/api\"") && after.contains("\"generated/pets/mock\""), "{after}");
    assert!(after.contains("default-members = [\"app\"]\n\n[workspace.dependencies]\nserde = \"1\"\n"), "{after}");
    assert!(root.join("rocketgen-runtime/Cargo.toml").exists());

    // Not TOML: an error that names the file, and the tree as it was.
    std::fs::write(root.join("Cargo.toml"), "[workspace\nmembers = [\"app\"]\n").unwrap();
    let before = common::tree(root);
    let second = repo().join("generator/tests/fixtures/petstore.yaml");
    let refused = rocketgen(&["add-source", second.to_str().unwrap(), "--name", "pets2"], root);
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("Cargo.toml") && message.contains("not valid TOML"), "{message}");
    assert_eq!(common::tree(root), before);
}
