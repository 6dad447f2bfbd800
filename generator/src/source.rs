//! `rocketgen add-source`: register a spec as a source, or upgrade one. Everything is computed
//! in memory first; then the new crate trees are staged, the changed files written beside their
//! targets, and all of it swapped in at the end, so a failure leaves the workspace as it was.

use std::path::{Path, PathBuf};

use crate::diff::{self, Report, Semver};
use crate::error::Error;
use crate::ir;
use crate::load;
use crate::manifest::{CrateKind, MANIFEST_FILE, Manifest, Source};
use crate::output::{self, Generated};

#[derive(Debug, Clone)]
pub struct AddSource {
    pub spec: PathBuf,
    pub name: Option<String>,
    /// Replace a source of that name with a different spec: show the changes, bump versions.
    pub upgrade: bool,
}

#[derive(Debug)]
pub enum Outcome {
    /// The same spec is already registered under that name: nothing was written.
    Unchanged {
        name: String,
    },
    Added {
        name: String,
        tools: Vec<String>,
    },
    Upgraded {
        name: String,
        report: Box<Report>,
        old_version: String,
        new_version: String,
    },
}

/// A source name from a spec title: `Rocket Services` → `rocket-services`.
pub fn name_from_title(title: &str) -> String {
    let mut name = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('-') && !name.is_empty() {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-').to_string();
    if name.starts_with(|c: char| c.is_ascii_lowercase()) { name } else { format!("api-{name}") }
}

/// FNV-1a of the spec's bytes, as the manifest records it.
pub fn content_hash(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
    format!("fnv1a64:{hash:016x}")
}

/// The next version of generated crates for a change of this size (0.x: breaking → minor).
pub fn bump(version: &str, level: Semver) -> String {
    let parts: Vec<u64> = version.split('.').map(|p| p.parse().unwrap_or(0)).chain([0, 0, 0]).take(3).collect();
    let (major, minor, patch) = (parts[0], parts[1], parts[2]);
    match (major, level) {
        (0, Semver::Major) => format!("0.{}.0", minor + 1),
        (0, _) => format!("0.{minor}.{}", patch + 1),
        (_, Semver::Major) => format!("{}.0.0", major + 1),
        (_, Semver::Minor) => format!("{major}.{}.0", minor + 1),
        (_, Semver::Patch) => format!("{major}.{minor}.{}", patch + 1),
    }
}

pub fn add_source(root: &Path, request: &AddSource) -> Result<Outcome, Error> {
    let bytes = std::fs::read(&request.spec).map_err(|e| Error::io(&request.spec, e))?;
    let spec = load::load_path(&request.spec)?;
    let api = ir::build(&spec).map_err(|e| e.in_file(&request.spec))?;
    let name = request.name.clone().unwrap_or_else(|| name_from_title(&api.title));
    let hash = content_hash(&bytes);
    let mut manifest = Manifest::read(root)?;
    let manifest_path = root.join(MANIFEST_FILE);
    let manifest_text = std::fs::read_to_string(&manifest_path).map_err(|e| Error::io(&manifest_path, e))?;

    let existing = manifest.sources.iter().position(|s| s.name == name);
    let mut upgrade = None;
    let source = match existing {
        Some(i) => {
            let current = manifest.sources[i].clone();
            let current_bytes = std::fs::read(root.join(&current.spec)).unwrap_or_default();
            if content_hash(&current_bytes) == hash {
                return Ok(Outcome::Unchanged { name });
            }
            let old_api = ir::build(&load::load_path(&root.join(&current.spec))?)?;
            let report = diff::diff(&old_api, &api);
            if !request.upgrade {
                return Err(Error::new(format!(
                    "source {name:?} exists with a different spec ({} → {}: {} operation(s) added, {} removed, {} changed; {} breaking for clients); pass --upgrade to replace it",
                    report.old_version,
                    report.new_version,
                    report.summary.operations_added,
                    report.summary.operations_removed,
                    report.summary.operations_changed,
                    report.summary.client_breaking
                )));
            }
            let mut next = current.clone();
            next.version = bump(&current.version, report.summary.semver);
            next.spec = spec_path(&name, &request.spec);
            next.spec_version = Some(api.version.clone());
            next.hash = Some(hash.clone());
            manifest.sources[i] = next.clone();
            upgrade = Some((report, current.version.clone(), next.version.clone()));
            next
        }
        None => {
            let mut source = Source::new(&name, spec_path(&name, &request.spec), CrateKind::ALL.to_vec());
            source.spec_version = Some(api.version.clone());
            source.hash = Some(hash.clone());
            manifest.sources.push(source.clone());
            source
        }
    };
    if !crate::manifest::is_valid_source_name(&name) {
        return Err(Error::new(format!("source name {name:?} must be lowercase letters, digits and dashes")));
    }

    // Everything the change writes, in memory.
    let (files, crate_dirs) = output::emit_source(&api, &source, &manifest.runtime)?;
    let generated = Generated { files, crate_dirs, apis: Vec::new(), runtime: manifest.runtime.clone() };
    let mut writes: Vec<(PathBuf, Vec<u8>)> =
        vec![(root.join(&source.spec), bytes), (root.join(MANIFEST_FILE), Manifest::edit_text(&manifest_text, &source)?.into_bytes())];
    let members: Vec<String> = source.crates.iter().map(|k| format!("generated/{name}/{}", k.dir_name())).collect();
    let cargo_toml = root.join("Cargo.toml");
    if let Ok(text) = std::fs::read_to_string(&cargo_toml)
        && let Some(updated) = with_members(&text, &members).map_err(|e| e.in_file(&cargo_toml))?
    {
        writes.push((cargo_toml, updated.into_bytes()));
    }
    if let Some((report, old_version, new_version)) = &upgrade {
        let changelog = root.join("specs").join(&name).join("CHANGELOG.md");
        let mut text = std::fs::read_to_string(&changelog).unwrap_or_else(|_| format!("# Changelog of the {name} crates\n"));
        text.push_str(&format!("\n## {new_version} (was {old_version})\n\n{}", diff::to_markdown(report)));
        writes.push((changelog, text.into_bytes()));
    }

    // The runtime first: a copy left by a later failure is complete and harmless.
    crate::vendor::ensure_runtime(root, &manifest.runtime)?;
    commit(root, &generated, &writes)?;
    let tools: Vec<String> = api.operations.iter().map(|op| op.tool_name.clone()).collect();
    Ok(match upgrade {
        Some((report, old_version, new_version)) => Outcome::Upgraded { name, report: Box::new(report), old_version, new_version },
        None => Outcome::Added { name, tools },
    })
}

/// Where a source's spec lives: `specs/{name}/openapi.{json|yaml}`.
fn spec_path(name: &str, given: &Path) -> PathBuf {
    let extension = match given.extension().and_then(|e| e.to_str()) {
        Some("yaml") | Some("yml") => "yaml",
        _ => "json",
    };
    PathBuf::from("specs").join(name).join(format!("openapi.{extension}"))
}

/// The workspace manifest with `members` extended by those missing; `None` if none are.
/// Everything else (comments, `default-members`, the layout of the list) stays as it is.
fn with_members(text: &str, wanted: &[String]) -> Result<Option<String>, Error> {
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e| Error::new(format!("not valid TOML: {e}")))?;
    let members = doc
        .get_mut("workspace")
        .and_then(|w| w.get_mut("members"))
        .and_then(|m| m.as_array_mut())
        .ok_or_else(|| Error::new("has no [workspace] members list to add the crates to"))?;
    let missing: Vec<&String> = wanted.iter().filter(|w| !members.iter().any(|m| m.as_str() == Some(w.as_str()))).collect();
    if missing.is_empty() {
        return Ok(None);
    }
    // A list written one member per line gets its new members the same way; a comment after
    // the last member stays on that member's line.
    let indent =
        members.iter().last().and_then(|m| m.decor().prefix()).and_then(|p| p.as_str()).and_then(|p| p.rsplit_once('\n')).map(|(_, indent)| indent.to_string());
    for member in missing {
        let mut value = toml_edit::Value::from(member.as_str());
        if let Some(indent) = &indent {
            let before = members.trailing().as_str().unwrap_or_default().trim_end_matches([' ', '\t']).to_string();
            let before = if before.ends_with('\n') { before } else { format!("{before}\n") };
            value.decor_mut().set_prefix(format!("{before}{indent}"));
            members.set_trailing("\n");
        }
        members.push_formatted(value);
    }
    Ok(Some(doc.to_string()))
}

