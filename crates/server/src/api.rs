//! The handlers: extract → validate → run the engine on rayon → map the result.
//!
//! Each handler reads its body as bytes (the size limit is a layer), parses it with the
//! engine's parser (so errors carry field paths), applies the server's limits, and
//! hands the CPU work to [`crate::JobPool::run`], which never runs on the async runtime.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use carematch_core::error::from_json;
use carematch_core::wire::{ElderInput, LinkInput, NeedInput, Reason, Route, Summary};
use carematch_core::{Error, ErrorKind, FieldPath, Plan, Problem, ProblemInput};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ErrorBody};
use crate::sessions::Session;
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
    /// Plan sessions kept.
    pub sessions: usize,
}

/// `GET /healthz`: answers while the service runs, even when every solve slot is busy.
#[utoipa::path(get, path = "/healthz", responses((status = 200, body = Health)))]
pub async fn healthz(State(s): State<Arc<AppState>>) -> Json<Health> {
    Json(Health {
        status: "ok",
        engine: crate::ENGINE,
        in_flight: s.engine.in_flight(),
        sessions: s.sessions.len(),
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

/// Parses and validates a problem, with the server's limits applied: the needs bound,
/// and `time_limit_ms` and `threads` clamped to the server's maxima.
fn problem(s: &AppState, mut input: ProblemInput, key: Option<&str>) -> Result<Problem, ApiError> {
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
    Problem::from_input(input).map_err(|e| path(e).into())
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8], kind: ErrorKind) -> Result<T, ApiError> {
    from_json(body, kind).map_err(ApiError::Input)
}

/// `POST /v1/plans`: solves a problem. The plan's session id is in the `Location`
/// header (`/v1/plans/{id}`) for `POST /v1/dispatch`.
#[utoipa::path(post, path = "/v1/plans", request_body = ProblemInput,
    responses(
        (status = 200, body = Plan, description = "the plan; `Location: /v1/plans/{id}` names its session"),
        (status = 400, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn plans(State(s): State<Arc<AppState>>, Body(body): Body) -> Result<Response, ApiError> {
    let input: ProblemInput = parse(&body, ErrorKind::InvalidProblem)?;
    let problem = problem(&s, input, None)?;
    // The solve takes the problem and gives it back for the session.
    let (plan, problem) = s
        .engine
        .run(&s.metrics, "solve", move || {
            carematch_core::solve(&problem).map(|plan| (plan, problem))
        })
        .await??;
    let id = s.sessions.insert(Session {
        problem,
        plan: plan.clone(),
    });
    let mut res = Json(plan).into_response();
    if let Some(id) = id {
        if let Ok(v) = HeaderValue::from_str(&format!("/v1/plans/{id}")) {
            res.headers_mut().insert(header::LOCATION, v);
        }
    }
    Ok(res)
}

/// `GET /v1/plans/{id}`: a session's current plan (with the needs dispatched since).
#[utoipa::path(get, path = "/v1/plans/{id}", params(("id" = String, Path, description = "the session id")),
    responses((status = 200, body = Plan), (status = 404, body = ErrorBody)))]
pub async fn plan(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    // `/v1/plans/{id}.geojson` arrives here too: one path segment.
    if let Some(id) = id.strip_suffix(".geojson") {
        return geojson(State(s), Path(id.to_owned())).await;
    }
    let session = s
        .sessions
        .get(&id)
        .ok_or(ApiError::NotFound("no such plan session"))?;
    let plan = session
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .plan
        .clone();
    Ok(Json(plan).into_response())
}

/// `GET /v1/plans/{id}.geojson`: a session's plan as GeoJSON (haversine problems):
/// routes as LineStrings, visits, unserved needs and carers' starts as Points.
#[utoipa::path(get, path = "/v1/plans/{id}.geojson", params(("id" = String, Path, description = "the session id")),
    responses((status = 200, description = "a GeoJSON FeatureCollection", content_type = "application/geo+json"),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn geojson(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let map = in_session(&s, &id, |x| {
        carematch_present::export::geojson(&x.problem, &x.plan)
    })?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/geo+json"),
        )],
        map.to_string(),
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
) -> Result<Response, ApiError> {
    let page = in_session(&s, &id, |x| {
        carematch_present::view::page(&x.problem, &x.plan)
    })?;
    Ok(html(page))
}

/// `GET /`: a small page to send a problem file and see its plan.
#[utoipa::path(get, path = "/", responses((status = 200, description = "the start page", content_type = "text/html")))]
pub async fn index() -> Response {
    html(include_str!("index.html").to_owned())
}

/// `f` of session `id` (locked while `f` runs); 404 when there is no such session.
fn in_session<T>(
    s: &AppState,
    id: &str,
    f: impl FnOnce(&Session) -> Result<T, Error>,
) -> Result<T, ApiError> {
    let session = s
        .sessions
        .get(id)
        .ok_or(ApiError::NotFound("no such plan session"))?;
    let guard = session.lock().unwrap_or_else(|e| e.into_inner());
    f(&guard).map_err(ApiError::Input)
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

/// A plan to check against a problem.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    /// The problem.
    pub problem: ProblemInput,
    /// The plan to check.
    pub plan: Plan,
}

/// One broken rule.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ViolationOut {
    /// The rule's number in the spec's list (0: the plan's own figures disagree).
    pub rule: u8,
    /// The rule's name (`window`, `max_work`, …).
    pub name: &'static str,
    /// JSON pointer into the plan.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// The checker's verdict.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CheckResponse {
    /// True when no rule is broken.
    pub feasible: bool,
    /// Every broken rule.
    pub violations: Vec<ViolationOut>,
}

