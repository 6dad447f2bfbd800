//! Retries and per-request options of the generated client, against a loopback server written
//! here that answers from a script: statuses, `Retry-After`, a reset connection, a slow answer.
//! Each attempt's arrival time and raw bytes are recorded, so the tests count attempts, measure
//! the waits between them and compare what was sent.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use constructs_api::models::ChargeForm;
use constructs_api::{ConstructsApi, CreateChargeRequest, UpdateChargeRequest};
use rocket_api::{GetItemRequest, GetItemResponse, RegisterDeviceRequest, RocketApi};
use rocket_client::{RequestOptions, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one request.
#[derive(Clone)]
enum Answer {
    /// A status with extra header lines and an error body (Rocket's `ServiceError`).
    Status(u16, &'static str),
    /// 200 with this JSON body.
    Ok(String),
    /// The connection is reset without an answer.
    Reset,
    /// 200 with this body, after a pause.
    Slow(Duration, String),
}

/// A request as it arrived.
struct Arrival {
    at: Instant,
    bytes: Vec<u8>,
}

struct Faulty {
    base: String,
    arrivals: Arc<Mutex<Vec<Arrival>>>,
}

impl Faulty {
    /// Answers the n-th request with `script[n]`, and the last entry from then on.
    async fn start(script: Vec<Answer>) -> Faulty {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let arrivals: Arc<Mutex<Vec<Arrival>>> = Arc::default();
        let seen = arrivals.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let (seen, script) = (seen.clone(), script.clone());
                tokio::spawn(async move { serve_connection(stream, &seen, &script).await });
            }
        });
        Faulty { base, arrivals }
    }

    fn attempts(&self) -> usize {
        self.arrivals.lock().unwrap().len()
    }

    /// The time between consecutive arrivals.
    fn gaps(&self) -> Vec<Duration> {
        let arrivals = self.arrivals.lock().unwrap();
        arrivals.windows(2).map(|pair| pair[1].at - pair[0].at).collect()
    }

    fn request(&self, index: usize) -> String {
        String::from_utf8_lossy(&self.arrivals.lock().unwrap()[index].bytes).into_owned()
    }
}

/// Reads requests off one keep-alive connection and answers each from the script.
async fn serve_connection(mut stream: TcpStream, seen: &Mutex<Vec<Arrival>>, script: &[Answer]) {
    loop {
        let Some(bytes) = read_request(&mut stream).await else { return };
        let index = {
            let mut seen = seen.lock().unwrap();
            seen.push(Arrival { at: Instant::now(), bytes });
            seen.len() - 1
        };
        let answer = script[index.min(script.len() - 1)].clone();
        let (status, extra, body) = match answer {
            Answer::Reset => {
                // SO_LINGER 0: closing sends RST instead of FIN.
                let _ = stream.set_zero_linger();
                return;
            }
            Answer::Status(status, extra) => (status, extra, r#"{"message":"busy"}"#.to_string()),
            Answer::Ok(body) => (200, "", body),
            Answer::Slow(pause, body) => {
                tokio::time::sleep(pause).await;
                (200, "", body)
            }
        };
        let head = format!("HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{extra}\r\n", body.len());
        if stream.write_all(head.as_bytes()).await.is_err() || stream.write_all(body.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// The head and the `content-length` body of one request, or `None` at the end of the stream.
async fn read_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase();
            let length: usize = head.lines().find_map(|line| line.strip_prefix("content-length:")).map_or(0, |v| v.trim().parse().unwrap());
            if bytes.len() >= end + 4 + length {
                return Some(bytes);
            }
        }
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        bytes.extend_from_slice(&chunk[..read]);
    }
}

/// A valid `content.getItem` 200 body.
async fn item_json() -> String {
    let GetItemResponse::Ok(item) = rocket_mock::Mock::new(1).get_item(GetItemRequest::new("abc".into())).await.unwrap() else {
        panic!("the mock answers 200")
    };
    serde_json::to_string(&item).unwrap()
}

/// A `Device` (what `account.registerDevice` answers).
const DEVICE: &str = r#"{"id":"d1","name":"tv","type":"web_browser","registrationDate":"2026-01-01T00:00:00Z"}"#;

/// Fast retries, so the tests measure the schedule rather than wait on the default one.
fn quick() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(100), Duration::from_millis(400))
}

fn rocket(faulty: &Faulty, policy: RetryPolicy) -> rocket_client::Client {
    rocket_client::Client::builder(&faulty.base).retry(policy).credential(rocket_api::Credential::AccountAuth("a".into())).build().unwrap()
}

