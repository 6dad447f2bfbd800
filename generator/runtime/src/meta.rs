//! What the spec says about each operation and type, as static data, and the rules that follow
//! from it: how parameters are written and read, and how a JSON value is validated. The server
//! and the client both use these, so they cannot disagree.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Number, Value};

mod data;

pub use data::*;

/// An operation: where it lives, what it takes, what it answers.
#[derive(Debug)]
pub struct OperationMeta<'a> {
    /// `{tag}.{operationId}`.
    pub tool_name: &'a str,
    pub http_method: Method,
    /// The path template below the base path, e.g. `/items/{id}`.
    pub path: &'a str,
    pub params: &'a [ParamMeta<'a>],
    pub body: Option<BodyMeta<'a>>,
    /// Alternatives (any one will do) of scheme sets (all needed); empty: no credentials.
    pub security: &'a [&'a [&'a SchemeMeta<'a>]],
    pub responses: &'a [ResponseMeta<'a>],
}

impl<'a> OperationMeta<'a> {
    /// The declared response for a status code: its own, else its class's, else `default`.
    pub fn response(&self, code: u16) -> Option<&'a ResponseMeta<'a>> {
        let responses = self.responses;
        responses
            .iter()
            .find(|r| r.status == Status::Code(code))
            .or_else(|| responses.iter().find(|r| matches!(r.status, Status::Class(_)) && r.status.covers(code)))
            .or_else(|| responses.iter().find(|r| r.status == Status::Default))
    }
}

/// How an operation's pages follow one another: what the client's page and item streams send
/// and read. Parameters are named by their request field; paths are JSON names from the success
/// body's root.
#[derive(Debug)]
pub struct PaginationMeta<'a> {
    pub scheme: PageScheme<'a>,
    /// The JSON names leading to the items; empty when the body is the array.
    pub items: &'a [&'a str],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageScheme<'a> {
    /// `page` counts up from the request's (1 if unset) until the last page or an empty one.
    PageNumber {
        page: &'a str,
        total_pages: Option<&'a [&'a str]>,
        total_items: Option<&'a [&'a str]>,
        /// Absent, null, empty or false on the last page.
        has_next: Option<&'a [&'a str]>,
    },
    /// `offset` grows by the items received until a short or empty page.
    OffsetLimit { offset: &'a str, limit: Option<&'a str>, total_items: Option<&'a [&'a str]> },
    /// The answer's next cursor goes back in `cursor` until it is absent or empty.
    Cursor { cursor: &'a str, next_cursor: &'a [&'a str] },
    /// The last item's `field` goes back in `cursor` while `has_more` says there is more.
    LastItem { cursor: &'a str, field: &'a str, has_more: &'a [&'a str] },
    /// The URL of `Link: <…>; rel="next"`, until there is none.
    Link,
}

/// A security scheme: how its credential travels.
#[derive(Debug)]
pub struct SchemeMeta<'a> {
    pub name: &'a str,
    pub kind: SchemeKind<'a>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemeKind<'a> {
    /// `Authorization: Bearer <token>` (OAuth2, OpenID Connect, HTTP bearer).
    Bearer,
    /// `Authorization: Basic <base64 of user:password>`.
    Basic,
    /// The raw key in a header, query parameter or cookie.
    ApiKey { location: Location, param: &'a str },
}

/// An HTTP method an operation is served at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    /// The method as HTTP writes it: `GET`, `POST`, …
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The status key of a declared response: a code, a class (`4XX`) or `default`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// One status code, e.g. 200.
    Code(u16),
    /// A class of codes: 1 to 5 for `1XX` … `5XX`.
    Class(u8),
    /// `default`: any status not declared otherwise.
    Default,
}

impl Status {
    /// The code, for a key that names one.
    pub const fn code(self) -> Option<u16> {
        match self {
            Status::Code(code) => Some(code),
            _ => None,
        }
    }

    /// Whether a response of status `code` falls under this key (ignoring more precise keys).
    pub const fn covers(self, code: u16) -> bool {
        match self {
            Status::Code(own) => own == code,
            Status::Class(class) => code / 100 == class as u16,
            Status::Default => true,
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::Code(code) => write!(f, "{code}"),
            Status::Class(class) => write!(f, "{class}XX"),
            Status::Default => f.write_str("default"),
        }
    }
}

/// Written as the spec writes it: `"200"`, `"4XX"`, `"default"`.
impl serde::Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Status {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Status::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("{text:?} is not a status: a code, `1XX` … `5XX` or `default`")))
    }
}

impl Status {
    /// A status key as the spec writes it: `"200"`, `"4XX"` (any case), `"default"`.
    pub fn parse(text: &str) -> Option<Status> {
        if text == "default" {
            return Some(Status::Default);
        }
        match text.as_bytes() {
            [class @ b'1'..=b'5', b'X' | b'x', b'X' | b'x'] => Some(Status::Class(class - b'0')),
            _ => text.parse().ok().filter(|code| (100..=599).contains(code)).map(Status::Code),
        }
    }
}

/// Where a parameter (or an API key) travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

/// How a parameter's value is written (OpenAPI's `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Style {
    Simple,
    Form,
    Label,
    Matrix,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

#[derive(Debug)]
pub struct ParamMeta<'a> {
    /// The name on the wire.
    pub name: &'a str,
    /// The field of the request type.
    pub field: &'a str,
    pub location: Location,
    pub style: Style,
    pub explode: bool,
    pub required: bool,
    pub ty: &'a Ty<'a>,
    pub constraints: &'a Constraints<'a>,
    /// The default as JSON text, applied by servers when the parameter is absent.
    pub default: Option<&'a str>,
    /// A parameter given by `content` (JSON): its value travels as JSON text.
    pub json: bool,
    /// A header the spec names as an idempotency key: a POST or PATCH that sets it may be
    /// retried.
    pub idempotency_key: bool,
}

#[derive(Debug)]
pub struct BodyMeta<'a> {
    /// The media type clients send.
    pub media_type: &'a str,
    pub kind: BodyKind,
    /// Other media types servers accept for the same value.
    pub also: &'a [(&'a str, BodyKind)],
    /// How properties of a form or multipart body are written (the spec's `encoding`).
    pub encoding: &'a [PartMeta<'a>],
    pub required: bool,
    pub ty: &'a Ty<'a>,
}

