//! Loading a spec: bytes → JSON value → checked OpenAPI 3.0 document.
//!
//! Everything that can be wrong with the input itself (syntax, version, dangling `$ref`s,
//! a document that is not OpenAPI) is found here and reported with its place.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diagnostics::Diagnostic;
use crate::error::Error;
use crate::pointer;

/// A spec that parsed and whose references all resolve.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The document as JSON: for content hashes and the spec as served. The IR builder reads
    /// `openapi` and what loading found, never this.
    pub raw: Value,
    pub openapi: openapiv3::OpenAPI,
    /// Where it came from, when it came from a file.
    pub path: Option<PathBuf>,
    /// What loading approximated (an OpenAPI 3.1 construct with no 3.0 form) or found the
    /// document disagreeing with itself about (keywords beside a `$ref`).
    pub notes: Vec<Diagnostic>,
    /// Where each `$ref` of the document ends, chains of references followed: the reference
    /// as written → the pointer of what it names; `None` for a chain that never ends.
    references: HashMap<String, Option<String>>,
    /// `explode` where an `encoding` entry writes it, by the entry's pointer (`openapiv3` reads
    /// an absent one as false, but the default depends on the style).
    encoding_explode: HashMap<String, bool>,
}

impl LoadedSpec {
    /// What `reference` names, chains followed, read as `T`; and the pointer it ends at.
    pub fn referenced<T: DeserializeOwned>(&self, reference: &str, at: &str) -> Result<(T, String), Error> {
        // A reference the document does not write (one the IR spells itself) is followed now.
        let end = match self.references.get(reference) {
            Some(end) => end.clone(),
            None if reference.strip_prefix('#').and_then(|local| pointer::resolve(&self.raw, local)).is_some() => chain_end(&self.raw, reference),
            None => return Err(Error::at(at, format!("dangling reference {reference:?}"))),
        };
        let Some(end) = end else { return Err(Error::at(at, format!("reference chain from {reference:?} does not end"))) };
        let target = pointer::resolve(&self.raw, end.trim_start_matches('#')).ok_or_else(|| Error::at(at, format!("dangling reference {reference:?}")))?;
        let parsed = T::deserialize(target).map_err(|e| Error::at(end.clone(), format!("not what the reference needs here: {e}")))?;
        Ok((parsed, end.clone()))
    }

    /// The `explode` an `encoding` entry writes (its pointer: `…/encoding/{property}`).
    pub fn encoding_explode(&self, entry: &str) -> Option<bool> {
        self.encoding_explode.get(entry).copied()
    }
}

/// Reads and checks a spec named on the command line: a file path, `-` for standard input, or
/// an http(s) URL.
pub fn load_source(source: &str) -> Result<LoadedSpec, Error> {
    if source == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(|e| Error::new(format!("cannot read the spec from standard input: {e}")))?;
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
    fetch_with(source, &[], &[])
}

/// Fetches and checks the spec at an http(s) URL, sending these headers and query parameters
/// (credentials a private spec needs; errors name the URL without them).
#[cfg(feature = "cli")]
pub fn fetch_with(source: &str, headers: &[(String, String)], query: &[(String, String)]) -> Result<LoadedSpec, Error> {
    let agent = ureq::Agent::config_builder().timeout_global(Some(std::time::Duration::from_secs(30))).build().new_agent();
    let mut request = agent.get(source);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    for (name, value) in query {
        request = request.query(name, value);
    }
    let text = request
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
    let mut notes = if check_version(&raw)? == Version::V31 { crate::openapi31::normalize(&mut raw) } else { Vec::new() };
    let (surveyed, openapi) = read_and_survey(&raw);
    // The survey's errors come first, as they did when it ran before the reading.
    let (survey_notes, references, encoding_explode) = surveyed?;
    notes.extend(survey_notes);
    let openapi = openapi?;
    Ok(LoadedSpec { raw, openapi, path: None, notes, references, encoding_explode })
}

/// What the survey of a document gives: its notes, each reference's end, each encoding's `explode`.
type Surveyed = (Vec<Diagnostic>, HashMap<String, Option<String>>, HashMap<String, bool>);

