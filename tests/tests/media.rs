//! Bodies that are not JSON (specs/constructs, tag `media`): forms, multipart with files, raw
//! bytes and text. The client's bytes are checked on the wire, and the server is fed by curl,
//! which encodes forms and multipart bodies its own way.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::HeaderMap;
use constructs_api::models::{ChargeForm, ChargeFormItemsItem, UploadBody, UploadBodyMeta};
use constructs_api::{ConstructsApi, Credential};
use rocketgen_runtime::response_json::json_of_raw;
use rocketgen_runtime::{Binary, OperationResponse};
use rocketgen_tests::http::{Recorder, serve};
use serde_json::{Value, json};

/// Requests as they arrived: content type and bytes.
type Seen = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// A server that keeps the content type and bytes of every request and answers 200 `{}`.
async fn wire_capture() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let keep = seen.clone();
    let router = axum::Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
        let keep = keep.clone();
        async move {
            let content_type = headers.get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
            keep.lock().unwrap().push((content_type, body.to_vec()));
            "{}"
        }
    });
    (serve(router).await, seen)
}

fn client(base: &str) -> constructs_client::Client {
    constructs_client::Client::builder(base).credential(Credential::Bearer("t".into())).build().unwrap()
}

/// The generated server in front of a recorder, answering `response` to `tool`.
async fn recorded(tool: &str, response: Value) -> (String, Arc<Recorder>) {
    let recorder = Arc::new(Recorder::default());
    recorder.set_response(tool, response);
    let base = serve(constructs_server::router_at(recorder.clone(), "/v2")).await;
    (format!("{base}/v2"), recorder)
}

fn charge() -> ChargeForm {
    let mut charge = ChargeForm::new(500, "usd".into());
    charge.description = Some("a&b=c ü".into());
    charge.capture = Some(true);
    charge.expand = Some(vec!["customer".into(), "invoice".into()]);
    charge.tags = Some(vec!["x,y".into(), "z".into()]);
    charge.codes = Some(vec![1, 2, 3]);
    charge.metadata = Some([("order".to_string(), "6735".to_string())].into());
    let mut item = ChargeFormItemsItem::new("price_1".into());
    item.quantity = Some(2);
    charge.items = Some(vec![item]);
    charge
}

