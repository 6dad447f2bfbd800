//! The mock server as a recording proxy: `--proxy URL` forwards every request to a real
//! upstream and passes its answer back as it came; `--record FILE` keeps, per operation, the
//! last answer that fits the spec, in the fixtures format, which `--fixtures FILE` replays. An
//! answer that does not fit (an undeclared status, a body its schema refuses, a body fixtures
//! cannot hold) is reported on standard error and left out.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderName, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use crate::meta::{Constraints, Framing, OperationMeta, Ty};
use crate::server::{BODY_LIMIT, error, match_template};
use crate::stream::{ItemFormat, decode_all};
use crate::validate::{Strictness, validate};

/// Headers of one connection, not of the exchange: never passed on.
const HOP_BY_HOP: &[&str] = &["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length"];

struct Proxy {
    upstream: String,
    base_path: String,
    http: reqwest::Client,
    operations: &'static [&'static OperationMeta<'static>],
    recorder: Option<Recorder>,
}

/// The fixtures recorded so far, written out whole after each new one.
struct Recorder {
    file: PathBuf,
    entries: Mutex<BTreeMap<&'static str, Value>>,
}

/// A router that forwards everything under `base_path` to `upstream` (a URL with the upstream's
/// own base path), recording into `record` if given.
pub fn router(
    upstream: &str,
    base_path: &str,
    operations: &'static [&'static OperationMeta<'static>],
    record: Option<PathBuf>,
) -> Result<axum::Router, String> {
    let upstream = upstream.trim_end_matches('/').to_string();
    if !(upstream.starts_with("http://") || upstream.starts_with("https://")) {
        return Err(format!("{upstream:?} must start with http:// or https://"));
    }
    if upstream.starts_with("https://") && !cfg!(feature = "rustls") {
        return Err(format!("{upstream:?}: an HTTPS upstream needs rocketgen-runtime's `rustls` feature"));
    }
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().map_err(|e| e.to_string())?;
    let recorder = record.map(|file| Recorder { file, entries: Mutex::new(BTreeMap::new()) });
    if let Some(recorder) = &recorder {
        recorder.write().map_err(|e| format!("{}: {e}", recorder.file.display()))?;
    }
    let proxy = Arc::new(Proxy { upstream, base_path: base_path.trim_end_matches('/').to_string(), http, operations, recorder });
    Ok(axum::Router::new().fallback(move |request: Request| {
        let proxy = proxy.clone();
        async move { proxy.forward(request).await }
    }))
}

impl Proxy {
    async fn forward(self: Arc<Self>, request: Request) -> Response {
        let (parts, body) = request.into_parts();
        let Some(rest) = parts.uri.path().strip_prefix(self.base_path.as_str()).filter(|rest| rest.is_empty() || rest.starts_with('/')) else {
            return error(404, format!("no operation at {} {}", parts.method, parts.uri.path()));
        };
        let rest = rest.to_string();
        let url = match parts.uri.query() {
            Some(query) => format!("{}{rest}?{query}", self.upstream),
            None => format!("{}{rest}", self.upstream),
        };
        let body = match to_bytes(body, BODY_LIMIT).await {
            Ok(body) => body,
            Err(e) => return error(413, format!("the body could not be read: {e}")),
        };
        let mut outgoing = self.http.request(parts.method.clone(), &url).body(body);
        for (name, value) in parts.headers.iter().filter(|(name, _)| !HOP_BY_HOP.contains(&name.as_str())) {
            outgoing = outgoing.header(name, value);
        }
        let answer = match outgoing.send().await {
            Ok(answer) => answer,
            Err(e) => return error(502, format!("the upstream {url} did not answer: {e}")),
        };
        let status = answer.status();
        let headers: Vec<(HeaderName, axum::http::HeaderValue)> =
            answer.headers().iter().filter(|(name, _)| !HOP_BY_HOP.contains(&name.as_str())).map(|(n, v)| (n.clone(), v.clone())).collect();
        let content_type = headers.iter().find(|(n, _)| n == "content-type").and_then(|(_, v)| v.to_str().ok()).unwrap_or("").to_string();
        let exchange = Exchange { method: parts.method.to_string(), rest, status: status.as_u16(), content_type };
        let body = if Framing::of_media_type(&exchange.content_type).is_some() {
            // A stream is passed on as it comes, and recorded once it ends.
            let proxy = self.clone();
            Body::from_stream(relay(answer, move |bytes| proxy.record(&exchange, &bytes)))
        } else {
            let bytes = match answer.bytes().await {
                Ok(bytes) => bytes,
                Err(e) => return error(502, format!("the upstream {url} broke off its answer: {e}")),
            };
            self.record(&exchange, &bytes);
            Body::from(bytes)
        };
        let mut response = Response::new(body);
        *response.status_mut() = StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
        response.headers_mut().extend(headers);
        response
    }

