//! Stateful mocking: what a client writes is what it reads back, within one run. The rules are
//! read off the paths, as REST lays them out, not written per spec:
//! - a collection is a path whose items are `{collection}/{id}`; it is stateful when some
//!   operation writes to it (PUT, POST, PATCH or DELETE);
//! - PUT or PATCH `{collection}/{id}` (or a sub-path of it, like `/{id}/name`) stores or updates
//!   the item: the synthesized answer, then the request body's fields, the query parameters
//!   named like its properties, and the id; POST `{collection}` creates one (its id from the
//!   body or a new one);
//! - DELETE `{collection}/{id}` removes it; DELETE `{collection}` with an array parameter of ids
//!   removes those;
//! - GET `{collection}/{id}` reads it back (404 where declared, once the collection is known and
//!   the item is not); GET `{collection}` lists them: as a map from id to the item or to its
//!   property of the map's value type, as an array, or in the object's array of items;
//! - GET `{collection}/{word}` answering an object with an `items` array (a list page) lists one
//!   entry per stored id.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde_json::{Map, Value, json};

use crate::meta::{FieldMeta, Location, Method, OperationMeta, ResponseMeta, Status, Ty, TypeMetaKind};
use crate::synth::{Fill, Synth};

/// The items of every stateful collection, by collection path and id.
#[derive(Default)]
pub struct Store {
    collections: Mutex<BTreeMap<String, BTreeMap<String, Value>>>,
    next_id: Mutex<u64>,
}

/// The path of an operation split into its collection and the id parameter that follows it.
struct Place<'a> {
    collection: String,
    id_param: Option<&'a str>,
    /// What follows the id (`name` in `/devices/{id}/name`), or the word after the collection.
    rest: Option<&'a str>,
}

fn place(path: &str) -> Place<'_> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let is_param = |s: &str| s.starts_with('{') && s.ends_with('}');
    if let Some(i) = segments.iter().rposition(|s| is_param(s)) {
        let rest = segments.get(i + 1).copied();
        if segments.len() <= i + 2 {
            return Place { collection: segments[..i].join("/"), id_param: Some(&segments[i][1..segments[i].len() - 1]), rest };
        }
    }
    Place { collection: segments.join("/"), id_param: None, rest: None }
}

/// The first success response of an operation.
fn success<'a>(op: &'a OperationMeta<'a>) -> Option<&'a ResponseMeta<'a>> {
    op.responses.iter().find(|r| r.status.code().is_some_and(|code| (200..300).contains(&code)))
}

fn object_type<'a>(ty: &Ty<'a>) -> Option<&'a [FieldMeta<'a>]> {
    match ty {
        Ty::Named(meta) => match meta.kind() {
            TypeMetaKind::Struct { fields, .. } => Some(fields),
            TypeMetaKind::Newtype(inner, _) => object_type(inner),
            _ => None,
        },
        _ => None,
    }
}

/// The response variant's JSON form with `body` as its body.
fn with_body(meta: &ResponseMeta<'_>, body: Value) -> Value {
    if meta.status.code().is_none() || !meta.headers.is_empty() {
        json!({ meta.variant: { "body": body, "status": meta.status.code().unwrap_or(200) } })
    } else {
        json!({ meta.variant: body })
    }
}

impl Store {
    /// Whether some operation addresses items of `collection` by id.
    fn has_items(collection: &str, operations: &[&'static OperationMeta<'static>]) -> bool {
        operations.iter().any(|op| {
            let p = place(op.path);
            p.collection == collection && p.id_param.is_some()
        })
    }

    /// Whether any operation writes to `collection`.
    fn is_stateful(collection: &str, operations: &[&'static OperationMeta<'static>]) -> bool {
        operations.iter().any(|op| op.http_method != Method::Get && place(op.path).collection == collection)
    }

