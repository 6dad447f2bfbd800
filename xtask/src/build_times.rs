//! `cargo xtask bench-build [--github]`: what the generated crates cost to build and to make,
//! beside progenitor 0.15.1's client of the same spec, in one run.
//!
//! - Build: debug, dependencies already built, one job, incremental caches off (`touch` the
//!   crate roots, `cargo build -j1`), after one untimed (which builds the dependencies as that
//!   command wants them): Rocket's API + client crates against progenitor's client, in turn
//!   for five rounds (medians, and the median of each round's ratio); Rocket's mock crate
//!   (library and mock-server binary, API and server built), median of three.
//! - Lines of Rust: Rocket's four crates against progenitor's client.
//! - Generation as a process: `rocketgen generate` (the `dist` profile, as `cargo install`
//!   builds it; four crates) against `cargo progenitor` (the client), each warm as hyperfine
//!   measures a command: in each of seven rounds an untimed run and five timed runs of ours,
//!   then the same of progenitor's (medians, and the median of the rounds' ratios); and each
//!   run of ours straight after one of progenitor's, seven rounds. `--generation` measures
//!   this alone.
//! - With `--github`, GitHub's API crate with every tag (the default), with every tag and the
//!   schemas no operation uses (4,428 webhook payloads and the like, off by default), and with
//!   `repos` alone, and its mock-server binary, once each (after a first build of each, untimed).
//!
//! Progenitor refuses Rocket as it is, so its copy is patched first: an operationId for each
//! operation without one, no `default` responses, and in each operation one schema per class of
//! statuses as progenitor has them (success, 2xx; error, 4xx and 5xx): the first response's.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use serde_json::{Map, Value};

const PROGENITOR_VERSION: &str = "0.15.1";

/// Rounds of the Rocket builds beside progenitor's.
const ROUNDS: usize = 5;

/// Rounds of the generation beside progenitor's, and timed runs of each side in a round.
const GENERATION_ROUNDS: usize = 7;
const GENERATION_RUNS: usize = 5;

/// What a run measures.
#[derive(Clone, Copy, PartialEq)]
enum Scope {
    /// Rocket's builds, lines and generation.
    Rocket,
    /// The same, and GitHub's builds.
    WithGithub,
    /// Generation alone, in a minute rather than a quarter of an hour.
    Generation,
}

pub fn run(root: &Path, args: &[String]) -> ExitCode {
    let scope = match args {
        [] => Scope::Rocket,
        [flag] if flag == "--github" => Scope::WithGithub,
        [flag] if flag == "--generation" => Scope::Generation,
        _ => {
            eprintln!("usage: cargo xtask bench-build [--github | --generation]");
            return ExitCode::from(2);
        }
    };
    match bench(root, scope) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench-build: {e}");
            ExitCode::from(1)
        }
    }
}