/// How a body's bytes relate to its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`: one part per property.
    Multipart,
    /// A `String` as UTF-8 text.
    Text,
    /// A [`Binary`] as raw bytes.
    Binary,
}

/// How a streamed response body divides into items, each read and written as its
/// [`BodyKind`] says (JSON, or text for events whose data is plain text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Framing {
    /// `text/event-stream`: server-sent events, each item an event's data.
    EventStream,
    /// `application/x-ndjson`, `application/jsonl` and their aliases: one JSON value per line.
    JsonLines,
    /// `application/json-seq` (RFC 7464): each JSON value after a record separator.
    JsonSeq,
}

impl Framing {
    /// The framing a media type names, if it names one.
    pub fn of_media_type(media_type: &str) -> Option<Framing> {
        let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        match essence.as_str() {
            "text/event-stream" => Some(Framing::EventStream),
            "application/x-ndjson"
            | "application/ndjson"
            | "application/jsonl"
            | "application/x-jsonl"
            | "application/jsonlines"
            | "application/x-jsonlines"
            | "application/json-lines" => Some(Framing::JsonLines),
            "application/json-seq" => Some(Framing::JsonSeq),
            _ => None,
        }
    }
}

/// One property's `encoding` in a form or multipart body.
#[derive(Debug)]
pub struct PartMeta<'a> {
    pub property: &'a str,
    pub content_type: Option<&'a str>,
    pub style: Option<Style>,
    pub explode: Option<bool>,
}

/// Parameters are written as `ParamMeta::new(name, field, location, ty, required)` with only
/// what differs from the location's usual style and the common case added.
impl<'a> ParamMeta<'a> {
    pub const fn new(name: &'a str, field: &'a str, location: Location, ty: &'a Ty<'a>, required: bool) -> ParamMeta<'a> {
        let (style, explode) = match location {
            Location::Path | Location::Header => (Style::Simple, false),
            Location::Query | Location::Cookie => (Style::Form, true),
        };
        ParamMeta { name, field, location, style, explode, required, ty, constraints: &Constraints::NONE, default: None, json: false, idempotency_key: false }
    }

    pub const fn style(mut self, style: Style, explode: bool) -> Self {
        self.style = style;
        self.explode = explode;
        self
    }

    pub const fn constraints(mut self, constraints: &'a Constraints<'a>) -> Self {
        self.constraints = constraints;
        self
    }

    pub const fn default(mut self, json: &'a str) -> Self {
        self.default = Some(json);
        self
    }

    pub const fn json(mut self) -> Self {
        self.json = true;
        self
    }

    pub const fn idempotency_key(mut self) -> Self {
        self.idempotency_key = true;
        self
    }
}

#[derive(Debug)]
pub struct ResponseMeta<'a> {
    pub status: Status,
    /// The variant of the response enum.
    pub variant: &'a str,
    pub media_type: Option<&'a str>,
    /// How the body's bytes relate to its value (of each item's, where it is a stream):
    /// JSON, text or raw bytes.
    pub kind: BodyKind,
    /// The body's type; of each item where the body is a stream.
    pub body: Option<&'a Ty<'a>>,
    /// Set where the body is a stream of items.
    pub stream: Option<Framing>,
    pub headers: &'a [HeaderMeta<'a>],
}

impl<'a> ResponseMeta<'a> {
    /// A response without a body or headers; `.body(…)` and `.headers(…)` add them.
    pub const fn new(status: Status, variant: &'a str) -> ResponseMeta<'a> {
        ResponseMeta { status, variant, media_type: None, kind: BodyKind::Json, body: None, stream: None, headers: &[] }
    }

    /// The body is text or raw bytes rather than JSON.
    pub const fn kind(mut self, kind: BodyKind) -> Self {
        self.kind = kind;
        self
    }

    /// The body is a stream of items of the body's type, divided as `framing` says.
    pub const fn stream(mut self, framing: Framing) -> Self {
        self.stream = Some(framing);
        self
    }

    pub const fn body(mut self, media_type: &'a str, ty: &'a Ty<'a>) -> Self {
        self.media_type = Some(media_type);
        self.body = Some(ty);
        self
    }

    pub const fn headers(mut self, headers: &'a [HeaderMeta<'a>]) -> Self {
        self.headers = headers;
        self
    }
}

/// A response header: its name (lower case), the variant's field, its type.
#[derive(Debug)]
pub struct HeaderMeta<'a> {
    pub name: &'a str,
    pub field: &'a str,
    pub required: bool,
    pub ty: &'a Ty<'a>,
}

/// A type use.
#[derive(Debug)]
pub enum Ty<'a> {
    String,
    Integer {
        bits: u8,
    },
    Number,
    Boolean,
    /// Raw bytes ([`Binary`]), base64 text inside JSON values.
    Binary,
    Any,
    Array(&'a Ty<'a>, &'a Constraints<'a>),
    Map(&'a Ty<'a>, &'a Constraints<'a>),
    Named(&'a TypeMeta<'a>),
}

/// A named type.
#[derive(Debug)]
pub struct TypeMeta<'a> {
    pub name: &'a str,
    /// JSON pointer to the schema in the spec.
    pub pointer: &'a str,
    kind: KindCell<'a>,
}

/// A type's kind: given when the type is written as a static, or set once when metadata is
/// loaded from data (types refer to one another, so each exists before any kind is read).
#[derive(Debug)]
enum KindCell<'a> {
    Given(TypeMetaKind<'a>),
    /// Loaded metadata lives as long as the program, so the cell does not name `'a` (a cell
    /// would make `TypeMeta` invariant in it).
    Loaded(&'static std::sync::OnceLock<TypeMetaKind<'static>>),
}

/// The kind of a type whose kind was never set: a union of nothing, which no value matches.
static UNSET: TypeMetaKind<'static> = TypeMetaKind::Union(&[]);

