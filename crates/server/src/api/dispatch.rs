//! Urgent needs and bookings: `POST /v1/dispatch` (into a stored session, or into a
//! plan given with its problem) and `POST /v1/recommend`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Extension, Json};
use carematch_core::wire::{ElderInput, LinkInput, NeedInput, Reason, Route, Summary};
use carematch_core::{ErrorKind, Plan, Problem, ProblemInput};
use serde::{Deserialize, Serialize};

use super::{changed, idempotency, if_match, invalid, json_response, parse, problem, replay, Body};
use crate::error::{ApiError, ErrorBody};
use crate::keys::Caller;
use crate::sessions::{etag, Growth, Live};
use crate::store::{now_ms, Append, Change, Idem, Kept};
use crate::AppState;

/// The need to dispatch: its id in `problem` (stateless form) or a new need (session
/// form).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum NeedArg {
    /// The id of a need of `problem` that `plan` does not serve yet.
    Id(String),
    /// A new need, added to the session's problem.
    New(Box<NeedInput>),
}

/// An urgent need to insert into a plan. Either `plan_id` (a session from
/// `POST /v1/plans`) with `need` a new need object (and `elder` when its elder is new),
/// or `problem` and `plan` with `need` the id of one of `problem`'s needs.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchRequest {
    /// Session form: the plan session.
    #[serde(default)]
    pub plan_id: Option<String>,
    /// Stateless form: the problem, including the urgent need.
    #[serde(default)]
    pub problem: Option<ProblemInput>,
    /// Stateless form: the plan running now.
    #[serde(default)]
    pub plan: Option<Plan>,
    /// The need.
    pub need: NeedArg,
    /// Session form: the need's elder, when not already in the problem.
    #[serde(default)]
    pub elder: Option<ElderInput>,
    /// Seconds since midnight: visits starting at or before it keep their start.
    #[serde(default)]
    pub now: Option<i64>,
    /// Session form: keep the result as the session's plan (default true); false only
    /// previews it.
    #[serde(default)]
    pub commit: Option<bool>,
    /// Session form (v1.1): the other new needs of the need's link, dispatched with it
    /// as one (rule 7).
    #[serde(default)]
    pub partners: Vec<NeedInput>,
    /// Session form (v1.1): the link of `need` and `partners`.
    #[serde(default)]
    pub link: Option<LinkInput>,
}

/// What a dispatch did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DispatchResponse {
    /// The need dispatched.
    pub need: String,
    /// True when the need is served.
    pub served: bool,
    /// The providers now serving it (two for a synchronised need).
    pub providers: Vec<String>,
    /// Its start, when served.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    /// A need displaced to make room (now unassigned, `over_capacity`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub displaced: Option<String>,
    /// v1.2, a one-carer need dispatched with `now`: when its carer can be there (its
    /// start when served; else the earliest any carer could make, by `responder`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eta: Option<i64>,
    /// v1.2: the carer of `eta`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responder: Option<String>,
    /// v1.2, a need with a response target (`response_within`, or an emergency's
    /// `options.response_target`, default 900 s) dispatched with `now`: whether it
    /// is met (when not, `reason` is `no_responder_in_time`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_met: Option<bool>,
    /// Why it could not be served.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// The reason's detail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The updated plan's summary.
    pub summary: Summary,
    /// Session form: the routes that changed (the session keeps the whole plan).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed_routes: Option<Vec<Route>>,
    /// Stateless form: the whole updated plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<Plan>,
}

