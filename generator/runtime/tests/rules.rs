//! The runtime's rules one by one, with the exact text each writes: parameter styles as the
//! OpenAPI style table spells them, form and multipart bodies, where each kind of credential
//! goes, every constraint, and synthesis within bounds.

use rocketgen_runtime::Binary;
use rocketgen_runtime::meta::{
    Additional, BodyKind, BodyMeta, Constraints, FieldMeta, Location, ParamMeta, Part, PartMeta, Placement, SchemeKind, Style, Ty, TypeMeta, TypeMetaKind,
    decode_form, decode_multipart, decode_param, encode_form, encode_param, encode_path, encode_query, multipart_parts, path_as_simple, place_credential,
};
use rocketgen_runtime::synth::{Fill, Synth};
use rocketgen_runtime::validate::{Strictness, validate};
use serde_json::{Value, json};

static STRINGS: Ty = Ty::Array(&Ty::String, &Constraints::NONE);
static MAP: Ty = Ty::Map(&Ty::String, &Constraints::NONE);

fn param(location: Location, style: Style, explode: bool, ty: &'static Ty<'static>) -> ParamMeta<'static> {
    ParamMeta::new("color", "color", location, ty, true).style(style, explode)
}

/// The OpenAPI style table's examples (`color` = "blue", ["blue","black","brown"],
/// {"R":100,"G":200,"B":150}), as this runtime writes them before percent-encoding a path or
/// header value.
#[test]
fn styles_write_the_values_of_the_openapi_table() {
    let array = json!(["blue", "black", "brown"]);
    let object = json!({ "R": "100", "G": "200", "B": "150" });
    for location in [Location::Path, Location::Header, Location::Cookie] {
        assert_eq!(encode_param(&param(location, Style::Simple, false, &Ty::String), &json!("blue")).as_deref(), Some("blue"));
        assert_eq!(encode_param(&param(location, Style::Simple, false, &STRINGS), &array).as_deref(), Some("blue,black,brown"));
        assert_eq!(encode_param(&param(location, Style::Simple, true, &STRINGS), &array).as_deref(), Some("blue,black,brown"));
        assert_eq!(encode_param(&param(location, Style::Simple, false, &MAP), &object).as_deref(), Some("R,100,G,200,B,150"));
        assert_eq!(encode_param(&param(location, Style::Simple, true, &MAP), &object).as_deref(), Some("R=100,G=200,B=150"));
        assert_eq!(encode_param(&param(location, Style::Simple, false, &Ty::String), &Value::Null), None);
    }
    let query = |style, explode, ty, value: &Value| encode_query(&param(Location::Query, style, explode, ty), value);
    assert_eq!(query(Style::Form, true, &Ty::String, &json!("blue")), ["color=blue"]);
    assert_eq!(query(Style::Form, true, &STRINGS, &array), ["color=blue", "color=black", "color=brown"]);
    assert_eq!(query(Style::Form, false, &STRINGS, &array), ["color=blue,black,brown"]);
    assert_eq!(query(Style::SpaceDelimited, false, &STRINGS, &array), ["color=blue%20black%20brown"]);
    assert_eq!(query(Style::PipeDelimited, false, &STRINGS, &array), ["color=blue|black|brown"]);
    assert_eq!(query(Style::Form, false, &MAP, &object), ["color=R,100,G,200,B,150"]);
    assert_eq!(query(Style::DeepObject, true, &MAP, &object), ["color%5BR%5D=100", "color%5BG%5D=200", "color%5BB%5D=150"]);
    // An item holding the delimiter stays one item; an empty delimited array is `color=`; an
    // empty exploded one has no form.
    assert_eq!(query(Style::Form, false, &STRINGS, &json!(["a,b", "c"])), ["color=a%2Cb,c"]);
    assert_eq!(query(Style::Form, false, &STRINGS, &json!([])), ["color="]);
    assert!(query(Style::Form, true, &STRINGS, &json!([])).is_empty());
}

