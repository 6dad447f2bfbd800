//! IR → files. Each emitter turns the IR into the files of one crate, in memory; nothing here
//! reads the spec or touches the disk.

mod api_crate;
mod client_crate;
pub mod format;
pub mod meta;
mod mock_crate;
mod models;
mod operations;
mod overlay;
mod pages;
mod parameters;
mod responses;
pub mod rust;
mod server_crate;
mod templates;

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use api_crate::emit_api_crate;
pub use client_crate::emit_client_crate;
pub use mock_crate::emit_mock_crate;
pub use operations::trait_name;
pub use server_crate::emit_server_crate;

/// The files of one or more crates: path relative to the output root → contents.
pub type FileSet = BTreeMap<PathBuf, String>;

/// What builds the tokens of one Rust file, item by item: each is formatted as it comes, so a
/// big file's tokens are never all in memory at once. Token streams are not `Send`, so each
/// file's are built on the thread that formats it.
type Build<'a> = Box<dyn Fn() -> Box<dyn Iterator<Item = Part> + 'a> + Send + Sync + 'a>;

/// The token streams of a file's items, in order (a stream may hold several items).
pub type Items<'a> = Box<dyn Iterator<Item = proc_macro2::TokenStream> + 'a>;

/// A part of a Rust file: tokens to format, or a `macro_rules!` definition laid out already
/// (no formatter lays out the bodies of rules as a person would), whose calls later in the
/// file are laid out as the rows of a table.
pub enum Part {
    Tokens(proc_macro2::TokenStream),
    Macro { name: String, text: String },
}

/// What makes a text file that takes a while (a big JSON document): made in the pool that
/// formats the Rust files, rather than before it on one thread.
type MakeText<'a> = Box<dyn Fn() -> Result<String, crate::error::Error> + Send + Sync + 'a>;

/// A file the pool makes: Rust from tokens, formatted, or a text.
enum Job<'a> {
    Rust(Build<'a>),
    Text(MakeText<'a>),
}

/// A crate's files before formatting: texts as they are, the others as what makes them.
pub struct Pieces<'a> {
    prefix: String,
    texts: Vec<(String, String)>,
    jobs: Vec<(String, Job<'a>)>,
}

impl Part {
    /// A file in three parts: `before`, the definition of a macro, then `rows` that call it
    /// (one per operation). A spec without operations has no rows, and the file no macro, which
    /// would be unused.
    pub fn with_rows(operations: usize, before: proc_macro2::TokenStream, definition: impl FnOnce() -> Part, rows: proc_macro2::TokenStream) -> Vec<Part> {
        if operations == 0 {
            return vec![Part::Tokens(quote::quote! { #before #rows })];
        }
        vec![Part::Tokens(before), definition(), Part::Tokens(rows)]
    }
}

impl<'a> Pieces<'a> {
    /// The files of the crate at `prefix` (e.g. `rocket/api`).
    pub fn new(prefix: &str) -> Self {
        Pieces { prefix: prefix.to_string(), texts: Vec::new(), jobs: Vec::new() }
    }

    pub fn text(&mut self, name: &str, text: impl Into<String>) {
        self.texts.push((format!("{}/{name}", self.prefix), text.into()));
    }

    /// A text made in the pool, with the Rust files.
    pub fn text_job(&mut self, name: &str, make: impl Fn() -> Result<String, crate::error::Error> + Send + Sync + 'a) {
        self.jobs.push((format!("{}/{name}", self.prefix), Job::Text(Box::new(make))));
    }

    pub fn rust(&mut self, name: &str, build: impl Fn() -> proc_macro2::TokenStream + Send + Sync + 'a) {
        self.rust_items(name, move || Box::new(std::iter::once(build())));
    }

    /// A Rust file built item by item (a module of many types or operations).
    pub fn rust_items(&mut self, name: &str, build: impl Fn() -> Items<'a> + Send + Sync + 'a) {
        self.jobs.push((format!("{}/{name}", self.prefix), Job::Rust(Box::new(move || Box::new(build().map(Part::Tokens))))));
    }

    /// A Rust file of tokens and macro definitions, in order.
    pub fn rust_parts(&mut self, name: &str, build: impl Fn() -> Vec<Part> + Send + Sync + 'a) {
        self.jobs.push((format!("{}/{name}", self.prefix), Job::Rust(Box::new(move || Box::new(build().into_iter())))));
    }
}

/// Builds and formats every Rust file of `crates` (and makes their other jobs' texts) on as
/// many threads as there are cores (formatting is most of a run's time), and gathers all files.
pub fn format_all(crates: Vec<Pieces<'_>>) -> Result<FileSet, crate::error::Error> {
    let mut files = FileSet::new();
    let mut jobs: Vec<(String, Job<'_>)> = Vec::new();
    for pieces in crates {
        files.extend(pieces.texts.into_iter().map(|(path, text)| (PathBuf::from(path), text)));
        jobs.extend(pieces.jobs);
    }
    let texts = crate::parallel::map_on_cores(&jobs, |(name, job)| match job {
        Job::Rust(build) => format::format_items(build(), name),
        Job::Text(make) => make(),
    });
    for ((name, _), text) in jobs.iter().zip(texts) {
        let text = text.unwrap_or_else(|| Err(crate::error::Error::new(format!("internal error: {name} was not emitted"))))?;
        files.insert(PathBuf::from(name), text);
    }
    Ok(files)
}

/// What a source's crates are named and versioned as.
#[derive(Debug, Clone)]
pub struct CrateSettings {
    /// The source name, e.g. `rocket`: packages are `rocket-api` and so on.
    pub source: String,
    /// Version of the generated crates.
    pub version: String,
    /// The keys of the `rocketgen-runtime` dependency in their Cargo.toml.
    pub runtime: String,
    /// Whether the source has a client crate (the mock crate's test uses it).
    pub with_client: bool,
}

/// The Rust token streams of the API crate before formatting (for measuring the stages).
pub fn token_streams(api: &crate::ir::Api, source: &str) -> Vec<proc_macro2::TokenStream> {
    vec![models::models_module(api).collect(), operations::operations_module(api), operations::service_trait(api, source)]
}
