//! Plan sessions: `POST /v1/plans` solves and stores a session; `GET`, `DELETE`,
//! the list, the history, the problem, the page and the GeoJSON of one.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use axum::Json;
use carematch_core::{ErrorKind, Plan, ProblemInput};
use serde::Serialize;

use super::{
    html, idempotency, if_match, json_response, kept_response, parse, problem, replay, Body,
};
use crate::error::{ApiError, ErrorBody};
use crate::keys::Caller;
use crate::sessions::etag;
use crate::store::{Kept, SessionInfo, WriteError};
use crate::AppState;

/// `POST /v1/plans`: solves a problem (its time limit clamped to the server's) and
/// stores the plan as a session: `Location: /v1/plans/{id}`, `ETag` its version. With
/// an `Idempotency-Key`, the same request again gets the same answer.
#[utoipa::path(post, path = "/v1/plans", request_body = ProblemInput,
    responses(
        (status = 200, body = Plan, description = "the plan; `Location: /v1/plans/{id}` names its session"),
        (status = 400, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn plans(
    State(s): State<Arc<AppState>>,
    Extension(who): Extension<Caller>,
    headers: HeaderMap,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let idem = idempotency(&who, &headers, "POST /v1/plans", &body)?;
    if let Some(r) = replay(&s, &idem).await? {
        return Ok(r);
    }
    let input: ProblemInput = parse(&body, ErrorKind::InvalidProblem)?;
    let st = s.clone();
    let (input, problem, plan) = s
        .engine
        .run(&s.metrics, "solve", move || {
            let (input, problem) = problem(&st, input, None)?;
            let plan = carematch_core::solve(&problem)?;
            Ok::<_, ApiError>((input, problem, plan))
        })
        .await??;
    let st = s.clone();
    let stored = s
        .quick
        .run(&s.metrics, "store", move || {
            let bytes = serde_json::to_vec(&plan).map_err(|_| ApiError::Internal)?;
            let keep = idem.clone().map(|i| {
                let k = Kept {
                    hash: i.hash.clone(),
                    status: 200,
                    location: None,
                    etag: None,
                    body: None,
                };
                (i, k)
            });
            match st.sessions.create(&who.id, &input, problem, plan, keep) {
                Ok(info) => Ok(json_response(
                    StatusCode::OK,
                    bytes,
                    Some(etag(info.version)),
                    Some(format!("/v1/plans/{}", info.id)),
                )),
                // Another request with the key won: its answer.
                Err(WriteError::Raced) => {
                    let i = idem.as_ref().ok_or(ApiError::Internal)?;
                    let kept = st.sessions.store().kept(&i.owner, &i.key)?;
                    kept_response(&st, &who.id, kept.ok_or(ApiError::Internal)?)
                }
                Err(e) => Err(write_error(e)),
            }
        })
        .await??;
    Ok(stored)
}

/// A store write that did not happen, as an answer.
pub(crate) fn write_error(e: WriteError) -> ApiError {
    match e {
        WriteError::NotFound => ApiError::NotFound("no such plan session"),
        WriteError::Refused(e) => e,
        WriteError::Raced => ApiError::Raced,
        WriteError::Store(e) => e.into(),
    }
}

/// `GET /v1/plans/{id}`: a session's current plan, `ETag` its version (with
/// `If-None-Match` of that version: 304).
#[utoipa::path(get, path = "/v1/plans/{id}", params(("id" = String, Path, description = "the session id")),
    responses((status = 200, body = Plan), (status = 304, description = "not changed since that ETag"),
        (status = 404, body = ErrorBody)))]
pub async fn plan(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
    Extension(who): Extension<Caller>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    // `/v1/plans/{id}.geojson` arrives here too: one path segment.
    if let Some(id) = id.strip_suffix(".geojson") {
        return geojson(State(s), Path(id.to_owned()), Extension(who)).await;
    }
    let seen = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim_start_matches("W/").to_owned());
    let st = s.clone();
    s.quick
        .run(&s.metrics, "read", move || {
            st.sessions.with(&who.id, &id, |live| {
                let tag = etag(live.version);
                if seen.as_deref() == Some(tag.as_str()) {
                    let mut res = StatusCode::NOT_MODIFIED.into_response();
                    if let Ok(v) = HeaderValue::from_str(&tag) {
                        res.headers_mut().insert(header::ETAG, v);
                    }
                    return Ok(res);
                }
                let body = serde_json::to_vec(&live.plan).map_err(|_| ApiError::Internal)?;
                Ok(json_response(StatusCode::OK, body, Some(tag), None))
            })
        })
        .await?
}

