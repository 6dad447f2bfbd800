//! The API crate: models, operations (request and response types), the service trait and the
//! metadata the runtime reads.

use std::sync::Arc;

use quote::{format_ident, quote};

use super::models::models_module;
use super::operations::{operations_module, service_trait, tag_module, tag_modules, trait_name};
use super::overlay::{overlay_module, overlay_name};
use super::parameters::{SharedParameters, parameters_module};
use super::templates::{CrateContext, render};
use super::{CrateSettings, Pieces};
use crate::error::Error;
use crate::ir::{Api, StringFormat};

/// Emits `{source}-api` into `prefix` (e.g. `rocket/api`).
pub fn emit_api_crate<'a>(api: &'a Api, settings: &CrateSettings, prefix: &str) -> Result<Pieces<'a>, Error> {
    let source = settings.source.clone();
    let context = CrateContext::new(api, settings, "api");
    let mut pieces = Pieces::new(prefix);
    pieces.text("Cargo.toml", render("api/Cargo.toml", &context)?);
    pieces.text("README.md", render("api/README.md", &context)?);
    // Found once, for the module, the crate root that declares it and every request type.
    let shared = Arc::new(SharedParameters::of(api));
    let has_parameters = !shared.is_empty();
    let lib_source = source.clone();
    pieces.rust("src/lib.rs", move || lib(api, &lib_source, has_parameters));
    pieces.rust_items("src/models.rs", move || models_module(api));
    let overlay_source = source.clone();
    pieces.rust_parts("src/overlay.rs", move || overlay_module(api, &overlay_source));
    pieces.rust("src/service.rs", move || service_trait(api, &source));
    pieces.rust("src/operations/mod.rs", move || operations_module(api));
    if has_parameters {
        let shared = Arc::clone(&shared);
        pieces.rust("src/parameters.rs", move || parameters_module(api, &shared));
    }
    pieces.text_job("src/meta.json", move || super::meta::meta_document(api));
    pieces.rust("src/meta.rs", move || super::meta::meta_module(api));
    for (tag, module) in tag_modules(api) {
        let shared = Arc::clone(&shared);
        pieces.rust_items(&format!("src/operations/{module}.rs"), move || tag_module(api, tag.clone(), Arc::clone(&shared)));
    }
    Ok(pieces)
}

fn lib(api: &Api, source: &str, has_parameters: bool) -> proc_macro2::TokenStream {
    // Typed formats: the crates their types come from, for the crates built on this one.
    let mut formats = proc_macro2::TokenStream::new();
    if api.uses_format(StringFormat::DateTime) || api.uses_format(StringFormat::Date) {
        formats.extend(quote! {
            /// The crate of the `date-time` and `date` types.
            pub use chrono;
        });
    }
    if api.uses_format(StringFormat::Uuid) {
        formats.extend(quote! {
            /// The crate of the `uuid` type.
            pub use uuid;
        });
    }
    let trait_ident = format_ident!("{}", trait_name(source));
    let overlay_ident = format_ident!("{}", overlay_name(source));
    let overlay_feature = crate::ir::OVERLAY_FEATURE;
    let root_attributes = super::rust::crate_root_attributes();
    let runtime_check = super::rust::runtime_check();
    let parameters = if has_parameters {
        quote! { pub mod parameters; }
    } else {
        quote! {}
    };
    quote! {
        #root_attributes
        // Descriptions are the spec's Markdown, kept as written; rustdoc's and clippy's rules for
        // doc comments are not the spec authors' rules.
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]
        #![allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items, clippy::too_long_first_doc_paragraph)]
        // A response enum is built and matched once; boxing its large variants buys nothing.
        #![allow(clippy::large_enum_variant)]

        #runtime_check

        pub mod meta;
        pub mod models;
        pub mod operations;
        #parameters
        #[cfg(feature = #overlay_feature)]
        mod overlay;
        mod service;

        /// The runtime this crate was generated for: errors, `Binary`, the metadata's types and rules.
        pub use rocketgen_runtime as runtime;

        pub use operations::*;
        pub use runtime::Error;
        #[cfg(feature = #overlay_feature)]
        pub use overlay::#overlay_ident;
        pub use service::#trait_ident;
        #formats
    }
}
