//! `rocketgen call`: one operation executed from the IR alone, no generated code. Parameters
//! are written by the very rules the generated client uses (the runtime's `meta.rs`, compiled
//! into the generator too), so both send the same request.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::Error;
use crate::ir::pagination::{PageScheme, Pagination};
use crate::ir::{Api, BodyKind, Location, Operation, SecurityKind, TypeKind, TypeRef};
use crate::preview::{input_key, input_schema};

/// The shared parameter rules of the generated crates.
use rocketgen_runtime::meta as shared;
use rocketgen_runtime::pages::Pager;
pub use rocketgen_runtime::retry::RetryPolicy;
use rocketgen_runtime::stream as shared_stream;
use shared::{Constraints, PaginationMeta, ParamMeta, Ty};
use shared_stream::{Deframer, ItemFormat, decode_all};

/// An HTTP request, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub method: String,
    /// Path and query below the base URL.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

/// One bearer token as the credential of every bearer, OAuth2 and OpenID Connect scheme.
pub fn bearer_credentials(api: &Api, token: &str) -> BTreeMap<String, String> {
    api.security_schemes
        .iter()
        .filter(|s| matches!(s.kind, SecurityKind::OAuth2 { .. } | SecurityKind::OpenIdConnect | SecurityKind::HttpBearer))
        .map(|s| (s.name.clone(), token.to_string()))
        .collect()
}

/// Finds a tool by its name.
pub fn operation<'a>(api: &'a Api, tool: &str) -> Result<&'a Operation, Error> {
    api.operation(tool).ok_or_else(|| {
        let close: Vec<&str> = api
            .operations
            .iter()
            .map(|o| o.tool_name.as_str())
            .filter(|n| n.split('.').nth(1).zip(tool.split('.').nth(1)).is_some_and(|(a, b)| a.eq_ignore_ascii_case(b)))
            .collect();
        let hint = if close.is_empty() { String::new() } else { format!(" (did you mean {}?)", close.join(", ")) };
        Error::new(format!("no tool named {tool:?}{hint}"))
    })
}

/// A tool's input schema, compiled once: what every call's arguments are checked against before
/// a request is built.
pub struct InputCheck {
    validator: jsonschema::Validator,
}

impl InputCheck {
    pub fn new(api: &Api, op: &Operation) -> Result<Self, Error> {
        let validator =
            jsonschema::validator_for(&input_schema(api, op)).map_err(|e| Error::new(format!("internal error: input schema of {}: {e}", op.tool_name)))?;
        Ok(InputCheck { validator })
    }

    /// Every way `args` does not fit, each at its place in the arguments.
    pub fn check(&self, op: &Operation, args: &Value) -> Result<(), Error> {
        let errors: Vec<String> = self
            .validator
            .iter_errors(args)
            .map(|e| {
                let at = e.instance_path().to_string();
                if at.is_empty() { e.to_string() } else { format!("{at}: {e}") }
            })
            .collect();
        if errors.is_empty() { Ok(()) } else { Err(Error::new(format!("arguments of {} do not fit its input schema: {}", op.tool_name, errors.join("; ")))) }
    }
}

/// Validates `args` against the tool's input schema and builds its request.
pub fn prepare(api: &Api, op: &Operation, args: &Value, credentials: &BTreeMap<String, String>) -> Result<Prepared, Error> {
    InputCheck::new(api, op)?.check(op, args)?;
    build(api, op, args, credentials)
}

