//! `cargo xtask bench-mcp-rss [CALLS] [--binary PATH]`: the resident memory of `rocketgen mcp`
//! over many `tools/call` requests (`content.getItem` against the Rocket mock server on
//! loopback), read from /proc after 10%, 50% and 100% of them. `--binary` measures another
//! build of rocketgen (an older one, side by side).

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};

/// A child process that is killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The resident set of a process in MB, from /proc.
fn rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?.split_whitespace().next()?.parse().ok()?;
    Some(kb / 1000.0)
}

pub fn run(root: &Path, args: &[String]) -> ExitCode {
    let calls: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(20_000);
    let binary = args.iter().position(|a| a == "--binary").and_then(|i| args.get(i + 1)).map(PathBuf::from);
    if let Err(failed) = crate::release_build(&["--package", "rocketgen", "--package", "rocket-mock"]) {
        return failed;
    }
    let binary = binary.unwrap_or_else(|| root.join("target/release/rocketgen"));

    // The mock server on a free loopback port; it names the port on its first line.
    let Ok(mock) = Command::new(root.join("target/release/rocket-mock-server")).args(["--port", "0", "--quiet"]).stderr(Stdio::piped()).spawn() else {
        eprintln!("cannot start the mock server");
        return ExitCode::from(2);
    };
    let mut mock = Running(mock);
    let Some(stderr) = mock.0.stderr.take() else { return ExitCode::from(2) };
    let mut first = String::new();
    let _ = BufReader::new(stderr).read_line(&mut first);
    let Some(base) = first.split_whitespace().find(|w| w.starts_with("http://")).map(str::to_string) else {
        eprintln!("the mock server did not say where it listens: {first}");
        return ExitCode::from(2);
    };

    let spawned = Command::new(&binary)
        .args(["mcp", "--source", "rocket", "--base-url", &format!("rocket={base}")])
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn();
    let Ok(child) = spawned else {
        eprintln!("cannot start {}", binary.display());
        return ExitCode::from(2);
    };
    let mut mcp = Running(child);
    let pid = mcp.0.id();
    let (Some(mut stdin), Some(stdout)) = (mcp.0.stdin.take(), mcp.0.stdout.take()) else { return ExitCode::from(2) };
    let mut lines = BufReader::new(stdout).lines().map_while(Result::ok);
    let mut send = |text: String| writeln!(stdin, "{text}").and_then(|()| stdin.flush());
    let initialize = r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}"#;
    if send(initialize.to_string()).is_err() || lines.next().is_none() || send(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#.to_string()).is_err()
    {
        eprintln!("the MCP server did not answer initialize");
        return ExitCode::from(2);
    }
    println!("rocketgen mcp ({}) against the Rocket mock server at {base}: {calls} tools/call of content.getItem", binary.display());
    println!("| calls | RSS (MB) |\n|---:|---:|");
    println!("| 0 | {:.1} |", rss_mb(pid).unwrap_or(f64::NAN));
    let checkpoints = [calls / 10, calls / 2, calls];
    let started = std::time::Instant::now();
    let mut errors = 0;
    for i in 1..=calls {
        let call = format!(r#"{{"jsonrpc":"2.0","id":{i},"method":"tools/call","params":{{"name":"content.getItem","arguments":{{"id":"item-{i}"}}}}}}"#);
        if send(call).is_err() {
            eprintln!("the MCP server stopped reading after {i} calls");
            return ExitCode::from(1);
        }
        let Some(answer) = lines.next() else {
            eprintln!("the MCP server stopped answering after {i} calls");
            return ExitCode::from(1);
        };
        errors += usize::from(answer.contains(r#""isError":true"#) || answer.contains(r#""error":"#));
        if checkpoints.contains(&i) {
            println!("| {i} | {:.1} |", rss_mb(pid).unwrap_or(f64::NAN));
        }
    }
    println!("{calls} calls in {:.1} s, {errors} error answers", started.elapsed().as_secs_f64());
    if errors == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) }
}