/// Path parameters in every style, as the table spells them, percent-encoded values between
/// bare delimiters; and read back into the `simple` form.
#[test]
fn path_styles_write_the_values_of_the_openapi_table() {
    let array = json!(["blue", "black", "brown"]);
    let object = json!({ "R": "100", "G": "200", "B": "150" });
    let table = [
        (Style::Simple, false, "blue", "blue,black,brown", "R,100,G,200,B,150"),
        (Style::Simple, true, "blue", "blue,black,brown", "R=100,G=200,B=150"),
        (Style::Label, false, ".blue", ".blue,black,brown", ".R,100,G,200,B,150"),
        (Style::Label, true, ".blue", ".blue.black.brown", ".R=100.G=200.B=150"),
        (Style::Matrix, false, ";color=blue", ";color=blue,black,brown", ";color=R,100,G,200,B,150"),
        (Style::Matrix, true, ";color=blue", ";color=blue;color=black;color=brown", ";R=100;G=200;B=150"),
    ];
    for (style, explode, primitive, items, pairs) in table {
        let write = |ty, value: &Value| encode_path(&param(Location::Path, style, explode, ty), value);
        assert_eq!(write(&Ty::String, &json!("blue")).as_deref(), Some(primitive), "{style:?} {explode}");
        assert_eq!(write(&STRINGS, &array).as_deref(), Some(items), "{style:?} {explode}");
        assert_eq!(write(&MAP, &object).as_deref(), Some(pairs), "{style:?} {explode}");
        let read = |ty, text| path_as_simple(&param(Location::Path, style, explode, ty), text);
        assert_eq!(read(&Ty::String, primitive), "blue");
        assert_eq!(read(&STRINGS, items), "blue,black,brown");
        let simple_pairs = if explode { "R=100,G=200,B=150" } else { "R,100,G,200,B,150" };
        assert_eq!(read(&MAP, pairs), simple_pairs, "{style:?} {explode}");
    }
    // Values are percent-encoded, delimiters are not; an empty array keeps the style's mark.
    assert_eq!(encode_path(&param(Location::Path, Style::Simple, false, &STRINGS), &json!(["a b", "c/d"])).as_deref(), Some("a%20b,c%2Fd"));
    assert_eq!(encode_path(&param(Location::Path, Style::Label, false, &STRINGS), &json!([])).as_deref(), Some("."));
    assert_eq!(encode_path(&param(Location::Path, Style::Matrix, false, &STRINGS), &json!([])).as_deref(), Some(";color"));
}

#[test]
fn parameters_are_read_by_their_type() {
    let integer = ParamMeta::new("n", "n", Location::Query, &Ty::Integer { bits: 64 }, true);
    assert_eq!(decode_param(&integer, &["42"]), Ok(json!(42)));
    assert_eq!(decode_param(&integer, &["4x"]).unwrap_err().to_string(), "n: \"4x\" is not an integer");
    let flag = ParamMeta::new("f", "f", Location::Query, &Ty::Boolean, true);
    assert_eq!(decode_param(&flag, &["true"]), Ok(json!(true)));
    assert!(decode_param(&flag, &["yes"]).is_err());
    let list = ParamMeta::new("ids", "ids", Location::Query, &Ty::Array(&Ty::Number, &Constraints::NONE), true);
    assert_eq!(decode_param(&list, &["1.5", "2"]), Ok(json!([1.5, 2.0])));
    let json_param = ParamMeta::new("where", "where", Location::Query, &Ty::Any, true).json();
    assert_eq!(decode_param(&json_param, &["{\"a\":[1]}"]), Ok(json!({ "a": [1] })));
    assert!(decode_param(&json_param, &["{"]).is_err());
}

