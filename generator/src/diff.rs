//! Two versions of a spec compared through their IRs: every change to operations, schemas and
//! tools, each judged for three audiences: clients of the HTTP API, implementors of the service
//! trait, and the generated Rust crates' semver. A break is never hidden: where a change might
//! break someone, it is called breaking, with the reason.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::ir::{Additional, Api, Location, Operation, TypeDef, TypeKind, TypeRef};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    Compatible,
    Breaking,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Semver {
    Patch,
    Minor,
    Major,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    Operation,
    Schema,
    Tool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Added,
    Removed,
    Changed,
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub area: Area,
    /// `GET /items/{id}`, a schema name, or a tool name.
    pub subject: String,
    pub kind: Kind,
    /// What changed, in words.
    pub detail: String,
    /// For clients of the HTTP API.
    pub client: Impact,
    /// For implementors of the service trait.
    pub implementor: Impact,
    /// For the generated crates.
    pub semver: Semver,
    /// Why it was judged so.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub old_version: String,
    pub new_version: String,
    pub changes: Vec<Change>,
    pub summary: Summary,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub operations_added: usize,
    pub operations_removed: usize,
    pub operations_changed: usize,
    pub schemas_added: usize,
    pub schemas_removed: usize,
    pub schemas_changed: usize,
    pub client_breaking: usize,
    pub implementor_breaking: usize,
    /// The release the generated crates need.
    pub semver: Semver,
}

impl Report {
    pub fn has_breaking(&self) -> bool {
        self.summary.client_breaking > 0 || self.summary.implementor_breaking > 0
    }
}

struct Judge {
    client: Impact,
    implementor: Impact,
    semver: Semver,
    reason: &'static str,
}

const fn judge(client: Impact, implementor: Impact, semver: Semver, reason: &'static str) -> Judge {
    Judge { client, implementor, semver, reason }
}

use Impact::{Breaking, Compatible};
use Semver::{Major, Minor, Patch};

/// Compares `old` with `new`.
pub fn diff(old: &Api, new: &Api) -> Report {
    let mut d = Differ { old, new, changes: Vec::new(), old_uses: Uses::of(old), new_uses: Uses::of(new) };
    d.operations();
    d.schemas();
    let changes = d.changes;
    let count = |area: Area, kind: Kind| {
        let subjects: BTreeSet<&str> = changes.iter().filter(|c| c.area == area && c.kind == kind).map(|c| c.subject.as_str()).collect();
        subjects.len()
    };
    let summary = Summary {
        operations_added: count(Area::Operation, Kind::Added),
        operations_removed: count(Area::Operation, Kind::Removed),
        operations_changed: count(Area::Operation, Kind::Changed),
        schemas_added: count(Area::Schema, Kind::Added),
        schemas_removed: count(Area::Schema, Kind::Removed),
        schemas_changed: count(Area::Schema, Kind::Changed),
        client_breaking: changes.iter().filter(|c| c.client == Breaking).count(),
        implementor_breaking: changes.iter().filter(|c| c.implementor == Breaking).count(),
        semver: changes.iter().map(|c| c.semver).max().unwrap_or(Patch),
    };
    Report { old_version: old.version.clone(), new_version: new.version.clone(), changes, summary }
}

/// Which types travel in requests and which in responses (a type can do both).
struct Uses {
    request: BTreeSet<String>,
    response: BTreeSet<String>,
}

impl Uses {
    fn of(api: &Api) -> Uses {
        let mut request = BTreeSet::new();
        let mut response = BTreeSet::new();
        for op in &api.operations {
            for p in &op.parameters {
                reach(api, &p.ty, &mut request);
            }
            if let Some(b) = &op.request_body {
                reach(api, &b.ty, &mut request);
            }
            for r in &op.responses {
                if let Some(b) = &r.body {
                    reach(api, &b.ty, &mut response);
                }
            }
        }
        Uses { request, response }
    }
}

fn reach(api: &Api, ty: &TypeRef, seen: &mut BTreeSet<String>) {
    match ty {
        TypeRef::Array(inner) | TypeRef::Map(inner) => reach(api, inner, seen),
        TypeRef::Named(name) => {
            if !seen.insert(name.clone()) {
                return;
            }
            let Some(def) = api.types.get(name) else { return };
            match &def.kind {
                TypeKind::Struct { fields, additional, .. } => {
                    for f in fields {
                        reach(api, &f.ty, seen);
                    }
                    if let Additional::Typed(t) = additional {
                        reach(api, t, seen);
                    }
                }
                TypeKind::Newtype { inner, .. } => reach(api, inner, seen),
                TypeKind::Union { variants, .. } => variants.iter().for_each(|v| reach(api, &v.ty, seen)),
                TypeKind::Enum { .. } => {}
            }
        }
        _ => {}
    }
}