    /// Records an answer as its operation's fixture, if recording and the answer fits the spec.
    fn record(&self, exchange: &Exchange, bytes: &[u8]) {
        let Some(recorder) = &self.recorder else { return };
        let line = format!("{} {}", exchange.method, exchange.rest);
        match self.operation(&exchange.method, &exchange.rest) {
            None => eprintln!("not recorded: {line}: no operation of the spec"),
            Some(op) => match fixture(op, exchange.status, &exchange.content_type, bytes) {
                Ok(entry) => recorder.record(op.tool_name, entry),
                Err(why) => eprintln!("not recorded: {line} ({}): {why}", op.tool_name),
            },
        }
    }

    /// The operation at `method` and `path`; of several templates that match, the one with the
    /// most literal text (`/items/latest` before `/items/{id}`).
    fn operation(&self, method: &str, path: &str) -> Option<&'static OperationMeta<'static>> {
        self.operations
            .iter()
            .filter(|op| op.http_method.as_str() == method && match_template(op.path, path).is_some())
            .min_by_key(|op| op.path.matches('{').count())
            .copied()
    }
}

/// What was asked and what came back, as recording needs it.
struct Exchange {
    method: String,
    /// The path below the base path.
    rest: String,
    status: u16,
    content_type: String,
}

/// The upstream's body chunk by chunk as it arrives; `ended` gets the whole of it once it ends
/// (not if it breaks off, nor if the client goes away first).
fn relay(answer: reqwest::Response, ended: impl FnOnce(Vec<u8>) + Send + 'static) -> impl futures::Stream<Item = Result<bytes::Bytes, reqwest::Error>> + Send {
    futures::stream::unfold(Some((answer, Vec::new(), ended)), |state| async move {
        let (mut answer, mut seen, ended) = state?;
        match answer.chunk().await {
            Ok(Some(chunk)) => {
                seen.extend_from_slice(&chunk);
                Some((Ok(chunk), Some((answer, seen, ended))))
            }
            Ok(None) => {
                ended(seen);
                None
            }
            Err(e) => Some((Err(e), None)),
        }
    })
}

/// The fixture of an answer, `{status, body}`, if the spec declares the status and its body fits.
fn fixture(op: &OperationMeta<'_>, status: u16, content_type: &str, bytes: &[u8]) -> Result<Value, String> {
    let declared = op.response(status).ok_or_else(|| format!("status {status} is not declared for this operation"))?;
    let Some(ty) = declared.body else {
        return Ok(json!({ "status": status }));
    };
    let body: Value = if let Some(framing) = declared.stream.filter(|framing| Framing::of_media_type(content_type) == Some(*framing)) {
        // What the stream held by the time it ended, item by item, as fixtures give it.
        let format = if matches!(ty, Ty::String) { ItemFormat::Text } else { ItemFormat::Json };
        Value::Array(decode_all(framing, format, bytes)?)
    } else if content_type.contains("json") {
        serde_json::from_slice(bytes).map_err(|e| format!("the body is not JSON: {e}"))?
    } else if content_type.starts_with("text/") {
        Value::String(String::from_utf8(bytes.to_vec()).map_err(|_| "the text body is not UTF-8".to_string())?)
    } else {
        return Err(format!("a {content_type:?} body cannot be kept in fixtures (JSON or text)"));
    };
    // As strict as loading fixtures is, so that what is recorded replays.
    match (&body, declared.stream) {
        (Value::Array(items), Some(framing)) => {
            for (i, item) in items.iter().enumerate() {
                let value = if framing == Framing::EventStream { &item["data"] } else { item };
                validate(value, ty, &Constraints::NONE, &format!("body[{i}]"), Strictness::Request).map_err(|e| e.to_string())?;
            }
        }
        _ => validate(&body, ty, &Constraints::NONE, "body", Strictness::Request).map_err(|e| e.to_string())?,
    }
    Ok(json!({ "status": status, "body": body }))
}

impl Recorder {
    fn record(&self, tool: &'static str, entry: Value) {
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.insert(tool, entry);
        drop(entries);
        if let Err(e) = self.write() {
            eprintln!("error: cannot write {}: {e}", self.file.display());
        }
    }

    /// Writes every entry, to a temporary file then renamed, so the file is never half-written.
    fn write(&self) -> std::io::Result<()> {
        let entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let text = serde_json::to_string_pretty(&*entries).map_err(std::io::Error::other)?;
        let temporary = self.file.with_extension("recording");
        std::fs::write(&temporary, text + "\n")?;
        std::fs::rename(&temporary, &self.file)
    }
}