impl<'a> TypeMeta<'a> {
    pub const fn new(name: &'a str, pointer: &'a str, kind: TypeMetaKind<'a>) -> TypeMeta<'a> {
        TypeMeta { name, pointer, kind: KindCell::Given(kind) }
    }

    /// A type whose kind is set in `cell` later, once every type it may refer to exists.
    pub(crate) const fn to_load(name: &'a str, pointer: &'a str, cell: &'static std::sync::OnceLock<TypeMetaKind<'static>>) -> TypeMeta<'a> {
        TypeMeta { name, pointer, kind: KindCell::Loaded(cell) }
    }

    pub fn kind(&self) -> &TypeMetaKind<'a> {
        match &self.kind {
            KindCell::Given(kind) => kind,
            // The loader sets every kind before it hands the types out.
            KindCell::Loaded(cell) => cell.get().unwrap_or(&UNSET),
        }
    }
}

#[derive(Debug)]
pub enum TypeMetaKind<'a> {
    Struct {
        fields: &'a [FieldMeta<'a>],
        additional: Additional<'a>,
    },
    Enum {
        values: &'a [&'a str],
    },
    Newtype(&'a Ty<'a>, &'a Constraints<'a>),
    Union(&'a [&'a Ty<'a>]),
    /// A discriminated union: `values` maps tag values to indices into `variants`.
    Tagged {
        property: &'a str,
        variants: &'a [&'a Ty<'a>],
        values: &'a [(&'a str, usize)],
    },
}

#[derive(Debug)]
pub enum Additional<'a> {
    /// `additionalProperties: false`.
    Forbidden,
    Any,
    Typed(&'a Ty<'a>),
}

#[derive(Debug)]
pub struct FieldMeta<'a> {
    pub name: &'a str,
    pub ty: &'a Ty<'a>,
    pub required: bool,
    pub nullable: bool,
    /// Sent by servers only: not required in requests.
    pub read_only: bool,
    /// Sent by clients only: not required in answers.
    pub write_only: bool,
    /// Listed in `required` but not defined by the spec: any value.
    pub undeclared: bool,
    pub constraints: &'a Constraints<'a>,
    /// The spec's default and example, as JSON text.
    pub default: Option<&'a str>,
    pub example: Option<&'a str>,
}

/// Fields are written as `FieldMeta::new(name, ty, required)` with only what differs from the
/// common case added (`.nullable()`, `.constraints(…)`), so that specs with thousands of
/// fields give a short file.
impl<'a> FieldMeta<'a> {
    pub const fn new(name: &'a str, ty: &'a Ty<'a>, required: bool) -> FieldMeta<'a> {
        FieldMeta {
            name,
            ty,
            required,
            nullable: false,
            read_only: false,
            write_only: false,
            undeclared: false,
            constraints: &Constraints::NONE,
            default: None,
            example: None,
        }
    }

    pub const fn nullable(mut self) -> Self {
        self.nullable = true;
        self
    }

    pub const fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    pub const fn write_only(mut self) -> Self {
        self.write_only = true;
        self
    }

    pub const fn undeclared(mut self) -> Self {
        self.undeclared = true;
        self
    }

    pub const fn constraints(mut self, constraints: &'a Constraints<'a>) -> Self {
        self.constraints = constraints;
        self
    }

    pub const fn default(mut self, json: &'a str) -> Self {
        self.default = Some(json);
        self
    }

    pub const fn example(mut self, json: &'a str) -> Self {
        self.example = Some(json);
        self
    }
}

/// Validation keywords.
#[derive(Debug, Default)]
pub struct Constraints<'a> {
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: bool,
    pub exclusive_maximum: bool,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    pub unique_items: bool,
    /// `format`, e.g. `date-time`.
    pub format: Option<&'a str>,
    /// `pattern`: an ECMA-262 regular expression a string must match somewhere.
    pub pattern: Option<&'a str>,
    pub multiple_of: Option<f64>,
    pub min_properties: Option<usize>,
    pub max_properties: Option<usize>,
}

impl Constraints<'static> {
    /// No constraints.
    pub const NONE: Constraints<'static> = Constraints {
        minimum: None,
        maximum: None,
        exclusive_minimum: false,
        exclusive_maximum: false,
        min_length: None,
        max_length: None,
        min_items: None,
        max_items: None,
        unique_items: false,
        format: None,
        pattern: None,
        multiple_of: None,
        min_properties: None,
        max_properties: None,
    };
}

/// Why a value was refused, and where: a JSON path such as `body.items[2].type` or a parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

pub(crate) fn invalid(path: &str, message: impl Into<String>) -> Invalid {
    Invalid { path: path.to_string(), message: message.into() }
}

/// The text form of a scalar parameter value.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Whether a parameter is an array written in one value with delimiters (`ff=idp,ldp`)
/// rather than one value per item (`ff=idp&ff=ldp`).
pub fn is_delimited_array(param: &ParamMeta) -> bool {
    !param.json && matches!(resolve(param.ty), Ty::Array(..)) && !(param.explode && param.location == Location::Query)
}

/// The delimiter between the items of a delimited array, as written in a URL.
pub fn raw_delimiter(style: Style) -> &'static str {
    match style {
        Style::SpaceDelimited => "%20",
        Style::PipeDelimited => "|",
        _ => ",",
    }
}

/// Writes a path, header or cookie parameter's value as the spec says: its text, not yet
/// percent-encoded (`None` for no value).
pub fn encode_param(param: &ParamMeta, value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        _ if param.json => Some(value.to_string()),
        Value::Array(items) => Some(items.iter().map(scalar_text).collect::<Vec<_>>().join(",")),
        Value::Object(map) if param.explode => Some(map.iter().map(|(k, v)| format!("{k}={}", scalar_text(v))).collect::<Vec<_>>().join(",")),
        Value::Object(map) => Some(map.iter().flat_map(|(k, v)| [k.clone(), scalar_text(v)]).collect::<Vec<_>>().join(",")),
        other => {
            let _ = param;
            Some(scalar_text(other))
        }
    }
}

/// Everything but RFC 3986's unreserved characters is escaped in a path segment's values, so
/// ids with `/`, spaces or non-ASCII text stay one segment.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// What URLs percent-encode in a path (the WHATWG path set, non-ASCII always): a template's
/// literal text on the wire. Braces are left for the parameters.
const PATH_LITERAL: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b' ').add(b'"').add(b'#').add(b'<').add(b'>').add(b'?').add(b'`');

