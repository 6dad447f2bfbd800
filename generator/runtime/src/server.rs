//! What every generated handler shares: reading a request by the operation's metadata
//! (parameters, credentials, body, validation) and writing responses and errors.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Multipart, RawPathParams, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use tracing::Instrument;

use crate::meta::{
    BodyKind, BodyMeta, Location, Method, OperationMeta, ParamMeta, Part, SchemeKind, Style, decode_form, decode_multipart, decode_object, decode_param,
    form_unescape, is_delimited_array, is_object_param, media_type_matches, object_pairs, object_param_fields, path_as_simple, raw_delimiter, received_binary,
};
use crate::validate::{Strictness, validate};
use crate::{Error, OperationResponse, RawResponse};

/// Largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// A request read and checked against its operation: the request type's fields as JSON, and
/// the credentials found for the operation's security (scheme name, secret).
struct Decoded {
    pub fields: Map<String, Value>,
    pub credentials: Vec<(&'static str, String)>,
}

/// Why a request was refused: its status and a message naming the parameter or field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub status: u16,
    pub message: String,
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        error(self.status, self.message)
    }
}

fn reject(status: u16, message: impl Into<String>) -> Rejection {
    Rejection { status, message: message.into() }
}

/// A `ServiceError` body (`code`, `message`) with its status.
pub fn error(status: u16, message: impl Into<String>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = json!({ "code": status.as_u16(), "message": message.into() });
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body.to_string()).into_response()
}

/// Answers an unknown route.
pub async fn not_found(request: Request) -> Response {
    // Under a base path the router sees the rest of the path; name the path as it was sent.
    let path = match request.extensions().get::<axum::extract::OriginalUri>() {
        Some(original) => original.path().to_string(),
        None => request.uri().path().to_string(),
    };
    error(404, format!("no operation at {} {path}", request.method()))
}

/// Path parameter values found by [`match_template`], for operations whose paths axum's router
/// cannot express (a parameter sharing a segment with text, as in `/files/{name}.json`).
#[derive(Debug, Clone)]
pub struct TemplateParams(pub Vec<String>);

/// Matches a request path against an OpenAPI path template; the parameters' values, in order
/// and percent-decoded, when it matches. A parameter matches one or more characters of its
/// segment; literal text around it must match exactly.
pub fn match_template(template: &str, path: &str) -> Option<Vec<String>> {
    let template: Vec<&str> = template.split('/').collect();
    let path: Vec<&str> = path.split('/').collect();
    if template.len() != path.len() {
        return None;
    }
    let mut values = Vec::new();
    for (pattern, segment) in template.iter().zip(&path) {
        if !match_segment(pattern, segment, &mut values) {
            return None;
        }
    }
    Some(values.iter().map(|v| percent_encoding::percent_decode_str(v).decode_utf8_lossy().into_owned()).collect())
}

fn match_segment<'a>(pattern: &str, segment: &'a str, values: &mut Vec<&'a str>) -> bool {
    let Some(open) = pattern.find('{') else { return pattern == segment };
    let Some(rest) = segment.strip_prefix(&pattern[..open]) else { return false };
    let Some(close) = pattern[open..].find('}') else { return pattern == segment };
    let after = &pattern[open + close + 1..];
    // The value runs to some later occurrence of the next literal text; try each, shortest first.
    let literal_end = after.find('{').unwrap_or(after.len());
    let literal = &after[..literal_end];
    let mut start = 1;
    while start <= rest.len() {
        let end = if literal.is_empty() {
            if after.is_empty() { rest.len() } else { start }
        } else {
            match rest.get(start..).and_then(|tail| tail.find(literal)) {
                Some(at) => start + at,
                None => return false,
            }
        };
        if !rest.is_char_boundary(end) {
            start = end + 1;
            continue;
        }
        let depth = values.len();
        values.push(&rest[..end]);
        if match_segment(after, &rest[end..], values) {
            return true;
        }
        values.truncate(depth);
        start = end + 1;
    }
    false
}