static LINE: TypeMeta = TypeMeta::new(
    "Line",
    "#/components/schemas/Line",
    TypeMetaKind::Struct {
        fields: &[FieldMeta::new("price", &Ty::String, true), FieldMeta::new("quantity", &Ty::Integer { bits: 64 }, false)],
        additional: Additional::Forbidden,
    },
);
static LINE_TY: Ty = Ty::Named(&LINE);
static ORDER: TypeMeta = TypeMeta::new(
    "Order",
    "#/components/schemas/Order",
    TypeMetaKind::Struct {
        fields: &[
            FieldMeta::new("amount", &Ty::Integer { bits: 64 }, true),
            FieldMeta::new("expand", &STRINGS, false),
            FieldMeta::new("codes", &Ty::Array(&Ty::Integer { bits: 64 }, &Constraints::NONE), false),
            FieldMeta::new("metadata", &MAP, false),
            FieldMeta::new("items", &Ty::Array(&Ty::Named(&LINE), &Constraints::NONE), false),
            FieldMeta::new("file", &Ty::Binary, false),
        ],
        additional: Additional::Forbidden,
    },
);
static ORDER_TY: Ty = Ty::Named(&ORDER);
static CODES_DELIMITED: &[PartMeta] = &[
    PartMeta { property: "codes", content_type: None, style: Some(Style::Form), explode: Some(false) },
    PartMeta { property: "file", content_type: Some("image/png"), style: None, explode: None },
];
static FORM: BodyMeta =
    BodyMeta { media_type: "application/x-www-form-urlencoded", kind: BodyKind::Form, also: &[], encoding: CODES_DELIMITED, required: true, ty: &ORDER_TY };

#[test]
fn form_bodies_use_brackets_for_structure_and_read_back_typed() {
    let order = json!({
        "amount": 500,
        "expand": ["customer", "a b&c"],
        "codes": [1, 2, 3],
        "metadata": { "order": "6735" },
        "items": [{ "price": "p_1", "quantity": 2 }],
    });
    let text = encode_form(&FORM, &order).unwrap();
    assert_eq!(text, "amount=500&expand=customer&expand=a+b%26c&codes=1,2,3&metadata%5Border%5D=6735&items%5B0%5D%5Bprice%5D=p_1&items%5B0%5D%5Bquantity%5D=2");
    assert_eq!(decode_form(&FORM, &text), Ok(order));
    assert_eq!(decode_form(&FORM, "amount=lots").unwrap_err().to_string(), "body.amount: \"lots\" is not an integer");
    // `a[]=` appends, as PHP and Rails write arrays.
    assert_eq!(decode_form(&FORM, "items[][price]=x&items[][price]=y").unwrap()["items"], json!([{ "price": "x" }, { "price": "y" }]));
}

/// A part's name, file name, content type and bytes.
type PartSummary<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [u8]);

static MULTIPART: BodyMeta = BodyMeta { media_type: "multipart/form-data", kind: BodyKind::Multipart, ..FORM };

#[test]
fn multipart_parts_carry_files_text_and_json_and_read_back() {
    let file = Binary::new(vec![0u8, 0xff, b'\r', b'\n', b'-']).with_file_name("cat.png");
    let value = json!({ "amount": 7, "expand": ["a", "b"], "metadata": { "k": "v" }, "file": file.to_text() });
    let parts = multipart_parts(&MULTIPART, &value).unwrap();
    let summary: Vec<PartSummary> = parts.iter().map(|p| (p.name.as_str(), p.file_name.as_deref(), p.content_type.as_deref(), p.bytes.as_slice())).collect();
    assert_eq!(
        summary,
        [
            ("amount", None, None, b"7".as_slice()),
            ("expand", None, None, b"a".as_slice()),
            ("expand", None, None, b"b".as_slice()),
            ("metadata", None, Some("application/json"), b"{\"k\":\"v\"}".as_slice()),
            ("file", Some("cat.png"), Some("image/png"), [0u8, 0xff, b'\r', b'\n', b'-'].as_slice()),
        ]
    );
    assert_eq!(decode_multipart(&MULTIPART, parts), Ok(value));
    let bad = vec![Part { name: "amount".into(), file_name: None, content_type: None, bytes: b"seven".to_vec() }];
    assert_eq!(decode_multipart(&MULTIPART, bad).unwrap_err().to_string(), "body.amount: \"seven\" is not an integer");
}

