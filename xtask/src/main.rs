//! Workspace tasks:
//! - `cargo xtask codegen [--check]`: regenerate (or check) generated/ with the workspace's rocketgen;
//! - `cargo xtask test`: install the independent tools the tests run against (Prism from npm and
//!   schemathesis from PyPI, pinned in tests/tools; curl from apt if missing), then run every
//!   test of the workspace;
//! - `cargo xtask bench-http`: requests per second of the generated router against a hand-written
//!   axum handler (wrk), time per call of the generated client against hand-written reqwest, and
//!   lines and crate-only build times of the server and client crates;
//! - `cargo xtask bench-mock`: the mock server against Prism (wrk: throughput and latency of
//!   `GET /account` and `GET /items/{id}`; start-up time to the first answer);
//! - `cargo xtask bench-mcp`: `rocketgen mcp` (release) for the Rocket source: time from process
//!   start to the answer of `tools/list` (after `initialize`), and `preview` as a process;
//! - `cargo xtask bench-mcp-calls [CALLS] [--clients N] [--tool NAME --arguments JSON] [--binary PATH]`: tool calls per second,
//!   latency percentiles and resident memory of `rocketgen mcp` over 20,000 (or CALLS) calls
//!   against the Rocket mock server, one client on stdio and 8 (or N) on streamable HTTP;
//! - `cargo xtask bench-buildrs`: first build of `tests/buildrs-example` beside a crate with
//!   progenitor as build-dependency: crates and time;
//! - `cargo xtask bench-build [--github | --generation]`: build times, lines and generation time
//!   of Rocket's crates beside progenitor's client (installed, spec patched as it needs), in one
//!   run; with `--github`, GitHub's API crate with every tag and with one, and its mock-server
//!   binary; with `--generation`, the generation time alone;
//! - `cargo xtask build-profile PACKAGE [--manifest-path PATH] [--top N]`: where rustc spends a
//!   crate's debug build, from its self-profile: the longest queries, and type and borrow
//!   checking summed by item name (`visit_map`, `fmt`…);
//! - `cargo xtask bench-generate`: time `rocketgen generate` for the Rocket spec as a process,
//!   release build, with hyperfine (from apt), in a scratch workspace.

mod bench_buildrs;
mod build_profile;
mod build_times;
mod mcp_calls;
mod sweep_compile;

use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("codegen") => {
            let extra: Vec<&str> = args[1..].iter().map(String::as_str).collect();
            if extra.iter().any(|a| *a != "--check") {
                eprintln!("usage: cargo xtask codegen [--check]");
                return ExitCode::from(2);
            }
            run(Command::new(env!("CARGO")).args(["run", "--quiet", "--package", "rocketgen", "--", "generate"]).args(extra))
        }
        Some("bench-generate") => bench_generate(),
        Some("test") => test(&args[1..]),
        Some("bench-http") => bench_http(),
        Some("bench-mock") => bench_mock(),
        Some("bench-remix") => bench_remix(),
        Some("bench-mcp") => bench_mcp(),
        Some("bench-mcp-calls") => mcp_calls::run(workspace_root(), &args[1..]),
        Some("bench-buildrs") => bench_buildrs::run(workspace_root()),
        Some("bench-build") => build_times::run(workspace_root(), &args[1..]),
        Some("build-profile") => build_profile::run(workspace_root(), &args[1..]),
        Some("sweep-compile") => sweep_compile::run(workspace_root(), &args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask codegen [--check] | cargo xtask test [CARGO TEST ARGS] | cargo xtask bench-http | cargo xtask bench-mock | cargo xtask bench-remix | cargo xtask bench-mcp | cargo xtask bench-mcp-calls [CALLS] [--clients N] [--tool NAME --arguments JSON] [--binary PATH] | cargo xtask bench-buildrs | cargo xtask bench-build [--github | --generation] | cargo xtask build-profile PACKAGE [--manifest-path PATH] [--top N] | cargo xtask bench-generate | cargo xtask sweep-compile DIR [--count N] [--max-kb K]"
            );
            ExitCode::from(2)
        }
    }
}

/// The workspace root, where xtask lies.
fn workspace_root() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lies in the workspace")
}

