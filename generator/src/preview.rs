//! `rocketgen preview`: what adding a spec would give, from its IR: the tools (one per
//! operation) with self-contained JSON Schemas for their inputs and outputs, and the
//! diagnostics. Writes nothing.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::diagnostics::Diagnostic;
use crate::ir::{Additional, Api, Constraints, Framing, IntWidth, Location, Operation, TypeKind, TypeRef};

/// The longest tool name many tool clients accept.
pub const MAX_TOOL_NAME: usize = 64;
/// How deep an inline schema nests before it is cut (with a diagnostic).
const MAX_DEPTH: usize = 12;

#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub title: String,
    pub version: String,
    /// The servers as declared: URL templates with their variables.
    pub servers: Vec<crate::ir::Server>,
    pub counts: Counts,
    /// Tags, security schemes, strategies and presets, as Executor's preview names them.
    #[serde(flatten)]
    pub summary: crate::summary::Summary,
    pub tools: Vec<Tool>,
    /// Tool names that had to change to be valid or unique: final name → the name from the spec.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub renamed: BTreeMap<String, String>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Counts {
    pub operations: usize,
    pub schemas: usize,
    pub security_schemes: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: String,
    pub description: String,
    pub method: String,
    pub path: String,
    pub input_schema: Value,
    #[serde(skip_serializing_if = "Value::is_null")]
    pub output_schema: Value,
    /// What a call of the tool answers, `{status, body}`, the body as any success status the
    /// spec declares has it (the MCP tool's output schema).
    #[serde(skip)]
    pub result_schema: Value,
    /// How its pages follow one another, when it answers one page of a longer list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pagination: Option<crate::ir::pagination::Pagination>,
}

/// A tool name of at most 64 characters of `[A-Za-z0-9_.-]` (other letters written in ASCII:
/// `名前` → `Ming_Qian`); longer ones keep a prefix and a hash of the whole, so that the result
/// is stable and distinct.
pub fn legal_tool_name(name: &str) -> String {
    let clean: String = crate::ir::names::in_ascii(name).chars().map(|c| if c.is_ascii_alphanumeric() || "_.-".contains(c) { c } else { '_' }).collect();
    if clean.len() <= MAX_TOOL_NAME {
        return clean;
    }
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    format!("{}_{:08x}", &clean[..MAX_TOOL_NAME - 9], hash as u32)
}

pub fn preview(api: &Api) -> Preview {
    let mut diagnostics = api.diagnostics.clone();
    let mut renamed = BTreeMap::new();
    let mut taken = BTreeSet::new();
    let mut tools = Vec::new();
    for op in &api.operations {
        let mut name = legal_tool_name(&op.tool_name);
        let mut n = 2;
        while taken.contains(&name) {
            name = legal_tool_name(&format!("{}_{n}", op.tool_name));
            n += 1;
        }
        taken.insert(name.clone());
        if name != op.tool_name {
            renamed.insert(name.clone(), op.tool_name.clone());
        }
        let mut schemas = Schemas { api, cut: BTreeSet::new(), defs: None };
        let input_schema = schemas.input(op);
        let output_schema = op
            .responses
            .iter()
            .find(|r| matches!(r.status, crate::ir::Status::Code(200..=299)))
            .and_then(|r| r.body.as_ref())
            .map(|b| schemas.body(b))
            .unwrap_or(Value::Null);
        let result_schema = Schemas { api, cut: BTreeSet::new(), defs: Some(BTreeMap::new()) }.result(op);
        for type_name in schemas.cut {
            let pointer = api.types.get(&type_name).map(|t| t.pointer.clone()).unwrap_or_default();
            diagnostics
                .push(Diagnostic::new(pointer, format!("recursive type {type_name} in the schemas of tool {name}: expanded once, then cut to a plain object")));
        }
        tools.push(Tool {
            name,
            description: op.description.clone().or_else(|| op.summary.clone()).unwrap_or_default(),
            method: op.http_method.as_str().to_string(),
            path: op.path.clone(),
            input_schema,
            output_schema,
            result_schema,
            pagination: op.pagination.clone(),
        });
    }
    diagnostics.sort_by(|a, b| a.pointer.cmp(&b.pointer).then(a.message.cmp(&b.message)));
    diagnostics.dedup();
    Preview {
        title: api.title.clone(),
        version: api.version.clone(),
        servers: api.server_templates.clone(),
        summary: crate::summary::summary(api),
        counts: Counts {
            operations: api.operations.len(),
            schemas: api.types.values().filter(|t| t.schema_name.is_some()).count(),
            security_schemes: api.security_schemes.len(),
        },
        tools,
        renamed,
        diagnostics,
    }
}

