//! Paths → operations: names, parameters, bodies, responses and security.

use indexmap::IndexMap;
use openapiv3::{
    APIKeyLocation, Operation as SpecOperation, Parameter as SpecParameter, ParameterSchemaOrContent, PathItem, QueryStyle, ReferenceOr,
    SecurityScheme as SpecSecurityScheme, StatusCode,
};
use serde::de::DeserializeOwned;

use super::names::{Namer, RustIdent, derived_operation_name, rust_field_name, rust_type_name, tool_safe};
use super::types::TypeSpace;
use super::{
    BodyKind, Framing, Header, Location, Method, OAuthFlow, Operation, Parameter, PartEncoding, RequestBody, Response, ResponseBody, SchemeDetails, SchemeUse,
    SecurityKind, SecurityRequirement, SecurityScheme, Status, Style, TypeRef,
};
use crate::error::Error;
use crate::pointer;

/// Fields of every request type that parameters must not take.
pub const REQUEST_RESERVED_FIELDS: &[&str] = &["body", "credentials"];
/// Types of `operations` that request and response types must not be named.
pub const OPERATIONS_RESERVED_TYPES: &[&str] = &["Credential", "RawResponse"];
/// Fields of every response variant that headers must not take.
pub const RESPONSE_RESERVED_FIELDS: &[&str] = &["body", "status"];
/// The response variant for statuses the spec does not declare.
pub const UNDECLARED_VARIANT: &str = "Undeclared";

/// What paths and security schemes become.
pub struct Built {
    pub operations: Vec<Operation>,
    pub security_schemes: Vec<SecurityScheme>,
    /// The security the root requires.
    pub root_security: Vec<SecurityRequirement>,
}

pub fn build_operations(space: &mut TypeSpace<'_>) -> Result<Built, Error> {
    let security_schemes = security_schemes(space)?;
    let root_security = match space.openapi().security.clone() {
        Some(root) => requirements(space, &root, &security_schemes, "#"),
        None => Vec::new(),
    };
    let openapi = space.openapi();

    // Names first, for every operation, so that request/response types win over inline types.
    let mut tool_names = Namer::new();
    let mut method_names = Namer::new();
    // Request and response types live in `operations`, apart from `models`: a schema named
    // `AddPaymentMethodRequest` leaves the operation's request type its plain name.
    let mut type_names = Namer::new();
    type_names.reserve_all(OPERATIONS_RESERVED_TYPES);
    // Path items given by reference are read where they point; pointers follow them there.
    let mut items: Vec<(&String, Resolved<'_, PathItem>, String)> = Vec::with_capacity(openapi.paths.paths.len());
    for (path, item) in openapi.paths.paths.iter() {
        let (item, at) = resolve(space, item, &format!("#/paths/{}", pointer::escape(path)))?;
        items.push((path, item, at));
    }
    // Reserved whole: an operation is large, and growing the list would copy them all again.
    let count = items.iter().map(|(_, item, _)| item.iter().count()).sum();
    let mut named: Vec<(String, Method, &SpecOperation, &PathItem, Operation)> = Vec::with_capacity(count);
    for (path, item, item_pointer) in &items {
        let item: &PathItem = item;
        for (method_name, op) in item.iter() {
            let method = http_method(method_name);
            let pointer = format!("{item_pointer}/{method_name}");
            let tag = op.tags.first().cloned().unwrap_or_else(|| "default".to_string());
            let part = match &op.operation_id {
                Some(id) => tool_safe(id),
                None => derived_operation_name(method.as_str(), path),
            };
            let tool_name = tool_names.claim(&format!("{tag}.{part}"));
            let method_name = method_names.claim_ident(rust_field_name(&part));
            // A prefix, never a name alone (`self` → `SelfRequest`, not `Self_Request`).
            let stem = rust_type_name(&part).trim_end_matches('_').to_string();
            let request_type = type_names.claim(&format!("{stem}Request"));
            let response_type = type_names.claim(&format!("{stem}Response"));
            let operation = Operation {
                tool_name,
                tag,
                feature: String::new(),
                operation_id: op.operation_id.clone(),
                method_name,
                type_stem: stem,
                request_type,
                response_type,
                http_method: method,
                path: path.to_string(),
                summary: op.summary.clone(),
                description: op.description.clone(),
                deprecated: op.deprecated,
                parameters: Vec::new(),
                request_body: None,
                responses: Vec::new(),
                security: Vec::new(),
                pointer,
                pagination: None,
                pagination_hint: ["x-speakeasy-pagination", "x-fern-pagination"]
                    .into_iter()
                    .find_map(|name| op.extensions.get(name).map(|value| (name.to_string(), value.clone()))),
            };
            named.push((path.to_string(), method, op, item, operation));
        }
    }

    let mut operations = Vec::with_capacity(named.len());
    for (_, _, op, item, mut operation) in named {
        operation.parameters = parameters(space, &operation, &item.parameters, &op.parameters)?;
        operation.request_body = request_body(space, &operation, op)?;
        operation.responses = responses(space, &operation, op)?;
        operation.security = security(space, op, &security_schemes, &operation.pointer);
        operations.push(operation);
    }
    Ok(Built { operations, security_schemes, root_security })
}

fn http_method(name: &str) -> Method {
    match name {
        "put" => Method::Put,
        "post" => Method::Post,
        "delete" => Method::Delete,
        "options" => Method::Options,
        "head" => Method::Head,
        "patch" => Method::Patch,
        "trace" => Method::Trace,
        _ => Method::Get,
    }
}

/// Resolves a reference to a component (parameter, body, response, header): what it names,
/// read once per reference and shared by its uses, or the item written in place.
fn resolve<'a, T: DeserializeOwned + 'static>(space: &TypeSpace<'_>, item: &'a ReferenceOr<T>, pointer: &str) -> Result<(Resolved<'a, T>, String), Error> {
    match item {
        ReferenceOr::Item(value) => Ok((Resolved::InPlace(value), pointer.to_string())),
        ReferenceOr::Reference { reference } => {
            let named = space.cached_shared(reference, || space.spec().referenced::<T>(reference, pointer))?;
            let at = named.1.clone();
            Ok((Resolved::Named(named), at))
        }
    }
}

/// What [`resolve`] gives: an item of the spec, or what a reference names (with where it is),
/// neither copied: Rocket's operations name a few shared responses hundreds of times.
enum Resolved<'a, T> {
    InPlace(&'a T),
    Named(std::rc::Rc<(T, String)>),
}

impl<T> std::ops::Deref for Resolved<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        match self {
            Resolved::InPlace(value) => value,
            Resolved::Named(named) => &named.0,
        }
    }
}

