//! rocketgen: OpenAPI specs → one IR → Rust crates (API, server, client, mock).
//!
//! The flow is `load` (text → checked document) → `ir` (document → operations and types) →
//! `emit` (IR → files in memory) → `output` (files → disk, atomically, or a drift check).
//! See ARCHITECTURE.md at the repository root.

pub mod buildscript;
pub mod bundle;
#[cfg(feature = "cli")]
pub mod call;
pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod error;
pub mod init;
pub mod ir;
pub mod load;
pub mod manifest;
#[cfg(feature = "cli")]
pub mod mcp;
pub mod openapi31;
pub mod output;
pub mod parallel;
pub mod pointer;
pub mod preview;
pub mod source;
pub mod summary;
#[cfg(feature = "cli")]
pub mod tool_search;
pub mod vendor;

pub use diagnostics::Diagnostic;
pub use error::Error;
