//! The session store: what survives the process. One small trait, [`Store`], and three
//! implementations: SQLite in a file (the default, `sqlite.rs`: WAL, every write
//! durable before it returns), PostgreSQL (`postgres.rs`: several `serve` replicas on
//! one database), and memory (`memory.rs`: tests, `--store memory`).
//!
//! A plan session is stored as its problem and plan as created, the latest snapshot of
//! its plan, and an append-only list of the changes accepted since — each the request
//! that made it and the [`carematch_core::patch::PlanPatch`] it made. Changes go through
//! [`Store::write`], which holds the session against every other writer (in this
//! process and, with PostgreSQL, in every replica) while the caller catches up with the
//! changes it has not seen, decides, and hands back the change to append. Jobs
//! (`POST /v1/jobs`) and the responses kept under an `Idempotency-Key` live here too,
//! and the time-bank entries of each session's current plan (`GET /v1/accounts/…`),
//! replaced with every change the session accepts.
//!
//! Every method blocks: the service calls them off the async runtime. The schema is
//! created and migrated by the store itself when it opens.

mod memory;
mod postgres;
mod sqlite;

use std::sync::Arc;

use serde::Serialize;

use crate::error::ApiError;
pub use carematch_core::accounts::AccountEntry;

pub use memory::MemoryStore;
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// What went wrong in the store (the caller maps it to a 500 or a 503; the message is
/// logged, never sent).
#[derive(Debug)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError(format!("sqlite: {e}"))
    }
}

impl From<::postgres::Error> for StoreError {
    fn from(e: ::postgres::Error) -> Self {
        StoreError(format!("postgres: {e}"))
    }
}

impl From<r2d2::Error> for StoreError {
    fn from(e: r2d2::Error) -> Self {
        StoreError(format!("postgres pool: {e}"))
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "store");
        ApiError::Store
    }
}

/// A stored plan session, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SessionInfo {
    /// The session id.
    pub id: String,
    /// The API key id that owns it (`""` without keys).
    #[serde(skip)]
    pub owner: String,
    /// Its version: 1 as created, one more per accepted change.
    pub version: i64,
    /// Needs in its problem.
    pub needs: i64,
    /// When it was created, ms since the epoch.
    pub created_ms: i64,
    /// When it last changed or was read, ms since the epoch (expiry counts from it).
    pub touched_ms: i64,
}

/// A session as stored: its problem and plan as created (JSON), and the latest
/// snapshot of its plan.
#[derive(Debug, Clone)]
pub struct Stored {
    /// The session.
    pub info: SessionInfo,
    /// The problem as created (`ProblemInput` JSON, the service's clamps applied).
    pub problem: Vec<u8>,
    /// The plan as created (`Plan` JSON).
    pub plan: Vec<u8>,
    /// The version the snapshot is of.
    pub snapshot_version: i64,
    /// The plan at `snapshot_version` (`Plan` JSON).
    pub snapshot: Vec<u8>,
    /// What the plan as created puts on time-bank accounts
    /// ([`carematch_core::accounts::entries`]); written by [`Store::create`], read back by
    /// [`Accounts::account`] (not by [`Store::load`]).
    pub accounts: Vec<AccountEntry>,
}

/// One time-bank entry as a session posts it: what its plan at `version` puts on the
/// account. A session's entries are replaced whole by each change it accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Posted {
    /// The session.
    pub session: String,
    /// The session's version whose plan made the entry.
    pub version: i64,
    /// The entry.
    #[serde(flatten)]
    pub entry: AccountEntry,
}

/// One accepted change of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The version it made.
    pub version: i64,
    /// What made it: `dispatch`, …
    pub kind: String,
    /// When, ms since the epoch.
    pub at_ms: i64,
    /// The request as accepted (JSON): what it added to the problem under `added`.
    pub request: Vec<u8>,
    /// What it did to the plan (`PlanPatch` JSON).
    pub patch: Vec<u8>,
}

/// A change to append ([`Store::write`]).
#[derive(Debug, Clone)]
pub struct Append {
    /// The change (its `version` is the store's: one more than the current).
    pub change: Change,
    /// Needs in the session's problem after it.
    pub needs: i64,
    /// The response to keep under an idempotency key, with the change.
    pub keep: Option<(Idem, Kept)>,
    /// What the session's plan after the change puts on time-bank accounts: replaces
    /// the session's entries in the same transaction.
    pub accounts: Vec<AccountEntry>,
}

/// What the writer was told: the session's version now, and the changes after the
/// version it knew.
#[derive(Debug, Clone)]
pub struct Current {
    /// The stored version.
    pub version: i64,
    /// The changes after the caller's known version, in order.
    pub changes: Vec<Change>,
}

/// Why [`Store::write`] wrote nothing.
#[derive(Debug)]
pub enum WriteError {
    /// No such session.
    NotFound,
    /// The caller refused (its error is the answer).
    Refused(ApiError),
    /// Another request with the same idempotency key won the race; its kept response
    /// is the answer.
    Raced,
    /// The store failed.
    Store(StoreError),
}