struct Differ<'a> {
    old: &'a Api,
    new: &'a Api,
    changes: Vec<Change>,
    old_uses: Uses,
    new_uses: Uses,
}

fn op_key(op: &Operation) -> String {
    format!("{} {}", op.http_method.as_str(), op.path)
}

fn location_name(location: Location) -> &'static str {
    match location {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
        Location::Cookie => "cookie",
    }
}

impl Differ<'_> {
    fn push(&mut self, area: Area, subject: &str, kind: Kind, detail: String, j: Judge) {
        self.changes.push(Change {
            area,
            subject: subject.to_string(),
            kind,
            detail,
            client: j.client,
            implementor: j.implementor,
            semver: j.semver,
            reason: j.reason.to_string(),
        });
    }

    fn operations(&mut self) {
        let old: BTreeMap<String, &Operation> = self.old.operations.iter().map(|op| (op_key(op), op)).collect();
        let new: BTreeMap<String, &Operation> = self.new.operations.iter().map(|op| (op_key(op), op)).collect();
        for (key, op) in &new {
            if !old.contains_key(key) {
                self.push(
                    Area::Operation,
                    key,
                    Kind::Added,
                    format!("operation added (tool `{}`)", op.tool_name),
                    judge(Compatible, Compatible, Minor, "a new trait method has a default (501), so implementations still compile; a new tool"),
                );
                self.push(Area::Tool, &op.tool_name, Kind::Added, format!("tool added for {key}"), judge(Compatible, Compatible, Minor, "a new tool"));
            }
        }
        for (key, op) in &old {
            if !new.contains_key(key) {
                self.push(
                    Area::Operation,
                    key,
                    Kind::Removed,
                    format!("operation removed (tool `{}`)", op.tool_name),
                    judge(Breaking, Breaking, Major, "callers lose the operation; implementations of the removed trait method no longer compile"),
                );
                self.push(
                    Area::Tool,
                    &op.tool_name,
                    Kind::Removed,
                    format!("tool removed with {key}"),
                    judge(Breaking, Compatible, Major, "agents calling the tool fail"),
                );
            }
        }
        for (key, old_op) in &old {
            if let Some(new_op) = new.get(key) {
                self.operation(key, old_op, new_op);
            }
        }
    }

    fn operation(&mut self, key: &str, old: &Operation, new: &Operation) {
        let area = Area::Operation;
        if old.tool_name != new.tool_name {
            self.push(
                Area::Tool,
                &old.tool_name,
                Kind::Changed,
                format!("tool renamed to `{}`", new.tool_name),
                judge(Compatible, Breaking, Major, "the trait method and request/response types are renamed; agents must use the new tool name"),
            );
        }
        // Parameters, by location and name.
        let params = |op: &Operation| -> BTreeMap<(String, String), crate::ir::Parameter> {
            op.parameters.iter().map(|p| ((location_name(p.location).to_string(), p.name.clone()), p.clone())).collect()
        };
        let (old_params, new_params) = (params(old), params(new));
        for ((location, name), p) in &new_params {
            if !old_params.contains_key(&(location.clone(), name.clone())) {
                let detail = format!("{location} parameter `{name}` added{}", if p.required { " (required)" } else { "" });
                let j = if p.required {
                    judge(Breaking, Breaking, Major, "existing requests lack a required parameter; the request type gains a required field")
                } else {
                    judge(Compatible, Breaking, Major, "the request type gains a public field, which breaks struct literals and exhaustive patterns")
                };
                self.push(area, key, Kind::Changed, detail, j);
            }
        }
        for ((location, name), p) in &old_params {
            match new_params.get(&(location.clone(), name.clone())) {
                None => self.push(
                    area,
                    key,
                    Kind::Changed,
                    format!("{location} parameter `{name}` removed"),
                    judge(Breaking, Breaking, Major, "clients that send it may be refused; the request type loses a field"),
                ),
                Some(n) => {
                    if p.required != n.required {
                        let (detail, client) = if n.required {
                            (format!("{location} parameter `{name}` became required"), Breaking)
                        } else {
                            (format!("{location} parameter `{name}` became optional"), Compatible)
                        };
                        self.push(
                            area,
                            key,
                            Kind::Changed,
                            detail,
                            judge(client, Breaking, Major, "the field's Rust type changes between `T` and `Option<T>`"),
                        );
                    }
                    if !same_type(self.old, &p.ty, self.new, &n.ty) {
                        self.push(
                            area,
                            key,
                            Kind::Changed,
                            format!("{location} parameter `{name}`: type {} → {}", describe(self.old, &p.ty), describe(self.new, &n.ty)),
                            judge(Breaking, Breaking, Major, "a parameter's type changed"),
                        );
                    }
                    if p.style != n.style || p.explode != n.explode {
                        self.push(
                            area,
                            key,
                            Kind::Changed,
                            format!("{location} parameter `{name}`: serialization style changed"),
                            judge(Breaking, Compatible, Patch, "the wire form of the parameter changed; generated clients and servers follow"),
                        );
                    }
                }
            }
        }
        // Request body.
        match (&old.request_body, &new.request_body) {
            (None, Some(b)) => self.push(
                area,
                key,
                Kind::Changed,
                format!("request body added{}", if b.required { " (required)" } else { "" }),
                if b.required {
                    judge(Breaking, Breaking, Major, "existing requests have no body")
                } else {
                    judge(Compatible, Breaking, Major, "the request type gains a field")
                },
            ),
            (Some(_), None) => self.push(
                area,
                key,
                Kind::Changed,
                "request body removed".into(),
                judge(Breaking, Breaking, Major, "clients that send a body may be refused; the request type loses a field"),
            ),
            (Some(o), Some(n)) => {
                if !same_type(self.old, &o.ty, self.new, &n.ty) {
                    self.push(
                        area,
                        key,
                        Kind::Changed,
                        format!("request body type {} → {}", describe(self.old, &o.ty), describe(self.new, &n.ty)),
                        judge(Breaking, Breaking, Major, "the body's type changed"),
                    );
                }
                if o.required != n.required {
                    let client = if n.required { Breaking } else { Compatible };
                    self.push(
                        area,
                        key,
                        Kind::Changed,
                        format!("request body became {}", if n.required { "required" } else { "optional" }),
                        judge(client, Breaking, Major, "the body field's Rust type changes between `T` and `Option<T>`"),
                    );
                }
                if o.media_type != n.media_type {
                    self.push(
                        area,
                        key,
                        Kind::Changed,
                        format!("request media type {} → {}", o.media_type, n.media_type),
                        judge(Breaking, Compatible, Patch, "clients must send another content type"),
                    );
                }
                if o.description != n.description {
                    self.push(area, key, Kind::Changed, "request body description changed".into(), judge(Compatible, Compatible, Patch, "documentation only"));
                }
            }
            (None, None) => {}
        }
        // Responses, by status.
        let old_responses: BTreeMap<String, &crate::ir::Response> = old.responses.iter().map(|r| (r.status.to_string(), r)).collect();
        let new_responses: BTreeMap<String, &crate::ir::Response> = new.responses.iter().map(|r| (r.status.to_string(), r)).collect();
        for status in new_responses.keys().filter(|s| !old_responses.contains_key(*s)) {
            self.push(
                area,
                key,
                Kind::Changed,
                format!("response {status} added"),
                judge(Compatible, Breaking, Major, "the response enum gains a variant, which breaks exhaustive matches"),
            );
        }
        for status in old_responses.keys().filter(|s| !new_responses.contains_key(*s)) {
            self.push(
                area,
                key,
                Kind::Changed,
                format!("response {status} removed"),
                judge(Breaking, Breaking, Major, "clients relying on it break; the response enum loses a variant"),
            );
        }
        for (status, o) in &old_responses {
            let Some(n) = new_responses.get(status) else { continue };
            let (ot, nt) = (o.body.as_ref().map(|b| &b.ty), n.body.as_ref().map(|b| &b.ty));
            let streams = (o.body.as_ref().and_then(|b| b.stream), n.body.as_ref().and_then(|b| b.stream));
            if streams.0 != streams.1 && ot.is_some() && nt.is_some() {
                let show = |framing: Option<crate::ir::Framing>| framing.map_or_else(|| "a whole body".to_string(), |f| format!("a stream ({f:?})"));
                self.push(
                    area,
                    key,
                    Kind::Changed,
                    format!("response {status} body {} → {}", show(streams.0), show(streams.1)),
                    judge(Breaking, Breaking, Major, "the body is read and written differently: the variant's type changes"),
                );
            }
            let same = match (ot, nt) {
                (Some(a), Some(b)) => same_type(self.old, a, self.new, b),
                (None, None) => true,
                _ => false,
            };
            if !same {
                let show = |api: &Api, t: Option<&TypeRef>| t.map(|t| describe(api, t)).unwrap_or_else(|| "no body".into());
                self.push(
                    area,
                    key,
                    Kind::Changed,
                    format!("response {status} body {} → {}", show(self.old, ot), show(self.new, nt)),
                    judge(Breaking, Breaking, Major, "the response body's type changed"),
                );
            }
        }
        // Security.
        let schemes = |op: &Operation| -> BTreeSet<String> {
            op.security.iter().map(|r| r.schemes.iter().map(|s| s.scheme.clone()).collect::<Vec<_>>().join("+")).collect()
        };
        if schemes(old) != schemes(new) {
            let show = |s: BTreeSet<String>| if s.is_empty() { "none".to_string() } else { s.into_iter().collect::<Vec<_>>().join(" or ") };
            self.push(
                area,
                key,
                Kind::Changed,
                format!("security {} → {}", show(schemes(old)), show(schemes(new))),
                judge(Breaking, Breaking, Major, "clients must send other credentials; the request type's credentials change"),
            );
        }
        if old.deprecated != new.deprecated {
            self.push(
                area,
                key,
                Kind::Changed,
                format!("deprecated: {} → {}", old.deprecated, new.deprecated),
                judge(Compatible, Compatible, Patch, "documentation only"),
            );
        }
    }

    fn schemas(&mut self) {
        let by_schema = |api: &Api| -> BTreeMap<String, TypeDef> { api.types.values().filter_map(|t| t.schema_name.clone().map(|n| (n, t.clone()))).collect() };
        let (old, new) = (by_schema(self.old), by_schema(self.new));
        for name in new.keys().filter(|n| !old.contains_key(*n)) {
            self.push(Area::Schema, name, Kind::Added, "schema added".into(), judge(Compatible, Compatible, Minor, "a new type"));
        }
        for name in old.keys().filter(|n| !new.contains_key(*n)) {
            self.push(Area::Schema, name, Kind::Removed, "schema removed".into(), judge(Breaking, Breaking, Major, "the type is gone"));
        }
        for (name, o) in &old {
            if let Some(n) = new.get(name) {
                let in_request = self.old_uses.request.contains(&o.name) || self.new_uses.request.contains(&n.name);
                let in_response = self.old_uses.response.contains(&o.name) || self.new_uses.response.contains(&n.name);
                let mut seen = BTreeSet::new();
                self.type_def(name, "", o, n, in_request, in_response, &mut seen);
            }
        }
    }

    /// Compares two definitions of one schema; `path` names nested inline objects (`.tiles[]`).
    #[allow(clippy::too_many_arguments)]
    fn type_def(&mut self, schema: &str, path: &str, o: &TypeDef, n: &TypeDef, in_request: bool, in_response: bool, seen: &mut BTreeSet<String>) {
        if !seen.insert(format!("{}|{}", o.name, n.name)) {
            return;
        }
        let area = Area::Schema;
        let at = |what: &str| if path.is_empty() { what.to_string() } else { format!("{}: {what}", path.trim_start_matches('.')) };
        match (&o.kind, &n.kind) {
            (TypeKind::Struct { fields: of, additional: oa, .. }, TypeKind::Struct { fields: nf, additional: na, .. }) => {
                for f in nf.iter().filter(|f| !of.iter().any(|g| g.json_name == f.json_name)) {
                    let required = f.required && !f.undeclared;
                    let detail = at(&format!("property `{}` added{}", f.json_name, if required { " (required)" } else { "" }));
                    let j = match (required, in_request) {
                        (true, true) => judge(Breaking, Breaking, Major, "clients must now send it; the Rust struct gains a field"),
                        _ => judge(Compatible, Breaking, Major, "the Rust struct gains a public field, which breaks struct literals and exhaustive patterns"),
                    };
                    self.push(area, schema, Kind::Changed, detail, j);
                }
                for f in of.iter().filter(|f| !nf.iter().any(|g| g.json_name == f.json_name)) {
                    self.push(
                        area,
                        schema,
                        Kind::Changed,
                        at(&format!("property `{}` removed", f.json_name)),
                        judge(Breaking, Breaking, Major, "clients reading or sending it break; the Rust struct loses a field"),
                    );
                }
                for f in of {
                    let Some(g) = nf.iter().find(|g| g.json_name == f.json_name) else { continue };
                    let prop = &f.json_name;
                    if f.required != g.required {
                        let breaking = (g.required && in_request) || (!g.required && in_response);
                        let client = if breaking { Breaking } else { Compatible };
                        self.push(
                            area,
                            schema,
                            Kind::Changed,
                            at(&format!("property `{prop}` became {}", if g.required { "required" } else { "optional" })),
                            judge(client, Breaking, Major, "required in a request or optional in a response breaks clients; the field's Rust type changes"),
                        );
                    }
                    if f.nullable != g.nullable {
                        let client = if g.nullable && in_response || !g.nullable && in_request { Breaking } else { Compatible };
                        self.push(
                            area,
                            schema,
                            Kind::Changed,
                            at(&format!("property `{prop}` nullable: {} → {}", f.nullable, g.nullable)),
                            judge(client, Breaking, Major, "null becomes possible (or forbidden); the field's Rust type changes"),
                        );
                    }
                    let nested = format!("{path}.{prop}");
                    self.field_type(schema, &nested, &f.ty, &g.ty, in_request, in_response, seen);
                }
                let show = |a: &Additional| match a {
                    Additional::Forbidden => "forbidden".to_string(),
                    Additional::Any => "any".to_string(),
                    Additional::Typed(_) => "typed".to_string(),
                };
                if show(oa) != show(na) {
                    let client = if matches!(na, Additional::Forbidden) && in_request { Breaking } else { Compatible };
                    self.push(
                        area,
                        schema,
                        Kind::Changed,
                        at(&format!("additional properties {} → {}", show(oa), show(na))),
                        judge(client, Breaking, Major, "extra properties are now refused (or kept); the Rust struct's extra field changes"),
                    );
                }
            }
            (TypeKind::Enum { variants: ov, .. }, TypeKind::Enum { variants: nv, .. }) => {
                for v in nv.iter().filter(|v| !ov.iter().any(|w| w.value == v.value)) {
                    let client = if in_response { Breaking } else { Compatible };
                    self.push(
                        area,
                        schema,
                        Kind::Changed,
                        at(&format!("enum value `{}` added", v.value)),
                        judge(client, Breaking, Major, "clients with closed enums cannot read it (generated enums are open); the Rust enum gains a variant"),
                    );
                }
                for v in ov.iter().filter(|v| !nv.iter().any(|w| w.value == v.value)) {
                    let client = if in_request { Breaking } else { Compatible };
                    self.push(
                        area,
                        schema,
                        Kind::Changed,
                        at(&format!("enum value `{}` removed", v.value)),
                        judge(client, Breaking, Major, "clients sending it are refused; the Rust enum loses a variant"),
                    );
                }
            }
            (TypeKind::Newtype { inner: oi, .. }, TypeKind::Newtype { inner: ni, .. }) => {
                self.field_type(schema, path, oi, ni, in_request, in_response, seen);
            }
            _ if kind_name(&o.kind) != kind_name(&n.kind) => {
                self.push(
                    area,
                    schema,
                    Kind::Changed,
                    at(&format!("kind {} → {}", kind_name(&o.kind), kind_name(&n.kind))),
                    judge(Breaking, Breaking, Major, "the schema's shape changed"),
                );
            }
            _ => {
                if !same_def(self.old, o, self.new, n, 0) {
                    self.push(area, schema, Kind::Changed, at("union members changed"), judge(Breaking, Breaking, Major, "the accepted shapes changed"));
                }
            }
        }
        if path.is_empty() && o.description != n.description {
            self.push(area, schema, Kind::Changed, "description changed".into(), judge(Compatible, Compatible, Patch, "documentation only"));
        }
    }

    /// Compares the types of one property; inline object types are compared field by field.
    #[allow(clippy::too_many_arguments)]
    fn field_type(&mut self, schema: &str, path: &str, o: &TypeRef, n: &TypeRef, in_request: bool, in_response: bool, seen: &mut BTreeSet<String>) {
        match (o, n) {
            (TypeRef::Array(a), TypeRef::Array(b)) => self.field_type(schema, &format!("{path}[]"), a, b, in_request, in_response, seen),
            (TypeRef::Map(a), TypeRef::Map(b)) => self.field_type(schema, &format!("{path}{{}}"), a, b, in_request, in_response, seen),
            (TypeRef::Named(a), TypeRef::Named(b)) => {
                let (Some(od), Some(nd)) = (self.old.types.get(a), self.new.types.get(b)) else { return };
                match (&od.schema_name, &nd.schema_name) {
                    // Both components: compared on their own; here only whether it is the same one.
                    (Some(x), Some(y)) if x == y => {}
                    (None, None) => self.type_def(schema, path, od, nd, in_request, in_response, seen),
                    _ if same_def(self.old, od, self.new, nd, 0) => {
                        self.push(
                            Area::Schema,
                            schema,
                            Kind::Changed,
                            format!("{}: type {} → {} (same shape)", path.trim_start_matches('.'), describe(self.old, o), describe(self.new, n)),
                            judge(Compatible, Breaking, Major, "the JSON is the same; the Rust type's name changed"),
                        );
                    }
                    _ => self.push(
                        Area::Schema,
                        schema,
                        Kind::Changed,
                        format!("{}: type {} → {}", path.trim_start_matches('.'), describe(self.old, o), describe(self.new, n)),
                        judge(Breaking, Breaking, Major, "the property's type changed"),
                    ),
                }
            }
            _ if same_type(self.old, o, self.new, n) => {}
            _ => self.push(
                Area::Schema,
                schema,
                Kind::Changed,
                format!("{}: type {} → {}", path.trim_start_matches('.'), describe(self.old, o), describe(self.new, n)),
                judge(Breaking, Breaking, Major, "the property's type changed"),
            ),
        }
    }
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct { .. } => "object",
        TypeKind::Enum { .. } => "enum",
        TypeKind::Newtype { .. } => "alias",
        TypeKind::Union { .. } => "union",
    }
}

