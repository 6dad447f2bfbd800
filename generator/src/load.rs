//! Loading a spec: bytes → JSON value → checked OpenAPI 3.0 document.
//!
//! Everything that can be wrong with the input itself (syntax, version, dangling `$ref`s,
//! a document that is not OpenAPI) is found here and reported with its place.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::Error;
use crate::pointer;

/// A spec that parsed and whose references all resolve.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The document as JSON, for content hashes and raw lookups by the IR builder.
    pub raw: Value,
    pub openapi: openapiv3::OpenAPI,
    /// Where it came from, when it came from a file.
    pub path: Option<PathBuf>,
    /// What loading approximated (an OpenAPI 3.1 construct with no 3.0 form).
    pub notes: Vec<crate::diagnostics::Diagnostic>,
}

/// Reads and checks a spec named on the command line: a file path, `-` for standard input, or
/// an http(s) URL.
pub fn load_source(source: &str) -> Result<LoadedSpec, Error> {
    if source == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| Error::new(format!("cannot read the spec from standard input: {e}")))?;
        return load_str(&text).map_err(|e| e.in_file("<stdin>"));
    }
    if source.starts_with("http://") || source.starts_with("https://") {
        return fetch(source);
    }
    load_path(Path::new(source))
}

/// Fetches and checks the spec at an http(s) URL.
#[cfg(feature = "cli")]
fn fetch(source: &str) -> Result<LoadedSpec, Error> {
    let agent = ureq::Agent::config_builder().timeout_global(Some(std::time::Duration::from_secs(30))).build().new_agent();
    let text = agent
        .get(source)
        .call()
        .and_then(|mut response| response.body_mut().with_config().limit(64 * 1024 * 1024).read_to_string())
        .map_err(|e| Error::new(format!("cannot fetch the spec: {e}")).in_file(source))?;
    load_str(&text).map_err(|e| e.in_file(source))
}

/// Without the `cli` feature (a build script's generator) there is no HTTP client.
#[cfg(not(feature = "cli"))]
fn fetch(source: &str) -> Result<LoadedSpec, Error> {
    Err(Error::new("fetching a spec over HTTP needs rocketgen's `cli` feature; give a file path").in_file(source))
}

/// Reads and checks the spec at `path`.
pub fn load_path(path: &Path) -> Result<LoadedSpec, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut raw = parse_document(&text).map_err(|e| e.in_file(path))?;
    // A spec split over several files is brought into one document first.
    if crate::bundle::has_external_refs(&raw) {
        crate::bundle::bundle(&mut raw, path).map_err(|e| e.in_file(path))?;
    }
    let mut spec = load_value(raw).map_err(|e| e.in_file(path))?;
    spec.path = Some(path.to_path_buf());
    Ok(spec)
}

/// Parses and checks a spec given as JSON or YAML text.
pub fn load_str(text: &str) -> Result<LoadedSpec, Error> {
    load_value(parse_document(text)?)
}

/// Checks a parsed document (3.1 normalized to the 3.0 shape first).
fn load_value(mut raw: Value) -> Result<LoadedSpec, Error> {
    let notes = if check_version(&raw)? == Version::V31 { crate::openapi31::normalize(&mut raw) } else { Vec::new() };
    check_references(&raw)?;
    let openapi = to_openapi(&raw)?;
    Ok(LoadedSpec { raw, openapi, path: None, notes })
}

/// JSON when it looks like JSON, YAML otherwise (YAML is a superset, but JSON errors read better).
fn parse_document(text: &str) -> Result<Value, Error> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.is_empty() {
        return Err(Error::new("the spec is empty"));
    }
    if trimmed.starts_with('{') {
        return serde_json::from_str(trimmed).map_err(|e| {
            Error::new(format!("not valid JSON: {e}")).with_line(e.line())
        });
    }
    let value: Value = serde_yaml::from_str(trimmed).map_err(|e| {
        let err = Error::new(format!("not valid JSON or YAML: {e}"));
        match e.location() {
            Some(loc) => err.with_line(loc.line()),
            None => err,
        }
    })?;
    if !value.is_object() {
        return Err(Error::at("#", "not an OpenAPI document: the top level is not an object"));
    }
    Ok(value)
}

#[derive(Debug, PartialEq, Eq)]
enum Version {
    V30,
    V31,
}

fn check_version(raw: &Value) -> Result<Version, Error> {
    if raw.get("swagger").is_some() {
        return Err(Error::at(
            "#/swagger",
            "Swagger 2.0 documents are not supported; convert the spec to OpenAPI 3.0 first",
        ));
    }
    let version = match raw.get("openapi") {
        Some(Value::String(v)) => v.as_str(),
        Some(_) => return Err(Error::at("#/openapi", "`openapi` must be a version string such as \"3.0.3\"")),
        None => return Err(Error::at("#", "not an OpenAPI document: it has no `openapi` version field")),
    };
    if version.starts_with("3.0.") || version == "3.0" {
        Ok(Version::V30)
    } else if version.starts_with("3.1.") || version == "3.1" {
        Ok(Version::V31)
    } else {
        Err(Error::at("#/openapi", format!("unsupported OpenAPI version {version:?}; 3.0.x and 3.1.x are supported")))
    }
}

/// Every `$ref` must point into this document and resolve.
fn check_references(raw: &Value) -> Result<(), Error> {
    // The pointer of a node is spelled out only for an error: a spec of several MB has
    // hundreds of thousands of nodes. Each distinct target is resolved once.
    fn walk<'a>(raw: &Value, value: &'a Value, path: &mut Vec<Segment<'a>>, resolved: &mut HashSet<&'a str>) -> Result<(), Error> {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref")
                    && !resolved.contains(target.as_str())
                {
                    let at = || format!("{}/$ref", pointer_of(path));
                    let Some(local) = target.strip_prefix('#') else {
                        return Err(Error::at(at(), format!("external reference {target:?} is not supported; bundle the spec into one file")));
                    };
                    if pointer::resolve(raw, local).is_none() {
                        return Err(Error::at(at(), format!("dangling reference: {target:?} points at nothing")));
                    }
                    resolved.insert(target);
                }
                for (key, child) in map {
                    path.push(Segment::Key(key));
                    walk(raw, child, path, resolved)?;
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    path.push(Segment::Index(i));
                    walk(raw, child, path, resolved)?;
                    path.pop();
                }
            }
            _ => {}
        }
        Ok(())
    }
    walk(raw, raw, &mut Vec::new(), &mut HashSet::new())
}

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

fn pointer_of(path: &[Segment<'_>]) -> String {
    let mut pointer = String::from("#");
    for segment in path {
        match segment {
            Segment::Key(key) => {
                pointer.push('/');
                pointer.push_str(&pointer::escape(key));
            }
            Segment::Index(i) => pointer.push_str(&format!("/{i}")),
        }
    }
    pointer
}


fn to_openapi(raw: &Value) -> Result<openapiv3::OpenAPI, Error> {
    // The plain path is the fast one; where it failed is worked out only when it did.
    if let Ok(openapi) = <openapiv3::OpenAPI as serde::Deserialize>::deserialize(raw) {
        return Ok(openapi);
    }
    serde_path_to_error::deserialize(raw).map_err(|e| {
        let pointer = path_to_pointer(e.path());
        Error::at(pointer, format!("not a valid OpenAPI 3.0 document: {}", e.inner()))
    })
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::from("#");
    for segment in path.iter() {
        match segment {
            Segment::Map { key } => {
                pointer.push('/');
                pointer.push_str(&pointer::escape(key));
            }
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}