fn constructs(faulty: &Faulty) -> constructs_client::Client {
    constructs_client::Client::builder(&faulty.base).retry(quick()).credential(constructs_api::Credential::Bearer("t".into())).build().unwrap()
}

fn charge() -> ChargeForm {
    ChargeForm::new(100, "gbp".into())
}

#[tokio::test]
async fn two_503s_then_200_succeeds_on_the_third_attempt_with_growing_waits() {
    let faulty = Faulty::start(vec![Answer::Status(503, ""), Answer::Status(503, ""), Answer::Ok(item_json().await)]).await;
    let answer = rocket(&faulty, quick()).get_item(GetItemRequest::new("abc".into())).await.unwrap();
    assert!(matches!(answer, GetItemResponse::Ok(_)));
    assert_eq!(faulty.attempts(), 3);
    let gaps = faulty.gaps();
    // Backoff 100 ms then 200 ms, each with jitter between half and all of it.
    assert!(gaps[0] >= Duration::from_millis(50), "{gaps:?}");
    assert!(gaps[1] >= Duration::from_millis(100), "{gaps:?}");
    // The request is sent again byte for byte.
    assert_eq!(faulty.request(0), faulty.request(1));
    assert_eq!(faulty.request(1), faulty.request(2));
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let faulty = Faulty::start(vec![Answer::Status(429, "retry-after: 1\r\n"), Answer::Ok(item_json().await)]).await;
    let answer = rocket(&faulty, quick()).get_item(GetItemRequest::new("abc".into())).await.unwrap();
    assert!(matches!(answer, GetItemResponse::Ok(_)));
    assert_eq!(faulty.attempts(), 2);
    assert!(faulty.gaps()[0] >= Duration::from_secs(1), "{:?}", faulty.gaps());
}

