//! # carematch-server
//!
//! The thin HTTP service in front of [`carematch_core`] that scheduling front-ends
//! call, started by `carematch serve`:
//!
//! | route | what |
//! |---|---|
//! | `POST /v1/plans` | solve a problem; the plan's session is `Location: /v1/plans/{id}` |
//! | `GET`, `DELETE /v1/plans/{id}`, `GET /v1/plans` | a session's plan (`ETag`), forget it, the list |
//! | `GET /v1/plans/{id}/history`, `/problem` | its accepted changes, its problem |
//! | `POST /v1/jobs`, `GET`/`DELETE /v1/jobs/{id}` | solve in the background (202), poll, cancel |
//! | `POST /v1/check` | check a plan against a problem (violations listed) |
//! | `POST /v1/dispatch` | insert one urgent need into a session's plan, or a given plan |
//! | `GET /v1/plans/{id}/coverage` | the 15-minute rescue circle: who could reach whom, every 15 minutes |
//! | `POST /v1/plans/{id}/events` | what happened (visits done, missed, carers absent…): the plan changed as little as it must |
//! | `POST /v1/recommend` | the best places to book a new need |
//! | `GET /healthz`, `/metrics`, `/openapi.json` | liveness, Prometheus text, OpenAPI 3 |
//!
//! Sessions and jobs are stored ([`store`]: SQLite by default, PostgreSQL for several
//! replicas, memory for tests): a change answered 200 is on disk first; a restart
//! loses nothing answered; jobs that were running run again.
//!
//! Handlers are thin ([`api`]): extract, validate with the engine's parser, run the
//! work on a blocking thread ([`JobPool`], never on the async runtime, a panic there becomes
//! a 500 for that request only), map the result. Refusals come from one table
//! ([`error::ApiError::code`]): 400 malformed JSON, 413 body too large, 422 invalid
//! input with its field path (or a reused idempotency key), 401 without a valid API
//! key (when keys are set), 404, 412 on a stale `If-Match`, 429 over the key's rate,
//! 503 when saturated (with `Retry-After`); never 504: a solve's time limit is
//! clamped to the server's maximum and the best plan found is returned.
//!
//! Logs (`tracing`) carry the request id, route, status, sizes and timings only —
//! never a body, an id of an elder, a coordinate or an error message that could echo
//! input.
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use tower::ServiceExt;
//! use axum::{body::Body, http::Request};
//! let app = carematch_server::app(carematch_server::Config::default()).unwrap();
//! let res = app.oneshot(Request::get("/healthz").body(Body::empty()).unwrap()).await.unwrap();
//! assert_eq!(res.status(), 200);
//! # });
//! ```
#![deny(missing_docs)]

pub mod api;
pub mod error;
pub mod jobs;
pub mod keys;
mod layers;
pub mod metrics;
mod pool;
pub mod sessions;
pub mod store;

pub use pool::JobPool;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use std::path::PathBuf;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use utoipa::OpenApi;

use crate::error::ApiError;
use crate::metrics::Metrics;
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
    /// Plan sessions held in memory (the least recently used goes first; every
    /// session stays stored).
    pub sessions: usize,
    /// Where sessions and jobs are stored: `sqlite` (a file in `data`), `memory`, or
    /// a `postgres://` address.
    pub store: String,
    /// The folder of the SQLite store.
    pub data: PathBuf,
    /// Sessions unused for this long are deleted; `None`: kept until deleted.
    pub session_ttl: Option<Duration>,
    /// When set, `/v1/*` and `/metrics` need `Authorization: Bearer KEY` or
    /// `X-Api-Key: KEY` with this one key (id `default`).
    pub api_key: Option<String>,
    /// A key file ([`keys`]): several keys, each with its limits.
    pub keys_file: Option<PathBuf>,
    /// Each key's limits where the key file gives none (and the open service's).
    pub key_limits: keys::Limits,
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
            store: "memory".into(),
            data: PathBuf::from("carematch-data"),
            session_ttl: None,
            api_key: None,
            keys_file: None,
            key_limits: keys::Limits::default(),
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

/// Everything the handlers share.
pub struct AppState {
    /// The settings.
    pub config: Config,
    /// Solves.
    pub engine: JobPool,
    /// Checks and dispatches (milliseconds each), apart from the solves so that a
    /// dispatch never waits behind a solve.
    pub quick: JobPool,
    /// Plan sessions.
    pub sessions: Sessions,
    /// Metrics.
    pub metrics: Metrics,
    /// The API keys.
    pub keys: keys::Keys,
    /// The solve jobs running in this replica.
    pub running: jobs::Running,
    /// This replica's id, as the store knows its jobs' worker.
    pub worker: String,
}

