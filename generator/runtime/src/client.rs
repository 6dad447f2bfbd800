//! What every generated client method shares: building the HTTP request from the operation's
//! metadata, sending it, and reading the response.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use serde::Serialize;
use serde_json::{Map, Value};
use tracing::Instrument;

use crate::meta::{
    BodyKind, BodyMeta, Framing, Location, Method, OperationMeta, Part, accept, binary_content_type, encode_form, encode_param, encode_path, encode_query,
    fields_of, fill_path, multipart_parts, place_credentials,
};
use crate::retry::{RequestOptions, RetryPolicy};
use crate::stream::BodyStream;
use crate::{Binary, Credential, Error, OperationResponse, RawResponse};

/// The time limit of an attempt unless the builder sets another.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A client of an API: where it is, how requests go there, and the configured credentials.
/// Cheap to clone; clones share connections. A generated client crate wraps it in its own
/// `Client`, which implements the spec's service trait.
#[derive(Clone)]
pub struct Client {
    base_url: String,
    http: reqwest::Client,
    /// Scheme name and secret.
    credentials: Vec<(&'static str, String)>,
    headers: Vec<(String, String)>,
    /// Headers copied from the request being served, lowercase.
    #[cfg(feature = "server")]
    forwarded: Vec<String>,
    /// Timeout, retry policy and extras of every call.
    options: RequestOptions,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Secrets stay out of logs: only the schemes that have a credential are shown.
        let schemes: Vec<&str> = self.credentials.iter().map(|(scheme, _)| *scheme).collect();
        f.debug_struct("Client").field("base_url", &self.base_url).field("credentials", &schemes).finish_non_exhaustive()
    }
}

/// Configures a client; `build` makes a `C`, the generated crate's `Client` (or this
/// runtime's own [`Client`]).
pub struct ClientBuilder<C = Client> {
    base_url: String,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    connect_timeout: Option<Duration>,
    http: Option<reqwest::Client>,
    credentials: Vec<(&'static str, String)>,
    headers: Vec<(String, String)>,
    #[cfg(feature = "server")]
    forwarded: Vec<String>,
    client: std::marker::PhantomData<fn() -> C>,
}

impl<C> std::fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder").field("base_url", &self.base_url).finish_non_exhaustive()
    }
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A client of the API at `base_url`, including the base path (e.g. `https://host/api`).
    pub fn new(base_url: impl Into<String>) -> Self {
        ClientBuilder {
            base_url: base_url.into(),
            timeout: Some(DEFAULT_TIMEOUT),
            retry: RetryPolicy::default(),
            connect_timeout: None,
            http: None,
            credentials: Vec::new(),
            headers: Vec::new(),
            #[cfg(feature = "server")]
            forwarded: Vec::new(),
            client: std::marker::PhantomData,
        }
    }

    /// A time limit for each attempt at a request, from sending to the end of the answer's
    /// body: 30 s unless set.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// No time limit on requests (a slow stream, a long poll).
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// When failed attempts are sent again: [`RetryPolicy::default`] unless set;
    /// [`RetryPolicy::never`] turns retries off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// A time limit for connecting.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Use this `reqwest::Client` (its own settings apply; a connect timeout given here is
    /// ignored, the request timeout is not).
    /// It should not follow redirects, so that 301/302 responses come back as themselves.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// A credential sent with every operation whose security asks for its scheme, unless the
    /// request carries its own.
    pub fn credential(mut self, credential: impl Credential) -> Self {
        self.credentials.retain(|(scheme, _)| *scheme != credential.scheme());
        self.credentials.push((credential.scheme(), credential.secret().to_string()));
        self
    }

    /// A header sent with every request.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// A header copied from the request being served (`Accept-Language`, …) when the client is
    /// called from a service method the generated router runs (a remix forwarding to its
    /// upstream; see [`RequestContext`](crate::context::RequestContext)). `X-Forwarded-For`
    /// gains the peer's address. With the runtime's `server` feature, as in a remix.
    #[cfg(feature = "server")]
    pub fn forward_header(mut self, name: impl Into<String>) -> Self {
        self.forwarded.push(name.into().to_ascii_lowercase());
        self
    }

    pub fn build(self) -> Result<C, Error> {
        let http = match self.http {
            Some(http) => http,
            None => {
                let mut builder = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
                if let Some(timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                builder.build().map_err(|e| Error::InvalidRequest { operation: "client", message: e.to_string() })?
            }
        };
        let base_url = self.base_url.trim_end_matches('/').to_string();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(Error::InvalidRequest { operation: "client", message: format!("base URL {base_url:?} must start with http:// or https://") });
        }
        Ok(C::from(Client {
            base_url,
            http,
            credentials: self.credentials,
            headers: self.headers,
            #[cfg(feature = "server")]
            forwarded: self.forwarded,
            options: RequestOptions { timeout: self.timeout, retry: Some(self.retry), ..RequestOptions::default() },
        }))
    }
}