/// A path template's literal text as a request carries it (`/名前/{id}` →
/// `/%E5%90%8D%E5%89%8D/{id}`), so that routes and requests agree.
pub fn encode_path_literal(template: &str) -> String {
    percent_encoding::utf8_percent_encode(template, PATH_LITERAL).to_string()
}

/// Fills a path template: the literal text as [`encode_path_literal`] writes it, each `{name}`
/// by `value(name, whole_segment)` (already encoded; `whole_segment` when the parameter is a
/// segment alone, where URLs would resolve a `.` or `..` away).
pub fn fill_path<E>(template: &str, mut value: impl FnMut(&str, bool) -> Result<String, E>) -> Result<String, E> {
    let mut path = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { break };
        path.push_str(&encode_path_literal(&rest[..open]));
        let name = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        let whole_segment = (path.ends_with('/') || path.is_empty()) && (rest.is_empty() || rest.starts_with('/'));
        path.push_str(&value(name, whole_segment)?);
    }
    path.push_str(&encode_path_literal(rest));
    Ok(path)
}

/// Writes a path parameter as its style says, ready for the URL: each value percent-encoded,
/// the style's delimiters bare (`simple` `3,4`; `label` `.3,4` or `.3.4`; `matrix` `;id=3,4` or
/// `;id=3;id=4`). `None` for no value.
pub fn encode_path(param: &ParamMeta, value: &Value) -> Option<String> {
    let enc = |text: &str| percent_encoding::utf8_percent_encode(text, SEGMENT).to_string();
    let name = enc(param.name);
    if value.is_null() {
        return None;
    }
    // The values in order, and for an object its keys beside them.
    let (items, pairs): (Vec<String>, Vec<(String, String)>) = match value {
        _ if param.json => (vec![enc(&value.to_string())], Vec::new()),
        Value::Array(items) => (items.iter().map(|v| enc(&scalar_text(v))).collect(), Vec::new()),
        Value::Object(map) => (Vec::new(), map.iter().map(|(k, v)| (enc(k), enc(&scalar_text(v)))).collect()),
        other => (vec![enc(&scalar_text(other))], Vec::new()),
    };
    let is_object = value.is_object() && !param.json;
    let (prefix, separator) = match (param.style, param.explode) {
        (Style::Label, true) => (".", "."),
        (Style::Label, false) => (".", ","),
        (Style::Matrix, true) if is_object => (";", ";"),
        (Style::Matrix, true) => (";", ""),
        (Style::Matrix, false) => (";", ","),
        (_, _) => ("", ","),
    };
    let body = if is_object {
        let written: Vec<String> = match param.explode {
            true => pairs.iter().map(|(k, v)| format!("{k}={v}")).collect(),
            false => pairs.iter().flat_map(|(k, v)| [k.clone(), v.clone()]).collect(),
        };
        written.join(separator)
    } else if param.style == Style::Matrix && param.explode {
        // `;id=3;id=4`: the name before every item.
        return Some(if items.is_empty() { format!(";{name}") } else { items.iter().map(|v| format!(";{name}={v}")).collect() });
    } else {
        items.join(separator)
    };
    Some(match param.style {
        // An object exploded in matrix style names its keys, not the parameter.
        Style::Matrix if is_object && param.explode => format!("{prefix}{body}"),
        Style::Matrix if body.is_empty() => format!(";{name}"),
        Style::Matrix => format!(";{name}={body}"),
        _ => format!("{prefix}{body}"),
    })
}

/// A path parameter's value as received (percent-decoded) in the `simple` form its readers
/// take: `label`'s leading `.` and `matrix`'s `;name=` removed, exploded items joined by commas.
pub fn path_as_simple(param: &ParamMeta, text: &str) -> String {
    let compound = !param.json && matches!(resolve(param.ty), Ty::Array(..)) || is_object_param(param);
    match param.style {
        Style::Label => {
            let rest = text.strip_prefix('.').unwrap_or(text);
            if compound && param.explode { rest.replace('.', ",") } else { rest.to_string() }
        }
        Style::Matrix => {
            let pieces = text.split(';').filter(|piece| !piece.is_empty());
            if is_object_param(param) && param.explode {
                return pieces.collect::<Vec<_>>().join(",");
            }
            let values: Vec<&str> = pieces
                .filter_map(|piece| match piece.split_once('=') {
                    Some((name, value)) if name == param.name => Some(value),
                    None if piece == param.name => Some(""),
                    _ => None,
                })
                .collect();
            if compound && param.explode { values.join(",") } else { values.first().copied().unwrap_or_default().to_string() }
        }
        _ => text.to_string(),
    }
}

/// Writes a query parameter as the spec says, as `name=value` pieces of a query string, each
/// item percent-encoded and the delimiters of a delimited array left bare, so that an item
/// holding the delimiter stays one item (`ff=a%2Cb,c`). An empty delimited array is `ff=`, as
/// the OpenAPI style table writes it; an empty exploded array has no form and is left out.
pub fn encode_query(param: &ParamMeta, value: &Value) -> Vec<String> {
    let enc = |text: &str| form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
    let name = enc(param.name);
    match value {
        Value::Null => Vec::new(),
        _ if param.json => vec![format!("{name}={}", enc(&value.to_string()))],
        Value::Array(items) if param.explode => items.iter().map(|v| format!("{name}={}", enc(&scalar_text(v)))).collect(),
        Value::Array(items) => {
            let texts: Vec<String> = items.iter().map(|v| enc(&scalar_text(v))).collect();
            vec![format!("{name}={}", texts.join(raw_delimiter(param.style)))]
        }
        Value::Object(map) if param.style == Style::DeepObject => map.iter().map(|(k, v)| format!("{name}%5B{}%5D={}", enc(k), enc(&scalar_text(v)))).collect(),
        Value::Object(map) if param.explode => map.iter().map(|(k, v)| format!("{}={}", enc(k), enc(&scalar_text(v)))).collect(),
        Value::Object(map) => {
            let texts: Vec<String> = map.iter().flat_map(|(k, v)| [enc(k), enc(&scalar_text(v))]).collect();
            vec![format!("{name}={}", texts.join(","))]
        }
        other => vec![format!("{name}={}", enc(&scalar_text(other)))],
    }
}