/// Answers a known route with a method it does not serve; `allow` lists those it does.
pub fn method_not_allowed(allow: &str) -> Response {
    let mut response = error(405, format!("method not allowed; allowed: {allow}"));
    if let Ok(value) = HeaderValue::from_str(allow) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

/// What an implementation's error becomes: 501 for an operation it does not provide, 502/504
/// for an upstream that failed (a proxying implementation), 500 otherwise.
pub fn failure(err: Error) -> Response {
    let status = match &err {
        Error::NotImplemented { .. } => 501,
        Error::MissingCredential { .. } => 401,
        Error::Transport { .. } | Error::Decode { .. } | Error::Pagination { .. } => 502,
        Error::Timeout { .. } => 504,
        _ => 500,
    };
    error(status, err.to_string())
}

/// Sends a response as it is: status, headers and body. A status or header that HTTP cannot
/// carry is a 500 naming it, not a panic.
pub fn respond(raw: RawResponse) -> Response {
    let Ok(status) = StatusCode::from_u16(raw.status) else {
        return error(500, format!("the implementation answered with an invalid status {}", raw.status));
    };
    // A streamed body is sent chunk by chunk as the implementation yields it.
    let body = match raw.stream.as_ref().and_then(|stream| stream.take()) {
        Some(chunks) => Body::from_stream(chunks),
        None => Body::from(raw.body),
    };
    let mut response = (status, body).into_response();
    for (name, value) in raw.headers {
        match (header::HeaderName::try_from(name.as_str()), HeaderValue::try_from(value)) {
            (Ok(name), Ok(value)) => {
                response.headers_mut().append(name, value);
            }
            _ => return error(500, format!("the implementation gave an invalid `{name}` header")),
        }
    }
    response
}

/// A generated handler's answer to one request, whatever its operation.
pub type Served = Pin<Box<dyn Future<Output = Response> + Send>>;

/// The route of one operation for an implementation `S`: the implementation and the plain
/// function that serves the operation with it. Every route of a router is this one type, so
/// axum's routing is compiled once for a router rather than once per operation.
pub struct Route<S> {
    service: Arc<S>,
    serve: fn(Arc<S>, Request) -> Served,
}

impl<S> Route<S> {
    pub fn new(service: &Arc<S>, serve: fn(Arc<S>, Request) -> Served) -> Self {
        Route { service: Arc::clone(service), serve }
    }
}

impl<S> Clone for Route<S> {
    fn clone(&self) -> Self {
        Route { service: Arc::clone(&self.service), serve: self.serve }
    }
}

impl<S: Send + Sync + 'static> tower::Service<Request> for Route<S> {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let served = (self.serve)(Arc::clone(&self.service), request);
        Box::pin(async move { Ok(served.await) })
    }
}

/// What a path answers to a method it does not serve: 405 with the methods it does.
#[derive(Clone)]
pub struct MethodNotAllowed(Arc<str>);

impl MethodNotAllowed {
    /// `allow`: the path's methods, as the `Allow` header lists them (`GET, POST`).
    pub fn new(allow: &str) -> Self {
        MethodNotAllowed(allow.into())
    }
}

impl tower::Service<Request> for MethodNotAllowed {
    type Response = Response;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request) -> Self::Future {
        std::future::ready(Ok(method_not_allowed(&self.0)))
    }
}

/// One operation a generated router serves: its path as the router writes it (`/items/{p0}`),
/// its method, and the plain function that serves it with an implementation `S`.
pub type RouteEntry<S> = (&'static str, Method, fn(Arc<S>, Request) -> Served);

/// `router` with every operation of `table` mounted under `base`, each path once: a path's
/// entries are adjacent in the table, and its other methods answer 405 with `Allow` listing
/// the ones there. A generated router is this table (one line per operation, each under its
/// tag's feature) rather than a chain of axum calls per path, which compiled into code per
/// path.
pub fn mount<S: Send + Sync + 'static>(mut router: axum::Router, service: &Arc<S>, base: &str, table: &[RouteEntry<S>]) -> axum::Router {
    let mut rest = table;
    while let Some((path, _, _)) = rest.first() {
        let count = rest.iter().take_while(|(other, _, _)| other == path).count();
        let (same, after) = rest.split_at(count);
        let mut methods = axum::routing::MethodRouter::new();
        let mut allow: Vec<&str> = Vec::with_capacity(count);
        for (_, method, serve) in same {
            methods = methods.on_service(method_filter(*method), Route::new(service, *serve));
            allow.push(method.as_str());
        }
        router = router.route(&[base, path].concat(), methods.fallback_service(MethodNotAllowed::new(&allow.join(", "))));
        rest = after;
    }
    router
}