/// Stages the crate trees and writes the files beside their targets; only when all of that
/// succeeded are they moved into place.
fn commit(root: &Path, generated: &Generated, writes: &[(PathBuf, Vec<u8>)]) -> Result<(), Error> {
    let staged = output::stage_all(root, generated)?;
    let mut temps = Vec::new();
    for (path, bytes) in writes {
        let temp = path.with_file_name(format!(
            ".{}.rocketgen-{}",
            path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            std::process::id()
        ));
        let written = path
            .parent()
            .map(|p| std::fs::create_dir_all(p).map_err(|e| Error::io(p, e)))
            .unwrap_or(Ok(()))
            .and_then(|()| std::fs::write(&temp, bytes).map_err(|e| Error::io(&temp, e)));
        if let Err(e) = written {
            for t in &temps {
                let _ = std::fs::remove_file(t);
            }
            staged.abandon();
            return Err(e);
        }
        temps.push(temp);
    }
    output::swap_all(staged)?;
    for ((path, _), temp) in writes.iter().zip(&temps) {
        std::fs::rename(temp, path).map_err(|e| Error::io(path, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_versions() {
        assert_eq!(name_from_title("Rocket Services"), "rocket-services");
        assert_eq!(name_from_title("1 API!"), "api-1-api");
        assert_eq!(bump("0.1.0", Semver::Major), "0.2.0");
        assert_eq!(bump("0.2.0", Semver::Minor), "0.2.1");
        assert_eq!(bump("1.2.3", Semver::Major), "2.0.0");
        assert_eq!(bump("1.2.3", Semver::Minor), "1.3.0");
        assert_eq!(bump("1.2.3", Semver::Patch), "1.2.4");
    }

    #[test]
    fn members_are_added_once() {
        let text = "[workspace]\nresolver = \"3\"\nmembers = [\"a\", \"b\"]\n";
        let updated = with_members(text, &["b".into(), "c".into()]).unwrap().unwrap();
        assert_eq!(updated, "[workspace]\nresolver = \"3\"\nmembers = [\"a\", \"b\", \"c\"]\n");
        assert!(with_members(&updated, &["c".into()]).unwrap().is_none());
        // Comments, other keys and a list over several lines stay as they are.
        let text = "[workspace]\n# ours\nmembers = [\n    \"a\", # the app\n]\ndefault-members = [\"a\"]\n\n[workspace.dependencies]\nserde = \"1\"\n";
        let updated = with_members(text, &["g/x".into()]).unwrap().unwrap();
        assert!(updated.contains("members = [\n    \"a\", # the app\n    \"g/x\",\n]\n") && updated.contains("# ours"), "{updated}");
        assert!(updated.ends_with("default-members = [\"a\"]\n\n[workspace.dependencies]\nserde = \"1\"\n"), "{updated}");
        assert!(with_members("[workspace\n", &["x".into()]).unwrap_err().to_string().contains("not valid TOML"));
    }
}
