//! The API crate: models, operations (request and response types), the service trait and the
//! shared runtime.

use quote::{format_ident, quote};
use serde::Serialize;

use super::models::models_module;
use super::operations::{operations_module, service_trait, trait_name};
use super::rust::format_file;
use super::templates::render;
use super::{CrateSettings, FileSet};
use crate::error::Error;
use crate::ir::Api;

/// The runtime module, the same for every spec.
const RUNTIME: &str = include_str!("../../runtime/api.rs");

#[derive(Serialize)]
struct ApiCrateContext<'a> {
    package: String,
    version: &'a str,
    title: &'a str,
    spec_version: &'a str,
    description: Option<&'a str>,
    trait_name: String,
    operations: usize,
    types: usize,
    diagnostics: usize,
}

/// Emits `{source}-api` into `prefix` (e.g. `rocket/api`).
pub fn emit_api_crate(api: &Api, settings: &CrateSettings, prefix: &str) -> Result<FileSet, Error> {
    let trait_ident = format_ident!("{}", trait_name(&settings.source));
    let lib = quote! {
        #![doc = include_str!("../README.md")]
        // Descriptions are the spec's Markdown, kept as written; rustdoc's and clippy's rules for
        // doc comments are not the spec authors' rules.
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]
        #![allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items, clippy::too_long_first_doc_paragraph)]
        // A response enum is built and matched once; boxing its large variants buys nothing.
        #![allow(clippy::large_enum_variant)]

        pub mod models;
        pub mod operations;
        pub mod runtime;
        mod service;

        pub use operations::*;
        pub use runtime::Error;
        pub use service::#trait_ident;
    };
    let context = ApiCrateContext {
        package: format!("{}-api", settings.source),
        version: &settings.version,
        title: &api.title,
        spec_version: &api.version,
        description: api.description.as_deref(),
        trait_name: trait_name(&settings.source),
        operations: api.operations.len(),
        types: api.types.len(),
        diagnostics: api.diagnostics.len(),
    };
    let mut files = FileSet::new();
    let mut add = |name: &str, text: String| {
        files.insert(format!("{prefix}/{name}").into(), text);
    };
    add("Cargo.toml", render("api/Cargo.toml", &context)?);
    add("README.md", render("api/README.md", &context)?);
    add("src/lib.rs", format_file(lib, "lib.rs")?);
    add("src/models.rs", format_file(models_module(api), "models.rs")?);
    add("src/operations.rs", format_file(operations_module(api), "operations.rs")?);
    add("src/service.rs", format_file(service_trait(api, &settings.source), "service.rs")?);
    add("src/runtime.rs", RUNTIME.to_string());
    Ok(files)
}