/// Reads a parameter into the JSON value its type describes, the inverse of the encoders.
/// `texts` are its values, percent-decoded: for an array, one per item (the caller splits a
/// delimited array before decoding, so that an encoded delimiter stays inside its item).
pub fn decode_param(param: &ParamMeta, texts: &[&str]) -> Result<Value, Invalid> {
    let path = param.name;
    if param.json {
        let text = texts.last().copied().unwrap_or_default();
        return serde_json::from_str(text).map_err(|e| invalid(path, format!("is not valid JSON: {e}")));
    }
    match resolve(param.ty) {
        Ty::Array(item, _) => texts.iter().enumerate().map(|(i, t)| scalar(item, t, &format!("{path}[{i}]"))).collect::<Result<_, _>>().map(Value::Array),
        ty => match texts.last() {
            Some(text) => scalar(ty, text, path),
            None => Ok(Value::Null),
        },
    }
}

/// Whether a parameter's value is an object (written as key/value pairs).
pub fn is_object_param(param: &ParamMeta) -> bool {
    !param.json && (matches!(resolve(param.ty), Ty::Map(..)) || struct_of(resolve(param.ty)).is_some())
}

/// The names of an object parameter's declared properties (for exploded `form` query objects,
/// whose properties appear as query parameters of their own).
pub fn object_param_fields<'a>(param: &ParamMeta<'a>) -> Vec<&'a str> {
    match struct_of(resolve(param.ty)) {
        Some((fields, _)) => fields.iter().map(|f| f.name).collect(),
        None => Vec::new(),
    }
}

/// Reads an object parameter from its key/value pairs (percent-decoded), each value typed by
/// its property (an unknown property stays a string, for validation to judge).
pub fn decode_object(param: &ParamMeta, pairs: &[(String, String)]) -> Result<Value, Invalid> {
    let mut map = Map::new();
    for (key, text) in pairs {
        let path = format!("{}.{key}", param.name);
        let ty = resolve(param.ty);
        let value = match (ty, struct_of(ty)) {
            (Ty::Map(inner, _), _) => scalar(inner, text, &path)?,
            (_, Some((fields, _))) => match fields.iter().find(|f| f.name == key) {
                Some(field) => match resolve(field.ty) {
                    Ty::Array(item, _) => Value::Array(text.split(',').map(|t| scalar(item, t, &path)).collect::<Result<_, _>>()?),
                    ty => scalar(ty, text, &path)?,
                },
                None => Value::String(text.clone()),
            },
            _ => Value::String(text.clone()),
        };
        map.insert(key.clone(), value);
    }
    Ok(Value::Object(map))
}

/// Splits `k1,v1,k2,v2` (or, exploded, `k1=v1,k2=v2`) into pairs.
pub fn object_pairs(text: &str, explode: bool) -> Vec<(String, String)> {
    if explode {
        text.split(',')
            .filter(|p| !p.is_empty())
            .map(|p| p.split_once('=').map_or((p.to_string(), String::new()), |(k, v)| (k.to_string(), v.to_string())))
            .collect()
    } else {
        let parts: Vec<&str> = text.split(',').collect();
        parts.chunks(2).filter(|c| !c[0].is_empty()).map(|c| (c[0].to_string(), c.get(1).unwrap_or(&"").to_string())).collect()
    }
}

/// The type a use stands for, newtypes seen through.
fn resolve<'a>(ty: &'a Ty<'a>) -> &'a Ty<'a> {
    match ty {
        Ty::Named(meta) => match meta.kind() {
            TypeMetaKind::Newtype(inner, _) => resolve(inner),
            _ => ty,
        },
        other => other,
    }
}

/// The fields and additional properties of a named struct type.
fn struct_of<'a>(ty: &'a Ty<'a>) -> Option<(&'a [FieldMeta<'a>], &'a Additional<'a>)> {
    match ty {
        Ty::Named(meta) => match meta.kind() {
            TypeMetaKind::Struct { fields, additional } => Some((fields, additional)),
            _ => None,
        },
        _ => None,
    }
}

fn scalar(ty: &Ty, text: &str, path: &str) -> Result<Value, Invalid> {
    match resolve(ty) {
        Ty::Integer { .. } => text.parse::<i64>().map(Value::from).map_err(|_| invalid(path, format!("{text:?} is not an integer"))),
        Ty::Number => text.parse::<f64>().ok().and_then(Number::from_f64).map(Value::Number).ok_or_else(|| invalid(path, format!("{text:?} is not a number"))),
        Ty::Boolean => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(invalid(path, format!("{text:?} is not true or false"))),
        },
        Ty::Any => Ok(serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))),
        Ty::Map(..) | Ty::Array(..) => Err(invalid(path, "structured values are not supported in this position")),
        _ => Ok(Value::String(text.to_string())),
    }
}

/// Where a credential travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// A header: name and value.
    Header(String, String),
    /// A `name=value` piece of the query string, encoded.
    Query(String),
    /// A `name=value` cookie.
    Cookie(String),
}

/// How a credential of a scheme of this kind is sent.
pub fn place_credential(kind: SchemeKind<'_>, secret: &str) -> Option<Placement> {
    Some(match kind {
        SchemeKind::Bearer => Placement::Header("authorization".into(), format!("Bearer {secret}")),
        SchemeKind::Basic => Placement::Header("authorization".into(), format!("Basic {secret}")),
        SchemeKind::ApiKey { location, param } => match location {
            Location::Header => Placement::Header(param.to_string(), secret.to_string()),
            Location::Query => Placement::Query(form_urlencoded::Serializer::new(String::new()).append_pair(param, secret).finish()),
            Location::Cookie => Placement::Cookie(format!("{param}={secret}")),
            Location::Path => return None,
        },
    })
}

/// Where the credentials go of the first security alternative whose every scheme has a secret
/// (`secret_of` a scheme's name), in the alternative's order; `None` when no alternative can be
/// met. An operation without security needs none. The client and `rocketgen call` both use it.
pub fn place_credentials<'s>(security: &[&[&SchemeMeta<'_>]], secret_of: impl Fn(&str) -> Option<&'s str>) -> Option<Vec<Placement>> {
    if security.is_empty() {
        return Some(Vec::new());
    }
    let alternative = security.iter().find(|alt| alt.iter().all(|s| secret_of(s.name).is_some()))?;
    Some(alternative.iter().filter_map(|s| place_credential(s.kind, secret_of(s.name)?)).collect())
}

