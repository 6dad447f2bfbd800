//! The runtime's own client and server over loopback HTTP: for every location, style and
//! explode, what the client writes the server reads back as the same value (property tests).
//! The value domains are those each place can carry: a header holds visible ASCII, a cookie a
//! cookie-octet token, a path segment anything but `.` and `..` (a label value anything but
//! `` and `.`, a matrix value no `;`), the items of a delimited array
//! no bare delimiter, and an exploded array at least one item (an empty one is not sent at all).

use std::sync::OnceLock;

use axum::extract::Request;
use axum::response::IntoResponse;
use proptest::prelude::*;
use rocketgen_runtime::client::Client;
use rocketgen_runtime::meta::{Additional, Constraints, FieldMeta, Location, Method, OperationMeta, ParamMeta, Style, Ty, TypeMeta, TypeMetaKind};
use rocketgen_runtime::server;
use serde_json::{Map, Value, json};

static STRING: Ty = Ty::String;
static INTEGER: Ty = Ty::Integer { bits: 64 };
static NUMBER: Ty = Ty::Number;
static BOOLEAN: Ty = Ty::Boolean;
static STRINGS: Ty = Ty::Array(&Ty::String, &Constraints::NONE);
static FLAG: TypeMeta = TypeMeta::new("Flag", "#/components/schemas/Flag", TypeMetaKind::Enum { values: &["idp", "ldp", "a b"] });
static FLAGS: Ty = Ty::Array(&Ty::Named(&FLAG), &Constraints::NONE);
static INTEGERS: Ty = Ty::Array(&Ty::Integer { bits: 64 }, &Constraints::NONE);
static STRING_MAP: Ty = Ty::Map(&Ty::String, &Constraints::NONE);
static PAIR: TypeMeta = TypeMeta::new(
    "Pair",
    "#/components/schemas/Pair",
    TypeMetaKind::Struct {
        fields: &[FieldMeta::new("name", &Ty::String, false), FieldMeta::new("count", &Ty::Integer { bits: 64 }, false)],
        additional: Additional::Forbidden,
    },
);
static PAIR_TY: Ty = Ty::Named(&PAIR);

/// One parameter shape: where it travels, how it is written, its type.
#[derive(Clone, Copy, Debug)]
struct Shape {
    name: &'static str,
    location: Location,
    style: Style,
    explode: bool,
    ty: &'static Ty<'static>,
}

const fn shape(name: &'static str, location: Location, style: Style, explode: bool, ty: &'static Ty<'static>) -> Shape {
    Shape { name, location, style, explode, ty }
}