fn parameters(
    space: &mut TypeSpace<'_>,
    operation: &Operation,
    item_level: &[ReferenceOr<SpecParameter>],
    op_level: &[ReferenceOr<SpecParameter>],
) -> Result<Vec<Parameter>, Error> {
    // Operation-level parameters override path-level ones with the same name and location.
    let item_pointer = operation.pointer.rsplit_once('/').map(|(p, _)| p).unwrap_or("#");
    let mut merged: IndexMap<(String, String), (Resolved<'_, SpecParameter>, String)> = IndexMap::new();
    for (list, base) in [(item_level, item_pointer), (op_level, operation.pointer.as_str())] {
        for (i, param) in list.iter().enumerate() {
            let (param, at) = resolve(space, param, &format!("{base}/parameters/{i}"))?;
            let data = param.parameter_data_ref();
            let key = (data.name.clone(), location_of(&param).0.to_string());
            merged.insert(key, (param, at));
        }
    }

    let mut namer = Namer::new();
    namer.reserve_all(REQUEST_RESERVED_FIELDS);
    let mut out = Vec::new();
    for (_, (param, at)) in merged {
        let (_, location, style, default_explode) = location_of(&param);
        let data = param.parameter_data_ref();
        let component = at.strip_prefix("#/components/parameters/").map(str::to_string);
        let context = match &component {
            Some(name) => rust_type_name(name),
            None => format!("{}{}", operation.type_stem, rust_type_name(&data.name)),
        };
        let mut content_type = None;
        let (ty, info) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => space.type_of(schema, &context, &format!("{at}/schema"))?,
            ParameterSchemaOrContent::Content(content) => match content.iter().next() {
                Some((media_type, openapiv3::MediaType { schema: Some(schema), .. })) if is_json(media_type) => {
                    content_type = Some(media_type.clone());
                    space.type_of(schema, &context, &format!("{at}/content/{}/schema", pointer::escape(media_type)))?
                }
                _ => {
                    space.diagnose(format!("{at}/content"), "a parameter encoded with a media type other than JSON: its value is passed as a string");
                    (TypeRef::String, Default::default())
                }
            },
        };
        let mut required = data.required;
        if location == Location::Path && !required {
            space.diagnose(format!("{at}/required"), "a path parameter that is not required: treated as required, as path parameters always are");
            required = true;
        }
        out.push(Parameter {
            name: data.name.clone(),
            rust_name: namer.claim_ident(rust_field_name(&data.name)),
            component,
            location,
            style,
            explode: data.explode.unwrap_or(default_explode),
            required,
            deprecated: data.deprecated.unwrap_or(false),
            description: data.description.clone(),
            ty,
            default: info.default,
            constraints: info.constraints,
            content_type,
            idempotency_key: location == Location::Header && is_idempotency_header(space.spec(), &data.name),
        });
    }
    Ok(out)
}