    /// The answer to a call in stateful mode, in its JSON form (see [`crate::response_json`]); `None` leaves
    /// the call to the ordinary mock.
    pub fn answer(&self, op: &'static OperationMeta<'static>, request: &Value, operations: &[&'static OperationMeta<'static>], seed: u64) -> Option<Value> {
        let place = place(op.path);
        let id_of = |name: &str| -> Option<String> {
            let param = op.params.iter().find(|p| p.name == name && p.location == Location::Path)?;
            request.get(param.field).map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))
        };
        let ok = success(op);
        match (op.http_method, place.id_param) {
            (Method::Put | Method::Patch | Method::Post, Some(id_param)) => {
                let id = id_of(id_param)?;
                let item = self.update(&place.collection, &id, op, request, seed);
                Some(match ok {
                    Some(meta) if meta.body.is_some() && place.rest.is_none() => with_body(meta, item),
                    Some(meta) => json!(meta.variant),
                    None => return None,
                })
            }
            // A create: only where the collection also has items addressed by id.
            (Method::Post, None) if op.body.is_some() && Store::has_items(&place.collection, operations) => {
                let meta = ok?;
                let id = request.get("body").and_then(|b| b.get("id")).and_then(Value::as_str).map(str::to_string).unwrap_or_else(|| {
                    let mut next = self.next_id.lock().unwrap_or_else(|p| p.into_inner());
                    *next += 1;
                    format!("mock-{next}")
                });
                let item = self.update(&place.collection, &id, op, request, seed);
                Some(if meta.body.is_some() { with_body(meta, item) } else { json!(meta.variant) })
            }
            (Method::Delete, Some(id_param)) => {
                let id = id_of(id_param)?;
                self.collections.lock().unwrap_or_else(|p| p.into_inner()).entry(place.collection).or_default().remove(&id);
                ok.map(|meta| json!(meta.variant))
            }
            (Method::Delete, None) => {
                let ids: Vec<String> = op
                    .params
                    .iter()
                    .filter(|p| matches!(p.ty, Ty::Array(..)))
                    .filter_map(|p| request.get(p.field).and_then(Value::as_array))
                    .flatten()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect();
                let mut collections = self.collections.lock().unwrap_or_else(|p| p.into_inner());
                let items = collections.entry(place.collection).or_default();
                for id in ids {
                    items.remove(&id);
                }
                ok.map(|meta| json!(meta.variant))
            }
            (Method::Get, Some(id_param)) if place.rest.is_none() && Store::is_stateful(&place.collection, operations) => {
                let id = id_of(id_param)?;
                let collections = self.collections.lock().unwrap_or_else(|p| p.into_inner());
                match collections.get(&place.collection).and_then(|items| items.get(&id)) {
                    Some(item) => ok.map(|meta| with_body(meta, item.clone())),
                    None => op.responses.iter().find(|r| r.status == Status::Code(404)).map(|meta| {
                        let body = Synth::new(Fill::Full, seed).response(op, 404).and_then(|v| v.get(meta.variant).cloned());
                        match body {
                            Some(body) => json!({ meta.variant: body }),
                            None => json!(meta.variant),
                        }
                    }),
                }
            }
            (Method::Get, None) => self.list(op, operations, seed),
            _ => None,
        }
    }

    /// Stores the item `id`: what was there (or the synthesized answer), then what the request
    /// says. Returns the item.
    fn update(&self, collection: &str, id: &str, op: &'static OperationMeta<'static>, request: &Value, seed: u64) -> Value {
        let mut collections = self.collections.lock().unwrap_or_else(|p| p.into_inner());
        let items = collections.entry(collection.to_string()).or_default();
        let fresh = || {
            success(op)
                .and_then(|meta| meta.body)
                .map(|ty| Synth::new(Fill::Full, seed).value(ty, &crate::meta::Constraints::NONE, op.tool_name))
                .filter(Value::is_object)
                .unwrap_or_else(|| Value::Object(Map::new()))
        };
        let item = items.entry(id.to_string()).or_insert_with(fresh);
        if let Value::Object(fields) = item {
            // Only properties the item has: a request's other fields are not part of it.
            if let Some(Value::Object(body)) = request.get("body") {
                for (k, v) in body {
                    if fields.contains_key(k) {
                        fields.insert(k.clone(), v.clone());
                    }
                }
            }
            for param in op.params.iter().filter(|p| p.location == Location::Query) {
                if fields.contains_key(param.name)
                    && let Some(v) = request.get(param.field)
                {
                    fields.insert(param.name.to_string(), v.clone());
                }
            }
            // The id goes into the property named like the path parameter, else into `id`.
            let id_param = place(op.path).id_param.unwrap_or("id");
            if let Some(key) = [id_param, "id"].into_iter().find(|key| fields.contains_key(*key)) {
                fields.insert(key.to_string(), Value::String(id.to_string()));
            }
        }
        item.clone()
    }

    /// GET on a collection (or a list page under it): its stored items, shaped as the answer is.
    fn list(&self, op: &'static OperationMeta<'static>, operations: &[&'static OperationMeta<'static>], seed: u64) -> Option<Value> {
        let meta = success(op)?;
        let ty = meta.body?;
        let segments: Vec<&str> = op.path.rsplitn(2, '/').collect();
        let (collection, is_page) = if Store::is_stateful(op.path, operations) {
            (op.path.to_string(), false)
        } else if segments.len() == 2 && Store::is_stateful(segments[1], operations) {
            (segments[1].to_string(), true)
        } else {
            return None;
        };
        let collections = self.collections.lock().unwrap_or_else(|p| p.into_inner());
        let empty = BTreeMap::new();
        let items = collections.get(&collection).unwrap_or(&empty);
        let synth = Synth::new(Fill::Full, seed);
        let mut body = synth.value(ty, &crate::meta::Constraints::NONE, op.tool_name);
        match ty {
            Ty::Map(value_ty, value_constraints) => {
                let map: Map<String, Value> =
                    items.iter().filter_map(|(id, item)| project(item, value_ty, value_constraints.format).map(|v| (id.clone(), v))).collect();
                body = Value::Object(map);
            }
            Ty::Array(..) => body = Value::Array(items.values().cloned().collect()),
            _ => {
                let fields = object_type(ty)?;
                // The array of items: `items` on a list page, else the first array of objects.
                let of_objects = |f: &&FieldMeta<'_>| matches!(f.ty, Ty::Array(item, _) if object_type(item).is_some());
                let list = match is_page {
                    true => fields.iter().find(|f| f.name == "items").or_else(|| fields.iter().find(of_objects))?,
                    false => fields.iter().find(of_objects)?,
                };
                let Ty::Array(item_ty, _) = list.ty else { return None };
                let entries: Vec<Value> = if is_page {
                    // A page of entries, one per stored id, each otherwise synthesized.
                    items
                        .keys()
                        .map(|id| {
                            let mut entry = synth.value(item_ty, &crate::meta::Constraints::NONE, id);
                            if let Some(fields) = entry.as_object_mut() {
                                fields.insert("id".into(), Value::String(id.clone()));
                            }
                            entry
                        })
                        .collect()
                } else {
                    items.values().cloned().collect()
                };
                if let Some(fields) = body.as_object_mut() {
                    if fields.contains_key("size") {
                        fields.insert("size".into(), json!(entries.len()));
                    }
                    fields.insert(list.name.to_string(), Value::Array(entries));
                }
            }
        }
        Some(with_body(meta, body))
    }
}

/// What a map of a collection holds for one item: the item itself when the map's values are
/// objects, else the item's first property of the map's value type (and format).
fn project(item: &Value, value_ty: &Ty<'_>, format: Option<&str>) -> Option<Value> {
    if object_type(value_ty).is_some() {
        return Some(item.clone());
    }
    let Value::Object(fields) = item else { return None };
    // Without the item's type at hand, match by JSON kind and, for strings, by what a format
    // looks like.
    fields
        .values()
        .find(|v| match value_ty {
            Ty::Integer { .. } => v.is_i64() || v.is_u64(),
            Ty::Number => v.is_number(),
            Ty::Boolean => v.is_boolean(),
            Ty::String => match (v.as_str(), format) {
                (Some(s), Some("date-time")) => s.len() >= 19 && s.as_bytes().get(10) == Some(&b'T'),
                (Some(s), Some("date")) => s.len() == 10 && s.as_bytes().get(4) == Some(&b'-'),
                (Some(_), _) => true,
                _ => false,
            },
            _ => false,
        })
        .cloned()
}
