//! The server crate: an axum router serving any implementation of the service trait, with one
//! small handler per operation; the shared work is in the server runtime.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::meta::operation_static;
use super::operations::trait_name;
use super::rust::{any_operation_cfg, cfg_union, ident, macro_rules_text, operation_cfg};
use super::templates::{CrateContext, render};
use super::{CrateSettings, Part, Pieces};
use crate::error::Error;
use crate::ir::{Api, Operation};

pub fn emit_server_crate<'a>(api: &'a Api, settings: &CrateSettings, prefix: &str) -> Result<Pieces<'a>, Error> {
    let context = CrateContext::new(api, settings, "server");
    let mut pieces = Pieces::new(prefix);
    pieces.text("Cargo.toml", render("server/Cargo.toml", &context)?);
    pieces.text("README.md", render("server/README.md", &context)?);
    let source = settings.source.clone();
    let lib_source = source.clone();
    pieces.rust("src/lib.rs", move || lib(api, &lib_source));
    pieces.rust_parts("src/handlers.rs", move || handlers(api, &source));
    Ok(pieces)
}

/// A path template as an axum route, parameters named by position so that templates differing
/// only in parameter names (`/items/{id}`, `/items/{itemId}/next`) never conflict.
pub fn route_of(path: &str) -> String {
    // The router matches the path as requests carry it, percent-encoded.
    let path: &str = &rocketgen_runtime::meta::encode_path_literal(path);
    let mut out = String::new();
    let mut index = 0;
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => {
                out.push_str(&format!("{{p{index}}}"));
                index += 1;
                rest = &rest[open + close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    if out.is_empty() { "/".to_string() } else { out }
}

/// Splits routes into those axum's router can serve and those it cannot (a parameter sharing a
/// segment with text, a segment starting with `:` or `*`, a conflict its matcher refuses); the
/// latter are matched by template in a middleware instead of making the router panic at start.
pub fn routable(routes: &[&str]) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut matcher = matchit::Router::new();
    let (mut served, mut by_template) = (BTreeSet::new(), BTreeSet::new());
    for route in routes {
        let whole_segments = route.starts_with('/')
            && route.split('/').all(|segment| {
                let plain = !segment.contains(['{', '}']) && !segment.starts_with([':', '*']);
                let param = segment.starts_with("{p") && segment.ends_with('}') && segment[1..segment.len() - 1].chars().skip(1).all(|c| c.is_ascii_digit());
                plain || param
            });
        if whole_segments && matcher.insert(*route, ()).is_ok() {
            served.insert(route.to_string());
        } else {
            by_template.insert(route.to_string());
        }
    }
    (served, by_template)
}

fn lib(api: &Api, source: &str) -> TokenStream {
    let trait_ident = format_ident!("{}", trait_name(source));
    let base_path = &api.base_path;
    // Group operations by route; each route gets one method router.
    let mut routes: BTreeMap<String, Vec<&Operation>> = BTreeMap::new();
    for op in &api.operations {
        routes.entry(route_of(&op.path)).or_default().push(op);
    }
    let route_names: Vec<&str> = routes.keys().map(String::as_str).collect();
    let (served, _) = routable(&route_names);
    // The router is a table, one entry per operation (under its tag's feature), that the
    // runtime mounts path by path: the methods a 405 lists are the ones compiled in.
    let entries = routes.iter().filter(|(route, _)| served.contains(*route)).flat_map(|(route, ops)| {
        ops.iter().map(move |op| {
            let cfg = operation_cfg(op);
            let method = format_ident!("{}", op.http_method.as_str().to_ascii_lowercase().to_upper_camel_case());
            let handler = ident(&op.method_name);
            quote! { #cfg (#route, Method::#method, handlers::#handler::<S>), }
        })
    });
    let route_calls = (!served.is_empty()).then(|| {
        quote! {
            let table: &[runtime::RouteEntry<S>] = &[#(#entries)*];
            router = runtime::mount(router, &service, base, table);
        }
    });
    // A spec whose every path is served by template has no route for the router itself.
    let method_import = (!served.is_empty()).then(|| {
        let cfg = cfg_union(api, routes.iter().filter(|(route, _)| served.contains(*route)).flat_map(|(_, ops)| ops.iter().map(|op| &op.feature)));
        quote! { #cfg use rocketgen_runtime::meta::Method; }
    });
    let templated: Vec<&Operation> = routes.iter().filter(|(route, _)| !served.contains(*route)).flat_map(|(_, ops)| ops.iter().copied()).collect();
    let (templated_layer, templated_fn) = if templated.is_empty() {
        (quote! {}, quote! {})
    } else {
        let cfg = cfg_union(api, templated.iter().map(|op| &op.feature));
        let arms = templated.iter().map(|op| {
            let template = rocketgen_runtime::meta::encode_path_literal(&op.path);
            let method = op.http_method.as_str();
            let handler = ident(&op.method_name);
            let cfg = operation_cfg(op);
            quote! {
                #cfg
                if let Some(values) = runtime::match_template(#template, rest) {
                    if request.method().as_str() == #method {
                        request.extensions_mut().insert(runtime::TemplateParams(values));
                        return handlers::#handler::<S>(service, request).await;
                    }
                    allowed.push(#method);
                }
            }
        });
        (
            quote! {
                #cfg
                {
                    let templated = (service.clone(), Arc::<str>::from(base));
                    router = router.layer(axum::middleware::from_fn_with_state(templated, by_template::<S>));
                }
            },
            quote! {
                #cfg
                use axum::extract::{Request, State};
                #cfg
                use axum::middleware::Next;
                #cfg
                use axum::response::Response;

                /// Operations whose paths axum's router cannot express, matched by their templates
                /// before routing; anything else goes on to the router.
                #cfg
                async fn by_template<S: #trait_ident + Send + Sync + 'static>(
                    State((service, base)): State<(Arc<S>, Arc<str>)>,
                    mut request: Request,
                    next: Next,
                ) -> Response {
                    let path = request.uri().path().to_string();
                    let Some(rest) = path.strip_prefix(&*base) else { return next.run(request).await };
                    let mut allowed: Vec<&'static str> = Vec::new();
                    #(#arms)*
                    let response = next.run(request).await;
                    if !allowed.is_empty() && response.status() == axum::http::StatusCode::NOT_FOUND {
                        return runtime::method_not_allowed(&allowed.join(", "));
                    }
                    response
                }
            },
        )
    };
    let root_attributes = super::rust::crate_root_attributes();
    let runtime_check = super::rust::runtime_check();
    let handlers_cfg = super::rust::any_operation_cfg(api);
    // A router needs operations: built with no tag's feature, the crate says so.
    let tags: Vec<&String> = api.features.iter().filter(|f| api.operations.iter().any(|op| op.feature == **f)).collect();
    let no_operations = if tags.is_empty() {
        TokenStream::new()
    } else {
        let message = format!(
            "{source}-server serves operations: enable the feature of at least one tag ({})",
            tags.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")
        );
        quote! {
            #[cfg(not(any(#(feature = #tags),*)))]
            compile_error!(#message);
        }
    };
    // A spec without operations has no route to put the base path in.
    let (service_param, base_param, base_line) = if api.operations.is_empty() {
        (format_ident!("_service"), format_ident!("_base_path"), TokenStream::new())
    } else {
        let line = quote! {
            // The metadata is read now, once, rather than by the first request.
            api::meta::operations();
            // One flat router with the base path in each route: no nesting layer per request.
            let base = base_path.trim_end_matches('/');
        };
        (format_ident!("service"), format_ident!("base_path"), line)
    };
    quote! {
        #root_attributes

        #runtime_check

        #no_operations

        #handlers_cfg
        mod handlers;

        use std::sync::Arc;

        use rocketgen_runtime::server as runtime;

        use api::#trait_ident;
        #method_import

        pub use api;
        pub use rocketgen_runtime::cors::{CorsLayer, Origins};
        pub use rocketgen_runtime::server::{Limits, with_limits};

        /// The base path of the spec's first server URL, where [`router`] mounts the operations.
        pub const BASE_PATH: &str = #base_path;

        /// Serves every operation of `service` under [`BASE_PATH`].
        pub fn router<S: #trait_ident + Send + Sync + 'static>(service: S) -> axum::Router {
            router_at(Arc::new(service), BASE_PATH)
        }

        /// Serves every operation of `service` under `base_path` (`""` or `"/"` for the root).
        pub fn router_at<S: #trait_ident + Send + Sync + 'static>(#service_param: Arc<S>, #base_param: &str) -> axum::Router {
            #base_line
            let mut router = axum::Router::new();
            #route_calls
            router = router.fallback(runtime::not_found);
            #templated_layer
            router
        }

        #templated_fn

        /// CORS for browsers on other origins: the spec's methods, `Authorization`, its header
        /// parameters and apiKey headers may be sent, its declared response headers read. Use it
        /// as `router(service).layer(cors(&Origins::Any)?)`; an error names an invalid origin.
        pub fn cors(origins: &Origins) -> Result<CorsLayer, String> {
            rocketgen_runtime::cors::layer(api::meta::operations(), api::meta::security_schemes(), origins)
        }

        /// Serves `service` on `listener` (peer addresses in the request context) until ctrl-c or
        /// SIGTERM, letting the requests in flight finish.
        pub async fn serve<S: #trait_ident + Send + Sync + 'static>(listener: tokio::net::TcpListener, service: S) -> std::io::Result<()> {
            let app = router(service).into_make_service_with_connect_info::<std::net::SocketAddr>();
            axum::serve(runtime::no_delay(listener), app).with_graceful_shutdown(runtime::shutdown_signal()).await
        }
    }
}

fn handlers(api: &Api, source: &str) -> Vec<Part> {
    if api.operations.is_empty() {
        return vec![Part::Tokens(quote! {
            //! One handler per operation; the spec declares none.
        })];
    }
    let trait_name = trait_name(source);
    let trait_ident = format_ident!("{trait_name}");
    let secured: Vec<&Operation> = api.operations.iter().filter(|op| !op.security.is_empty()).collect();
    // One conversion for every operation with security (a closure per handler would
    // compile its iterator once each), and the rule that uses it.
    let credentials = if secured.is_empty() {
        TokenStream::new()
    } else {
        let cfg = cfg_union(api, secured.iter().map(|op| &op.feature));
        quote! {
            /// The credentials the server found (scheme, secret), as the API crate's type.
            #cfg
            fn found_credentials(found: Vec<(&'static str, String)>) -> Vec<api::Credential> {
                found.into_iter().filter_map(|(scheme, secret)| api::Credential::new(scheme, secret)).collect()
            }
        }
    };
    let header = quote! {
        //! One handler per operation: read the request, call the service, write its response.

        use std::sync::Arc;

        use api::#trait_ident;
        use axum::extract::Request;
        use rocketgen_runtime::server as runtime;

        #credentials
    };
    let handlers: TokenStream = api.operations.iter().map(handler).collect();
    vec![Part::Tokens(header), handler_macro(api, &trait_name, !secured.is_empty()), Part::Tokens(handlers)]
}

/// The `handler!` rules: each handler is the same code but for names.
fn handler_macro(api: &Api, trait_name: &str, secured: bool) -> Part {
    let rule = |matcher: &str, request: &str, credentials: &str, body: &str| {
        let item = format!(
            "pub fn $name<S: {trait_name} + Send + Sync + 'static>(service: Arc<S>, request: Request) -> runtime::Served {{
    runtime::handle(
        &api::meta::$meta,
        service,
        request,
        |service: Arc<S>, {request}: api::$request, {credentials}| async move {{
{body}            runtime::raw_answer(service.$name(request).await)
        }},
    )
}}"
        );
        (matcher.to_string(), item)
    };
    let mut rules = vec![rule("$name:ident, $meta:ident, $request:ident", "request", "_", "")];
    if secured {
        rules.push(rule(
            "$name:ident, $meta:ident, $request:ident, secured",
            "mut request",
            "credentials",
            "            request.credentials = found_credentials(credentials);\n",
        ));
    }
    let doc = "`handler!(method, METADATA, Request)`: the handler of an operation, which reads its\n\
               request, calls the service's method and writes the answer; with `secured`, the credentials\n\
               found go into the request.";
    macro_rules_text(doc, &any_operation_cfg(api), "handler", &rules)
}

fn handler(op: &Operation) -> TokenStream {
    let name = ident(&op.method_name);
    let meta = operation_static(op);
    let request_type = ident(&op.request_type);
    let secured = if op.security.is_empty() {
        TokenStream::new()
    } else {
        quote! { , secured }
    };
    let cfg = operation_cfg(op);
    quote! {
        #cfg
        handler!(#name, #meta, #request_type #secured);
    }
}

#[cfg(test)]
mod tests {
    use super::route_of;

    #[test]
    fn routes_name_parameters_by_position() {
        assert_eq!(route_of("/items/{id}"), "/items/{p0}");
        assert_eq!(route_of("/itv/voucher/{planId}/{voucherId}"), "/itv/voucher/{p0}/{p1}");
        assert_eq!(route_of("/account"), "/account");
        assert_eq!(route_of(""), "/");
    }
}