/// Whether a header is an idempotency key: `Idempotency-Key`, or a name the root's
/// `x-fern-idempotency-headers` lists (as strings or as `{header: …}`).
fn is_idempotency_header(spec: &crate::load::LoadedSpec, name: &str) -> bool {
    let declared = spec.openapi.extensions.get("x-fern-idempotency-headers").and_then(serde_json::Value::as_array);
    let named = declared.into_iter().flatten().filter_map(|entry| entry.as_str().or_else(|| entry.get("header").and_then(serde_json::Value::as_str)));
    name.eq_ignore_ascii_case("idempotency-key") || named.into_iter().any(|header| header.eq_ignore_ascii_case(name))
}

fn location_of(param: &SpecParameter) -> (&'static str, Location, Style, bool) {
    match param {
        SpecParameter::Query { style, .. } => {
            let style = match style {
                QueryStyle::Form => Style::Form,
                QueryStyle::SpaceDelimited => Style::SpaceDelimited,
                QueryStyle::PipeDelimited => Style::PipeDelimited,
                QueryStyle::DeepObject => Style::DeepObject,
            };
            ("query", Location::Query, style, style == Style::Form)
        }
        SpecParameter::Header { .. } => ("header", Location::Header, Style::Simple, false),
        SpecParameter::Path { style, .. } => {
            let style = match style {
                openapiv3::PathStyle::Simple => Style::Simple,
                openapiv3::PathStyle::Label => Style::Label,
                openapiv3::PathStyle::Matrix => Style::Matrix,
            };
            ("path", Location::Path, style, false)
        }
        SpecParameter::Cookie { .. } => ("cookie", Location::Cookie, Style::Form, true),
    }
}

/// What a media type says about how a body travels, before its schema is known: `None` for a
/// media type that carries raw bytes or JSON depending on its schema (`*/*`, `image/png`).
fn kind_of_media_type(media_type: &str) -> Option<BodyKind> {
    let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if is_json(&essence) {
        Some(BodyKind::Json)
    } else if essence == "application/x-www-form-urlencoded" {
        Some(BodyKind::Form)
    } else if essence.starts_with("multipart/") {
        Some(BodyKind::Multipart)
    } else if essence.starts_with("text/") || essence == "application/xml" || essence.ends_with("+xml") {
        Some(BodyKind::Text)
    } else {
        None
    }
}

/// Which declared media type to generate for: JSON first, then form, multipart, text, other.
fn pick_media_type<V>(content: &IndexMap<String, V>) -> Option<(&String, &V)> {
    let rank = |mt: &str| match kind_of_media_type(mt) {
        Some(BodyKind::Json) => 0,
        Some(BodyKind::Form) => 1,
        Some(BodyKind::Multipart) => 2,
        Some(BodyKind::Text) => 3,
        _ => 4,
    };
    content.iter().enumerate().min_by_key(|(i, (mt, _))| (rank(mt), *i)).map(|(_, entry)| entry)
}