/// Builds the request of arguments already checked against the tool's input schema.
pub fn build(api: &Api, op: &Operation, args: &Value, credentials: &BTreeMap<String, String>) -> Result<Prepared, Error> {
    let mut query: Vec<String> = Vec::new();
    let mut headers: Vec<(String, String)> = Vec::new();
    // As the generated client: the media types the responses are read as.
    if let Some(accept) = shared::accept_header(op.responses.iter().filter_map(|r| r.body.as_ref().map(|b| b.media_type.as_str()))) {
        headers.push(("accept".into(), accept));
    }
    let mut cookies: Vec<String> = Vec::new();
    for p in &op.parameters {
        let Some(value) = args.get(input_key(op, p)).or(p.default.as_ref()) else { continue };
        let meta = param_meta(api, p);
        match p.location {
            Location::Path => {}
            Location::Query => query.extend(shared::encode_query(&meta, value)),
            Location::Header => headers.extend(shared::encode_param(&meta, value).map(|t| (p.name.clone(), t))),
            Location::Cookie => cookies.extend(shared::encode_param(&meta, value).map(|t| format!("{}={t}", p.name))),
        }
    }
    let path = shared::fill_path(&op.path, |name, whole_segment| {
        let Some(p) = op.parameters.iter().find(|p| p.location == Location::Path && p.name == name) else {
            return Err(Error::new(format!("{}: the path `{}` names `{{{name}}}`, which no path parameter declares", op.tool_name, op.path)));
        };
        let value = args.get(input_key(op, p)).or(p.default.as_ref());
        let text = value
            .and_then(|value| shared::encode_path(&param_meta(api, p), value))
            .ok_or_else(|| Error::new(format!("{}: the path parameter has no value", input_key(op, p))))?;
        // URLs resolve `.` and `..` segments away (`%2E` too): the request would go elsewhere.
        if whole_segment && matches!(text.as_str(), "." | "..") {
            return Err(Error::new(format!("{}: `{text}` cannot be sent: URLs resolve it away", input_key(op, p))));
        }
        Ok(text)
    })?;
    add_credentials(api, op, credentials, &mut query, &mut headers, &mut cookies)?;
    if !cookies.is_empty() {
        headers.push(("cookie".into(), cookies.join("; ")));
    }
    let body = match (&op.request_body, args.get("body")) {
        (Some(b), Some(body)) => {
            let (content_type, bytes) = encode_body(op, b, body)?;
            headers.push(("content-type".into(), content_type));
            Some(bytes)
        }
        _ => None,
    };
    let target = if query.is_empty() { path } else { format!("{path}?{}", query.join("&")) };
    Ok(Prepared { method: op.http_method.as_str().to_string(), target, headers, body })
}

/// A body written as its media type says, by the generated client's rules; its content type.
fn encode_body(op: &Operation, body: &crate::ir::RequestBody, value: &Value) -> Result<(String, Vec<u8>), Error> {
    let media_type = body.media_type.clone();
    Ok(match body.kind {
        BodyKind::Json => (media_type, serde_json::to_vec(value).map_err(|e| Error::new(e.to_string()))?),
        BodyKind::Text => (media_type, value.as_str().map_or_else(|| value.to_string(), str::to_string).into_bytes()),
        BodyKind::Binary => {
            // Tools take bytes as base64 text (or a `data:` URL).
            let binary = shared::Binary::from_text(value.as_str().unwrap_or_default());
            (shared::binary_content_type(&binary, Some(&media_type)).to_string(), binary.bytes)
        }
        BodyKind::Form => {
            let style_of = |name: &str| {
                let part = body.encoding.iter().find(|e| e.property == name);
                shared::form_style(part.and_then(|e| e.style), part.and_then(|e| e.explode))
            };
            let text = shared::encode_form_with(value, style_of).map_err(|e| Error::new(format!("{}: body: {e}", op.tool_name)))?;
            (media_type, text.into_bytes())
        }
        BodyKind::Multipart => {
            return Err(Error::new(format!("{}: a multipart body ({media_type}) cannot be sent by `call`; use the generated client", op.tool_name)));
        }
    })
}