/// A type as a reader of the spec would say it.
pub fn describe(api: &Api, ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "string".into(),
        TypeRef::Formatted(format) => format!("string ({})", format.name()),
        TypeRef::Integer(_) => "integer".into(),
        TypeRef::Number => "number".into(),
        TypeRef::Boolean => "boolean".into(),
        TypeRef::Binary => "binary".into(),
        TypeRef::Any => "any".into(),
        TypeRef::Array(inner) => format!("array of {}", describe(api, inner)),
        TypeRef::Map(inner) => format!("map of {}", describe(api, inner)),
        TypeRef::Named(name) => match api.types.get(name).and_then(|t| t.schema_name.clone()) {
            Some(schema) => schema,
            None => format!("inline {}", api.types.get(name).map(|t| kind_name(&t.kind)).unwrap_or("type")),
        },
    }
}

/// Whether two type uses have the same JSON shape (components by name, inline ones by content).
fn same_type(a_api: &Api, a: &TypeRef, b_api: &Api, b: &TypeRef) -> bool {
    same_type_at(a_api, a, b_api, b, 0)
}

fn same_type_at(a_api: &Api, a: &TypeRef, b_api: &Api, b: &TypeRef, depth: usize) -> bool {
    match (a, b) {
        (TypeRef::Array(x), TypeRef::Array(y)) | (TypeRef::Map(x), TypeRef::Map(y)) => same_type_at(a_api, x, b_api, y, depth),
        (TypeRef::Named(x), TypeRef::Named(y)) => {
            let (Some(dx), Some(dy)) = (a_api.types.get(x), b_api.types.get(y)) else { return false };
            match (&dx.schema_name, &dy.schema_name) {
                (Some(p), Some(q)) => p == q,
                _ => same_def(a_api, dx, b_api, dy, depth + 1),
            }
        }
        (TypeRef::Integer(_), TypeRef::Integer(_)) => true,
        _ => a == b,
    }
}