pub fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// The kind of a body and the type it is generated as. Text is always a `String` and raw bytes
/// an `api::runtime::Binary`; a media type that says nothing (`*/*`) is raw bytes for a string
/// schema and JSON for anything structured.
fn body_kind(space: &mut TypeSpace<'_>, media_type: &str, ty: TypeRef, pointer: &str) -> (BodyKind, TypeRef) {
    let stringy = matches!(ty, TypeRef::String | TypeRef::Binary | TypeRef::Any);
    match kind_of_media_type(media_type) {
        Some(BodyKind::Text) => {
            if !stringy {
                space.diagnose(pointer, format!("a {media_type} body with a structured schema: generated as text (a String)"));
            }
            (BodyKind::Text, TypeRef::String)
        }
        Some(BodyKind::Form | BodyKind::Multipart) if stringy && ty != TypeRef::Any => {
            space.diagnose(pointer, format!("a {media_type} body whose schema is not an object: generated as raw bytes"));
            (BodyKind::Binary, TypeRef::Binary)
        }
        Some(kind) => (kind, ty),
        None if stringy => (BodyKind::Binary, TypeRef::Binary),
        None => (BodyKind::Json, ty),
    }
}

/// The `encoding` of a form or multipart media type: per property, its content type and style.
fn part_encodings(space: &TypeSpace<'_>, media: &openapiv3::MediaType, media_pointer: &str) -> Vec<PartEncoding> {
    media
        .encoding
        .iter()
        .map(|(property, encoding)| {
            // openapiv3 reads an absent `explode` as false; the spec's default depends on the style.
            let explode = space.spec().encoding_explode(&format!("{media_pointer}/encoding/{}", pointer::escape(property)));
            PartEncoding {
                property: property.clone(),
                content_type: encoding.content_type.clone(),
                style: encoding.style.as_ref().map(|style| match style {
                    QueryStyle::Form => Style::Form,
                    QueryStyle::SpaceDelimited => Style::SpaceDelimited,
                    QueryStyle::PipeDelimited => Style::PipeDelimited,
                    QueryStyle::DeepObject => Style::DeepObject,
                }),
                explode,
            }
        })
        .collect()
}

fn request_body(space: &mut TypeSpace<'_>, operation: &Operation, op: &SpecOperation) -> Result<Option<RequestBody>, Error> {
    let Some(body) = &op.request_body else { return Ok(None) };
    let (body, at) = resolve(space, body, &format!("{}/requestBody", operation.pointer))?;
    let Some((media_type, media)) = pick_media_type(&body.content) else {
        space.diagnose(format!("{at}/content"), "a request body without content: ignored");
        return Ok(None);
    };
    let media_pointer = format!("{at}/content/{}", pointer::escape(media_type));
    let (ty, info) = match &media.schema {
        Some(schema) => space.type_of(schema, &format!("{}Body", operation.type_stem), &format!("{media_pointer}/schema"))?,
        None => (TypeRef::Any, Default::default()),
    };
    let (kind, ty) = body_kind(space, media_type, ty, &media_pointer);
    // Other media types with the same schema are accepted by servers as well, when they carry
    // the same kind of value (structured, or raw/text).
    let structured = |k: BodyKind| matches!(k, BodyKind::Json | BodyKind::Form | BodyKind::Multipart);
    let mut also = Vec::new();
    let mut ignored = Vec::new();
    for (other, other_media) in &body.content {
        if other == media_type {
            continue;
        }
        let other_kind = match kind_of_media_type(other) {
            Some(k) => k,
            None if kind == BodyKind::Binary => BodyKind::Binary,
            None => BodyKind::Json,
        };
        if other_media.schema == media.schema && structured(other_kind) == structured(kind) {
            also.push((other.clone(), other_kind));
        } else {
            ignored.push(other.as_str());
        }
    }
    if !ignored.is_empty() {
        space.diagnose(
            format!("{at}/content"),
            format!("several request media types with different schemas: generated for {media_type}; not accepted: {}", ignored.join(", ")),
        );
    }
    // The `encoding` of the form or multipart media type among them (JSON has none).
    let encoding = std::iter::once((media_type, kind))
        .chain(also.iter().map(|(mt, k)| (mt, *k)))
        .find(|(_, k)| matches!(k, BodyKind::Form | BodyKind::Multipart))
        .map(|(mt, _)| part_encodings(space, &body.content[mt.as_str()], &format!("{at}/content/{}", pointer::escape(mt))))
        .unwrap_or_default();
    Ok(Some(RequestBody {
        media_type: media_type.clone(),
        kind,
        also,
        encoding,
        required: body.required,
        description: body.description.clone(),
        ty,
        constraints: info.constraints,
    }))
}