#[test]
fn credentials_go_where_their_scheme_says() {
    assert_eq!(place_credential(SchemeKind::Bearer, "t0k"), Some(Placement::Header("authorization".into(), "Bearer t0k".into())));
    assert_eq!(place_credential(SchemeKind::Basic, "dXNlcjpwdw=="), Some(Placement::Header("authorization".into(), "Basic dXNlcjpwdw==".into())));
    let key = |location| SchemeKind::ApiKey { location, param: "api_key" };
    assert_eq!(place_credential(key(Location::Header), "k"), Some(Placement::Header("api_key".into(), "k".into())));
    assert_eq!(place_credential(key(Location::Query), "a b&c"), Some(Placement::Query("api_key=a+b%26c".into())));
    assert_eq!(place_credential(key(Location::Cookie), "k"), Some(Placement::Cookie("api_key=k".into())));
    assert_eq!(place_credential(key(Location::Path), "k"), None);
}

#[test]
fn the_first_security_alternative_that_can_be_met_is_used() {
    use rocketgen_runtime::meta::{SchemeMeta, place_credentials};
    let bearer = SchemeMeta { name: "bearer", kind: SchemeKind::Bearer };
    let key = SchemeMeta { name: "key", kind: SchemeKind::ApiKey { location: Location::Query, param: "k" } };
    let cookie = SchemeMeta { name: "session", kind: SchemeKind::ApiKey { location: Location::Cookie, param: "s" } };
    // `bearer`, or `key` and `session` together.
    let security: &[&[&SchemeMeta]] = &[&[&bearer], &[&key, &cookie]];
    let secrets = |given: &'static [(&'static str, &'static str)]| move |name: &str| given.iter().find(|(n, _)| *n == name).map(|(_, s)| *s);
    assert_eq!(
        place_credentials(security, secrets(&[("bearer", "t"), ("key", "k1")])),
        Some(vec![Placement::Header("authorization".into(), "Bearer t".into())])
    );
    assert_eq!(
        place_credentials(security, secrets(&[("key", "k1"), ("session", "s1")])),
        Some(vec![Placement::Query("k=k1".into()), Placement::Cookie("s=s1".into())])
    );
    assert_eq!(place_credentials(security, secrets(&[("key", "k1")])), None);
    assert_eq!(place_credentials(&[], secrets(&[])), Some(Vec::new()));
}

fn check(value: Value, ty: &Ty<'_>, constraints: &Constraints<'_>) -> Result<(), String> {
    validate(&value, ty, constraints, "v", Strictness::Request).map_err(|e| e.to_string())
}