/// `POST /v1/dispatch`: inserts one urgent need with the least disruption, or says why
/// it cannot be served. Into a session: stored before the answer, `ETag` the session's
/// new version; `If-Match` refuses it (412) when the session has moved on;
/// `Idempotency-Key` makes a retry safe.
#[utoipa::path(post, path = "/v1/dispatch", request_body = DispatchRequest,
    responses((status = 200, body = DispatchResponse), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 412, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn dispatch(
    State(s): State<Arc<AppState>>,
    Extension(who): Extension<Caller>,
    headers: HeaderMap,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let req: DispatchRequest = parse(&body, ErrorKind::InvalidProblem)?;
    match (
        req.plan_id.clone(),
        req.problem.is_some(),
        req.plan.is_some(),
    ) {
        (Some(id), false, false) => {
            let idem = idempotency(&who, &headers, "POST /v1/dispatch", &body)?;
            if let Some(r) = replay(&s, &idem).await? {
                return Ok(r);
            }
            let wanted = if_match(&headers)?;
            dispatch_into_session(s, who, id, req, wanted, idem).await
        }
        (None, true, true) => dispatch_stateless(s, req).await,
        _ => Err(invalid(
            "plan_id",
            "give either plan_id, or problem and plan (not both)",
        )),
    }
}

/// The session form: a new need into the session's plan, stored before the answer
/// (or only previewed, with `commit: false`).
async fn dispatch_into_session(
    s: Arc<AppState>,
    who: Caller,
    id: String,
    req: DispatchRequest,
    wanted: Option<i64>,
    idem: Option<Idem>,
) -> Result<Response, ApiError> {
    let NeedArg::New(need) = req.need else {
        return Err(invalid("need", "with plan_id, need is a need object"));
    };
    let growth = Growth {
        need: *need,
        elder: req.elder,
        partners: req.partners,
        link: req.link,
    };
    let (now, commit, st) = (req.now, req.commit.unwrap_or(true), s.clone());
    let (out, version) = s
        .quick
        .run(&s.metrics, "dispatch", move || {
            if commit {
                committed(&st, &who, &id, &growth, now, wanted, idem)
            } else {
                previewed(&st, &who, &id, &growth, now)
            }
        })
        .await??;
    Ok(changed(out, version))
}

/// A dispatch into session `id`, stored: the answer's JSON and the new version.
fn committed(
    s: &AppState,
    who: &Caller,
    id: &str,
    growth: &Growth,
    now: Option<i64>,
    wanted: Option<i64>,
    idem: Option<Idem>,
) -> Result<(Vec<u8>, i64), ApiError> {
    let max_needs = s.config.max_needs;
    let request = serde_json::to_vec(&serde_json::json!({"added": growth, "now": now}))
        .map_err(|_| ApiError::Internal)?;
    let change = Changed {
        kind: "dispatch",
        request,
        wanted,
        idem,
    };
    commit(s, who, id, change, |live, _| {
        if live.problem.needs().len() + growth.needs() > max_needs {
            return Err(invalid(
                "need",
                "the session is at this service's needs limit",
            ));
        }
        dispatch_live(live, growth, now)
    })
}

/// A change of a session as a handler asks for it: its kind and request as stored,
/// the version the client holds (`If-Match`) and its idempotency key.
pub(super) struct Changed {
    /// What makes it: `dispatch`, `events`.
    pub kind: &'static str,
    /// The request as stored (JSON): what a replay reads.
    pub request: Vec<u8>,
    /// The version the client says it changes.
    pub wanted: Option<i64>,
    /// Its idempotency key.
    pub idem: Option<Idem>,
}

/// Makes `change` to session `id`: `f` changes the session (caught up with the store)
/// and returns the answer's JSON and the patch; the change is stored, with the answer
/// under the idempotency key, before this returns the answer and the new version. A
/// race lost on the key gives the winner's answer.
pub(super) fn commit(
    s: &AppState,
    who: &Caller,
    id: &str,
    change: Changed,
    mut f: impl FnMut(&mut Live, i64) -> Result<(Vec<u8>, carematch_core::patch::PlanPatch), ApiError>,
) -> Result<(Vec<u8>, i64), ApiError> {
    let Changed {
        kind,
        request,
        wanted,
        idem,
    } = change;
    let written = s.sessions.change(&who.id, id, |live, next| {
        if wanted.is_some_and(|v| v != live.version) {
            return Err(ApiError::PreconditionFailed {
                current: live.version,
            });
        }
        let (out, patch) = f(live, next)?;
        let change = Change {
            version: next,
            kind: kind.into(),
            at_ms: now_ms(),
            request: request.clone(),
            patch: serde_json::to_vec(&patch).map_err(|_| ApiError::Internal)?,
        };
        let keep = idem.clone().map(|i| {
            let k = Kept {
                hash: i.hash.clone(),
                status: 200,
                location: None,
                etag: Some(etag(next)),
                body: Some(out.clone()),
            };
            (i, k)
        });
        let append = Append {
            change,
            needs: live.problem.needs().len() as i64,
            keep,
            accounts: carematch_core::accounts::entries(&live.problem, &live.plan),
        };
        Ok(Some((append, out)))
    });
    match written {
        Ok(Some(done)) => Ok(done),
        Ok(None) => Err(ApiError::Internal),
        Err(ApiError::Raced) => {
            // Another request with the key won: its answer.
            let i = idem.as_ref().ok_or(ApiError::Internal)?;
            let kept = s.sessions.store().kept(&i.owner, &i.key)?;
            let kept = kept.ok_or(ApiError::Internal)?;
            let version = kept.etag.as_deref().unwrap_or("0").trim_matches('"');
            Ok((kept.body.unwrap_or_default(), version.parse().unwrap_or(0)))
        }
        Err(e) => Err(e),
    }
}

/// Dispatches `growth`'s need into `live`, moving its plan through the dispatch (no
/// copy of 20,000 visits): the answer's JSON and the patch. On an error the session
/// is as it was, or marked for reloading.
fn dispatch_live(
    live: &mut Live,
    growth: &Growth,
    now: Option<i64>,
) -> Result<(Vec<u8>, carematch_core::patch::PlanPatch), ApiError> {
    let grown = growth.push(&mut live.problem)?;
    let before = live.plan.unassigned.clone();
    let plan = std::mem::take(&mut live.plan);
    let mut d = match carematch_core::dispatch::dispatch(&live.problem, plan, &growth.need.id, now)
    {
        Ok(d) => d,
        Err(_) => {
            // The session's own plan was refused: it cannot be trusted any more.
            tracing::error!("a session's plan was refused by dispatch; reloaded");
            grown.pop(&mut live.problem);
            live.invalidate();
            return Err(ApiError::Internal);
        }
    };
    let plan = std::mem::take(&mut d.plan);
    let changed = std::mem::take(&mut d.changed);
    let patch = carematch_core::patch::written(changed.clone(), &before, &plan);
    let out = response(growth.need.id.clone(), d, Some(changed), &plan);
    live.plan = plan;
    let bytes = serde_json::to_vec(&out).map_err(|_| ApiError::Internal)?;
    Ok((bytes, patch))
}

/// A dispatch into session `id` previewed on a copy: nothing changes.
fn previewed(
    s: &AppState,
    who: &Caller,
    id: &str,
    growth: &Growth,
    now: Option<i64>,
) -> Result<(Vec<u8>, i64), ApiError> {
    s.sessions.with(&who.id, id, |live| {
        let grown = growth.push(&mut live.problem)?;
        let d = carematch_core::dispatch::dispatch(
            &live.problem,
            live.plan.clone(),
            &growth.need.id,
            now,
        );
        grown.pop(&mut live.problem);
        let mut d = d?;
        let plan = std::mem::take(&mut d.plan);
        let changed = std::mem::take(&mut d.changed);
        let out = response(growth.need.id.clone(), d, Some(changed), &plan);
        let bytes = serde_json::to_vec(&out).map_err(|_| ApiError::Internal)?;
        Ok((bytes, live.version))
    })
}

/// The stateless form: a need of the given problem into the given plan.
async fn dispatch_stateless(s: Arc<AppState>, req: DispatchRequest) -> Result<Response, ApiError> {
    let NeedArg::Id(need) = req.need else {
        return Err(invalid("need", "with problem and plan, need is a need id"));
    };
    if req.elder.is_some() || req.commit.is_some() || req.link.is_some() || !req.partners.is_empty()
    {
        return Err(invalid(
            "elder",
            "elder, commit, partners and link belong to the plan_id form",
        ));
    }
    let (Some(problem_in), Some(plan)) = (req.problem, req.plan) else {
        return Err(invalid(
            "problem",
            "the stateless form needs problem and plan",
        ));
    };
    let (now, st) = (req.now, s.clone());
    let out = s
        .quick
        .run(&s.metrics, "dispatch", move || {
            let (_, problem) = problem(&st, problem_in, Some("problem"))?;
            let mut d = carematch_core::dispatch::dispatch(&problem, plan, &need, now)?;
            let plan = std::mem::take(&mut d.plan);
            let mut out = response(need, d, None, &plan);
            out.plan = Some(plan);
            serde_json::to_vec(&out).map_err(|_| ApiError::Internal)
        })
        .await??;
    Ok(json_response(StatusCode::OK, out, None, None))
}

/// `POST /v1/recommend`: a new need to book, and either a plan session or a problem
/// and its plan.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecommendRequest {
    /// A plan session (from `POST /v1/plans`).
    #[serde(default)]
    pub plan_id: Option<String>,
    /// Without `plan_id`: the problem (without the need).
    #[serde(default)]
    pub problem: Option<ProblemInput>,
    /// Without `plan_id`: its plan.
    #[serde(default)]
    pub plan: Option<Plan>,
    /// The need to book: one carer, one visit; its windows are the times the elder
    /// could accept.
    pub need: NeedInput,
    /// Its elder, when not in the problem yet.
    #[serde(default)]
    pub elder: Option<ElderInput>,
    /// How many options, 1 to 100 (default 5).
    #[serde(default)]
    pub count: Option<usize>,
    /// v1.2: the time of the request: no option starts before it, or before its carer
    /// could be there.
    #[serde(default)]
    pub now: Option<i64>,
}

