//! The server's request decoding never panics, whatever arrives: arbitrary paths, query strings,
//! headers, cookies, content types and bodies against operations with every kind of parameter
//! and body. Each request gets an answer; the ones the operation cannot take get a 4xx.

use axum::body::Body;
use axum::extract::Request;
use axum::response::IntoResponse;
use proptest::prelude::*;
use rocketgen_runtime::meta::{
    Additional, BodyKind, BodyMeta, Constraints, FieldMeta, Location, Method, OperationMeta, ParamMeta, PartMeta, Style, Ty, TypeMeta, TypeMetaKind,
};
use rocketgen_runtime::server;
use serde_json::{Map, Value};
use tower::ServiceExt;

static LIMITS: Constraints = Constraints { min_length: Some(1), max_length: Some(8), pattern: Some("^[a-z]+$"), ..Constraints::NONE };
static ITEM: TypeMeta = TypeMeta::new(
    "Item",
    "#/components/schemas/Item",
    TypeMetaKind::Struct {
        fields: &[
            FieldMeta::new("id", &Ty::String, true).constraints(&LIMITS),
            FieldMeta::new("count", &Ty::Integer { bits: 32 }, false),
            FieldMeta::new("tags", &Ty::Array(&Ty::String, &Constraints::NONE), false),
            FieldMeta::new("file", &Ty::Binary, false),
            FieldMeta::new("when", &Ty::String, false).constraints(&Constraints { format: Some("date-time"), ..Constraints::NONE }),
        ],
        additional: Additional::Forbidden,
    },
);
static ITEM_TY: Ty = Ty::Named(&ITEM);

static PARAMS: &[ParamMeta] = &[
    ParamMeta::new("id", "id", Location::Path, &Ty::String, true).constraints(&LIMITS),
    ParamMeta::new("n", "n", Location::Query, &Ty::Integer { bits: 32 }, false),
    ParamMeta::new("ids", "ids", Location::Query, &Ty::Array(&Ty::Integer { bits: 64 }, &Constraints::NONE), false).style(Style::PipeDelimited, false),
    ParamMeta::new("filter", "filter", Location::Query, &Ty::Map(&Ty::String, &Constraints::NONE), false).style(Style::DeepObject, true),
    ParamMeta::new("item", "item", Location::Query, &ITEM_TY, false),
    ParamMeta::new("where", "where", Location::Query, &Ty::Any, false).json(),
    ParamMeta::new("x-flag", "x_flag", Location::Header, &Ty::Boolean, false),
    ParamMeta::new("x-pairs", "x_pairs", Location::Header, &Ty::Map(&Ty::Number, &Constraints::NONE), false).style(Style::Simple, true),
    ParamMeta::new("session", "session", Location::Cookie, &Ty::Array(&Ty::String, &Constraints::NONE), false).style(Style::Form, false),
];

const fn body(media_type: &'static str, kind: BodyKind) -> BodyMeta<'static> {
    BodyMeta { media_type, kind, also: &[], encoding: &[], required: true, ty: &ITEM_TY }
}

static PARTS: &[PartMeta] = &[PartMeta { property: "file", content_type: Some("image/png"), style: None, explode: None }];

static OPERATIONS: &[OperationMeta] = &[
    OperationMeta {
        tool_name: "json",
        http_method: Method::Post,
        path: "/json/{id}",
        params: PARAMS,
        body: Some(body("application/json", BodyKind::Json)),
        security: &[],
        responses: &[],
    },
    OperationMeta {
        tool_name: "form",
        http_method: Method::Post,
        path: "/form/{id}",
        params: PARAMS,
        body: Some(body("application/x-www-form-urlencoded", BodyKind::Form)),
        security: &[],
        responses: &[],
    },
    OperationMeta {
        tool_name: "multipart",
        http_method: Method::Post,
        path: "/multipart/{id}",
        params: PARAMS,
        body: Some(BodyMeta { encoding: PARTS, ..body("multipart/form-data", BodyKind::Multipart) }),
        security: &[],
        responses: &[],
    },
    OperationMeta {
        tool_name: "text",
        http_method: Method::Post,
        path: "/text/{id}",
        params: PARAMS,
        body: Some(BodyMeta { ty: &Ty::String, ..body("text/plain", BodyKind::Text) }),
        security: &[],
        responses: &[],
    },
    OperationMeta {
        tool_name: "bytes",
        http_method: Method::Post,
        path: "/bytes/{id}",
        params: PARAMS,
        body: Some(BodyMeta { ty: &Ty::Binary, also: &[("image/*", BodyKind::Binary)], ..body("application/octet-stream", BodyKind::Binary) }),
        security: &[],
        responses: &[],
    },
];

fn router() -> axum::Router {
    let mut router = axum::Router::new();
    for op in OPERATIONS {
        router = router.route(
            op.path,
            axum::routing::post(move |request: Request| async move {
                match server::decode::<Map<String, Value>>(op, request).await {
                    Ok((fields, _)) => server::respond(rocketgen_runtime::RawResponse::json(200, "application/json", &fields)),
                    Err(rejection) => rejection.into_response(),
                }
            }),
        );
    }
    router
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

/// Text made of what URLs, forms and multipart bodies are made of, often enough to reach deep.
fn wire_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z0-9%\\[\\]=&+,|.;:/-]{0,40}",
        Just("item[id]=a&item[count]=x&item[tags][0]=&item[tags][]=b&item[file]=%FF".to_string()),
        Just("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\n\u{0}\r\n--b--\r\n".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn decoding_never_panics(
        operation in 0..OPERATIONS.len(),
        id in wire_text(),
        query in wire_text(),
        headers in prop::collection::vec(("x-flag|x-pairs|cookie|content-type|content-length|[a-z-]{1,12}", wire_text()), 0..6),
        content_type in prop_oneof![
            Just("application/json".to_string()),
            Just("application/x-www-form-urlencoded".to_string()),
            Just("multipart/form-data; boundary=b".to_string()),
            Just("multipart/form-data".to_string()),
            Just("text/plain; charset=utf-8".to_string()),
            Just("image/png".to_string()),
            any::<String>(),
        ],
        body in prop_oneof![wire_text().prop_map(String::into_bytes), prop::collection::vec(any::<u8>(), 0..200)],
    ) {
        let op = &OPERATIONS[operation];
        let path: String = op.path.replace("{id}", &id.replace(['/', '?', '#'], "%2F"));
        let uri = format!("{path}?{query}");
        // A string that is no valid URI or header never becomes a request: hyper refuses it
        // before any handler runs.
        let Ok(uri) = uri.parse::<axum::http::Uri>() else { return Ok(()) };
        let mut request = Request::builder().method("POST").uri(uri);
        if let Ok(value) = axum::http::HeaderValue::from_str(&content_type) {
            request = request.header("content-type", value);
        }
        for (name, value) in &headers {
            if let (Ok(name), Ok(value)) = (axum::http::HeaderName::from_bytes(name.as_bytes()), axum::http::HeaderValue::from_str(value)) {
                request = request.header(name, value);
            }
        }
        let Ok(request) = request.body(Body::from(body)) else { return Ok(()) };
        let response = runtime().block_on(router().oneshot(request)).unwrap();
        let status = response.status().as_u16();
        prop_assert!(status == 200 || (400..500).contains(&status), "status {}", status);
    }
}
