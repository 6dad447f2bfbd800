//! The README's "Use it in your project" block, run exactly as written by a shell in a new
//! directory (with the example spec beside it and this build's `rocketgen` on `PATH`): a new
//! user's path from `init` to a running mock server must work.

use std::path::Path;
use std::process::Command;

/// The first `sh` block of the README section with this heading.
fn shell_block(readme: &str, heading: &str) -> String {
    let section = readme.split_once(heading).map(|(_, rest)| rest).expect("the README has the section");
    let block = section.split_once("```sh\n").map(|(_, rest)| rest).expect("the section has a shell block");
    block.split_once("```").map(|(block, _)| block.to_string()).expect("the block is closed")
}

#[test]
fn the_readme_project_commands_work_verbatim() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let block = shell_block(&readme, "## Use it in your project");
    assert!(block.contains("rocketgen init") && block.contains("cargo build"), "{block}");

    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/petstore.yaml"), dir.join("petstore.yaml")).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_rocketgen")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    // Background jobs (the mock server) end with the script.
    let script = format!("set -eu\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n{block}");
    let output = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(dir)
        .env("PATH", path)
        // Its own target directory, kept between runs: the project's dependencies build once.
        .env("CARGO_TARGET_DIR", root.join("target/readme-project"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the README's commands failed:\n{stdout}\n{stderr}");
    // curl printed the mock server's answer to GET /v1/pets: a JSON array of pets.
    let answer = stdout.lines().find(|line| line.starts_with('[')).unwrap_or_else(|| panic!("no answer from the mock server:\n{stdout}"));
    // curl ends without a newline: the answer is the first JSON value of the line.
    let pets: serde_json::Value = serde_json::Deserializer::from_str(answer).into_iter().next().unwrap().unwrap();
    assert!(pets.as_array().is_some_and(|pets| pets.iter().all(|pet| pet["id"].is_i64() && pet["name"].is_string())), "{answer}");
    // preview listed the tools `rocketgen mcp` would serve.
    assert!(stdout.contains("pets.listPets") && stdout.contains("pets.showPetById"), "{stdout}");
    assert!(dir.join("my-api/generated/pets/api/Cargo.toml").exists());
}
