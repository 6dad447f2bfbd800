//! `cargo xtask bench-buildrs`: what a crate that generates its bindings in a build script costs
//! to build the first time: `tests/buildrs-example` (rocketgen without default features) beside
//! a crate whose build script uses progenitor 0.15.1, each from an empty target directory, one
//! after the other in one run: crates compiled (from cargo's own `Compiling` lines), crates in
//! the build script's dependency tree, and wall time.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

/// The progenitor crate: its build script turns a spec into a client, as progenitor's README
/// shows; the generated code needs progenitor-client, reqwest and serde.
const PROGENITOR_MANIFEST: &str = r#"[package]
name = "progenitor-buildrs"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
progenitor-client = "0.15.1"
reqwest = { version = "0.12", default-features = false, features = ["json", "stream"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"

[build-dependencies]
progenitor = "0.15.1"
openapiv3 = "2"
prettyplease = "0.2"
serde_json = "1"
syn = "2"

[workspace]
"#;

const PROGENITOR_BUILD: &str = r#"fn main() {
    let spec = std::env::var("BENCH_SPEC").unwrap();
    println!("cargo:rerun-if-changed={spec}");
    let spec: openapiv3::OpenAPI = serde_json::from_reader(std::fs::File::open(&spec).unwrap()).unwrap();
    let tokens = progenitor::Generator::default().generate_tokens(&spec).unwrap();
    let file = prettyplease::unparse(&syn::parse2(tokens).unwrap());
    std::fs::write(std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("client.rs"), file).unwrap();
}
"#;

/// One first build: (crates compiled, seconds), or why it failed.
fn first_build(dir: &Path, target: &Path, args: &[&str], spec: &Path) -> Result<(usize, f64), String> {
    let _ = std::fs::remove_dir_all(target);
    let started = Instant::now();
    let out = Command::new(env!("CARGO"))
        .arg("build")
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .env("BENCH_SPEC", spec)
        .current_dir(dir)
        .output()
        .map_err(|e| e.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    let log = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(log.lines().filter(|l| l.contains("error")).take(5).collect::<Vec<_>>().join("\n"));
    }
    let mut compiled: Vec<&str> = log.lines().filter_map(|l| l.trim_start().strip_prefix("Compiling ")).collect();
    compiled.sort();
    compiled.dedup();
    Ok((compiled.len(), seconds))
}

/// The crates a build script needs: the union of its build-dependencies' own trees (their
/// normal and build dependencies), each crate once.
fn build_tree(dir: &Path, build_dependencies: &[&[&str]]) -> usize {
    let mut names: Vec<String> = Vec::new();
    for args in build_dependencies {
        let Ok(out) = Command::new(env!("CARGO")).arg("tree").args(*args).args(["-e", "normal,build", "--prefix", "none"]).current_dir(dir).output() else {
            return 0;
        };
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let name = line.replace(" (*)", "").replace(" (proc-macro)", "");
            if !name.is_empty() && !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names.len()
}

pub fn run(root: &Path) -> ExitCode {
    let bench = root.join("target/bench-buildrs");
    let spec = root.join("specs/rocket/openapi.json");
    let progenitor = bench.join("progenitor-buildrs");
    let written = std::fs::create_dir_all(progenitor.join("src"))
        .and_then(|()| std::fs::write(progenitor.join("Cargo.toml"), PROGENITOR_MANIFEST))
        .and_then(|()| std::fs::write(progenitor.join("build.rs"), PROGENITOR_BUILD))
        .and_then(|()| std::fs::write(progenitor.join("src/lib.rs"), "include!(concat!(env!(\"OUT_DIR\"), \"/client.rs\"));\n"));
    if let Err(e) = written {
        eprintln!("cannot write {}: {e}", progenitor.display());
        return ExitCode::from(2);
    }
    println!(
        "First build (empty target dir, debug, {} cores) of a crate generating the Rocket client in its build script:",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    println!("| crate | build-script tree (crates) | crates compiled | first build |\n|---|---:|---:|---:|");
    let ours = first_build(root, &bench.join("target-rocketgen"), &["-p", "rocket-buildrs-example"], &spec);
    let theirs = first_build(&progenitor, &bench.join("target-progenitor"), &[], &spec);
    let mut failed = false;
    let ours_tree: &[&[&str]] = &[&["-p", "rocketgen", "--no-default-features"]];
    let theirs_tree: &[&[&str]] = &[&["-p", "progenitor"], &["-p", "openapiv3"], &["-p", "prettyplease"], &["-p", "serde_json"], &["-p", "syn"]];
    for (name, dir, tree, result) in [
        ("tests/buildrs-example (rocketgen, no default features)", root, ours_tree, ours),
        ("progenitor 0.15.1 build script", progenitor.as_path(), theirs_tree, theirs),
    ] {
        match result {
            Ok((compiled, seconds)) => println!("| {name} | {} | {compiled} | {seconds:.1} s |", build_tree(dir, tree)),
            Err(e) => {
                failed = true;
                println!("| {name} | {} | failed: {} |  |", build_tree(dir, tree), e.lines().last().unwrap_or("").trim());
            }
        }
    }
    if failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
}
