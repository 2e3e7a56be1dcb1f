//! The handlers: extract → validate → run the engine and the store off the runtime →
//! map the result. One file per resource: `plans.rs` (sessions), `jobs.rs` (solve
//! jobs), `dispatch.rs` (urgent needs and bookings), `events.rs` (the day as it happens),
//! `check.rs`, `accounts.rs` (time-bank balances); here what they share:
//! the body, the caller, idempotency keys, versions in `ETag`/`If-Match`, and the
//! small routes (health, metrics, OpenAPI, the start page).
//!
//! Each handler reads its body as bytes (the size limit is a layer), parses it with the
//! engine's parser (so errors carry field paths), applies the server's limits, and
//! hands the CPU and store work to a [`crate::JobPool`], never the async runtime.

mod accounts;
mod check;
mod dispatch;
mod events;
mod jobs;
mod plans;

pub use accounts::*;
pub use check::*;
pub use dispatch::*;
pub use events::*;
pub use jobs::*;
pub use plans::*;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use carematch_core::error::from_json;
use carematch_core::{Error, ErrorKind, FieldPath, Problem, ProblemInput};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::keys::Caller;
use crate::store::{Idem, Kept};
use crate::AppState;

/// The request body as bytes; a body over the limit is a 413, any other failure to
/// read it a 400.
pub struct Body(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let limit = req
            .extensions()
            .get::<BodyLimit>()
            .map_or(usize::MAX, |l| l.0);
        match Bytes::from_request(req, state).await {
            Ok(b) => Ok(Body(b)),
            Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::TooLarge { limit })
            }
            Err(_) => Err(ApiError::Input(Error::new(
                ErrorKind::MalformedJson,
                FieldPath::root(),
                "the body could not be read",
            ))),
        }
    }
}

/// The body limit in force, for the 413 message (set by the router).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// Health of the service.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// Always `ok` while the service answers.
    pub status: &'static str,
    /// The engine's version.
    pub engine: &'static str,
    /// Engine jobs running or waiting for a slot.
    pub in_flight: usize,
    /// Plan sessions held in memory (all are stored).
    pub sessions: usize,
    /// The store: `sqlite`, `postgres` or `memory`.
    pub store: &'static str,
    /// Solve jobs running in this replica.
    pub jobs_running: usize,
}

/// `GET /healthz`: answers while the service runs, even when every solve slot is busy.
#[utoipa::path(get, path = "/healthz", responses((status = 200, body = Health)))]
pub async fn healthz(State(s): State<Arc<AppState>>) -> Json<Health> {
    Json(Health {
        status: "ok",
        engine: crate::ENGINE,
        in_flight: s.engine.in_flight(),
        sessions: s.sessions.cached(),
        store: s.sessions.store().kind(),
        jobs_running: s.running.len(),
    })
}

/// `GET /metrics`: Prometheus text format.
#[utoipa::path(get, path = "/metrics", responses((status = 200, description = "Prometheus text exposition", content_type = "text/plain")))]
pub async fn metrics(State(s): State<Arc<AppState>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        s.metrics.render(),
    )
        .into_response()
}

/// `GET /openapi.json`.
#[utoipa::path(get, path = "/openapi.json", responses((status = 200, description = "this document", content_type = "application/json")))]
pub async fn openapi() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        crate::openapi_json(),
    )
        .into_response()
}

/// `GET /`: a small page to send a problem file and see its plan.
#[utoipa::path(get, path = "/", responses((status = 200, description = "the start page", content_type = "text/html")))]
pub async fn index() -> Response {
    html(include_str!("../index.html").to_owned())
}

/// Parses and validates a problem, with the server's limits applied: the needs bound,
/// and `time_limit_ms` and `threads` clamped to the server's maxima. The input is
/// returned as clamped (what a session stores).
pub(crate) fn problem(
    s: &AppState,
    mut input: ProblemInput,
    key: Option<&str>,
) -> Result<(ProblemInput, Problem), ApiError> {
    let path = |e: Error| match key {
        Some(k) => e.within(k),
        None => e,
    };
    if input.needs.len() > s.config.max_needs {
        return Err(path(Error::invalid(
            &FieldPath::root().key("needs"),
            format!(
                "{} needs; this service takes at most {}",
                input.needs.len(),
                s.config.max_needs
            ),
        ))
        .into());
    }
    let o = input.options.get_or_insert_with(Default::default);
    let max_ms = s.config.max_time_limit_ms as i64;
    o.time_limit_ms = Some(o.time_limit_ms.map_or(max_ms.min(2_000), |t| t.min(max_ms)));
    let max_threads = s.config.solve_threads as i64;
    o.threads = Some(o.threads.map_or(max_threads, |t| {
        if t <= 0 {
            max_threads
        } else {
            t.min(max_threads)
        }
    }));
    s.metrics.problem_needs.observe(input.needs.len() as f64);
    let problem = Problem::from_input(input.clone()).map_err(path)?;
    Ok((input, problem))
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8], kind: ErrorKind) -> Result<T, ApiError> {
    from_json(body, kind).map_err(ApiError::Input)
}

