//! `cargo xtask sweep-compile DIR [--count N] [--max-kb K]`: a sample of the specs under DIR
//! added as sources of one new workspace (`rocketgen init`, `rocketgen add-source`) and the whole
//! workspace checked by clippy with warnings denied; reports which specs compiled clean, which
//! failed (with their first messages) and which `add-source` refused (with its reason).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

struct Options {
    dir: PathBuf,
    count: usize,
    max_bytes: u64,
}

fn parse(args: &[String]) -> Option<Options> {
    let mut options = Options { dir: PathBuf::new(), count: 100, max_bytes: 400 * 1024 };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--count" => options.count = args.next()?.parse().ok()?,
            "--max-kb" => options.max_bytes = args.next()?.parse::<u64>().ok()? * 1024,
            dir if options.dir.as_os_str().is_empty() && !dir.starts_with('-') => options.dir = PathBuf::from(dir),
            _ => return None,
        }
    }
    (!options.dir.as_os_str().is_empty()).then_some(options)
}

fn specs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            specs(&path, out);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")) {
            out.push(path);
        }
    }
}

pub fn run(root: &Path, args: &[String]) -> ExitCode {
    let Some(options) = parse(args) else {
        eprintln!("usage: cargo xtask sweep-compile DIR [--count N] [--max-kb K]");
        return ExitCode::from(2);
    };
    let mut found = Vec::new();
    specs(&options.dir, &mut found);
    found.retain(|p| std::fs::metadata(p).is_ok_and(|m| m.len() <= options.max_bytes));
    found.sort();
    if found.is_empty() {
        eprintln!("no spec files of at most {} KB under {}", options.max_bytes / 1024, options.dir.display());
        return ExitCode::from(2);
    }
    // Evenly spaced over the sorted list, so the sample spans the whole directory; the specs
    // after each pick are the reserves should add-source refuse it.
    let step = (found.len() / options.count.max(1)).max(1);
    let order: Vec<&PathBuf> = (0..step).flat_map(|offset| found.iter().skip(offset).step_by(step)).collect();

    let status = Command::new(env!("CARGO")).args(["build", "--quiet", "--package", "rocketgen"]).current_dir(root).status();
    if !status.is_ok_and(|s| s.success()) {
        eprintln!("cannot build rocketgen");
        return ExitCode::from(2);
    }
    let rocketgen = root.join("target/debug/rocketgen");
    let work = root.join("target/sweep-compile");
    let _ = std::fs::remove_dir_all(&work);
    if !Command::new(&rocketgen).arg("init").arg(&work).status().is_ok_and(|s| s.success()) {
        eprintln!("rocketgen init {} failed", work.display());
        return ExitCode::from(1);
    }

    let mut added: BTreeMap<String, &PathBuf> = BTreeMap::new();
    let mut refused: Vec<(&PathBuf, String)> = Vec::new();
    for spec in order {
        if added.len() == options.count {
            break;
        }
        let name = format!("s{}", added.len() + 1);
        let output = Command::new(&rocketgen).args(["add-source", "--name", &name, "--root"]).arg(&work).arg(spec).output();
        match output {
            Ok(out) if out.status.success() => {
                added.insert(name, spec);
            }
            Ok(out) => refused.push((spec, String::from_utf8_lossy(&out.stderr).lines().next().unwrap_or("").to_string())),
            Err(e) => refused.push((spec, e.to_string())),
        }
    }
    eprintln!("{} specs added as sources ({} refused by add-source); checking with clippy, warnings denied", added.len(), refused.len());

    let output = Command::new(env!("CARGO"))
        .args(["clippy", "--workspace", "--all-features", "--keep-going", "--message-format=short", "--", "-D", "warnings"])
        .env("CARGO_TARGET_DIR", root.join("target/sweep-compile-target"))
        .current_dir(&work)
        .output();
    let Ok(output) = output else {
        eprintln!("cannot run cargo clippy");
        return ExitCode::from(2);
    };
    let text = String::from_utf8_lossy(&output.stderr);
    // `generated/s12/api/src/models.rs:3:1: error: …` names the source; so does `s12-api`.
    let mut messages: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in text.lines() {
        let source = line
            .strip_prefix("generated/")
            .and_then(|rest| rest.split('/').next())
            .filter(|_| line.contains(": error") || line.contains(": warning"))
            .map(str::to_string)
            .or_else(|| line.strip_prefix("error: could not compile `").and_then(|rest| rest.split('-').next()).map(str::to_string));
        if let Some(source) = source.filter(|s| added.contains_key(s)) {
            messages.entry(source).or_default().push(line.to_string());
        }
    }
    let failed = messages.len();
    println!(
        "sweep-compile: {} specs sampled from {}, {} compiled with zero errors and zero warnings, {failed} failed",
        added.len(),
        options.dir.display(),
        added.len() - failed
    );
    for (source, lines) in &messages {
        println!("FAILED {} ({source})", added[source].display());
        for line in lines.iter().take(4) {
            println!("    {line}");
        }
    }
    for (spec, reason) in &refused {
        println!("REFUSED {}: {reason}", spec.display());
    }
    if failed > 0 || !output.status.success() && messages.is_empty() {
        if messages.is_empty() {
            println!("{}", text.lines().rev().take(20).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n"));
        }
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