fn method_filter(method: Method) -> axum::routing::MethodFilter {
    use axum::routing::MethodFilter;
    match method {
        Method::Get => MethodFilter::GET,
        Method::Put => MethodFilter::PUT,
        Method::Post => MethodFilter::POST,
        Method::Delete => MethodFilter::DELETE,
        Method::Options => MethodFilter::OPTIONS,
        Method::Head => MethodFilter::HEAD,
        Method::Patch => MethodFilter::PATCH,
        Method::Trace => MethodFilter::TRACE,
    }
}

/// What a generated handler does: reads the request as `op` says (a rejection answers 400,
/// 401, 413 or 415), calls the implementation with it and the credentials found (the HTTP
/// request's parts readable meanwhile as the [`RequestContext`](crate::context::RequestContext)),
/// and sends its response, or its error as [`failure`] says.
///
/// `call` gets its own handle on the implementation, the request and the credentials, and
/// answers with [`raw_answer`] of the implementation's answer. Only that call and reading the
/// request from its fields are per operation: the rest is one function, compiled once for
/// every operation, behind one boxed future.
pub fn handle<S, T, F, Fut>(op: &'static OperationMeta<'static>, service: Arc<S>, request: Request, call: F) -> Served
where
    S: Send + Sync + 'static,
    T: DeserializeOwned,
    F: Fn(Arc<S>, T, Vec<(&'static str, String)>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<RawResponse, Error>> + Send + 'static,
{
    // Per operation, so kept to the typing: no `?` or `map` of its own.
    let call: Box<Call> = Box::new(move |fields, credentials| match request_of(fields) {
        Ok(request) => Ok(Box::pin(call(Arc::clone(&service), request, credentials))),
        Err(rejection) => Err(rejection),
    });
    Box::pin(serve(op, request, call))
}

/// An implementation's answer as HTTP carries it: what a [`handle`] call answers with.
pub fn raw_answer<A: OperationResponse>(answer: Result<A, Error>) -> Result<RawResponse, Error> {
    // Per operation, so a match: `map` would add an instance of `Result::map` and its closure.
    match answer {
        Ok(answer) => Ok(answer.into_raw()),
        Err(e) => Err(e),
    }
}

/// What an implementation's answer to one request becomes, whatever its operation.
type Answer = Pin<Box<dyn Future<Output = Result<RawResponse, Error>> + Send>>;

/// Calls the implementation with a request's fields and credentials (a second time when a
/// lenient server falls back to a synthesized request).
type Call = dyn Fn(Map<String, Value>, Vec<(&'static str, String)>) -> Result<Answer, Rejection> + Send + Sync;

/// [`handle`] without the types: one copy serves every operation.
async fn serve(op: &'static OperationMeta<'static>, request: Request, call: Box<Call>) -> Response {
    // Names and the path template only: values (credentials among them) stay out of spans.
    let span = tracing::info_span!(
        "serve",
        operation = op.tool_name,
        method = op.http_method.as_str(),
        path = op.path,
        status = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
    );
    let started = std::time::Instant::now();
    let response = async {
        let (mut parts, body) = request.into_parts();
        let answer = match read_request(op, &mut parts, body, &*call).await {
            Ok(answer) => answer,
            Err(rejection) => return rejection.into_response(),
        };
        match crate::context::RequestContext::scope(parts, answer).await {
            Ok(raw) => respond(raw),
            Err(err) => failure(err),
        }
    }
    .instrument(span.clone())
    .await;
    span.record("status", response.status().as_u16());
    span.record("duration_ms", started.elapsed().as_secs_f64() * 1000.0);
    response
}

/// The body's bytes, where the operation takes a body.
async fn read_body(op: &OperationMeta<'_>, body: Body) -> Result<axum::body::Bytes, Rejection> {
    match op.body {
        Some(_) => axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|e| reject(413, format!("the body could not be read: {e}"))),
        None => Ok(Default::default()),
    }
}

/// What a lenient server serves in place of a request it cannot read: one synthesized from
/// the spec, with a placeholder credential.
fn lenient_request(op: &OperationMeta<'static>) -> (Map<String, Value>, Vec<(&'static str, String)>) {
    let fields = crate::synth::Synth::new(crate::synth::Fill::Full, 1).request(op);
    let credentials = op.security.first().map(|alt| alt.iter().map(|s| (s.name, "lenient".to_string())).collect()).unwrap_or_default();
    (fields, credentials)
}

/// Marks a request (in its extensions) to be served even when it is invalid: what cannot be
/// read as the spec says is synthesized instead. For demos with a mock; never for real servers.
#[derive(Debug, Clone, Copy)]
pub struct Lenient;

/// Reads a request as the operation says, validating every parameter and the body, into the
/// request type `T` and the credentials found.
pub async fn decode<T: DeserializeOwned>(op: &'static OperationMeta<'static>, request: Request) -> Result<(T, Vec<(&'static str, String)>), Rejection> {
    let (mut parts, body) = request.into_parts();
    read_request(op, &mut parts, body, |fields, credentials| Ok((request_of(fields)?, credentials))).await
}

/// Reads a request's body, parameters and credentials as the operation says and hands them to
/// `take`; a request marked [`Lenient`] that cannot be read is handed a synthesized one instead.
async fn read_request<T>(
    op: &'static OperationMeta<'static>,
    parts: &mut axum::http::request::Parts,
    body: Body,
    take: impl Fn(Map<String, Value>, Vec<(&'static str, String)>) -> Result<T, Rejection>,
) -> Result<T, Rejection> {
    let lenient = parts.extensions.get::<Lenient>().is_some();
    let strict = match read_body(op, body).await {
        Ok(bytes) => decode_fields(op, parts, &bytes).await.and_then(|d| take(d.fields, d.credentials)),
        Err(rejection) => Err(rejection),
    };
    match strict {
        Err(_) if lenient => {
            let (fields, credentials) = lenient_request(op);
            take(fields, credentials)
        }
        other => other,
    }
}

/// The names of a path template's parameters, in order.
fn template_names(path: &str) -> Vec<&str> {
    path.split('{').skip(1).filter_map(|rest| rest.split('}').next()).collect()
}

fn where_param(location: Location, name: &str) -> String {
    let place = match location {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
        Location::Cookie => "cookie",
    };
    format!("{place} parameter `{name}`")
}

async fn decode_fields(op: &'static OperationMeta<'static>, parts: &mut axum::http::request::Parts, bytes: &[u8]) -> Result<Decoded, Rejection> {
    let path_values: Vec<String> = match parts.extensions.get::<TemplateParams>() {
        Some(matched) => matched.0.clone(),
        None => match RawPathParams::from_request_parts(parts, &()).await {
            Ok(params) => params.iter().map(|(_, v)| v.to_string()).collect(),
            Err(e) => return Err(reject(400, format!("the path could not be read: {e}"))),
        },
    };
    let path_names = template_names(op.path);
    // Query values stay raw until each parameter is read: a delimited array is split on its
    // bare delimiters before its items are decoded.
    let raw_query: Vec<(String, &str)> = parts
        .uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (form_unescape(name), value)
        })
        .collect();
    let query: Vec<(String, String)> = raw_query.iter().map(|(k, v)| (k.clone(), form_unescape(v))).collect();
    let cookies: Vec<(String, String)> = parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
        .collect();

    let path_value = |name: &str| path_names.iter().position(|n| *n == name).and_then(|i| path_values.get(i));
    let mut fields = Map::new();
    for param in op.params {
        let place = where_param(param.location, param.name);
        // The value as sent, if it was: objects from their key/value pairs, the rest from their texts.
        let sent = if is_object_param(param) {
            let pairs: Vec<(String, String)> = match param.location {
                Location::Query if param.style == Style::DeepObject => query
                    .iter()
                    .filter_map(|(k, v)| {
                        k.strip_prefix(param.name).and_then(|k| k.strip_prefix('[')).and_then(|k| k.strip_suffix(']')).map(|k| (k.to_string(), v.clone()))
                    })
                    .collect(),
                Location::Query if param.explode => {
                    let names = object_param_fields(param);
                    query.iter().filter(|(k, _)| names.contains(&k.as_str())).cloned().collect()
                }
                // Split on the bare commas before decoding, so that an encoded comma stays in its value.
                Location::Query => raw_query
                    .iter()
                    .rfind(|(k, _)| k == param.name)
                    .map(|(_, raw)| object_pairs(raw, false).into_iter().map(|(k, v)| (form_unescape(&k), form_unescape(&v))).collect())
                    .unwrap_or_default(),
                Location::Path => path_value(param.name).map(|v| object_pairs(&path_as_simple(param, v), param.explode)).unwrap_or_default(),
                Location::Header => parts.headers.get(param.name).and_then(|v| v.to_str().ok()).map(|v| object_pairs(v, param.explode)).unwrap_or_default(),
                Location::Cookie => cookies.iter().rfind(|(k, _)| k == param.name).map(|(_, v)| object_pairs(v, param.explode)).unwrap_or_default(),
            };
            (!pairs.is_empty()).then(|| decode_object(param, &pairs))
        } else {
            let texts: Vec<String> = match param.location {
                Location::Path => path_value(param.name).map(|v| vec![path_as_simple(param, v)]).unwrap_or_default(),
                Location::Query if is_delimited_array(param) => {
                    raw_query.iter().rfind(|(k, _)| k == param.name).map(|(_, raw)| delimited_items(param, raw)).unwrap_or_default()
                }
                Location::Query => query.iter().filter(|(k, _)| k == param.name).map(|(_, v)| v.clone()).collect(),
                Location::Header => parts.headers.get_all(param.name).iter().filter_map(|v| v.to_str().ok()).map(str::to_string).collect(),
                Location::Cookie => cookies.iter().filter(|(k, _)| k == param.name).map(|(_, v)| v.clone()).collect(),
            };
            // Path, header and cookie arrays are comma-separated in their one (decoded) value.
            let texts: Vec<String> = if is_delimited_array(param) && param.location != Location::Query {
                texts.last().map(|t| t.split(',').map(str::to_string).collect()).unwrap_or_default()
            } else {
                texts
            };
            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
            let present = match param.location {
                Location::Query => raw_query.iter().any(|(k, _)| k == param.name),
                _ => !texts.is_empty(),
            };
            present.then(|| decode_param(param, &texts))
        };
        let value = match sent {
            Some(decoded) => decoded.map_err(|e| reject(400, format!("{place}: {}", e.message)))?,
            None => match param.default {
                _ if param.required => return Err(reject(400, format!("{place} is required"))),
                Some(default) => serde_json::from_str(default).unwrap_or(Value::Null),
                None => continue,
            },
        };
        validate(&value, param.ty, param.constraints, &place, Strictness::Request).map_err(|e| reject(400, e.to_string()))?;
        fields.insert(param.field.to_string(), value);
    }

    let credentials = credentials(op, &parts.headers, &query, &cookies)?;

    if let Some(body_meta) = &op.body {
        let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
        // Raw bytes and text may be empty; a body is absent when nothing says it is there.
        let absent = bytes.is_empty() && (content_type.is_none() || body_meta.kind == BodyKind::Json);
        if absent {
            if body_meta.required {
                return Err(reject(400, "body: is required"));
            }
        } else {
            let content_type = content_type.unwrap_or("");
            let accepted = std::iter::once((body_meta.media_type, body_meta.kind)).chain(body_meta.also.iter().copied());
            let Some((declared, kind)) = accepted.clone().find(|(media_type, _)| media_type_matches(content_type, media_type)) else {
                let media_types: Vec<&str> = accepted.map(|(media_type, _)| media_type).collect();
                return Err(reject(415, format!("body: content type {content_type:?} is not supported; send {}", media_types.join(" or "))));
            };
            let value = body_value(body_meta, kind, declared, content_type, bytes).await?;
            validate(&value, body_meta.ty, &crate::meta::Constraints::NONE, "body", Strictness::Request).map_err(|e| reject(400, e.to_string()))?;
            fields.insert("body".to_string(), value);
        }
    }
    Ok(Decoded { fields, credentials })
}

/// A request body as the JSON value of its type, read as its media type says.
async fn body_value(body: &BodyMeta<'_>, kind: BodyKind, declared: &str, content_type: &str, bytes: &[u8]) -> Result<Value, Rejection> {
    let text = || std::str::from_utf8(bytes).map_err(|_| reject(400, "body: is not UTF-8 text"));
    Ok(match kind {
        BodyKind::Json => serde_json::from_slice(bytes).map_err(|e| reject(400, format!("body: not valid JSON: {e}")))?,
        BodyKind::Text => Value::String(text()?.to_string()),
        BodyKind::Binary => Value::String(received_binary(bytes.to_vec(), None, Some(content_type), Some(declared)).to_text()),
        BodyKind::Form => decode_form(body, text()?).map_err(|e| reject(400, e.to_string()))?,
        BodyKind::Multipart => {
            let request = Request::builder()
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(bytes.to_vec()))
                .map_err(|e| reject(400, format!("body: {e}")))?;
            let mut multipart = Multipart::from_request(request, &()).await.map_err(|e| reject(400, format!("body: {}", e.body_text())))?;
            let mut parts = Vec::new();
            while let Some(field) = multipart.next_field().await.map_err(|e| reject(400, format!("body: {}", e.body_text())))? {
                let name = field.name().unwrap_or_default().to_string();
                let file_name = field.file_name().map(str::to_string);
                let content_type = field.content_type().map(str::to_string);
                let bytes = field.bytes().await.map_err(|e| reject(400, format!("body.{name}: {}", e.body_text())))?.to_vec();
                parts.push(Part { name, file_name, content_type, bytes });
            }
            decode_multipart(body, parts).map_err(|e| reject(400, e.to_string()))?
        }
    })
}

/// A delimited query array's items: split on its bare delimiters, then decoded. Browsers'
/// `URLSearchParams` and other clients encode the delimiter too (`ff=idp%2Cldp`); where the
/// items read that way do not fit the parameter (an enum, a number, a pattern), they are split
/// on the decoded delimiter as well. Items that fit stay as sent, so a string item may still
/// hold an encoded delimiter.
fn delimited_items(param: &ParamMeta, raw: &str) -> Vec<String> {
    let items: Vec<String> = split_raw(raw, raw_delimiter(param.style)).iter().map(|item| form_unescape(item)).collect();
    let delimiter = match param.style {
        Style::PipeDelimited => '|',
        Style::SpaceDelimited => ' ',
        _ => ',',
    };
    if !items.iter().any(|item| item.contains(delimiter)) {
        return items;
    }
    let texts: Vec<&str> = items.iter().map(String::as_str).collect();
    let fits = decode_param(param, &texts).is_ok_and(|value| validate(&value, param.ty, param.constraints, param.name, Strictness::Request).is_ok());
    if fits { items } else { items.iter().flat_map(|item| item.split(delimiter)).map(str::to_string).collect() }
}

/// Splits a raw (still encoded) value on a bare delimiter; `%20` also matches `+`.
fn split_raw<'a>(raw: &'a str, delimiter: &str) -> Vec<&'a str> {
    // `ff=` is an empty array, as the OpenAPI style table writes one.
    if raw.is_empty() {
        Vec::new()
    } else if delimiter == "%20" {
        raw.split(['+']).flat_map(|part| part.split("%20")).collect()
    } else {
        raw.split(delimiter).collect()
    }
}

