//! The service's own layers: the API key check and the access log with request
//! metrics. Neither reads a body or logs an id from a path.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::metrics::{RequestLabels, RouteLabel};
use crate::AppState;

/// The caller of a request: its API key (compared in constant time over the keys'
/// hashes, [`crate::keys`]) and its rate (429 when over); the caller goes into the
/// request for the handlers, and its id into the metrics.
pub(crate) async fn authorize(
    State(s): State<Arc<AppState>>,
    headers: HeaderMap,
    mut req: Request,
    next: Next,
) -> Response {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .or_else(|| headers.get("x-api-key").and_then(|v| v.to_str().ok()));
    let caller = match s.keys.caller(given) {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = s.keys.admit(&caller) {
        s.metrics.keyed(&caller.id, 429);
        return e.into_response();
    }
    let id = caller.id.clone();
    req.extensions_mut().insert(caller);
    let res = next.run(req).await;
    s.metrics.keyed(&id, res.status().as_u16());
    res
}

/// Access log and request metrics: request id, route template, status, body size and
/// latency. Nothing from the body or the path's ids.
pub(crate) async fn observe(State(s): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched".to_owned(), |p| p.as_str().to_owned());
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    let bytes = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    let method = req.method().clone();
    let res = next.run(req).await;
    let took = started.elapsed();
    let status = res.status().as_u16();
    s.metrics
        .requests
        .get_or_create(&RequestLabels {
            route: route.clone(),
            status,
        })
        .inc();
    s.metrics
        .latency
        .get_or_create(&RouteLabel {
            route: route.clone(),
        })
        .observe(took.as_secs_f64());
    tracing::info!(
        request_id = %id,
        %method,
        route = %route,
        status,
        request_bytes = bytes,
        ms = took.as_secs_f64() * 1e3,
        "request"
    );
    res
}
