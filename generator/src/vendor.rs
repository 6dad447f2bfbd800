//! The runtime crate's own sources, compiled into the generator, for workspaces that get a copy
//! of `rocketgen-runtime` beside `generated/` (until they depend on the published crate).

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::manifest::RuntimeSetting;

/// The runtime's files, relative to its directory.
const FILES: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("../runtime/Cargo.toml")),
    ("README.md", include_str!("../runtime/README.md")),
    ("src/lib.rs", include_str!("../runtime/src/lib.rs")),
    ("src/meta.rs", include_str!("../runtime/src/meta.rs")),
    ("src/meta/data.rs", include_str!("../runtime/src/meta/data.rs")),
    ("src/response.rs", include_str!("../runtime/src/response.rs")),
    ("src/response_json.rs", include_str!("../runtime/src/response_json.rs")),
    ("src/json_path.rs", include_str!("../runtime/src/json_path.rs")),
    ("src/context.rs", include_str!("../runtime/src/context.rs")),
    ("src/cors.rs", include_str!("../runtime/src/cors.rs")),
    ("src/formats.rs", include_str!("../runtime/src/formats.rs")),
    ("src/pattern.rs", include_str!("../runtime/src/pattern.rs")),
    ("src/synth.rs", include_str!("../runtime/src/synth.rs")),
    ("src/client.rs", include_str!("../runtime/src/client.rs")),
    ("src/retry.rs", include_str!("../runtime/src/retry.rs")),
    ("src/pages.rs", include_str!("../runtime/src/pages.rs")),
    ("src/stream.rs", include_str!("../runtime/src/stream.rs")),
    ("src/selftest.rs", include_str!("../runtime/src/selftest.rs")),
    ("src/server.rs", include_str!("../runtime/src/server.rs")),
    ("src/mock.rs", include_str!("../runtime/src/mock.rs")),
    ("src/proxy.rs", include_str!("../runtime/src/proxy.rs")),
    ("src/mock_server.rs", include_str!("../runtime/src/mock_server.rs")),
    ("src/stateful.rs", include_str!("../runtime/src/stateful.rs")),
    ("src/validate.rs", include_str!("../runtime/src/validate.rs")),
];

/// The first line of a copy's Cargo.toml: what tells a copy from a checkout of the runtime.
const MARK: &str = "# Written by rocketgen";

/// What became of the runtime's directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Vendored {
    /// The generated crates depend on the published crate: nothing to write.
    Registry,
    /// A checkout of the runtime (not a copy rocketgen wrote) or a current copy: left as it is.
    Present(PathBuf),
    /// Written now (it was missing, or a copy of another version).
    Written(PathBuf),
}

/// What a copy is marked with: the runtime's version and a hash of its files, so that a copy
/// of the same version with other contents (a runtime changed before its version was bumped)
/// is replaced too.
fn stamp() -> String {
    let all: Vec<u8> = FILES.iter().flat_map(|(name, text)| [name.as_bytes(), text.as_bytes()].concat()).collect();
    format!("{MARK} {} ({})", rocketgen_runtime::VERSION, crate::source::content_hash(&all))
}

/// The files of a copy of the runtime, relative to its directory.
pub fn runtime_files() -> Vec<(&'static str, String)> {
    let stamp = stamp();
    FILES
        .iter()
        .map(|(name, text)| {
            let text = if *name == "Cargo.toml" {
                // A copy is for building the generated crates: the runtime's own tests stay home.
                let text = text.split("\n# The runtime's own tests").next().unwrap_or(text);
                format!(
                    "{stamp}: the runtime of the crates in generated/. `rocketgen generate` replaces this copy\n# when the generator's runtime changes; set `[runtime] registry = true` in sources.toml to\n# depend on the published crate instead.\n{text}"
                )
            } else {
                text.to_string()
            };
            (*name, text)
        })
        .collect()
}

