//! Streamed responses over loopback HTTP, client → generated server → implementation stream:
//! server-sent events (JSON and text data), JSON Lines and JSON text sequences. Events arrive
//! while the implementation's stream is still open; a failure mid-stream breaks the body off; a
//! bad item is a decode error naming it; a stream may outlast the client's timeout; the mock
//! answers a finite stream; `rocketgen call` prints items as they come.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use constructs_api::models::{LogLine, LogLineLevel, Progress};
use constructs_api::*;
use rocketgen_runtime::{Event, Streamed};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

type ProgressEvents = UnboundedReceiver<Result<Event<Progress>, Error>>;

/// Streams what the test sends, as it sends it (progress), or items of its own.
#[derive(Default)]
struct Streams {
    progress: Mutex<Option<ProgressEvents>>,
}

fn from_channel<T: Send + 'static>(receiver: UnboundedReceiver<Result<T, Error>>) -> Streamed<T> {
    Streamed::from_stream(constructs_client::futures::stream::unfold(
        receiver,
        |mut receiver| async move { receiver.recv().await.map(|item| (item, receiver)) },
    ))
}

fn log_line(i: i64) -> LogLine {
    LogLine::new(if i % 2 == 0 { LogLineLevel::Info } else { LogLineLevel::Warn }, format!("line {i}"))
}

impl ConstructsApi for Streams {
    async fn stream_progress(&self, _request: StreamProgressRequest) -> Result<StreamProgressResponse, Error> {
        Ok(match self.progress.lock().unwrap().take() {
            Some(receiver) => StreamProgressResponse::Ok(from_channel(receiver)),
            None => StreamProgressResponse::NotFound,
        })
    }

    async fn stream_logs(&self, request: StreamLogsRequest) -> Result<StreamLogsResponse, Error> {
        let count = request.count.unwrap_or(3);
        Ok(StreamLogsResponse::Ok(Streamed::from_stream(constructs_client::futures::stream::iter((0..count).map(|i| Ok(log_line(i)))))))
    }

    async fn stream_records(&self, _request: StreamRecordsRequest) -> Result<StreamRecordsResponse, Error> {
        Ok(StreamRecordsResponse::Ok((0..4).map(log_line).collect()))
    }

