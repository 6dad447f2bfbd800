//! CORS for the generated server and the mock server, from the operations' metadata: a browser
//! may send the methods the spec serves, `Authorization`, the spec's header parameters and
//! apiKey headers, and may read the spec's declared response headers.

use std::collections::BTreeSet;
use std::time::Duration;

use axum::http::{HeaderName, HeaderValue, Method as HttpMethod};
use tower_http::cors::AllowOrigin;
pub use tower_http::cors::CorsLayer;

use crate::meta::{Location, OperationMeta, SchemeKind, SchemeMeta};

/// Which origins may call the server from a browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origins {
    /// Any origin (`Access-Control-Allow-Origin: *`); browsers then send no cookies.
    Any,
    /// Only these origins (`http://localhost:5173`, …), which may send cookies too.
    List(Vec<String>),
}

/// Headers every API may be sent by a browser beside the spec's own.
const COMMON_REQUEST_HEADERS: &[&str] = &["accept", "accept-language", "authorization", "content-type", "prefer"];

/// How long a browser may keep a preflight's answer.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(600);

/// The CORS layer for these operations and security schemes; an error names an origin or a
/// header name that HTTP cannot carry.
pub fn layer(operations: &[&OperationMeta<'_>], schemes: &[&SchemeMeta<'_>], origins: &Origins) -> Result<CorsLayer, String> {
    let mut methods: BTreeSet<&str> = operations.iter().map(|op| op.http_method.as_str()).collect();
    methods.insert("OPTIONS");
    let methods = methods.into_iter().map(|m| HttpMethod::from_bytes(m.as_bytes()).map_err(|e| format!("method {m}: {e}"))).collect::<Result<Vec<_>, _>>()?;

    let params = operations.iter().flat_map(|op| op.params).filter(|p| p.location == Location::Header).map(|p| p.name);
    let keys = schemes.iter().filter_map(|s| match s.kind {
        SchemeKind::ApiKey { location: Location::Header, param } => Some(param),
        _ => None,
    });
    let allowed = header_names(COMMON_REQUEST_HEADERS.iter().copied().chain(params).chain(keys))?;
    let exposed = header_names(operations.iter().flat_map(|op| op.responses).flat_map(|r| r.headers).map(|h| h.name))?;

    let layer = CorsLayer::new().allow_methods(methods).allow_headers(allowed).expose_headers(exposed).max_age(PREFLIGHT_MAX_AGE);
    Ok(match origins {
        Origins::Any => layer.allow_origin(AllowOrigin::any()),
        Origins::List(list) => {
            let values = list
                .iter()
                .map(|origin| HeaderValue::from_str(origin.trim_end_matches('/')).map_err(|_| format!("origin {origin:?} is not a valid header value")))
                .collect::<Result<Vec<_>, _>>()?;
            layer.allow_origin(AllowOrigin::list(values)).allow_credentials(true)
        }
    })
}

/// Lowercase, deduplicated and sorted, so the layer is the same whatever the spec's order.
fn header_names<'a>(names: impl Iterator<Item = &'a str>) -> Result<Vec<HeaderName>, String> {
    let names: BTreeSet<String> = names.map(str::to_ascii_lowercase).collect();
    names.into_iter().map(|name| HeaderName::from_bytes(name.as_bytes()).map_err(|_| format!("header {name:?} is not a valid HTTP header name"))).collect()
}