impl Placement {
    /// Adds the credential to a request's query pieces, headers or cookies.
    pub fn add_to(self, query: &mut Vec<String>, headers: &mut Vec<(String, String)>, cookies: &mut Vec<String>) {
        match self {
            Placement::Header(name, value) => headers.push((name, value)),
            Placement::Query(piece) => query.push(piece),
            Placement::Cookie(cookie) => cookies.push(cookie),
        }
    }
}

/// The fields of a request as a JSON object, keyed by field name (what request types
/// serialize to); used by clients to find each parameter's value.
///
/// Written as JSON text and read back: the fields' types serialize with the instances the API
/// crate compiled for writing bodies, rather than a second set for `serde_json::Value`.
pub fn request_fields(request: &impl serde::Serialize) -> Result<Map<String, Value>, String> {
    fields_of(serde_json::to_vec(request))
}

/// [`request_fields`] without the type: a request written as JSON text, read as its fields.
pub fn fields_of(text: Result<Vec<u8>, serde_json::Error>) -> Result<Map<String, Value>, String> {
    match text.and_then(|text| serde_json::from_slice(&text)) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Ok(Map::new()),
        Err(e) => Err(e.to_string()),
    }
}

/// Raw bytes (`type: string, format: binary`): a whole body of a non-JSON media type, or a
/// file part of a multipart body, with the file name and content type a part may carry.
///
/// Inside JSON, which cannot hold raw octets, the bytes are base64 text; a file name or content
/// type, when set, makes it a `data:` URL (`data:image/png;filename=cat.png;base64,…`), so that
/// a value read from a multipart part keeps them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Binary {
    pub bytes: Vec<u8>,
    /// The part's `filename`; `None` sends a part without one.
    pub file_name: Option<String>,
    /// The media type, when it differs from what the spec declares for this value.
    pub content_type: Option<String>,
}

impl Binary {
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Binary { bytes: bytes.into(), file_name: None, content_type: None }
    }

    pub fn with_file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The text form used inside JSON values.
    pub fn to_text(&self) -> String {
        let data = BASE64.encode(&self.bytes);
        if self.file_name.is_none() && self.content_type.is_none() {
            return data;
        }
        // An empty media type stands for "none given".
        let mut url = format!("data:{}", self.content_type.as_deref().unwrap_or(""));
        if let Some(name) = &self.file_name {
            url.push_str(";filename=");
            url.extend(form_urlencoded::byte_serialize(name.as_bytes()));
        }
        url.push_str(";base64,");
        url.push_str(&data);
        url
    }

    /// Reads the text form: base64, a `data:` URL, or (text that is neither, as a server that
    /// does not encode may send) the text's own bytes.
    pub fn from_text(text: &str) -> Binary {
        if let Some(rest) = text.strip_prefix("data:")
            && let Some((params, data)) = rest.split_once(";base64,")
            && let Ok(bytes) = BASE64.decode(data)
        {
            let mut pieces = params.split(';');
            let content_type = pieces.next().filter(|ct| !ct.is_empty()).map(str::to_string);
            let file_name = pieces.find_map(|p| p.strip_prefix("filename=")).map(form_unescape);
            return Binary { bytes, file_name, content_type };
        }
        match BASE64.decode(text) {
            Ok(bytes) => Binary::new(bytes),
            Err(_) => Binary::new(text.as_bytes()),
        }
    }
}

impl From<Vec<u8>> for Binary {
    fn from(bytes: Vec<u8>) -> Self {
        Binary::new(bytes)
    }
}

impl From<&[u8]> for Binary {
    fn from(bytes: &[u8]) -> Self {
        Binary::new(bytes)
    }
}

impl serde::Serialize for Binary {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_text())
    }
}

impl<'de> serde::Deserialize<'de> for Binary {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
        Ok(Binary::from_text(&text))
    }
}

/// The `Accept` header of an operation's requests: the media types its responses are read as,
/// so that a server able to answer in several (JSON or XML) picks the one the client reads.
pub fn accept(op: &OperationMeta) -> Option<String> {
    accept_header(op.responses.iter().filter_map(|r| r.media_type))
}

/// The `Accept` header of these media types, each once, in order (`None` for none).
pub fn accept_header<'a>(media_types: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut distinct: Vec<&str> = Vec::new();
    for media_type in media_types {
        if !distinct.contains(&media_type) {
            distinct.push(media_type);
        }
    }
    (!distinct.is_empty()).then(|| distinct.join(", "))
}

/// Whether a media type names one concrete type (not `image/*` or `*/*`).
pub fn is_concrete_media_type(media_type: &str) -> bool {
    !media_type.contains('*') && !media_type.contains(',')
}

/// Whether a request's `Content-Type` is the declared media type (`image/*` matches any image).
pub fn media_type_matches(content_type: &str, declared: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let declared = declared.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if declared == "*/*" || essence == declared {
        return true;
    }
    if let Some(prefix) = declared.strip_suffix("/*") {
        return essence.split('/').next() == Some(prefix);
    }
    declared == "application/json" && essence.ends_with("+json")
}

/// The content type a raw body or file part is sent with: its own, else the declared one when
/// concrete, else `application/octet-stream`.
pub fn binary_content_type<'a>(binary: &'a Binary, declared: Option<&'a str>) -> &'a str {
    binary.content_type.as_deref().or(declared.filter(|d| is_concrete_media_type(d))).unwrap_or("application/octet-stream")
}

/// The `Binary` of received bytes: the content type is kept only where it says more than the
/// declared one (the inverse of [`binary_content_type`]).
pub fn received_binary(bytes: Vec<u8>, file_name: Option<String>, content_type: Option<&str>, declared: Option<&str>) -> Binary {
    let implied = declared.filter(|d| is_concrete_media_type(d)).unwrap_or("application/octet-stream");
    let content_type = content_type.filter(|ct| !ct.eq_ignore_ascii_case(implied)).map(str::to_string);
    Binary { bytes, file_name, content_type }
}