fn add_credentials(
    api: &Api,
    op: &Operation,
    given: &BTreeMap<String, String>,
    query: &mut Vec<String>,
    headers: &mut Vec<(String, String)>,
    cookies: &mut Vec<String>,
) -> Result<(), Error> {
    // The security requirements as the runtime's metadata, borrowed from the IR, so that the
    // generated client's own rule picks the alternative and places each credential.
    let schemes: Vec<shared::SchemeMeta<'_>> = api
        .security_schemes
        .iter()
        .map(|s| shared::SchemeMeta {
            name: &s.name,
            kind: match &s.kind {
                SecurityKind::OAuth2 { .. } | SecurityKind::OpenIdConnect | SecurityKind::HttpBearer => shared::SchemeKind::Bearer,
                SecurityKind::HttpBasic => shared::SchemeKind::Basic,
                SecurityKind::ApiKey { location, param } => shared::SchemeKind::ApiKey { location: *location, param },
            },
        })
        .collect();
    let alternatives: Vec<Vec<&shared::SchemeMeta<'_>>> =
        op.security.iter().map(|alt| alt.schemes.iter().filter_map(|u| schemes.iter().find(|s| s.name == u.scheme)).collect()).collect();
    let security: Vec<&[&shared::SchemeMeta<'_>]> = alternatives.iter().map(Vec::as_slice).collect();
    let Some(placements) = shared::place_credentials(&security, |scheme| given.get(scheme).map(String::as_str)) else {
        let wanted: Vec<String> = op.security.iter().map(|a| a.schemes.iter().map(|s| s.scheme.clone()).collect::<Vec<_>>().join(" and ")).collect();
        return Err(Error::new(format!("{} needs a credential for {}: pass --credential SCHEME=SECRET (or --token)", op.tool_name, wanted.join(", or "))));
    };
    placements.into_iter().for_each(|placement| placement.add_to(query, headers, cookies));
    Ok(())
}

/// The shared rules' view of a parameter, borrowed from the IR: only its name, place, style
/// and whether it is an array or an object matter for writing it.
fn param_meta<'a>(api: &Api, p: &'a crate::ir::Parameter) -> ParamMeta<'a> {
    fn shape(api: &Api, ty: &TypeRef) -> &'static Ty<'static> {
        match ty {
            TypeRef::Array(_) => &Ty::Array(&Ty::Any, &Constraints::NONE),
            TypeRef::Map(_) => &Ty::Map(&Ty::Any, &Constraints::NONE),
            TypeRef::Named(name) => match api.types.get(name).map(|t| &t.kind) {
                Some(TypeKind::Newtype { inner, .. }) => shape(api, inner),
                Some(TypeKind::Struct { .. }) => &Ty::Map(&Ty::Any, &Constraints::NONE),
                _ => &Ty::String,
            },
            _ => &Ty::String,
        }
    }
    ParamMeta {
        name: &p.name,
        field: "",
        location: p.location,
        style: p.style,
        explode: p.explode,
        required: p.required,
        ty: shape(api, &p.ty),
        constraints: &Constraints::NONE,
        default: None,
        idempotency_key: p.idempotency_key,
        json: p.content_type.is_some(),
    }
}

/// What came back.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The body as JSON: a streamed body of `op` as the array of its items (events as
    /// `{event, data, id, retry}`), a body that is not JSON as its text, none as `null`.
    pub fn json(&self, op: &Operation) -> Result<Value, Error> {
        if let Some((framing, format)) = streamed(op, self.header("content-type")) {
            let items = decode_all(framing, format, &self.body).map_err(|e| Error::new(format!("{}: the streamed body at {e}", op.tool_name)))?;
            return Ok(Value::Array(items));
        }
        Ok(match serde_json::from_slice::<Value>(&self.body) {
            Ok(json) => json,
            Err(_) if self.body.is_empty() => Value::Null,
            Err(_) => Value::String(String::from_utf8_lossy(&self.body).into_owned()),
        })
    }
}

/// How an answer of `content_type` divides into items, where `op` declares such a stream.
fn streamed(op: &Operation, content_type: Option<&str>) -> Option<(shared::Framing, ItemFormat)> {
    let framing = shared::Framing::of_media_type(content_type?)?;
    let body = op.responses.iter().filter_map(|r| r.body.as_ref()).find(|b| b.stream == Some(framing))?;
    Some((framing, if body.kind == BodyKind::Text { ItemFormat::Text } else { ItemFormat::Json }))
}

/// Sends prepared requests through the runtime's client, as the generated client does: the
/// same retries, timeouts and spans, one pool of keep-alive connections. Redirects are not
/// followed; error statuses are answers, not failures.
#[derive(Clone, Debug)]
pub struct Sender {
    client: rocketgen_runtime::client::Client,
}

impl Sender {
    pub fn new(base_url: &str, retry: RetryPolicy) -> Result<Self, Error> {
        Sender::with_extras(base_url, retry, &[], &[])
    }

