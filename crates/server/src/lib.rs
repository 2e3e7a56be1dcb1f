//! # carematch-server
//!
//! The thin HTTP service in front of [`carematch_core`] that scheduling front-ends
//! call, started by `carematch serve`:
//!
//! | route | what |
//! |---|---|
//! | `POST /v1/plans` | solve a problem; the plan's session is `Location: /v1/plans/{id}` |
//! | `GET /v1/plans/{id}` | a session's current plan |
//! | `POST /v1/check` | check a plan against a problem (violations listed) |
//! | `POST /v1/dispatch` | insert one urgent need into a session's plan, or a given plan |
//! | `GET /healthz`, `/metrics`, `/openapi.json` | liveness, Prometheus text, OpenAPI 3 |
//!
//! Handlers are thin ([`api`]): extract, validate with the engine's parser, run the
//! work on a rayon pool ([`Engine`], never on the async runtime, a panic there becomes
//! a 500 for that request only), map the result. Refusals come from one table
//! ([`error::ApiError::code`]): 400 malformed JSON, 413 body too large, 422 invalid
//! input with its field path, 401 without a valid API key (when one is set), 404, 503
//! when saturated (with `Retry-After`); never 504: a solve's time limit is clamped to
//! the server's maximum and the best plan found is returned.
//!
//! Logs (`tracing`) carry the request id, route, status, sizes and timings only —
//! never a body, an id of an elder, a coordinate or an error message that could echo
//! input.
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use tower::ServiceExt;
//! use axum::{body::Body, http::Request};
//! let app = carematch_server::app(carematch_server::Config::default());
//! let res = app.oneshot(Request::get("/healthz").body(Body::empty()).unwrap()).await.unwrap();
//! assert_eq!(res.status(), 200);
//! # });
//! ```
#![deny(missing_docs)]

pub mod api;
pub mod error;
pub mod metrics;
pub mod sessions;

use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tokio::sync::Semaphore;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use utoipa::OpenApi;

use crate::error::ApiError;
use crate::metrics::{Metrics, RequestLabels, RouteLabel};
use crate::sessions::Sessions;

/// The version of the engine this service wraps.
///
/// ```
/// assert!(!carematch_server::ENGINE.is_empty());
/// ```
pub const ENGINE: &str = env!("CARGO_PKG_VERSION");

/// The service's limits and settings (`carematch serve --help` lists the flags).
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen.
    pub addr: SocketAddr,
    /// Largest request body, bytes.
    pub max_body_bytes: usize,
    /// Most needs in one problem (and in one session).
    pub max_needs: usize,
    /// Largest `options.time_limit_ms` a request may ask for (larger ones are clamped;
    /// the default time limit is `min(2000, this)`).
    pub max_time_limit_ms: u64,
    /// Threads per solve (`options.threads` is clamped to it).
    pub solve_threads: usize,
    /// Solves running at once.
    pub solve_slots: usize,
    /// Checks and dispatches running at once.
    pub quick_slots: usize,
    /// Requests waiting for a slot, per lane, beyond which requests are shed (503).
    pub queue: usize,
    /// Longest wait for a slot before a 503.
    pub queue_wait: Duration,
    /// Plan sessions kept (the oldest goes first), and their needs in all.
    pub sessions: usize,
    /// Needs over all sessions.
    pub session_needs: usize,
    /// When set, `/v1/*` and `/metrics` need `Authorization: Bearer KEY` or
    /// `X-Api-Key: KEY`.
    pub api_key: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            max_body_bytes: 64 << 20,
            max_needs: 50_000,
            max_time_limit_ms: 30_000,
            solve_threads: cores,
            solve_slots: 1,
            quick_slots: cores,
            queue: 8,
            queue_wait: Duration::from_secs(30),
            sessions: 16,
            session_needs: 200_000,
            api_key: None,
        }
    }
}

impl Config {
    /// The longest a request may take: queue wait, time limit, and a margin for
    /// parsing and writing; a request over it gets 408 (a client too slow to send).
    pub fn request_timeout(&self) -> Duration {
        self.queue_wait + Duration::from_millis(self.max_time_limit_ms) + Duration::from_secs(60)
    }
}

/// Runs CPU work off the async runtime: a rayon pool with a fixed number of slots and
/// a bounded queue. Work beyond slots + queue is refused at once (load shedding);
/// a panic inside the work becomes [`ApiError::Internal`] for that request only.
pub struct Engine {
    pool: rayon::ThreadPool,
    slots: Arc<Semaphore>,
    capacity: usize,
    wait: Duration,
    in_flight: Arc<AtomicUsize>,
}

/// Decrements the in-flight count (and gauge) when a job ends or is abandoned.
struct InFlight {
    count: Arc<AtomicUsize>,
    gauge: prometheus_client::metrics::gauge::Gauge,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::SeqCst);
        self.gauge.dec();
    }
}

