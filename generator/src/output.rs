//! From a manifest to files on disk: generate every source in memory, then write each crate
//! directory atomically (a failed run leaves `generated/` as it was), or report drift.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::emit::{CrateSettings, FileSet, emit_api_crate, emit_client_crate, emit_mock_crate, emit_server_crate, format_all};
use crate::error::Error;
use crate::ir::{self, Api};
use crate::load;
use crate::manifest::{CrateKind, Manifest, RuntimeSetting, Source};

pub const GENERATED_DIR: &str = "generated";

/// Everything generated for the workspace at `root`, relative to `root/generated`, and the
/// crate directories it owns there.
pub struct Generated {
    pub files: FileSet,
    pub crate_dirs: Vec<PathBuf>,
    /// Per source: its name and IR (for reporting diagnostics).
    pub apis: Vec<(String, Api)>,
    /// Where the crates find the runtime, as the manifest says.
    pub runtime: RuntimeSetting,
}

pub fn generate_workspace(root: &Path) -> Result<Generated, Error> {
    let manifest = Manifest::read(root)?;
    let mut generated = Generated { files: FileSet::new(), crate_dirs: Vec::new(), apis: Vec::new(), runtime: manifest.runtime.clone() };
    for source in &manifest.sources {
        let spec = load::load_path(&root.join(&source.spec))?;
        let api = ir::build_with(&spec, source.formats.build_options()).map_err(|e| e.in_file(root.join(&source.spec)))?;
        // Freed now, its memory serves the formatting on this thread.
        drop(spec);
        let (files, dirs) = emit_source(&api, source, &manifest.runtime)?;
        generated.files.extend(files);
        generated.crate_dirs.extend(dirs);
        generated.apis.push((source.name.clone(), api));
    }
    Ok(generated)
}

/// The crates of one source, relative to `generated/`, depending on the runtime as `runtime`
/// says.
pub fn emit_source(api: &Api, source: &Source, runtime: &RuntimeSetting) -> Result<(FileSet, Vec<PathBuf>), Error> {
    // Crates are `generated/{source}/{kind}`: three levels below the root.
    let settings = CrateSettings {
        source: source.name.clone(),
        version: source.version.clone(),
        runtime: runtime.dependency(3),
        with_client: source.crates.contains(&CrateKind::Client),
    };
    let mut crates = Vec::new();
    let mut dirs = Vec::new();
    for kind in &source.crates {
        let prefix = format!("{}/{}", source.name, kind.dir_name());
        crates.push(match kind {
            CrateKind::Api => emit_api_crate(api, &settings, &prefix)?,
            CrateKind::Server => emit_server_crate(api, &settings, &prefix)?,
            CrateKind::Client => emit_client_crate(api, &settings, &prefix)?,
            CrateKind::Mock => emit_mock_crate(api, &settings, &prefix)?,
        });
        dirs.push(PathBuf::from(prefix));
    }
    // All crates' files are formatted in one pool, so that no core waits for one crate.
    Ok((format_all(crates)?, dirs))
}

/// A file that differs between what the generator makes and what is on disk.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Drift {
    Changed(PathBuf),
    Missing(PathBuf),
    Extra(PathBuf),
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drift::Changed(p) => write!(f, "changed: {}", p.display()),
            Drift::Missing(p) => write!(f, "missing: {}", p.display()),
            Drift::Extra(p) => write!(f, "not generated: {}", p.display()),
        }
    }
}

/// Files under the owned crate directories, relative to `base`.
fn files_on_disk(base: &Path, dirs: &[PathBuf]) -> Result<BTreeSet<PathBuf>, Error> {
    let mut found = BTreeSet::new();
    for dir in dirs {
        let mut stack = vec![base.join(dir)];
        while let Some(current) = stack.pop() {
            let entries = match std::fs::read_dir(&current) {
                Ok(entries) => entries,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(Error::io(&current, e)),
            };
            for entry in entries {
                let entry = entry.map_err(|e| Error::io(&current, e))?;
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if let Ok(relative) = path.strip_prefix(base) {
                    found.insert(relative.to_path_buf());
                }
            }
        }
    }
    Ok(found)
}

