//! Generating from a build script: the API crate's types and trait (and optionally the client)
//! written into `OUT_DIR`, with one entry file to `include!` at the root of a crate.
//!
//! ```ignore
//! // build.rs
//! fn main() {
//!     rocketgen::buildscript::BuildScript::new("../specs/rocket/openapi.json").name("rocket").client(true).run();
//! }
//! // src/lib.rs
//! include!(concat!(env!("OUT_DIR"), "/rocket.rs"));
//! ```
//!
//! The spec is loaded, checked and generated only when it, the settings or the generator
//! changed since the last run (a content hash in `OUT_DIR`).

use std::path::{Path, PathBuf};

use quote::quote;

use crate::emit::format::format_file;
use crate::error::Error;
pub use crate::manifest::Formats;
use crate::manifest::{CrateKind, Source};
use crate::{ir, load, output};

/// Settings of a build-script generation.
#[derive(Debug, Clone)]
pub struct BuildScript {
    spec: PathBuf,
    name: String,
    client: bool,
    out_dir: Option<PathBuf>,
    formats: Formats,
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Generated(PathBuf),
    /// Nothing changed since the last run; the entry file is as it was.
    Unchanged(PathBuf),
}

impl BuildScript {
    /// Generation from the spec at `spec` (relative paths are relative to the crate's manifest
    /// directory, as cargo runs build scripts there).
    pub fn new(spec: impl Into<PathBuf>) -> Self {
        BuildScript { spec: spec.into(), name: "api".to_string(), client: false, out_dir: None, formats: Formats::Strings }
    }

    /// The name of the entry file, `{name}.rs`, and of the trait (`{Name}Api`).
    pub fn name(mut self, name: &str) -> Self {
        self.name = name.to_string();
        self
    }

    /// Also generate the client (module `client`).
    pub fn client(mut self, yes: bool) -> Self {
        self.client = yes;
        self
    }

    /// How `date-time`, `date` and `uuid` strings are typed; with [`Formats::Typed`] the crate
    /// needs `chrono` (features `serde`) and `uuid` (feature `serde`) among its dependencies.
    pub fn formats(mut self, formats: Formats) -> Self {
        self.formats = formats;
        self
    }

    /// Where to write (default: `OUT_DIR`).
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// For `build.rs`: generates, prints what cargo needs, and on error prints it and exits 1
    /// so that cargo shows it.
    pub fn run(self) {
        println!("cargo:rerun-if-changed={}", self.spec.display());
        if let Err(err) = self.generate() {
            eprintln!("error: rocketgen: {err}");
            std::process::exit(1);
        }
    }

    /// Generates into the output directory unless nothing changed.
    pub fn generate(&self) -> Result<Outcome, Error> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => PathBuf::from(std::env::var_os("OUT_DIR").ok_or_else(|| Error::new("OUT_DIR is not set: run from a build script or call out_dir()"))?),
        };
        let text = std::fs::read(&self.spec).map_err(|e| Error::io(&self.spec, e))?;
        let entry = out_dir.join(format!("{}.rs", self.name));
        let stamp_file = out_dir.join(format!("{}.rocketgen-hash", self.name));
        let stamp = format!(
            "{:016x}",
            fnv(&[
                &text,
                self.name.as_bytes(),
                &[u8::from(self.client), u8::from(self.formats == Formats::Typed)],
                env!("CARGO_PKG_VERSION").as_bytes(),
                generator_identity().as_bytes()
            ])
        );
        if entry.exists() && std::fs::read_to_string(&stamp_file).is_ok_and(|s| s == stamp) {
            return Ok(Outcome::Unchanged(entry));
        }

        let spec = load::load_path(&self.spec)?;
        // The user's crate has features of its own: nothing is gated by tag here.
        let api = ir::build_with(&spec, self.formats.build_options()).map_err(|e| e.in_file(&self.spec))?.without_features();
        let mut crates = vec![CrateKind::Api];
        if self.client {
            crates.push(CrateKind::Client);
        }
        let source = Source::new(&self.name, self.spec.clone(), crates);
        let (files, _) = output::emit_source(&api, &source, &Default::default())?;
        for (path, text) in &files {
            // The crates' roots become modules of the user's crate here, where a crate-level
            // attribute is an error; a spec with very deep types needs the limit in that crate.
            let text = text.replace(crate::emit::rust::RECURSION_LIMIT_LINE, "");
            let path = out_dir.join(path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
        }
        let parameters = files.iter().any(|(path, _)| path.ends_with("api/src/parameters.rs"));
        std::fs::write(&entry, entry_file(&out_dir.join(&self.name), &self.name, self.client, parameters)?).map_err(|e| Error::io(&entry, e))?;
        std::fs::write(&stamp_file, stamp).map_err(|e| Error::io(&stamp_file, e))?;
        Ok(Outcome::Generated(entry))
    }
}

/// What identifies the generator that runs: the build script binary it is linked into, which
/// cargo rebuilds whenever the generator changes (so a changed generator regenerates even at
/// the same version).
fn generator_identity() -> String {
    std::env::current_exe().and_then(std::fs::metadata).map(|m| format!("{}:{:?}", m.len(), m.modified().ok())).unwrap_or_default()
}

/// The file to `include!` at a crate root: the API crate's modules (and the client's) by path.
/// `extern crate self as api` lets the client's `api::…` paths name this crate.
fn entry_file(root: &Path, name: &str, client: bool, parameters: bool) -> Result<String, Error> {
    let path = |relative: &str| root.join(relative).to_string_lossy().into_owned();
    let (meta, models, operations, service) =
        (path("api/src/meta.rs"), path("api/src/models.rs"), path("api/src/operations/mod.rs"), path("api/src/service.rs"));
    let runtime_check = crate::emit::rust::runtime_check();
    let trait_ident = quote::format_ident!("{}", crate::emit::trait_name(name));
    let client_module = if client {
        let lib = path("client/src/lib.rs");
        quote! {
            /// The HTTP client; it implements the service trait.
            #[path = #lib]
            pub mod client;
        }
    } else {
        quote! {}
    };
    let parameters_module = if parameters {
        let parameters = path("api/src/parameters.rs");
        quote! {
            /// The parameters that operations share, each documented once.
            #[allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]
            #[allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items, clippy::too_long_first_doc_paragraph)]
            #[path = #parameters]
            pub mod parameters;
        }
    } else {
        quote! {}
    };
    let tokens = quote! {
        #[doc(hidden)]
        pub extern crate self as api;

        /// The spec's operations and types as static data.
        #[path = #meta]
        pub mod meta;
        /// Every schema of the spec as a Rust type.
        #[allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]
        #[allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items, clippy::too_long_first_doc_paragraph)]
        #[path = #models]
        pub mod models;
        /// A request type and a response enum for each operation.
        #[allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]
        #[allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items, clippy::too_long_first_doc_paragraph, clippy::large_enum_variant)]
        #[path = #operations]
        pub mod operations;
        #parameters_module
        #runtime_check

        /// The runtime this code was generated for: errors, `Binary`, the metadata's types and rules.
        pub use rocketgen_runtime as runtime;
        #[allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]
        #[allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items, clippy::too_long_first_doc_paragraph)]
        #[path = #service]
        mod service;

        pub use operations::*;
        pub use runtime::Error;
        pub use service::#trait_ident;

        #client_module
    };
    format_file(tokens, "build-script entry file")
}

/// FNV-1a over the parts: stable across runs and Rust versions, unlike `DefaultHasher`.
fn fnv(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.iter().chain(&[0xff]) {
            hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}