/// The self-contained JSON Schema of a tool's input.
pub fn input_schema(api: &Api, op: &Operation) -> Value {
    Schemas { api, cut: BTreeSet::new(), defs: None }.input(op)
}

/// The key of a parameter in a tool's input: its name, qualified by its location where the
/// name is used twice (in path and query) or is `body`.
pub fn input_key(op: &Operation, p: &crate::ir::Parameter) -> String {
    let clash = op.parameters.iter().filter(|q| q.name == p.name).count() > 1 || p.name == "body";
    if clash { format!("{}.{}", location(p.location), p.name) } else { p.name.clone() }
}

/// JSON Schemas without `$ref`, recursion expanded once and then cut.
struct Schemas<'a> {
    api: &'a Api,
    /// Recursive types that were cut.
    cut: BTreeSet<String>,
    /// Where set, named types are written once each, here, and referred to (`#/$defs/Name`)
    /// rather than expanded at every use: for output schemas, whose bodies repeat types.
    defs: Option<BTreeMap<String, Value>>,
}

impl Schemas<'_> {
    /// One object: the path, query and header parameters by name, and `body`.
    fn input(&mut self, op: &Operation) -> Value {
        let mut properties = Map::new();
        let mut required = Vec::new();
        for p in op.parameters.iter().filter(|p| p.location != Location::Cookie) {
            let key = input_key(op, p);
            let mut schema = self.of(&p.ty, &p.constraints, &mut Vec::new());
            if let Value::Object(map) = &mut schema {
                if let Some(d) = &p.description {
                    map.insert("description".into(), json!(d));
                }
                if let Some(default) = &p.default {
                    map.insert("default".into(), default.clone());
                }
            }
            if p.required {
                required.push(key.clone());
            }
            properties.insert(key, schema);
        }
        if let Some(body) = &op.request_body {
            let mut schema = self.of(&body.ty, &body.constraints, &mut Vec::new());
            if let (Value::Object(map), Some(d)) = (&mut schema, &body.description) {
                map.entry("description").or_insert(json!(d));
            }
            if body.required {
                required.push("body".into());
            }
            properties.insert("body".into(), schema);
        }
        json!({ "type": "object", "properties": properties, "required": required, "additionalProperties": false })
    }

    /// A response body's schema: a streamed one as the array of its items (a tool answers it
    /// whole, once it ends).
    fn body(&mut self, b: &crate::ir::ResponseBody) -> Value {
        let item = self.of(&b.ty, &b.constraints, &mut Vec::new());
        match b.stream {
            Some(Framing::EventStream) => json!({ "type": "array", "items": {
                "type": "object",
                "properties": { "event": { "type": "string" }, "data": item, "id": { "type": "string" }, "retry": { "type": "integer" } },
                "required": ["data"],
            } }),
            Some(_) => json!({ "type": "array", "items": item }),
            None => item,
        }
    }

    /// `{status, body}` for every status a call may succeed with (2xx, 3xx, `default`): the
    /// body of any of them, `null` where one has none, an array for `all_pages`.
    fn result(&mut self, op: &Operation) -> Value {
        use crate::ir::Status;
        let mut bodies: Vec<Value> = Vec::new();
        for r in op.responses.iter().filter(|r| matches!(r.status, Status::Code(200..=399) | Status::Class(2 | 3) | Status::Default)) {
            let body = match &r.body {
                Some(b) => self.body(b),
                None => json!({ "type": "null" }),
            };
            if !bodies.contains(&body) {
                bodies.push(body);
            }
        }
        if op.pagination.is_some() {
            bodies.push(json!({ "type": "array", "description": "Every item of every page (`all_pages`)." }));
        }
        let body = match bodies.len() {
            0 => json!({}),
            1 => bodies.remove(0),
            _ => json!({ "anyOf": bodies }),
        };
        let mut schema = json!({
            "type": "object",
            "properties": { "status": { "type": "integer", "description": "The HTTP status." }, "body": body },
            "required": ["status", "body"],
        });
        if let Some(defs) = self.defs.take().filter(|defs| !defs.is_empty()) {
            schema["$defs"] = Value::Object(defs.into_iter().collect());
        }
        schema
    }

    fn of(&mut self, ty: &TypeRef, c: &Constraints, stack: &mut Vec<String>) -> Value {
        let mut schema = match ty {
            TypeRef::String => json!({ "type": "string" }),
            TypeRef::Formatted(format) => json!({ "type": "string", "format": format.name() }),
            TypeRef::Integer(IntWidth::I32) => json!({ "type": "integer", "format": "int32" }),
            TypeRef::Integer(IntWidth::I64) => json!({ "type": "integer" }),
            TypeRef::Number => json!({ "type": "number" }),
            TypeRef::Boolean => json!({ "type": "boolean" }),
            // Tools take and give raw bytes as base64 text.
            TypeRef::Binary => json!({ "type": "string", "contentEncoding": "base64" }),
            TypeRef::Any => json!({}),
            TypeRef::Array(item) => {
                let items = self.of(item, c.items.as_deref().unwrap_or(&Constraints::default()), stack);
                json!({ "type": "array", "items": items })
            }
            TypeRef::Map(value) => {
                let values = self.of(value, c.items.as_deref().unwrap_or(&Constraints::default()), stack);
                json!({ "type": "object", "additionalProperties": values })
            }
            TypeRef::Named(name) => self.named(name, stack),
        };
        if let Value::Object(map) = &mut schema {
            constrain(map, c);
        }
        schema
    }

    fn named(&mut self, name: &str, stack: &mut Vec<String>) -> Value {
        if let Some(defs) = &mut self.defs {
            if !defs.contains_key(name) {
                // Claimed before it is expanded: a use inside it refers to it, so nothing recurses.
                defs.insert(name.to_string(), Value::Null);
                let expanded = self.expand(name, &mut Vec::new());
                self.defs.get_or_insert_default().insert(name.to_string(), expanded);
            }
            return json!({ "$ref": format!("#/$defs/{name}") });
        }
        self.expand(name, stack)
    }

    /// A named type's schema, written out.
    fn expand(&mut self, name: &str, stack: &mut Vec<String>) -> Value {
        let Some(def) = self.api.types.get(name) else { return json!({}) };
        if stack.iter().filter(|n| *n == name).count() >= 1 || stack.len() >= MAX_DEPTH {
            self.cut.insert(name.to_string());
            return json!({ "type": "object", "description": format!("{} (recursive; not expanded further)", def.schema_name.as_deref().unwrap_or(name)) });
        }
        stack.push(name.to_string());
        let mut schema = match &def.kind {
            TypeKind::Struct { fields, additional, .. } => {
                let mut properties = Map::new();
                let mut required = Vec::new();
                for f in fields {
                    let mut s = self.of(&f.ty, &f.constraints, stack);
                    if f.nullable {
                        s = json!({ "anyOf": [s, { "type": "null" }] });
                    }
                    if let (Value::Object(map), Some(d)) = (&mut s, &f.description) {
                        map.entry("description").or_insert(json!(d));
                    }
                    if f.required && !f.undeclared {
                        required.push(json!(f.json_name));
                    }
                    properties.insert(f.json_name.clone(), s);
                }
                let additional = match additional {
                    Additional::Forbidden => json!(false),
                    Additional::Any => json!(true),
                    Additional::Typed(t) => self.of(t, &Constraints::default(), stack),
                };
                json!({ "type": "object", "properties": properties, "required": required, "additionalProperties": additional })
            }
            TypeKind::Enum { variants, .. } => json!({ "type": "string", "enum": variants.iter().map(|v| v.value.clone()).collect::<Vec<_>>() }),
            TypeKind::Newtype { inner, constraints } => self.of(inner, constraints, stack),
            TypeKind::Union { variants, .. } => {
                let members: Vec<Value> = variants.iter().map(|v| self.of(&v.ty, &Constraints::default(), stack)).collect();
                json!({ "anyOf": members })
            }
        };
        stack.pop();
        if let (Value::Object(map), Some(d)) = (&mut schema, &def.description) {
            map.entry("description").or_insert(json!(d));
        }
        schema
    }
}