#[test]
fn every_constraint_refuses_naming_the_place() {
    let c = |c: Constraints<'static>| c;
    let cases: Vec<(Value, &Ty, Constraints, Option<&str>)> = vec![
        (json!(5), &Ty::Number, c(Constraints { minimum: Some(5.0), ..Constraints::NONE }), None),
        (json!(5), &Ty::Number, c(Constraints { minimum: Some(5.0), exclusive_minimum: true, ..Constraints::NONE }), Some("v: must be > 5")),
        (json!(4.9), &Ty::Number, c(Constraints { minimum: Some(5.0), ..Constraints::NONE }), Some("v: must be >= 5")),
        (json!(11), &Ty::Integer { bits: 64 }, c(Constraints { maximum: Some(10.0), ..Constraints::NONE }), Some("v: must be <= 10")),
        (json!(10), &Ty::Integer { bits: 64 }, c(Constraints { maximum: Some(10.0), exclusive_maximum: true, ..Constraints::NONE }), Some("v: must be < 10")),
        (json!(0.3), &Ty::Number, c(Constraints { multiple_of: Some(0.1), ..Constraints::NONE }), None),
        (json!(0.35), &Ty::Number, c(Constraints { multiple_of: Some(0.1), ..Constraints::NONE }), Some("v: must be a multiple of 0.1")),
        (json!(15), &Ty::Integer { bits: 64 }, c(Constraints { multiple_of: Some(5.0), ..Constraints::NONE }), None),
        (json!(3_000_000_000i64), &Ty::Integer { bits: 32 }, Constraints::NONE, Some("v: must be a 32-bit integer")),
        (json!("ab"), &Ty::String, c(Constraints { min_length: Some(3), ..Constraints::NONE }), Some("v: must be at least 3 character(s) long")),
        (json!("ééé"), &Ty::String, c(Constraints { max_length: Some(3), ..Constraints::NONE }), None),
        (json!("abcd"), &Ty::String, c(Constraints { max_length: Some(3), ..Constraints::NONE }), Some("v: must be at most 3 character(s) long")),
        (json!("AB-12"), &Ty::String, c(Constraints { pattern: Some("^[A-Z]+-\\d+$"), ..Constraints::NONE }), None),
        (json!("ab-12"), &Ty::String, c(Constraints { pattern: Some("^[A-Z]+-\\d+$"), ..Constraints::NONE }), Some("v: must match the pattern ^[A-Z]+-\\d+$")),
        (json!("2024-02-30"), &Ty::String, c(Constraints { format: Some("date"), ..Constraints::NONE }), Some("v: must be an RFC 3339 date (2024-01-31)")),
        (json!("not-an-email"), &Ty::String, c(Constraints { format: Some("email"), ..Constraints::NONE }), Some("v: must be an email address")),
        (json!("x"), &Ty::String, c(Constraints { format: Some("uuid"), ..Constraints::NONE }), Some("v: must be a UUID (8-4-4-4-12 hexadecimal digits)")),
        (json!("10.0.0.300"), &Ty::String, c(Constraints { format: Some("ipv4"), ..Constraints::NONE }), Some("v: must be an IPv4 address")),
        (json!("::g"), &Ty::String, c(Constraints { format: Some("ipv6"), ..Constraints::NONE }), Some("v: must be an IPv6 address")),
        (json!("no scheme"), &Ty::String, c(Constraints { format: Some("uri"), ..Constraints::NONE }), Some("v: must be an absolute URI")),
        (json!("12:00:00"), &Ty::String, c(Constraints { format: Some("time"), ..Constraints::NONE }), Some("v: must be an RFC 3339 time (12:00:00Z)")),
        (
            json!("2024-01-31T00:00:00"),
            &Ty::String,
            c(Constraints { format: Some("date-time"), ..Constraints::NONE }),
            Some("v: must be an RFC 3339 date-time (2024-01-31T12:00:00Z)"),
        ),
        (json!([1]), &STRINGS, c(Constraints { min_items: Some(2), ..Constraints::NONE }), Some("v: must have at least 2 item(s)")),
        (json!(["a", "b"]), &STRINGS, c(Constraints { max_items: Some(1), ..Constraints::NONE }), Some("v: must have at most 1 item(s)")),
        (
            json!(["a", "b", "a"]),
            &STRINGS,
            c(Constraints { unique_items: true, ..Constraints::NONE }),
            Some("v[2]: repeats an earlier item; items must be unique"),
        ),
        (json!({}), &MAP, c(Constraints { min_properties: Some(1), ..Constraints::NONE }), Some("v: must have at least 1 property")),
        (json!({ "a": "1", "b": "2" }), &MAP, c(Constraints { max_properties: Some(1), ..Constraints::NONE }), Some("v: must have at most 1 property")),
        (json!({ "price": "p" }), &LINE_TY, c(Constraints { max_properties: Some(1), ..Constraints::NONE }), None),
        (
            json!({ "price": "p", "quantity": 1 }),
            &LINE_TY,
            c(Constraints { max_properties: Some(1), ..Constraints::NONE }),
            Some("v: must have at most 1 property"),
        ),
        (json!({ "quantity": 1 }), &LINE_TY, Constraints::NONE, Some("v.price: is required")),
        (json!({ "price": "p", "extra": 1 }), &LINE_TY, Constraints::NONE, Some("v.extra: is not a known field")),
        (json!(null), &Ty::String, Constraints::NONE, Some("v: must not be null; expected a string")),
    ];
    for (value, ty, constraints, expected) in cases {
        let shown = value.to_string();
        assert_eq!(check(value, ty, &constraints).err().as_deref(), expected, "{shown}");
    }
}