#[tokio::test]
async fn a_retry_after_beyond_the_budget_is_not_waited_for() {
    let faulty = Faulty::start(vec![Answer::Status(503, "retry-after: 30\r\n"), Answer::Ok(item_json().await)]).await;
    let started = Instant::now();
    let answer = rocket(&faulty, quick().budget(Some(Duration::from_secs(2)))).get_item(GetItemRequest::new("abc".into())).await.unwrap();
    assert!(matches!(answer, GetItemResponse::Default { status: 503, .. }));
    assert_eq!(faulty.attempts(), 1);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_reset_connection_is_retried() {
    let faulty = Faulty::start(vec![Answer::Reset, Answer::Ok(item_json().await)]).await;
    let answer = rocket(&faulty, quick()).get_item(GetItemRequest::new("abc".into())).await.unwrap();
    assert!(matches!(answer, GetItemResponse::Ok(_)));
    assert_eq!(faulty.attempts(), 2);
}

#[tokio::test]
async fn the_last_error_says_how_many_attempts_were_made() {
    let faulty = Faulty::start(vec![Answer::Reset]).await;
    let error = rocket(&faulty, quick()).get_item(GetItemRequest::new("abc".into())).await.unwrap_err();
    assert_eq!(faulty.attempts(), 3);
    assert_eq!(error.attempts(), 3);
    assert!(error.to_string().contains("after 3 attempts"), "{error}");
}

#[tokio::test]
async fn attempts_are_capped_and_the_last_answer_returned() {
    let faulty = Faulty::start(vec![Answer::Status(502, "")]).await;
    let answer = rocket(&faulty, quick().max_attempts(4)).get_item(GetItemRequest::new("abc".into())).await.unwrap();
    assert!(matches!(answer, GetItemResponse::Default { status: 502, .. }));
    assert_eq!(faulty.attempts(), 4);
}

#[tokio::test]
async fn a_post_without_an_idempotency_key_is_sent_once() {
    let faulty = Faulty::start(vec![Answer::Status(503, ""), Answer::Ok(DEVICE.into())]).await;
    let request = RegisterDeviceRequest::new(serde_json::from_value(serde_json::json!({"id": "d1", "name": "tv", "type": "web_browser"})).unwrap());
    let answer = rocket(&faulty, quick()).register_device(request).await;
    assert!(answer.is_ok(), "{answer:?}");
    assert_eq!(faulty.attempts(), 1);
}

#[tokio::test]
async fn a_post_with_the_specs_idempotency_key_is_retried() {
    let faulty = Faulty::start(vec![Answer::Status(503, ""), Answer::Ok(r#"{"amount":100,"currency":"gbp"}"#.into())]).await;
    let client = constructs(&faulty);
    client.create_charge(CreateChargeRequest::new(charge())).await.unwrap();
    assert_eq!(faulty.attempts(), 1, "no key: one attempt");

    let faulty = Faulty::start(vec![Answer::Status(503, ""), Answer::Ok(r#"{"amount":100,"currency":"gbp"}"#.into())]).await;
    let client = constructs(&faulty);
    client.create_charge(CreateChargeRequest::new(charge()).with_idempotency_key("k-1")).await.unwrap();
    assert_eq!(faulty.attempts(), 2);
    assert!(faulty.request(1).to_ascii_lowercase().contains("idempotency-key: k-1"));
    assert_eq!(faulty.request(0), faulty.request(1));
}

#[tokio::test]
async fn a_patch_with_a_fern_idempotency_header_is_retried() {
    let faulty = Faulty::start(vec![Answer::Status(504, ""), Answer::Ok(r#"{"amount":100,"currency":"gbp"}"#.into())]).await;
    let client = constructs(&faulty);
    client.update_charge(UpdateChargeRequest::new(charge()).with_x_request_token("t-1")).await.unwrap();
    assert_eq!(faulty.attempts(), 2);
}

#[tokio::test]
async fn a_post_keyed_by_a_per_request_header_is_retried() {
    let faulty = Faulty::start(vec![Answer::Status(503, ""), Answer::Ok(DEVICE.into())]).await;
    let request = RegisterDeviceRequest::new(serde_json::from_value(serde_json::json!({"id": "d1", "name": "tv", "type": "web_browser"})).unwrap());
    let client = rocket(&faulty, quick()).with_options(RequestOptions::new().header("Idempotency-Key", "k-2"));
    client.register_device(request).await.unwrap();
    assert_eq!(faulty.attempts(), 2);
}

#[tokio::test]
async fn per_request_options_add_headers_and_query_and_set_the_timeout() {
    let faulty = Faulty::start(vec![Answer::Slow(Duration::from_millis(600), item_json().await)]).await;
    let client = rocket(&faulty, quick());
    let options = RequestOptions::new().header("x-trace", "t 1").query("debug", "a&b").timeout(Duration::from_millis(150)).retry(RetryPolicy::never());
    let error = client.with_options(options).get_item(GetItemRequest::new("abc".into())).await.unwrap_err();
    assert!(matches!(error, rocket_api::Error::Timeout { attempts: 1, .. }), "{error}");
    assert_eq!(faulty.attempts(), 1);
    let sent = faulty.request(0);
    assert!(sent.starts_with("GET /items/abc?device=web_browser&debug=a%26b HTTP/1.1"), "{sent}");
    assert!(sent.contains("x-trace: t 1"), "{sent}");

    // The client it came from keeps its own options: no extras, the default timeout.
    let answer = client.get_item(GetItemRequest::new("abc".into())).await.unwrap();
    assert!(matches!(answer, GetItemResponse::Ok(_)));
    assert!(faulty.request(1).starts_with("GET /items/abc?device=web_browser HTTP/1.1"));
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let faulty = Faulty::start(vec![Answer::Status(503, "")]).await;
    let answer = rocket(&faulty, RetryPolicy::never()).get_item(GetItemRequest::new("abc".into())).await.unwrap();
    assert!(matches!(answer, GetItemResponse::Default { status: 503, .. }));
    assert_eq!(faulty.attempts(), 1);
}

/// `rocketgen call` and the MCP tools send through the same runtime client, so they retry too.
#[tokio::test]
async fn the_call_sender_retries_like_the_client() {
    let faulty = Faulty::start(vec![Answer::Status(503, ""), Answer::Reset, Answer::Ok(item_json().await)]).await;
    let spec = rocketgen::load::load_path(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/rocket/openapi.json")).unwrap();
    let api = rocketgen::ir::build(&spec).unwrap();
    let op = rocketgen::call::operation(&api, "content.getItem").unwrap();
    let prepared = rocketgen::call::prepare(&api, op, &serde_json::json!({"id": "abc"}), &Default::default()).unwrap();
    let sender = rocketgen::call::Sender::new(&faulty.base, quick()).unwrap();
    let answer = sender.send(op, &prepared).await.unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(faulty.attempts(), 3);

    let faulty = Faulty::start(vec![Answer::Status(503, "")]).await;
    let sender = rocketgen::call::Sender::new(&faulty.base, quick().max_attempts(1)).unwrap();
    assert_eq!(sender.send(op, &prepared).await.unwrap().status, 503);
    assert_eq!(faulty.attempts(), 1);
}