fn same_def(a_api: &Api, a: &TypeDef, b_api: &Api, b: &TypeDef, depth: usize) -> bool {
    if depth > 16 {
        return true;
    }
    match (&a.kind, &b.kind) {
        (TypeKind::Struct { fields: fa, .. }, TypeKind::Struct { fields: fb, .. }) => {
            fa.len() == fb.len()
                && fa.iter().all(|f| {
                    fb.iter().any(|g| {
                        g.json_name == f.json_name
                            && g.required == f.required
                            && g.nullable == f.nullable
                            && same_type_at(a_api, &f.ty, b_api, &g.ty, depth + 1)
                    })
                })
        }
        (TypeKind::Enum { variants: va, .. }, TypeKind::Enum { variants: vb, .. }) => {
            va.iter().map(|v| &v.value).collect::<BTreeSet<_>>() == vb.iter().map(|v| &v.value).collect::<BTreeSet<_>>()
        }
        (TypeKind::Newtype { inner: x, .. }, TypeKind::Newtype { inner: y, .. }) => same_type_at(a_api, x, b_api, y, depth + 1),
        (TypeKind::Union { variants: va, .. }, TypeKind::Union { variants: vb, .. }) => {
            va.len() == vb.len() && va.iter().zip(vb).all(|(x, y)| same_type_at(a_api, &x.ty, b_api, &y.ty, depth + 1))
        }
        _ => false,
    }
}