/// The document read into openapiv3's types, and surveyed, on two threads: this one reads
/// the paths and the rest, the other the components and then the survey (the paths take
/// longest). Read whole, the document would first be copied into serde's buffer (`OpenAPI`
/// keeps its extensions with `#[serde(flatten)]`), and on one thread. Where a part does not
/// read, the document is read again whole, which says where.
fn read_and_survey(raw: &Value) -> (Result<Surveyed, Error>, Result<openapiv3::OpenAPI, Error>) {
    use serde::Deserialize;
    let (components, surveyed, openapi) = std::thread::scope(|scope| {
        let other = scope.spawn(|| {
            let components = match raw.get("components") {
                None | Some(Value::Null) => Some(None),
                Some(components) => openapiv3::Components::deserialize(components).ok().map(Some),
            };
            let surveyed = survey(raw).map(|survey| {
                let references = survey.targets.iter().map(|target| (target.to_string(), chain_end(raw, target))).collect();
                (survey.notes, references, survey.encoding_explode)
            });
            (components, surveyed)
        });
        // The other thread starts now, rather than when this one is done with the paths.
        crate::parallel::step_aside();
        let openapi = paths_and_rest(raw);
        match other.join() {
            Ok((components, surveyed)) => (components, surveyed, openapi),
            Err(_) => (None, Err(Error::new("internal error: the survey of the spec panicked")), openapi),
        }
    });
    let openapi = match (openapi, components) {
        (Some(mut openapi), Some(components)) => {
            openapi.components = components;
            Ok(openapi)
        }
        // The plain path is the fast one; where it failed is worked out only when it did.
        _ => serde_path_to_error::deserialize(raw).map_err(|e| {
            let pointer = path_to_pointer(e.path());
            Error::at(pointer, format!("not a valid OpenAPI 3.0 document: {}", e.inner()))
        }),
    };
    (surveyed, openapi)
}

/// The document without its components: the paths, and the rest (which is small) with empty
/// paths in their place.
fn paths_and_rest(raw: &Value) -> Option<openapiv3::OpenAPI> {
    use serde::Deserialize;
    let document = raw.as_object()?;
    let mut rest: serde_json::Map<String, Value> =
        document.iter().filter(|(key, _)| *key != "components" && *key != "paths").map(|(key, value)| (key.clone(), value.clone())).collect();
    rest.insert("paths".to_string(), Value::Object(serde_json::Map::new()));
    let mut openapi = openapiv3::OpenAPI::deserialize(&Value::Object(rest)).ok()?;
    openapi.paths = paths(document.get("paths")?)?;
    Some(openapi)
}

/// JSON when it looks like JSON, YAML otherwise (YAML is a superset, but JSON errors read better).
fn parse_document(text: &str) -> Result<Value, Error> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.is_empty() {
        return Err(Error::new("the spec is empty"));
    }
    if trimmed.starts_with('{') {
        return serde_json::from_str(trimmed).map_err(|e| Error::new(format!("not valid JSON: {e}")).with_line(e.line()));
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
        return Err(Error::at("#/swagger", "Swagger 2.0 documents are not supported; convert the spec to OpenAPI 3.0 first"));
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

/// What one walk over the document finds: every `$ref` target (each must point into this
/// document and resolve), keywords a `$ref` makes ignored, and `explode` where an `encoding`
/// entry writes it.
struct Survey<'a> {
    targets: HashSet<&'a str>,
    notes: Vec<Diagnostic>,
    encoding_explode: HashMap<String, bool>,
}

fn survey(raw: &Value) -> Result<Survey<'_>, Error> {
    // The pointer of a node is spelled out only where it is needed: a spec of several MB has
    // hundreds of thousands of nodes. Each distinct target is resolved once.
    fn walk<'a>(raw: &Value, value: &'a Value, path: &mut Vec<Segment<'a>>, found: &mut Survey<'a>) -> Result<(), Error> {
        match value {
            Value::Object(map) => {
                // A reference is a `$ref` string; a property *named* `$ref` is not one.
                if let Some(Value::String(target)) = map.get("$ref") {
                    if !found.targets.contains(target.as_str()) {
                        let at = || format!("{}/$ref", pointer_of(path));
                        let Some(local) = target.strip_prefix('#') else {
                            return Err(Error::at(at(), format!("external reference {target:?} is not supported; bundle the spec into one file")));
                        };
                        if pointer::resolve(raw, local).is_none() {
                            return Err(Error::at(at(), format!("dangling reference: {target:?} points at nothing")));
                        }
                        found.targets.insert(target);
                    }
                    ignored_beside_ref(map, path, &mut found.notes);
                }
                if let [.., Segment::Key("encoding"), Segment::Key(_)] = path.as_slice()
                    && let Some(Value::Bool(explode)) = map.get("explode")
                {
                    found.encoding_explode.insert(pointer_of(path), *explode);
                }
                for (key, child) in map {
                    path.push(Segment::Key(key));
                    walk(raw, child, path, found)?;
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    path.push(Segment::Index(i));
                    walk(raw, child, path, found)?;
                    path.pop();
                }
            }
            _ => {}
        }
        Ok(())
    }
    let mut found = Survey { targets: HashSet::new(), notes: Vec::new(), encoding_explode: HashMap::new() };
    walk(raw, raw, &mut Vec::new(), &mut found)?;
    Ok(found)
}