impl From<StoreError> for WriteError {
    fn from(e: StoreError) -> Self {
        WriteError::Store(e)
    }
}

/// An idempotency key: the owner, the client's key, and the hash of the request it
/// came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idem {
    /// The API key id.
    pub owner: String,
    /// The client's `Idempotency-Key`.
    pub key: String,
    /// SHA-256 of the request (method, path, body).
    pub hash: Vec<u8>,
}

/// A response kept under an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    /// SHA-256 of the request it answered.
    pub hash: Vec<u8>,
    /// Its status.
    pub status: u16,
    /// Its `Location` header.
    pub location: Option<String>,
    /// Its `ETag` header.
    pub etag: Option<String>,
    /// Its body; `None`: the plan, as created, of the session `location` names.
    pub body: Option<Vec<u8>>,
}

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for a solve slot (and for its key's running jobs to be under the
    /// limit).
    Queued,
    /// Being solved.
    Running,
    /// Solved: its plan is a session.
    Done,
    /// It could not be solved; `error` says why.
    Failed,
    /// Cancelled before it finished.
    Cancelled,
}

impl JobState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
        }
    }

    /// The state of a stored name.
    pub fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "queued" => JobState::Queued,
            "running" => JobState::Running,
            "done" => JobState::Done,
            "failed" => JobState::Failed,
            "cancelled" => JobState::Cancelled,
            other => return Err(StoreError(format!("unknown job state {other}"))),
        })
    }

    /// Whether the job is over.
    pub fn finished(self) -> bool {
        matches!(
            self,
            JobState::Done | JobState::Failed | JobState::Cancelled
        )
    }
}

/// A solve job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The job id.
    pub id: String,
    /// The API key id that owns it.
    pub owner: String,
    /// Where it is.
    pub state: JobState,
    /// The solve's phase while it runs (`candidates`, `construction`, `search`, `plan`).
    pub phase: String,
    /// The best plan's objective so far (`Objective` JSON).
    pub best: Option<String>,
    /// Its plan session, once done.
    pub session: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
    /// When it was queued, started and finished, ms since the epoch.
    pub created_ms: i64,
    /// When it (last) started.
    pub started_ms: Option<i64>,
    /// When it finished.
    pub finished_ms: Option<i64>,
    /// How many times it started.
    pub attempts: i64,
    /// Whether a cancel was asked for while it ran.
    pub cancel: bool,
}

/// How a job ended ([`Store::finish_job`]).
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Solved: its plan, stored as a session in the same transaction.
    Done(Box<Stored>),
    /// Not solved, and why.
    Failed(String),
    /// Cancelled.
    Cancelled,
}

/// The time-bank entries a store keeps with its sessions (written by
/// [`Store::create`] and [`Store::write`]), read back. Blocks.
pub trait Accounts {
    /// The entries `owner`'s sessions post on time-bank account `account`, by session
    /// then kind (earned before spent).
    fn account(&self, owner: &str, account: &str) -> Result<Vec<Posted>, StoreError>;
}

/// A store of plan sessions, jobs and kept responses. Every method blocks.
pub trait Store: Accounts + Send + Sync {
    /// Stores a new session (and the response kept under an idempotency key, in the
    /// same transaction). [`WriteError::Raced`] when the key was taken meanwhile.
    fn create(&self, s: &Stored, keep: Option<&(Idem, Kept)>) -> Result<(), WriteError>;

    /// Session `id` (of `owner`, when given), as stored.
    fn load(&self, owner: Option<&str>, id: &str) -> Result<Option<Stored>, StoreError>;

    /// The changes of session `id` after version `after`, at most `limit`, in order.
    fn changes(&self, id: &str, after: i64, limit: usize) -> Result<Vec<Change>, StoreError>;

    /// Session `id`'s version, if it is stored.
    fn version(&self, id: &str) -> Result<Option<i64>, StoreError>;