impl Engine {
    /// An engine with `slots` jobs at once and `queue` waiting.
    pub fn new(slots: usize, queue: usize, wait: Duration) -> Self {
        let slots = slots.max(1);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(slots)
            .thread_name(|i| format!("carematch-engine-{i}"))
            .build()
            .unwrap_or_else(|e| panic!("cannot start the engine threads: {e}"));
        Self {
            pool,
            slots: Arc::new(Semaphore::new(slots)),
            capacity: slots + queue,
            wait,
            in_flight: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Jobs running or waiting.
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// Runs `work` on the engine's pool and awaits its result.
    pub async fn run<T, F>(&self, metrics: &Metrics, what: &str, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        if self.in_flight.fetch_add(1, Ordering::SeqCst) >= self.capacity {
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
            metrics.shed.inc();
            return Err(ApiError::Saturated);
        }
        metrics.in_flight.inc();
        let guard = InFlight {
            count: self.in_flight.clone(),
            gauge: metrics.in_flight.clone(),
        };
        let permit = match tokio::time::timeout(self.wait, self.slots.clone().acquire_owned()).await
        {
            Ok(Ok(p)) => p,
            _ => {
                metrics.shed.inc();
                return Err(ApiError::Saturated);
            }
        };
        let (tx, rx) = tokio::sync::oneshot::channel();
        // The slot and the in-flight count stay taken until the work ends, even when
        // the client has gone.
        self.pool.spawn(move || {
            let started = Instant::now();
            let result = std::panic::catch_unwind(AssertUnwindSafe(work));
            let took = started.elapsed();
            // Free the slot before answering, so that the next request finds it.
            drop(permit);
            drop(guard);
            let _ = tx.send((result, took));
        });
        match rx.await {
            Ok((Ok(v), took)) => {
                metrics
                    .work
                    .get_or_create(&RouteLabel { route: what.into() })
                    .observe(took.as_secs_f64());
                Ok(v)
            }
            _ => {
                metrics.panics.inc();
                tracing::error!(job = what, "engine job panicked");
                Err(ApiError::Internal)
            }
        }
    }
}

/// Everything the handlers share.
pub struct AppState {
    /// The settings.
    pub config: Config,
    /// Solves.
    pub engine: Engine,
    /// Checks and dispatches (milliseconds each), apart from the solves so that a
    /// dispatch never waits behind a solve.
    pub quick: Engine,
    /// Plan sessions.
    pub sessions: Sessions,
    /// Metrics.
    pub metrics: Metrics,
}

/// The OpenAPI document of the service.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "carematch",
        description = "Match elders' care needs to carers and volunteers, and plan the day. The wire format is `shared/spec/wire-format.md`."
    ),
    paths(
        api::plans,
        api::plan,
        api::check,
        api::dispatch,
        api::healthz,
        api::metrics,
        api::openapi
    )
)]
struct ApiDoc;

/// The OpenAPI 3 document, as JSON.
///
/// ```
/// let doc: serde_json::Value = serde_json::from_str(&carematch_server::openapi_json()).unwrap();
/// assert!(doc["paths"]["/v1/plans"]["post"].is_object());
/// ```
pub fn openapi_json() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|_| "{}".into())
}

/// The router with every route and layer, for `axum::serve` or `oneshot` tests.
pub fn app(config: Config) -> Router {
    let state = Arc::new(AppState {
        engine: Engine::new(config.solve_slots, config.queue, config.queue_wait),
        quick: Engine::new(config.quick_slots, config.queue * 8, config.queue_wait),
        sessions: Sessions::new(config.sessions, config.session_needs),
        metrics: Metrics::default(),
        config,
    });
    router(state)
}

fn router(state: Arc<AppState>) -> Router {
    let limit = state.config.max_body_bytes;
    let timeout = state.config.request_timeout();
    let v1 = Router::new()
        .route("/v1/plans", post(api::plans))
        .route("/v1/plans/{id}", get(api::plan))
        .route("/v1/check", post(api::check))
        .route("/v1/dispatch", post(api::dispatch))
        .route("/metrics", get(api::metrics))
        .route_layer(middleware::from_fn_with_state(state.clone(), authorize));
    Router::new()
        .merge(v1)
        .route("/healthz", get(api::healthz))
        .route("/openapi.json", get(api::openapi))
        .fallback(|| async { ApiError::NotFound("no such route") })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::Extension(api::BodyLimit(limit)))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::Internal.into_response()
        }))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// The API key check (constant time), when a key is configured.
async fn authorize(
    State(s): State<Arc<AppState>>,
    headers: HeaderMap,
    req: Request,
    next: Next,
) -> Response {
    if let Some(key) = &s.config.api_key {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .or_else(|| headers.get("x-api-key").and_then(|v| v.to_str().ok()))
            .unwrap_or("");
        let ok: bool = subtle::ConstantTimeEq::ct_eq(given.as_bytes(), key.as_bytes()).into();
        if !ok {
            return ApiError::Unauthorized.into_response();
        }
    }
    next.run(req).await
}

/// Access log and request metrics: request id, route template, status, body size and
/// latency. Nothing from the body or the path's ids.
async fn observe(State(s): State<Arc<AppState>>, req: Request, next: Next) -> Response {
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

/// Serves `config` until SIGTERM or SIGINT, then stops accepting and finishes the
/// requests in flight (solves included). Prints `listening on ADDR` to the log.
pub async fn serve(config: Config) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "listening");
    eprintln!("listening on {addr}");
    axum::serve(listener, app(config))
        .with_graceful_shutdown(shutdown())
        .await?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
