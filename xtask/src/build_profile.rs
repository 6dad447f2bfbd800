//! `cargo xtask build-profile PACKAGE [--manifest-path PATH] [--top N]`: where rustc spends the
//! debug build of one crate, from its self-profile. Dependencies are built first (in
//! `target/build-profile`); the crate is then compiled alone, one job, no incremental cache,
//! and the profile summed two ways: the queries that take longest, and for type checking,
//! borrow checking and the well-formedness check, the items they ran for, by the last segment
//! of the item's path (`visit_map`, `fmt`, `eq`…), which groups the same method of every type.
//! Times are inclusive: a query's includes the queries it calls.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// The queries whose items are summed by name.
const PER_ITEM: &[&str] = &["typeck", "mir_borrowck", "check_well_formed"];

pub fn run(root: &Path, args: &[String]) -> ExitCode {
    match profile(root, args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("build-profile: {message}");
            ExitCode::from(2)
        }
    }
}

struct Options {
    package: String,
    manifest: Option<PathBuf>,
    top: usize,
}

fn options(args: &[String]) -> Result<Options, String> {
    const USAGE: &str = "usage: cargo xtask build-profile PACKAGE [--manifest-path PATH] [--top N]";
    let (mut package, mut manifest, mut top) = (None, None, 20);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--manifest-path" => manifest = Some(PathBuf::from(args.next().ok_or(USAGE)?)),
            "--top" => top = args.next().and_then(|n| n.parse().ok()).ok_or(USAGE)?,
            name if !name.starts_with('-') && package.is_none() => package = Some(name.to_string()),
            _ => return Err(USAGE.to_string()),
        }
    }
    Ok(Options { package: package.ok_or(USAGE)?, manifest, top })
}

fn profile(root: &Path, args: &[String]) -> Result<(), String> {
    let options = options(args)?;
    let target = root.join("target/build-profile");
    let cargo = |subcommand: &str| {
        let mut command = Command::new(env!("CARGO"));
        command.arg(subcommand).args(["--quiet", "--lib", "--package", &options.package]);
        if let Some(manifest) = &options.manifest {
            command.arg("--manifest-path").arg(manifest);
        }
        // The self-profile is a nightly flag; the crate's dependencies are built with the same
        // setting so that they are not rebuilt for it.
        command.current_dir(root).env("CARGO_TARGET_DIR", &target).env("CARGO_INCREMENTAL", "0").env("RUSTC_BOOTSTRAP", "1");
        command
    };
    let built = cargo("build").status().map_err(|e| format!("cannot run cargo: {e}"))?;
    if !built.success() {
        return Err(format!("cargo could not build {} (its error is above)", options.package));
    }
    // A directory of its own each run: its name is in the crate's flags, so the crate is
    // always compiled again, and the profile found is this run's.
    let dir = target.join(format!("self-profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let profiled = cargo("rustc")
        .args(["-j1", "--"])
        .arg(format!("-Zself-profile={}", dir.display()))
        .arg("-Zself-profile-events=default,args")
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !profiled.success() {
        return Err(format!("{} did not compile with -Z self-profile", options.package));
    }
    let file = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|e| e == "mm_profdata"))
        .ok_or_else(|| format!("no profile was written in {}", dir.display()))?;
    let summary = summarize(&file.with_extension(""))?;
    let _ = std::fs::remove_dir_all(&dir);
    print(&options, &summary);
    Ok(())
}

#[derive(Default)]
struct Summary {
    /// Query → (nanoseconds, count).
    queries: HashMap<String, (u128, u64)>,
    /// (query, item name) → nanoseconds.
    items: HashMap<(String, String), u128>,
}

fn summarize(stem: &Path) -> Result<Summary, String> {
    let data = analyzeme::ProfilingData::new(stem).map_err(|e| format!("{}: {e}", stem.display()))?;
    let mut summary = Summary::default();
    for event in data.iter_full() {
        let Some(duration) = event.duration() else { continue };
        let nanos = duration.as_nanos();
        let label = event.label.to_string();
        let query = summary.queries.entry(label.clone()).or_default();
        query.0 += nanos;
        query.1 += 1;
        if PER_ITEM.contains(&label.as_str()) {
            let path = event.additional_data.first().map(|a| a.to_string()).unwrap_or_default();
            // `models::{impl#12}::deserialize::{closure#0}` → `deserialize`.
            let name = path.split("::").filter(|segment| !segment.starts_with("{closure")).last().unwrap_or("").to_string();
            *summary.items.entry((label, name)).or_default() += nanos;
        }
    }
    Ok(summary)
}

fn print(options: &Options, summary: &Summary) {
    let seconds = |nanos: u128| nanos as f64 / 1e9;
    let mut queries: Vec<_> = summary.queries.iter().collect();
    queries.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    println!("rustc's self-profile of {} (debug, one job; inclusive times):\n", options.package);
    println!("| query | seconds | count |\n|---|---:|---:|");
    for (label, (nanos, count)) in queries.iter().take(options.top) {
        println!("| {label} | {:.2} | {count} |", seconds(*nanos));
    }
    let mut items: Vec<_> = summary.items.iter().collect();
    items.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    println!("\n| query | item (last path segment) | seconds |\n|---|---|---:|");
    for ((label, name), nanos) in items.iter().take(options.top) {
        println!("| {label} | `{name}` | {:.2} |", seconds(**nanos));
    }
}