/// The report as readable text, grouped by area and subject.
pub fn to_text(report: &Report) -> String {
    let mut out = format!("Changes from {} to {}\n", report.old_version, report.new_version);
    let s = &report.summary;
    out.push_str(&format!(
        "operations: {} added, {} removed, {} changed; schemas: {} added, {} removed, {} changed\n",
        s.operations_added, s.operations_removed, s.operations_changed, s.schemas_added, s.schemas_removed, s.schemas_changed
    ));
    out.push_str(&format!(
        "breaking for clients: {}; for implementors: {}; generated crates: a {} release\n",
        s.client_breaking,
        s.implementor_breaking,
        semver_word(s.semver)
    ));
    for area in [Area::Operation, Area::Schema, Area::Tool] {
        let mut groups: BTreeMap<(Kind, &str), Vec<&Change>> = BTreeMap::new();
        for c in report.changes.iter().filter(|c| c.area == area) {
            groups.entry((c.kind, c.subject.as_str())).or_default().push(c);
        }
        if groups.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n{}\n",
            match area {
                Area::Operation => "Operations",
                Area::Schema => "Schemas",
                Area::Tool => "Tools",
            }
        ));
        for ((kind, subject), changes) in groups {
            let word = match kind {
                Kind::Added => "added",
                Kind::Removed => "removed",
                Kind::Changed => "changed",
            };
            out.push_str(&format!("  {word}: {subject}\n"));
            for c in changes.iter().filter(|c| c.kind == Kind::Changed || changes.len() > 1) {
                out.push_str(&format!("    - {} [{}]\n", c.detail, verdicts(c)));
            }
            if kind != Kind::Changed && changes.len() == 1 {
                let c = changes[0];
                out.push_str(&format!("    [{}]\n", verdicts(c)));
            }
        }
    }
    out
}

