//! A response in its JSON form, as fixtures, the synthesizer and stateful mode write it, turned
//! into a [`RawResponse`] and back by the operation's metadata. A response enum then needs no
//! serde of its own: it is read with its `from_raw` and written with its `into_raw`, both
//! compiled once in the API crate.
//!
//! The form names the response enum's variant:
//! - `"NoContent"`: a status without body or headers;
//! - `{"Ok": body}`: a status with a body only;
//! - `{"Created": {"status": 201, "body": …, "location": …}}`: where the status varies (a class
//!   or `default`) or headers are declared, each header under its variant field's name;
//! - `{"Undeclared": {"status": 418, "headers": [["name", "value"]], "body": [bytes]}}`: any
//!   other status, kept whole.
//!
//! ```
//! use rocketgen_runtime::meta::{Method, OperationMeta, ResponseMeta, Status, Ty};
//! use rocketgen_runtime::response_json::{json_of_raw, raw_from_json};
//!
//! static RESPONSES: [ResponseMeta; 1] = [ResponseMeta::new(Status::Code(200), "Ok").body("application/json", &Ty::String)];
//! let op = OperationMeta { tool_name: "items.greet", http_method: Method::Get, path: "/greeting", params: &[], body: None, security: &[], responses: &RESPONSES };
//! let raw = raw_from_json(&op, &serde_json::json!({ "Ok": "hello" })).unwrap();
//! assert_eq!((raw.status, raw.body.as_slice()), (200, &b"\"hello\""[..]));
//! assert_eq!(json_of_raw(&op, &raw).unwrap(), serde_json::json!({ "Ok": "hello" }));
//! ```

use serde_json::{Map, Value, json};

use crate::meta::{BodyKind, OperationMeta, ResponseMeta, Ty};
use crate::stream::{ItemFormat, decode_all, encode_item};
use crate::{Binary, RawResponse};

/// The variant of a status the operation does not declare.
pub const UNDECLARED: &str = "Undeclared";

/// The response `form` describes, as HTTP carries it; an error names the operation, the
/// variant and what does not fit.
pub fn raw_from_json(op: &OperationMeta<'_>, form: &Value) -> Result<RawResponse, String> {
    let (variant, inner) = match form {
        Value::String(variant) => (variant.as_str(), None),
        Value::Object(map) if map.len() == 1 => map.iter().next().map(|(k, v)| (k.as_str(), Some(v))).unwrap_or_default(),
        _ => return Err(format!("{}: a response is \"Variant\" or {{\"Variant\": …}}, not {form}", op.tool_name)),
    };
    if variant == UNDECLARED {
        return serde_json::from_value(inner.cloned().unwrap_or(Value::Null)).map_err(|e| format!("{}/{UNDECLARED}: {e}", op.tool_name));
    }
    let Some(meta) = op.responses.iter().find(|r| r.variant == variant) else {
        let known: Vec<&str> = op.responses.iter().map(|r| r.variant).chain([UNDECLARED]).collect();
        return Err(format!("{}: no response `{variant}` (the operation has {})", op.tool_name, known.join(", ")));
    };
    let place = format!("{}/{variant}", op.tool_name);
    let (status, body, fields) = if has_fields(meta) {
        let fields = inner.and_then(Value::as_object).ok_or_else(|| format!("{place}: an object of status, body and headers"))?;
        let status = match meta.status.code() {
            Some(code) => code,
            None => fields
                .get("status")
                .and_then(Value::as_u64)
                .and_then(|s| u16::try_from(s).ok())
                .ok_or_else(|| format!("{place}: `status` must be a status code"))?,
        };
        (status, fields.get("body"), Some(fields))
    } else {
        (meta.status.code().unwrap_or(200), inner, None)
    };
    let mut raw = match (meta.body, body) {
        (None, _) => RawResponse::empty(status),
        (Some(_), None) => return Err(format!("{place}: the body is missing")),
        (Some(_), Some(body)) => body_of(meta, status, body).map_err(|e| format!("{place}: {e}"))?,
    };
    for header in meta.headers {
        if let Some(value) = fields.and_then(|f| f.get(header.field)).filter(|v| !v.is_null()) {
            raw = raw.with_header(header.name, value);
        }
    }
    Ok(raw)
}

/// The JSON form of `raw`, a response of `op`: the inverse of [`raw_from_json`].
pub fn json_of_raw(op: &OperationMeta<'_>, raw: &RawResponse) -> Result<Value, String> {
    let Some(meta) = op.response(raw.status) else {
        let kept = serde_json::to_value(raw).map_err(|e| e.to_string())?;
        return Ok(json!({ UNDECLARED: kept }));
    };
    let place = format!("{}/{}", op.tool_name, meta.variant);
    let body = match meta.body {
        Some(_) => Some(value_of(meta, raw).map_err(|e| format!("{place}: {e}"))?),
        None => None,
    };
    if !has_fields(meta) {
        return Ok(match body {
            Some(body) => json!({ meta.variant: body }),
            None => json!(meta.variant),
        });
    }
    let mut fields = Map::new();
    if meta.status.code().is_none() {
        fields.insert("status".into(), json!(raw.status));
    }
    if let Some(body) = body {
        fields.insert("body".into(), body);
    }
    for header in meta.headers {
        if let Some(text) = raw.header_value(header.name) {
            fields.insert(header.field.into(), header_json(text, header.ty));
        }
    }
    Ok(json!({ meta.variant: fields }))
}