/// What differs between `generated` and the disk under `root/generated`, paths relative to root.
pub fn check(root: &Path, generated: &Generated) -> Result<Vec<Drift>, Error> {
    let base = root.join(GENERATED_DIR);
    let on_disk = files_on_disk(&base, &generated.crate_dirs)?;
    let mut drift = Vec::new();
    for (path, text) in &generated.files {
        let shown = Path::new(GENERATED_DIR).join(path);
        match std::fs::read_to_string(base.join(path)) {
            Ok(current) if current == *text => {}
            Ok(_) => drift.push(Drift::Changed(shown)),
            Err(_) => drift.push(Drift::Missing(shown)),
        }
    }
    for path in on_disk {
        if !generated.files.contains_key(&path) {
            drift.push(Drift::Extra(Path::new(GENERATED_DIR).join(path)));
        }
    }
    drift.sort();
    Ok(drift)
}

/// Writes every crate directory that differs: all new trees are staged beside the old ones
/// first, and only when every one is staged are they swapped in by rename, so that a failure
/// leaves `generated/` as it was. Returns the crate directories that were rewritten.
pub fn write(root: &Path, generated: &Generated) -> Result<Vec<PathBuf>, Error> {
    let staged = stage_all(root, generated)?;
    swap_all(staged)
}

/// Crate directories staged for a swap: (target, staging, retired, shown).
pub struct Staged(Vec<(PathBuf, PathBuf, PathBuf, PathBuf)>);

impl Staged {
    /// Removes the staged trees without touching the targets.
    pub fn abandon(self) {
        for (_, staging, _, _) in self.0 {
            let _ = std::fs::remove_dir_all(staging);
        }
    }
}

/// Stages every crate directory that differs from what is on disk.
pub fn stage_all(root: &Path, generated: &Generated) -> Result<Staged, Error> {
    let base = root.join(GENERATED_DIR);
    let drift = check(root, generated)?;
    let mut staged = Staged(Vec::new());
    for dir in &generated.crate_dirs {
        let shown = Path::new(GENERATED_DIR).join(dir);
        if !drift.iter().any(|d| match d {
            Drift::Changed(p) | Drift::Missing(p) | Drift::Extra(p) => p.starts_with(&shown),
        }) {
            continue;
        }
        let target = base.join(dir);
        let parent = target.parent().unwrap_or(&base).to_path_buf();
        let leaf = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let staging = parent.join(format!(".{leaf}.new-{}", std::process::id()));
        let retired = parent.join(format!(".{leaf}.old-{}", std::process::id()));
        let result = std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e)).and_then(|()| stage(&staging, dir, generated));
        staged.0.push((target, staging, retired, shown));
        if let Err(e) = result {
            staged.abandon();
            return Err(e);
        }
    }
    Ok(staged)
}

/// Swaps staged trees in; returns the crate directories rewritten.
pub fn swap_all(staged: Staged) -> Result<Vec<PathBuf>, Error> {
    let mut rewritten = Vec::new();
    let mut pending = staged.0.into_iter();
    while let Some((target, staging, retired, shown)) = pending.next() {
        if let Err(e) = swap(&target, &staging, &retired) {
            Staged(pending.collect()).abandon();
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
        rewritten.push(shown);
    }
    Ok(rewritten)
}

fn stage(staging: &Path, dir: &Path, generated: &Generated) -> Result<(), Error> {
    let _ = std::fs::remove_dir_all(staging);
    for (path, text) in generated.files.range(dir.to_path_buf()..) {
        let Ok(relative) = path.strip_prefix(dir) else { break };
        let file = staging.join(relative);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&file, text).map_err(|e| Error::io(&file, e))?;
    }
    Ok(())
}

fn swap(target: &Path, staging: &Path, retired: &Path) -> Result<(), Error> {
    let had_old = target.exists();
    if had_old {
        std::fs::rename(target, retired).map_err(|e| Error::io(target, e))?;
    }
    if let Err(e) = std::fs::rename(staging, target) {
        if had_old {
            let _ = std::fs::rename(retired, target);
        }
        return Err(Error::io(target, e));
    }
    if had_old {
        std::fs::remove_dir_all(retired).map_err(|e| Error::io(retired, e))?;
    }
    Ok(())
}
