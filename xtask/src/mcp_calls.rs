//! `cargo xtask bench-mcp-calls [CALLS] [--clients N] [--tool NAME --arguments JSON] [--binary
//! PATH]`: tool calls per second through `rocketgen mcp` (by default `content.getItem`, a
//! 24 KB answer, against the Rocket mock server on loopback; `{i}` in JSON is the call's number): one
//! client over stdio, then N (8) concurrent clients over streamable HTTP; latency percentiles,
//! and the server's resident memory read from /proc along the way. `--binary` measures another
//! build of rocketgen (an older one, side by side). The clients are
//! `tests/examples/bench_mcp_calls.rs`.

use std::io::{BufRead, BufReader};
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

pub fn run(root: &Path, args: &[String]) -> ExitCode {
    let calls: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let option = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1));
    let binary = option("--binary").map(PathBuf::from);
    let clients: usize = option("--clients").and_then(|c| c.parse().ok()).unwrap_or(8);
    let built = crate::release_build(&["--package", "rocketgen", "--package", "rocket-mock"])
        .and_then(|()| crate::release_build(&["--package", "rocketgen-tests", "--example", "bench_mcp_calls"]));
    if let Err(failed) = built {
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

    let mut bench = Command::new(root.join("target/release/examples/bench_mcp_calls"));
    bench.arg(&binary).arg(root).arg(&base).arg(calls.to_string()).arg(clients.to_string());
    if let (Some(tool), Some(arguments)) = (option("--tool"), option("--arguments")) {
        bench.args([tool, arguments]);
    }
    match bench.status() {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(e) => {
            eprintln!("cannot run the benchmark: {e}");
            ExitCode::from(2)
        }
    }
}