/// `DELETE /v1/plans/{id}`: forgets a session and its history (with `If-Match`, only at
/// that version).
#[utoipa::path(delete, path = "/v1/plans/{id}", params(("id" = String, Path, description = "the session id")),
    responses((status = 204, description = "deleted"), (status = 404, body = ErrorBody),
        (status = 412, body = ErrorBody)))]
pub async fn delete_plan(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
    Extension(who): Extension<Caller>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let wanted = if_match(&headers)?;
    let st = s.clone();
    s.quick
        .run(&s.metrics, "delete", move || {
            let store = st.sessions.store();
            if let Some(v) = wanted {
                let info = store.load(Some(&who.id), &id)?;
                let current = info.map(|i| i.info.version);
                match current {
                    None => return Err(ApiError::NotFound("no such plan session")),
                    Some(c) if c != v => return Err(ApiError::PreconditionFailed { current: c }),
                    _ => {}
                }
            }
            let gone = store.delete(&who.id, &id)?;
            st.sessions.forget(&id);
            if gone {
                Ok(StatusCode::NO_CONTENT.into_response())
            } else {
                Err(ApiError::NotFound("no such plan session"))
            }
        })
        .await?
}

/// A page of a list: where the next starts (`?after=…&limit=…`). Parsed strictly: a
/// `limit` that is not a number from 1 to 1,000, or an unknown parameter, is a 400
/// `invalid_query` naming it.
#[derive(Debug, Default)]
pub struct Page {
    /// Start after this id (sessions) or version (history).
    pub after: Option<String>,
    /// How many, 1 to 1,000 (default 100).
    pub limit: usize,
}

impl<S: Send + Sync> FromRequestParts<S> for Page {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let mut page = Page {
            after: None,
            limit: 100,
        };
        let query = parts.uri.query().unwrap_or("");
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            match &*k {
                "after" => page.after = Some(v.into_owned()),
                "limit" => {
                    page.limit = v.parse().ok().filter(|n| (1..=1_000).contains(n)).ok_or(
                        ApiError::Query {
                            path: "/limit",
                            message: "a number from 1 to 1000",
                        },
                    )?
                }
                _ => {
                    return Err(ApiError::Query {
                        path: "",
                        message: "the parameters are after and limit",
                    })
                }
            }
        }
        Ok(page)
    }
}

/// The caller's sessions, by id.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionList {
    /// The sessions of this page.
    pub sessions: Vec<SessionInfo>,
    /// `after` for the next page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// `GET /v1/plans?after=ID&limit=N`: the caller's sessions, a page at a time.
#[utoipa::path(get, path = "/v1/plans",
    params(("after" = Option<String>, Query, description = "the last id of the previous page"),
           ("limit" = Option<usize>, Query, description = "1 to 1000, default 100")),
    responses((status = 200, body = SessionList)))]
pub async fn list_plans(
    State(s): State<Arc<AppState>>,
    page: Page,
    Extension(who): Extension<Caller>,
) -> Result<Json<SessionList>, ApiError> {
    let (st, limit) = (s.clone(), page.limit);
    let sessions = s
        .quick
        .run(&s.metrics, "list", move || {
            st.sessions
                .store()
                .list(&who.id, page.after.as_deref(), limit)
                .map_err(ApiError::from)
        })
        .await??;
    let next = sessions
        .last()
        .filter(|_| sessions.len() == limit)
        .map(|x| x.id.clone());
    Ok(Json(SessionList { sessions, next }))
}

/// One entry of a session's history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    /// The version it made.
    pub version: i64,
    /// `created`, `dispatch`, …
    pub kind: String,
    /// When, ms since the epoch.
    pub at_ms: i64,
    /// The request as accepted (for `created`: see `/v1/plans/{id}/problem`).
    #[schema(value_type = Object)]
    pub request: serde_json::Value,
}

/// A session's history, a page at a time.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct History {
    /// The session's version now.
    pub version: i64,
    /// The entries of this page, oldest first.
    pub changes: Vec<HistoryEntry>,
    /// `after` for the next page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<i64>,
}

/// `GET /v1/plans/{id}/history?after=V&limit=N`: the session's accepted changes,
/// append-only, from its creation (version 1).
#[utoipa::path(get, path = "/v1/plans/{id}/history", params(("id" = String, Path, description = "the session id")),
    responses((status = 200, body = History), (status = 404, body = ErrorBody)))]
