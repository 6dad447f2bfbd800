//! Runs load → IR → emit (all four crates, formatted, in memory) over every spec in a directory
//! tree and reports, per spec, the outcome: generated (with its diagnostics count), a load or
//! IR error (the one-line message users see), or a panic. Exits 1 when anything panicked.
//!
//! `cargo run --release -p rocketgen --example sweep -- DIR [--jobs N]`

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rocketgen::manifest::{CrateKind, Source};
use rocketgen::{ir, load, output};

fn specs(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            specs(&path, found);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")) {
            found.push(path);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: sweep DIR");
        std::process::exit(2);
    };
    let mut found = Vec::new();
    specs(Path::new(dir), &mut found);
    std::panic::set_hook(Box::new(|_| {}));
    let (mut ok, mut errors, mut panics) = (0, 0, 0);
    for path in &found {
        let start = Instant::now();
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let outcome = catch_unwind(AssertUnwindSafe(|| -> Result<(usize, usize, usize), String> {
            let spec = load::load_path(path).map_err(|e| e.to_string())?;
            let api = ir::build(&spec).map_err(|e| e.in_file(path).to_string())?;
            let source = Source::new("corpus", "spec", CrateKind::ALL.to_vec());
            let (files, _) = output::emit_source(&api, &source, &Default::default()).map_err(|e| e.to_string())?;
            Ok((api.operations.len(), api.diagnostics.len(), files.len()))
        }));
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        match outcome {
            Ok(Ok((ops, diags, _))) => {
                ok += 1;
                println!("ok\t{}\t{size}\t{ops}\t{diags}\t{ms:.0}", path.display());
            }
            Ok(Err(message)) => {
                errors += 1;
                println!("error\t{}\t{size}\t{}", path.display(), message.replace('\n', " "));
            }
            Err(panic) => {
                panics += 1;
                let message = panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default();
                println!("PANIC\t{}\t{size}\t{}", path.display(), message.replace('\n', " "));
            }
        }
    }
    eprintln!("{} specs: {ok} generated, {errors} refused with an error, {panics} panicked", found.len());
    if panics > 0 {
        std::process::exit(1);
    }
}