/// OpenAPI 3.0 ignores every keyword beside a `$ref`; a spec that puts meaning there (`type`,
/// `nullable`…) disagrees with itself, and tools differ in what they honour. Say so.
fn ignored_beside_ref(map: &serde_json::Map<String, Value>, path: &[Segment<'_>], notes: &mut Vec<Diagnostic>) {
    let ignored: Vec<&str> =
        map.keys().map(String::as_str).filter(|k| !matches!(*k, "$ref" | "description" | "summary" | "example") && !k.starts_with("x-")).collect();
    if !ignored.is_empty() {
        notes.push(Diagnostic::new(
            pointer_of(path),
            format!("keywords beside `$ref` ({}) are ignored, as OpenAPI 3.0 says; the referenced schema alone applies", ignored.join(", ")),
        ));
    }
}

/// Where a reference ends once chains of references are followed (`#/…`), or `None` when the
/// chain never ends. Every target is known to resolve.
fn chain_end(raw: &Value, reference: &str) -> Option<String> {
    let mut current = reference;
    let mut seen = HashSet::new();
    while seen.insert(current) {
        let target = pointer::resolve(raw, current.strip_prefix('#')?)?;
        match target.get("$ref") {
            Some(Value::String(next)) => current = next,
            _ => return Some(current.to_string()),
        }
    }
    None
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

/// The paths as openapiv3 reads them (`/…` keys are path items, `x-…` keys extensions, other
/// keys ignored), item by item: its derive reads them through `#[serde(flatten)]`, which first
/// copies the whole object into serde's buffer.
fn paths(paths: &Value) -> Option<openapiv3::Paths> {
    use serde::Deserialize;
    let mut read = openapiv3::Paths::default();
    for (key, value) in paths.as_object()? {
        if key.starts_with('/') {
            read.paths.insert(key.clone(), openapiv3::ReferenceOr::<openapiv3::PathItem>::deserialize(value).ok()?);
        } else if key.starts_with("x-") {
            read.extensions.insert(key.clone(), value.clone());
        }
    }
    Some(read)
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

#[cfg(test)]
mod tests {
    use super::load_str;

    const SPEC: &str = r##"{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {
            "schemas": {
                "A": {"$ref": "#/components/schemas/B"},
                "B": {"$ref": "#/components/schemas/C"},
                "C": {"type": "string"},
                "Loop1": {"$ref": "#/components/schemas/Loop2"},
                "Loop2": {"$ref": "#/components/schemas/Loop1"},
                "D": {"$ref": "#/components/schemas/C", "type": "integer"}
            },
            "requestBodies": {
                "Upload": {"content": {"multipart/form-data": {
                    "schema": {"type": "object"},
                    "encoding": {"tags": {"style": "form", "explode": false}, "file": {"contentType": "image/png"}}
                }}}
            }
        }}"##;

    #[test]
    fn reference_chains_are_followed_once_at_load() {
        let spec = load_str(SPEC).unwrap();
        let (schema, end) = spec.referenced::<openapiv3::Schema>("#/components/schemas/B", "#/x").unwrap();
        assert_eq!(end, "#/components/schemas/C");
        assert!(matches!(schema.schema_kind, openapiv3::SchemaKind::Type(openapiv3::Type::String(_))));
        // One the document does not write is followed when asked for.
        let (schema, end) = spec.referenced::<openapiv3::Schema>("#/components/schemas/A", "#/x").unwrap();
        assert_eq!(end, "#/components/schemas/C");
        assert!(matches!(schema.schema_kind, openapiv3::SchemaKind::Type(openapiv3::Type::String(_))));
        let looped = spec.referenced::<openapiv3::Schema>("#/components/schemas/Loop2", "#/x").unwrap_err();
        assert!(looped.to_string().contains("does not end"), "{looped}");
        let unknown = spec.referenced::<openapiv3::Schema>("#/components/schemas/Nothing", "#/x").unwrap_err();
        assert!(unknown.to_string().contains("dangling"), "{unknown}");
    }

    #[test]
    fn what_openapiv3_drops_is_kept_at_load() {
        let spec = load_str(SPEC).unwrap();
        let entry = "#/components/requestBodies/Upload/content/multipart~1form-data/encoding";
        assert_eq!(spec.encoding_explode(&format!("{entry}/tags")), Some(false));
        assert_eq!(spec.encoding_explode(&format!("{entry}/file")), None);
        let beside: Vec<&str> = spec.notes.iter().map(|n| n.pointer.as_str()).collect();
        assert_eq!(beside, ["#/components/schemas/D"]);
    }
}
