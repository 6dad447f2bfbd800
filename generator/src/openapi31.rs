//! OpenAPI 3.1 → the 3.0 shape the rest of the generator reads. 3.1 schemas are JSON Schema
//! 2020-12; the constructs real specs use map onto 3.0 ones:
//! `type: [T, "null"]` → `type: T, nullable: true`; a `{type: "null"}` member of a union →
//! `nullable` on the union; `const` → a one-value `enum`; `examples` → `example`; numeric
//! `exclusiveMinimum`/`exclusiveMaximum` → the bound plus the boolean; `$ref` with sibling
//! keywords → `allOf: [$ref]` beside them; `$defs` inside component schemas → component
//! schemas of their own; boolean schemas → `{}` / `{not: {}}`. What has no 3.0 form is
//! dropped with a diagnostic.

use serde_json::{Map, Value, json};

use crate::diagnostics::Diagnostic;
use crate::pointer;

const SCHEMAS: &str = "#/components/schemas/";

/// Rewrites a 3.1 document in place; returns what was approximated.
pub fn normalize(raw: &mut Value) -> Vec<Diagnostic> {
    let mut notes = Vec::new();
    let Some(doc) = raw.as_object_mut() else { return notes };
    doc.insert("openapi".into(), Value::String("3.0.3".into()));
    doc.entry("paths").or_insert_with(|| json!({}));
    if doc.remove("webhooks").is_some() {
        notes.push(Diagnostic::new("#/webhooks", "webhooks have no OpenAPI 3.0 form: not generated"));
    }
    hoist_defs(raw, &mut notes);
    walk_document(raw, "#", &mut notes);
    notes
}

/// `$defs` of component schemas become component schemas named `{Owner}_{name}`, and the
/// references to them follow.
fn hoist_defs(raw: &mut Value, notes: &mut Vec<Diagnostic>) {
    let Some(schemas) = raw.pointer_mut("/components/schemas").and_then(Value::as_object_mut) else { return };
    let mut moved: Vec<(String, String, Value)> = Vec::new();
    for (owner, schema) in schemas.iter_mut() {
        if let Some(Value::Object(defs)) = schema.as_object_mut().and_then(|s| s.remove("$defs")) {
            for (name, def) in defs {
                moved.push((owner.clone(), name, def));
            }
        }
    }
    let mut renames = Vec::new();
    for (owner, name, def) in moved {
        let mut target = format!("{owner}_{name}");
        while schemas.contains_key(&target) {
            target.push('_');
        }
        renames.push((format!("{SCHEMAS}{}/$defs/{}", pointer::escape(&owner), pointer::escape(&name)), format!("{SCHEMAS}{}", pointer::escape(&target))));
        notes.push(Diagnostic::new(
            format!("{SCHEMAS}{}/$defs/{}", pointer::escape(&owner), pointer::escape(&name)),
            format!("$defs entry moved to component schema {target}"),
        ));
        schemas.insert(target, def);
    }
    if !renames.is_empty() {
        rewrite_refs(raw, &renames);
    }
}

fn rewrite_refs(value: &mut Value, renames: &[(String, String)]) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get_mut("$ref")
                && let Some((from, to)) = renames.iter().find(|(from, _)| target == from || target.starts_with(&format!("{from}/")))
            {
                *target = format!("{to}{}", &target[from.len()..]);
            }
            map.values_mut().for_each(|v| rewrite_refs(v, renames));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, renames)),
        _ => {}
    }
}

/// Finds the schema positions of the document and normalizes each.
fn walk_document(value: &mut Value, pointer: &str, notes: &mut Vec<Diagnostic>) {
    let Value::Object(map) = value else { return };
    for (key, child) in map.iter_mut() {
        let at = format!("{pointer}/{}", pointer::escape(key));
        match key.as_str() {
            "schema" => schema(child, &at, notes),
            "schemas" if pointer == "#/components" => {
                if let Value::Object(schemas) = child {
                    for (name, s) in schemas.iter_mut() {
                        schema(s, &format!("{at}/{}", pointer::escape(name)), notes);
                    }
                }
            }
            // Examples of parameters and media types are values, not schemas.
            "example" | "examples" | "default" => {}
            _ => match child {
                Value::Object(_) => walk_document(child, &at, notes),
                Value::Array(items) => {
                    for (i, item) in items.iter_mut().enumerate() {
                        walk_document(item, &format!("{at}/{i}"), notes);
                    }
                }
                _ => {}
            },
        }
    }
}