impl<'a> BodyMeta<'a> {
    fn part(&self, property: &str) -> Option<&'a PartMeta<'a>> {
        self.encoding.iter().find(|p| p.property == property)
    }

    /// How a form property is written: its `encoding`'s style and explode, else `form`, exploded.
    fn form_style(&self, property: &str) -> (Style, bool) {
        let part = self.part(property);
        form_style(part.and_then(|p| p.style), part.and_then(|p| p.explode))
    }

    /// The declared type of a property of an object body.
    fn property_ty(&self, property: &str) -> Option<&'a Ty<'a>> {
        let ty = resolve(self.ty);
        match (ty, struct_of(ty)) {
            (_, Some((fields, additional))) => fields.iter().find(|f| f.name == property).map(|f| f.ty).or(match additional {
                Additional::Typed(ty) => Some(*ty),
                _ => None,
            }),
            (Ty::Map(inner, _), _) => Some(*inner),
            _ => None,
        }
    }
}

fn form_escape(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// A form property's style and explode from its `encoding` (either may be absent): `form`
/// by default, exploded when the style is `form`.
pub fn form_style(style: Option<Style>, explode: Option<bool>) -> (Style, bool) {
    let style = style.unwrap_or(Style::Form);
    (style, explode.unwrap_or(style == Style::Form))
}

/// Writes an `application/x-www-form-urlencoded` body: each property as `name=value`; an array
/// as repeated names (or, with `explode: false`, one delimited value); objects and arrays of
/// objects in bracket notation (`metadata[key]=v`, `items[0][price]=p`), as form-reading servers
/// (Rails, PHP, Stripe) expect.
pub fn encode_form(body: &BodyMeta, value: &Value) -> Result<String, String> {
    encode_form_with(value, |name| body.form_style(name))
}

/// [`encode_form`] with each property's style and explode given by `style_of`.
pub fn encode_form_with(value: &Value, style_of: impl Fn(&str) -> (Style, bool)) -> Result<String, String> {
    let Value::Object(map) = value else { return Err("a form body must be an object".into()) };
    let mut pairs = Vec::new();
    for (name, v) in map {
        let (style, explode) = style_of(name);
        match v {
            Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) && style != Style::DeepObject => {
                if explode {
                    pairs.extend(items.iter().filter(|i| !i.is_null()).map(|i| format!("{}={}", form_escape(name), form_escape(&scalar_text(i)))));
                } else {
                    let texts: Vec<String> = items.iter().map(|i| form_escape(&scalar_text(i))).collect();
                    pairs.push(format!("{}={}", form_escape(name), texts.join(raw_delimiter(style))));
                }
            }
            _ => bracket_pairs(name, v, &mut pairs),
        }
    }
    Ok(pairs.join("&"))
}

fn bracket_pairs(key: &str, value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Null => {}
        Value::Object(map) => map.iter().for_each(|(k, v)| bracket_pairs(&format!("{key}[{k}]"), v, out)),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| bracket_pairs(&format!("{key}[{i}]"), v, out)),
        scalar => out.push(format!("{}={}", form_escape(key), form_escape(&scalar_text(scalar)))),
    }
}

/// The values of a form body before typing: a name's raw values, or its bracketed children.
#[derive(Debug, Default)]
struct FormTree {
    raw: Vec<String>,
    children: Vec<(String, FormTree)>,
}

impl FormTree {
    fn child(&mut self, key: &str) -> &mut FormTree {
        // `a[]=x&a[]=y` appends: each empty key is a new child.
        let position = if key.is_empty() { None } else { self.children.iter().position(|(k, _)| k == key) };
        let index = position.unwrap_or_else(|| {
            self.children.push((key.to_string(), FormTree::default()));
            self.children.len() - 1
        });
        &mut self.children[index].1
    }
}