/// An HTML response.
fn html(page: String) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        page,
    )
        .into_response()
}

fn invalid(key: &str, msg: &str) -> ApiError {
    ApiError::Input(Error::invalid(&FieldPath::root().key(key), msg))
}

/// The request's `Idempotency-Key`, with the hash of what it came with; `None`
/// without one. A key over 200 bytes is refused.
fn idempotency(
    caller: &Caller,
    headers: &HeaderMap,
    what: &str,
    body: &[u8],
) -> Result<Option<Idem>, ApiError> {
    let Some(key) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = key
        .to_str()
        .ok()
        .filter(|k| !k.is_empty() && k.len() <= 200)
        .ok_or_else(|| invalid("Idempotency-Key", "give 1 to 200 visible characters"))?;
    let mut h = Sha256::new();
    h.update(what.as_bytes());
    h.update([0]);
    h.update(body);
    Ok(Some(Idem {
        owner: caller.id.clone(),
        key: key.to_owned(),
        hash: h.finalize().to_vec(),
    }))
}

/// The answer kept under `idem`, when the key was used: replayed for the same request,
/// 422 for another.
async fn replay(s: &Arc<AppState>, idem: &Option<Idem>) -> Result<Option<Response>, ApiError> {
    let Some(idem) = idem.clone() else {
        return Ok(None);
    };
    let st = s.clone();
    s.quick
        .run(&s.metrics, "idempotency", move || {
            let Some(kept) = st.sessions.store().kept(&idem.owner, &idem.key)? else {
                return Ok(None);
            };
            if kept.hash != idem.hash {
                return Err(ApiError::KeyReused);
            }
            kept_response(&st, &idem.owner, kept).map(Some)
        })
        .await?
}

/// A kept answer as a response; without a kept body, the plan as created of the
/// session its `Location` names.
fn kept_response(s: &AppState, owner: &str, kept: Kept) -> Result<Response, ApiError> {
    let body = match kept.body {
        Some(b) => b,
        None => {
            let id = kept
                .location
                .as_deref()
                .and_then(|l| l.strip_prefix("/v1/plans/"))
                .unwrap_or("");
            s.sessions
                .store()
                .load(Some(owner), id)?
                .ok_or(ApiError::NotFound("the session this key made is gone"))?
                .plan
        }
    };
    let status = StatusCode::from_u16(kept.status).unwrap_or(StatusCode::OK);
    let mut res = (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    let h = res.headers_mut();
    for (name, v) in [(header::LOCATION, kept.location), (header::ETAG, kept.etag)] {
        if let Some(v) = v.and_then(|v| HeaderValue::from_str(&v).ok()) {
            h.insert(name, v);
        }
    }
    h.insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(res)
}

/// The version an `If-Match` header names (`"7"` or `W/"7"`); `None` without one or
/// for `*`.
fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(v) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let v = v.to_str().unwrap_or("").trim();
    if v == "*" {
        return Ok(None);
    }
    v.trim_start_matches("W/")
        .trim_matches('"')
        .parse()
        .map(Some)
        .map_err(|_| invalid("If-Match", "give the ETag of a GET of the session"))
}

/// JSON bytes as a response, with `ETag` and `Location` when given.
/// The 200 answer to a change of a session: its JSON, the new version as `ETag`.
fn changed(body: Vec<u8>, version: i64) -> Response {
    json_response(
        StatusCode::OK,
        body,
        Some(crate::sessions::etag(version)),
        None,
    )
}

fn json_response(
    status: StatusCode,
    body: Vec<u8>,
    etag: Option<String>,
    location: Option<String>,
) -> Response {
    let mut res = (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    let h = res.headers_mut();
    for (name, v) in [(header::ETAG, etag), (header::LOCATION, location)] {
        if let Some(v) = v.and_then(|v| HeaderValue::from_str(&v).ok()) {
            h.insert(name, v);
        }
    }
    res
}