pub async fn history(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
    page: Page,
    Extension(who): Extension<Caller>,
) -> Result<Json<History>, ApiError> {
    let after: i64 = match page.after.as_deref() {
        None => 0,
        Some(v) => v.parse().map_err(|_| ApiError::Query {
            path: "/after",
            message: "a version number",
        })?,
    };
    let limit = page.limit;
    let st = s.clone();
    s.quick
        .run(&s.metrics, "history", move || {
            let store = st.sessions.store();
            let stored = (store.load(Some(&who.id), &id)?)
                .ok_or(ApiError::NotFound("no such plan session"))?;
            let mut changes = Vec::new();
            if after < 1 {
                changes.push(HistoryEntry {
                    version: 1,
                    kind: "created".into(),
                    at_ms: stored.info.created_ms,
                    request: serde_json::json!({"problem": format!("/v1/plans/{id}/problem")}),
                });
            }
            for c in store.changes(&id, after.max(1), limit)? {
                changes.push(HistoryEntry {
                    version: c.version,
                    kind: c.kind,
                    at_ms: c.at_ms,
                    request: serde_json::from_slice(&c.request).unwrap_or_default(),
                });
            }
            changes.truncate(limit);
            let last = changes.last().map_or(after, |c| c.version);
            Ok(Json(History {
                version: stored.info.version.max(last),
                next: (last < stored.info.version).then_some(last),
                changes,
            }))
        })
        .await?
}

/// `GET /v1/plans/{id}/problem`: the session's problem as created.
#[utoipa::path(get, path = "/v1/plans/{id}/problem", params(("id" = String, Path, description = "the session id")),
    responses((status = 200, body = ProblemInput), (status = 404, body = ErrorBody)))]
pub async fn session_problem(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
    Extension(who): Extension<Caller>,
) -> Result<Response, ApiError> {
    let st = s.clone();
    s.quick
        .run(&s.metrics, "read", move || {
            let stored = (st.sessions.store().load(Some(&who.id), &id)?)
                .ok_or(ApiError::NotFound("no such plan session"))?;
            Ok(json_response(StatusCode::OK, stored.problem, None, None))
        })
        .await?
}

/// `GET /v1/plans/{id}.geojson`: a session's plan as GeoJSON (haversine problems):
/// routes as LineStrings, visits, unserved needs and carers' starts as Points.
#[utoipa::path(get, path = "/v1/plans/{id}.geojson", params(("id" = String, Path, description = "the session id")),
    responses((status = 200, description = "a GeoJSON FeatureCollection", content_type = "application/geo+json"),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn geojson(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
    Extension(who): Extension<Caller>,
) -> Result<Response, ApiError> {
    let st = s.clone();
    let map = s
        .quick
        .run(&s.metrics, "render", move || {
            st.sessions.with(&who.id, &id, |x| {
                carematch_present::export::geojson(&x.problem, &x.plan)
                    .map(|m| m.to_string())
                    .map_err(ApiError::Input)
            })
        })
        .await??;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/geo+json"),
        )],
        map,
    )
        .into_response())
}

/// `GET /v1/plans/{id}/view`: a session's plan as one self-contained HTML page (map,
/// timeline per carer, unserved needs and gaps).
#[utoipa::path(get, path = "/v1/plans/{id}/view", params(("id" = String, Path, description = "the session id")),
    responses((status = 200, description = "the plan page", content_type = "text/html"),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn view(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
    Extension(who): Extension<Caller>,
) -> Result<Response, ApiError> {
    let st = s.clone();
    let page = s
        .quick
        .run(&s.metrics, "render", move || {
            // The plan as first made: what the day's changes are marked against.
            let first = first_plan(&st, &who, &id)?;
            st.sessions.with(&who.id, &id, |x| {
                let first = first.as_ref().filter(|_| x.version > 1);
                carematch_present::view::page_since(&x.problem, &x.plan, first)
                    .map_err(ApiError::Input)
            })
        })
        .await??;
    Ok(html(page))
}

/// Session `id`'s plan as it was created, when the store has the session.
fn first_plan(
    st: &AppState,
    who: &Caller,
    id: &str,
) -> Result<Option<carematch_core::Plan>, ApiError> {
    let stored = st.sessions.store().load(Some(&who.id), id)?;
    Ok(stored.and_then(|s| serde_json::from_slice(&s.plan).ok()))
}

/// `GET /v1/plans/{id}/coverage`: the 15-minute rescue circle of a session's plan —
/// every 15 minutes, the share of elders (weighted by vulnerability) a carer qualified
/// for `emergency` could reach within the response target, and by area
/// ([`carematch_core::coverage`]).
#[utoipa::path(get, path = "/v1/plans/{id}/coverage", params(("id" = String, Path, description = "the session id")),
    responses((status = 200, body = carematch_core::wire::Coverage, description = "the coverage through the day"),
        (status = 404, body = ErrorBody)))]
pub async fn coverage(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
    Extension(who): Extension<Caller>,
) -> Result<Response, ApiError> {
    let st = s.clone();
    let c = s
        .quick
        .run(&s.metrics, "coverage", move || {
            st.sessions.with(&who.id, &id, |x| {
                Ok(carematch_core::coverage::coverage(&x.problem, &x.plan))
            })
        })
        .await??;
    Ok(Json(c).into_response())
}
