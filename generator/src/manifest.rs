//! `sources.toml`: which specs the workspace generates crates for.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Error;

pub const MANIFEST_FILE: &str = "sources.toml";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// Where generated crates find `rocketgen-runtime`.
    #[serde(default, skip_serializing_if = "RuntimeSetting::is_default")]
    pub runtime: RuntimeSetting,
    #[serde(default, rename = "source")]
    pub sources: Vec<Source>,
}

/// How generated crates depend on `rocketgen-runtime`: the copy in a directory of the
/// workspace (by default `rocketgen-runtime/`, written by `generate` when it is not there), or
/// the published crate (`registry = true`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuntimeSetting {
    /// The runtime crate's directory, relative to the workspace root (or absolute).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
    /// Depend on the runtime published on the crate registry instead of a directory.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub registry: bool,
}

/// Where the runtime is copied when `sources.toml` names no directory.
pub const DEFAULT_RUNTIME_DIR: &str = "rocketgen-runtime";

impl RuntimeSetting {
    fn is_default(&self) -> bool {
        *self == RuntimeSetting::default()
    }

    /// The runtime's directory relative to the workspace root, unless it comes from the registry.
    pub fn dir(&self) -> Option<PathBuf> {
        (!self.registry).then(|| self.path.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_RUNTIME_DIR)))
    }

    /// The dependency's keys in a generated crate's Cargo.toml (`version = "…", path = "…"`),
    /// for a crate `depth` directories below the workspace root.
    pub fn dependency(&self, depth: usize) -> String {
        let version = rocketgen_runtime::VERSION;
        match self.dir() {
            None => format!("version = \"{version}\""),
            Some(dir) => {
                // A relative directory is reached from the crate by going up to the root.
                let up = if dir.is_absolute() { String::new() } else { "../".repeat(depth) };
                let dir = dir.to_string_lossy().replace('\\', "/");
                format!("version = \"{version}\", path = \"{up}{}\"", dir.trim_end_matches('/'))
            }
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Short name: crates are `generated/{name}/{kind}`, packages `{name}-{kind}`.
    pub name: String,
    /// The spec, relative to the workspace root.
    pub spec: PathBuf,
    /// Which crates to generate: `api`, `server`, `client`, `mock` (all need `api`; `mock` needs `server`).
    pub crates: Vec<CrateKind>,
    /// Version of the generated crates.
    #[serde(default = "default_version")]
    pub version: String,
    /// What the source is, for readers of the manifest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
    /// The spec's own version (`info.version`) when it was added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec_version: Option<String>,
    /// Content hash of the spec file when it was added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// A test fixture: generated, committed and tested like any source, but not a product
    /// source: `rocketgen mcp` and `rocketgen call` leave it out unless it is named.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fixture: bool,
    /// How `date-time`, `date` and `uuid` strings are typed: `strings` (the default: every
    /// value round-trips byte for byte) or `typed` (chrono and uuid types).
    #[serde(default, skip_serializing_if = "Formats::is_default")]
    pub formats: Formats,
}

/// How string formats are typed in the generated crates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Formats {
    /// `String`: values are kept exactly as sent; servers still check the format.
    #[default]
    Strings,
    /// `chrono::DateTime<FixedOffset>`, `chrono::NaiveDate`, `uuid::Uuid`.
    Typed,
}

impl Formats {
    fn is_default(&self) -> bool {
        *self == Formats::Strings
    }

    /// The IR build options this setting asks for.
    pub fn build_options(self) -> crate::ir::BuildOptions {
        crate::ir::BuildOptions { typed_formats: self == Formats::Typed }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CrateKind {
    Api,
    Server,
    Client,
    Mock,
}

impl CrateKind {
    pub fn dir_name(self) -> &'static str {
        match self {
            CrateKind::Api => "api",
            CrateKind::Server => "server",
            CrateKind::Client => "client",
            CrateKind::Mock => "mock",
        }
    }
}

impl Source {
    /// A source with the given crates, versioned 0.1.0.
    pub fn new(name: &str, spec: impl Into<PathBuf>, crates: Vec<CrateKind>) -> Source {
        Source {
            name: name.to_string(),
            spec: spec.into(),
            crates,
            version: default_version(),
            about: None,
            spec_version: None,
            hash: None,
            fixture: false,
            formats: Formats::Strings,
        }
    }
}

impl CrateKind {
    pub const ALL: [CrateKind; 4] = [CrateKind::Api, CrateKind::Server, CrateKind::Client, CrateKind::Mock];
}

fn default_version() -> String {
    "0.1.0".to_string()
}

impl Manifest {
    /// `original` (the text of `sources.toml`) with `source` recorded: its entry updated in
    /// place, or appended; comments, order and layout of everything else stay.
    pub fn edit_text(original: &str, source: &Source) -> Result<String, Error> {
        let mut doc: toml_edit::DocumentMut = original.parse().map_err(|e| Error::new(format!("invalid manifest: {e}")).in_file(MANIFEST_FILE))?;
        let written = toml::to_string(source).map_err(|e| Error::new(format!("cannot write the manifest: {e}")))?;
        let existing = doc
            .get_mut("source")
            .and_then(|item| item.as_array_of_tables_mut())
            .and_then(|sources| sources.iter_mut().find(|t| t.get("name").and_then(|n| n.as_str()) == Some(source.name.as_str())));
        let Some(existing) = existing else {
            // A new entry goes at the end, after every comment: an array of tables may grow
            // anywhere in the file.
            let before = original.trim_end();
            let appended = if before.is_empty() { format!("[[source]]\n{written}") } else { format!("{before}\n\n[[source]]\n{written}") };
            appended.parse::<toml_edit::DocumentMut>().map_err(|e| Error::new(format!("invalid manifest: {e}")).in_file(MANIFEST_FILE))?;
            return Ok(appended);
        };
        let entry = written.parse::<toml_edit::DocumentMut>().map_err(|e| Error::new(format!("cannot write the manifest: {e}")))?.as_table().clone();
        // Keys the source no longer has go; the rest are set where they stand.
        let stale: Vec<String> = existing.iter().map(|(k, _)| k.to_string()).filter(|k| !entry.contains_key(k)).collect();
        for key in stale {
            existing.remove(&key);
        }
        for (key, value) in entry.iter() {
            existing.insert(key, value.clone());
        }
        Ok(doc.to_string())
    }