/// `POST /v1/check`: checks a plan against every feasibility rule of the spec.
#[utoipa::path(post, path = "/v1/check", request_body = CheckRequest,
    responses((status = 200, body = CheckResponse), (status = 400, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn check(
    State(s): State<Arc<AppState>>,
    Body(body): Body,
) -> Result<Json<CheckResponse>, ApiError> {
    let req: CheckRequest = parse(&body, ErrorKind::InvalidProblem)?;
    let problem = problem(&s, req.problem, Some("problem"))?;
    let plan = req.plan;
    let violations = s
        .quick
        .run(&s.metrics, "check", move || {
            carematch_core::check(&problem, &plan)
        })
        .await?;
    Ok(Json(CheckResponse {
        feasible: violations.is_empty(),
        violations: violations
            .into_iter()
            .map(|v| ViolationOut {
                rule: v.rule.number(),
                name: v.rule.name(),
                path: v.path.pointer(),
                message: v.message,
            })
            .collect(),
    }))
}

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

fn invalid(key: &str, msg: &str) -> ApiError {
    ApiError::Input(Error::invalid(&FieldPath::root().key(key), msg))
}

/// `POST /v1/dispatch`: inserts one urgent need with the least disruption, or says why
/// it cannot be served.
#[utoipa::path(post, path = "/v1/dispatch", request_body = DispatchRequest,
    responses((status = 200, body = DispatchResponse), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn dispatch(
    State(s): State<Arc<AppState>>,
    Body(body): Body,
) -> Result<Json<DispatchResponse>, ApiError> {
    let req: DispatchRequest = parse(&body, ErrorKind::InvalidProblem)?;
    match (
        req.plan_id.clone(),
        req.problem.is_some(),
        req.plan.is_some(),
    ) {
        (Some(id), false, false) => dispatch_into_session(s, id, req).await,
        (None, true, true) => dispatch_stateless(s, req).await,
        _ => Err(invalid(
            "plan_id",
            "give either plan_id, or problem and plan (not both)",
        )),
    }
}

/// The session form: a new need into the session's plan.
async fn dispatch_into_session(
    s: Arc<AppState>,
    id: String,
    req: DispatchRequest,
) -> Result<Json<DispatchResponse>, ApiError> {
    let NeedArg::New(need) = req.need else {
        return Err(invalid("need", "with plan_id, need is a need object"));
    };
    let session = s
        .sessions
        .get(&id)
        .ok_or(ApiError::NotFound("no such plan session"))?;
    let state = s.clone();
    let id2 = id.clone();
    let commit = req.commit.unwrap_or(true);
    let new = NewNeeds {
        need: *need,
        elder: req.elder,
        partners: req.partners,
        link: req.link,
    };
    let now = req.now;
    let (out, needs) = s
        .quick
        .run(&s.metrics, "dispatch", move || {
            session_dispatch(&state, &id2, &session, new, now, commit)
        })
        .await??;
    if commit {
        s.sessions.resize(&id, needs);
    }
    Ok(Json(out))
}

/// The stateless form: a need of the given problem into the given plan.
async fn dispatch_stateless(
    s: Arc<AppState>,
    req: DispatchRequest,
) -> Result<Json<DispatchResponse>, ApiError> {
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
    let problem = problem(&s, problem_in, Some("problem"))?;
    let now = req.now;
    let out = s
        .quick
        .run(&s.metrics, "dispatch", move || {
            let mut d = carematch_core::dispatch::dispatch(&problem, plan, &need, now)?;
            let plan = std::mem::take(&mut d.plan);
            let mut out = response(need, d, None, &plan);
            out.plan = Some(plan);
            Ok::<_, Error>(out)
        })
        .await??;
    Ok(Json(out))
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
}

/// `POST /v1/recommend`: the best (carer, start) options to book a new need, cheapest
/// first, each keeping the plan feasible; nothing is committed.
#[utoipa::path(post, path = "/v1/recommend", request_body = RecommendRequest,
    responses((status = 200, body = carematch_core::wire::Recommendation), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn recommend(
    State(s): State<Arc<AppState>>,
    Body(body): Body,
) -> Result<Json<carematch_core::wire::Recommendation>, ApiError> {
    let req: RecommendRequest = parse(&body, ErrorKind::InvalidProblem)?;
    let count = req.count.unwrap_or(5);
    let new = NewNeeds {
        need: req.need,
        elder: req.elder,
        partners: Vec::new(),
        link: None,
    };
    let book = move |problem: &mut Problem, plan: &Plan| {
        let id = new.need.id.clone();
        let added = new.push(problem)?;
        let r = carematch_core::recommend::recommend(problem, plan, &id, count);
        added.pop(problem);
        r.map_err(ApiError::Input)
    };
    let out = match (req.plan_id, req.problem, req.plan) {
        (Some(id), None, None) => {
            let session = s
                .sessions
                .get(&id)
                .ok_or(ApiError::NotFound("no such plan session"))?;
            s.quick
                .run(&s.metrics, "recommend", move || {
                    let mut guard = session.lock().unwrap_or_else(|e| e.into_inner());
                    let sess = &mut *guard;
                    book(&mut sess.problem, &sess.plan)
                })
                .await??
        }
        (None, Some(p), Some(plan)) => {
            let mut problem = problem(&s, p, Some("problem"))?;
            s.quick
                .run(&s.metrics, "recommend", move || book(&mut problem, &plan))
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

/// Dispatches a new need into a session (on an engine thread, the session locked):
/// the need is added to the session's problem in O(the need)
/// ([`Problem::push_need`]), and taken out again unless the result is committed.
fn session_dispatch(
    s: &AppState,
    session_id: &str,
    session: &std::sync::Mutex<Session>,
    new: NewNeeds,
    now: Option<i64>,
    commit: bool,
) -> Result<(DispatchResponse, usize), ApiError> {
    let t0 = std::time::Instant::now();
    let mut guard = session.lock().unwrap_or_else(|e| e.into_inner());
    let sess = &mut *guard;
    if sess.problem.needs().len() + 1 + new.partners.len() > s.config.max_needs {
        return Err(invalid(
            "need",
            "the session is at this service's needs limit",
        ));
    }
    let id = new.need.id.clone();
    let added = new.push(&mut sess.problem)?;
    let validated = t0.elapsed();
    // Committed, the plan moves through the dispatch and back (no copy of 20,000
    // visits); a preview works on a copy.
    let plan = if commit {
        std::mem::take(&mut sess.plan)
    } else {
        sess.plan.clone()
    };
    let result = carematch_core::dispatch::dispatch(&sess.problem, plan, &id, now);
    let dispatched = t0.elapsed();
    let mut d = match result {
        Ok(d) => d,
        Err(e) => {
            added.pop(&mut sess.problem);
            if commit {
                // The session's own plan was refused: it cannot be trusted any more.
                tracing::error!("a session's plan was refused by dispatch; session dropped");
                drop(guard);
                s.sessions.remove(session_id);
                return Err(ApiError::Internal);
            }
            return Err(e.into());
        }
    };
    let needs = sess.problem.needs().len();
    tracing::debug!(
        validate_ms = validated.as_secs_f64() * 1e3,
        dispatch_ms = (dispatched - validated).as_secs_f64() * 1e3,
        "session dispatch"
    );
    let plan = std::mem::take(&mut d.plan);
    let changed = std::mem::take(&mut d.changed);
    let out = response(id, d, Some(changed), &plan);
    if commit {
        sess.plan = plan;
    } else {
        added.pop(&mut sess.problem);
    }
    Ok((out, needs))
}

/// The new needs of a session dispatch: the need, its elder when new, and (v1.1) the
/// other needs of its link and the link.
struct NewNeeds {
    need: NeedInput,
    elder: Option<ElderInput>,
    partners: Vec<NeedInput>,
    link: Option<LinkInput>,
}

/// What [`NewNeeds::push`] added, to take it out again.
struct Added {
    with_elder: bool,
    partners: usize,
    link: bool,
}

impl NewNeeds {
    /// Adds everything to `problem`, each validated as the problem's own (errors point
    /// at the request's fields: `need`, `elder`, `partners[j]`, `link`); on error
    /// nothing stays added.
    fn push(self, problem: &mut Problem) -> Result<Added, ApiError> {
        let root = FieldPath::root();
        let (k, m) = (problem.needs().len(), problem.elders().len());
        let mut added = Added {
            with_elder: self.elder.is_some(),
            partners: 0,
            link: false,
        };
        problem.push_need(self.need, self.elder).map_err(|e| {
            // An error inside the added need or elder points at the request's field.
            ApiError::Input(
                e.rebase(&root.key("needs").index(k), "need")
                    .rebase(&root.key("elders").index(m), "elder"),
            )
        })?;
        for (j, p) in self.partners.into_iter().enumerate() {
            if let Err(e) = problem.push_need(p, None) {
                added.pop(problem);
                let at = root.key("partners").index(j);
                return Err(ApiError::Input(
                    e.moved(&root.key("needs").index(k + 1 + j), &at),
                ));
            }
            added.partners += 1;
        }
        if let Some(l) = self.link {
            let n = problem.links().len();
            problem.push_link(l).map_err(|e| {
                added.pop(problem);
                ApiError::Input(e.rebase(&root.key("links").index(n), "link"))
            })?;
            added.link = true;
        }
        Ok(added)
    }
}

impl Added {
    /// Takes out what [`NewNeeds::push`] added.
    fn pop(&self, problem: &mut Problem) {
        if self.link {
            problem.pop_link();
        }
        for _ in 0..self.partners {
            problem.pop_need(false);
        }
        problem.pop_need(self.with_elder);
    }
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
        reason,
        detail,
        summary: plan.summary.clone(),
        plan: None,
        changed_routes: changed,
    }
}