/// Normalizes one schema and the schemas inside it.
fn schema(value: &mut Value, pointer: &str, notes: &mut Vec<Diagnostic>) {
    match value {
        Value::Bool(true) => {
            *value = json!({});
            return;
        }
        Value::Bool(false) => {
            *value = json!({"not": {}});
            return;
        }
        Value::Object(_) => {}
        _ => return,
    }
    let Value::Object(map) = value else { return };
    types(map, pointer, notes);
    if let Some(constant) = map.remove("const") {
        let inferred = match &constant {
            Value::String(_) => Some("string"),
            Value::Bool(_) => Some("boolean"),
            Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
            Value::Number(_) => Some("number"),
            _ => None,
        };
        if let Some(ty) = inferred {
            map.entry("type").or_insert_with(|| Value::String(ty.into()));
        }
        map.insert("enum".into(), Value::Array(vec![constant]));
    }
    if let Some(Value::Array(mut examples)) = map.remove("examples")
        && !map.contains_key("example")
        && !examples.is_empty()
    {
        map.insert("example".into(), examples.swap_remove(0));
    }
    for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(n @ Value::Number(_)) = map.get(exclusive).cloned() {
            map.insert(bound.into(), n);
            map.insert(exclusive.into(), Value::Bool(true));
        }
    }
    if map.get("contentMediaType").is_some_and(|m| m != "application/json") && map.get("type").is_some_and(|t| t == "string") {
        map.entry("format").or_insert_with(|| Value::String("binary".into()));
    }
    if map.contains_key("$ref") && map.keys().any(|k| is_schema_keyword(k)) {
        let reference = map.remove("$ref").unwrap_or_default();
        map.insert("allOf".into(), json!([{ "$ref": reference }]));
    }
    for dropped in
        ["prefixItems", "if", "then", "else", "dependentSchemas", "unevaluatedProperties", "unevaluatedItems", "patternProperties", "propertyNames", "contains"]
    {
        if map.remove(dropped).is_some() {
            notes.push(Diagnostic::new(format!("{pointer}/{dropped}"), format!("`{dropped}` has no OpenAPI 3.0 form: ignored")));
        }
    }
    nullable_unions(map);
    // The schemas inside.
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = map.get_mut(key)
            && !(key == "additionalProperties" && child.is_boolean())
        {
            schema(child, &format!("{pointer}/{key}"), notes);
        }
    }
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        for (name, child) in properties.iter_mut() {
            schema(child, &format!("{pointer}/properties/{}", pointer::escape(name)), notes);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(members)) = map.get_mut(key) {
            for (i, child) in members.iter_mut().enumerate() {
                schema(child, &format!("{pointer}/{key}/{i}"), notes);
            }
        }
    }
}

/// `type` arrays: `[T, "null"]` → `T` + `nullable`; several non-null types → no `type` (any
/// value), with a diagnostic.
fn types(map: &mut Map<String, Value>, pointer: &str, notes: &mut Vec<Diagnostic>) {
    match map.get("type").cloned() {
        Some(Value::Array(list)) => {
            let nullable = list.iter().any(|t| t == "null");
            let rest: Vec<Value> = list.into_iter().filter(|t| t != "null").collect();
            match rest.as_slice() {
                [one] => {
                    map.insert("type".into(), one.clone());
                }
                [] => {
                    map.remove("type");
                }
                _ => {
                    map.remove("type");
                    let names: Vec<String> = rest.iter().map(|t| t.as_str().unwrap_or("?").to_string()).collect();
                    notes.push(Diagnostic::new(format!("{pointer}/type"), format!("several types ({}): generated as any JSON value", names.join(", "))));
                }
            }
            if nullable {
                map.insert("nullable".into(), Value::Bool(true));
            }
        }
        Some(Value::String(t)) if t == "null" => {
            map.remove("type");
            map.insert("nullable".into(), Value::Bool(true));
        }
        _ => {}
    }
}

/// `oneOf: [X, {type: "null"}]` → `oneOf: [X]` + `nullable: true`.
fn nullable_unions(map: &mut Map<String, Value>) {
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(members)) = map.get_mut(key) {
            let before = members.len();
            members.retain(|m| !(m.get("type").is_some_and(|t| t == "null") && m.as_object().is_some_and(|o| o.len() == 1)));
            if members.len() < before {
                map.insert("nullable".into(), Value::Bool(true));
            }
        }
    }
}

/// Keywords that change what a schema accepts (annotations like `description` do not).
fn is_schema_keyword(key: &str) -> bool {
    !matches!(key, "$ref" | "description" | "summary" | "title" | "example" | "examples" | "deprecated" | "readOnly" | "writeOnly" | "default" | "$comment")
        && !key.starts_with("x-")
}
