//! The mock server's command line: options, start-up checks, and the layers around the router
//! (CORS, latency, `Prefer: code=…`, lenient validation, request logging), and graceful
//! shutdown on ctrl-c and SIGTERM.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use clap::Parser;

use crate::cors::Origins;
use crate::meta::{OperationMeta, SchemeMeta};
use crate::mock::{Fixture, PREFERRED_STATUS, load_fixtures};

/// Serves the whole API from the mock: realistic answers synthesized from the spec.
#[derive(Parser, Debug, Clone)]
#[command(version)]
pub struct Options {
    /// The port to listen on.
    #[arg(long, default_value_t = 4010)]
    pub port: u16,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Seed of the synthesized data: the same seed gives the same answers.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// A JSON or YAML file mapping tool names to `{status, body}` answers, checked at start-up.
    #[arg(long)]
    pub fixtures: Option<PathBuf>,
    /// Serve invalid requests too (missing or wrong values are synthesized), for demos.
    #[arg(long)]
    pub no_validate: bool,
    /// Delay every answer by this many milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency: u64,
    /// Where to mount the operations (default: the spec's server base path).
    #[arg(long)]
    pub base_path: Option<String>,
    /// Remember writes: what a client stores (bookmarks, ratings, profiles, devices…) it reads
    /// back, until the server stops.
    #[arg(long)]
    pub stateful: bool,
    /// Do not log requests.
    #[arg(long)]
    pub quiet: bool,
    /// Answer CORS only for this origin (`http://localhost:5173`; repeatable), which may then
    /// send cookies too. By default any origin may call, without cookies.
    #[arg(long = "cors-origin", value_name = "ORIGIN", conflicts_with = "no_cors")]
    pub cors_origins: Vec<String>,
    /// Do not answer CORS: browsers on other origins cannot call the mock server.
    #[arg(long)]
    pub no_cors: bool,
    /// Forward every request to this upstream (with its base path, e.g.
    /// `http://127.0.0.1:8080/api`) and answer what it answers, instead of the mock.
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// With `--proxy`: keep each operation's last answer that fits the spec in FILE, in the
    /// fixtures format (replay it with `--fixtures FILE`); answers that do not fit are reported.
    #[arg(long, value_name = "FILE", requires = "proxy")]
    pub record: Option<PathBuf>,
    /// Answer 408 to a request that takes longer than this many milliseconds.
    #[arg(long, value_name = "MS")]
    pub request_timeout: Option<u64>,
    /// Serve at most this many requests at once; the others wait their turn.
    #[arg(long, value_name = "N")]
    pub max_concurrency: Option<usize>,
}

/// Parses the options, checks the fixtures against `operations` and serves until stopped.
/// `router` builds the router from the seed, the fixtures, stateful or not, and the base path;
/// `schemes` (the spec's security schemes) name the headers browsers may send.
pub fn main(
    operations: &'static [&'static OperationMeta<'static>],
    schemes: &'static [&'static SchemeMeta<'static>],
    default_base_path: &str,
    router: impl FnOnce(u64, HashMap<String, Fixture>, bool, &str) -> axum::Router,
) -> ExitCode {
    let options = Options::parse();
    let fixtures = match &options.fixtures {
        Some(path) => match load_fixtures(path, operations) {
            Ok(fixtures) => fixtures,
            Err(e) => {
                eprintln!("error: fixtures: {e}");
                return ExitCode::from(2);
            }
        },
        None => HashMap::new(),
    };
    let base_path = options.base_path.clone().unwrap_or_else(|| default_base_path.to_string());
    let app = match &options.proxy {
        Some(upstream) => match crate::proxy::router(upstream, &base_path, operations, options.record.clone()) {
            Ok(proxy) => proxy,
            Err(e) => {
                eprintln!("error: --proxy: {e}");
                return ExitCode::from(2);
            }
        },
        None => router(options.seed, fixtures, options.stateful, &base_path),
    };
    let limits = crate::server::Limits { request_timeout: options.request_timeout.map(Duration::from_millis), max_concurrency: options.max_concurrency };
    let app = crate::server::with_limits(layers(app, &options), &limits);
    let app = if options.no_cors {
        app
    } else {
        let origins = if options.cors_origins.is_empty() { Origins::Any } else { Origins::List(options.cors_origins.clone()) };
        match crate::cors::layer(operations, schemes, &origins) {
            Ok(cors) => app.layer(cors),
            Err(e) => {
                eprintln!("error: --cors-origin: {e}");
                return ExitCode::from(2);
            }
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(async move {
        let address = format!("{}:{}", options.host, options.port);
        let listener = match tokio::net::TcpListener::bind(&address).await {
            Ok(listener) => listener,
            Err(e) => {
                eprintln!("error: cannot listen on {address}: {e}");
                return ExitCode::from(2);
            }
        };
        let bound = listener.local_addr().map(|a| a.to_string()).unwrap_or(address);
        match &options.proxy {
            Some(upstream) => eprintln!("mock server listening on http://{bound}{base_path} (forwarding to {upstream})"),
            None => {
                let mode = if options.stateful { ", stateful" } else { "" };
                eprintln!("mock server listening on http://{bound}{base_path} (seed {}{mode})", options.seed);
            }
        }
        match axum::serve(crate::server::no_delay(listener), app.into_make_service_with_connect_info::<std::net::SocketAddr>())
            .with_graceful_shutdown(crate::server::shutdown_signal())
            .await
        {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        }
    })
}

fn layers(router: axum::Router, options: &Options) -> axum::Router {
    let latency = Duration::from_millis(options.latency);
    let lenient = options.no_validate;
    let log = !options.quiet;
    router.layer(middleware::from_fn(move |mut request: Request, next: Next| async move {
        let started = Instant::now();
        let line = format!("{} {}", request.method(), request.uri());
        if lenient {
            request.extensions_mut().insert(crate::server::Lenient);
        }
        let preferred = request
            .headers()
            .get_all("prefer")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split([',', ';']))
            .find_map(|part| part.trim().strip_prefix("code=").and_then(|code| code.trim().parse::<u16>().ok()));
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        let response: Response = match preferred {
            Some(code) => PREFERRED_STATUS.scope(code, next.run(request)).await,
            None => next.run(request).await,
        };
        if log {
            eprintln!("{line} → {} ({} ms)", response.status().as_u16(), started.elapsed().as_millis());
        }
        response
    }))
}