fn run(command: &mut Command) -> ExitCode {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lies in the workspace");
    match command.current_dir(root).status() {
        Ok(status) => ExitCode::from(status.code().unwrap_or(1).clamp(0, 255) as u8),
        Err(e) => {
            eprintln!("cannot run cargo: {e}");
            ExitCode::from(2)
        }
    }
}

fn bench_generate() -> ExitCode {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lies in the workspace");
    if let Err(failed) = release_build(&["--package", "rocketgen"]) {
        return failed;
    }
    let scratch = std::env::temp_dir().join(format!("rocketgen-bench-{}", std::process::id()));
    let specs = scratch.join("specs/rocket");
    let prepared =
        std::fs::create_dir_all(&specs).and_then(|()| std::fs::copy(root.join("specs/rocket/openapi.json"), specs.join("openapi.json"))).and_then(|_| {
            std::fs::write(
                scratch.join("sources.toml"),
                "[[source]]\nname = \"rocket\"\nspec = \"specs/rocket/openapi.json\"\ncrates = [\"api\", \"server\", \"client\", \"mock\"]\n",
            )
        });
    if let Err(e) = prepared {
        eprintln!("cannot prepare {}: {e}", scratch.display());
        return ExitCode::from(2);
    }
    let binary = root.join("target/release/rocketgen");
    // Two commands: a first run that writes everything, then the usual no-change run.
    let fresh = format!("rm -rf {0}/generated && {1} generate --root {0}", scratch.display(), binary.display());
    let unchanged = format!("{} generate --root {}", binary.display(), scratch.display());
    let check = format!("{} generate --check --root {}", binary.display(), scratch.display());
    let status = run(Command::new("hyperfine").args([
        "--warmup",
        "3",
        "--runs",
        "30",
        "--command-name",
        "generate, 4 crates (writes all)",
        &fresh,
        "--command-name",
        "generate, 4 crates (no change)",
        &unchanged,
        "--command-name",
        "generate --check",
        &check,
    ]));
    let _ = std::fs::remove_dir_all(&scratch);
    status
}