    /// A sender that adds these headers and query parameters to every request (a source's
    /// static credentials or settings).
    pub fn with_extras(base_url: &str, retry: RetryPolicy, headers: &[(String, String)], query: &[(String, String)]) -> Result<Self, Error> {
        let mut builder = rocketgen_runtime::client::Client::builder(base_url.trim_end_matches('/')).timeout(std::time::Duration::from_secs(60)).retry(retry);
        for (name, value) in headers {
            builder = builder.default_header(name.clone(), value.clone());
        }
        let mut client = builder.build().map_err(|e| Error::new(e.to_string()))?;
        if !query.is_empty() {
            let options =
                query.iter().fold(rocketgen_runtime::retry::RequestOptions::new(), |options, (name, value)| options.query(name.clone(), value.clone()));
            client = client.with_options(options);
        }
        Ok(Sender { client })
    }

    pub async fn send(&self, op: &Operation, prepared: &Prepared) -> Result<Answer, Error> {
        let (operation, path) = (interned(&op.tool_name), interned(&op.path));
        let raw = self
            .client
            .send_raw(operation, op.http_method, path, &prepared.target, prepared.headers.clone(), prepared.body.clone())
            .await
            .map_err(|e| Error::new(format!("{}{}: {e}", self.client.base_url(), prepared.target)))?;
        Ok(Answer { status: raw.status, headers: raw.headers, body: raw.body })
    }

    /// Sends the request and hands each item of a streamed answer to `item` as it arrives (an
    /// answer that is not a stream of `op`'s, whole, as one item); the status, before any.
    pub async fn send_streamed(&self, op: &Operation, prepared: &Prepared, mut status: impl FnMut(u16), mut item: impl FnMut(Value)) -> Result<u16, Error> {
        let (operation, path) = (interned(&op.tool_name), interned(&op.path));
        let at = || format!("{}{}", self.client.base_url(), prepared.target);
        let raw = self
            .client
            .send_raw_streamed(operation, op.http_method, path, &prepared.target, prepared.headers.clone(), prepared.body.clone())
            .await
            .map_err(|e| Error::new(format!("{}: {e}", at())))?;
        status(raw.status);
        let content_type = raw.header_value("content-type").map(str::to_string);
        let (Some((framing, format)), Some(mut chunks)) = (streamed(op, content_type.as_deref()), raw.stream.as_ref().and_then(|s| s.take())) else {
            item(Answer { status: raw.status, headers: raw.headers, body: raw.body }.json(op)?);
            return Ok(raw.status);
        };
        let mut deframer = Deframer::new(framing);
        let mut index = 0;
        let mut emit = |frames: Vec<shared_stream::Frame>| -> Result<(), Error> {
            for frame in frames {
                let value = frame
                    .decode::<Value>(format, index)
                    .map_err(|e| Error::new(format!("{}: the streamed body at {}: {}", op.tool_name, e.path, e.message)))?;
                index += 1;
                item(value);
            }
            Ok(())
        };
        while let Some(chunk) = std::future::poll_fn(|cx| chunks.as_mut().poll_next(cx)).await {
            let chunk = chunk.map_err(|e| Error::new(format!("{}: {e}", at())))?;
            emit(deframer.push(&chunk).map_err(|e| Error::new(format!("{}: {e}", op.tool_name)))?)?;
        }
        emit(deframer.finish().map_err(|e| Error::new(format!("{}: {e}", op.tool_name)))?)?;
        Ok(raw.status)
    }