/// Every shape the runtime writes and reads.
const SHAPES: &[Shape] = &[
    shape("path-string", Location::Path, Style::Simple, false, &STRING),
    shape("path-integer", Location::Path, Style::Simple, false, &INTEGER),
    shape("path-number", Location::Path, Style::Simple, false, &NUMBER),
    shape("path-boolean", Location::Path, Style::Simple, false, &BOOLEAN),
    shape("path-array", Location::Path, Style::Simple, false, &STRINGS),
    shape("path-array-exploded", Location::Path, Style::Simple, true, &STRINGS),
    shape("path-object", Location::Path, Style::Simple, false, &STRING_MAP),
    shape("path-object-exploded", Location::Path, Style::Simple, true, &STRING_MAP),
    shape("path-label-string", Location::Path, Style::Label, false, &STRING),
    shape("path-label-integer", Location::Path, Style::Label, true, &INTEGER),
    shape("path-label-array", Location::Path, Style::Label, false, &STRINGS),
    shape("path-label-array-exploded", Location::Path, Style::Label, true, &INTEGERS),
    shape("path-label-object", Location::Path, Style::Label, false, &STRING_MAP),
    shape("path-matrix-string", Location::Path, Style::Matrix, false, &STRING),
    shape("path-matrix-integer", Location::Path, Style::Matrix, true, &INTEGER),
    shape("path-matrix-array", Location::Path, Style::Matrix, false, &STRINGS),
    shape("path-matrix-array-exploded", Location::Path, Style::Matrix, true, &STRINGS),
    shape("path-matrix-object", Location::Path, Style::Matrix, false, &STRING_MAP),
    shape("path-matrix-object-exploded", Location::Path, Style::Matrix, true, &STRING_MAP),
    shape("query-string", Location::Query, Style::Form, true, &STRING),
    shape("query-integer", Location::Query, Style::Form, true, &INTEGER),
    shape("query-number", Location::Query, Style::Form, true, &NUMBER),
    shape("query-boolean", Location::Query, Style::Form, true, &BOOLEAN),
    shape("query-array-exploded", Location::Query, Style::Form, true, &STRINGS),
    shape("query-array-form", Location::Query, Style::Form, false, &STRINGS),
    shape("query-array-integers", Location::Query, Style::Form, false, &INTEGERS),
    shape("query-array-space", Location::Query, Style::SpaceDelimited, false, &STRINGS),
    shape("query-array-pipe", Location::Query, Style::PipeDelimited, false, &STRINGS),
    shape("query-array-flags", Location::Query, Style::Form, false, &FLAGS),
    shape("query-array-flags-pipe", Location::Query, Style::PipeDelimited, false, &FLAGS),
    shape("query-array-flags-space", Location::Query, Style::SpaceDelimited, false, &FLAGS),
    shape("query-array-integers-pipe", Location::Query, Style::PipeDelimited, false, &INTEGERS),
    shape("query-object-deep", Location::Query, Style::DeepObject, true, &STRING_MAP),
    shape("query-object-form", Location::Query, Style::Form, false, &STRING_MAP),
    shape("query-struct-exploded", Location::Query, Style::Form, true, &PAIR_TY),
    shape("header-string", Location::Header, Style::Simple, false, &STRING),
    shape("header-integer", Location::Header, Style::Simple, false, &INTEGER),
    shape("header-array", Location::Header, Style::Simple, false, &STRINGS),
    shape("header-object", Location::Header, Style::Simple, false, &STRING_MAP),
    shape("header-object-exploded", Location::Header, Style::Simple, true, &STRING_MAP),
    shape("cookie-string", Location::Cookie, Style::Form, true, &STRING),
    shape("cookie-integer", Location::Cookie, Style::Form, true, &INTEGER),
    shape("cookie-array", Location::Cookie, Style::Form, false, &STRINGS),
];

fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

/// The operation of a shape: one required parameter `v`, at `GET /{shape}` (`/{shape}/{v}`).
fn operation(shape: &Shape) -> &'static OperationMeta<'static> {
    static OPERATIONS: OnceLock<Vec<&'static OperationMeta<'static>>> = OnceLock::new();
    let all = OPERATIONS.get_or_init(|| {
        SHAPES
            .iter()
            .map(|s| {
                let path = if s.location == Location::Path { format!("/{}/{{v}}", s.name) } else { format!("/{}", s.name) };
                let mut param = ParamMeta::new("v", "v", s.location, s.ty, true);
                param.style = s.style;
                param.explode = s.explode;
                leak(OperationMeta {
                    tool_name: s.name,
                    http_method: Method::Get,
                    path: leak(path).as_str(),
                    params: std::slice::from_ref(leak(param)),
                    body: None,
                    security: &[],
                    responses: &[],
                })
            })
            .collect()
    });
    all.iter().find(|op| op.tool_name == shape.name).copied().expect("every shape has an operation")
}

/// A router answering each shape's operation with the fields the server decoded.
fn router() -> axum::Router {
    let mut router = axum::Router::new();
    for shape in SHAPES {
        let op = operation(shape);
        router = router.route(
            op.path,
            axum::routing::get(move |request: Request| async move {
                match server::decode::<Map<String, Value>>(op, request).await {
                    Ok((fields, _)) => server::respond(rocketgen_runtime::RawResponse::json(200, "application/json", &fields)),
                    Err(rejection) => rejection.into_response(),
                }
            }),
        );
    }
    router
}

/// The runtime the server runs on and the client of it, started once.
fn harness() -> &'static (tokio::runtime::Runtime, Client, String) {
    static HARNESS: OnceLock<(tokio::runtime::Runtime, Client, String)> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        runtime.spawn(async move { axum::serve(listener, router()).await });
        let client = Client::new(base.clone()).unwrap();
        (runtime, client, base)
    })
}