/// The OpenAPI document of the service.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "carematch",
        description = "Match elders' care needs to carers and volunteers, and plan the day. The JSON of problems and plans is documented in the repository's `docs/wire-format.md`."
    ),
    paths(
        api::plans,
        api::plan,
        api::delete_plan,
        api::list_plans,
        api::history,
        api::session_problem,
        api::post_job,
        api::get_job,
        api::delete_job,
        api::geojson,
        api::view,
        api::index,
        api::check,
        api::dispatch,
        api::events,
        api::coverage,
        api::recommend,
        api::account,
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

/// The router with every route and layer, for `axum::serve` or `oneshot` tests: the
/// store opened (and its schema migrated), the keys read. Inside a tokio runtime, the
/// job runner and the expiry of sessions start beside it. An error says what could
/// not be opened or read.
pub fn app(config: Config) -> Result<Router, String> {
    // (On a thread of its own: a PostgreSQL client blocks, which a runtime's thread
    // must not.)
    let store = std::thread::scope(|s| {
        s.spawn(|| store::open(&config.store, &config.data))
            .join()
            .map_err(|_| "the store could not be opened".to_owned())?
            .map_err(|e| e.to_string())
    })?;
    let keys = match (&config.keys_file, &config.api_key) {
        (Some(f), _) => {
            let text = std::fs::read_to_string(f)
                .map_err(|e| format!("cannot read {}: {e}", f.display()))?;
            keys::Keys::parse(&text, config.key_limits)
                .map_err(|e| format!("{}: {e}", f.display()))?
        }
        (None, Some(k)) => keys::Keys::single(k, config.key_limits),
        (None, None) => keys::Keys::open(config.key_limits),
    };
    let state = Arc::new(AppState {
        engine: JobPool::new(config.solve_slots, config.queue, config.queue_wait),
        quick: JobPool::new(config.quick_slots, config.queue * 8, config.queue_wait),
        sessions: Sessions::new(store, config.sessions),
        metrics: Metrics::default(),
        keys,
        running: jobs::Running::default(),
        worker: uuid::Uuid::new_v4().simple().to_string(),
        config,
    });
    if tokio::runtime::Handle::try_current().is_ok() {
        tokio::spawn(jobs::runner(state.clone()));
        tokio::spawn(expire(state.clone()));
    }
    Ok(router(state))
}

/// Deletes the sessions unused for `session_ttl`, once a minute.
async fn expire(s: Arc<AppState>) {
    let Some(ttl) = s.config.session_ttl else {
        return;
    };
    let mut every = tokio::time::interval(Duration::from_secs(60));
    loop {
        every.tick().await;
        let store = s.sessions.store().clone();
        let before = store::now_ms() - ttl.as_millis() as i64;
        match tokio::task::spawn_blocking(move || store.expire(before)).await {
            Ok(Ok(n)) if n > 0 => tracing::info!(sessions = n, "expired"),
            Ok(Err(e)) => tracing::error!(error = %e, "expiry"),
            _ => {}
        }
    }
}

fn router(state: Arc<AppState>) -> Router {
    let limit = state.config.max_body_bytes;
    let timeout = state.config.request_timeout();
    let v1 = Router::new()
        .route("/v1/plans", post(api::plans).get(api::list_plans))
        .route("/v1/plans/{id}", get(api::plan).delete(api::delete_plan))
        .route("/v1/plans/{id}/history", get(api::history))
        .route("/v1/plans/{id}/events", post(api::events))
        .route("/v1/plans/{id}/coverage", get(api::coverage))
        .route("/v1/plans/{id}/problem", get(api::session_problem))
        .route("/v1/plans/{id}/view", get(api::view))
        .route("/v1/jobs", post(api::post_job))
        .route("/v1/jobs/{id}", get(api::get_job).delete(api::delete_job))
        .route("/v1/check", post(api::check))
        .route("/v1/dispatch", post(api::dispatch))
        .route("/v1/recommend", post(api::recommend))
        .route("/v1/accounts/{account}", get(api::account))
        .route("/metrics", get(api::metrics))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            layers::authorize,
        ));
    Router::new()
        .merge(v1)
        .route("/", get(api::index))
        .route("/healthz", get(api::healthz))
        .route("/openapi.json", get(api::openapi))
        .fallback(|| async { ApiError::NotFound("no such route") })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            layers::observe,
        ))
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

/// Serves `config` until SIGTERM or SIGINT, then stops accepting and finishes the
/// requests in flight (solves included). Prints `listening on ADDR` to the log.
pub async fn serve(config: Config) -> std::io::Result<()> {
    let app = app(config.clone()).map_err(std::io::Error::other)?;
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, store = %config.store, "listening");
    eprintln!("listening on {addr}");
    axum::serve(listener, app)
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
