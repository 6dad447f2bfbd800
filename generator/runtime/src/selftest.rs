//! The test a generated mock crate runs (`cargo test -p NAME-mock`): every operation of the
//! spec, with a request synthesized from it, sent by the client through the server to the mock
//! on loopback. A request valid against the spec must be accepted and answered with a success
//! status the operation declares.

use std::fmt;
use std::net::SocketAddr;

use crate::client::Client;
use crate::meta::OperationMeta;
use crate::synth::{Fill, Synth};

/// Serves `router` on a free loopback port, in the background of the current runtime, with
/// peer addresses (as the generated `serve` does, for the request context).
pub async fn serve_on_loopback(router: axum::Router) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await });
    Ok(address)
}

/// The operations that failed, each with what went wrong.
#[derive(Debug, Default)]
pub struct Failures {
    pub checked: usize,
    pub failed: Vec<String>,
}

impl fmt::Display for Failures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} of {} operations failed:", self.failed.len(), self.checked)?;
        for failure in &self.failed {
            writeln!(f, "  {failure}")?;
        }
        Ok(())
    }
}

/// Sends each of `operations` a request synthesized from the spec (deterministic for `seed`)
/// and checks that the answer is a success status the operation declares.
pub async fn check_operations(client: &Client, operations: &[&'static OperationMeta<'static>], seed: u64) -> Result<(), Failures> {
    let synth = Synth::new(Fill::Full, seed);
    let mut failures = Failures { checked: operations.len(), failed: Vec::new() };
    for op in operations {
        let name = format!("{} {} ({})", op.http_method.as_str(), op.path, op.tool_name);
        match client.send(op, &synth.request(op)).await {
            Ok(answer) if answer.status < 400 && op.response(answer.status).is_some() => {}
            Ok(answer) => failures.failed.push(format!("{name}: status {}: {}", answer.status, String::from_utf8_lossy(&answer.body))),
            Err(error) => failures.failed.push(format!("{name}: {error}")),
        }
    }
    if failures.failed.is_empty() { Ok(()) } else { Err(failures) }
}
