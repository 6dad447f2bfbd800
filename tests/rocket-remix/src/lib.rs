//! Rocket remixed for a front-end: every operation is forwarded to an upstream Rocket (the
//! caller's credentials and chosen headers with it, the answer passed back unchanged), except
//! `content.getItem`, which answers a trimmed item for low-memory devices, and one route the
//! spec lacks, `GET /api/remix/me`, which combines `account.getAccount` and
//! `profile.getProfile` into one answer.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rocket_api::models::ItemDetail;
use rocket_api::{
    Credential, Error, GetAccountRequest, GetAccountResponse, GetItemRequest, GetItemResponse, GetProfileRequest, GetProfileResponse, RocketApi, RocketOverlay,
};
use rocket_client::{Client, RetryPolicy};

/// The request headers forwarded upstream unless others are chosen.
pub const FORWARDED_HEADERS: &[&str] = &["accept-language", "x-forwarded-for"];

/// Where the combined route is served.
pub const ME_PATH: &str = "/api/remix/me";

/// The remix: the upstream's operations, one of them changed.
pub struct Remix {
    upstream: Client,
}

impl RocketOverlay for Remix {
    type Upstream = Client;

    fn upstream(&self) -> &Client {
        &self.upstream
    }

    /// The item with only what a low-memory device shows: id, type, title, path and images.
    async fn get_item(&self, request: GetItemRequest) -> Result<GetItemResponse, Error> {
        Ok(match self.upstream.get_item(request).await? {
            GetItemResponse::Ok(item) => GetItemResponse::Ok(trimmed(item)),
            other => other,
        })
    }
}

fn trimmed(item: ItemDetail) -> ItemDetail {
    let mut trimmed = ItemDetail::new(item.id, item.path, item.title, item.r#type);
    trimmed.images = item.images;
    trimmed
}

/// The client of the upstream at `base_url` (with its base path, e.g. `http://host:4010/api`)
/// that forwards `headers` of the request being served. It does not retry: the remix answers
/// what the upstream answered, and the caller's own client decides whether to try again.
pub fn upstream_client(base_url: &str, headers: &[String]) -> Result<Client, Error> {
    let builder = Client::builder(base_url).retry(RetryPolicy::never());
    headers.iter().fold(builder, |builder, name| builder.forward_header(name.as_str())).build()
}

/// The remix's router: Rocket under `/api`, forwarded to `upstream`, and [`ME_PATH`].
pub fn app(upstream: Client) -> axum::Router {
    let me = axum::Router::new().route(ME_PATH, axum::routing::get(me)).with_state(upstream.clone());
    rocket_server::router(Remix { upstream }).merge(me)
}

/// `GET /api/remix/me`: `{account, profile}` from the upstream, both with the caller's bearer
/// token (`Authorization: Bearer …`); an upstream error answers as the upstream did.
async fn me(State(upstream): State<Client>, headers: HeaderMap) -> Response {
    let Some(token) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")) else {
        return (StatusCode::UNAUTHORIZED, axum::Json(serde_json::json!({ "message": "Authorization: Bearer <token> is required" }))).into_response();
    };
    let account = upstream.get_account(GetAccountRequest::new().with_credential(Credential::AccountAuth(token.to_string())));
    let profile = upstream.get_profile(GetProfileRequest::new().with_credential(Credential::ProfileAuth(token.to_string())));
    match tokio::join!(account, profile) {
        (Ok(GetAccountResponse::Ok(account)), Ok(GetProfileResponse::Ok(profile))) => {
            axum::Json(serde_json::json!({ "account": account, "profile": profile })).into_response()
        }
        (Ok(GetAccountResponse::Ok(_)), Ok(other)) => rocketgen_runtime::server::respond(rocketgen_runtime::OperationResponse::into_raw(other)),
        (Ok(other), Ok(_)) => rocketgen_runtime::server::respond(rocketgen_runtime::OperationResponse::into_raw(other)),
        (Err(e), _) | (_, Err(e)) => rocketgen_runtime::server::failure(e),
    }
}