fn location(l: Location) -> &'static str {
    match l {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
        Location::Cookie => "cookie",
    }
}

fn constrain(map: &mut Map<String, Value>, c: &Constraints) {
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            map.insert(k.to_string(), v);
        }
    };
    put("minimum", c.minimum.map(|v| json!(v)));
    put("maximum", c.maximum.map(|v| json!(v)));
    put("minLength", c.min_length.map(|v| json!(v)));
    put("maxLength", c.max_length.map(|v| json!(v)));
    put("pattern", c.pattern.clone().map(Value::String));
    put("minItems", c.min_items.map(|v| json!(v)));
    put("maxItems", c.max_items.map(|v| json!(v)));
    put("multipleOf", c.multiple_of.map(|v| json!(v)));
    put("minProperties", c.min_properties.map(|v| json!(v)));
    put("maxProperties", c.max_properties.map(|v| json!(v)));
    if c.unique_items {
        put("uniqueItems", Some(json!(true)));
    }
    if c.exclusive_minimum
        && let Some(min) = c.minimum
    {
        map.remove("minimum");
        map.insert("exclusiveMinimum".into(), json!(min));
    }
    if c.exclusive_maximum
        && let Some(max) = c.maximum
    {
        map.remove("maximum");
        map.insert("exclusiveMaximum".into(), json!(max));
    }
    if let Some(format) = &c.format
        && !map.contains_key("format")
        && matches!(map.get("type"), Some(Value::String(t)) if t == "string")
    {
        map.insert("format".into(), json!(format));
    }
}

