//! Tracing: a span per operation on the client (`call`) and the server (`serve`), with the
//! operation, method, path template, status, attempt and duration, seen by a subscriber written
//! here; no credential appears in any span or event.

use std::sync::{Arc, Mutex};

use rocket_api::{Credential, GetAccountRequest, GetItemRequest, GetProfileRequest, RocketApi};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Every span's name and fields (as `name=value` text), and every event's fields.
#[derive(Default)]
struct Seen {
    spans: Mutex<Vec<(String, Vec<String>)>>,
    events: Mutex<Vec<String>>,
}

struct Fields<'a>(&'a mut Vec<String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push(format!("{}={value:?}", field.name()));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push(format!("{}={value}", field.name()));
    }
}

struct Recorder(Arc<Seen>);

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut fields = Vec::new();
        span.record(&mut Fields(&mut fields));
        let mut spans = self.0.spans.lock().unwrap();
        spans.push((span.metadata().name().to_string(), fields));
        Id::from_u64(spans.len() as u64)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut spans = self.0.spans.lock().unwrap();
        if let Some((_, fields)) = spans.get_mut(span.into_u64() as usize - 1) {
            values.record(&mut Fields(fields));
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        self.0.events.lock().unwrap().extend(fields);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[tokio::test(flavor = "multi_thread")]
async fn client_and_server_spans_name_the_operation_and_never_a_secret() {
    let seen = Arc::new(Seen::default());
    tracing::subscriber::set_global_default(Recorder(seen.clone())).unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/api", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, rocket_server::router(rocket_mock::Mock::new(1))).await });
    let client = rocket_client::Client::builder(base).credential(Credential::AccountAuth("account-secret-1".into())).build().unwrap();
    client.get_account(GetAccountRequest::new()).await.unwrap();
    client.get_profile(GetProfileRequest::new().with_credential(Credential::ProfileAuth("profile-secret-2".into()))).await.unwrap();
    client.get_item(GetItemRequest::new("abc".into())).await.unwrap();

    let spans = seen.spans.lock().unwrap().clone();
    let find = |name: &str, operation: &str| {
        spans
            .iter()
            .find(|(n, fields)| n == name && fields.contains(&format!("operation={operation}")))
            .map(|(_, fields)| fields.clone())
            .unwrap_or_else(|| panic!("no {name} span for {operation}: {spans:?}"))
    };
    for (name, operation, path) in [
        ("call", "account.getAccount", "/account"),
        ("serve", "account.getAccount", "/account"),
        ("call", "content.getItem", "/items/{id}"),
        ("serve", "profile.getProfile", "/account/profile"),
    ] {
        let fields = find(name, operation);
        for expected in ["method=GET".to_string(), format!("path={path}"), "status=200".to_string()] {
            assert!(fields.contains(&expected), "{name} {operation}: {expected} missing from {fields:?}");
        }
        assert!(fields.iter().any(|f| f.starts_with("duration_ms=")), "{fields:?}");
    }
    assert!(find("call", "account.getAccount").contains(&"attempt=1".to_string()));

    let everything = format!("{spans:?} {:?}", seen.events.lock().unwrap());
    for secret in ["account-secret-1", "profile-secret-2"] {
        assert!(!everything.contains(secret), "{secret} appears in {everything}");
    }
}