fn responses(space: &mut TypeSpace<'_>, operation: &Operation, op: &SpecOperation) -> Result<Vec<Response>, Error> {
    let mut listed: Vec<(Status, &ReferenceOr<openapiv3::Response>, String)> = Vec::new();
    for (code, response) in &op.responses.responses {
        let (status, key) = match code {
            StatusCode::Code(c) => (Status::Code(*c), c.to_string()),
            StatusCode::Range(r) => (Status::Class(*r as u8), format!("{r}XX")),
        };
        listed.push((status, response, key));
    }
    if let Some(default) = &op.responses.default {
        listed.push((Status::Default, default, "default".to_string()));
    }
    listed.sort_by_key(|a| a.0);

    let mut variants = Namer::new();
    variants.reserve(UNDECLARED_VARIANT);
    let mut out = Vec::new();
    for (status, response, key) in listed {
        let (response, at) = resolve(space, response, &format!("{}/responses/{key}", operation.pointer))?;
        let variant = variants.claim(&variant_name(&status));
        let body = match pick_media_type(&response.content) {
            Some((media_type, media)) => {
                let others: Vec<&str> = response.content.keys().filter(|mt| *mt != media_type).map(String::as_str).collect();
                if !others.is_empty() {
                    space.diagnose(
                        format!("{at}/content"),
                        format!("several response media types: generated for {media_type}; not generated: {}", others.join(", ")),
                    );
                }
                let media_pointer = format!("{at}/content/{}", pointer::escape(media_type));
                let framing = Framing::of_media_type(media_type);
                let context = format!("{}{variant}{}", operation.type_stem, if framing.is_some() { "Item" } else { "Body" });
                let (ty, info) = match (&media.schema, framing) {
                    (Some(schema), Some(framing)) => match stream_item_schema(space, schema, framing, &format!("{media_pointer}/schema"))? {
                        Some((item, item_pointer)) => space.type_of_boxed(&item, &context, &item_pointer)?,
                        None => space.type_of(schema, &context, &format!("{media_pointer}/schema"))?,
                    },
                    (Some(schema), None) => space.type_of(schema, &context, &format!("{media_pointer}/schema"))?,
                    (None, _) => (TypeRef::Any, Default::default()),
                };
                let (kind, ty) = match framing {
                    // Each item is JSON, or plain text for events whose data is a string.
                    Some(Framing::EventStream) if ty == TypeRef::String => (BodyKind::Text, ty),
                    Some(_) => (BodyKind::Json, ty),
                    None => match body_kind(space, media_type, ty, &media_pointer) {
                        // A response is read, not written: a form or multipart answer is kept as bytes.
                        (BodyKind::Form | BodyKind::Multipart, _) => (BodyKind::Binary, TypeRef::Binary),
                        other => other,
                    },
                };
                Some(ResponseBody { media_type: media_type.clone(), kind, ty, constraints: info.constraints, stream: framing })
            }
            None => None,
        };
        let mut header_names = Namer::new();
        header_names.reserve_all(RESPONSE_RESERVED_FIELDS);
        let mut headers = Vec::new();
        for (name, header) in &response.headers {
            let (header, header_at) = resolve(space, header, &format!("{at}/headers/{}", pointer::escape(name)))?;
            let ty = match &header.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let context = format!("{}{variant}{}", operation.type_stem, rust_type_name(name));
                    space.type_of(schema, &context, &format!("{header_at}/schema"))?.0
                }
                ParameterSchemaOrContent::Content(_) => TypeRef::String,
            };
            headers.push(Header {
                name: name.clone(),
                rust_name: header_names.claim_ident(rust_field_name(name)),
                // A redirect without its Location is no redirect: treat it as required.
                required: header.required || name.eq_ignore_ascii_case("location"),
                description: header.description.clone(),
                ty,
            });
        }
        let is_redirect = matches!(status, Status::Code(301 | 302 | 303 | 307 | 308));
        if is_redirect && !headers.iter().any(|h| h.name.eq_ignore_ascii_case("location")) {
            space.diagnose(at.clone(), "a redirect that declares no `Location` header: a required `location` field is added, since a redirect carries one");
            headers.push(Header {
                name: "Location".to_string(),
                rust_name: header_names.claim_ident(RustIdent::plain("location")),
                required: true,
                description: Some("Where the redirect points.".to_string()),
                ty: TypeRef::String,
            });
        }
        out.push(Response { status, variant, description: Some(response.description.clone()).filter(|d| !d.is_empty()), body, headers });
    }
    Ok(out)
}