/// `POST /v1/recommend`: the best (carer, start) options to book a new need, cheapest
/// first, each keeping the plan feasible; nothing is committed.
#[utoipa::path(post, path = "/v1/recommend", request_body = RecommendRequest,
    responses((status = 200, body = carematch_core::wire::Recommendation), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn recommend(
    State(s): State<Arc<AppState>>,
    Extension(who): Extension<Caller>,
    Body(body): Body,
) -> Result<Json<carematch_core::wire::Recommendation>, ApiError> {
    let req: RecommendRequest = parse(&body, ErrorKind::InvalidProblem)?;
    let (count, now) = (req.count.unwrap_or(5), req.now);
    let growth = Growth {
        need: req.need,
        elder: req.elder,
        ..Growth::default()
    };
    let book = move |problem: &mut Problem, plan: &Plan| {
        let added = growth.push(problem)?;
        let r = carematch_core::recommend::recommend_at(problem, plan, &growth.need.id, count, now);
        added.pop(problem);
        r.map_err(ApiError::Input)
    };
    let st = s.clone();
    let out = match (req.plan_id, req.problem, req.plan) {
        (Some(id), None, None) => {
            s.quick
                .run(&s.metrics, "recommend", move || {
                    st.sessions
                        .with(&who.id, &id, |live| book(&mut live.problem, &live.plan))
                })
                .await??
        }
        (None, Some(p), Some(plan)) => {
            s.quick
                .run(&s.metrics, "recommend", move || {
                    let (_, mut problem) = problem(&st, p, Some("problem"))?;
                    book(&mut problem, &plan)
                })
                .await??
        }
        _ => {
            return Err(invalid(
                "plan_id",
                "give either plan_id, or problem and plan (not both)",
            ))
        }
    };
    Ok(Json(out))
}

fn response(
    need: String,
    d: carematch_core::dispatch::Dispatch,
    changed: Option<Vec<Route>>,
    plan: &Plan,
) -> DispatchResponse {
    let (reason, detail) = match d.reason {
        Some((r, m)) => (Some(r), Some(m)),
        None => (None, None),
    };
    DispatchResponse {
        need,
        served: reason.is_none(),
        providers: d.providers,
        start: d.start,
        displaced: d.displaced,
        eta: d.eta,
        responder: d.responder,
        target_met: d.target_met,
        reason,
        detail,
        summary: plan.summary.clone(),
        plan: None,
        changed_routes: changed,
    }
}
