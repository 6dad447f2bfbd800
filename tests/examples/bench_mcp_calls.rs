//! Tool calls per second through `rocketgen mcp` against a running Rocket mock server: one
//! client over stdio, one call at a time and then CLIENTS calls in flight, then CLIENTS
//! concurrent clients over streamable HTTP, each with its own session. Prints calls per second, latency percentiles and the server's resident
//! memory; `cargo xtask bench-mcp-calls` builds everything and starts the mock server.
//!
//! `bench_mcp_calls ROCKETGEN ROOT MOCK_BASE_URL [CALLS] [CLIENTS] [TOOL ARGUMENTS]`: TOOL is
//! called with ARGUMENTS (JSON, `{i}` replaced by the call's number); by default
//! `content.getItem` with `{"id": "item-{i}"}` (an answer of 24 KB).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A child process that is killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

const INITIALIZE: &str =
    r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}"#;
const INITIALIZED: &str = r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;

/// The tool each call calls, and its arguments with `{i}` where the call's number goes.
struct Workload {
    tool: String,
    arguments: String,
}

impl Workload {
    /// The `i`th call's JSON-RPC request.
    fn call(&self, i: usize) -> String {
        let arguments = self.arguments.replace("{i}", &i.to_string());
        format!(r#"{{"jsonrpc":"2.0","id":{i},"method":"tools/call","params":{{"name":"{}","arguments":{arguments}}}}}"#, self.tool)
    }
}

fn is_error(answer: &str) -> bool {
    answer.contains(r#""isError":true"#) || answer.contains(r#""error":"#)
}

/// The resident set of a process in MB, from /proc.
fn rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb: Option<f64> = status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.split_whitespace().next()).and_then(|v| v.parse().ok());
    kb.map_or(f64::NAN, |kb| kb / 1000.0)
}

/// Calls per second, p50, p99 and the slowest call of one run.
fn report(label: &str, mut latencies: Vec<Duration>, elapsed: Duration, errors: usize) {
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)].as_secs_f64() * 1000.0;
    println!(
        "| {label} | {} | {:.0} | {:.3} | {:.3} | {:.3} | {errors} |",
        latencies.len(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        at(0.5),
        at(0.99),
        at(1.0)
    );
}

/// `rocketgen mcp` for the Rocket source, its requests sent to `mock`.
fn server(rocketgen: &str, root: &str, mock: &str) -> Command {
    let mut command = Command::new(rocketgen);
    command.args(["mcp", "--root", root, "--source", "rocket", "--base-url", &format!("rocket={mock}")]).env_remove("ROCKETGEN_TOKEN");
    command
}