/// The credentials the operation's security asks for, or 401 naming what is missing.
fn credentials(
    op: &'static OperationMeta<'static>,
    headers: &axum::http::HeaderMap,
    query: &[(String, String)],
    cookies: &[(String, String)],
) -> Result<Vec<(&'static str, String)>, Rejection> {
    if op.security.is_empty() {
        return Ok(Vec::new());
    }
    for alternative in op.security {
        let found: Option<Vec<(&'static str, String)>> = alternative
            .iter()
            .map(|scheme| {
                let secret = match scheme.kind {
                    SchemeKind::Bearer => headers
                        .get(header::AUTHORIZATION)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
                        .map(str::to_string),
                    SchemeKind::Basic => {
                        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Basic ")).map(str::to_string)
                    }
                    SchemeKind::ApiKey { location, param } => match location {
                        Location::Header => headers.get(param).and_then(|v| v.to_str().ok()).map(str::to_string),
                        Location::Query => query.iter().find(|(k, _)| k == param).map(|(_, v)| v.clone()),
                        Location::Cookie => cookies.iter().find(|(k, _)| k == param).map(|(_, v)| v.clone()),
                        Location::Path => None,
                    },
                }?;
                (!secret.is_empty()).then_some((scheme.name, secret))
            })
            .collect();
        if let Some(found) = found {
            return Ok(found);
        }
    }
    let wanted: Vec<String> = op.security.iter().map(|alt| alt.iter().map(|s| s.name).collect::<Vec<_>>().join(" and ")).collect();
    Err(reject(401, format!("missing credentials: {} needs {}", op.tool_name, wanted.join(", or "))))
}

/// The request type from its decoded fields; a field that does not fit is a 400 naming it.
fn request_of<T: DeserializeOwned>(fields: Map<String, Value>) -> Result<T, Rejection> {
    // Validation has already named any field that does not fit its schema, so this is the
    // fast path; serde's own message names what still does not fit.
    match T::deserialize(Fields(fields)) {
        Ok(request) => Ok(request),
        Err(e) => Err(unreadable(e)),
    }
}

/// A request's fields as a deserializer of its request type. Every request type reads its
/// fields as a map; `serde_json::from_value` would compile, for each of them, its generic
/// handling of every other kind of value, the count check after the map and the error for a
/// value that is not a map. Here the per-type part is one call of the visitor, each field's
/// value still read by `serde_json::Value`.
struct Fields(Map<String, Value>);

impl<'de> serde::Deserializer<'de> for Fields {
    type Error = serde_json::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_map(FieldAccess { fields: self.0.into_iter(), value: None })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// The fields of [`Fields`], one key and value at a time.
struct FieldAccess {
    fields: serde_json::map::IntoIter,
    value: Option<Value>,
}

impl<'de> serde::de::MapAccess<'de> for FieldAccess {
    type Error = serde_json::Error;

    fn next_key_seed<K: serde::de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Self::Error> {
        match self.fields.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(serde::de::value::StringDeserializer::new(key)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<T: serde::de::DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Self::Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(value),
            None => Err(serde::de::Error::custom("a value was read before its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.fields.len())
    }
}

fn unreadable(e: serde_json::Error) -> Rejection {
    reject(400, format!("request: {e}"))
}

/// Limits a server in production sets: a time per request and how many are served at once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    /// A request not answered within this time gets 408.
    pub request_timeout: Option<Duration>,
    /// At most this many requests are served at once (across all routes); the others wait.
    pub max_concurrency: Option<usize>,
}

/// `router` with `limits` (tower's concurrency limit, tower-http's timeout).
pub fn with_limits(router: axum::Router, limits: &Limits) -> axum::Router {
    let router = match limits.request_timeout {
        Some(timeout) => router.layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout)),
        None => router,
    };
    match limits.max_concurrency {
        Some(max) => router.layer(tower::limit::GlobalConcurrencyLimitLayer::new(max)),
        None => router,
    }
}

/// A listener whose connections have Nagle's algorithm off. A streamed answer (server-sent
/// events, JSON Lines) goes out as many small writes, and each after the first would otherwise
/// wait for the client's delayed ACK (40 ms on Linux) before it leaves.
pub fn no_delay(listener: tokio::net::TcpListener) -> axum::serve::TapIo<tokio::net::TcpListener, fn(&mut tokio::net::TcpStream)> {
    fn set_no_delay(tcp: &mut tokio::net::TcpStream) {
        // A socket that refuses the option still serves, as it would have.
        let _ = tcp.set_nodelay(true);
    }
    axum::serve::ListenerExt::tap_io(listener, set_no_delay as fn(&mut tokio::net::TcpStream))
}

/// Resolves on ctrl-c or SIGTERM; requests in flight then finish before the server stops.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            // No handler could be installed: only SIGTERM (or the end of the process) stops it.
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    eprintln!("shutting down: finishing the requests in flight");
}