/// Starts `rocketgen mcp` over stdio, sends `initialize`, `initialized` and `tools/list`, and
/// times until the `tools/list` answer is read; 30 runs. Then `preview` with hyperfine.
fn bench_mcp() -> ExitCode {
    use std::io::{BufRead, BufReader, Write};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lies in the workspace");
    if let Err(failed) = release_build(&["--package", "rocketgen"]) {
        return failed;
    }
    let binary = root.join("target/release/rocketgen");
    let messages = concat!(
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}"#,
        "\n",
        r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
        "\n",
        r#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#,
        "\n",
    );
    let mut times = Vec::new();
    let mut tools = 0;
    for _ in 0..30 {
        let start = std::time::Instant::now();
        let spawned = Command::new(&binary)
            .args(["mcp", "--source", "rocket"])
            .current_dir(root)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn();
        let Ok(mut child) = spawned else {
            eprintln!("cannot start {}", binary.display());
            return ExitCode::from(2);
        };
        let _ = child.stdin.as_mut().map(|stdin| stdin.write_all(messages.as_bytes()));
        let Some(stdout) = child.stdout.take() else { return ExitCode::from(2) };
        let answer = BufReader::new(stdout).lines().map_while(Result::ok).find(|line| line.starts_with(r#"{"jsonrpc":"2.0","id":2,"#));
        times.push(start.elapsed());
        tools = answer.map(|line| line.matches(r#""inputSchema""#).count()).unwrap_or(0);
        let _ = child.kill();
        let _ = child.wait();
    }
    times.sort();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    println!(
        "rocketgen mcp (Rocket): start → tools/list answer ({tools} tools): min {:.1} ms, median {:.1} ms, max {:.1} ms over {} runs",
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        times.len()
    );
    let spec = root.join("specs/rocket/openapi.json");
    run(Command::new("hyperfine")
        .args(["--warmup", "3", "--runs", "30", "--output", "null"])
        .args([format!("{} preview {}", binary.display(), spec.display()), format!("{} preview --format json {}", binary.display(), spec.display())]))
}

/// Installs the test tools if they are missing, then runs `cargo test --workspace`.
fn test(extra: &[String]) -> ExitCode {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lies in the workspace");
    let tools = root.join("tests/tools");
    if !tools.join("node_modules/.bin/prism").exists() || !tools.join("node_modules/.bin/mcp-inspector").exists() {
        eprintln!("installing the test tools in {} (npm ci)", tools.display());
        let installed = run(Command::new("npm").args(["ci", "--no-audit", "--no-fund", "--prefix"]).arg(&tools));
        if installed != ExitCode::SUCCESS {
            eprintln!("npm ci failed: Node.js and npm are needed for the Prism tests");
            return installed;
        }
    }
    // schemathesis and the Python MCP SDK, pinned in requirements.txt; installed again when it
    // differs from the copy the last install left in the venv.
    let requirements = std::fs::read_to_string(tools.join("requirements.txt")).unwrap_or_default();
    let installed_requirements = tools.join("venv/requirements.txt");
    if std::fs::read_to_string(&installed_requirements).ok().as_deref() != Some(requirements.as_str()) {
        eprintln!("installing schemathesis and the MCP SDK in {} (python3 -m venv, pip)", tools.join("venv").display());
        let venv = run(Command::new("python3").args(["-m", "venv"]).arg(tools.join("venv")));
        if venv != ExitCode::SUCCESS {
            return venv;
        }
        let installed =
            run(Command::new(tools.join("venv/bin/pip")).args(["install", "--quiet", "--disable-pip-version-check", "-r"]).arg(tools.join("requirements.txt")));
        if installed != ExitCode::SUCCESS {
            eprintln!("pip install failed: Python 3 with venv is needed for the schemathesis and MCP SDK tests");
            return installed;
        }
        if let Err(e) = std::fs::write(&installed_requirements, &requirements) {
            eprintln!("cannot write {}: {e}", installed_requirements.display());
            return ExitCode::from(2);
        }
    }
    // The media tests send forms and multipart bodies with curl, an encoder that is not ours.
    if Command::new("curl").arg("--version").output().is_err() {
        eprintln!("installing curl (apt-get)");
        let installed = run(Command::new("apt-get").args(["install", "-y", "-q", "curl"]));
        if installed != ExitCode::SUCCESS {
            eprintln!("apt-get install curl failed: curl is needed for the media tests");
            return installed;
        }
    }
    // The CORS test loads a page in a real browser: Debian's Chromium, headless.
    if Command::new("chromium").arg("--version").output().is_err() {
        eprintln!("installing chromium (apt-get)");
        let mut installed = run(Command::new("apt-get").args(["install", "-y", "-q", "chromium"]));
        if installed != ExitCode::SUCCESS {
            // A fresh machine may not have the package lists yet.
            let _ = run(Command::new("apt-get").args(["update", "-q"]));
            installed = run(Command::new("apt-get").args(["install", "-y", "-q", "chromium"]));
        }
        if installed != ExitCode::SUCCESS {
            eprintln!("apt-get install chromium failed: Chromium is needed for the browser test");
            return installed;
        }
    }
    run(Command::new(env!("CARGO")).args(["test", "--workspace"]).args(extra))
}

/// `cargo build --release --quiet` with these arguments; the failing exit code if it fails.
fn release_build(args: &[&str]) -> Result<(), ExitCode> {
    match run(Command::new(env!("CARGO")).args(["build", "--release", "--quiet"]).args(args)) {
        code if code == ExitCode::SUCCESS => Ok(()),
        failed => Err(failed),
    }
}

/// Runs the HTTP benchmarks; prints what wrk and the client timing report.
fn bench_http() -> ExitCode {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lies in the workspace");
    if let Err(failed) = release_build(&["-p", "rocketgen-tests", "--example", "bench_http"]) {
        return failed;
    }
    let binary = root.join("target/release/examples/bench_http");
    let (generated, handwritten) = ("18080", "18081");
    let mut server = match Command::new(&binary).args(["serve", generated, handwritten]).spawn() {
        Ok(child) => child,
        Err(e) => {
            eprintln!("cannot start {}: {e}", binary.display());
            return ExitCode::from(2);
        }
    };
    std::thread::sleep(std::time::Duration::from_millis(500));
    let lua = root.join("tests/bench_http.lua");
    let mut status = ExitCode::SUCCESS;
    for (label, path, script) in
        [("GET /api/items/{id}", "/api/items/item-1?device=web_browser&lang=en", None), ("POST /api/authorization", "/api/authorization", Some(&lua))]
    {
        for (who, port) in [("generated", generated), ("hand-written", handwritten)] {
            println!("== {label}, {who}");
            let mut wrk = Command::new("wrk");
            wrk.args(["-t2", "-c16", "-d10s", "--latency"]);
            if let Some(script) = script {
                wrk.arg("-s").arg(script);
            }
            wrk.arg(format!("http://127.0.0.1:{port}{path}"));
            if run(&mut wrk) != ExitCode::SUCCESS {
                status = ExitCode::from(1);
            }
        }
    }
    let client = run(Command::new(&binary).args(["client", generated]));
    let _ = server.kill();
    let _ = server.wait();
    if client != ExitCode::SUCCESS {
        return client;
    }
    for krate in ["server", "client"] {
        let dir = root.join("generated/rocket").join(krate).join("src");
        let lines: usize = std::fs::read_dir(&dir)
            .map(|entries| entries.filter_map(|e| e.ok()).filter_map(|e| std::fs::read_to_string(e.path()).ok()).map(|t| t.lines().count()).sum())
            .unwrap_or(0);
        println!("rocket-{krate}: {lines} lines of Rust");
        let package = format!("rocket-{krate}");
        let _ = run(Command::new(env!("CARGO")).args(["build", "--quiet", "-p", &package]));
        let _ = run(Command::new(env!("CARGO")).args(["clean", "--quiet", "-p", &package]));
        let started = std::time::Instant::now();
        let _ = run(Command::new(env!("CARGO")).args(["build", "--quiet", "-p", &package]));
        println!("rocket-{krate}: crate-only debug build {:.1} s (dependencies already built)", started.elapsed().as_secs_f64());
    }
    status
}

/// Starts `command` and waits for the first 200 from `url`; the child and its start-up time.
fn start_and_wait(command: &mut Command, url: &str) -> Option<(std::process::Child, std::time::Duration)> {
    let started = std::time::Instant::now();
    let child = command.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().ok()?;
    while started.elapsed() < std::time::Duration::from_secs(60) {
        let ok = Command::new("curl")
            .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer token-1", url])
            .output()
            .map(|o| o.stdout == b"200")
            .unwrap_or(false);
        if ok {
            return Some((child, started.elapsed()));
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    None
}

/// rocket-remix in front of the mock server against the mock server alone, same run: a
/// forwarded operation (`GET /lists/{id}`) and the overridden one (`GET /items/{id}`).
fn bench_remix() -> ExitCode {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lies in the workspace");
    if let Err(failed) = release_build(&["-p", "rocket-mock", "-p", "rocket-remix"]) {
        return failed;
    }
    println!("wrk -t1 -c8 -d10s, one run each; p50 and p99 latency, requests per second");
    println!("| upstream | request | upstream alone | through the remix | p50 added |");
    println!("| --- | --- | --- | --- | --- |");
    let mut status = ExitCode::SUCCESS;
    // The mock as it is (well under a millisecond), then as a back end that takes 5 ms.
    for latency in ["0", "5"] {
        let upstream = "http://127.0.0.1:18095/api";
        let remix = "http://127.0.0.1:18096/api";
        let mut mock_command = Command::new(root.join("target/release/rocket-mock-server"));
        mock_command.args(["--port", "18095", "--quiet", "--latency", latency]);
        let Some((mut mock, _)) = start_and_wait(&mut mock_command, &format!("{upstream}/items/item-1")) else {
            eprintln!("the mock server did not answer within 60 s");
            return ExitCode::from(1);
        };
        let mut remix_command = Command::new(root.join("target/release/rocket-remix"));
        remix_command.args(["--port", "18096", "--upstream", upstream]);
        let Some((mut remixed, _)) = start_and_wait(&mut remix_command, &format!("{remix}/items/item-1")) else {
            let _ = mock.kill();
            eprintln!("rocket-remix in front of the mock server did not answer within 60 s");
            return ExitCode::from(1);
        };
        for (label, path) in [("GET /api/lists/{id} (forwarded)", "/lists/list-1"), ("GET /api/items/{id} (overridden)", "/items/item-1")] {
            let (Some(alone), Some(through)) = (wrk_figures(&format!("{upstream}{path}")), wrk_figures(&format!("{remix}{path}"))) else {
                eprintln!("wrk failed on {path} (apt-get install wrk)");
                status = ExitCode::from(1);
                continue;
            };
            let added = (through.p50_us / alone.p50_us - 1.0) * 100.0;
            println!("| mock, latency {latency} ms | {label} | {alone} | {through} | {added:+.0}% |");
        }
        for child in [&mut remixed, &mut mock] {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
    status
}

/// What wrk measured of one URL.
struct WrkFigures {
    p50_us: f64,
    p99_us: f64,
    requests_per_second: f64,
}

impl std::fmt::Display for WrkFigures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "p50 {:.0} µs, p99 {:.0} µs, {:.0} req/s", self.p50_us, self.p99_us, self.requests_per_second)
    }
}

/// Runs wrk on `url` and reads its latency distribution and rate.
fn wrk_figures(url: &str) -> Option<WrkFigures> {
    let output = Command::new("wrk").args(["-t1", "-c8", "-d10s", "--latency", "-H", "Authorization: Bearer token-1", url]).output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let micros = |value: &str| -> Option<f64> {
        let split = value.find(|c: char| c.is_ascii_alphabetic())?;
        let (number, unit) = value.split_at(split);
        let scale = match unit {
            "us" => 1.0,
            "ms" => 1000.0,
            "s" => 1_000_000.0,
            _ => return None,
        };
        Some(number.parse::<f64>().ok()? * scale)
    };
    let percentile = |label: &str| text.lines().find_map(|line| line.trim().strip_prefix(label).and_then(|rest| micros(rest.trim())));
    let rate = text.lines().find_map(|line| line.trim().strip_prefix("Requests/sec:").and_then(|rest| rest.trim().parse::<f64>().ok()));
    Some(WrkFigures { p50_us: percentile("50%")?, p99_us: percentile("99%")?, requests_per_second: rate? })
}

/// The mock server against Prism, side by side in one run.
fn bench_mock() -> ExitCode {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lies in the workspace");
    if let Err(failed) = release_build(&["-p", "rocket-mock"]) {
        return failed;
    }
    let prism = root.join("tests/tools/node_modules/.bin/prism");
    if !prism.exists() {
        eprintln!("Prism is not installed: run `cargo xtask test` first (it installs the test tools)");
        return ExitCode::from(2);
    }
    let spec = root.join("specs/rocket/openapi.json");
    let mock = root.join("target/release/rocket-mock-server");
    let servers = [
        (
            "rocket-mock-server",
            {
                let mut c = Command::new(&mock);
                c.args(["--port", "18090", "--quiet"]);
                c
            },
            "http://127.0.0.1:18090/api",
        ),
        (
            "prism",
            {
                let mut c = Command::new(&prism);
                c.arg("mock").arg(&spec).args(["-h", "127.0.0.1", "-p", "18091", "-v", "warn"]);
                c
            },
            "http://127.0.0.1:18091",
        ),
    ];
    let mut status = ExitCode::SUCCESS;
    for (name, mut command, base) in servers {
        let Some((mut child, startup)) = start_and_wait(&mut command, &format!("{base}/items/item-1")) else {
            eprintln!("{name} did not answer within 60 s");
            return ExitCode::from(1);
        };
        println!("== {name}: start-up to first answer {:.0} ms", startup.as_secs_f64() * 1000.0);
        for path in ["/account", "/items/item-1"] {
            println!("== {name} GET {path}");
            let code = run(Command::new("wrk").args(["-t2", "-c16", "-d10s", "--latency", "-H", "Authorization: Bearer token-1"]).arg(format!("{base}{path}")));
            if code != ExitCode::SUCCESS {
                status = code;
            }
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    status
}
