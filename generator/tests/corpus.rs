//! The corpus of real-world specs (tests/corpus, see tests/corpus/README.md): every spec
//! generates all four crates, and they compile without a warning. Prints a table of what each
//! spec gave (operations, types, diagnostics, generated lines).

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().unwrap()
}

/// `stripe.com.json` → `stripe-com`.
fn source_name(spec: &Path) -> String {
    let stem = spec.file_stem().unwrap().to_string_lossy().to_ascii_lowercase();
    stem.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect()
}

fn lines_under(dir: &Path) -> usize {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            total += lines_under(&path);
        } else if path.extension().is_some_and(|e| e == "rs") {
            total += std::fs::read_to_string(&path).unwrap().lines().count();
        }
    }
    total
}

/// `cargo check ARGS` in `workspace`: its warnings and errors (a failure with none is one too).
fn cargo_check(workspace: &Path, target: &Path, args: &[&str]) -> Vec<String> {
    let checked = Command::new(env!("CARGO"))
        .arg("check")
        .args(args)
        .args(["--message-format", "short"])
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        // Incremental caches of some 70 large crates would fill a CI disk; they are checked once.
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .unwrap();
    let messages = String::from_utf8_lossy(&checked.stderr);
    let mut problems: Vec<String> = messages.lines().filter(|l| l.contains("warning") || l.contains("error")).map(str::to_string).collect();
    if !checked.status.success() && problems.is_empty() {
        problems.push(format!("cargo check {} failed:\n{messages}", args.join(" ")));
    }
    problems
}

#[test]
fn every_corpus_spec_generates_crates_that_compile_without_warnings() {
    let root = repo();
    let mut specs: Vec<PathBuf> = std::fs::read_dir(root.join("tests/corpus"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json" || e == "yaml"))
        .collect();
    specs.sort();
    assert!(specs.len() >= 15, "the corpus has {} specs", specs.len());

    let workspace = Path::new(env!("CARGO_TARGET_TMPDIR")).join("corpus-workspace");
    let _ = std::fs::remove_dir_all(&workspace);
    std::fs::create_dir_all(&workspace).unwrap();
    let mut manifest = String::new();
    for spec in &specs {
        manifest.push_str(&format!(
            "[[source]]\nname = \"{}\"\nspec = {:?}\ncrates = [\"api\", \"server\", \"client\", \"mock\"]\nversion = \"0.1.0\"\n\n",
            source_name(spec),
            spec.to_str().unwrap()
        ));
    }
    std::fs::write(workspace.join("sources.toml"), manifest).unwrap();
    let generated = Command::new(env!("CARGO_BIN_EXE_rocketgen")).args(["generate", "--root"]).arg(&workspace).output().unwrap();
    let report = String::from_utf8_lossy(&generated.stderr).into_owned();
    assert!(generated.status.success(), "generate failed:\n{report}");

    // A workspace of the generated crates, built into this repository's target directory so
    // that their dependencies are the ones already built.
    let members: Vec<String> =
        specs.iter().flat_map(|s| ["api", "server", "client", "mock"].map(|k| format!("\"generated/{}/{k}\"", source_name(s)))).collect();
    std::fs::write(
        workspace.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n[workspace.package]\nedition = \"2024\"\npublish = false\n", members.join(", ")),
    )
    .unwrap();
    std::fs::copy(root.join("Cargo.lock"), workspace.join("Cargo.lock")).unwrap();
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().to_path_buf();
    // Every feature: the standalone schemas and the overlay traits, off by default, included.
    let problems = cargo_check(&workspace, &target, &["--workspace", "--all-targets", "--all-features"]);
    assert!(problems.is_empty(), "the generated crates do not compile cleanly:\n{}", problems.join("\n"));

    // The largest spec with one tag's feature alone (its largest tag): the operations of that
    // tag and the types they reach compile on their own, cleanly.
    let packages = ["-p", "github-com-api", "-p", "github-com-server", "-p", "github-com-client", "-p", "github-com-mock"];
    let one_tag = [&packages[..], &["--no-default-features", "--features", "github-com-mock/repos,github-com-client/repos"]].concat();
    let problems = cargo_check(&workspace, &target, &one_tag);
    assert!(problems.is_empty(), "GitHub's crates with the repos tag alone do not compile cleanly:\n{}", problems.join("\n"));

    println!("| spec | size | operations | types | diagnostics | generated lines |");
    println!("|---|---:|---:|---:|---:|---:|");
    for spec in &specs {
        let name = source_name(spec);
        let line = report.lines().find(|l| l.starts_with(&format!("{name}: "))).unwrap_or_default();
        let numbers: Vec<&str> = line.split_whitespace().filter(|w| w.chars().all(|c| c.is_ascii_digit())).collect();
        let size = std::fs::metadata(spec).unwrap().len();
        println!(
            "| {} | {:.0} KB | {} | {} | {} | {} |",
            spec.file_name().unwrap().to_string_lossy(),
            size as f64 / 1024.0,
            numbers.first().unwrap_or(&"?"),
            numbers.get(1).unwrap_or(&"?"),
            numbers.get(2).unwrap_or(&"?"),
            lines_under(&workspace.join("generated").join(&name))
        );
    }
}
