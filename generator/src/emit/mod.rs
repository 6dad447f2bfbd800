//! IR → files. Each emitter turns the IR into the files of one crate, in memory; nothing here
//! reads the spec or touches the disk.

mod api_crate;
mod client_crate;
mod mock_crate;
mod server_crate;
pub mod meta;
mod models;
mod operations;
pub mod rust;
mod templates;

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use api_crate::emit_api_crate;
pub use client_crate::emit_client_crate;
pub use mock_crate::emit_mock_crate;
pub use server_crate::emit_server_crate;
pub use operations::trait_name;

/// The files of one or more crates: path relative to the output root → contents.
pub type FileSet = BTreeMap<PathBuf, String>;

/// What a source's crates are named and versioned as.
#[derive(Debug, Clone)]
pub struct CrateSettings {
    /// The source name, e.g. `rocket`: packages are `rocket-api` and so on.
    pub source: String,
    /// Version of the generated crates.
    pub version: String,
}

/// The Rust token streams of the API crate before formatting (for measuring the stages).
pub fn token_streams(api: &crate::ir::Api, source: &str) -> Vec<proc_macro2::TokenStream> {
    vec![models::models_module(api), operations::operations_module(api), operations::service_trait(api, source)]
}