impl Client {
    /// A client of the API at `base_url`, including the base path (e.g. `https://host/api`).
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder<Client> {
        ClientBuilder::new(base_url)
    }

    /// A client with default settings.
    pub fn new(base_url: impl Into<String>) -> Result<Client, Error> {
        Client::builder(base_url).build()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// This client (sharing its connections) with `options` for every call made through it:
    /// another timeout or retry policy, extra headers or query parameters.
    pub fn with_options(&self, options: RequestOptions) -> Client {
        Client { options: self.options.and(options), ..self.clone() }
    }

    /// Sends the request of `op` and reads the answer as its response enum: what a generated
    /// client's method does.
    ///
    /// Not an `async fn`: the request's fields are read at once and the future that sends them
    /// is one type for every operation, so a generated method compiles to a call, not to a
    /// state machine of its own. Nothing is sent until the future is polled.
    pub fn call<R: Serialize, A: OperationResponse>(
        &self,
        op: &'static OperationMeta<'static>,
        request: &R,
    ) -> impl Future<Output = Result<A, Error>> + Send + use<'_, R, A> {
        self.call_with_credentials::<R, NoCredential, A>(op, request, &[])
    }

    /// [`call`](Client::call) with the request's own credentials first.
    pub fn call_with_credentials<R: Serialize, K: Credential, A: OperationResponse>(
        &self,
        op: &'static OperationMeta<'static>,
        request: &R,
        credentials: &[K],
    ) -> impl Future<Output = Result<A, Error>> + Send + use<'_, R, K, A> {
        Answer { sent: self.send_to(op, request, credentials, None), response: std::marker::PhantomData }
    }

    /// Sends the request of `op` built from `request` (its serialized fields), with the
    /// configured credentials, and returns the response as received.
    pub async fn send<R: Serialize>(&self, op: &'static OperationMeta<'static>, request: &R) -> Result<RawResponse, Error> {
        self.send_with_credentials::<R, NoCredential>(op, request, &[]).await
    }

    /// [`send`](Client::send) with the request's own credentials first.
    ///
    /// The request is built once and sent again, unchanged, as the retry policy allows (a
    /// multipart body is rebuilt from the same parts, with a new boundary).
    pub async fn send_with_credentials<R: Serialize, K: Credential>(
        &self,
        op: &'static OperationMeta<'static>,
        request: &R,
        credentials: &[K],
    ) -> Result<RawResponse, Error> {
        self.send_to(op, request, credentials, None).await
    }

    /// Sends the request of `op`, to `url` instead of its own when given (a next page's link).
    ///
    /// Only writing the request as JSON text is per request type (its fields' types serialize
    /// with the instances the API crate compiled for bodies), and happens at once; building
    /// the request (where the served request's forwarded headers are read) and sending it is
    /// one function for every operation, run when the future is polled.
    pub(crate) fn send_to<R: Serialize, K: Credential>(
        &self,
        op: &'static OperationMeta<'static>,
        request: &R,
        credentials: &[K],
        url: Option<String>,
    ) -> Sending<'_> {
        // Per request type only the serialization; the credentials' list per credential type.
        self.send_text_to(op, serde_json::to_vec(request), given_credentials(credentials), url)
    }

    /// [`Client::send_to`] without the types: the request as JSON text.
    fn send_text_to(
        &self,
        op: &'static OperationMeta<'static>,
        text: Result<Vec<u8>, serde_json::Error>,
        given: Vec<(&'static str, String)>,
        url: Option<String>,
    ) -> Sending<'_> {
        let fields = fields_of(text).map_err(|message| Error::InvalidRequest { operation: op.tool_name, message });
        Box::pin(self.send_fields_to(op, fields, given, url))
    }

    async fn send_fields_to(
        &self,
        op: &'static OperationMeta<'static>,
        fields: Result<Map<String, Value>, Error>,
        given: Vec<(&'static str, String)>,
        url: Option<String>,
    ) -> Result<RawResponse, Error> {
        let given: Vec<(&str, &str)> = given.iter().map(|(scheme, secret)| (*scheme, secret.as_str())).collect();
        let mut prepared = self.prepare(op, &fields?, &given)?;
        if let Some(url) = url {
            prepared.url = url;
        }
        self.send_prepared(op.tool_name, op.http_method, op.path, &prepared).await
    }

    /// Sends a request built elsewhere (by `rocketgen call`, a tool runtime) with this client's
    /// options, retries and spans. `target` is the path and query below the base URL, or a
    /// whole URL (a next page's link); a `content-type` among `headers` is the body's.
    pub async fn send_raw(
        &self,
        operation: &'static str,
        method: Method,
        path_template: &'static str,
        target: &str,
        headers: Vec<(String, String)>,
        body: Option<Vec<u8>>,
    ) -> Result<RawResponse, Error> {
        let prepared = self.prepare_raw(operation, method, target, headers, body)?;
        self.send_prepared(operation, method, path_template, &prepared).await
    }

    /// [`send_raw`](Client::send_raw), but an answer of a streamed media type (server-sent
    /// events, JSON Lines, JSON text sequences) is handed on as it arrives, in
    /// [`RawResponse::stream`], the timeout covering only the wait for its headers.
    pub async fn send_raw_streamed(
        &self,
        operation: &'static str,
        method: Method,
        path_template: &'static str,
        target: &str,
        headers: Vec<(String, String)>,
        body: Option<Vec<u8>>,
    ) -> Result<RawResponse, Error> {
        let mut prepared = self.prepare_raw(operation, method, target, headers, body)?;
        prepared.stream_body = true;
        self.send_prepared(operation, method, path_template, &prepared).await
    }

    /// A request built elsewhere, with this client's headers and options.
    fn prepare_raw(
        &self,
        operation: &'static str,
        method: Method,
        target: &str,
        headers: Vec<(String, String)>,
        body: Option<Vec<u8>>,
    ) -> Result<Prepared, Error> {
        let mut all = self.headers.clone();
        let mut content_type = None;
        for (name, value) in headers {
            if name.eq_ignore_ascii_case("content-type") {
                content_type = Some(value);
            } else {
                all.push((name, value));
            }
        }
        let body = match body {
            Some(bytes) => PreparedBody::Bytes { content_type: content_type.unwrap_or_else(|| "application/octet-stream".to_string()), bytes: bytes.into() },
            None => PreparedBody::None,
        };
        let url = if target.starts_with("http://") || target.starts_with("https://") { target.to_string() } else { format!("{}{target}", self.base_url) };
        self.finish(operation, method, url, all, body, false)
    }

    /// Attempts the request until it is answered with a status the policy does not retry,
    /// attempts or budget run out, or the request may not be sent twice.
    async fn send_prepared(&self, operation: &'static str, method: Method, path: &'static str, prepared: &Prepared) -> Result<RawResponse, Error> {
        let fallback;
        let policy = match &self.options.retry {
            Some(policy) => policy,
            None => {
                fallback = RetryPolicy::default();
                &fallback
            }
        };
        let retry_safe = policy.may_retry(method, &prepared.headers, prepared.idempotency_key);
        let started = Instant::now();
        let mut attempt = 1;
        loop {
            let sent = self.attempt(operation, method, path, prepared, attempt).await;
            let retry_after = match &sent {
                Ok(response) if policy.retries_status(response.status) => {
                    Some(response.headers.iter().find(|(name, _)| name == "retry-after").map(|(_, value)| value.as_str()))
                }
                Err(Error::Transport { .. } | Error::Timeout { .. }) if policy.retries_connection_errors() => Some(None),
                _ => None,
            };
            let Some(retry_after) = retry_after.filter(|_| retry_safe && attempt < policy.attempts()) else {
                return sent.map_err(|e| e.after_attempts(attempt));
            };
            let wait = policy.delay(attempt + 1, retry_after, SystemTime::now());
            if !policy.fits_budget(started.elapsed(), wait) {
                return sent.map_err(|e| e.after_attempts(attempt));
            }
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// One attempt, in its own `call` span: names and the path template only, never the URL
    /// (a query may hold an API key) or a header.
    async fn attempt(&self, operation: &'static str, method: Method, path: &'static str, prepared: &Prepared, attempt: u32) -> Result<RawResponse, Error> {
        let span = tracing::info_span!(
            "call",
            operation,
            method = method.as_str(),
            path,
            attempt,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let sent = self.send_once(operation, prepared).instrument(span.clone()).await;
        if let Ok(response) = &sent {
            span.record("status", response.status);
        }
        span.record("duration_ms", started.elapsed().as_secs_f64() * 1000.0);
        sent
    }

    /// Builds the request of `op`: its URL, headers and body.
    /// The request of `op` from its fields (as its request type serializes) and the
    /// credentials it carries (scheme, secret).
    fn prepare(&self, op: &'static OperationMeta<'static>, fields: &Map<String, Value>, credentials: &[(&str, &str)]) -> Result<Prepared, Error> {
        let operation = op.tool_name;
        let path = fill_path(op.path, |name, whole_segment| {
            let param = op.params.iter().find(|p| p.name == name && p.location == Location::Path);
            let text = param
                .and_then(|p| fields.get(p.field).and_then(|v| encode_path(p, v)))
                .ok_or_else(|| Error::InvalidRequest { operation, message: format!("path parameter `{name}` has no value") })?;
            // URLs resolve `.` and `..` segments away (`%2E` too): the request would go elsewhere.
            if whole_segment && matches!(text.as_str(), "." | "..") {
                return Err(Error::InvalidRequest { operation, message: format!("path parameter `{name}` cannot be {text:?}: URLs resolve it away") });
            }
            Ok(text)
        })?;

        let mut query: Vec<String> = Vec::new();
        let mut headers: Vec<(String, String)> = self.headers.clone();
        if let Some(accept) = accept(op).filter(|_| !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("accept"))) {
            headers.push(("accept".to_string(), accept));
        }
        self.add_forwarded(&mut headers);
        let mut cookies: Vec<String> = Vec::new();
        let mut idempotency_key = false;
        for param in op.params {
            let Some(value) = fields.get(param.field) else { continue };
            match param.location {
                Location::Query => query.extend(encode_query(param, value)),
                Location::Header => {
                    idempotency_key |= param.idempotency_key;
                    headers.extend(encode_param(param, value).map(|text| (param.name.to_string(), text)))
                }
                Location::Cookie => cookies.extend(encode_param(param, value).map(|text| format!("{}={text}", param.name))),
                Location::Path => {}
            }
        }
        self.add_credentials(op, credentials, &mut query, &mut headers, &mut cookies)?;
        if !cookies.is_empty() {
            headers.push(("cookie".to_string(), cookies.join("; ")));
        }
        let query = query.join("&");
        let url = if query.is_empty() { format!("{}{path}", self.base_url) } else { format!("{}{path}?{query}", self.base_url) };
        let body = match (&op.body, fields.get("body")) {
            (Some(body_meta), Some(body)) => prepare_body(body_meta, body).map_err(|message| Error::InvalidRequest { operation, message })?,
            _ => PreparedBody::None,
        };
        let mut prepared = self.finish(operation, op.http_method, url, headers, body, idempotency_key)?;
        prepared.stream_body = op.responses.iter().any(|r| r.stream.is_some());
        Ok(prepared)
    }

    /// Adds the options' query parameters and headers (which replace same-named ones).
    fn finish(
        &self,
        operation: &'static str,
        method: Method,
        mut url: String,
        mut headers: Vec<(String, String)>,
        body: PreparedBody,
        idempotency_key: bool,
    ) -> Result<Prepared, Error> {
        if !self.options.query.is_empty() {
            let extra = form_urlencoded::Serializer::new(String::new()).extend_pairs(&self.options.query).finish();
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&extra);
        }
        for (name, _) in &self.options.headers {
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        }
        headers.extend(self.options.headers.iter().cloned());
        let method = reqwest::Method::from_bytes(method.as_str().as_bytes()).map_err(|e| Error::InvalidRequest { operation, message: e.to_string() })?;
        Ok(Prepared { method, url, headers, body, idempotency_key, stream_body: false })
    }

    /// Sends the request once and reads the whole answer, or, for a streamed body, its status
    /// and headers (the timeout then covers the wait for those: a stream may last).
    async fn send_once(&self, operation: &'static str, prepared: &Prepared) -> Result<RawResponse, Error> {
        let mut builder = self.http.request(prepared.method.clone(), &prepared.url);
        if let Some(timeout) = self.options.timeout.filter(|_| !prepared.stream_body) {
            builder = builder.timeout(timeout);
        }
        for (name, value) in &prepared.headers {
            builder = builder.header(name, value);
        }
        builder = match &prepared.body {
            PreparedBody::None => builder,
            PreparedBody::Bytes { content_type, bytes } => builder.header("content-type", content_type).body(bytes.clone()),
            PreparedBody::Multipart(parts) => builder.multipart(multipart_form(parts).map_err(|message| Error::InvalidRequest { operation, message })?),
        };
        let response = match self.options.timeout.filter(|_| prepared.stream_body) {
            Some(timeout) => tokio::time::timeout(timeout, builder.send()).await.map_err(|_| Error::Timeout { operation, attempts: 1 })?,
            None => builder.send().await,
        }
        .map_err(|e| transport(operation, e))?;
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> =
            response.headers().iter().map(|(name, value)| (name.as_str().to_string(), String::from_utf8_lossy(value.as_bytes()).into_owned())).collect();
        let streamed = response.headers().get("content-type").and_then(|v| v.to_str().ok()).and_then(Framing::of_media_type).is_some();
        if prepared.stream_body && streamed {
            return Ok(RawResponse { status, headers, body: Vec::new(), stream: Some(BodyStream::new(chunks(operation, response))) });
        }
        let body = response.bytes().await.map_err(|e| transport(operation, e))?.to_vec();
        Ok(RawResponse { status, headers, body, stream: None })
    }

    /// Adds the forwarded headers of the request being served, if there is one.
    #[cfg(feature = "server")]
    fn add_forwarded(&self, headers: &mut Vec<(String, String)>) {
        let Some(context) = (!self.forwarded.is_empty()).then(crate::context::RequestContext::current).flatten() else { return };
        for name in &self.forwarded {
            let mut values: Vec<String> = context.headers().get_all(name.as_str()).iter().filter_map(|v| v.to_str().ok()).map(str::to_string).collect();
            // A proxy appends the address it was called from.
            if name == "x-forwarded-for"
                && let Some(peer) = context.peer_addr()
            {
                values = vec![values.into_iter().chain(std::iter::once(peer.ip().to_string())).collect::<Vec<_>>().join(", ")];
            }
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            headers.extend(values.into_iter().map(|value| (name.clone(), value)));
        }
    }

    /// Without a server there is no request being served.
    #[cfg(not(feature = "server"))]
    fn add_forwarded(&self, _headers: &mut Vec<(String, String)>) {}

    /// Adds the credentials of the first security alternative that can be met, from the
    /// request's own credentials first, then the configured ones.
    fn add_credentials(
        &self,
        op: &'static OperationMeta<'static>,
        given: &[(&str, &str)],
        query: &mut Vec<String>,
        headers: &mut Vec<(String, String)>,
        cookies: &mut Vec<String>,
    ) -> Result<(), Error> {
        let find = |scheme: &str| -> Option<&str> {
            let own = given.iter().find(|(s, _)| *s == scheme).map(|(_, secret)| *secret);
            own.or_else(|| self.credentials.iter().find(|(s, _)| *s == scheme).map(|(_, secret)| secret.as_str()))
        };
        let placements = place_credentials(op.security, find).ok_or_else(|| Error::MissingCredential {
            operation: op.tool_name,
            schemes: op.security.first().and_then(|alt| alt.first()).map_or("", |s| s.name),
        })?;
        placements.into_iter().for_each(|placement| placement.add_to(query, headers, cookies));
        Ok(())
    }
}

/// The scheme and secret of each credential a request carries: per credential type, not per
/// request type.
fn given_credentials<K: Credential>(credentials: &[K]) -> Vec<(&'static str, String)> {
    credentials.iter().map(|c| (c.scheme(), c.secret().to_string())).collect()
}

/// The credentials of a request that carries none.
enum NoCredential {}

impl Credential for NoCredential {
    fn scheme(&self) -> &'static str {
        match *self {}
    }

    fn secret(&self) -> &str {
        match *self {}
    }
}