    pub fn read(root: &Path) -> Result<Manifest, Error> {
        let path = root.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let manifest: Manifest = toml::from_str(&text).map_err(|e| {
            let line = e.span().map(|span| text[..span.start.min(text.len())].lines().count().max(1));
            let err = Error::new(format!("invalid manifest: {}", e.message())).in_file(&path);
            match line {
                Some(line) => err.with_line(line),
                None => err,
            }
        })?;
        for (i, source) in manifest.sources.iter().enumerate() {
            if !is_valid_source_name(&source.name) {
                return Err(Error::new(format!("source {i}: name {:?} must be lowercase letters, digits and dashes, starting with a letter", source.name))
                    .in_file(&path));
            }
            if manifest.sources[..i].iter().any(|s| s.name == source.name) {
                return Err(Error::new(format!("source name {:?} is used twice", source.name)).in_file(&path));
            }
        }
        Ok(manifest)
    }
}

/// The workspace root: `start` or the nearest ancestor holding `sources.toml`.
/// A source name: lowercase letters, digits and dashes, starting with a letter (it names
/// directories and packages).
pub fn is_valid_source_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase()) && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

pub fn find_root(start: &Path) -> Result<PathBuf, Error> {
    let start = start.canonicalize().map_err(|e| Error::io(start, e))?;
    start
        .ancestors()
        .find(|dir| dir.join(MANIFEST_FILE).is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| Error::new(format!("no {MANIFEST_FILE} in {} or any parent directory", start.display())))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::{CrateKind, Manifest, RuntimeSetting, Source};

    const TEXT: &str = "# Our sources.\n\n[runtime]\npath = \"rt\" # a checkout\n\n# The first one.\n[[source]]\nname = \"a\"\nspec = \"specs/a/openapi.json\"\ncrates = [\"api\"]\nversion = \"0.1.0\"\n";

    #[test]
    fn the_runtime_directory_is_reached_from_a_generated_crate() {
        let relative = RuntimeSetting { path: Some(PathBuf::from("generator/runtime")), registry: false };
        assert!(relative.dependency(3).ends_with("path = \"../../../generator/runtime\""), "{}", relative.dependency(3));
        let absolute = RuntimeSetting { path: Some(PathBuf::from("/opt/rocketgen/runtime")), registry: false };
        assert!(absolute.dependency(3).ends_with("path = \"/opt/rocketgen/runtime\""), "{}", absolute.dependency(3));
        let registry = RuntimeSetting { path: None, registry: true };
        assert!(!registry.dependency(3).contains("path"));
    }

    #[test]
    fn a_new_source_is_appended_and_every_comment_stays() {
        let source = Source::new("b", "specs/b/openapi.yaml", vec![CrateKind::Api, CrateKind::Client]);
        let edited = Manifest::edit_text(TEXT, &source).unwrap();
        assert!(edited.starts_with(TEXT), "{edited}");
        assert!(
            edited.ends_with("[[source]]\nname = \"b\"\nspec = \"specs/b/openapi.yaml\"\ncrates = [\"api\", \"client\"]\nversion = \"0.1.0\"\n"),
            "{edited}"
        );
    }

    #[test]
    fn an_upgraded_source_changes_in_place() {
        let mut source = Source::new("a", "specs/a/openapi.json", vec![CrateKind::Api]);
        source.version = "0.2.0".into();
        source.hash = Some("abc".into());
        let edited = Manifest::edit_text(TEXT, &source).unwrap();
        assert_eq!(edited, TEXT.replace("version = \"0.1.0\"\n", "version = \"0.2.0\"\nhash = \"abc\"\n"));
        assert!(Manifest::edit_text("[[source]\n", &source).is_err());
    }
}