    /// Every item of a paginated operation, page after page from `args`' page on, as one
    /// array: what `--all-pages` prints. `args` must have passed the tool's [`InputCheck`].
    pub async fn all_pages(&self, api: &Api, op: &Operation, args: &Value, credentials: &BTreeMap<String, String>) -> Result<Value, Error> {
        let pagination =
            op.pagination.as_ref().ok_or_else(|| Error::new(format!("{} is not paginated (`rocketgen preview` shows which tools are)", op.tool_name)))?;
        let keys = PagerKeys::new(op, pagination);
        let meta = keys.meta();
        let mut pager = Pager::new(&meta);
        let mut fields = args.as_object().cloned().unwrap_or_default();
        let mut next_url: Option<String> = None;
        let mut items = Vec::new();
        loop {
            let mut prepared = build(api, op, &Value::Object(fields.clone()), credentials)?;
            if let Some(url) = next_url.take() {
                prepared.target = url;
            }
            let answer = self.send(op, &prepared).await?;
            let page = pager.pages() + 1;
            if !(200..300).contains(&answer.status) {
                return Err(Error::new(format!("{}: page {page} was answered {}: {}", op.tool_name, answer.status, String::from_utf8_lossy(&answer.body))));
            }
            let body: Value = serde_json::from_slice(&answer.body).map_err(|e| Error::new(format!("{}: page {page} is not JSON: {e}", op.tool_name)))?;
            let read = pager.read(&mut fields, &body, answer.header("link")).map_err(|message| Error::new(format!("{}: {message}", op.tool_name)))?;
            items.extend(read.items.iter().cloned());
            if read.last {
                return Ok(Value::Array(items));
            }
            next_url = read.next_url;
        }
    }
}

/// The runtime's pagination rules, with the parameters named by the tool's input keys.
struct PagerKeys<'a> {
    scheme: &'a PageScheme,
    keys: BTreeMap<&'a str, String>,
    items: Vec<&'a str>,
    /// The scheme's body paths: the page count or next cursor, the item count, the has-next
    /// field.
    paths: [Vec<&'a str>; 3],
}

impl<'a> PagerKeys<'a> {
    fn new(op: &'a Operation, pagination: &'a Pagination) -> Self {
        let keys = op.parameters.iter().map(|p| (p.name.as_str(), input_key(op, p))).collect();
        let strs = |path: Option<&'a Vec<String>>| path.map(|path| path.iter().map(String::as_str).collect()).unwrap_or_default();
        let paths = match &pagination.scheme {
            PageScheme::PageNumber { total_pages, total_items, has_next, .. } => {
                [strs(total_pages.as_ref()), strs(total_items.as_ref()), strs(has_next.as_ref())]
            }
            PageScheme::OffsetLimit { total_items, .. } => [Vec::new(), strs(total_items.as_ref()), Vec::new()],
            PageScheme::Cursor { next_cursor, .. } => [strs(Some(next_cursor)), Vec::new(), Vec::new()],
            PageScheme::LastItem { has_more, .. } => [Vec::new(), Vec::new(), strs(Some(has_more))],
            PageScheme::Link => Default::default(),
        };
        PagerKeys { scheme: &pagination.scheme, keys, items: strs(Some(&pagination.items)), paths }
    }

    fn key<'s>(&'s self, wire: &'s str) -> &'s str {
        self.keys.get(wire).map_or(wire, String::as_str)
    }

    fn meta(&self) -> PaginationMeta<'_> {
        let path = |i: usize, present: bool| present.then_some(self.paths[i].as_slice());
        let scheme = match self.scheme {
            PageScheme::PageNumber { page, total_pages, total_items, has_next } => shared::PageScheme::PageNumber {
                page: self.key(page),
                total_pages: path(0, total_pages.is_some()),
                total_items: path(1, total_items.is_some()),
                has_next: path(2, has_next.is_some()),
            },
            PageScheme::OffsetLimit { offset, limit, total_items } => shared::PageScheme::OffsetLimit {
                offset: self.key(offset),
                limit: limit.as_deref().map(|limit| self.key(limit)),
                total_items: path(1, total_items.is_some()),
            },
            PageScheme::Cursor { cursor, .. } => shared::PageScheme::Cursor { cursor: self.key(cursor), next_cursor: &self.paths[0] },
            PageScheme::LastItem { cursor, field, .. } => shared::PageScheme::LastItem { cursor: self.key(cursor), field, has_more: &self.paths[2] },
            PageScheme::Link => shared::PageScheme::Link,
        };
        PaginationMeta { scheme, items: &self.items }
    }
}

/// A name that lives as long as the process, kept once however often it is asked for: the
/// runtime's errors and spans name operations by `&'static str`.
fn interned(name: &str) -> &'static str {
    static NAMES: std::sync::Mutex<BTreeSet<&'static str>> = std::sync::Mutex::new(BTreeSet::new());
    let mut names = NAMES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(known) = names.get(name) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.insert(leaked);
    leaked
}