/// A schema where a property or an array's items are: inline or by reference.
type SchemaUse = ReferenceOr<Box<openapiv3::Schema>>;

/// The schema of a streamed body's items, where it is not the body's schema itself: a JSON
/// stream's array schema stands for its items, and an event stream's schema may describe the
/// whole event (`{event, data, id, retry}`) rather than its data.
fn stream_item_schema(
    space: &mut TypeSpace<'_>,
    schema: &ReferenceOr<openapiv3::Schema>,
    framing: Framing,
    pointer: &str,
) -> Result<Option<(SchemaUse, String)>, Error> {
    let resolved = match schema {
        ReferenceOr::Reference { reference } => space.lookup_schema(reference, pointer)?,
        ReferenceOr::Item(schema) => schema.clone(),
    };
    let openapiv3::SchemaKind::Type(ty) = &resolved.schema_kind else { return Ok(None) };
    Ok(match (framing, ty) {
        (Framing::JsonLines | Framing::JsonSeq, openapiv3::Type::Array(array)) => array.items.clone().map(|items| (items, format!("{pointer}/items"))),
        (Framing::EventStream, openapiv3::Type::Object(object))
            if object.properties.contains_key("data") && object.properties.keys().all(|k| ["event", "data", "id", "retry"].contains(&k.as_str())) =>
        {
            space.diagnose(pointer, "an event-stream schema that describes the whole event: its `data` property is taken as each event's data");
            object.properties.get("data").cloned().map(|data| (data, format!("{pointer}/properties/data")))
        }
        _ => None,
    })
}

fn variant_name(status: &Status) -> String {
    match status {
        Status::Code(code) => {
            http::StatusCode::from_u16(*code).ok().and_then(|s| s.canonical_reason()).map(rust_type_name).unwrap_or_else(|| format!("Status{code}"))
        }
        Status::Class(class) => format!("Status{class}xx"),
        Status::Default => "Default".to_string(),
    }
}

fn security_schemes(space: &mut TypeSpace<'_>) -> Result<Vec<SecurityScheme>, Error> {
    let Some(components) = &space.openapi().components else { return Ok(Vec::new()) };
    let mut namer = Namer::new();
    let mut out = Vec::new();
    for (name, scheme) in &components.security_schemes {
        let pointer = format!("#/components/securitySchemes/{}", pointer::escape(name));
        let (scheme, _) = resolve(space, scheme, &pointer)?;
        let details = scheme_details(&scheme);
        // A handful per spec: taken apart from a copy.
        let (kind, description) = match SpecSecurityScheme::clone(&scheme) {
            SpecSecurityScheme::APIKey { location, name: param, description, .. } => {
                let location = match location {
                    APIKeyLocation::Query => Location::Query,
                    APIKeyLocation::Header => Location::Header,
                    APIKeyLocation::Cookie => Location::Cookie,
                };
                (SecurityKind::ApiKey { location, param }, description)
            }
            SpecSecurityScheme::HTTP { scheme, description, .. } => {
                let kind = if scheme.eq_ignore_ascii_case("basic") {
                    SecurityKind::HttpBasic
                } else {
                    if !scheme.eq_ignore_ascii_case("bearer") {
                        space.diagnose(
                            format!("{pointer}/scheme"),
                            format!("HTTP scheme {scheme:?}: its credential is sent as `Authorization: {scheme} <value>`… treated as bearer"),
                        );
                    }
                    SecurityKind::HttpBearer
                };
                (kind, description)
            }
            SpecSecurityScheme::OAuth2 { flows, description, .. } => {
                let mut scopes: Vec<String> = Vec::new();
                let all = [
                    flows.implicit.as_ref().map(|f| &f.scopes),
                    flows.password.as_ref().map(|f| &f.scopes),
                    flows.client_credentials.as_ref().map(|f| &f.scopes),
                    flows.authorization_code.as_ref().map(|f| &f.scopes),
                ];
                for scope in all.into_iter().flatten().flat_map(|s| s.keys()) {
                    if !scopes.contains(scope) {
                        scopes.push(scope.clone());
                    }
                }
                (SecurityKind::OAuth2 { scopes }, description)
            }
            SpecSecurityScheme::OpenIDConnect { description, .. } => (SecurityKind::OpenIdConnect, description),
        };
        out.push(SecurityScheme { name: name.clone(), rust_name: namer.claim(&rust_type_name(name)), description, kind, details });
    }
    Ok(out)
}

