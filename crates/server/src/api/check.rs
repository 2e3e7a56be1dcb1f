//! `POST /v1/check`: a plan against every feasibility rule of the spec.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use carematch_core::wire::Plan;
use carematch_core::{ErrorKind, ProblemInput};
use serde::{Deserialize, Serialize};

use super::{parse, problem, Body};
use crate::error::{ApiError, ErrorBody};
use crate::AppState;

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
    let (plan, st) = (req.plan, s.clone());
    let violations = s
        .quick
        .run(&s.metrics, "check", move || {
            let (_, problem) = problem(&st, req.problem, Some("problem"))?;
            Ok::<_, ApiError>(carematch_core::check(&problem, &plan))
        })
        .await??;
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
