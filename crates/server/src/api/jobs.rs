//! Solve jobs: `POST /v1/jobs` answers `202 Accepted` at once (`Location`,
//! `Retry-After`); `GET /v1/jobs/{id}` says where the job is, its phase and its best
//! plan so far, and once done the plan's session; `DELETE` cancels it. See
//! [`crate::jobs`] for how they run.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use carematch_core::wire::Objective;
use carematch_core::{ErrorKind, ProblemInput};
use serde::Serialize;

use super::plans::write_error;
use super::{idempotency, json_response, kept_response, parse, problem, replay, Body};
use crate::error::{ApiError, ErrorBody};
use crate::keys::Caller;
use crate::store::{now_ms, Job, JobState, Kept, WriteError};
use crate::AppState;

/// A job as a client sees it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JobView {
    /// The job id.
    pub id: String,
    /// `queued`, `running`, `done`, `failed` or `cancelled`.
    pub state: JobState,
    /// While it runs: `candidates`, `construction`, `search` or `plan`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub phase: String,
    /// The best plan's objective so far (its `travel` is not filled in).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub best: Option<Objective>,
    /// Once done: the plan's session, `/v1/plans/{id}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// Once failed: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Whether a cancel was asked for while it ran.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub cancelling: bool,
    /// When it was queued, ms since the epoch.
    pub created_ms: i64,
    /// When it (last) started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_ms: Option<i64>,
    /// When it ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_ms: Option<i64>,
    /// How many times it started (more than once: a replica died while it ran).
    pub attempts: i64,
}

impl From<Job> for JobView {
    fn from(j: Job) -> Self {
        Self {
            best: j.best.as_deref().and_then(|b| serde_json::from_str(b).ok()),
            plan: j.session.map(|s| format!("/v1/plans/{s}")),
            cancelling: j.cancel && !j.state.finished(),
            id: j.id,
            state: j.state,
            phase: j.phase,
            error: j.error,
            created_ms: j.created_ms,
            started_ms: j.started_ms,
            finished_ms: j.finished_ms,
            attempts: j.attempts,
        }
    }
}

/// A job's answer: its view, `Retry-After: 1` while it is not over.
fn answer(status: StatusCode, job: Job) -> Result<Response, ApiError> {
    let over = job.state.finished();
    let location = format!("/v1/jobs/{}", job.id);
    let body = serde_json::to_vec(&JobView::from(job)).map_err(|_| ApiError::Internal)?;
    let mut res = json_response(status, body, None, Some(location));
    if !over {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    Ok(res)
}

/// `POST /v1/jobs`: queues a problem to solve (validated now: a bad one is refused at
/// once). 202 with `Location: /v1/jobs/{id}` and `Retry-After`; the job runs when a
/// solve slot is free and the caller's key runs fewer jobs than its limit.
#[utoipa::path(post, path = "/v1/jobs", request_body = ProblemInput,
    responses((status = 202, body = JobView, description = "queued; `Location` names the job"),
        (status = 400, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn post_job(
    State(s): State<Arc<AppState>>,
    Extension(who): Extension<Caller>,
    headers: HeaderMap,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let idem = idempotency(&who, &headers, "POST /v1/jobs", &body)?;
    if let Some(r) = replay(&s, &idem).await? {
        return Ok(r);
    }
    let input: ProblemInput = parse(&body, ErrorKind::InvalidProblem)?;
    let st = s.clone();
    let res = s
        .quick
        .run(&s.metrics, "job", move || {
            let (input, _) = problem(&st, input, None)?;
            let request = serde_json::to_vec(&input).map_err(|_| ApiError::Internal)?;
            let job = Job {
                id: uuid::Uuid::new_v4().simple().to_string(),
                owner: who.id.clone(),
                state: JobState::Queued,
                phase: String::new(),
                best: None,
                session: None,
                error: None,
                created_ms: now_ms(),
                started_ms: None,
                finished_ms: None,
                attempts: 0,
                cancel: false,
            };
            let view =
                serde_json::to_vec(&JobView::from(job.clone())).map_err(|_| ApiError::Internal)?;
            let keep = idem.clone().map(|i| {
                let k = Kept {
                    hash: i.hash.clone(),
                    status: 202,
                    location: Some(format!("/v1/jobs/{}", job.id)),
                    etag: None,
                    body: Some(view),
                };
                (i, k)
            });
            match st
                .sessions
                .store()
                .create_job(&job, &request, keep.as_ref())
            {
                Ok(()) => answer(StatusCode::ACCEPTED, job),
                Err(WriteError::Raced) => {
                    let i = idem.as_ref().ok_or(ApiError::Internal)?;
                    let kept = st.sessions.store().kept(&i.owner, &i.key)?;
                    kept_response(&st, &who.id, kept.ok_or(ApiError::Internal)?)
                }
                Err(e) => Err(write_error(e)),
            }
        })
        .await??;
    s.running.wake.notify_one();
    Ok(res)
}

/// `GET /v1/jobs/{id}`: where the job is; once done, its plan's session.
#[utoipa::path(get, path = "/v1/jobs/{id}", params(("id" = String, Path, description = "the job id")),
    responses((status = 200, body = JobView), (status = 404, body = ErrorBody)))]
pub async fn get_job(
    State(s): State<Arc<AppState>>,
    Extension(who): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let st = s.clone();
    s.quick
        .run(&s.metrics, "job", move || {
            let job = (st.sessions.store().job(Some(&who.id), &id)?)
                .ok_or(ApiError::NotFound("no such job"))?;
            answer(StatusCode::OK, job)
        })
        .await?
}

/// `DELETE /v1/jobs/{id}`: cancels a job — a queued one at once, a running one at its
/// next search iteration. The job as it is then (a finished job is left as it is).
#[utoipa::path(delete, path = "/v1/jobs/{id}", params(("id" = String, Path, description = "the job id")),
    responses((status = 200, body = JobView), (status = 404, body = ErrorBody)))]
pub async fn delete_job(
    State(s): State<Arc<AppState>>,
    Extension(who): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let st = s.clone();
    let res = s
        .quick
        .run(&s.metrics, "job", move || {
            let job = (st.sessions.store().cancel_job(&who.id, &id, now_ms())?)
                .ok_or(ApiError::NotFound("no such job"))?;
            st.running.stop(&job.id);
            answer(StatusCode::OK, job)
        })
        .await?;
    res.map(IntoResponse::into_response)
}
