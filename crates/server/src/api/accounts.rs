//! `GET /v1/accounts/{account}`: a time-bank account's balance and statement over the
//! caller's plan sessions (what their current plans earn and spend).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::{Extension, Json};

use crate::error::{ApiError, ErrorBody};
use crate::keys::Caller;
use crate::store::Statement;
use crate::AppState;

/// `GET /v1/accounts/{account}`: the account's balance — minutes earned by the
/// volunteer it names, less minutes its elders drew — and the entries of the
/// caller's sessions that make it. An account nobody used has balance 0 and no entry.
#[utoipa::path(get, path = "/v1/accounts/{account}", params(("account" = String, Path, description = "a volunteer's id or an elder's time_bank_account")),
    responses((status = 200, body = Statement), (status = 400, body = ErrorBody)))]
pub async fn account(
    State(s): State<Arc<AppState>>,
    Path(account): Path<String>,
    Extension(who): Extension<Caller>,
) -> Result<Json<Statement>, ApiError> {
    if account.is_empty() || account.len() > 256 {
        return Err(ApiError::Query {
            path: "/account",
            message: "an account id of 1 to 256 bytes",
        });
    }
    let st = s.clone();
    s.quick
        .run(&s.metrics, "account", move || {
            let store = st.sessions.store();
            crate::store::statement(store.as_ref(), &who.id, &account)
        })
        .await?
        .map(Json)
        .map_err(ApiError::from)
}