fn bench(root: &Path, scope: Scope) -> Result<(), String> {
    let github = scope == Scope::WithGithub;
    let bench = root.join("target/bench-build");
    let ws = bench.join("ws");
    let _ = std::fs::remove_dir_all(&ws);
    std::fs::create_dir_all(&ws).map_err(|e| format!("{}: {e}", ws.display()))?;
    let cargo_progenitor = install_progenitor(root)?;
    let rocketgen = dist_rocketgen(root)?;

    // The spec as progenitor takes it.
    let spec = root.join("specs/rocket/openapi.json");
    let patched = bench.join("rocket-for-progenitor.json");
    let text = std::fs::read_to_string(&spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    let mut document: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", spec.display()))?;
    patch_for_progenitor(&mut document);
    write(&patched, &serde_json::to_string_pretty(&document).unwrap_or_default())?;

    // The workspace: our crates (runtime from this repository) beside progenitor's client.
    let runtime = root.join("generator/runtime");
    let mut sources = rocket_only_sources(&ws, &runtime, &spec);
    if github {
        let spec = root.join("tests/corpus/github.com.json");
        sources.push_str(&format!(
            "\n[[source]]\nname = \"github\"\nspec = {:?}\ncrates = [\"api\", \"server\", \"client\", \"mock\"]\nversion = \"0.1.0\"\n",
            spec.display().to_string()
        ));
    }
    write(&ws.join("sources.toml"), &sources)?;
    let mut members: Vec<String> = ["api", "server", "client", "mock"].iter().map(|k| format!("\"generated/rocket/{k}\"")).collect();
    if github {
        members.extend(["api", "server", "client", "mock"].iter().map(|k| format!("\"generated/github/{k}\"")));
    }
    members.push("\"progenitor\"".to_string());
    write(
        &ws.join("Cargo.toml"),
        &format!("[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n[workspace.package]\nedition = \"2024\"\npublish = false\n", members.join(", ")),
    )?;
    let _ = std::fs::copy(root.join("Cargo.lock"), ws.join("Cargo.lock"));

    // Generation, as processes: Rocket's four crates alone (a workspace of its own, so that
    // `--github` does not add GitHub's to the time), then the workspace the builds use.
    let generation = bench.join("generation");
    let _ = std::fs::remove_dir_all(&generation);
    std::fs::create_dir_all(&generation).map_err(|e| format!("{}: {e}", generation.display()))?;
    write(&generation.join("sources.toml"), &rocket_only_sources(&generation, &runtime, &spec))?;
    let generate_ours = || {
        let _ = std::fs::remove_dir_all(generation.join("generated"));
        timed(Command::new(&rocketgen).args(["generate", "--root"]).arg(&generation))
    };
    let progenitor_dir = ws.join("progenitor");
    let generate_theirs = || {
        let _ = std::fs::remove_dir_all(&progenitor_dir);
        timed(Command::new(&cargo_progenitor).arg("progenitor").arg("-i").arg(&patched).arg("-o").arg(&progenitor_dir).args([
            "-n",
            "rocket-progenitor",
            "-v",
            "0.1.0",
        ]))
    };
    // Each side warm, as hyperfine measures a command: in each round one untimed run, then
    // runs back to back, ours then progenitor's; the ratio of the round's medians, and the
    // median of the rounds' ratios (a machine that slows down for a moment moves one round).
    let (mut ours_runs, mut theirs_runs, mut generation_ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..GENERATION_ROUNDS {
        let (ours, theirs) = (median(GENERATION_RUNS, generate_ours)?, median(GENERATION_RUNS, generate_theirs)?);
        ours_runs.push(ours);
        theirs_runs.push(theirs);
        generation_ratios.push(theirs / ours);
    }
    let (ours, theirs, faster) = (median_of(ours_runs), median_of(theirs_runs), median_of(generation_ratios));
    // And each run of ours straight after one of progenitor's, in turn: a process that starts
    // cold, as a user's run does (its first threads were once queued behind their spawner, see
    // `parallel::step_aside`); a few milliseconds weigh on our tens and not on progenitor's
    // hundreds.
    let (mut ours_cold, mut cold_ratios) = (Vec::new(), Vec::new());
    for _ in 0..GENERATION_ROUNDS {
        let (theirs, ours) = (generate_theirs()?, generate_ours()?);
        ours_cold.push(ours);
        cold_ratios.push(theirs / ours);
    }
    let (ours_cold, faster_cold) = (median_of(ours_cold), median_of(cold_ratios));
    let generation_rows = format!(
        "| generation as a process: four crates / client (each warm: {GENERATION_ROUNDS} rounds of an untimed run and {GENERATION_RUNS} timed runs of each, ours then progenitor's; medians; ratio: of the rounds' ratios) | {ours:.3} s | {theirs:.3} s | {faster:.1}× faster |\n\
         | … each run of ours straight after one of progenitor's ({GENERATION_ROUNDS} rounds; medians) | {ours_cold:.3} s | | {faster_cold:.1}× faster |"
    );
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    if scope == Scope::Generation {
        println!("Rocket beside progenitor {PROGENITOR_VERSION} ({cores} cores):");
        println!("| | rocketgen | progenitor | ratio |\n|---|---:|---:|---:|\n{generation_rows}");
        return Ok(());
    }
    timed(Command::new(&rocketgen).args(["generate", "--root"]).arg(&ws))?;
    let ours_lines = rust_lines(&ws.join("generated/rocket"));
    let theirs_lines = rust_lines(&progenitor_dir);

    // Dependencies once, with every crate's features, then each crate alone.
    let target = bench.join("target");
    let cargo = |args: &[&str]| -> Result<f64, String> {
        timed(Command::new(env!("CARGO")).args(args).current_dir(&ws).env("CARGO_TARGET_DIR", &target).env("CARGO_INCREMENTAL", "0"))
    };
    cargo(&["build", "--quiet", "--workspace", "--bins", "--lib"])?;
    let touch = |paths: &[&str]| {
        for path in paths {
            let path = ws.join(path);
            if let Ok(file) = std::fs::File::options().append(true).open(&path) {
                let _ = file.set_modified(std::time::SystemTime::now());
            }
        }
    };
    // Ours and progenitor's in turn, round by round: a machine that slows down or speeds up
    // during the run moves both, and the ratio is taken within each round.
    let (mut ours_builds, mut theirs_builds, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    cargo(&["build", "--quiet", "-j1", "-p", "rocket-client"])?;
    cargo(&["build", "--quiet", "-j1", "-p", "rocket-progenitor"])?;
    for _ in 0..ROUNDS {
        touch(&["generated/rocket/api/src/lib.rs", "generated/rocket/client/src/lib.rs"]);
        let ours = cargo(&["build", "--quiet", "-j1", "-p", "rocket-client"])?;
        touch(&["progenitor/src/lib.rs"]);
        let theirs = cargo(&["build", "--quiet", "-j1", "-p", "rocket-progenitor"])?;
        ours_builds.push(ours);
        theirs_builds.push(theirs);
        ratios.push(ours / theirs);
    }
    let (api_client, progenitor_client, ratio) = (median_of(ours_builds), median_of(theirs_builds), median_of(ratios));
    let mock = median(3, || {
        touch(&["generated/rocket/mock/src/lib.rs", "generated/rocket/mock/src/bin/mock_server.rs"]);
        cargo(&["build", "--quiet", "-j1", "-p", "rocket-mock", "--lib", "--bins"])
    })?;

    println!("Rocket beside progenitor {PROGENITOR_VERSION} ({cores} cores; builds: debug, dependencies built, -j1, no incremental cache):");
    println!("| | rocketgen | progenitor | ratio |\n|---|---:|---:|---:|");
    println!(
        "| build: API + client crates / client crate (medians of {ROUNDS} interleaved rounds; ratio: of the rounds' ratios) | {api_client:.1} s | {progenitor_client:.1} s | {ratio:.2} |"
    );
    println!("| build: mock crate with its mock-server binary (median of 3) | {mock:.1} s | — | |");
    println!("| lines of Rust: four crates / client | {ours_lines} | {theirs_lines} | {:.2} |", ours_lines as f64 / theirs_lines as f64);
    println!("{generation_rows}");

    if github {
        // GitHub's API crate with the features given, after the same first build, untimed.
        let api = |features: &[&str]| {
            median(1, || {
                touch(&["generated/github/api/src/lib.rs"]);
                cargo(&[&["build", "--quiet", "-j1", "-p", "github-api"][..], features].concat())
            })
        };
        let all = api(&[])?;
        let with_standalone = api(&["--features", "standalone-schemas"])?;
        let one = api(&["--no-default-features", "--features", "repos"])?;
        let mock = median(1, || {
            touch(&["generated/github/mock/src/lib.rs", "generated/github/mock/src/bin/mock_server.rs"]);
            cargo(&["build", "--quiet", "-j1", "-p", "github-mock", "--lib", "--bins"])
        })?;
        println!("\nGitHub (845 operations, 5,707 types; once each):");
        println!("| crate | build |\n|---|---:|");
        println!("| API crate, every tag (the default) | {all:.1} s |");
        println!("| API crate, every tag and the schemas no operation uses (`--features standalone-schemas`) | {with_standalone:.1} s |");
        println!("| API crate, `repos` alone | {one:.1} s |");
        println!("| mock crate with its mock-server binary | {mock:.1} s |");
    }
    Ok(())
}

/// Progenitor's requirements: an operationId everywhere, no `default` response, and one
/// response type for success (2xx) and one for errors (4xx, 5xx).
fn patch_for_progenitor(document: &mut Value) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else { return };
    let mut taken: Vec<String> = Vec::new();
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (method, operation) in item.iter_mut() {
            let Some(operation) = operation.as_object_mut() else { continue };
            if !["get", "put", "post", "delete", "options", "head", "patch", "trace"].contains(&method.as_str()) {
                continue;
            }
            let id = operation.get("operationId").and_then(Value::as_str).map(str::to_string);
            let id = match id {
                Some(id) if !taken.contains(&id) => id,
                _ => {
                    let words: Vec<String> = path.split(['/', '{', '}', '-', '.']).filter(|w| !w.is_empty()).map(str::to_string).collect();
                    let mut id = format!("{method}_{}", words.join("_"));
                    while taken.contains(&id) {
                        id.push('_');
                    }
                    id
                }
            };
            taken.push(id.clone());
            operation.insert("operationId".to_string(), Value::String(id));
            if let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) {
                responses.remove("default");
                one_type_per_class(responses);
            }
        }
    }
}

