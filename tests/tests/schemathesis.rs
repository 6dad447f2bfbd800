//! An independent fuzzer against the generated server: schemathesis (PyPI, installed by
//! `cargo xtask test` into tests/tools/venv) runs every check (`--checks all`) on every
//! operation of the Rocket spec, served by the generated router in front of the generated mock.
//! Every failure it reports must be one listed, with its reason, in
//! tests/schemathesis-baseline.json; anything else fails this test.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use serde_json::Value;

fn tools() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tools")
}

/// `(operation, check, detail)` for each failure in schemathesis's report.
fn failures(output: &str) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    let mut operation = String::new();
    let lines: Vec<&str> = output.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_matches('_').trim();
        if line.starts_with("___") && trimmed.contains(" /") {
            operation = trimmed.to_string();
        } else if let Some(rest) = line.strip_prefix("- ST") {
            let code = format!("ST{}", rest.split_whitespace().next().unwrap_or(""));
            let detail: String = lines[i..(i + 8).min(lines.len())].join("\n");
            found.push((operation.clone(), code, detail));
        } else if *line == "Runtime Error" {
            let detail: String = lines[i..(i + 4).min(lines.len())].join("\n");
            found.push((operation.clone(), "Runtime Error".to_string(), detail));
        }
        if line.starts_with("=====") && line.contains("SUMMARY") {
            break;
        }
    }
    found
}

#[test]
fn schemathesis_finds_nothing_beyond_the_baseline() {
    let binary = tools().join("venv/bin/schemathesis");
    assert!(binary.exists(), "schemathesis is not installed at {}: run `cargo xtask test`, which installs it", binary.display());

    // The generated router in front of the generated mock, on loopback.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let address = listener.local_addr().unwrap();
    let router = rocket_server::router_at(Arc::new(rocket_mock::Mock::new(1)), "/api");
    runtime.spawn(async move { axum::serve(listener, router).await.unwrap() });

    let spec = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../specs/rocket/openapi.json");
    let config = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schemathesis.toml");
    // Schemathesis keeps a cache of past failures in its working directory; each run starts
    // from a fresh one, so that results do not depend on earlier runs.
    let work = std::env::temp_dir().join(format!("rocketgen-schemathesis-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let output = Command::new(&binary)
        .current_dir(&work)
        .arg("--config-file")
        .arg(&config)
        .args(["run", spec.to_str().unwrap(), "--url", &format!("http://{address}/api")])
        .args(["--checks", "all", "--max-examples", "10", "--generation-deterministic", "--workers", "2", "--no-color"])
        .env("NO_COLOR", "1")
        .output()
        .expect("schemathesis runs");
    let _ = std::fs::remove_dir_all(&work);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Tested: 121"), "schemathesis did not test all 121 operations:\n{stdout}");

    let baseline: Value = serde_json::from_str(include_str!("../schemathesis-baseline.json")).unwrap();
    let accepted = baseline["accepted"].as_array().unwrap();
    let is_accepted = |(operation, check, detail): &(String, String, String)| {
        accepted.iter().any(|entry| {
            entry["check"] == check.as_str()
                && (entry["operation"] == "*" || entry["operation"] == operation.as_str())
                && entry["detail"].as_str().is_none_or(|d| detail.contains(d))
        })
    };
    let found = failures(&stdout);
    let unexpected: Vec<String> = found.iter().filter(|f| !is_accepted(f)).map(|(o, c, d)| format!("{c} on {o}:\n{d}")).collect();
    assert!(unexpected.is_empty(), "schemathesis found {} failure(s) beyond the baseline:\n{}", unexpected.len(), unexpected.join("\n\n"));
    eprintln!("schemathesis: {} reported failure(s), all in the baseline with their reasons", found.len());
    for (operation, check, _) in &found {
        eprintln!("  {check} {operation}");
    }
}
