//! Remixes over real HTTP on loopback: an overlay changes one operation and forwards the rest
//! to its upstream (the mock in process, or the client of a mock server); a route the spec
//! lacks sits beside the generated router; the implementation reads the request context (a
//! principal a middleware inserted, undeclared headers, the peer address); the caller's
//! credentials and chosen headers reach the upstream.

use std::sync::{Arc, Mutex};

use axum::extract::Request;
use axum::middleware::{self, Next};
use rocket_api::models::ItemDetail;
use rocket_api::runtime::context::RequestContext;
use rocket_api::{Error, GetAccountRequest, GetAccountResponse, GetItemRequest, GetItemResponse, RocketApi, RocketOverlay};
use rocket_mock::Mock;

/// Who a middleware in front of the router says is calling.
#[derive(Clone, Debug)]
struct Principal(String);

/// Changes `content.getItem`: the upstream's item, its title saying who asked, in what
/// language, from where.
struct Remix<U> {
    upstream: U,
}

impl<U: RocketApi + Send + Sync> RocketOverlay for Remix<U> {
    type Upstream = U;

    fn upstream(&self) -> &U {
        &self.upstream
    }

    async fn get_item(&self, request: GetItemRequest) -> Result<GetItemResponse, Error> {
        let context = RequestContext::current().expect("the router sets the request context");
        let principal = context.extensions().get::<Principal>().map_or("nobody".to_string(), |p| p.0.clone());
        let language = context.headers().get("accept-language").and_then(|v| v.to_str().ok()).unwrap_or("none").to_string();
        let local = context.peer_addr().is_some_and(|peer| peer.ip().is_loopback());
        let mut answer = self.upstream.get_item(request).await?;
        if let GetItemResponse::Ok(item) = &mut answer {
            item.title = format!("for {principal} in {language}, local: {local}");
        }
        Ok(answer)
    }
}

/// Serves `app` on loopback with peer addresses, as the generated `serve` does.
async fn serve(app: axum::Router) -> String {
    format!("http://{}", rocketgen_runtime::selftest::serve_on_loopback(app).await.unwrap())
}

/// The remix's router: a principal inserted by middleware, and one route the spec lacks.
fn remix_app<U: RocketApi + Send + Sync + 'static>(upstream: U) -> axum::Router {
    rocket_server::router(Remix { upstream }).route("/api/remix/health", axum::routing::get(|| async { "remixed" })).layer(middleware::from_fn(
        |mut request: Request, next: Next| async move {
            request.extensions_mut().insert(Principal("ada".into()));
            next.run(request).await
        },
    ))
}

fn title(answer: GetItemResponse) -> String {
    match answer {
        GetItemResponse::Ok(ItemDetail { title, .. }) => title,
        other => panic!("not an item: {other:?}"),
    }
}

#[tokio::test]
async fn an_overlay_changes_one_operation_and_reads_the_request_context() {
    let base = serve(remix_app(Mock::new(1))).await;
    let client = rocket_client::Client::builder(format!("{base}/api")).default_header("accept-language", "cy").build().unwrap();

    let item = client.get_item(GetItemRequest::new("abc".into())).await.unwrap();
    assert_eq!(title(item), "for ada in cy, local: true");

    // Everything else is the upstream's answer, as the mock alone gives it.
    let direct = Mock::new(1).get_account(GetAccountRequest::new()).await.unwrap();
    let remixed = client.get_account(GetAccountRequest::new().with_credential(rocket_api::Credential::AccountAuth("t".into()))).await.unwrap();
    assert!(matches!(remixed, GetAccountResponse::Ok(_)), "{remixed:?}");
    assert_eq!(format!("{remixed:?}"), format!("{direct:?}"));

    // The route the spec lacks, beside the generated ones.
    let health = reqwest::get(format!("{base}/api/remix/health")).await.unwrap().text().await.unwrap();
    assert_eq!(health, "remixed");

    // Outside a served request there is no context.
    assert!(RequestContext::current().is_none());
}

/// What the upstream received: each request's path and the headers a remix should pass on.
type Seen = Arc<Mutex<Vec<(String, Option<String>, Option<String>, Option<String>)>>>;

#[tokio::test]
async fn a_remix_over_http_forwards_credentials_and_chosen_headers() {
    let seen: Seen = Arc::default();
    let recorder = seen.clone();
    let upstream = rocket_server::router(Mock::new(1)).layer(middleware::from_fn(move |request: Request, next: Next| {
        let recorder = recorder.clone();
        async move {
            let entry = {
                let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
                (request.uri().path().to_string(), header("authorization"), header("accept-language"), header("x-forwarded-for"))
            };
            recorder.lock().unwrap().push(entry);
            next.run(request).await
        }
    }));
    let upstream_base = serve(upstream).await;
    let forwarding =
        rocket_client::Client::builder(format!("{upstream_base}/api")).forward_header("Accept-Language").forward_header("X-Forwarded-For").build().unwrap();
    let remix_base = serve(remix_app(forwarding)).await;

    let caller = reqwest::Client::new();
    let account = caller
        .get(format!("{remix_base}/api/account"))
        .header("authorization", "Bearer caller-token")
        .header("accept-language", "fr")
        .header("x-forwarded-for", "203.0.113.9")
        .send()
        .await
        .unwrap();
    assert_eq!(account.status().as_u16(), 200);
    let direct = caller.get(format!("{upstream_base}/api/account")).header("authorization", "Bearer caller-token").send().await.unwrap();
    assert_eq!(account.text().await.unwrap(), direct.text().await.unwrap(), "the upstream's answer, unchanged");

    let seen = seen.lock().unwrap().clone();
    let (path, authorization, language, forwarded_for) = &seen[0];
    assert_eq!(path, "/api/account");
    assert_eq!(authorization.as_deref(), Some("Bearer caller-token"), "the caller's credential reaches the upstream");
    assert_eq!(language.as_deref(), Some("fr"));
    assert_eq!(forwarded_for.as_deref(), Some("203.0.113.9, 127.0.0.1"), "the remix adds its peer");
}