/// What a scheme declares beyond where its credential goes: the HTTP scheme as written, the
/// OAuth2 flows, the OpenID Connect discovery URL.
fn scheme_details(scheme: &SpecSecurityScheme) -> SchemeDetails {
    match scheme {
        SpecSecurityScheme::HTTP { scheme, bearer_format, .. } => {
            SchemeDetails { http_scheme: Some(scheme.clone()), bearer_format: bearer_format.clone(), ..SchemeDetails::default() }
        }
        SpecSecurityScheme::OAuth2 { flows, .. } => {
            let flow = |name: &str,
                        authorization_url: Option<&String>,
                        token_url: Option<&String>,
                        refresh_url: &Option<String>,
                        scopes: &IndexMap<String, String>| OAuthFlow {
                flow: name.to_string(),
                authorization_url: authorization_url.cloned(),
                token_url: token_url.cloned(),
                refresh_url: refresh_url.clone(),
                scopes: scopes.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            };
            let mut out = Vec::new();
            if let Some(f) = &flows.authorization_code {
                out.push(flow("authorizationCode", Some(&f.authorization_url), Some(&f.token_url), &f.refresh_url, &f.scopes));
            }
            if let Some(f) = &flows.client_credentials {
                out.push(flow("clientCredentials", None, Some(&f.token_url), &f.refresh_url, &f.scopes));
            }
            if let Some(f) = &flows.implicit {
                out.push(flow("implicit", Some(&f.authorization_url), None, &f.refresh_url, &f.scopes));
            }
            if let Some(f) = &flows.password {
                out.push(flow("password", None, Some(&f.token_url), &f.refresh_url, &f.scopes));
            }
            SchemeDetails { flows: out, ..SchemeDetails::default() }
        }
        SpecSecurityScheme::OpenIDConnect { open_id_connect_url, .. } => {
            SchemeDetails { open_id_connect_url: Some(open_id_connect_url.clone()), ..SchemeDetails::default() }
        }
        SpecSecurityScheme::APIKey { .. } => SchemeDetails::default(),
    }
}

fn security(space: &mut TypeSpace<'_>, op: &SpecOperation, schemes: &[SecurityScheme], pointer: &str) -> Vec<SecurityRequirement> {
    match &op.security {
        Some(own) => requirements(space, own, schemes, pointer),
        // The root's, diagnosed there once.
        None => match space.openapi().security.clone() {
            Some(root) => requirements(space, &root, schemes, "#"),
            None => Vec::new(),
        },
    }
}

/// The alternatives of a `security` list (at `pointer`), schemes that are not defined left out.
fn requirements(
    space: &mut TypeSpace<'_>,
    requirements: &[openapiv3::SecurityRequirement],
    schemes: &[SecurityScheme],
    pointer: &str,
) -> Vec<SecurityRequirement> {
    let mut out = Vec::new();
    for (i, requirement) in requirements.iter().enumerate() {
        let mut uses = Vec::new();
        for (scheme, scopes) in requirement {
            if !schemes.iter().any(|s| &s.name == scheme) {
                space.diagnose(format!("{pointer}/security/{i}"), format!("security scheme {scheme:?} is not defined: ignored"));
                continue;
            }
            uses.push(SchemeUse { scheme: scheme.clone(), scopes: scopes.clone() });
        }
        out.push(SecurityRequirement { schemes: uses });
    }
    out
}