/// The runtime's directory when the workspace at `root` lacks the copy `setting` asks for (it
/// is missing, or a copy of another version); `None` when there is nothing to write.
pub fn missing_runtime(root: &Path, setting: &RuntimeSetting) -> Option<PathBuf> {
    let dir = setting.dir()?;
    match std::fs::read_to_string(root.join(&dir).join("Cargo.toml")) {
        // A checkout of the runtime is the user's own: never rewritten.
        Ok(text) if !text.starts_with(MARK) => None,
        Ok(text) if text.starts_with(&format!("{}:", stamp())) => None,
        _ => Some(dir),
    }
}

/// Makes sure the workspace at `root` has the runtime where `setting` says: a missing copy, or a
/// copy of another version, is written (staged beside it, then swapped in by rename).
pub fn ensure_runtime(root: &Path, setting: &RuntimeSetting) -> Result<Vendored, Error> {
    let Some(dir) = setting.dir() else { return Ok(Vendored::Registry) };
    if missing_runtime(root, setting).is_none() {
        return Ok(Vendored::Present(dir));
    }
    let target = root.join(&dir);
    let parent = target.parent().unwrap_or(root).to_path_buf();
    let leaf = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let staging = parent.join(format!(".{leaf}.new-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let written = runtime_files().into_iter().try_for_each(|(name, text)| {
        let file = staging.join(name);
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        std::fs::write(&file, text).map_err(|e| Error::io(&file, e))
    });
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    if target.exists() {
        std::fs::remove_dir_all(&target).map_err(|e| Error::io(&target, e))?;
    }
    std::fs::rename(&staging, &target).map_err(|e| Error::io(&target, e))?;
    Ok(Vendored::Written(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_file_of_the_runtime_is_copied() {
        let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime");
        let mut on_disk = Vec::new();
        let mut dirs = vec![runtime.join("src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    on_disk.push(path.strip_prefix(&runtime).unwrap().to_string_lossy().replace('\\', "/"));
                }
            }
        }
        on_disk.sort();
        let mut copied: Vec<String> = FILES.iter().map(|(name, _)| name.to_string()).filter(|name| name.starts_with("src/")).collect();
        copied.sort();
        assert_eq!(copied, on_disk);
    }

    #[test]
    fn a_copy_is_written_once_and_replaced_when_its_version_differs() {
        let root = tempfile::tempdir().unwrap();
        let setting = RuntimeSetting::default();
        assert_eq!(missing_runtime(root.path(), &setting), Some(PathBuf::from("rocketgen-runtime")));
        assert_eq!(ensure_runtime(root.path(), &setting).unwrap(), Vendored::Written(PathBuf::from("rocketgen-runtime")));
        assert_eq!(ensure_runtime(root.path(), &setting).unwrap(), Vendored::Present(PathBuf::from("rocketgen-runtime")));
        let manifest = root.path().join("rocketgen-runtime/Cargo.toml");
        let text = std::fs::read_to_string(&manifest).unwrap();
        assert!(text.starts_with(&format!("{MARK} {} (fnv1a64:", rocketgen_runtime::VERSION)));
        assert!(text.starts_with(&format!("{}:", stamp())));
        assert!(!text.contains("[[test]]") && !text.contains("[dev-dependencies]"), "{text}");
        std::fs::write(&manifest, text.replacen(rocketgen_runtime::VERSION, "0.0.1", 1)).unwrap();
        assert_eq!(ensure_runtime(root.path(), &setting).unwrap(), Vendored::Written(PathBuf::from("rocketgen-runtime")));
        // The same version with other contents is replaced as well.
        std::fs::write(&manifest, text.replacen("(fnv1a64:", "(fnv1a64:0", 1)).unwrap();
        assert_eq!(ensure_runtime(root.path(), &setting).unwrap(), Vendored::Written(PathBuf::from("rocketgen-runtime")));
        // A checkout (no mark) is never touched.
        std::fs::write(&manifest, "[package]\nname = \"rocketgen-runtime\"\n").unwrap();
        assert_eq!(missing_runtime(root.path(), &setting), None);
        assert_eq!(ensure_runtime(root.path(), &RuntimeSetting { path: None, registry: true }).unwrap(), Vendored::Registry);
    }
}
