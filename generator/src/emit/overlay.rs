//! The overlay trait of the API crate: an implementation that changes some operations and
//! forwards every other one to an upstream implementation of the service trait.

use quote::{format_ident, quote};

use super::Part;
use super::operations::{signature_line, trait_name};
use super::rust::{any_operation_cfg, ident, lit, macro_rules_text, operation_cfg};
use crate::ir::Api;

/// `{Source}Overlay`, the name of a source's overlay trait.
pub fn overlay_name(source: &str) -> String {
    format!("{}Overlay", crate::ir::rust_type_name(source))
}

/// `src/overlay.rs`: the overlay trait, each method defaulting to the upstream's, and the
/// service trait for every overlay.
pub fn overlay_module(api: &Api, source: &str) -> Vec<Part> {
    let service = format_ident!("{}", trait_name(source));
    let overlay = format_ident!("{}", overlay_name(source));
    let forwarding = api.operations.iter().map(|op| {
        let method = ident(&op.method_name);
        let request = ident(&op.request_type);
        let response = ident(&op.response_type);
        let doc = lit(&format!(" Forwards {} to the upstream unless overridden.", signature_line(op).trim_end_matches('.')));
        let cfg = operation_cfg(op);
        quote! {
            #[doc = #doc]
            #cfg
            fn #method(&self, request: crate::#request) -> impl crate::runtime::Answer<crate::#response> {
                #service::#method(self.upstream(), request)
            }
        }
    });
    let delegating = api.operations.iter().map(|op| {
        let method = ident(&op.method_name);
        let request = ident(&op.request_type);
        let response = ident(&op.response_type);
        let cfg = operation_cfg(op);
        quote! {
            #cfg
            delegate!(#method, #request, #response);
        }
    });
    let trait_doc = format!(" A remix of [`{service}`]: the operations an implementation changes, the rest forwarded.");
    // The example overrides the first operation, with the names this spec gives it.
    let example = api.operations.first().map(|op| {
        format!(
            "\n```rust,ignore\n\
             struct Remix<U> {{ upstream: U }}\n\n\
             impl<U: {service} + Send + Sync> {overlay} for Remix<U> {{\n    \
                 type Upstream = U;\n\n    \
                 fn upstream(&self) -> &U {{\n        &self.upstream\n    }}\n\n    \
                 // Only the operations that change; every other one is the upstream's.\n    \
                 async fn {method}(&self, request: {request}) -> Result<{response}, Error> {{\n        \
                     let answer = self.upstream.{method}(request).await?;\n        \
                     // … change the answer, or make your own …\n        \
                     Ok(answer)\n    \
                 }}\n\
             }}\n\
             ```",
            method = op.method_name,
            request = op.request_type,
            response = op.response_type
        )
    });
    let example_lines: Vec<String> =
        example.iter().flat_map(|text| text.lines()).map(|line| if line.is_empty() { String::new() } else { format!(" {line}") }).collect();
    let overlay_trait = quote! {
        //! Remixes: change some operations, forward the rest.

        use crate::#service;

        #[doc = #trait_doc]
        ///
        /// Every method defaults to the same method of [`upstream`](Self::upstream) (the
        /// generated client, the mock, or another overlay), which gets the request as it came,
        /// credentials included, and whose answer is passed back as it is. A type implementing
        /// this trait implements the service trait, so the generated router serves it, and
        /// routes the spec lacks can be added beside it (`router(remix).route(…)`). The trait
        /// compiles under this crate's `overlay` feature, which a remix turns on.
        #(#[doc = #example_lines])*
        pub trait #overlay {
            /// Where the operations this overlay does not change are sent.
            type Upstream: #service;

            /// The upstream implementation.
            fn upstream(&self) -> &Self::Upstream;

            #(#forwarding)*
        }
    };
    let implementation = quote! {
        impl<T: #overlay> #service for T {
            #(#delegating)*
        }
    };
    Part::with_rows(api.operations.len(), overlay_trait, || delegate_macro(api, &service, &overlay), implementation)
}

/// The `delegate!` rule: every method of the blanket implementation calls the overlay's own.
fn delegate_macro(api: &Api, service: &proc_macro2::Ident, overlay: &proc_macro2::Ident) -> Part {
    let item = format!(
        "fn $name(
    &self,
    request: crate::$request,
) -> impl crate::runtime::Answer<crate::$response> {{
    {overlay}::$name(self, request)
}}"
    );
    let doc = format!("`delegate!(method, Request, Response)`: a method of [`{service}`] that an overlay implements\nby its own method of that name.");
    let rules = [("$name:ident, $request:ident, $response:ident".to_string(), item)];
    macro_rules_text(&doc, &any_operation_cfg(api), "delegate", &rules)
}