#[test]
fn answers_are_read_tolerantly() {
    static STATE: TypeMeta = TypeMeta::new("State", "#/components/schemas/State", TypeMetaKind::Enum { values: &["on", "off"] });
    let state = Ty::Named(&STATE);
    assert!(validate(&json!("dimmed"), &state, &Constraints::NONE, "v", Strictness::Request).is_err());
    assert!(validate(&json!("dimmed"), &state, &Constraints::NONE, "v", Strictness::Response).is_ok());
    let extra = json!({ "price": "p", "extra": 1 });
    assert!(validate(&extra, &Ty::Named(&LINE), &Constraints::NONE, "v", Strictness::Response).is_ok());
}

#[test]
fn synthesized_values_keep_their_constraints() {
    let sets = [
        (Ty::Integer { bits: 32 }, Constraints { minimum: Some(10.0), maximum: Some(20.0), multiple_of: Some(3.0), ..Constraints::NONE }),
        (Ty::Number, Constraints { minimum: Some(-1.0), maximum: Some(1.0), exclusive_maximum: true, ..Constraints::NONE }),
        (Ty::Number, Constraints { multiple_of: Some(0.25), minimum: Some(0.3), ..Constraints::NONE }),
        (Ty::String, Constraints { min_length: Some(12), max_length: Some(14), ..Constraints::NONE }),
        (Ty::String, Constraints { pattern: Some("^[A-Z]+$"), ..Constraints::NONE }),
        (Ty::String, Constraints { pattern: Some("^[a-z]+-\\d+$"), ..Constraints::NONE }),
        (Ty::String, Constraints { format: Some("date-time"), ..Constraints::NONE }),
        (Ty::String, Constraints { format: Some("date"), ..Constraints::NONE }),
        (Ty::String, Constraints { format: Some("time"), ..Constraints::NONE }),
        (Ty::String, Constraints { format: Some("email"), ..Constraints::NONE }),
        (Ty::String, Constraints { format: Some("uuid"), ..Constraints::NONE }),
        (Ty::String, Constraints { format: Some("ipv4"), ..Constraints::NONE }),
        (Ty::String, Constraints { format: Some("ipv6"), ..Constraints::NONE }),
        (Ty::String, Constraints { format: Some("uri"), ..Constraints::NONE }),
        (STRINGS_OF_TWO, Constraints { min_items: Some(2), max_items: Some(3), unique_items: true, ..Constraints::NONE }),
    ];
    for (ty, constraints) in &sets {
        for seed in 0..50 {
            let value = Synth::new(Fill::Full, seed).value(ty, constraints, "case");
            assert_eq!(check(value.clone(), ty, constraints), Ok(()), "seed {seed}: {value} for {constraints:?}");
        }
    }
}

const STRINGS_OF_TWO: Ty = Ty::Array(&Ty::String, &Constraints::NONE);

#[test]
fn binary_values_keep_their_name_and_type_inside_json() {
    let plain = Binary::new(b"hi".to_vec());
    assert_eq!(plain.to_text(), "aGk=");
    let named = Binary::new(b"hi".to_vec()).with_file_name("a.txt").with_content_type("text/plain");
    assert_eq!(Binary::from_text(&named.to_text()), named);
    assert_eq!(Binary::from_text(&plain.to_text()), plain);
}
