//! `POST /v1/plans/{id}/events`: what happened during the day, applied to a stored
//! session's plan ([`carematch_core::events::replan`]), stored before the answer.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Extension;
use carematch_core::wire::{Event, EventBatch, PlanChange, Summary};
use carematch_core::ErrorKind;
use serde::Serialize;

use super::dispatch::{commit, Changed};
use super::{changed, idempotency, if_match, invalid, parse, replay, Body};
use crate::error::{ApiError, ErrorBody};
use crate::keys::Caller;
use crate::sessions::Live;
use crate::AppState;

/// The answer to a batch of events.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventsResponse {
    /// The session's version after the batch (also the `ETag`).
    pub version: i64,
    /// Every visit whose carer or start changed, or that became unassigned: the
    /// messages to send.
    pub changes: Vec<PlanChange>,
    /// The plan's summary after the batch.
    pub summary: Summary,
}

/// `POST /v1/plans/{id}/events`: a batch of events at its `now`, applied all or
/// nothing; what started by `now` stays; the visits the events free are placed again
/// at `now`, most important first; the answer lists what changed. `If-Match` and
/// `Idempotency-Key` as for every change; `GET /v1/plans/{id}` gives the plan.
#[utoipa::path(post, path = "/v1/plans/{id}/events", request_body = EventBatch,
    params(("id" = String, Path, description = "the session")),
    responses(
        (status = 200, body = EventsResponse, description = "the new version and what changed"),
        (status = 404, body = ErrorBody), (status = 412, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "an event names what is not there (its path says which)"),
        (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn events(
    State(s): State<Arc<AppState>>,
    Extension(who): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let batch: EventBatch = parse(&body, ErrorKind::InvalidProblem)?;
    let idem = idempotency(&who, &headers, "POST /v1/plans/{id}/events", &body)?;
    if let Some(r) = replay(&s, &idem).await? {
        return Ok(r);
    }
    let wanted = if_match(&headers)?;
    let st = s.clone();
    let (out, version) = s
        .quick
        .run(&s.metrics, "events", move || {
            let request = serde_json::to_vec(&serde_json::json!({ "events": batch }))
                .map_err(|_| ApiError::Internal)?;
            let change = Changed {
                kind: "events",
                request,
                wanted,
                idem,
            };
            let max_needs = st.config.max_needs;
            commit(&st, &who, &id, change, |live, next| {
                applied(live, &batch, next, max_needs)
            })
        })
        .await??;
    Ok(changed(out, version))
}

/// `batch` applied to `live` (as version `next`): the answer's JSON and the patch. On
/// an error the session is as it was.
fn applied(
    live: &mut Live,
    batch: &EventBatch,
    next: i64,
    max_needs: usize,
) -> Result<(Vec<u8>, carematch_core::patch::PlanPatch), ApiError> {
    let added = batch
        .events
        .iter()
        .filter(|e| matches!(e, Event::NeedAdded { .. }))
        .count();
    if live.problem.needs().len() + added > max_needs {
        return Err(invalid(
            "events",
            "the session is at this service's needs limit",
        ));
    }
    let r = carematch_core::events::replan(&mut live.problem, live.plan.clone(), batch)?;
    let patch = carematch_core::patch::diff(&live.plan, &r.plan);
    live.plan = r.plan;
    let out = EventsResponse {
        version: next,
        changes: r.changes,
        summary: live.plan.summary.clone(),
    };
    let bytes = serde_json::to_vec(&out).map_err(|_| ApiError::Internal)?;
    Ok((bytes, patch))
}