    /// `owner`'s sessions after id `after`, by id, at most `limit`.
    fn list(
        &self,
        owner: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<SessionInfo>, StoreError>;

    /// Deletes session `id` of `owner` and its changes; whether it was there.
    fn delete(&self, owner: &str, id: &str) -> Result<bool, StoreError>;

    /// Records that session `id` was used now (expiry counts from it).
    fn touch(&self, id: &str, now_ms: i64) -> Result<(), StoreError>;

    /// Deletes the sessions untouched since `before_ms`; how many.
    fn expire(&self, before_ms: i64) -> Result<usize, StoreError>;

    /// Keeps `plan` as the snapshot of session `id` at `version`, when newer than the
    /// one kept.
    fn snapshot(&self, id: &str, version: i64, plan: &[u8]) -> Result<(), StoreError>;

    /// Holds session `id` against every other writer while `f` decides: `f` is told
    /// the version now and the changes after `known`, and returns the change to append
    /// (its version one more than the current), or `None` to write nothing. The change
    /// is durable when this returns its version.
    fn write(
        &self,
        id: &str,
        known: i64,
        f: &mut dyn FnMut(&Current) -> Result<Option<Append>, ApiError>,
    ) -> Result<Option<i64>, WriteError>;

    /// The response kept under `owner`'s idempotency key `key`.
    fn kept(&self, owner: &str, key: &str) -> Result<Option<Kept>, StoreError>;

    /// Stores a queued job and its request (and the kept response).
    fn create_job(
        &self,
        job: &Job,
        request: &[u8],
        keep: Option<&(Idem, Kept)>,
    ) -> Result<(), WriteError>;

    /// Job `id` (of `owner`, when given).
    fn job(&self, owner: Option<&str>, id: &str) -> Result<Option<Job>, StoreError>;

    /// Takes the oldest queued job whose owner runs fewer jobs than `limit` says, for
    /// `worker`: running, started now. Claims are one at a time across replicas.
    fn claim(
        &self,
        worker: &str,
        now_ms: i64,
        limit: &dyn Fn(&str) -> usize,
    ) -> Result<Option<(Job, Vec<u8>)>, StoreError>;

    /// A running job's progress; whether a cancel was asked for.
    fn heartbeat(
        &self,
        id: &str,
        worker: &str,
        phase: &str,
        best: Option<&str>,
        now_ms: i64,
    ) -> Result<bool, StoreError>;

    /// Ends a running job of `worker` (nothing when another worker took it over).
    fn finish_job(
        &self,
        id: &str,
        worker: &str,
        outcome: &Outcome,
        now_ms: i64,
    ) -> Result<(), StoreError>;

    /// Cancels job `id` of `owner`: a queued one at once, a running one at its next
    /// heartbeat. The job as it is then.
    fn cancel_job(&self, owner: &str, id: &str, now_ms: i64) -> Result<Option<Job>, StoreError>;

    /// Running jobs whose heartbeat is older than `stale_ms` (their process is gone)
    /// go back to the queue, or fail after `max_attempts` starts; how many.
    fn requeue_stale(&self, stale_ms: i64, max_attempts: i64) -> Result<usize, StoreError>;

    /// `sqlite`, `postgres` or `memory`.
    fn kind(&self) -> &'static str;
}

/// A time-bank account's statement: its balance (earned less spent) over the caller's
/// sessions, and every entry that makes it (`GET /v1/accounts/{account}`,
/// `carematch account`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Statement {
    /// The account.
    pub account: String,
    /// Minutes earned less minutes spent (may be below zero).
    pub balance: i64,
    /// Minutes earned.
    pub earned: i64,
    /// Minutes spent.
    pub spent: i64,
    /// The entries, by session then kind.
    pub entries: Vec<Posted>,
}

/// The statement of `owner`'s time-bank account `account`: its balance is the sum of
/// its entries, by construction.
pub fn statement(store: &dyn Store, owner: &str, account: &str) -> Result<Statement, StoreError> {
    let entries = store.account(owner, account)?;
    let sum = |k| {
        entries
            .iter()
            .filter(|p| p.entry.kind == k)
            .map(|p| p.entry.minutes)
            .sum::<i64>()
    };
    let (earned, spent) = (
        sum(carematch_core::accounts::EntryKind::Earned),
        sum(carematch_core::accounts::EntryKind::Spent),
    );
    Ok(Statement {
        account: account.to_owned(),
        balance: earned - spent,
        earned,
        spent,
        entries,
    })
}

/// The stored name of an entry's kind.
pub(crate) fn kind_name(k: carematch_core::accounts::EntryKind) -> &'static str {
    match k {
        carematch_core::accounts::EntryKind::Earned => "earned",
        carematch_core::accounts::EntryKind::Spent => "spent",
    }
}

/// The kind of a stored name.
pub(crate) fn kind_of(s: &str) -> Result<carematch_core::accounts::EntryKind, StoreError> {
    match s {
        "earned" => Ok(carematch_core::accounts::EntryKind::Earned),
        "spent" => Ok(carematch_core::accounts::EntryKind::Spent),
        other => Err(StoreError(format!("unknown entry kind {other}"))),
    }
}

/// How to open a store: `memory`, `postgres://…`, or a folder for SQLite.
pub fn open(spec: &str, data: &std::path::Path) -> Result<Arc<dyn Store>, StoreError> {
    if spec == "memory" {
        return Ok(Arc::new(MemoryStore::default()));
    }
    if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
        return Ok(Arc::new(PostgresStore::open(spec)?));
    }
    if spec == "sqlite" {
        std::fs::create_dir_all(data)
            .map_err(|e| StoreError(format!("cannot create {}: {e}", data.display())))?;
        return Ok(Arc::new(SqliteStore::open(&data.join("carematch.db"))?));
    }
    Err(StoreError(format!(
        "--store {spec}: give sqlite, memory or a postgres:// address"
    )))
}
