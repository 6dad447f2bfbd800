//! The operations fixture (specs/constructs): discriminated unions decode by their tag, and
//! paths axum's router cannot express (`/files/{name}.json`, `/jobs/{name}:cancel`) are served
//! by template beside the routed ones.

use constructs_api::models::{Pet, Shape};
use serde_json::{Value, json};

#[test]
fn the_tag_picks_the_variant_even_when_another_would_accept_the_value() {
    // Valid as a Cat too (any petType, and lives), but the tag says dog.
    let pet: Pet = serde_json::from_value(json!({"petType": "dog", "lives": 3})).unwrap();
    assert!(matches!(pet, Pet::Dog(_)), "{pet:?}");
    let pet: Pet = serde_json::from_value(json!({"petType": "cat", "lives": 3})).unwrap();
    assert!(matches!(pet, Pet::Cat(_)), "{pet:?}");
    // Without a mapping the tag value is the schema's name.
    let shape: Shape = serde_json::from_value(json!({"kind": "Square", "side": 2.0})).unwrap();
    assert!(matches!(shape, Shape::Square(_)), "{shape:?}");
}

#[test]
fn unknown_tags_stay_representable_and_round_trip() {
    for value in [json!({"petType": "bird", "wings": 2}), json!({"petType": "cat"}), json!({"lives": 1})] {
        let pet: Pet = serde_json::from_value(value.clone()).unwrap();
        assert!(matches!(pet, Pet::Other(_)), "{value} → {pet:?}");
        assert_eq!(serde_json::to_value(&pet).unwrap(), value);
    }
}

async fn server() -> String {
    let base = rocketgen_tests::http::serve(constructs_server::router_at(std::sync::Arc::new(constructs_mock::Mock::new(1)), "/v2")).await;
    format!("{base}/v2")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parameters_inside_segments_are_routed_by_template() {
    let base = server().await;
    let http = reqwest::Client::new();
    let auth = ("authorization", "Bearer t");
    // `/files/{name}.json`: the name is everything before `.json`, percent-decoded.
    let file = http.get(format!("{base}/files/a%20b.c.json")).header(auth.0, auth.1).send().await.unwrap();
    assert_eq!(file.status(), 200);
    // `/jobs/{name}:cancel` (POST) beside `/jobs/{name}` (GET, DELETE).
    let cancel = http.post(format!("{base}/jobs/j1:cancel")).header(auth.0, auth.1).send().await.unwrap();
    assert_eq!(cancel.status(), 204);
    let get = http.get(format!("{base}/jobs/j1:cancel")).send().await.unwrap();
    assert_eq!(get.status(), 200, "GET goes to /jobs/{{name}} with name `j1:cancel`");
    // A method the template does not serve, on a path only the template matches: 405 + Allow.
    let put = http.put(format!("{base}/files/x.json")).header(auth.0, auth.1).send().await.unwrap();
    assert_eq!(put.status(), 405);
    assert_eq!(put.headers()["allow"], "GET");
    let missing = http.get(format!("{base}/files/x.txt")).header(auth.0, auth.1).send().await.unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_template_values_reach_the_implementation() {
    let mock = constructs_mock::Mock::new(1);
    let base = rocketgen_tests::http::serve(constructs_server::router_at(std::sync::Arc::new(mock.clone()), "/v2")).await;
    let client = constructs_client::Client::builder(format!("{base}/v2")).credential(constructs_api::Credential::Bearer("t".into())).build().unwrap();
    use constructs_api::ConstructsApi;
    client.get_file(constructs_api::GetFileRequest::new("report 7.v2".to_string())).await.unwrap();
    client.user_list(constructs_api::UserListRequest::new("jobs/x".to_string())).await.unwrap();
    let log: Vec<(String, Value)> = mock.log();
    assert_eq!(log[0].0, "files.get-file");
    assert_eq!(log[0].1["name"], "report 7.v2");
    assert_eq!(log[1].0, "jobs.userList");
    assert_eq!(log[1].1["name"], "jobs/x");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn content_encoded_parameters_travel_as_json_text() {
    // The wire form, by the rules the client shares with `rocketgen call`.
    let spec = rocketgen::load::load_path(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/constructs/openapi.yaml")).unwrap();
    let api = rocketgen::ir::build(&spec).unwrap();
    let op = rocketgen::call::operation(&api, "jobs.List").unwrap();
    let args = json!({"name": "j1", "where": {"owner": "me & you", "sizes": [1, 2]}, "X-Labels": ["a", "b,c"]});
    let prepared = rocketgen::call::prepare(&api, op, &args, &Default::default()).unwrap();
    assert!(prepared.target.contains("where=%7B%22owner%22%3A%22me+%26+you%22%2C%22sizes%22%3A%5B1%2C2%5D%7D"), "{}", prepared.target);
    assert!(prepared.headers.contains(&("X-Labels".into(), r#"["a","b,c"]"#.into())), "{:?}", prepared.headers);

    // The server reads them back typed, and refuses text that is not JSON, naming the parameter.
    let base = server().await;
    let http = reqwest::Client::new();
    let ok = http.get(format!("{base}/jobs/j1?where=%7B%22owner%22%3A%22me%22%7D")).header("X-Labels", r#"["a"]"#).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    let bad = http.get(format!("{base}/jobs/j1?where=owner")).send().await.unwrap();
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("where"));
    let wrong = http.get(format!("{base}/jobs/j1")).header("X-Labels", r#"{"a":1}"#).send().await.unwrap();
    assert_eq!(wrong.status(), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn required_read_only_and_write_only_properties_are_absent_in_one_direction() {
    // A request without the read-only `id` is valid and reaches the implementation; an answer
    // without the write-only `password` decodes.
    let answer = json!({"Ok": {"id": "a1", "name": "Ann"}});
    let recorder = std::sync::Arc::new(rocketgen_tests::http::Recorder::default());
    recorder.set_response("self.self", answer);
    let base = rocketgen_tests::http::serve(constructs_server::router_at(recorder.clone(), "/v2")).await;
    let http = reqwest::Client::new();
    let sent = http
        .put(format!("{base}/v2/self"))
        .header("authorization", "Bearer t")
        .header("content-type", "application/json")
        .body(r#"{"name":"Ann","password":"s3cret"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 200, "{}", sent.text().await.unwrap());
    let calls = recorder.take_calls();
    assert_eq!(calls[0].request["body"], json!({"name": "Ann", "password": "s3cret"}));
    // The password is still required in requests.
    let without = http
        .put(format!("{base}/v2/self"))
        .header("authorization", "Bearer t")
        .header("content-type", "application/json")
        .body(r#"{"name":"Ann"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(without.status(), 400);
    assert!(without.text().await.unwrap().contains("body.password: is required"));

    use constructs_api::ConstructsApi;
    let client = constructs_client::Client::builder(format!("{base}/v2")).credential(constructs_api::Credential::Oauth("t".into())).build().unwrap();
    let account = constructs_api::models::Account { password: Some("s3cret".into()), ..constructs_api::models::Account::new("Ann".into()) };
    let got = client.self_(constructs_api::SelfRequest::new(account)).await.unwrap();
    let constructs_api::SelfResponse::Ok(stored) = got else { panic!("{got:?}") };
    assert_eq!((stored.id.as_deref(), stored.password), (Some("a1"), None));
}