/// Whether the variant has named fields (a status of its own, or headers) rather than a body
/// alone: as the response enum declares it.
fn has_fields(meta: &ResponseMeta<'_>) -> bool {
    meta.status.code().is_none() || !meta.headers.is_empty()
}

fn item_format(meta: &ResponseMeta<'_>) -> ItemFormat {
    if meta.kind == BodyKind::Text { ItemFormat::Text } else { ItemFormat::Json }
}

fn body_of(meta: &ResponseMeta<'_>, status: u16, body: &Value) -> Result<RawResponse, String> {
    let media_type = meta.media_type.unwrap_or("application/json");
    if let Some(framing) = meta.stream {
        let items = body.as_array().ok_or("a streamed body is an array of its items")?;
        let mut bytes = Vec::new();
        for item in items {
            bytes.extend(encode_item(framing, item_format(meta), item)?);
        }
        return Ok(RawResponse::bytes(status, media_type, bytes));
    }
    Ok(match meta.kind {
        BodyKind::Text => RawResponse::text(status, media_type, body.as_str().ok_or("a text body is a string")?.to_string()),
        BodyKind::Binary => RawResponse::binary(status, media_type, serde_json::from_value::<Binary>(body.clone()).map_err(|e| e.to_string())?),
        _ => RawResponse::json(status, media_type, body),
    })
}

fn value_of(meta: &ResponseMeta<'_>, raw: &RawResponse) -> Result<Value, String> {
    let media_type = meta.media_type.unwrap_or("application/json");
    if let Some(framing) = meta.stream {
        return decode_all(framing, item_format(meta), &raw.body).map(Value::Array);
    }
    match meta.kind {
        BodyKind::Text => String::from_utf8(raw.body.clone()).map(Value::String).map_err(|e| format!("not UTF-8 text: {e}")),
        BodyKind::Binary => serde_json::to_value(raw.read_binary(media_type)).map_err(|e| e.to_string()),
        _ => serde_json::from_slice(&raw.body).map_err(|e| e.to_string()),
    }
}

/// A header's text as the JSON value of its type: a number or a boolean where the spec says
/// so, the text otherwise.
fn header_json(text: &str, ty: &Ty<'_>) -> Value {
    let typed = matches!(ty, Ty::Integer { .. } | Ty::Number | Ty::Boolean);
    let parsed = typed.then(|| serde_json::from_str::<Value>(text).ok()).flatten().filter(|v| v.is_number() || v.is_boolean());
    parsed.unwrap_or_else(|| Value::String(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::{Framing, HeaderMeta, Method, Status};

    static CREATED_HEADERS: [HeaderMeta; 2] = [
        HeaderMeta { name: "location", field: "location", required: true, ty: &Ty::String },
        HeaderMeta { name: "x-count", field: "x_count", required: false, ty: &Ty::Integer { bits: 32 } },
    ];

    static RESPONSES: [ResponseMeta; 5] = [
        ResponseMeta::new(Status::Code(201), "Created").body("application/json", &Ty::Any).headers(&CREATED_HEADERS),
        ResponseMeta::new(Status::Code(204), "NoContent"),
        ResponseMeta::new(Status::Code(200), "Ok").body("text/plain", &Ty::String).kind(BodyKind::Text),
        ResponseMeta::new(Status::Code(206), "PartialContent").body("application/x-ndjson", &Ty::Any).stream(Framing::JsonLines),
        ResponseMeta::new(Status::Class(4), "ClientError").body("application/octet-stream", &Ty::Binary).kind(BodyKind::Binary),
    ];

    fn op() -> OperationMeta<'static> {
        OperationMeta { tool_name: "things.make", http_method: Method::Post, path: "/things", params: &[], body: None, security: &[], responses: &RESPONSES }
    }

    #[test]
    fn each_shape_goes_to_http_and_back() {
        let forms = [
            json!({ "Created": { "body": { "id": 1 }, "location": "/things/1", "x_count": 3 } }),
            json!("NoContent"),
            json!({ "Ok": "plain words" }),
            json!({ "PartialContent": [{ "n": 1 }, { "n": 2 }] }),
            json!({ "ClientError": { "status": 409, "body": "AP8=" } }),
            json!({ "Undeclared": { "status": 500, "headers": [["x-why", "because"]], "body": [104, 105] } }),
        ];
        for form in forms {
            let raw = raw_from_json(&op(), &form).unwrap();
            assert_eq!(json_of_raw(&op(), &raw).unwrap(), form);
        }
        let created = raw_from_json(&op(), &json!({ "Created": { "body": {}, "location": "/x", "x_count": 3 } })).unwrap();
        assert_eq!((created.status, created.header_value("x-count")), (201, Some("3")));
        let lines = raw_from_json(&op(), &json!({ "PartialContent": [1, 2] })).unwrap();
        assert_eq!(lines.body, b"1\n2\n");
    }

    #[test]
    fn a_form_that_does_not_fit_is_an_error_naming_it() {
        let wrong = |form: Value| raw_from_json(&op(), &form).unwrap_err();
        assert!(wrong(json!({ "Gone": 1 })).contains("no response `Gone` (the operation has Created, NoContent"));
        assert!(wrong(json!({ "Ok": 7 })).starts_with("things.make/Ok: a text body is a string"));
        assert!(wrong(json!({ "ClientError": { "body": "AA==" } })).contains("`status` must be a status code"));
        assert!(wrong(json!([1])).contains("a response is"));
    }
}