async fn curl(args: Vec<String>) -> String {
    tokio::task::spawn_blocking(move || {
        let out = std::process::Command::new("curl").arg("-sS").args(&args).output().expect("curl runs");
        assert!(out.status.success(), "curl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_writes_forms_in_bracket_notation_with_the_spec_encodings() {
    let (base, seen) = wire_capture().await;
    let _ = client(&base).create_charge(constructs_api::CreateChargeRequest::new(charge())).await;
    let (content_type, body) = seen.lock().unwrap().pop().unwrap();
    assert_eq!(content_type, "application/x-www-form-urlencoded");
    assert_eq!(
        String::from_utf8(body).unwrap(),
        // Declared order; deepObject arrays and objects in brackets; `codes` not exploded;
        // `tags` exploded (the default), each item whole.
        "amount=500&currency=usd&description=a%26b%3Dc+%C3%BC&capture=true&expand%5B0%5D=customer&expand%5B1%5D=invoice\
         &tags=x%2Cy&tags=z&codes=1,2,3&metadata%5Border%5D=6735&items%5B0%5D%5Bprice%5D=price_1&items%5B0%5D%5Bquantity%5D=2"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_sent_by_curl_reaches_the_implementation_typed() {
    let (base, recorder) = recorded("media.createCharge", json!({"Ok": charge()})).await;
    let out = curl(vec![
        format!("{base}/charges"),
        "-H".into(),
        "authorization: Bearer t".into(),
        "--data-urlencode".into(),
        "description=a&b=c ü".into(),
        "-d".into(),
        "amount=500&currency=usd&capture=true&expand[]=customer&expand[]=invoice&tags=x%2Cy&tags=z&codes=1,2,3\
         &metadata[order]=6735&items[0][price]=price_1&items[0][quantity]=2&shipping[address][lines][0]=1 Main St"
            .into(),
    ])
    .await;
    let answer: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(answer["amount"], 500);
    let calls = recorder.take_calls();
    let request: constructs_api::CreateChargeRequest = serde_json::from_value(calls[0].request.clone()).unwrap();
    let mut expected = charge();
    expected.shipping = Some(serde_json::from_value(json!({"address": {"lines": ["1 Main St"]}})).unwrap());
    assert_eq!(request.body, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn form_values_are_validated_by_their_property_types() {
    let (base, recorder) = recorded("media.createCharge", json!({"Ok": charge()})).await;
    let http = reqwest::Client::new();
    let send = |body: &'static str, content_type: &'static str| {
        http.post(format!("{base}/charges")).header("authorization", "Bearer t").header("content-type", content_type).body(body).send()
    };
    let bad = send("amount=lots&currency=usd", "application/x-www-form-urlencoded").await.unwrap();
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("body.amount"));
    let missing = send("amount=1", "application/x-www-form-urlencoded").await.unwrap();
    assert_eq!(missing.status(), 400);
    assert!(missing.text().await.unwrap().contains("body.currency: is required"));
    let json = send(r#"{"amount":1,"currency":"usd"}"#, "application/json").await.unwrap();
    assert_eq!(json.status(), 415, "createCharge declares the form only");
    assert!(recorder.take_calls().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_declared_under_two_media_types_is_taken_in_either() {
    let (base, recorder) = recorded("media.updateCharge", json!({"Ok": charge()})).await;
    let http = reqwest::Client::new();
    let patch = |content_type: &'static str, body: &'static str| {
        http.patch(format!("{base}/charges")).header("authorization", "Bearer t").header("content-type", content_type).body(body).send()
    };
    assert_eq!(patch("application/json", r#"{"amount":7,"currency":"eur","codes":[4,5]}"#).await.unwrap().status(), 200);
    assert_eq!(patch("application/x-www-form-urlencoded", "amount=7&currency=eur&codes=4,5").await.unwrap().status(), 200);
    let text = patch("text/plain", "amount=7").await.unwrap();
    assert_eq!(text.status(), 415);
    assert!(text.text().await.unwrap().contains("application/json or application/x-www-form-urlencoded"));
    let calls = recorder.take_calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].request["body"], calls[1].request["body"], "JSON and form give the same value");
    assert_eq!(calls[1].request["body"]["codes"], json!([4, 5]));
}

fn upload() -> UploadBody {
    let file = Binary::new(vec![0x89, b'P', b'N', b'G', 0, 0xff, b'\r', b'\n', b'-', b'-']).with_file_name("cat.png");
    let mut body = UploadBody::new(file);
    body.thumbnails = Some(vec![Binary::new(vec![1, 2, 3]), Binary::new(vec![0xfe]).with_content_type("image/webp")]);
    body.description = Some("two\r\nlines".into());
    body.count = Some(3);
    body.labels = Some(vec!["a".into(), "b".into()]);
    body.meta = Some(UploadBodyMeta { kind: Some("photo".into()), ..Default::default() });
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multipart_bodies_carry_files_text_and_json_parts() {
    let (base, seen) = wire_capture().await;
    let _ = client(&base).upload(constructs_api::UploadRequest::new(upload())).await;
    let (content_type, body) = seen.lock().unwrap().pop().unwrap();
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").expect(&content_type);
    let text = String::from_utf8_lossy(&body);
    let parts: Vec<&str> = text.split(&format!("--{boundary}")).collect();
    // Six parts between the boundaries (file, two thumbnails, description, count, two labels, meta).
    assert_eq!(parts.len(), 10, "{text}");
    assert!(parts[1].contains("name=\"file\"; filename=\"cat.png\"\r\nContent-Type: image/png\r\n"), "{}", parts[1]);
    assert!(parts[2].contains("name=\"thumbnails\"\r\nContent-Type: application/octet-stream\r\n"), "{}", parts[2]);
    assert!(parts[3].contains("Content-Type: image/webp"), "{}", parts[3]);
    assert!(parts[4].ends_with("name=\"description\"\r\n\r\ntwo\r\nlines\r\n"), "{:?}", parts[4]);
    assert!(parts[8].contains("Content-Type: application/json\r\n\r\n{\"kind\":\"photo\"}"), "{}", parts[8]);
    // The file's bytes, not UTF-8 and holding CRLF and dashes, are sent as they are.
    let raw_file = [0x89, b'P', b'N', b'G', 0, 0xff, b'\r', b'\n', b'-', b'-'];
    assert!(body.windows(raw_file.len()).any(|w| w == raw_file));

    // And through the generated server, the implementation gets exactly that value back.
    let (base, recorder) = recorded("media.upload", json!({"Created": {"id": "u1"}})).await;
    let answer = client(&base).upload(constructs_api::UploadRequest::new(upload())).await.unwrap();
    assert!(matches!(answer, constructs_api::UploadResponse::Created(ref b) if b.id == "u1"), "{answer:?}");
    let request: constructs_api::UploadRequest = serde_json::from_value(recorder.take_calls()[0].request.clone()).unwrap();
    assert_eq!(request.body, upload());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_multipart_form_sent_by_curl_reaches_the_implementation_typed() {
    let (base, recorder) = recorded("media.upload", json!({"Created": {"id": "u1", "size": 4}})).await;
    let dir = std::env::temp_dir().join(format!("rocketgen-media-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("photo.png");
    std::fs::write(&file, [0u8, 0xff, b'\r', b'\n']).unwrap();
    let out = curl(vec![
        format!("{base}/uploads"),
        "-H".into(),
        "authorization: Bearer t".into(),
        "-F".into(),
        format!("file=@{};type=image/png", file.display()),
        "-F".into(),
        format!("thumbnails=@{};type=image/gif", file.display()),
        "-F".into(),
        "description=hello".into(),
        "-F".into(),
        "count=42".into(),
        "-F".into(),
        "labels=a".into(),
        "-F".into(),
        "labels=b".into(),
        "-F".into(),
        "meta={\"kind\":\"photo\",\"pages\":2};type=application/json".into(),
    ])
    .await;
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap(), json!({"id": "u1", "size": 4}));
    let request: constructs_api::UploadRequest = serde_json::from_value(recorder.take_calls()[0].request.clone()).unwrap();
    let body = request.body;
    // curl names the file; its type is the declared one, so it is not repeated.
    assert_eq!(body.file, Binary::new(vec![0, 0xff, b'\r', b'\n']).with_file_name("photo.png"));
    let thumbnails = body.thumbnails.unwrap();
    assert_eq!(thumbnails[0].content_type.as_deref(), Some("image/gif"));
    assert_eq!(body.description.as_deref(), Some("hello"));
    assert_eq!(body.count, Some(42));
    assert_eq!(body.labels, Some(vec!["a".to_string(), "b".to_string()]));
    assert_eq!(body.meta.unwrap().pages, Some(2));
    let _ = std::fs::remove_dir_all(dir);

    // A part of the wrong type is refused, naming it.
    let bad = curl(vec![
        format!("{base}/uploads"),
        "-H".into(),
        "authorization: Bearer t".into(),
        "-F".into(),
        "file=@/dev/null".into(),
        "-F".into(),
        "count=many".into(),
    ])
    .await;
    assert!(bad.contains("body.count"), "{bad}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_bytes_and_text_travel_as_they_are() {
    let bytes = vec![0u8, 0xff, 0xfe, b'{', b'\n'];
    let (base, recorder) = recorded("media.putBlob", json!({"Ok": "stored ✓"})).await;
    let answer = client(&base).put_blob(constructs_api::PutBlobRequest::new("b1".into(), Binary::new(bytes.clone()))).await.unwrap();
    assert!(matches!(answer, constructs_api::PutBlobResponse::Ok(ref text) if text == "stored ✓"), "{answer:?}");
    let request: constructs_api::PutBlobRequest = serde_json::from_value(recorder.take_calls()[0].request.clone()).unwrap();
    assert_eq!(request.body, Binary::new(bytes.clone()));

    // On the wire: the bytes themselves, with the declared type; the answer is text/plain.
    let out = reqwest::Client::new()
        .put(format!("{base}/blobs/b2"))
        .header("authorization", "Bearer t")
        .header("content-type", "application/octet-stream")
        .body(bytes.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(out.headers()["content-type"], "text/plain");
    assert_eq!(out.text().await.unwrap(), "stored ✓");
    let request: constructs_api::PutBlobRequest = serde_json::from_value(recorder.take_calls()[0].request.clone()).unwrap();
    assert_eq!(request.body.bytes, bytes);

    // An image answer keeps its own type when it is not the declared one.
    let image = Binary::new(vec![0xff, 0xd8, 0xff]).with_content_type("image/jpeg");
    let response = constructs_api::GetBlobResponse::Ok { body: image.clone(), x_checksum: Some("c1".into()) };
    let form = json_of_raw(&constructs_api::meta::GET_BLOB, &response.clone().into_raw()).unwrap();
    let (base, _recorder) = recorded("media.getBlob", form).await;
    let raw = reqwest::Client::new().get(format!("{base}/blobs/b1")).header("authorization", "Bearer t").send().await.unwrap();
    assert_eq!(raw.headers()["content-type"], "image/jpeg");
    assert_eq!(raw.bytes().await.unwrap().as_ref(), &[0xff, 0xd8, 0xff]);
    let answer = client(&base).get_blob(constructs_api::GetBlobRequest::new("b1".into())).await.unwrap();
    assert_eq!(answer, response);
}

#[test]
fn binary_values_inside_json_are_base64_or_data_urls() {
    assert_eq!(serde_json::to_value(Binary::new(vec![0, 0xff])).unwrap(), json!("AP8="));
    let named = Binary::new(b"hi".to_vec()).with_file_name("a b.txt");
    assert_eq!(serde_json::to_value(&named).unwrap(), json!("data:;filename=a+b.txt;base64,aGk="));
    for value in [Binary::new(vec![]), named, Binary::new(vec![1]).with_content_type("image/png").with_file_name("x;y.png")] {
        let text = serde_json::to_value(&value).unwrap();
        assert_eq!(serde_json::from_value::<Binary>(text).unwrap(), value);
    }
    // Text that is not base64 (a server that does not encode) is taken as its own bytes.
    assert_eq!(serde_json::from_value::<Binary>(json!("plain text!")).unwrap().bytes, b"plain text!");
}

#[test]
fn call_writes_form_text_and_raw_bodies_by_the_same_rules() {
    let spec = rocketgen::load::load_path(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/constructs/openapi.yaml")).unwrap();
    let api = rocketgen::ir::build(&spec).unwrap();
    let token = rocketgen::call::bearer_credentials(&api, "t");
    let prepare = |tool: &str, args: Value| rocketgen::call::prepare(&api, rocketgen::call::operation(&api, tool).unwrap(), &args, &token);

    let form = prepare("media.createCharge", json!({"body": charge()})).unwrap();
    assert!(form.headers.contains(&("content-type".into(), "application/x-www-form-urlencoded".into())));
    let text = String::from_utf8(form.body.unwrap()).unwrap();
    assert!(text.starts_with("amount=500&currency=usd&description=a%26b%3Dc+%C3%BC&capture=true&expand%5B0%5D=customer"), "{text}");
    assert!(text.ends_with("&codes=1,2,3&metadata%5Border%5D=6735&items%5B0%5D%5Bprice%5D=price_1&items%5B0%5D%5Bquantity%5D=2"), "{text}");

    let raw = prepare("media.putBlob", json!({"name": "b1", "body": "AP8="})).unwrap();
    assert_eq!(raw.body.unwrap(), vec![0, 0xff]);
    assert!(raw.headers.contains(&("content-type".into(), "application/octet-stream".into())));

    let note = prepare("media.addNote", json!({"body": "hello"})).unwrap();
    assert_eq!(note.body.unwrap(), b"hello");

    let err = prepare("media.upload", json!({"body": {"file": "AP8="}})).unwrap_err().to_string();
    assert!(err.contains("multipart"), "{err}");
}
