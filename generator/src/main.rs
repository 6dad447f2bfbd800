//! The `rocketgen` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use rocketgen::error::Error;
use rocketgen::{ir, load, manifest, output};

// A run allocates and frees millions of small token and syntax-tree nodes; mimalloc halves the
// time glibc's allocator spends on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "rocketgen", version, about = "Rust crates from OpenAPI specs")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the crates of every source in sources.toml.
    Generate {
        /// The workspace root (default: the nearest directory with sources.toml).
        #[arg(long)]
        root: Option<PathBuf>,
        /// Write nothing; exit 1 and list the files that differ if generated/ is stale.
        #[arg(long)]
        check: bool,
    },
    /// Show what adding a spec would give (tools, schemas, diagnostics); writes nothing.
    Preview {
        /// A file, `-` for standard input, or an http(s) URL.
        spec: String,
        #[arg(long, value_enum, default_value_t = PreviewFormat::Text)]
        format: PreviewFormat,
    },
    /// Register a spec as a source (copied into specs/NAME, crates generated), or upgrade one.
    AddSource {
        spec: PathBuf,
        /// The source name (default: from the spec's title).
        #[arg(long)]
        name: Option<String>,
        /// Replace a different spec registered under that name: shows the changes, bumps the
        /// crates' versions and appends to specs/NAME/CHANGELOG.md.
        #[arg(long, alias = "force")]
        upgrade: bool,
        /// The workspace root (default: the nearest directory with sources.toml).
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Compare two versions of a spec: every change, judged for clients, implementors and the
    /// generated crates' semver.
    Diff {
        old: PathBuf,
        new: PathBuf,
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// Exit 1 when a change breaks clients or implementors.
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
    },
    /// Print the IR of a spec.
    Ir {
        /// The spec file (JSON or YAML).
        spec: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Yaml)]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum PreviewFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Breaking,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Yaml,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        Command::Generate { root, check } => {
            let root = manifest::find_root(&root.unwrap_or_else(|| PathBuf::from(".")))?;
            let generated = output::generate_workspace(&root)?;
            for (name, api) in &generated.apis {
                eprintln!(
                    "{name}: {} operations, {} types, {} diagnostics",
                    api.operations.len(),
                    api.types.len(),
                    api.diagnostics.len()
                );
            }
            if check {
                let drift = output::check(&root, &generated)?;
                if drift.is_empty() {
                    eprintln!("generated/ is up to date");
                    return Ok(ExitCode::SUCCESS);
                }
                eprintln!("generated/ differs from what the generator makes; run `rocketgen generate`:");
                for d in &drift {
                    eprintln!("  {d}");
                }
                return Ok(ExitCode::from(1));
            }
            let rewritten = output::write(&root, &generated)?;
            if rewritten.is_empty() {
                eprintln!("generated/ is up to date");
            }
            for dir in rewritten {
                eprintln!("wrote {}", dir.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Preview { spec, format } => {
            let loaded = load::load_source(&spec)?;
            let api = ir::build(&loaded).map_err(|e| e.in_file(&spec))?;
            let preview = rocketgen::preview::preview(&api);
            match format {
                PreviewFormat::Text => print!("{}", rocketgen::preview::to_text(&preview)),
                PreviewFormat::Json => println!("{}", serde_json::to_string_pretty(&preview).map_err(|e| Error::new(e.to_string()))?),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::AddSource { spec, name, upgrade, root } => {
            let root = manifest::find_root(&root.unwrap_or_else(|| PathBuf::from(".")))?;
            let request = rocketgen::source::AddSource { spec, name, upgrade };
            match rocketgen::source::add_source(&root, &request)? {
                rocketgen::source::Outcome::Unchanged { name } => println!("{name}: already registered with this spec; nothing changed"),
                rocketgen::source::Outcome::Added { name, tools } => {
                    println!("registered {name}: {} tools", tools.len());
                    for tool in tools {
                        println!("  {tool}");
                    }
                }
                rocketgen::source::Outcome::Upgraded { name, report, old_version, new_version } => {
                    print!("{}", rocketgen::diff::to_text(&report));
                    println!("\nupgraded {name}: crates {old_version} → {new_version}; see specs/{name}/CHANGELOG.md");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Diff { old, new, format, fail_on } => {
            let load = |path: &PathBuf| -> Result<ir::Api, Error> {
                let spec = load::load_path(path)?;
                ir::build(&spec).map_err(|e| e.in_file(path))
            };
            let report = rocketgen::diff::diff(&load(&old)?, &load(&new)?);
            let text = match format {
                DiffFormat::Text => rocketgen::diff::to_text(&report),
                DiffFormat::Markdown => rocketgen::diff::to_markdown(&report),
                DiffFormat::Json => serde_json::to_string_pretty(&report).map_err(|e| Error::new(e.to_string()))? + "\n",
            };
            print!("{text}");
            if matches!(fail_on, Some(FailOn::Breaking)) && report.has_breaking() {
                return Ok(ExitCode::from(1));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Ir { spec, format } => {
            let loaded = load::load_path(&spec)?;
            let api = ir::build(&loaded).map_err(|e| e.in_file(&spec))?;
            let text = match format {
                Format::Json => serde_json::to_string_pretty(&api).map_err(|e| Error::new(e.to_string()))? + "\n",
                Format::Yaml => serde_yaml::to_string(&api).map_err(|e| Error::new(e.to_string()))?,
            };
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
    }
}