/// Sends `value` as the shape's parameter and returns what the server read.
fn round_trip(shape: &Shape, value: &Value) -> Result<Value, String> {
    let (runtime, client, _) = harness();
    let mut fields = Map::new();
    fields.insert("v".into(), value.clone());
    let raw = runtime.block_on(client.send(operation(shape), &fields)).map_err(|e| e.to_string())?;
    let body = String::from_utf8_lossy(&raw.body).into_owned();
    if raw.status != 200 {
        return Err(format!("{}: {body}", raw.status));
    }
    let read: Value = serde_json::from_str(&body).map_err(|e| e.to_string())?;
    Ok(read.get("v").cloned().unwrap_or(Value::Null))
}

fn by_name(name: &str) -> Shape {
    *SHAPES.iter().find(|s| s.name == name).expect("a known shape")
}

fn check(name: &str, value: Value) -> Result<(), TestCaseError> {
    let read = round_trip(&by_name(name), &value).map_err(TestCaseError::fail)?;
    prop_assert_eq!(read, value, "{}", name);
    Ok(())
}

// Value domains by place.
fn any_text() -> impl Strategy<Value = String> {
    any::<String>()
}
fn segment_text() -> impl Strategy<Value = String> {
    any::<String>().prop_filter("a dot segment is resolved away by URLs", |s| !s.is_empty() && s != "." && s != "..")
}
fn header_text() -> impl Strategy<Value = String> {
    "[!-~]([ !-~]{0,20}[!-~])?"
}
fn cookie_text() -> impl Strategy<Value = String> {
    "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}"
}
fn item_without(delimiters: &'static str) -> impl Strategy<Value = String> {
    any::<String>().prop_filter("no bare delimiter, not empty", move |s| !s.is_empty() && !s.contains(|c| delimiters.contains(c)))
}
fn integer() -> impl Strategy<Value = Value> {
    any::<i64>().prop_map(Value::from)
}
fn number() -> impl Strategy<Value = Value> {
    any::<f64>().prop_filter("JSON numbers are finite", |x| x.is_finite()).prop_map(|x| json!(x))
}
fn strings(item: impl Strategy<Value = String>, min: usize) -> impl Strategy<Value = Value> {
    prop::collection::vec(item, min..5).prop_map(|items| json!(items))
}
fn string_map(value: impl Strategy<Value = String>) -> impl Strategy<Value = Value> {
    prop::collection::btree_map("[a-z]{1,8}", value, 1..4).prop_map(|map| json!(map))
}

/// `.` and `..` as a whole path segment would be resolved away by the URL: refused before sending.
#[test]
fn dot_segments_are_refused_naming_the_parameter() {
    for dots in [".", ".."] {
        let refused = round_trip(&by_name("path-string"), &json!(dots)).unwrap_err();
        assert!(refused.contains("path parameter `v` cannot be"), "{refused}");
    }
    // A label value `.` is written `..`; three dots are no dot segment.
    assert!(round_trip(&by_name("path-label-string"), &json!(".")).is_err());
    assert_eq!(round_trip(&by_name("path-string"), &json!("...")).unwrap(), json!("..."));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn path_parameters(text in segment_text(), n in integer(), x in number(), b in any::<bool>(),
                       items in strings(item_without(","), 1).prop_filter("a dot segment", |v| v != &json!(["."]) && v != &json!([".."])),
                       map in string_map(item_without(",="))) {
        check("path-string", json!(text))?;
        check("path-integer", n)?;
        check("path-number", x)?;
        check("path-boolean", json!(b))?;
        check("path-array", items.clone())?;
        check("path-array-exploded", items)?;
        check("path-object", map.clone())?;
        check("path-object-exploded", map)?;
    }

    #[test]
    fn label_and_matrix_path_parameters(label in any::<String>().prop_filter("`.` and `..` are dot segments", |s| !s.is_empty() && s != "."),
                                        matrix in item_without(";"), n in integer(), numbers in prop::collection::vec(any::<i64>(), 1..5),
                                        label_items in strings(item_without(","), 1), matrix_items in strings(item_without(",;"), 1),
                                        map in string_map(item_without(",;="))) {
        check("path-label-string", json!(label))?;
        check("path-label-integer", n.clone())?;
        check("path-label-array", label_items)?;
        check("path-label-array-exploded", json!(numbers))?;
        check("path-label-object", map.clone())?;
        check("path-matrix-string", json!(matrix))?;
        check("path-matrix-integer", n)?;
        check("path-matrix-array", matrix_items.clone())?;
        check("path-matrix-array-exploded", matrix_items)?;
        check("path-matrix-object", map.clone())?;
        check("path-matrix-object-exploded", map)?;
    }

    #[test]
    fn query_parameters(text in any_text(), n in integer(), x in number(), b in any::<bool>(),
                        items in strings(any_text(), 1), delimited in strings(item_without(""), 0),
                        spaced in strings(item_without(" "), 0), numbers in prop::collection::vec(any::<i64>(), 0..5),
                        map in string_map(any_text()), name in any_text(), count in any::<i64>()) {
        check("query-string", json!(text))?;
        check("query-integer", n)?;
        check("query-number", x)?;
        check("query-boolean", json!(b))?;
        check("query-array-exploded", items)?;
        check("query-array-form", delimited.clone())?;
        check("query-array-pipe", delimited)?;
        check("query-array-space", spaced)?;
        check("query-array-integers", json!(numbers))?;
        check("query-object-deep", map.clone())?;
        check("query-object-form", map)?;
        check("query-struct-exploded", json!({ "name": name, "count": count }))?;
    }

    #[test]
    fn header_parameters(text in header_text(), n in integer(), items in strings("[!-+--~]{1,10}", 1),
                         map in string_map("[!-+--<>-~]{1,10}")) {
        check("header-string", json!(text))?;
        check("header-integer", n)?;
        check("header-array", items)?;
        check("header-object", map.clone())?;
        check("header-object-exploded", map)?;
    }

    #[test]
    fn cookie_parameters(text in cookie_text(), n in integer(), items in strings("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,10}", 1)) {
        check("cookie-string", json!(text))?;
        check("cookie-integer", n)?;
        check("cookie-array", items)?;
    }
}

