//! The intermediate representation: everything the emitters need, nothing they must re-derive
//! from the raw spec. Built once by [`build`], serialisable for `rocketgen ir` and snapshots.

mod features;
pub mod names;
mod operations;
pub mod pagination;
mod recursion;
mod types;

pub use features::{ALL as ALL_FEATURES, OVERLAY as OVERLAY_FEATURE, PARTIAL_EQ as PARTIAL_EQ_FEATURE, STANDALONE_SCHEMAS};
pub use names::{Namer, RustIdent, rust_field_name, rust_type_name};
pub use operations::{UNDECLARED_VARIANT, is_json};

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

/// The vocabulary the IR shares with the generated crates, defined once in the runtime.
pub use rocketgen_runtime::meta::{BodyKind, Framing, Location, Method, Status, Style};

use crate::diagnostics::Diagnostic;
use crate::error::Error;
use crate::load::LoadedSpec;

/// The whole API surface of one spec.
#[derive(Debug, Clone, Serialize)]
pub struct Api {
    pub title: String,
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Server URLs, each variable at its default.
    pub servers: Vec<String>,
    /// The servers as declared: URL templates and their variables.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub server_templates: Vec<Server>,
    /// The security every operation needs unless it says otherwise (the root `security`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub security: Vec<SecurityRequirement>,
    /// Path part of the first server URL (`/api` for Rocket); empty when there is none.
    pub base_path: String,
    pub security_schemes: Vec<SecurityScheme>,
    pub operations: Vec<Operation>,
    /// Every named Rust type, keyed (and so ordered) by its Rust name.
    pub types: BTreeMap<String, TypeDef>,
    /// The generated crates' Cargo features: one per tag (each operation's `feature`), all on by
    /// default, then [`STANDALONE_SCHEMAS`], off by default, where some schemas no operation uses.
    pub features: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A server as the spec declares it.
#[derive(Debug, Clone, Serialize)]
pub struct Server {
    /// The URL as written, `{variables}` and all.
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub variables: BTreeMap<String, ServerVariable>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServerVariable {
    pub default: String,
    /// The values it may take, where the spec lists them.
    #[serde(rename = "enum", skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SecurityScheme {
    /// The key under `components/securitySchemes`.
    pub name: String,
    /// PascalCase name for the Rust variant.
    pub rust_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub kind: SecurityKind,
    /// What the spec says beyond where the credential goes (for tools that set one up).
    #[serde(skip_serializing_if = "SchemeDetails::is_empty")]
    pub details: SchemeDetails,
}

/// A security scheme's declaration beyond how its credential is sent.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SchemeDetails {
    /// An HTTP scheme as written (`bearer`, `basic`, `digest`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_scheme: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bearer_format: Option<String>,
    /// An OAuth2 scheme's flows.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flows: Vec<OAuthFlow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_id_connect_url: Option<String>,
}

impl SchemeDetails {
    pub fn is_empty(&self) -> bool {
        self.http_scheme.is_none() && self.bearer_format.is_none() && self.flows.is_empty() && self.open_id_connect_url.is_none()
    }
}

/// One OAuth2 flow: where tokens come from, and the scopes it grants.
#[derive(Debug, Clone, Serialize)]
pub struct OAuthFlow {
    /// `authorizationCode`, `clientCredentials`, `implicit` or `password`.
    pub flow: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_url: Option<String>,
    pub scopes: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum SecurityKind {
    /// Sent as `Authorization: Bearer <token>`.
    OAuth2 {
        scopes: Vec<String>,
    },
    OpenIdConnect,
    HttpBearer,
    HttpBasic,
    /// The raw value in a header, query parameter or cookie named `param`.
    ApiKey {
        location: Location,
        param: String,
    },
}

/// One alternative of an operation's security: all of these schemes together.
#[derive(Debug, Clone, Serialize)]
pub struct SecurityRequirement {
    pub schemes: Vec<SchemeUse>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SchemeUse {
    pub scheme: String,
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// `{first tag}.{operationId}`, or a name derived from method and path.
    pub tool_name: String,
    pub tag: String,
    /// The Cargo feature that compiles it in every generated crate: its tag in snake_case.
    pub feature: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation_id: Option<String>,
    /// snake_case trait method name.
    pub method_name: RustIdent,
    /// PascalCase stem of the request and response type names.
    pub type_stem: String,
    pub request_type: String,
    pub response_type: String,
    pub http_method: Method,
    /// Path template relative to the server base path, e.g. `/items/{id}`.
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub deprecated: bool,
    pub parameters: Vec<Parameter>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_body: Option<RequestBody>,
    pub responses: Vec<Response>,
    /// Alternatives (OR) of requirements; empty means no credentials are needed.
    pub security: Vec<SecurityRequirement>,
    /// JSON pointer to the operation in the spec.
    pub pointer: String,
    /// How its pages follow one another, when it answers one page of a longer list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pagination: Option<pagination::Pagination>,
    /// The spec's pagination extension (name, value), read once types are known.
    #[serde(skip)]
    pub pagination_hint: Option<(String, Value)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Parameter {
    /// The name on the wire.
    pub name: String,
    /// The field name in the request type.
    pub rust_name: RustIdent,
    /// The name under `#/components/parameters` of a parameter the spec shares by `$ref`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    pub location: Location,
    pub style: Style,
    pub explode: bool,
    pub required: bool,
    pub deprecated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub ty: TypeRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    #[serde(skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
    /// For a parameter given by `content` with a JSON media type: its value is that JSON text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// A header that makes a POST or PATCH safe to retry: `Idempotency-Key`, or one the root's
    /// `x-fern-idempotency-headers` names.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub idempotency_key: bool,
}

/// How one property of a form or multipart body is written (the media type's `encoding`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartEncoding {
    pub property: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<Style>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explode: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RequestBody {
    /// The media type clients send.
    pub media_type: String,
    pub kind: BodyKind,
    /// Other declared media types of the same schema that servers also accept, with their kind.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<(String, BodyKind)>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub encoding: Vec<PartEncoding>,
    pub required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub ty: TypeRef,
    #[serde(skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
}

#[derive(Debug, Clone, Serialize)]
pub struct Response {
    pub status: Status,
    /// The variant name in the response enum (`Ok`, `NotFound`, `Default`).
    pub variant: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<ResponseBody>,
    pub headers: Vec<Header>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResponseBody {
    pub media_type: String,
    /// How the body (each item, for a stream) is read and written.
    pub kind: BodyKind,
    /// The body's type; each item's, for a stream (an event's data, for server-sent events).
    pub ty: TypeRef,
    #[serde(skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
    /// Set where the body is a stream of items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream: Option<Framing>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Header {
    pub name: String,
    pub rust_name: RustIdent,
    pub required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub ty: TypeRef,
}

/// A use of a type: what a field, parameter or body holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "of")]
pub enum TypeRef {
    String,
    Integer(IntWidth),
    /// Every JSON number, kept as `f64`.
    Number,
    Boolean,
    /// `type: string, format: binary`: raw bytes (base64 text inside JSON).
    Binary,
    /// Any JSON value.
    Any,
    Array(Box<TypeRef>),
    /// An object used as a map from string keys.
    Map(Box<TypeRef>),
    Named(String),
    /// A string of a format that has a Rust type, where the source asks for typed formats.
    Formatted(StringFormat),
}

/// String formats read into their own types (`formats = "typed"` in sources.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StringFormat {
    /// `date-time`: `chrono::DateTime<chrono::FixedOffset>`.
    DateTime,
    /// `date`: `chrono::NaiveDate`.
    Date,
    /// `uuid`: `uuid::Uuid`.
    Uuid,
}

impl StringFormat {
    /// The format's name in the spec.
    pub fn name(self) -> &'static str {
        match self {
            StringFormat::DateTime => "date-time",
            StringFormat::Date => "date",
            StringFormat::Uuid => "uuid",
        }
    }
}

/// What a build of the IR may choose beyond what the spec says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuildOptions {
    /// `date-time`, `date` and `uuid` strings as their own types instead of `String`.
    pub typed_formats: bool,
}

impl Api {
    /// Whether any type is a typed format (the API crate then depends on chrono and uuid).
    pub fn uses_format(&self, format: StringFormat) -> bool {
        fn has(ty: &TypeRef, format: StringFormat) -> bool {
            match ty {
                TypeRef::Formatted(f) => *f == format,
                TypeRef::Array(inner) | TypeRef::Map(inner) => has(inner, format),
                _ => false,
            }
        }
        let in_types = self.types.values().any(|def| match &def.kind {
            TypeKind::Struct { fields, additional, .. } => {
                fields.iter().any(|f| has(&f.ty, format)) || matches!(additional, Additional::Typed(ty) if has(ty, format))
            }
            TypeKind::Newtype { inner, .. } => has(inner, format),
            TypeKind::Union { variants, .. } => variants.iter().any(|v| has(&v.ty, format)),
            TypeKind::Enum { .. } => false,
        });
        let in_operations = self.operations.iter().any(|op| {
            op.parameters.iter().any(|p| has(&p.ty, format))
                || op.request_body.as_ref().is_some_and(|b| has(&b.ty, format))
                || op.responses.iter().any(|r| r.body.as_ref().is_some_and(|b| has(&b.ty, format)) || r.headers.iter().any(|h| has(&h.ty, format)))
        });
        in_types || in_operations
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IntWidth {
    I32,
    I64,
}

/// Validation keywords of a schema use, enforced by servers on requests.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Constraints {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub exclusive_minimum: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub exclusive_maximum: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_items: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_items: Option<usize>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unique_items: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multiple_of: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_properties: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_properties: Option<usize>,
    /// Constraints of each array item or map value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Constraints>>,
}

impl Operation {
    /// The operation's own name, as the spec gives it (its `operationId`), or its method and
    /// path; tool names (`tag.operationId`) are for tools, not for Rust crates.
    pub fn name(&self) -> String {
        match &self.operation_id {
            Some(id) => id.clone(),
            None => format!("{} {}", self.http_method.as_str(), self.path),
        }
    }
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TypeDef {
    pub name: String,
    /// The component schema it comes from, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_name: Option<String>,
    /// JSON pointer to the schema that defines it.
    pub pointer: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub deprecated: bool,
    pub kind: TypeKind,
    /// Examples the spec gives for this schema.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Value>,
    /// The Cargo features (operations' tags) under which it compiles: any one of them. Empty
    /// where it always compiles: every tag uses it, or a schema no operation uses does.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum TypeKind {
    Struct {
        fields: Vec<Field>,
        additional: Additional,
        /// The discriminator property, when the spec names one.
        #[serde(skip_serializing_if = "Option::is_none")]
        discriminator: Option<String>,
    },
    /// A string enum. Always open: unlisted values are kept in a catch-all variant.
    Enum {
        variants: Vec<EnumVariant>,
        /// Name of the catch-all variant holding unlisted values.
        catch_all: String,
    },
    /// A named wrapper around another type (a component schema that is a primitive, array or map).
    Newtype {
        inner: TypeRef,
        #[serde(skip_serializing_if = "Constraints::is_empty")]
        constraints: Constraints,
    },
    /// `oneOf` / `anyOf`: the variant the discriminator names, or else the first variant that
    /// accepts the value, wins; anything else is kept raw.
    Union {
        variants: Vec<UnionVariant>,
        #[serde(skip_serializing_if = "Option::is_none")]
        tag: Option<UnionTag>,
    },
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "of")]
pub enum Additional {
    /// `additionalProperties: false`: servers reject unknown fields, clients ignore them.
    Forbidden,
    /// Unknown fields of any type are kept, so they round-trip.
    Any,
    /// Unknown fields of this type are kept.
    Typed(TypeRef),
}

#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub json_name: String,
    pub rust_name: RustIdent,
    pub ty: TypeRef,
    pub required: bool,
    pub nullable: bool,
    /// Held in a `Box` to break a cycle of by-value containment.
    pub boxed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    pub deprecated: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub read_only: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub write_only: bool,
    #[serde(skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
    /// Listed in `required` but never defined in `properties` (a spec fault): any value.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub undeclared: bool,
}

/// How a field is represented, from `required` and `nullable`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// `T`: always present, never null.
    Required,
    /// `Option<T>`, left out when `None`.
    Optional,
    /// `Option<T>`, always written: `None` is an explicit `null`.
    RequiredNullable,
    /// `Option<Option<T>>`: absent, explicit null, or a value.
    OptionalNullable,
}

impl Field {
    /// How the Rust field holds the value. A required read-only (write-only) property is absent
    /// from requests (answers), so its Rust field is optional all the same.
    pub fn presence(&self) -> Presence {
        let required = self.required && !self.read_only && !self.write_only;
        match (required, self.nullable) {
            (true, false) => Presence::Required,
            (false, false) => Presence::Optional,
            (true, true) => Presence::RequiredNullable,
            (false, true) => Presence::OptionalNullable,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct EnumVariant {
    pub value: String,
    pub rust_name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnionTag {
    /// The discriminator's property.
    pub property: String,
    /// Tag value → index of the variant it selects (the mapping, then each referenced schema's
    /// own name for variants the mapping leaves out).
    pub values: Vec<(String, usize)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnionVariant {
    pub rust_name: String,
    pub ty: TypeRef,
    /// Held in a `Box` to break a cycle of by-value containment.
    pub boxed: bool,
}

impl Api {
    /// The same API with no Cargo features: everything compiles unconditionally (for code that
    /// lives in a crate of its own, whose features are not the tags').
    pub fn without_features(mut self) -> Api {
        self.features.clear();
        self.operations.iter_mut().for_each(|op| op.feature.clear());
        self.types.values_mut().for_each(|def| def.features.clear());
        self
    }

    /// The first absolute server URL (variables at their defaults), where requests go by default.
    pub fn default_base_url(&self) -> Option<&str> {
        self.servers.iter().map(String::as_str).find(|s| s.starts_with("http://") || s.starts_with("https://"))
    }

    pub fn operation(&self, tool_name: &str) -> Option<&Operation> {
        self.operations.iter().find(|op| op.tool_name == tool_name)
    }

    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.get(name)
    }

    /// The Rust type of a component schema, by its name in the spec.
    pub fn schema_type(&self, schema_name: &str) -> Option<&TypeDef> {
        self.types.values().find(|t| t.schema_name.as_deref() == Some(schema_name))
    }
}

/// Builds the IR of a loaded spec.
pub fn build(spec: &LoadedSpec) -> Result<Api, Error> {
    build_with(spec, BuildOptions::default())
}

/// [`build`] with choices the spec leaves open.
pub fn build_with(spec: &LoadedSpec, options: BuildOptions) -> Result<Api, Error> {
    let openapi = &spec.openapi;
    let mut diagnostics = spec.notes.clone();
    let mut type_space = types::TypeSpace::new(spec, &mut diagnostics);
    type_space.typed_formats = options.typed_formats;
    type_space.define_components()?;
    let operations::Built { operations, security_schemes, root_security: security } = operations::build_operations(&mut type_space)?;
    let mut types = type_space.finish();
    recursion::box_cycles(&mut types);
    let mut operations = operations;
    pagination::infer(&mut operations, &types, &mut diagnostics);
    let features = features::assign(&mut operations, &mut types);

    let servers: Vec<String> =
        openapi.servers.iter().enumerate().map(|(i, server)| expand_server(server, &format!("#/servers/{i}"), &mut diagnostics)).collect();
    let server_templates = openapi
        .servers
        .iter()
        .map(|server| Server {
            url: server.url.clone(),
            description: server.description.clone(),
            variables: server
                .variables
                .iter()
                .flatten()
                .map(|(name, v)| {
                    (name.clone(), ServerVariable { default: v.default.clone(), values: v.enumeration.clone(), description: v.description.clone() })
                })
                .collect(),
        })
        .collect();
    let base_path = servers.first().map(|url| base_path_of(url)).unwrap_or_default();
    diagnostics.sort_by(|a, b| a.pointer.cmp(&b.pointer).then(a.message.cmp(&b.message)));
    diagnostics.dedup();
    Ok(Api {
        title: openapi.info.title.clone(),
        version: openapi.info.version.clone(),
        description: openapi.info.description.clone(),
        servers,
        server_templates,
        security,
        base_path,
        security_schemes,
        operations,
        types,
        features,
        diagnostics,
    })
}

/// A server URL with each `{variable}` replaced by its default (the URL clients start from);
/// a variable the server does not declare is left as written, with a diagnostic.
fn expand_server(server: &openapiv3::Server, pointer: &str, diagnostics: &mut Vec<Diagnostic>) -> String {
    let mut url = String::new();
    let mut rest = server.url.as_str();
    while let Some(open) = rest.find('{') {
        url.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else { break };
        let name = &rest[open + 1..open + close];
        match server.variables.as_ref().and_then(|v| v.get(name)) {
            Some(variable) => url.push_str(&variable.default),
            None => {
                diagnostics.push(Diagnostic::new(format!("{pointer}/url"), format!("server variable {{{name}}} is not declared: left in the URL as written")));
                url.push_str(&rest[open..=open + close]);
            }
        }
        rest = &rest[open + close + 1..];
    }
    url.push_str(rest);
    url
}

/// The path of a server URL: `/api` for both `/api` and `https://host/api/`.
fn base_path_of(url: &str) -> String {
    let without_scheme = match url.find("://") {
        Some(i) => {
            let rest = &url[i + 3..];
            rest.find('/').map(|j| &rest[j..]).unwrap_or("")
        }
        None => url,
    };
    without_scheme.trim_end_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::base_path_of;

    #[test]
    fn base_path_from_relative_and_absolute_urls() {
        assert_eq!(base_path_of("/api"), "/api");
        assert_eq!(base_path_of("https://example.com/api/v1/"), "/api/v1");
        assert_eq!(base_path_of("https://example.com"), "");
        assert_eq!(base_path_of("/"), "");
    }

    #[test]
    fn a_pattern_the_server_cannot_check_is_diagnosed_where_it_stands() {
        let spec = r#"{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {"/a/{id}": {"get": {
            "operationId": "getA",
            "parameters": [
                {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "pattern": "(unclosed"}},
                {"name": "tags", "in": "query", "schema": {"type": "array", "items": {"type": "string", "pattern": "[a-"}}},
                {"name": "fine", "in": "query", "schema": {"type": "string", "pattern": "^[a-z]+(?=x)"}}],
            "responses": {"200": {"description": "ok"}}}}}}"#;
        let api = super::build(&crate::load::load_str(spec).unwrap()).unwrap();
        let found: Vec<&str> = api.diagnostics.iter().filter(|d| d.message.contains("ECMA-262")).map(|d| d.pointer.as_str()).collect();
        assert_eq!(found, ["#/paths/~1a~1{id}/get/parameters/0/schema/pattern", "#/paths/~1a~1{id}/get/parameters/1/schema/items/pattern"]);
    }
}