/// The id of a JSON-RPC answer (its first member after `jsonrpc`).
fn answer_id(answer: &str) -> Option<usize> {
    let rest = &answer[answer.find(r#""id":"#)? + 5..];
    rest[..rest.find(|c: char| !c.is_ascii_digit())?].parse().ok()
}

/// One client over stdio with up to `in_flight` calls sent and not yet answered (1: one call at
/// a time); RSS after each tenth of the calls.
fn stdio(rocketgen: &str, root: &str, mock: &str, work: &Workload, calls: usize, in_flight: usize) -> Result<(), String> {
    let child = server(rocketgen, root, mock).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().map_err(|e| format!("cannot start {rocketgen}: {e}"))?;
    let mut mcp = Running(child);
    let pid = mcp.0.id();
    let (Some(mut stdin), Some(stdout)) = (mcp.0.stdin.take(), mcp.0.stdout.take()) else { return Err("no pipes".into()) };
    let mut lines = BufReader::new(stdout).lines().map_while(Result::ok);
    let mut send = |text: &str| writeln!(stdin, "{text}").and_then(|()| stdin.flush()).map_err(|e| format!("the server stopped reading: {e}"));
    send(INITIALIZE)?;
    lines.next().ok_or("no answer to initialize")?;
    send(INITIALIZED)?;
    // Warm-up: connections opened, allocator settled.
    for i in 1..=200 {
        send(&work.call(i))?;
        lines.next().ok_or("the server stopped answering")?;
    }
    let mut rss = vec![(0, rss_mb(pid))];
    let mut latencies = Vec::with_capacity(calls);
    let mut errors = 0;
    let mut pending: HashMap<usize, Instant> = HashMap::new();
    let mut next = 1;
    let started = Instant::now();
    while latencies.len() < calls {
        while next <= calls && pending.len() < in_flight {
            pending.insert(next, Instant::now());
            send(&work.call(next))?;
            next += 1;
        }
        let answer = lines.next().ok_or_else(|| format!("the server stopped answering after {} calls", latencies.len()))?;
        let sent = answer_id(&answer).and_then(|id| pending.remove(&id)).ok_or_else(|| format!("an answer to no pending call: {answer:.200}"))?;
        latencies.push(sent.elapsed());
        errors += usize::from(is_error(&answer));
        if latencies.len() % (calls / 10).max(1) == 0 {
            rss.push((latencies.len(), rss_mb(pid)));
        }
    }
    let elapsed = started.elapsed();
    let at_once = if in_flight == 1 { "one at a time".to_string() } else { format!("up to {in_flight} in flight") };
    println!("\n### One client, stdio ({calls} calls of {}, {at_once})\n", work.tool);
    println!("| transport | calls | calls/s | p50 ms | p99 ms | max ms | errors |\n|---|---:|---:|---:|---:|---:|---:|");
    report(&format!("stdio, 1 client, {at_once}"), latencies, elapsed, errors);
    println!("\n| calls | RSS (MB) |\n|---:|---:|");
    for (i, mb) in rss {
        println!("| {i} | {mb:.1} |");
    }
    Ok(())
}

/// One streamable HTTP session: initialize, then `calls` calls one at a time.
async fn http_client(http: reqwest::Client, url: String, work: Arc<Workload>, calls: usize, first: usize) -> Result<(Vec<Duration>, usize), String> {
    let post = |body: String, session: Option<&str>| {
        let mut request = http.post(&url).header("content-type", "application/json").header("accept", "application/json, text/event-stream").body(body);
        if let Some(session) = session {
            request = request.header("mcp-session-id", session).header("mcp-protocol-version", "2025-06-18");
        }
        request.send()
    };
    let initialized = post(INITIALIZE.to_string(), None).await.map_err(|e| e.to_string())?;
    let session = initialized.headers().get("mcp-session-id").and_then(|v| v.to_str().ok()).map(str::to_string).ok_or("no session id")?;
    initialized.bytes().await.map_err(|e| e.to_string())?;
    post(INITIALIZED.to_string(), Some(&session)).await.map_err(|e| e.to_string())?.bytes().await.map_err(|e| e.to_string())?;
    let mut latencies = Vec::with_capacity(calls);
    let mut errors = 0;
    for i in first..first + calls {
        let sent = Instant::now();
        let answer = post(work.call(i), Some(&session)).await.map_err(|e| e.to_string())?.text().await.map_err(|e| e.to_string())?;
        latencies.push(sent.elapsed());
        // An SSE answer: the message is the `data:` line that carries the call's id.
        let message = answer.lines().filter_map(|l| l.strip_prefix("data:")).find(|d| d.contains(r#""id":"#)).unwrap_or(&answer);
        errors += usize::from(is_error(message) || !message.contains("structuredContent"));
    }
    Ok((latencies, errors))
}

/// `clients` sessions over streamable HTTP at once, `calls` calls in all.
async fn http(rocketgen: &str, root: &str, mock: &str, work: Arc<Workload>, calls: usize, clients: usize) -> Result<(), String> {
    let mut command = server(rocketgen, root, mock);
    let child = command.args(["--http", "127.0.0.1:0"]).stderr(Stdio::piped()).spawn().map_err(|e| format!("cannot start {rocketgen}: {e}"))?;
    let mut mcp = Running(child);
    let pid = mcp.0.id();
    let mut first = String::new();
    BufReader::new(mcp.0.stderr.as_mut().ok_or("no stderr")?).read_line(&mut first).map_err(|e| e.to_string())?;
    let url =
        first.split_whitespace().find(|w| w.starts_with("http://")).ok_or_else(|| format!("the server did not say where it listens: {first}"))?.to_string();
    let http = reqwest::Client::new();
    let rss_before = rss_mb(pid);
    // Warm-up, then the measured run.
    for (round, per_client) in [(0, 100), (1, calls / clients)] {
        let started = Instant::now();
        let tasks: Vec<_> = (0..clients).map(|c| tokio::spawn(http_client(http.clone(), url.clone(), work.clone(), per_client, 1 + c * per_client))).collect();
        let mut latencies = Vec::new();
        let mut errors = 0;
        for task in tasks {
            let (mut l, e) = task.await.map_err(|e| e.to_string())??;
            latencies.append(&mut l);
            errors += e;
        }
        if round == 1 {
            let elapsed = started.elapsed();
            println!("\n### {clients} clients, streamable HTTP ({} calls of {}, a session each)\n", per_client * clients, work.tool);
            println!("| transport | calls | calls/s | p50 ms | p99 ms | max ms | errors |\n|---|---:|---:|---:|---:|---:|---:|");
            report(&format!("HTTP, {clients} clients"), latencies, elapsed, errors);
        }
    }
    println!("\nRSS of the HTTP server: {rss_before:.1} MB at start, {:.1} MB after", rss_mb(pid));
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [rocketgen, root, mock, rest @ ..] = args.as_slice() else {
        eprintln!("usage: bench_mcp_calls ROCKETGEN ROOT MOCK_BASE_URL [CALLS] [CLIENTS]");
        return std::process::ExitCode::from(2);
    };
    let calls = rest.first().and_then(|c| c.parse().ok()).unwrap_or(20_000);
    let clients = rest.get(1).and_then(|c| c.parse().ok()).unwrap_or(8);
    let work = Arc::new(match (rest.get(2), rest.get(3)) {
        (Some(tool), Some(arguments)) => Workload { tool: tool.clone(), arguments: arguments.clone() },
        _ => Workload { tool: "content.getItem".into(), arguments: r#"{"id":"item-{i}"}"#.into() },
    });
    println!("rocketgen mcp ({rocketgen}) against the Rocket mock server at {mock}");
    let result = stdio(rocketgen, root, mock, &work, calls, 1).and_then(|()| stdio(rocketgen, root, mock, &work, calls, clients));
    let result = match result {
        Ok(()) => http(rocketgen, root, mock, work, calls, clients).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            std::process::ExitCode::FAILURE
        }
    }
}
