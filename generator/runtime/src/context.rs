//! What an implementation can read of the HTTP request beside its typed request: headers the
//! spec does not declare, what middleware put in the request's extensions (an authenticated
//! principal, a request id), the peer address. The generated handlers set it for the time the
//! implementation's method runs, so the one service trait stays as it is.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, Method, Uri};

tokio::task_local! {
    static CURRENT: Arc<RequestContext>;
}

/// The HTTP request an operation is being served for, as it arrived (its body aside).
#[derive(Debug)]
pub struct RequestContext {
    parts: Parts,
}

impl RequestContext {
    /// The context of the request the current task is serving: `Some` inside a service method
    /// called by the generated router (on the method's own task; a task it spawns does not
    /// inherit it), `None` elsewhere.
    pub fn current() -> Option<Arc<RequestContext>> {
        CURRENT.try_with(Arc::clone).ok()
    }

    pub fn method(&self) -> &Method {
        &self.parts.method
    }

    pub fn uri(&self) -> &Uri {
        &self.parts.uri
    }

    /// Every header, declared in the spec or not.
    pub fn headers(&self) -> &HeaderMap {
        &self.parts.headers
    }

    /// What middleware inserted (`request.extensions_mut().insert(…)`), read with `get::<T>()`.
    pub fn extensions(&self) -> &Extensions {
        &self.parts.extensions
    }

    /// The peer's address, when the server was started with connect info (the generated
    /// `serve` and the mock server are; with your own `axum::serve`, use
    /// `into_make_service_with_connect_info::<SocketAddr>()`).
    pub fn peer_addr(&self) -> Option<SocketAddr> {
        self.parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0)
    }

    /// Runs `work` with this context current.
    pub(crate) async fn scope<F: Future>(parts: Parts, work: F) -> F::Output {
        CURRENT.scope(Arc::new(RequestContext { parts }), work).await
    }

    /// A context for tests of an implementation: `work` runs as if serving `request`.
    pub async fn with<F: Future>(request: axum::http::Request<()>, work: F) -> F::Output {
        Self::scope(request.into_parts().0, work).await
    }
}