fn semver_word(s: Semver) -> &'static str {
    match s {
        Semver::Patch => "patch",
        Semver::Minor => "minor",
        Semver::Major => "major",
    }
}

fn verdicts(c: &Change) -> String {
    let word = |i: Impact| if i == Breaking { "breaking" } else { "compatible" };
    format!("clients: {}; implementors: {}; crates: {} — {}", word(c.client), word(c.implementor), semver_word(c.semver), c.reason)
}

/// The report as Markdown, for a changelog or a pull request.
pub fn to_markdown(report: &Report) -> String {
    let s = &report.summary;
    let mut out = format!("## API changes: {} → {}\n\n", report.old_version, report.new_version);
    out.push_str(&format!(
        "- Operations: {} added, {} removed, {} changed\n- Schemas: {} added, {} removed, {} changed\n- Breaking for clients: {}; for implementors: {}\n- Generated crates: **{}** release\n\n",
        s.operations_added, s.operations_removed, s.operations_changed, s.schemas_added, s.schemas_removed, s.schemas_changed,
        s.client_breaking, s.implementor_breaking, semver_word(s.semver)
    ));
    out.push_str("| area | subject | change | clients | implementors | crates | why |\n|---|---|---|---|---|---|---|\n");
    let word = |i: Impact| if i == Breaking { "**breaking**" } else { "compatible" };
    for c in &report.changes {
        let area = match c.area {
            Area::Operation => "operation",
            Area::Schema => "schema",
            Area::Tool => "tool",
        };
        out.push_str(&format!(
            "| {area} | `{}` | {} | {} | {} | {} | {} |\n",
            c.subject,
            c.detail.replace('|', "\\|"),
            word(c.client),
            word(c.implementor),
            semver_word(c.semver),
            c.reason
        ));
    }
    out
}
