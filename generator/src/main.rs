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

/// `rocketgen 0.1.0 (rocketgen-runtime 0.1.0)`: the runtime is the one generated crates are
/// generated for, and the one `generate` writes into a workspace.
fn version_text() -> String {
    format!("{} (rocketgen-runtime {})", env!("CARGO_PKG_VERSION"), rocketgen_runtime::VERSION)
}

#[derive(Parser)]
#[command(name = "rocketgen", version = version_text(), about = "Rust crates from OpenAPI specs")]
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
    /// Call one operation (a tool) against a live server, from the spec alone.
    Call {
        /// The tool name, e.g. `content.getItem`.
        tool: String,
        /// The arguments as a JSON object (parameters by name, and `body`).
        #[arg(long, default_value = "{}")]
        args: String,
        /// The spec (default: the source in sources.toml that has the tool).
        #[arg(long)]
        spec: Option<PathBuf>,
        /// Where the API is, base path included (default: the spec's first absolute server URL).
        #[arg(long)]
        base_url: Option<String>,
        /// A bearer token for every OAuth2, OpenID Connect or bearer scheme (or ROCKETGEN_TOKEN).
        #[arg(long)]
        token: Option<String>,
        /// A credential for one scheme: `scheme=secret`.
        #[arg(long = "credential", value_name = "SCHEME=SECRET")]
        credentials: Vec<String>,
        /// Print the request instead of sending it.
        #[arg(long)]
        dry_run: bool,
        /// For a paginated tool: fetch every page from the one asked for on, and print all
        /// their items as one JSON array.
        #[arg(long)]
        all_pages: bool,
        /// At most this many attempts (1: no retries). Connection errors, 408, 429, 502, 503
        /// and 504 are retried with backoff, for idempotent methods or requests with an
        /// idempotency key.
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=20))]
        max_attempts: u32,
    },
    /// Make a directory a workspace to generate into: a commented sources.toml, a workspace
    /// Cargo.toml where there is none (an existing one only gains what is missing), the runtime.
    Init {
        /// The directory (default: the current one).
        dir: Option<PathBuf>,
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
    /// Serve every registered source's operations as MCP tools, plus openapi.previewSpec and
    /// openapi.addSource (stdio; `--http` for streamable HTTP).
    Mcp {
        /// The workspace root (default: the nearest directory with sources.toml, if any).
        #[arg(long)]
        root: Option<PathBuf>,
        /// Serve only this source (repeatable; default: all).
        #[arg(long = "source", value_name = "NAME")]
        sources: Vec<String>,
        /// Where requests go: `URL` for every source or `SOURCE=URL` for one (or the variable
        /// ROCKETGEN_<SOURCE>_BASE_URL; default: the spec's first absolute server URL).
        #[arg(long = "base-url", value_name = "[SOURCE=]URL")]
        base_urls: Vec<String>,
        /// A bearer token for bearer/OAuth2/OpenID Connect schemes: `TOKEN` or `SOURCE=TOKEN`
        /// (better: ROCKETGEN_TOKEN or ROCKETGEN_<SOURCE>_TOKEN, which no process listing shows).
        #[arg(long = "token", value_name = "[SOURCE=]TOKEN")]
        tokens: Vec<String>,
        /// A credential for one scheme: `SCHEME=SECRET` or `SOURCE:SCHEME=SECRET`.
        #[arg(long = "credential", value_name = "[SOURCE:]SCHEME=SECRET")]
        credentials: Vec<String>,
        /// Serve streamable HTTP at this address (path `/mcp`) instead of stdio.
        #[arg(long, value_name = "ADDR")]
        http: Option<std::net::SocketAddr>,
        /// `all`: one tool per operation; `search`: `search`, `describe` and `call` over them
        /// (for large APIs). The control tools are listed either way.
        #[arg(long, value_enum, default_value_t = ToolsFlag::All)]
        tools: ToolsFlag,
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

/// Which tools `rocketgen mcp` lists.
#[derive(Clone, Copy, ValueEnum)]
enum ToolsFlag {
    All,
    Search,
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

/// The spec of the source in sources.toml that has `tool`.
fn find_tool_spec(tool: &str) -> Result<PathBuf, Error> {
    let root = manifest::find_root(std::path::Path::new("."))?;
    // A test fixture's tools are called with --spec.
    for source in manifest::Manifest::read(&root)?.sources.into_iter().filter(|s| !s.fixture) {
        let path = root.join(&source.spec);
        let api = ir::build(&load::load_path(&path)?)?;
        if api.operation(tool).is_some() {
            return Ok(path);
        }
    }
    Err(Error::new(format!("no source in {} has a tool named {tool:?}; pass --spec", root.join(manifest::MANIFEST_FILE).display())))
}

/// `SOURCE=VALUE` → (SOURCE, VALUE); anything else applies to every source (`""`).
fn scoped(given: &str) -> (String, String) {
    match given.split_once('=') {
        Some((source, value)) if manifest::is_valid_source_name(source) => (source.to_string(), value.to_string()),
        _ => (String::new(), given.to_string()),
    }
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        Command::Generate { root, check } => {
            let root = manifest::find_root(&root.unwrap_or_else(|| PathBuf::from(".")))?;
            let generated = output::generate_workspace(&root)?;
            for (name, api) in &generated.apis {
                eprintln!("{name}: {} operations, {} types, {} diagnostics", api.operations.len(), api.types.len(), api.diagnostics.len());
            }
            if check {
                let drift = output::check(&root, &generated)?;
                let runtime_missing = rocketgen::vendor::missing_runtime(&root, &generated.runtime);
                if let Some(dir) = &runtime_missing {
                    eprintln!("the runtime crate is missing or of another version: {} (run `rocketgen generate`)", dir.display());
                }
                if drift.is_empty() && runtime_missing.is_none() {
                    eprintln!("generated/ is up to date");
                    return Ok(ExitCode::SUCCESS);
                }
                if drift.is_empty() {
                    return Ok(ExitCode::from(1));
                }
                eprintln!("generated/ differs from what the generator makes; run `rocketgen generate`:");
                for d in &drift {
                    eprintln!("  {d}");
                }
                return Ok(ExitCode::from(1));
            }
            if let rocketgen::vendor::Vendored::Written(dir) = rocketgen::vendor::ensure_runtime(&root, &generated.runtime)? {
                eprintln!("wrote {} (rocketgen-runtime {})", dir.display(), rocketgen_runtime::VERSION);
            }
            let rewritten = output::write(&root, &generated)?;
            if rewritten.is_empty() {
                eprintln!("generated/ is up to date");
            }
            for dir in rewritten {
                eprintln!("wrote {}", dir.display());
            }
            // The process ends here, and its memory with it: the IR and the files are not
            // freed allocation by allocation (some 2% of a run on Rocket).
            std::mem::forget(generated);
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
        Command::Call { tool, args, spec, base_url, token, credentials, dry_run, all_pages, max_attempts } => {
            let spec_path = match spec {
                Some(path) => path,
                None => find_tool_spec(&tool)?,
            };
            let api = ir::build(&load::load_path(&spec_path)?).map_err(|e| e.in_file(&spec_path))?;
            let op = rocketgen::call::operation(&api, &tool)?;
            let args: serde_json::Value = serde_json::from_str(&args).map_err(|e| Error::new(format!("--args is not JSON: {e}")))?;
            let token = token.or_else(|| std::env::var("ROCKETGEN_TOKEN").ok());
            let mut given = token.map(|t| rocketgen::call::bearer_credentials(&api, &t)).unwrap_or_default();
            for credential in credentials {
                let (scheme, secret) = credential.split_once('=').ok_or_else(|| Error::new("--credential takes SCHEME=SECRET"))?;
                given.insert(scheme.to_string(), secret.to_string());
            }
            rocketgen::call::InputCheck::new(&api, op)?.check(op, &args)?;
            let prepared = rocketgen::call::build(&api, op, &args, &given)?;
            if dry_run {
                println!("{} {}", prepared.method, prepared.target);
                for (name, value) in &prepared.headers {
                    // Secrets are never printed.
                    let shown =
                        if name.eq_ignore_ascii_case("authorization") || given.values().any(|s| value.contains(s.as_str())) { "***" } else { value.as_str() };
                    println!("{name}: {shown}");
                }
                if let Some(body) = &prepared.body {
                    println!("\n{}", String::from_utf8_lossy(body));
                }
                return Ok(ExitCode::SUCCESS);
            }
            let base = match base_url {
                Some(base) => base,
                None => api.default_base_url().map(str::to_string).ok_or_else(|| Error::new("the spec names no absolute server URL: pass --base-url"))?,
            };
            let sender = rocketgen::call::Sender::new(&base, rocketgen::call::RetryPolicy::default().max_attempts(max_attempts))?;
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| Error::new(format!("cannot start the runtime: {e}")))?;
            if all_pages {
                let items = runtime.block_on(sender.all_pages(&api, op, &args, &given))?;
                println!("{}", serde_json::to_string_pretty(&items).map_err(|e| Error::new(e.to_string()))?);
                return Ok(ExitCode::SUCCESS);
            }
            if op.responses.iter().any(|r| r.body.as_ref().is_some_and(|b| b.stream.is_some())) {
                // A stream's items are printed as they arrive, one JSON text per line.
                let status = runtime.block_on(sender.send_streamed(
                    op,
                    &prepared,
                    |status| println!("{status}"),
                    |item| match item {
                        serde_json::Value::String(text) => println!("{text}"),
                        item => println!("{item}"),
                    },
                ))?;
                return Ok(if (200..400).contains(&status) { ExitCode::SUCCESS } else { ExitCode::from(1) });
            }
            let answer = runtime.block_on(sender.send(op, &prepared))?;
            println!("{}", answer.status);
            match serde_json::from_slice::<serde_json::Value>(&answer.body) {
                Ok(json) => println!("{}", serde_json::to_string_pretty(&json).unwrap_or_default()),
                Err(_) => println!("{}", String::from_utf8_lossy(&answer.body)),
            }
            Ok(if (200..400).contains(&answer.status) { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Init { dir } => {
            let dir = dir.unwrap_or_else(|| PathBuf::from("."));
            let done = rocketgen::init::init(&dir)?;
            if done.written.is_empty() {
                println!("{} is already set up; nothing changed", dir.display());
            }
            for path in done.written {
                println!("wrote {}", path.display());
            }
            println!("next: rocketgen add-source SPEC --root {}", dir.display());
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
        Command::Mcp { root, sources, base_urls, tokens, credentials, http, tools } => {
            let root = match root {
                Some(root) => Some(manifest::find_root(&root)?),
                None => manifest::find_root(std::path::Path::new(".")).ok(),
            };
            let mut settings = rocketgen::mcp::Settings { root, ..Default::default() };
            for given in base_urls {
                let (source, url) = scoped(&given);
                settings.base_urls.insert(source, url);
            }
            for given in tokens {
                let (source, token) = scoped(&given);
                settings.tokens.insert(source, token);
            }
            for given in credentials {
                let (source, rest) = match given.split_once(':') {
                    Some((source, rest)) if manifest::is_valid_source_name(source) => (source.to_string(), rest),
                    _ => (String::new(), given.as_str()),
                };
                let (scheme, secret) = rest.split_once('=').ok_or_else(|| Error::new("--credential takes [SOURCE:]SCHEME=SECRET"))?;
                settings.credentials.entry(source).or_default().insert(scheme.to_string(), secret.to_string());
            }
            let mode = match tools {
                ToolsFlag::All => rocketgen::mcp::ToolMode::All,
                ToolsFlag::Search => rocketgen::mcp::ToolMode::Search,
            };
            let server = rocketgen::mcp::McpServer::from_workspace(settings, &sources)?.with_mode(mode);
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| Error::new(format!("cannot start the runtime: {e}")))?;
            runtime.block_on(rocketgen::mcp::serve(server, http))?;
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