fn one_type_per_class(responses: &mut Map<String, Value>) {
    let mut first: Vec<(char, Option<Value>)> = Vec::new();
    for (status, response) in responses.iter_mut() {
        // Progenitor's classes: success (2xx) and error (4xx and 5xx).
        let class = match status.chars().next() {
            Some('4' | '5') => 'e',
            Some(c) => c,
            None => continue,
        };
        let content = response.get("content").cloned();
        match first.iter().find(|(c, _)| *c == class) {
            None => first.push((class, content)),
            Some((_, chosen)) => {
                if let Some(response) = response.as_object_mut() {
                    match chosen {
                        Some(chosen) => response.insert("content".to_string(), chosen.clone()),
                        None => response.remove("content"),
                    };
                }
            }
        }
    }
}

fn install_progenitor(root: &Path) -> Result<PathBuf, String> {
    let tools = root.join("target/bench-tools");
    let binary = tools.join("bin/cargo-progenitor");
    if !binary.exists() {
        eprintln!("installing cargo-progenitor {PROGENITOR_VERSION} into {}", tools.display());
        let status = Command::new(env!("CARGO"))
            .args(["install", "--quiet", "--locked", "cargo-progenitor", "--version", PROGENITOR_VERSION, "--root"])
            .arg(&tools)
            .status()
            .map_err(|e| format!("cannot run cargo install: {e}"))?;
        if !status.success() {
            return Err(format!("cargo install cargo-progenitor {PROGENITOR_VERSION} failed"));
        }
    }
    Ok(binary)
}

