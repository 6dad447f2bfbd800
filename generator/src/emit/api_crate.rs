//! The API crate: models, operations (request and response types), the service trait and the
//! shared runtime.

use quote::{format_ident, quote};
use serde::Serialize;

use super::models::models_module;
use super::operations::{operations_module, service_trait, tag_module, tag_modules, trait_name};
use super::rust::format_file;
use super::templates::render;
use super::{CrateSettings, FileSet};
use crate::error::Error;
use crate::ir::Api;

/// The runtime module, the same for every spec.
const RUNTIME: &str = include_str!("../../runtime/api.rs");
const RUNTIME_META: &str = include_str!("../../runtime/meta.rs");
const RUNTIME_SYNTH: &str = include_str!("../../runtime/synth.rs");

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

        pub mod meta;
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
    add("src/runtime/mod.rs", RUNTIME.to_string());
    add("src/runtime/meta.rs", RUNTIME_META.to_string());
    add("src/runtime/synth.rs", RUNTIME_SYNTH.to_string());

    let source = settings.source.as_str();
    let mut jobs: Vec<Job<'_>> = vec![
        ("src/models.rs".into(), Box::new(|| models_module(api))),
        ("src/service.rs".into(), Box::new(move || service_trait(api, source))),
        ("src/operations/mod.rs".into(), Box::new(|| operations_module(api))),
        ("src/meta.rs".into(), Box::new(|| super::meta::meta_module(api))),
    ];
    for (tag, module) in tag_modules(api) {
        jobs.push((format!("src/operations/{module}.rs"), Box::new(move || tag_module(api, &tag))));
    }
    for (name, text) in format_in_parallel(jobs)? {
        add(&name, text);
    }
    Ok(files)
}

/// A file to emit: its path in the crate, and what builds its tokens.
type Job<'a> = (String, Box<dyn Fn() -> proc_macro2::TokenStream + Send + Sync + 'a>);

/// Builds and formats the files on as many threads as there are cores: formatting is most of
/// the time of a run. (Token streams are not Send, so each job builds its own.)
fn format_in_parallel(jobs: Vec<Job<'_>>) -> Result<Vec<(String, String)>, Error> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<String, Error>>>> = Mutex::new((0..jobs.len()).map(|_| None).collect());
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(jobs.len()).max(1);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((name, build)) = jobs.get(i) else { break };
                    let text = format_file(build(), name);
                    if let Ok(mut results) = results.lock() {
                        results[i] = Some(text);
                    }
                }
            });
        }
    });
    let results = results.into_inner().map_err(|_| Error::new("internal error: an emitter thread panicked"))?;
    jobs.iter()
        .zip(results)
        .map(|((name, _), text)| {
            let text = text.unwrap_or_else(|| Err(Error::new(format!("internal error: {name} was not emitted"))))?;
            Ok((name.clone(), text))
        })
        .collect()
}
