//! The generated mock: schema-valid answers for every operation and status, programming and
//! recording, fixtures, and the client against the mock behind the router for every operation.

use std::collections::BTreeMap;
use std::sync::Arc;

use rocket_api::RocketApi;
use rocket_mock::Mock;
use rocketgen_runtime::meta::Status;
use rocketgen_runtime::synth::{Fill, Synth};
use rocketgen_tests::json::spec_as_json_schema;
use serde_json::{Value, json};

/// The pointer of a response body schema in the spec, as a URI fragment.
fn response_schema_pointer(op: &rocketgen_runtime::meta::OperationMeta, status: Status, media_type: &str) -> String {
    // The key as the spec writes it: `200`, `4XX`, `default`.
    let key = status.to_string();
    let escape = |s: &str| s.replace('~', "~0").replace('/', "~1");
    let pointer = format!("#/paths/{}/{}/responses/{key}/content/{}/schema", escape(op.path), op.http_method.as_str().to_ascii_lowercase(), escape(media_type));
    pointer.replace('{', "%7B").replace('}', "%7D")
}

#[test]
fn every_synthesized_answer_is_valid_against_the_spec() {
    let doc = spec_as_json_schema(&rocketgen_tests::spec("rocket"));
    let faults = rocketgen_tests::spec_fault_properties();
    let mut checked = 0;
    let mut excused = 0;
    let mut failures = Vec::new();
    for op in rocket_api::meta::operations() {
        for response in op.responses {
            let (Some(media_type), Some(_)) = (response.media_type, response.body) else { continue };
            let status = match response.status {
                Status::Code(code) => code,
                Status::Class(class) => u16::from(class) * 100 + 99,
                Status::Default => 599,
            };
            let mut schema = doc.clone();
            schema["$ref"] = json!(response_schema_pointer(op, response.status, media_type));
            let validator = jsonschema::draft4::new(&schema).unwrap();
            for seed in [1, 2] {
                let answer = Synth::new(Fill::Full, seed).response(op, status).unwrap();
                let body = match &answer {
                    Value::Object(map) => match map.values().next() {
                        Some(Value::Object(fields)) if fields.contains_key("body") && response.status.code().is_none() => fields["body"].clone(),
                        Some(other) => other.clone(),
                        None => continue,
                    },
                    _ => continue,
                };
                let errors: Vec<String> = validator.iter_errors(&body).map(|e| format!("{e} at {}", e.instance_path())).collect();
                let ours: Vec<&String> = errors
                    .iter()
                    .filter(|e| !faults.iter().any(|p| e.contains(&format!("'{p}' was unexpected")) || e.contains(&format!("\"{p}\" is a required property"))))
                    .collect();
                excused += usize::from(ours.len() < errors.len());
                if !ours.is_empty() {
                    failures.push(format!("{} {status} seed {seed}: {ours:?}", op.tool_name));
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "{checked}");
    assert!(failures.is_empty(), "{} of {checked} answers invalid:\n{}", failures.len(), failures.join("\n"));
    eprintln!("{checked} synthesized answers valid; {excused} touch only the spec's own faults");
}

#[test]
fn the_same_seed_gives_the_same_answers() {
    let op = &rocket_api::meta::GET_ITEM;
    let a = Synth::new(Fill::Full, 9).response(op, 200);
    assert_eq!(a, Synth::new(Fill::Full, 9).response(op, 200));
    assert_ne!(a, Synth::new(Fill::Full, 10).response(op, 200));
}

#[tokio::test]
async fn programmed_answers_and_recorded_calls() {
    let mock = Mock::new(1);
    let not_found = rocket_api::GetItemResponse::NotFound(rocket_api::models::ServiceError { code: Some(404), message: "gone".into() });
    mock.on_get_item().respond(not_found.clone());
    let response = mock.get_item(rocket_api::GetItemRequest::new("a".into())).await.unwrap();
    assert_eq!(response, not_found);

    // A sequence, then back to the synthesized default.
    mock.on_get_item().respond_sequence([not_found.clone(), not_found.clone()]);
    for _ in 0..2 {
        assert_eq!(mock.get_item(rocket_api::GetItemRequest::new("b".into())).await.unwrap(), not_found);
    }
    assert!(matches!(mock.get_item(rocket_api::GetItemRequest::new("c".into())).await.unwrap(), rocket_api::GetItemResponse::Ok(_)));

    // A closure over the request.
    mock.on_get_item()
        .respond_with(|request| Ok(rocket_api::GetItemResponse::NotFound(rocket_api::models::ServiceError { code: None, message: request.id.clone() })));
    let echoed = mock.get_item(rocket_api::GetItemRequest::new("echo".into())).await.unwrap();
    assert!(matches!(echoed, rocket_api::GetItemResponse::NotFound(e) if e.message == "echo"));

    let ids: Vec<String> = mock.on_get_item().calls().into_iter().map(|r| r.id).collect();
    assert_eq!(ids, ["a", "b", "b", "c", "echo"]);
    assert_eq!(mock.log().len(), 5);
    mock.on_get_item().reset();
    assert!(matches!(mock.get_item(rocket_api::GetItemRequest::new("d".into())).await.unwrap(), rocket_api::GetItemResponse::Ok(_)));
}

#[test]
fn fixtures_are_checked_and_applied() {
    let dir = tempfile_dir();
    let good = dir.join("good.yaml");
    std::fs::write(&good, "content.getItem:\n  status: 404\n  body: {message: no such item}\naccount.getAccount:\n  status: 401\n").unwrap();
    let fixtures = rocket_mock::runtime::load_fixtures(&good, rocket_api::meta::operations()).unwrap();
    let mock = Mock::with_fixtures(1, fixtures);
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let response = runtime.block_on(mock.get_item(rocket_api::GetItemRequest::new("x".into()))).unwrap();
    assert!(matches!(response, rocket_api::GetItemResponse::NotFound(e) if e.message == "no such item"));

    let cases = [
        ("no.such.tool:\n  status: 200\n", "no.such.tool: no such operation"),
        ("itv.resubscribe:\n  status: 418\n", "status 418 is not declared"),
        ("content.getItem:\n  status: 700\n", "`status` must be an HTTP status code"),
        ("content.getItem:\n  status: 404\n  body: {code: wrong}\n", "body.code: expected an integer"),
        ("content.getItem: [", "not valid YAML"),
    ];
    for (i, (text, expected)) in cases.iter().enumerate() {
        let path = dir.join(format!("bad{i}.yaml"));
        std::fs::write(&path, text).unwrap();
        let err = rocket_mock::runtime::load_fixtures(&path, rocket_api::meta::operations()).unwrap_err();
        assert!(err.contains(expected), "{err}");
    }
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("rocketgen-mock-{}-{:?}", std::process::id(), std::thread::current().id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The generated client against the mock behind the generated router, every operation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_works_against_the_mock_for_every_operation() {
    let mock = Mock::new(3);
    let base = rocketgen_tests::http::serve(rocket_server::router_at(Arc::new(mock.clone()), "/api")).await;
    let client = rocket_client::Client::builder(format!("{base}/api"))
        .credential(rocket_api::Credential::AccountAuth("account-token".into()))
        .credential(rocket_api::Credential::ProfileAuth("profile-token".into()))
        .credential(rocket_api::Credential::ResetPasswordAuth("reset-key".into()))
        .credential(rocket_api::Credential::VerifyEmailAuth("verify-key".into()))
        .build()
        .unwrap();
    let mut variants: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for case in rocketgen_tests::http::cases("rocket") {
        let tool = case["tool"].as_str().unwrap();
        match rocketgen_tests::http::rocket::call(&client, tool, case["request"].clone(), Vec::new()).await {
            Ok(response) => {
                let variant = response.as_object().and_then(|o| o.keys().next().cloned()).unwrap_or_else(|| response.to_string());
                *variants.entry(variant).or_default() += 1;
            }
            Err(e) => failures.push(format!("{tool}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(mock.log().len(), 121);
    assert_eq!(variants.values().sum::<usize>(), 121);
    assert!(!variants.contains_key("Undeclared") && !variants.contains_key("Default"), "{variants:?}");
}

/// The client's direct API: operations grouped by tag, optional values set builder-style.
#[tokio::test]
async fn the_direct_client_api_groups_by_tag_and_sets_options_by_name() {
    let mock = Mock::new(1);
    let base = rocketgen_tests::http::serve(rocket_server::router_at(Arc::new(mock.clone()), "/api")).await;
    let client = rocket_client::Client::new(format!("{base}/api")).unwrap();

    let request = rocket_api::GetListRequest::new("list-1".into()).with_page_size(20).with_order("asc").with_lang("fr");
    let response = client.content().get_list(request).await.unwrap();
    assert!(matches!(response, rocket_api::GetListResponse::Ok(_)));
    let calls = mock.on_get_list().calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].page_size, 20);
    assert_eq!(calls[0].order, rocket_api::models::ListOrder::Asc);
    assert_eq!(calls[0].lang.as_deref(), Some("fr"));

    let account =
        client.account().get_account(rocket_api::GetAccountRequest::new().with_credential(rocket_api::Credential::AccountAuth("t".into()))).await.unwrap();
    assert!(matches!(account, rocket_api::GetAccountResponse::Ok(_)));
    assert_eq!(mock.on_get_account().calls()[0].credentials, vec![rocket_api::Credential::AccountAuth("t".into())]);
}
