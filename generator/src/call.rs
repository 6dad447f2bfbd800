//! `rocketgen call`: one operation executed from the IR alone, no generated code. Parameters
//! are written by the very rules the generated client uses (the runtime's `meta.rs`, compiled
//! into the generator too), so both send the same request.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::Error;
use crate::ir::{Api, BodyKind, Location, Operation, SecurityKind, TypeKind, TypeRef};
use crate::preview::{input_key, input_schema};

/// The shared parameter rules of the generated crates.
use rocketgen_runtime::meta as shared;
use shared::{Constraints, ParamMeta, Ty};

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

/// Validates `args` against the tool's input schema and builds its request.
pub fn prepare(api: &Api, op: &Operation, args: &Value, credentials: &BTreeMap<String, String>) -> Result<Prepared, Error> {
    let schema = input_schema(api, op);
    let validator = jsonschema::validator_for(&schema).map_err(|e| Error::new(format!("internal error: input schema of {}: {e}", op.tool_name)))?;
    let errors: Vec<String> = validator
        .iter_errors(args)
        .map(|e| {
            let at = e.instance_path().to_string();
            if at.is_empty() { e.to_string() } else { format!("{at}: {e}") }
        })
        .collect();
    if !errors.is_empty() {
        return Err(Error::new(format!("arguments of {} do not fit its input schema: {}", op.tool_name, errors.join("; "))));
    }

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
    pub body: Vec<u8>,
}

/// Sends a prepared request to `base_url` (redirects are not followed, error statuses are
/// answers, not failures).
pub fn send(base_url: &str, prepared: &Prepared) -> Result<Answer, Error> {
    let url = format!("{}{}", base_url.trim_end_matches('/'), prepared.target);
    let agent =
        ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).timeout_global(Some(std::time::Duration::from_secs(60))).build().new_agent();
    let mut builder = ureq::http::Request::builder().method(prepared.method.as_str()).uri(&url);
    for (name, value) in &prepared.headers {
        builder = builder.header(name, value);
    }
    let request = builder.body(prepared.body.clone().unwrap_or_default()).map_err(|e| Error::new(format!("{url}: {e}")))?;
    let mut response = agent.run(request).map_err(|e| Error::new(format!("{url}: {e}")))?;
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_vec().map_err(|e| Error::new(format!("{url}: {e}")))?;
    Ok(Answer { status, body })
}