/// Decodes one raw form component (`+` is a space, `%XX` a byte).
pub fn form_unescape(raw: &str) -> String {
    form_urlencoded::parse(format!("={raw}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default()
}

/// Reads an `application/x-www-form-urlencoded` body into the JSON value of its type, the
/// inverse of [`encode_form`]: values typed by their property, bracketed names nested.
pub fn decode_form(body: &BodyMeta, raw: &str) -> Result<Value, Invalid> {
    let mut root = FormTree::default();
    for piece in raw.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = piece.split_once('=').unwrap_or((piece, ""));
        let key = form_unescape(raw_key);
        let (head, rest) = key.split_once('[').map_or((key.as_str(), ""), |(h, r)| (h, r));
        let mut node = root.child(head);
        for segment in rest.split('[').filter(|s| !s.is_empty()) {
            node = node.child(segment.strip_suffix(']').unwrap_or(segment));
        }
        node.raw.push(raw_value.to_string());
    }
    let mut map = Map::new();
    for (name, tree) in &root.children {
        let value = match body.property_ty(name) {
            Some(ty) => typed_form_value(ty, tree, body.form_style(name), &format!("body.{name}"))?,
            None => untyped_form_value(tree),
        };
        map.insert(name.clone(), value);
    }
    Ok(Value::Object(map))
}

fn typed_form_value(ty: &Ty<'_>, tree: &FormTree, (style, explode): (Style, bool), path: &str) -> Result<Value, Invalid> {
    let last_text = || tree.raw.last().map(|raw| form_unescape(raw)).unwrap_or_default();
    let ty = resolve(ty);
    let kind = match ty {
        Ty::Named(meta) => Some(meta.kind()),
        _ => None,
    };
    match ty {
        Ty::Array(item, _) if tree.children.is_empty() => {
            let raws: Vec<&str> = match tree.raw.as_slice() {
                [one] if !explode => {
                    if one.is_empty() {
                        Vec::new()
                    } else {
                        one.split(raw_delimiter(style)).collect()
                    }
                }
                many => many.iter().map(String::as_str).collect(),
            };
            raws.iter().enumerate().map(|(i, raw)| scalar(item, &form_unescape(raw), &format!("{path}[{i}]"))).collect::<Result<_, _>>().map(Value::Array)
        }
        Ty::Array(item, _) => tree
            .children
            .iter()
            .enumerate()
            .map(|(i, (_, child))| typed_form_value(item, child, (Style::DeepObject, true), &format!("{path}[{i}]")))
            .collect::<Result<_, _>>()
            .map(Value::Array),
        Ty::Map(inner, _) => tree
            .children
            .iter()
            .map(|(k, child)| Ok((k.clone(), typed_form_value(inner, child, (Style::DeepObject, true), &format!("{path}.{k}"))?)))
            .collect::<Result<Map<_, _>, Invalid>>()
            .map(Value::Object),
        Ty::Named(_)
            if let Some(TypeMetaKind::Struct { fields, additional }) = kind
                && !tree.children.is_empty() =>
        {
            let mut map = Map::new();
            for (k, child) in &tree.children {
                let field_ty = fields.iter().find(|f| f.name == k).map(|f| f.ty).or(match additional {
                    Additional::Typed(ty) => Some(*ty),
                    _ => None,
                });
                let value = match field_ty {
                    Some(ty) => typed_form_value(ty, child, (Style::DeepObject, true), &format!("{path}.{k}"))?,
                    None => untyped_form_value(child),
                };
                map.insert(k.clone(), value);
            }
            Ok(Value::Object(map))
        }
        Ty::Named(_) if matches!(kind, Some(TypeMetaKind::Union(_) | TypeMetaKind::Tagged { .. })) => Ok(untyped_form_value(tree)),
        Ty::Any => Ok(untyped_form_value(tree)),
        ty if tree.children.is_empty() => scalar(ty, &last_text(), path),
        _ => Err(invalid(path, "bracketed values where a single value was expected")),
    }
}

/// A value of no declared type: text parsed as JSON where it is JSON, objects for brackets.
fn untyped_form_value(tree: &FormTree) -> Value {
    if tree.children.is_empty() {
        let text = tree.raw.last().map(|raw| form_unescape(raw)).unwrap_or_default();
        return serde_json::from_str(&text).unwrap_or(Value::String(text));
    }
    if tree.children.iter().enumerate().all(|(i, (k, _))| k.is_empty() || k.parse() == Ok(i)) {
        return Value::Array(tree.children.iter().map(|(_, c)| untyped_form_value(c)).collect());
    }
    Value::Object(tree.children.iter().map(|(k, c)| (k.clone(), untyped_form_value(c))).collect())
}

/// One part of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// Whether a property's values travel as files (raw bytes).
fn is_binary(ty: &Ty<'_>) -> bool {
    matches!(resolve(ty), Ty::Binary)
}

/// The item type of an array property sent as one part per item (files and scalars); arrays of
/// anything structured travel as one JSON part.
fn repeated_part_item<'a>(ty: Option<&'a Ty<'a>>) -> Option<&'a Ty<'a>> {
    match ty.map(resolve) {
        Some(Ty::Array(item, _)) => Some(resolve(item)).filter(|item| !matches!(item, Ty::Any | Ty::Map(..) | Ty::Named(_))),
        _ => None,
    }
}

/// The parts of a `multipart/form-data` body: a part per property (per item for an array of
/// files or scalars); files as raw bytes with their file name and content type, scalars as
/// text, anything structured as JSON.
pub fn multipart_parts(body: &BodyMeta, value: &Value) -> Result<Vec<Part>, String> {
    let Value::Object(map) = value else { return Err("a multipart body must be an object".into()) };
    let mut parts = Vec::new();
    for (name, v) in map {
        let declared = body.part(name).and_then(|p| p.content_type);
        let ty = body.property_ty(name).map(resolve);
        let item_ty = repeated_part_item(ty);
        let one = |v: &Value, ty: Option<&Ty<'_>>| -> Part {
            match (ty, v) {
                (Some(ty), Value::String(text)) if is_binary(ty) => {
                    let binary = Binary::from_text(text);
                    let content_type = Some(binary_content_type(&binary, declared).to_string());
                    Part { name: name.clone(), file_name: binary.file_name, content_type, bytes: binary.bytes }
                }
                (_, Value::Object(_) | Value::Array(_)) => Part {
                    name: name.clone(),
                    file_name: None,
                    content_type: Some(declared.filter(|d| is_concrete_media_type(d)).unwrap_or("application/json").to_string()),
                    bytes: v.to_string().into_bytes(),
                },
                _ => Part { name: name.clone(), file_name: None, content_type: None, bytes: scalar_text(v).into_bytes() },
            }
        };
        match v {
            Value::Null => {}
            Value::Array(items) if item_ty.is_some() => parts.extend(items.iter().map(|item| one(item, item_ty))),
            _ => parts.push(one(v, ty)),
        }
    }
    Ok(parts)
}

/// Reads the parts of a multipart body into the JSON value of its type, the inverse of
/// [`multipart_parts`].
pub fn decode_multipart(body: &BodyMeta, parts: Vec<Part>) -> Result<Value, Invalid> {
    let mut map = Map::new();
    for part in parts {
        let path = format!("body.{}", part.name);
        let declared = body.part(&part.name).and_then(|p| p.content_type);
        let ty = body.property_ty(&part.name).map(resolve);
        let (item_ty, repeated) = match repeated_part_item(ty) {
            Some(item) => (Some(item), true),
            None => (ty, false),
        };
        let value = match item_ty {
            Some(t) if is_binary(t) => Value::String(received_binary(part.bytes, part.file_name, part.content_type.as_deref(), declared).to_text()),
            _ => {
                let text = String::from_utf8(part.bytes).map_err(|_| invalid(&path, "is not UTF-8 text"))?;
                match item_ty {
                    Some(t @ (Ty::Integer { .. } | Ty::Number | Ty::Boolean | Ty::String)) => scalar(t, &text, &path)?,
                    Some(Ty::Named(meta)) if matches!(meta.kind(), TypeMetaKind::Enum { .. }) => Value::String(text),
                    _ => serde_json::from_str(&text).unwrap_or(Value::String(text)),
                }
            }
        };
        if repeated {
            match map.entry(part.name).or_insert_with(|| Value::Array(Vec::new())) {
                Value::Array(items) => items.push(value),
                _ => return Err(invalid(&path, "mixes one value and a list")),
            }
        } else {
            map.insert(part.name, value);
        }
    }
    Ok(Value::Object(map))
}
