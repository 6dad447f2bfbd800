//! `rocketgen init`: makes a directory a workspace rocketgen generates into. It writes a
//! commented `sources.toml` and, where there is none, a workspace `Cargo.toml`; in an existing
//! workspace it adds only what is missing (a `[workspace]` table, its `members` list) and
//! keeps everything else as written. Running it again changes nothing.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::manifest::MANIFEST_FILE;

const SOURCES_TEMPLATE: &str = include_str!("../../templates/init/sources.toml");

const WORKSPACE_MANIFEST: &str =
    "# A workspace of crates rocketgen generates (`rocketgen add-source` adds their members).\n[workspace]\nresolver = \"3\"\nmembers = []\n";

/// What `init` wrote: the files it created or changed, in order.
#[derive(Debug, PartialEq, Eq)]
pub struct Initialized {
    pub written: Vec<PathBuf>,
}

pub fn init(dir: &Path) -> Result<Initialized, Error> {
    // Everything is worked out before anything is written: a bad Cargo.toml leaves no trace.
    let cargo_toml = dir.join("Cargo.toml");
    let workspace = match std::fs::read_to_string(&cargo_toml) {
        Ok(text) => with_workspace(&text).map_err(|e| e.in_file(&cargo_toml))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(WORKSPACE_MANIFEST.to_string()),
        Err(e) => return Err(Error::io(&cargo_toml, e)),
    };
    let sources = dir.join(MANIFEST_FILE);
    let mut writes: Vec<(PathBuf, String)> = Vec::new();
    if !sources.exists() {
        writes.push((sources, SOURCES_TEMPLATE.to_string()));
    }
    if let Some(text) = workspace {
        writes.push((cargo_toml, text));
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    for (path, text) in &writes {
        std::fs::write(path, text).map_err(|e| Error::io(path, e))?;
    }
    // The runtime the generated crates will build against, where sources.toml says.
    let manifest = crate::manifest::Manifest::read(dir)?;
    crate::vendor::ensure_runtime(dir, &manifest.runtime)?;
    Ok(Initialized { written: writes.into_iter().map(|(path, _)| path).collect() })
}

/// An existing `Cargo.toml` with a `[workspace]` table and a `members` list, added where
/// missing; `None` when it has both already.
fn with_workspace(text: &str) -> Result<Option<String>, Error> {
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e| Error::new(format!("not valid TOML: {e}")))?;
    // A package's edition picks its resolver; a virtual workspace names one.
    let virtual_workspace = !doc.contains_key("package");
    let workspace = doc.entry("workspace").or_insert_with(toml_edit::table);
    let Some(workspace) = workspace.as_table_like_mut() else {
        return Err(Error::new("`workspace` is not a table"));
    };
    if virtual_workspace && !workspace.contains_key("resolver") {
        workspace.insert("resolver", toml_edit::value("3"));
    }
    if !workspace.contains_key("members") {
        workspace.insert("members", toml_edit::value(toml_edit::Array::new()));
    }
    let edited = doc.to_string();
    Ok((edited != text).then_some(edited))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_directory_becomes_a_workspace_once() {
        let dir = std::env::temp_dir().join(format!("rocketgen-init-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let first = init(&dir).unwrap();
        assert_eq!(first.written, [dir.join("sources.toml"), dir.join("Cargo.toml")]);
        assert_eq!(std::fs::read_to_string(dir.join("Cargo.toml")).unwrap(), WORKSPACE_MANIFEST);
        assert!(crate::manifest::Manifest::read(&dir).unwrap().sources.is_empty());
        assert_eq!(init(&dir).unwrap().written, Vec::<PathBuf>::new());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_existing_workspace_keeps_what_it_has() {
        let text =
            "# ours\n[workspace]\nresolver = \"2\"\nmembers = [\"app\"] # the app\ndefault-members = [\"app\"]\n\n[workspace.dependencies]\nserde = \"1\"\n";
        assert_eq!(with_workspace(text).unwrap(), None);
        let without_members = "[workspace]\nresolver = \"2\"\n";
        assert_eq!(with_workspace(without_members).unwrap().unwrap(), "[workspace]\nresolver = \"2\"\nmembers = []\n");
        // A package becomes the root of a workspace; its own table stays first.
        let package = "[package]\nname = \"app\"\nversion = \"0.1.0\"\n";
        assert_eq!(with_workspace(package).unwrap().unwrap(), "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[workspace]\nmembers = []\n");
        assert!(with_workspace("[package\n").unwrap_err().to_string().contains("not valid TOML"));
    }
}
