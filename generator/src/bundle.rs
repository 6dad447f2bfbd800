//! Specs split over several files: relative `$ref`s (`schemas/pet.yaml`,
//! `common.yaml#/components/parameters/Limit`) are brought into one document. Schemas become
//! component schemas (named after the referenced definition or file) so that recursion and
//! sharing survive; anything else (parameters, responses, path items) is inlined. Only files
//! beside or below-relative to the spec are read; URLs are refused.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::Error;
use crate::pointer;

/// How deep inlined references may nest (a cycle of non-schema references never ends).
const MAX_DEPTH: usize = 64;

/// Whether the document has a reference to another file.
pub fn has_external_refs(value: &Value) -> bool {
    match value {
        Value::Object(map) => matches!(map.get("$ref"), Some(Value::String(t)) if !t.starts_with('#')) || map.values().any(has_external_refs),
        Value::Array(items) => items.iter().any(has_external_refs),
        _ => false,
    }
}

/// Rewrites `root` (read from `path`) so that every reference is local.
pub fn bundle(root: &mut Value, path: &Path) -> Result<(), Error> {
    let mut bundler = Bundler { files: HashMap::new(), hoisted: HashMap::new(), schemas: Vec::new(), taken: BTreeSet::new() };
    if let Some(existing) = root.pointer("/components/schemas").and_then(Value::as_object) {
        bundler.taken.extend(existing.keys().cloned());
    }
    // A reference back into the root file reads it from disk like any other file.
    let file = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    bundler.walk(root, &file, "#", 0, true)?;
    if !bundler.schemas.is_empty() {
        let doc = root.as_object_mut().ok_or_else(|| Error::at("#", "not an OpenAPI document: the top level is not an object"))?;
        let components = doc.entry("components").or_insert_with(|| Value::Object(Map::new()));
        let Some(components) = components.as_object_mut() else { return Err(Error::at("#/components", "`components` is not an object")) };
        let schemas = components.entry("schemas").or_insert_with(|| Value::Object(Map::new()));
        let Some(schemas) = schemas.as_object_mut() else { return Err(Error::at("#/components/schemas", "`schemas` is not an object")) };
        for (name, schema) in bundler.schemas {
            schemas.insert(name, schema);
        }
    }
    Ok(())
}

struct Bundler {
    files: HashMap<PathBuf, Value>,
    /// (file, fragment) of a schema → its component name.
    hoisted: HashMap<(PathBuf, String), String>,
    schemas: Vec<(String, Value)>,
    taken: BTreeSet<String>,
}

impl Bundler {
    /// The part of a file a reference points at (each file read and parsed once).
    fn fragment(&mut self, file: &Path, fragment: &str, at: &str) -> Result<Option<Value>, Error> {
        if !self.files.contains_key(file) {
            let doc = Self::read(file, at)?;
            self.files.insert(file.to_path_buf(), doc);
        }
        Ok(self.files.get(file).and_then(|doc| pointer::resolve(doc, fragment)).cloned())
    }

    fn read(file: &Path, at: &str) -> Result<Value, Error> {
        let text = std::fs::read_to_string(file).map_err(|e| Error::at(at, format!("cannot read the referenced file {}: {e}", file.display())))?;
        let doc: Value = if text.trim_start().starts_with('{') {
            serde_json::from_str(&text).map_err(|e| Error::at(at, format!("{}: not valid JSON: {e}", file.display())))?
        } else {
            serde_yaml::from_str(&text).map_err(|e| Error::at(at, format!("{}: not valid YAML: {e}", file.display())))?
        };
        Ok(doc)
    }

    /// Makes every reference in `value` (which lies in `file`) local to the root document.
    fn walk(&mut self, value: &mut Value, file: &Path, at: &str, depth: usize, in_root: bool) -> Result<(), Error> {
        if depth > MAX_DEPTH {
            return Err(Error::at(at, "references between files nest more than 64 deep (a cycle?)"));
        }
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref").cloned() {
                    // A local reference in the root stays as it is.
                    if !(in_root && target.starts_with('#')) {
                        *value = self.resolve(&target, file, &format!("{at}/$ref"), depth)?;
                        return Ok(());
                    }
                }
                for (key, child) in map.iter_mut() {
                    self.walk(child, file, &format!("{at}/{}", pointer::escape(key)), depth, in_root)?;
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter_mut().enumerate() {
                    self.walk(child, file, &format!("{at}/{i}"), depth, in_root)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// What a reference from `file` becomes: a reference to a hoisted schema, or the content.
    fn resolve(&mut self, target: &str, file: &Path, at: &str, depth: usize) -> Result<Value, Error> {
        let (location, fragment) = target.split_once('#').unwrap_or((target, ""));
        if location.contains("://") {
            return Err(Error::at(at, format!("reference {target:?} points at a URL; only files beside the spec are read")));
        }
        let target_file = if location.is_empty() { file.to_path_buf() } else { file.parent().unwrap_or(Path::new(".")).join(location) };
        // One name per file however it is reached (`../schemas/a.yaml` and `a.yaml`).
        let target_file = std::fs::canonicalize(&target_file).unwrap_or(target_file);
        let key = (target_file.clone(), fragment.to_string());
        if let Some(name) = self.hoisted.get(&key) {
            return Ok(schema_ref(name));
        }
        let mut content =
            self.fragment(&target_file, fragment, at)?.ok_or_else(|| Error::at(at, format!("dangling reference: {target:?} points at nothing")))?;
        let hoist = is_schema(fragment, &content);
        // Named before its own references are followed, so that a cycle ends at the name.
        let name = hoist.then(|| self.name_for(fragment, &target_file));
        if let Some(name) = &name {
            self.hoisted.insert(key, name.clone());
        }
        self.walk(&mut content, &target_file, at, depth + 1, false)?;
        Ok(match name {
            Some(name) => {
                self.schemas.push((name.clone(), content));
                schema_ref(&name)
            }
            None => content,
        })
    }

    fn name_for(&mut self, fragment: &str, file: &Path) -> String {
        let base = match fragment.rsplit('/').next().filter(|s| !s.is_empty()) {
            Some(last) => pointer::unescape(last),
            None => file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "Schema".into()),
        };
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }
}

fn schema_ref(name: &str) -> Value {
    let mut map = Map::new();
    map.insert("$ref".into(), Value::String(format!("#/components/schemas/{}", pointer::escape(name))));
    Value::Object(map)
}

/// A referenced schema (rather than a parameter, response or path item): by where it lies, or
/// by how it looks when it is a whole file.
fn is_schema(fragment: &str, content: &Value) -> bool {
    if fragment.contains("/schemas/") || fragment.starts_with("/definitions/") {
        return true;
    }
    if fragment.contains("/parameters/") || fragment.contains("/responses/") || fragment.contains("/paths/") || fragment.contains("/requestBodies/") {
        return false;
    }
    let Some(map) = content.as_object() else { return false };
    let parameter_or_response =
        map.contains_key("in") || map.contains_key("content") || map.contains_key("responses") || map.contains_key("get") || map.contains_key("post");
    !parameter_or_response
        && ["type", "properties", "allOf", "oneOf", "anyOf", "enum", "items", "additionalProperties", "$ref"].iter().any(|k| map.contains_key(*k))
}