/// What the server reads from a query written by hand (`/{shape}?{query}`): status and body.
fn raw_query(shape: &str, query: &str) -> (u16, String) {
    let (runtime, _, base) = harness();
    runtime.block_on(async {
        let response = reqwest::get(format!("{base}/{shape}?{query}")).await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    })
}

/// Browsers' `URLSearchParams` write `ff=idp%2Cldp`: where the items cannot hold the delimiter
/// (an enum, a number), an encoded delimiter splits them as a bare one does.
#[test]
fn encoded_delimiters_split_items_that_cannot_hold_them() {
    let read = |shape: &str, query: &str| {
        let (status, body) = raw_query(shape, query);
        assert_eq!(status, 200, "{shape}?{query}: {body}");
        serde_json::from_str::<Value>(&body).unwrap()["v"].clone()
    };
    assert_eq!(read("query-array-flags", "v=idp%2Cldp"), json!(["idp", "ldp"]));
    assert_eq!(read("query-array-flags", "v=idp%2cldp,a+b"), json!(["idp", "ldp", "a b"]));
    assert_eq!(read("query-array-flags-pipe", "v=idp%7Cldp"), json!(["idp", "ldp"]));
    assert_eq!(read("query-array-flags-space", "v=idp%20ldp"), json!(["idp", "ldp"]));
    assert_eq!(read("query-array-integers-pipe", "v=1%7C2%7C3"), json!([1, 2, 3]));
    assert_eq!(read("query-array-integers", "v=1%2C2"), json!([1, 2]));
    // A string item may hold the delimiter: encoded, it stays in its item.
    assert_eq!(read("query-array-form", "v=a%2Cb,c"), json!(["a,b", "c"]));
    assert_eq!(read("query-array-form", "v=a%2Cb"), json!(["a,b"]));
    // What fits neither way is still refused, naming the parameter.
    let (status, body) = raw_query("query-array-flags", "v=idp%2Cother");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("query parameter `v`"), "{body}");
}

#[test]
fn a_missing_required_parameter_is_refused_naming_it() {
    let (runtime, client, _) = harness();
    let raw = runtime.block_on(client.send(operation(&by_name("query-integer")), &Map::new())).unwrap();
    assert_eq!(raw.status, 400);
    assert!(String::from_utf8_lossy(&raw.body).contains("query parameter `v` is required"), "{}", String::from_utf8_lossy(&raw.body));
}