/// The preview as text: what a person reads before adding the spec.
pub fn to_text(p: &Preview) -> String {
    let mut out = format!("{} {}\n", p.title, p.version);
    if !p.servers.is_empty() {
        let urls: Vec<&str> = p.servers.iter().map(|s| s.url.as_str()).collect();
        out.push_str(&format!("servers: {}\n", urls.join(", ")));
    }
    out.push_str(&format!(
        "{} operations, {} schemas, {} security schemes\n\ntools ({}):\n",
        p.counts.operations,
        p.counts.schemas,
        p.counts.security_schemes,
        p.tools.len()
    ));
    for t in &p.tools {
        let first = t.description.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
        out.push_str(&format!("  {}  {} {}\n", t.name, t.method, t.path));
        if !first.is_empty() {
            out.push_str(&format!("      {first}\n"));
        }
        if let Some(pagination) = &t.pagination {
            out.push_str(&format!("      paginated: {}\n", pagination.describe()));
        }
    }
    if !p.renamed.is_empty() {
        out.push_str("\nrenamed tools:\n");
        for (to, from) in &p.renamed {
            out.push_str(&format!("  {from} → {to}\n"));
        }
    }
    out.push_str(&format!("\ndiagnostics ({}):\n", p.diagnostics.len()));
    for d in &p.diagnostics {
        out.push_str(&format!("  {}: {}\n", d.pointer, d.message));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::legal_tool_name;

    #[test]
    fn tool_names_are_legal_and_short() {
        assert_eq!(legal_tool_name("content.getItem"), "content.getItem");
        assert_eq!(legal_tool_name("a b/c"), "a_b_c");
        let long = legal_tool_name(&"x".repeat(100));
        assert_eq!(long.len(), 64);
        assert_ne!(long, legal_tool_name(&"x".repeat(101)));
    }
}