/// The generator as `cargo install` builds it (the `dist` profile), as progenitor's is the
/// binary `cargo install` built.
fn dist_rocketgen(root: &Path) -> Result<PathBuf, String> {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--profile", "dist", "--quiet", "-p", "rocketgen"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cargo build --profile dist -p rocketgen failed".to_string());
    }
    Ok(root.join("target/dist/rocketgen"))
}

/// Seconds the command took; an error with the end of its output when it fails.
fn timed(command: &mut Command) -> Result<f64, String> {
    let started = Instant::now();
    let out = command.output().map_err(|e| format!("cannot run {command:?}: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
        return Err(format!("{command:?} failed:\n{}", tail.into_iter().rev().collect::<Vec<_>>().join("\n")));
    }
    Ok(seconds)
}

/// The median of `runs` timed runs, after one untimed: a crate built alone may need its
/// dependencies with other features than the workspace's build gave them.
fn median(runs: usize, mut once: impl FnMut() -> Result<f64, String>) -> Result<f64, String> {
    once()?;
    let mut times = (0..runs).map(|_| once()).collect::<Result<Vec<f64>, String>>()?;
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}

/// A `sources.toml` for `dir` with Rocket's four crates.
fn rocket_only_sources(dir: &Path, runtime: &Path, spec: &Path) -> String {
    format!(
        "[runtime]\npath = {:?}\n\n[[source]]\nname = \"rocket\"\nspec = {:?}\ncrates = [\"api\", \"server\", \"client\", \"mock\"]\nversion = \"0.1.0\"\n",
        relative_to(dir, runtime),
        spec.display().to_string()
    )
}

fn median_of(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn rust_lines(dir: &Path) -> usize {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            total += rust_lines(&path);
        } else if path.extension().is_some_and(|e| e == "rs") {
            total += std::fs::read_to_string(&path).map(|t| t.lines().count()).unwrap_or(0);
        }
    }
    total
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// `to` as a path relative to `from` (both absolute, inside one tree).
fn relative_to(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = std::iter::repeat_n("..".to_string(), from.len() - common).collect();
    parts.extend(to[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    parts.join("/")
}