/// A request built once: what every attempt sends.
struct Prepared {
    method: reqwest::Method,
    url: String,
    headers: Vec<(String, String)>,
    body: PreparedBody,
    /// A header the spec marks as an idempotency key is set: a POST may be sent twice.
    idempotency_key: bool,
    /// The operation declares a streamed response: such a body is handed on as it arrives.
    stream_body: bool,
}

enum PreparedBody {
    None,
    /// Shared, so that each attempt sends the same bytes without copying them.
    Bytes {
        content_type: String,
        bytes: bytes::Bytes,
    },
    /// reqwest consumes a multipart form: it is rebuilt from these for each attempt.
    Multipart(Vec<Part>),
}

/// The body written as its media type says.
fn prepare_body(body_meta: &BodyMeta<'_>, body: &Value) -> Result<PreparedBody, String> {
    let content_type = body_meta.media_type.to_string();
    Ok(match body_meta.kind {
        BodyKind::Json => PreparedBody::Bytes { content_type, bytes: serde_json::to_vec(body).map_err(|e| e.to_string())?.into() },
        BodyKind::Text => {
            let text = body.as_str().map(str::to_string).unwrap_or_else(|| body.to_string());
            PreparedBody::Bytes { content_type, bytes: text.into_bytes().into() }
        }
        BodyKind::Binary => {
            let binary = Binary::from_text(body.as_str().unwrap_or_default());
            let content_type = binary_content_type(&binary, Some(body_meta.media_type)).to_string();
            PreparedBody::Bytes { content_type, bytes: binary.bytes.into() }
        }
        BodyKind::Form => PreparedBody::Bytes { content_type, bytes: encode_form(body_meta, body)?.into_bytes().into() },
        BodyKind::Multipart => PreparedBody::Multipart(multipart_parts(body_meta, body)?),
    })
}

