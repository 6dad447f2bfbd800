//! The `operations` module (a request type and a response enum per operation, credentials) and
//! the service trait.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::parameters::SharedParameters;
use super::rust::{doc, doc_lines, ident, operation_cfg, type_tokens};
use crate::ir::{Api, Location, Operation, Parameter, SecurityKind, TypeRef};

/// The name of the service trait: `RocketApi` for a source named `rocket`.
pub fn trait_name(source: &str) -> String {
    format!("{}Api", crate::ir::rust_type_name(source))
}

fn models() -> TokenStream {
    quote! { crate::models:: }
}

/// Module names for the operations of each tag, in the order tags first appear.
pub fn tag_modules(api: &Api) -> Vec<(String, String)> {
    let mut namer = crate::ir::Namer::new();
    // `operations` is the parent module: a child of the same name trips clippy's module_inception.
    // The modules are re-exported at the crate root, beside its own modules, and a module named
    // like a crate the code paths start with would stand in its place.
    namer.reserve_all(&[
        "mod",
        "self",
        "super",
        "crate",
        "lib",
        "main",
        "operations",
        "models",
        "meta",
        "service",
        "runtime",
        "std",
        "core",
        "alloc",
        "serde",
        "serde_json",
        "rocketgen_runtime",
    ]);
    let mut modules: Vec<(String, String)> = Vec::new();
    for op in &api.operations {
        if !modules.iter().any(|(tag, _)| *tag == op.tag) {
            let base = crate::ir::rust_field_name(&op.tag).unraw();
            modules.push((op.tag.clone(), namer.claim(base.bare())));
        }
    }
    modules
}

