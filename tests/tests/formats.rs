//! Typed formats (`formats = "typed"`, the formats fixture): `uuid`, `date-time` and `date`
//! values are uuid and chrono types in bodies, arrays, path and query parameters; over HTTP, a
//! value that does not parse is a decode error naming the field on the client and a 400 on the
//! server. What a typed value does to exact round trips is asserted as well.

use formats_api::chrono::{DateTime, NaiveDate};
use formats_api::models::Event;
use formats_api::uuid::Uuid;
use formats_api::{CreateEventRequest, CreateEventResponse, Error, FormatsApi, GetEventRequest, GetEventResponse};

const ID: &str = "6f1c2b7e-3a4d-4e5f-8a9b-0c1d2e3f4a5b";

/// Answers `getEvent` with the id and time it was asked for, and echoes `createEvent`.
struct Events;

impl FormatsApi for Events {
    async fn get_event(&self, request: GetEventRequest) -> Result<GetEventResponse, Error> {
        let at = request.since.unwrap_or_else(|| DateTime::parse_from_rfc3339("2026-12-02T10:00:00+01:00").unwrap());
        Ok(GetEventResponse::Ok(Event::new(request.id, at)))
    }

    async fn create_event(&self, request: CreateEventRequest) -> Result<CreateEventResponse, Error> {
        Ok(CreateEventResponse::Created(request.body))
    }
}

async fn serve(router: axum::Router) -> String {
    format!("{}/v1", rocketgen_tests::http::serve(router).await)
}

#[tokio::test]
async fn typed_values_travel_in_bodies_paths_and_queries() {
    let base = serve(formats_server::router(Events)).await;
    let client = formats_client::Client::new(&base).unwrap();
    let id = Uuid::parse_str(ID).unwrap();
    let since = DateTime::parse_from_rfc3339("2026-01-31T23:59:58.25-05:00").unwrap();
    let GetEventResponse::Ok(event) = client.get_event(GetEventRequest::new(id).with_since(since)).await.unwrap() else { panic!("200") };
    assert_eq!((event.id, event.at), (id, since));

    let mut sent = Event::new(id, since);
    sent.day = Some(NaiveDate::from_ymd_opt(2026, 2, 29 - 1).unwrap());
    sent.seen = Some(vec![since, DateTime::parse_from_rfc3339("1999-12-31T23:59:59Z").unwrap()]);
    let CreateEventResponse::Created(back) = client.create_event(CreateEventRequest::new(sent.clone())).await.unwrap() else { panic!("201") };
    assert_eq!(back, sent);
}

#[tokio::test]
async fn a_value_that_does_not_parse_is_a_400_naming_the_field() {
    let base = serve(formats_server::router(Events)).await;
    let http = reqwest::Client::new();
    for (body, field) in [
        (serde_json::json!({"id": "not-a-uuid", "at": "2026-12-02T10:00:00Z"}), "id"),
        (serde_json::json!({"id": ID, "at": "yesterday"}), "at"),
        (serde_json::json!({"id": ID, "at": "2026-12-02T10:00:00Z", "day": "2026-13-01"}), "day"),
    ] {
        let answer = http.post(format!("{base}/events")).json(&body).send().await.unwrap();
        assert_eq!(answer.status(), 400, "{body}");
        let text = answer.text().await.unwrap();
        assert!(text.contains(field), "{field}: {text}");
    }
    let answer = http.get(format!("{base}/events/not-a-uuid")).send().await.unwrap();
    assert_eq!(answer.status(), 400);
    let answer = http.get(format!("{base}/events/{ID}?since=noon")).send().await.unwrap();
    assert_eq!(answer.status(), 400);
    assert!(answer.text().await.unwrap().contains("since"));
}

#[tokio::test]
async fn an_answer_that_does_not_parse_is_a_decode_error_naming_the_field() {
    let router = axum::Router::new().route(
        "/v1/events/{id}",
        axum::routing::get(|| async { ([("content-type", "application/json")], r#"{"id":"6f1c2b7e-3a4d-4e5f-8a9b-0c1d2e3f4a5b","at":"half past ten"}"#) }),
    );
    let base = format!("{}/v1", rocketgen_tests::http::serve(router).await);
    let client = formats_client::Client::new(&base).unwrap();
    let error = client.get_event(GetEventRequest::new(Uuid::parse_str(ID).unwrap())).await.unwrap_err();
    match &error {
        Error::Decode { path, status: 200, .. } => assert_eq!(path, "at", "{error}"),
        other => panic!("a decode error, not {other}"),
    }
}

/// Typed values are values, not texts: what is sent again is their canonical form. This is why
/// `strings` is the default.
#[tokio::test]
async fn typed_values_are_rewritten_in_their_canonical_form() {
    let base = serve(formats_server::router(Events)).await;
    let body = serde_json::json!({"id": ID.to_uppercase(), "at": "2026-12-02T10:00:00+00:00", "seen": ["2026-12-02T10:00:00.500000Z"]});
    let answer: serde_json::Value = reqwest::Client::new().post(format!("{base}/events")).json(&body).send().await.unwrap().json().await.unwrap();
    assert_eq!(answer["id"], ID, "uuids come back in lower case");
    assert_eq!(answer["at"], "2026-12-02T10:00:00Z", "+00:00 comes back as Z");
    assert_eq!(answer["seen"][0], "2026-12-02T10:00:00.500Z", "fractions come back in milli-, micro- or nanoseconds");
}