fn multipart_form(parts: &[Part]) -> Result<reqwest::multipart::Form, String> {
    let mut form = reqwest::multipart::Form::new();
    for part in parts {
        let mut piece = reqwest::multipart::Part::bytes(part.bytes.clone());
        if let Some(file_name) = &part.file_name {
            piece = piece.file_name(file_name.clone());
        }
        if let Some(content_type) = &part.content_type {
            piece = piece.mime_str(content_type).map_err(|e| format!("body.{}: content type {content_type:?}: {e}", part.name))?;
        }
        form = form.part(part.name.clone(), piece);
    }
    Ok(form)
}

/// A response's body chunk by chunk; a failure ends it.
fn chunks(operation: &'static str, response: reqwest::Response) -> impl futures::Stream<Item = Result<bytes::Bytes, Error>> + Send {
    futures::stream::unfold(Some(response), move |response| async move {
        let mut response = response?;
        match response.chunk().await {
            Ok(Some(chunk)) => Some((Ok(chunk), Some(response))),
            Ok(None) => None,
            Err(e) => Some((Err(transport(operation, e)), None)),
        }
    })
}

fn transport(operation: &'static str, err: reqwest::Error) -> Error {
    if err.is_timeout() { Error::Timeout { operation, attempts: 1 } } else { Error::Transport { operation, source: Box::new(err), attempts: 1 } }
}

/// A request being sent, whatever its operation.
pub(crate) type Sending<'a> = Pin<Box<dyn Future<Output = Result<RawResponse, Error>> + Send + 'a>>;

/// The future of [`Client::call`]: the one future that sends every operation's request, its
/// answer read as the operation's response enum. Only this `poll` is per operation.
struct Answer<'a, A> {
    sent: Sending<'a>,
    response: std::marker::PhantomData<fn() -> A>,
}

impl<A: OperationResponse> Future for Answer<'_, A> {
    type Output = Result<A, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.sent.as_mut().poll(cx) {
            Poll::Ready(Ok(raw)) => Poll::Ready(A::from_raw(raw)),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }
}