    async fn stream_ticker(&self, _request: StreamTickerRequest) -> Result<StreamTickerResponse, Error> {
        // Four ticks 150 ms apart: longer, in all, than the client's timeout in the test.
        let ticks = constructs_client::futures::stream::unfold(0, |n| async move {
            if n == 4 {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
            Some((Ok(Event::new(format!("tick {n}\nsecond line")).with_id(n.to_string())), n + 1))
        });
        Ok(StreamTickerResponse::Ok(Streamed::from_stream(ticks)))
    }
}

async fn serve(streams: Streams, timeout: Duration) -> constructs_client::Client {
    let base = rocketgen_tests::http::serve(constructs_server::router_at(Arc::new(streams), "/v2")).await;
    constructs_client::Client::builder(format!("{base}/v2")).timeout(timeout).build().unwrap()
}

fn progress_channel() -> (UnboundedSender<Result<Event<Progress>, Error>>, Streams) {
    let (sender, receiver) = unbounded_channel();
    (sender, Streams { progress: Mutex::new(Some(receiver)) })
}

async fn next<T>(stream: &mut Streamed<T>) -> Option<Result<T, Error>> {
    tokio::time::timeout(Duration::from_secs(10), stream.next()).await.expect("an item within 10 s")
}

#[tokio::test]
async fn events_arrive_while_the_stream_is_open() {
    let (sender, streams) = progress_channel();
    let client = serve(streams, Duration::from_secs(30)).await;
    let first = Event::new(Progress::new(1, 2)).with_event("step").with_id("1").with_retry(500);
    sender.send(Ok(first.clone())).unwrap();
    let StreamProgressResponse::Ok(mut events) = client.stream_progress(StreamProgressRequest::new()).await.unwrap() else { panic!("not 200") };
    assert!(events.is_live());
    // The first event is read before the second is even made.
    assert_eq!(next(&mut events).await.unwrap().unwrap(), first);
    let mut second = Progress::new(2, 2);
    second.note = Some("two\nlines".to_string());
    sender.send(Ok(Event::new(second.clone()))).unwrap();
    assert_eq!(next(&mut events).await.unwrap().unwrap(), Event::new(second));
    drop(sender);
    assert!(next(&mut events).await.is_none());
    // A second call finds no stream to answer with: the operation's other status.
    assert_eq!(client.stream_progress(StreamProgressRequest::new()).await.unwrap(), StreamProgressResponse::NotFound);
}

#[tokio::test]
async fn json_lines_and_sequences_arrive_whole_and_in_order() {
    let client = serve(Streams::default(), Duration::from_secs(30)).await;
    let StreamLogsResponse::Ok(lines) = client.stream_logs(StreamLogsRequest::new().with_count(1000)).await.unwrap() else { panic!("not 200") };
    assert_eq!(lines.read_all().await.unwrap(), (0..1000).map(log_line).collect::<Vec<_>>());
    let StreamRecordsResponse::Ok(records) = client.stream_records(StreamRecordsRequest::new()).await.unwrap() else { panic!("not 200") };
    assert_eq!(records.read_all().await.unwrap(), (0..4).map(log_line).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_failure_mid_stream_breaks_the_body_off() {
    let (sender, streams) = progress_channel();
    let client = serve(streams, Duration::from_secs(30)).await;
    sender.send(Ok(Event::new(Progress::new(1, 3)))).unwrap();
    let StreamProgressResponse::Ok(mut events) = client.stream_progress(StreamProgressRequest::new()).await.unwrap() else { panic!("not 200") };
    assert_eq!(next(&mut events).await.unwrap().unwrap().data, Progress::new(1, 3));
    // The status went out with the first event: the failure can only cut the body short.
    sender.send(Err(Error::other("the job's disk is full"))).unwrap();
    let broken = next(&mut events).await.unwrap().unwrap_err();
    assert!(matches!(broken, Error::Transport { .. }), "{broken:?}");
    assert!(next(&mut events).await.is_none());
}

#[tokio::test]
async fn a_stream_may_outlast_the_timeout_which_covers_its_headers() {
    let client = serve(Streams::default(), Duration::from_millis(400)).await;
    let started = std::time::Instant::now();
    let StreamTickerResponse::Ok(ticks) = client.stream_ticker(StreamTickerRequest::new()).await.unwrap() else { panic!("not 200") };
    let ticks = ticks.read_all().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(600), "{:?}", started.elapsed());
    let expected: Vec<Event<String>> = (0..4).map(|n| Event::new(format!("tick {n}\nsecond line")).with_id(n.to_string())).collect();
    assert_eq!(ticks, expected);
}

#[tokio::test]
async fn a_bad_item_is_a_decode_error_naming_it() {
    // A server of its own, not the generated one: it answers what the spec does not allow.
    let router = axum::Router::new().route(
        "/v2/streams/logs",
        axum::routing::get(|| async { ([("content-type", "application/x-ndjson")], "{\"level\":\"info\",\"line\":\"a\"}\n{\"level\":3,\"line\":\"b\"}\n") }),
    );
    let base = rocketgen_tests::http::serve(router).await;
    let client = constructs_client::Client::builder(format!("{base}/v2")).build().unwrap();
    let StreamLogsResponse::Ok(mut lines) = client.stream_logs(StreamLogsRequest::new()).await.unwrap() else { panic!("not 200") };
    assert_eq!(next(&mut lines).await.unwrap().unwrap().line, "a");
    match next(&mut lines).await.unwrap() {
        Err(Error::Decode { operation, status, path, body, .. }) => {
            assert_eq!((operation, status, path.as_str()), ("streams.streamLogs", 200, "[1].level"));
            assert_eq!(body, b"{\"level\":3,\"line\":\"b\"}");
        }
        other => panic!("{other:?}"),
    }
    assert!(next(&mut lines).await.is_none());
}

#[tokio::test]
async fn the_mock_answers_finite_streams_and_programmed_ones() {
    let mock = constructs_mock::Mock::new(1);
    let base = rocketgen_tests::http::serve(constructs_server::router_at(Arc::new(mock.clone()), "/v2")).await;
    let client = constructs_client::Client::builder(format!("{base}/v2")).build().unwrap();
    let StreamProgressResponse::Ok(events) = client.stream_progress(StreamProgressRequest::new()).await.unwrap() else { panic!("not 200") };
    let events = events.read_all().await.unwrap();
    assert_eq!(events.iter().map(|e| e.id.as_deref().unwrap()).collect::<Vec<_>>(), ["1", "2", "3"]);
    assert!(events.iter().all(|e| e.data.step >= 1 && e.data.of >= 1), "{events:?}");
    // Items in hand answer every call alike.
    mock.on_stream_logs().respond(StreamLogsResponse::Ok(vec![log_line(7), log_line(8)].into()));
    for _ in 0..2 {
        let StreamLogsResponse::Ok(lines) = client.stream_logs(StreamLogsRequest::new()).await.unwrap() else { panic!("not 200") };
        assert_eq!(lines.read_all().await.unwrap(), [log_line(7), log_line(8)]);
    }
}

/// `rocketgen call` prints each item as a line of JSON as it arrives; the MCP tools' path
/// (`call::Sender`, `Answer::json`) answers the items as one array.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_call_command_and_the_tools_read_streams() {
    let client = serve(Streams::default(), Duration::from_secs(30)).await;
    let base = client.base_url().to_string();
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/constructs/openapi.yaml");
    let command_base = base.clone();
    let command_spec = spec.clone();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(rocketgen_tests::cargo_binary("rocketgen", "rocketgen"))
            .args(["call", "streams.streamLogs", "--args", r#"{"count": 3}"#, "--base-url", &command_base])
            .arg("--spec")
            .arg(command_spec)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let mut lines = stdout.lines();
    assert_eq!(lines.next(), Some("200"));
    let items: Vec<serde_json::Value> = lines.map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(items, (0..3).map(|i| serde_json::to_value(log_line(i)).unwrap()).collect::<Vec<_>>());

    let api = rocketgen::ir::build(&rocketgen::load::load_path(&spec).unwrap()).unwrap();
    let op = rocketgen::call::operation(&api, "streams.streamTicker").unwrap();
    let prepared = rocketgen::call::prepare(&api, op, &serde_json::json!({}), &Default::default()).unwrap();
    let sender = rocketgen::call::Sender::new(&base, rocketgen::call::RetryPolicy::never()).unwrap();
    let answer = sender.send(op, &prepared).await.unwrap();
    let events = answer.json(op).unwrap();
    assert_eq!(events[3], serde_json::json!({"data": "tick 3\nsecond line", "id": "3"}));
    assert_eq!(events.as_array().unwrap().len(), 4);
}

/// The mock server's recording proxy passes a stream on as it comes and records its items once
/// it ends.
#[tokio::test]
async fn the_recording_proxy_passes_streams_on_live() {
    let (sender, streams) = progress_channel();
    let upstream = rocketgen_tests::http::serve(constructs_server::router_at(Arc::new(streams), "/v2")).await;
    let record = std::env::temp_dir().join(format!("streams-record-{}.json", std::process::id()));
    let proxy = rocketgen_runtime::proxy::router(&format!("{upstream}/v2"), "/v2", constructs_api::meta::operations(), Some(record.clone())).unwrap();
    let base = rocketgen_tests::http::serve(proxy).await;
    let client = constructs_client::Client::builder(format!("{base}/v2")).build().unwrap();
    sender.send(Ok(Event::new(Progress::new(1, 2)).with_id("a"))).unwrap();
    let StreamProgressResponse::Ok(mut events) = client.stream_progress(StreamProgressRequest::new()).await.unwrap() else { panic!("not 200") };
    assert_eq!(next(&mut events).await.unwrap().unwrap().id.as_deref(), Some("a"));
    sender.send(Ok(Event::new(Progress::new(2, 2)).with_id("b"))).unwrap();
    assert_eq!(next(&mut events).await.unwrap().unwrap().id.as_deref(), Some("b"));
    drop(sender);
    assert!(next(&mut events).await.is_none());
    // The proxy records when the upstream's body has ended: allow it a moment to write.
    let mut recorded = serde_json::Value::Null;
    for _ in 0..50 {
        recorded = serde_json::from_str(&std::fs::read_to_string(&record).unwrap_or_default()).unwrap_or_default();
        if recorded.get("streams.streamProgress").is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        recorded["streams.streamProgress"],
        serde_json::json!({"status": 200, "body": [{"data": {"step": 1, "of": 2}, "id": "a"}, {"data": {"step": 2, "of": 2}, "id": "b"}]})
    );
    // What was recorded replays: the fixture loads, its items checked against the spec.
    let fixtures = rocketgen_runtime::mock::load_fixtures(&record, constructs_api::meta::operations()).unwrap();
    assert_eq!(fixtures["streams.streamProgress"].status, 200);
    std::fs::remove_file(&record).ok();
}