/// `operations/mod.rs`: credentials, the operation table, and the per-tag modules re-exported.
pub fn operations_module(api: &Api) -> TokenStream {
    let credential = credential_type(api);
    let table = operations_table(api);
    let modules = tag_modules(api);
    let mods = modules.iter().map(|(tag, module)| {
        let cfg = tag_cfg(api, tag);
        let module = ident(module);
        let docs = format!(" The operations tagged `{tag}`.");
        quote! { #[doc = #docs] #cfg pub mod #module; #cfg pub use #module::*; }
    });
    quote! {
        //! A request type and a response enum for each operation, in one module per tag.

        #(#mods)*

        #credential

        #table
    }
}

/// `OPERATIONS`: a row of the runtime's `impl_operations!` per operation, each under its
/// tag's feature; written out where operations have no features.
fn operations_table(api: &Api) -> TokenStream {
    let rows = api.operations.iter().map(|op| {
        let (feature, tool, method, path) = (&op.feature, &op.tool_name, op.method_name.bare(), &op.path);
        let http = format_ident!("{}", format!("{:?}", op.http_method));
        quote! { (#feature, #tool, #method, #http, #path) }
    });
    if api.operations.iter().all(|op| !op.feature.is_empty()) {
        return quote! { crate::runtime::impl_operations!(#(#rows),*); };
    }
    let infos = api.operations.iter().map(|op| {
        let tool = &op.tool_name;
        let method = &op.method_name.bare();
        let http = super::meta::method_tokens(op.http_method);
        let path = &op.path;
        let cfg = operation_cfg(op);
        quote! { #cfg crate::runtime::OperationInfo { tool_name: #tool, method_name: #method, http_method: crate::runtime::meta::#http, path: #path }, }
    });
    quote! {
        /// Every operation of the spec, in the spec's order.
        pub const OPERATIONS: &[crate::runtime::OperationInfo] = &[ #(#infos)* ];
    }
}

/// `#[cfg(feature = "…")]` for the items of one tag: its operations' feature.
pub fn tag_cfg(api: &Api, tag: &str) -> TokenStream {
    api.operations.iter().find(|op| op.tag == tag).map(operation_cfg).unwrap_or_default()
}

/// `operations/{tag}.rs`: the request and response types of one tag's operations.
pub fn tag_module<'a>(api: &'a Api, tag: String, shared: std::sync::Arc<SharedParameters<'a>>) -> super::Items<'a> {
    let (raw_import, raw) = super::responses::raw_response_path(api);
    let partial_eq = partial_eq(api);
    let uses_credential = api.operations.iter().any(|op| op.tag == tag && !op.security.is_empty());
    let credential = if uses_credential {
        quote! { use super::Credential; }
    } else {
        TokenStream::new()
    };
    let header = quote! {
        #credential
        #raw_import
    };
    let ops = api.operations.iter().filter(move |op| op.tag == tag).map(move |op| {
        let request = request_type(api, op, &shared, &partial_eq);
        let response = super::responses::response_type(op, &raw, &partial_eq);
        quote! { #request #response }
    });
    Box::new(std::iter::once(header).chain(ops))
}

fn credential_type(api: &Api) -> TokenStream {
    let variants = api.security_schemes.iter().map(|scheme| {
        let name = ident(&scheme.rust_name);
        let how = match &scheme.kind {
            SecurityKind::OAuth2 { .. } | SecurityKind::OpenIdConnect | SecurityKind::HttpBearer => {
                "The token, sent as `Authorization: Bearer <token>`.".to_string()
            }
            SecurityKind::HttpBasic => "`user:password`, sent as `Authorization: Basic <base64>`.".to_string(),
            SecurityKind::ApiKey { location, param } => {
                let place = match location {
                    Location::Header => "header",
                    Location::Query => "query parameter",
                    Location::Cookie => "cookie",
                    Location::Path => "path parameter",
                };
                format!("The key, sent as is in the `{param}` {place}.")
            }
        };
        let title = format!(" `{}`: {how}", scheme.name);
        let description = doc(scheme.description.as_deref());
        quote! { #[doc = #title] #[doc = ""] #description #name(String), }
    });
    let names = api.security_schemes.iter().map(|s| {
        let variant = ident(&s.rust_name);
        let name = &s.name;
        quote! { Credential::#variant(_) => #name, }
    });
    let secrets = api.security_schemes.iter().map(|s| {
        let variant = ident(&s.rust_name);
        quote! { Credential::#variant(secret) => secret, }
    });
    let constructors = api.security_schemes.iter().map(|s| {
        let variant = ident(&s.rust_name);
        let name = &s.name;
        quote! { #name => Some(Credential::#variant(secret)), }
    });
    if api.security_schemes.is_empty() {
        return quote! {
            /// The spec declares no security schemes, so there is no credential.
            #[derive(Clone, Debug, PartialEq, Eq)]
            pub enum Credential {}

            impl Credential {
                /// Always `None`: the spec has no security schemes.
                pub fn new(_scheme: &str, _secret: impl Into<String>) -> Option<Credential> {
                    None
                }

                pub fn scheme(&self) -> &'static str {
                    match *self {}
                }

                pub fn secret(&self) -> &str {
                    match *self {}
                }
            }

            impl crate::runtime::Credential for Credential {
                fn scheme(&self) -> &'static str {
                    match *self {}
                }

                fn secret(&self) -> &str {
                    match *self {}
                }
            }
        };
    }
    quote! {
        /// A credential for one of the spec's security schemes. Its `Debug` output hides the secret.
        #[derive(Clone, PartialEq, Eq)]
        pub enum Credential {
            #(#variants)*
        }

        impl Credential {
            /// A credential for the scheme named `scheme` in the spec, if there is one.
            pub fn new(scheme: &str, secret: impl Into<String>) -> Option<Credential> {
                let secret = secret.into();
                match scheme {
                    #(#constructors)*
                    _ => None,
                }
            }

            /// The security scheme's name in the spec.
            pub fn scheme(&self) -> &'static str {
                match self { #(#names)* }
            }

            /// The secret as it is sent.
            pub fn secret(&self) -> &str {
                match self { #(#secrets)* }
            }
        }

        impl std::fmt::Debug for Credential {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "Credential::{}(***)", self.scheme())
            }
        }

        impl crate::runtime::Credential for Credential {
            fn scheme(&self) -> &'static str {
                Credential::scheme(self)
            }

            fn secret(&self) -> &str {
                Credential::secret(self)
            }
        }
    }
}

/// How an operation is shown in docs: `GET /items/{id}` (operation `getItem`).
pub fn signature_line(op: &Operation) -> String {
    match &op.operation_id {
        Some(id) => format!("`{} {}` (operation `{id}`).", op.http_method.as_str(), op.path),
        None => format!("`{} {}`.", op.http_method.as_str(), op.path),
    }
}

fn security_line(api: &Api, op: &Operation) -> Option<String> {
    if op.security.is_empty() {
        return None;
    }
    let alternatives: Vec<String> = op
        .security
        .iter()
        .map(|req| {
            if req.schemes.is_empty() {
                return "no credential".to_string();
            }
            req.schemes
                .iter()
                .map(|u| {
                    let variant = api.security_schemes.iter().find(|s| s.name == u.scheme).map(|s| s.rust_name.as_str()).unwrap_or("");
                    if u.scopes.is_empty() { format!("`Credential::{variant}`") } else { format!("`Credential::{variant}` (scopes: {})", u.scopes.join(", ")) }
                })
                .collect::<Vec<_>>()
                .join(" and ")
        })
        .collect();
    Some(format!("Security: {}.", alternatives.join(", or ")))
}

/// Whether a parameter's field is the plain type (required, or optional with a default).
fn param_is_plain(param: &Parameter) -> bool {
    param.required || default_expr(param).is_some()
}

fn param_type(param: &Parameter, shared: &SharedParameters<'_>) -> TokenStream {
    let ty = shared.value_type(param);
    if param_is_plain(param) {
        ty
    } else {
        quote! { Option<#ty> }
    }
}

/// The Rust expression of a parameter's default, for the types a default can be written in.
fn default_expr(param: &Parameter) -> Option<TokenStream> {
    if param.required {
        return None;
    }
    literal(param.default.as_ref()?, &param.ty)
}

fn literal(value: &Value, ty: &TypeRef) -> Option<TokenStream> {
    Some(match (ty, value) {
        (TypeRef::String, Value::String(s)) => quote! { #s.to_string() },
        (TypeRef::Named(name), Value::String(s)) => {
            let name = ident(name);
            quote! { crate::models::#name::from(#s) }
        }
        (TypeRef::Integer(_), Value::Number(n)) => {
            let n = proc_macro2::Literal::i64_unsuffixed(n.as_i64()?);
            quote! { #n }
        }
        (TypeRef::Number, Value::Number(n)) => {
            let n = proc_macro2::Literal::f64_suffixed(n.as_f64()?);
            quote! { #n }
        }
        (TypeRef::Boolean, Value::Bool(b)) => quote! { #b },
        (TypeRef::Array(item), Value::Array(items)) => {
            let items = items.iter().map(|v| literal(v, item)).collect::<Option<Vec<_>>>()?;
            quote! { vec![#(#items),*] }
        }
        _ => return None,
    })
}

/// The request type of `op`, its `impl_object!` table, constructor and setters; `partial_eq`
/// derives `PartialEq` where it is derived (see [`partial_eq`]).
fn request_type(api: &Api, op: &Operation, shared: &SharedParameters<'_>, partial_eq: &TokenStream) -> TokenStream {
    let name = ident(&op.request_type);
    let method = op.method_name.bare();
    let mut type_docs = vec![format!("The request of `{}`:", method), signature_line(op)];
    if let Some(line) = security_line(api, op) {
        type_docs.push(String::new());
        type_docs.push(line);
    }
    let type_docs = doc_lines(type_docs.iter().map(String::as_str));

    let mut fields = Vec::new();
    // What the runtime's `impl_object!` serializes: each field under its Rust name.
    let mut entries = Vec::new();
    // Constructor arguments (required values) and initialisers for all fields.
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut unset_is_default = true;
    for param in &op.parameters {
        let field = ident(&param.rust_name);
        let ty = param_type(param, shared);
        let mut lines = shared.field_doc(param);
        let location = match param.location {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Cookie => "cookie",
        };
        let mut fact = format!("The `{}` {location} parameter", param.name);
        if let Some(default) = &param.default {
            fact.push_str(&format!("; default `{}`", super::rust::json_inline(default)));
        }
        fact.extend(shared.link(param));
        fact.push('.');
        lines.push(fact);
        let docs = doc_lines(lines.iter().map(String::as_str));
        let deprecated = if param.deprecated {
            quote! { #[doc = ""] #[doc = " Deprecated."] }
        } else {
            TokenStream::new()
        };
        entries.push(serde_entry(&field, param.rust_name.bare(), param_is_plain(param)));
        fields.push(quote! { #docs #deprecated pub #field: #ty, });
        if param.required {
            args.push(quote! { #field: #ty });
            inits.push(quote! { #field });
        } else if let Some(default) = default_expr(param) {
            inits.push(quote! { #field: #default });
            unset_is_default = false;
        } else {
            inits.push(quote! { #field: None });
        }
    }
    if let Some(body) = &op.request_body {
        let ty = type_tokens(&body.ty, &models());
        let ty = if body.required {
            ty
        } else {
            quote! { Option<#ty> }
        };
        let mut lines: Vec<String> = Vec::new();
        if let Some(d) = body.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            lines.extend(d.lines().map(str::to_string));
            lines.push(String::new());
        }
        lines.push(format!("The `{}` body.", body.media_type));
        let docs = doc_lines(lines.iter().map(String::as_str));
        entries.push(serde_entry(&format_ident!("body"), "body", body.required));
        fields.push(quote! { #docs pub body: #ty, });
        if body.required {
            args.push(quote! { body: #ty });
            inits.push(quote! { body });
        } else {
            inits.push(quote! { body: None });
        }
    }
    if !op.security.is_empty() {
        fields.push(quote! {
            /// Credentials for the operation's security requirement. A server fills them in from
            /// the request; a client sends these, or its configured ones when this is empty.
            /// Never serialized.
            pub credentials: Vec<Credential>,
        });
        inits.push(quote! { credentials: Vec::new() });
    }
    if !op.security.is_empty() {
        entries.push(quote! { credentials = skip("credentials") });
    }
    let new_doc = if args.is_empty() {
        " A request with every optional value unset (or at its default).".to_string()
    } else {
        " A request from its required values; optional ones unset (or at their defaults).".to_string()
    };
    // Braces even when empty: the request is a JSON object on the wire of the shared rules.
    let body = quote! { { #(#fields)* } };
    // A request whose values are all unset by default is its type's `Default`; one with spec
    // defaults gets them from `new`, which `Default` calls.
    let (derives, init, default_impl) = match (args.is_empty(), unset_is_default) {
        (true, true) => (quote! { #[derive(Clone, Debug, Default)] #partial_eq }, quote! { Self::default() }, TokenStream::new()),
        (true, false) => (
            quote! { #[derive(Clone, Debug)] #partial_eq },
            quote! { Self { #(#inits),* } },
            quote! {
                impl Default for #name {
                    fn default() -> Self { Self::new() }
                }
            },
        ),
        (false, _) => (quote! { #[derive(Clone, Debug)] #partial_eq }, quote! { Self { #(#inits),* } }, TokenStream::new()),
    };
    let allow = if args.len() > 7 {
        quote! { #[allow(clippy::too_many_arguments)] }
    } else {
        TokenStream::new()
    };
    let setters = setters(op, shared);
    let setters = if setters.is_empty() {
        TokenStream::new()
    } else {
        quote! { crate::runtime::impl_setters!(#name, #(#setters),*); }
    };
    quote! {
        #type_docs
        #derives
        pub struct #name #body

        crate::runtime::impl_object!(#name, none #(, #entries)*);

        impl #name {
            #[doc = #new_doc]
            #allow
            pub fn new(#(#args),*) -> Self { #init }
        }

        #setters

        #default_impl
    }
}

/// `PartialEq` for a request or response type, under the API crate's feature of it; always,
/// in code without features (a build script's), where no feature could turn it on.
fn partial_eq(api: &Api) -> TokenStream {
    let feature = crate::ir::PARTIAL_EQ_FEATURE;
    if api.features.is_empty() {
        quote! { #[derive(PartialEq)] }
    } else {
        quote! { #[cfg_attr(feature = #feature, derive(PartialEq))] }
    }
}

/// `field = required("field")` or `field = optional("field")` for `impl_object!`.
fn serde_entry(field: &proc_macro2::Ident, wire: &str, required: bool) -> TokenStream {
    let kind = if required { format_ident!("required") } else { format_ident!("optional") };
    quote! { #field = #kind(#wire) }
}

/// The rows of the runtime's `impl_setters!` for the optional values of a request, so that
/// one with many optional parameters reads as a builder:
/// `GetItemRequest::new(id).with_lang("en").with_expand("all")`.
fn setters(op: &Operation, shared: &SharedParameters<'_>) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for param in op.parameters.iter().filter(|p| !p.required) {
        let field = ident(&param.rust_name);
        let setter = format_ident!("with_{}", param.rust_name.bare());
        let ty = shared.value_type(param);
        let wire = &param.name;
        let kind = if param_is_plain(param) { format_ident!("plain") } else { format_ident!("optional") };
        out.push(quote! { #setter(#field: #ty) = #kind(#wire) });
    }
    if let Some(body) = op.request_body.as_ref().filter(|b| !b.required) {
        let ty = type_tokens(&body.ty, &models());
        out.push(quote! { with_body(body: #ty) = body });
    }
    if !op.security.is_empty() {
        out.push(quote! { with_credential(credentials: Credential) = credential });
    }
    out
}

/// The service trait: one async method per operation, each defaulting to "not implemented".
pub fn service_trait(api: &Api, source: &str) -> TokenStream {
    let trait_ident = format_ident!("{}", trait_name(source));
    let title = format!(" The operations of {} {}, one method each.", api.title, api.version);
    let methods = api.operations.iter().map(|op| {
        let method = ident(&op.method_name);
        let request = ident(&op.request_type);
        let response = ident(&op.response_type);
        let operation = op.name();
        let mut docs = Vec::new();
        if let Some(summary) = op.summary.as_deref().filter(|s| !s.trim().is_empty()) {
            docs.push(doc(Some(summary)));
            docs.push(quote! { #[doc = ""] });
        }
        if let Some(description) = op.description.as_deref().filter(|s| !s.trim().is_empty()) {
            docs.push(doc(Some(description)));
            docs.push(quote! { #[doc = ""] });
        }
        let mut lines = vec![signature_line(op)];
        if let Some(line) = security_line(api, op) {
            lines.push(String::new());
            lines.push(line);
        }
        docs.push(doc_lines(lines.iter().map(String::as_str)));
        let deprecated = if op.deprecated {
            quote! { #[doc = ""] #[doc = " Deprecated."] }
        } else {
            TokenStream::new()
        };
        let cfg = operation_cfg(op);
        quote! {
            #(#docs)*
            #deprecated
            #cfg
            fn #method(&self, _request: crate::#request) -> impl crate::runtime::Answer<crate::#response> {
                crate::runtime::not_implemented(#operation)
            }
        }
    });
    quote! {
        //! The service trait.

        #[doc = #title]
        ///
        /// Every method has a default that answers [`Error::NotImplemented`](crate::runtime::Error::NotImplemented)
        /// (a server turns it into 501), so an implementation provides only what it needs. The
        /// generated client, the mock and your own code all implement this trait, and the
        /// generated router serves any of them that is `Send + Sync` (bounds the router states,
        /// not the trait: an implementation is checked against them once, not once per method).
        /// Each method compiles under its tag's Cargo feature (all on by default).
        pub trait #trait_ident {
            #(#methods)*
        }
    }
}

#[cfg(test)]
mod tests {
    use super::tag_modules;

    #[test]
    fn a_tag_named_like_the_parent_module_gets_another_name() {
        let spec = r#"{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {
            "/a": {"get": {"operationId": "listOperations", "tags": ["Operations"], "responses": {"200": {"description": "ok"}}}},
            "/b": {"get": {"operationId": "getB", "tags": ["Peerings"], "responses": {"200": {"description": "ok"}}}}}}"#;
        let api = crate::ir::build(&crate::load::load_str(spec).unwrap()).unwrap();
        let modules: Vec<String> = tag_modules(&api).into_iter().map(|(_, module)| module).collect();
        assert_eq!(modules, ["operations_", "peerings"]);
    }
}
