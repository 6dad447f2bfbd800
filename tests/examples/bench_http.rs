//! Side by side, in one process: the generated router against a hand-written axum handler doing
//! the same work, and the generated client against a hand-written reqwest call. Run by
//! `cargo xtask bench-http`, which drives the servers with wrk.
//!
//! `bench_http serve PORT_GENERATED PORT_HANDWRITTEN` serves both until killed;
//! `bench_http client PORT` times client calls against the generated server on PORT.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{Path, Query};
use rocket_api::models::{AccessToken, AccountTokenRequest, ItemDetail};
use rocket_api::runtime::synth::{Fill, Synth};
use rocket_api::{GetAccountTokenRequest, GetAccountTokenResponse, GetItemRequest, GetItemResponse, RocketApi};

fn item() -> ItemDetail {
    let value = Synth::new(Fill::Full, 1).named(rocket_api::meta::type_named("ItemDetail").unwrap());
    serde_json::from_value(value).expect("a synthesized item is an item")
}

fn tokens() -> Vec<AccessToken> {
    (0..2).map(|seed| serde_json::from_value(Synth::new(Fill::Full, seed).named(rocket_api::meta::type_named("AccessToken").unwrap())).unwrap()).collect()
}

/// The service behind the generated router: fixed answers, as the hand-written one gives.
struct Fixed {
    item: ItemDetail,
    tokens: Vec<AccessToken>,
}

impl RocketApi for Fixed {
    async fn get_item(&self, request: GetItemRequest) -> Result<GetItemResponse, rocket_api::Error> {
        let mut item = self.item.clone();
        item.id = request.id;
        Ok(GetItemResponse::Ok(item))
    }

    async fn get_account_token(&self, request: GetAccountTokenRequest) -> Result<GetAccountTokenResponse, rocket_api::Error> {
        let _ = request.body.email;
        Ok(GetAccountTokenResponse::Ok(self.tokens.clone()))
    }
}

/// The query a hand-written handler for GET /items/{id} would read.
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct ItemQuery {
    max_rating: Option<String>,
    expand: Option<String>,
    select_season: Option<String>,
    use_custom_id: Option<bool>,
    device: Option<String>,
    sub: Option<String>,
    lang: Option<String>,
}

fn handwritten(item: ItemDetail, tokens: Vec<AccessToken>) -> axum::Router {
    let item = Arc::new(item);
    let tokens = Arc::new(tokens);
    axum::Router::new()
        .route(
            "/api/items/{id}",
            axum::routing::get(move |Path(id): Path<String>, Query(_query): Query<ItemQuery>| {
                let item = item.clone();
                async move {
                    let mut item = (*item).clone();
                    item.id = id;
                    Json(item)
                }
            }),
        )
        .route(
            "/api/authorization",
            axum::routing::post(move |Json(body): Json<AccountTokenRequest>| {
                let tokens = tokens.clone();
                async move {
                    let _ = body.email;
                    Json((*tokens).clone())
                }
            }),
        )
}

async fn serve(generated_port: u16, handwritten_port: u16) {
    let generated = rocket_server::router_at(Arc::new(Fixed { item: item(), tokens: tokens() }), "/api");
    let generated_listener = tokio::net::TcpListener::bind(("127.0.0.1", generated_port)).await.unwrap();
    let handwritten_listener = tokio::net::TcpListener::bind(("127.0.0.1", handwritten_port)).await.unwrap();
    let hand = handwritten(item(), tokens());
    tokio::spawn(async move { axum::serve(handwritten_listener, hand).await.unwrap() });
    eprintln!("serving: generated on {generated_port}, hand-written on {handwritten_port}");
    axum::serve(generated_listener, generated).await.unwrap();
}

async fn time_client(port: u16) {
    let base = format!("http://127.0.0.1:{port}/api");
    let client = rocket_client::Client::new(&base).unwrap();
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let calls = 3000;
    let request = || {
        let mut r = GetItemRequest::new("item-1".into());
        r.lang = Some("en".into());
        r
    };
    for _ in 0..200 {
        client.get_item(request()).await.unwrap();
        http.get(format!("{base}/items/item-1?device=web_browser&lang=en")).send().await.unwrap().bytes().await.unwrap();
    }
    let mut generated = Duration::ZERO;
    let mut hand = Duration::ZERO;
    // Interleaved, so that both see the same machine.
    for _ in 0..calls {
        let started = Instant::now();
        let response = client.get_item(request()).await.unwrap();
        assert!(matches!(response, GetItemResponse::Ok(_)));
        generated += started.elapsed();

        let started = Instant::now();
        let response = http.get(format!("{base}/items/item-1?device=web_browser&lang=en")).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let bytes = response.bytes().await.unwrap();
        let item: ItemDetail = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(item.id, "item-1");
        hand += started.elapsed();
    }
    let per = |d: Duration| d.as_secs_f64() * 1e6 / calls as f64;
    println!(
        "client GET /items/{{id}}: generated {:.1} µs/call, hand-written reqwest {:.1} µs/call, ratio {:.3}",
        per(generated),
        per(hand),
        per(generated) / per(hand)
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let port = |i: usize| args.get(i).and_then(|p| p.parse::<u16>().ok()).expect("a port");
    match args.first().map(String::as_str) {
        Some("serve") => serve(port(1), port(2)).await,
        Some("client") => time_client(port(1)).await,
        _ => eprintln!("usage: bench_http serve PORT_GENERATED PORT_HANDWRITTEN | bench_http client PORT"),
    }
}
