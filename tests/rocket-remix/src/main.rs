//! `rocket-remix --upstream URL`: serves Rocket under `/api`, remixed (see the library).

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use rocket_server::Limits;

/// Serves Rocket under /api, forwarded to an upstream Rocket, with a trimmed `content.getItem`
/// and `GET /api/remix/me` (account and profile in one answer).
#[derive(Parser, Debug)]
#[command(version)]
struct Options {
    /// The upstream Rocket, with its base path (e.g. `http://127.0.0.1:4010/api`).
    #[arg(long)]
    upstream: String,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// The port to listen on.
    #[arg(long, default_value_t = 4020)]
    port: u16,
    /// A request header passed on to the upstream (repeatable; default: Accept-Language and
    /// X-Forwarded-For, which gains the caller's address). Credentials always are.
    #[arg(long = "forward-header", value_name = "NAME")]
    forward_headers: Vec<String>,
    /// Answer 408 to a request that takes longer than this many milliseconds.
    #[arg(long, value_name = "MS")]
    request_timeout: Option<u64>,
    /// Serve at most this many requests at once; the others wait their turn.
    #[arg(long, value_name = "N")]
    max_concurrency: Option<usize>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = Options::parse();
    let forwarded = if options.forward_headers.is_empty() {
        rocket_remix::FORWARDED_HEADERS.iter().map(|name| name.to_string()).collect()
    } else {
        options.forward_headers.clone()
    };
    let upstream = match rocket_remix::upstream_client(&options.upstream, &forwarded) {
        Ok(client) => client,
        Err(e) => {
            eprintln!("error: --upstream: {e}");
            return ExitCode::from(2);
        }
    };
    let address = format!("{}:{}", options.host, options.port);
    let listener = match tokio::net::TcpListener::bind(&address).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on {address}: {e}");
            return ExitCode::from(2);
        }
    };
    let bound = listener.local_addr().map(|a| a.to_string()).unwrap_or(address);
    eprintln!("rocket-remix listening on http://{bound}/api (upstream {})", options.upstream);
    let limits = Limits { request_timeout: options.request_timeout.map(Duration::from_millis), max_concurrency: options.max_concurrency };
    let app = rocket_server::with_limits(rocket_remix::app(upstream), &limits).into_make_service_with_connect_info::<SocketAddr>();
    match axum::serve(rocketgen_runtime::server::no_delay(listener), app).with_graceful_shutdown(rocketgen_runtime::server::shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
