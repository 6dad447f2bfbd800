//! Comparing JSON documents as data, and validating them against a spec's schemas.

use serde_json::Value;

/// Equal as JSON data: objects compare without regard to key order (as `Value` already does),
/// and numbers by value, so `1` and `1.0` are the same number.
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Value::Object(x), Value::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w))),
        _ => a == b,
    }
}

/// The first place where two documents differ, as a JSON pointer, for failure messages.
pub fn first_difference(a: &Value, b: &Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) => {
                        if let Some(d) = first_difference(v, w, &format!("{at}/{k}")) {
                            return Some(d);
                        }
                    }
                    None => return Some(format!("{at}/{k}: missing after the round trip")),
                }
            }
            y.keys().find(|k| !x.contains_key(*k)).map(|k| format!("{at}/{k}: added by the round trip"))
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().find_map(|(i, (v, w))| first_difference(v, w, &format!("{at}/{i}")))
        }
        _ if same(a, b) => None,
        _ => Some(format!("{at}: {a} became {b}")),
    }
}

/// The spec as a JSON Schema document, so that `{"$ref": "#/components/schemas/X"}` checks an
/// instance against schema X. OpenAPI 3.0's `nullable` becomes a `null` type; everything else
/// of OpenAPI 3.0's schema dialect is JSON Schema draft 4.
pub fn spec_as_json_schema(spec: &Value) -> Value {
    let mut doc = spec.clone();
    rewrite_nullable(&mut doc);
    doc
}

fn rewrite_nullable(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("nullable") == Some(&Value::Bool(true)) {
                map.remove("nullable");
                if let Some(Value::String(t)) = map.get("type").cloned() {
                    map.insert("type".into(), Value::Array(vec![Value::String(t), Value::String("null".into())]));
                }
                if let Some(Value::Array(values)) = map.get_mut("enum") {
                    values.push(Value::Null);
                }
                if map.contains_key("$ref") || map.contains_key("allOf") || map.contains_key("oneOf") || map.contains_key("anyOf") {
                    let inner = Value::Object(std::mem::take(map));
                    map.insert("anyOf".into(), Value::Array(vec![inner, serde_json::json!({"type": "null"})]));
                }
            }
            map.values_mut().for_each(rewrite_nullable);
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_nullable),
        _ => {}
    }
}
