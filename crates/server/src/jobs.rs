//! Solve jobs: `POST /v1/jobs` stores a problem as a queued job and answers at once;
//! the runner of every replica takes the oldest queued job whose key runs fewer jobs
//! than its limit, whenever a solve slot is free, solves it, and stores its plan as a
//! session. While a job runs, its phase and best plan so far are stored every
//! [`HEARTBEAT_MS`]; a cancel (`DELETE /v1/jobs/{id}`) stops it at its next search
//! iteration — at once on the replica that runs it, within a heartbeat on another.
//!
//! Nothing is lost with a process: a job whose heartbeat stops (its replica was
//! killed) goes back to the queue, and fails with a reason after [`MAX_ATTEMPTS`]
//! starts; at start a replica with a store of its own (SQLite, memory) requeues every
//! job that was running.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use carematch_core::solve::Progress;
use carematch_core::{Problem, ProblemInput};

use crate::store::{now_ms, Job, Outcome, Store};
use crate::AppState;

/// How often a running job's progress is stored (and a cancel from another replica
/// looked for), ms.
pub const HEARTBEAT_MS: u64 = 250;

/// A running job whose heartbeat is older than this is taken for dead, ms.
pub const STALE_MS: i64 = 15_000;

/// Starts after which a job that keeps being interrupted fails.
pub const MAX_ATTEMPTS: i64 = 2;

/// The jobs running in this replica, by id: their stop flags.
#[derive(Default)]
pub struct Running {
    flags: Mutex<HashMap<String, Arc<AtomicBool>>>,
    /// Woken when a job is queued, to claim it without waiting for the next poll.
    pub wake: tokio::sync::Notify,
}

impl Running {
    /// Stops job `id` if it runs here; whether it did.
    pub fn stop(&self, id: &str) -> bool {
        let flags = self.flags.lock().unwrap_or_else(|e| e.into_inner());
        flags
            .get(id)
            .map(|f| f.store(true, Ordering::Relaxed))
            .is_some()
    }

    /// Jobs running here.
    pub fn len(&self) -> usize {
        self.flags.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether none runs here.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn start(&self, id: &str) -> Arc<AtomicBool> {
        let flag = Arc::new(AtomicBool::new(false));
        let mut flags = self.flags.lock().unwrap_or_else(|e| e.into_inner());
        flags.insert(id.to_owned(), flag.clone());
        flag
    }

    fn end(&self, id: &str) {
        self.flags
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id);
    }
}

/// Runs jobs while the service runs: claims one whenever a solve slot frees, and
/// requeues the jobs of dead replicas.
pub async fn runner(s: Arc<AppState>) {
    let store = s.sessions.store().clone();
    // A store of its own: whatever ran before this process started is dead.
    if store.kind() != "postgres" {
        let _ = blocking(&store, |st| st.requeue_stale(i64::MAX, MAX_ATTEMPTS)).await;
    }
    let mut sweep = tokio::time::interval(Duration::from_millis(5_000));
    loop {
        let permit = s.engine.slot().await;
        let limits = s.keys.job_limits();
        let worker = s.worker.clone();
        let claimed = blocking(&store, move |st| {
            let open = limits.get("").copied().unwrap_or(1);
            st.claim(&worker, now_ms(), &|owner| {
                limits.get(owner).copied().unwrap_or(open)
            })
        })
        .await;
        match claimed {
            Some(Some((job, request))) => {
                tokio::spawn(run(s.clone(), permit, job, request));
                continue;
            }
            Some(None) | None => drop(permit),
        }
        tokio::select! {
            _ = s.running.wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
            _ = sweep.tick() => {
                let _ = blocking(&store, |st| st.requeue_stale(now_ms() - STALE_MS, MAX_ATTEMPTS)).await;
            }
        }
    }
}

/// `f` on the store, off the runtime; `None` (logged) when the store failed.
async fn blocking<T: Send + 'static>(
    store: &Arc<dyn Store>,
    f: impl FnOnce(&dyn Store) -> Result<T, crate::store::StoreError> + Send + 'static,
) -> Option<T> {
    let store = store.clone();
    match tokio::task::spawn_blocking(move || f(store.as_ref())).await {
        Ok(Ok(v)) => Some(v),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "job store");
            None
        }
        Err(_) => None,
    }
}

/// What a running solve has told its observer: its phase and best objective.
#[derive(Default)]
struct Seen {
    phase: String,
    best: Option<String>,
}

/// Runs one claimed job in `permit`'s slot, its heartbeat beside it, and stores how it
/// ended.
async fn run(
    s: Arc<AppState>,
    permit: tokio::sync::OwnedSemaphorePermit,
    job: Job,
    request: Vec<u8>,
) {
    let stop = s.running.start(&job.id);
    let seen = Arc::new(Mutex::new(Seen::default()));
    let (stop2, seen2, owner) = (stop.clone(), seen.clone(), job.owner.clone());
    let solved = s
        .engine
        .spawn(permit, move || solve(&request, &owner, &stop2, &seen2));
    let beat = heartbeat(s.clone(), job.id.clone(), stop.clone(), seen);
    tokio::pin!(solved);
    let result = tokio::select! {
        r = &mut solved => r,
        _ = beat => solved.await,
    };
    let outcome = match result {
        _ if stop.load(Ordering::Relaxed) => Outcome::Cancelled,
        Ok(Some(Ok(stored))) => Outcome::Done(Box::new(stored)),
        Ok(Some(Err(why))) => Outcome::Failed(why),
        _ => Outcome::Failed("the solve failed inside the service".into()),
    };
    let state = match &outcome {
        Outcome::Done(_) => "done",
        Outcome::Failed(_) => "failed",
        Outcome::Cancelled => "cancelled",
    };
    let (id, worker) = (job.id.clone(), s.worker.clone());
    let store = s.sessions.store().clone();
    let _ = blocking(&store, move |st| {
        st.finish_job(&id, &worker, &outcome, now_ms())
    })
    .await;
    s.running.end(&job.id);
    s.metrics.job_finished(&job.owner, state);
    s.running.wake.notify_one();
}

/// Stores the job's progress every [`HEARTBEAT_MS`] until it ends; sets `stop` when a
/// cancel was asked for (on another replica). Never returns by itself.
async fn heartbeat(s: Arc<AppState>, id: String, stop: Arc<AtomicBool>, seen: Arc<Mutex<Seen>>) {
    let store = s.sessions.store().clone();
    loop {
        tokio::time::sleep(Duration::from_millis(HEARTBEAT_MS)).await;
        let (phase, best) = {
            let g = seen.lock().unwrap_or_else(|e| e.into_inner());
            (g.phase.clone(), g.best.clone())
        };
        let (id2, worker) = (id.clone(), s.worker.clone());
        let cancel = blocking(&store, move |st| {
            st.heartbeat(&id2, &worker, &phase, best.as_deref(), now_ms())
        })
        .await;
        if cancel == Some(true) {
            stop.store(true, Ordering::Relaxed);
        }
    }
}

/// Solves a job's stored request (a problem as the service validated it) and its plan
/// as a session to store; or why not.
fn solve(
    request: &[u8],
    owner: &str,
    stop: &AtomicBool,
    seen: &Mutex<Seen>,
) -> Result<crate::store::Stored, String> {
    let input: ProblemInput =
        serde_json::from_slice(request).map_err(|e| format!("the stored problem: {e}"))?;
    let problem = Problem::from_input(input.clone()).map_err(|e| e.to_string())?;
    let observer = |p: Progress| {
        let mut g = seen.lock().unwrap_or_else(|e| e.into_inner());
        match p {
            Progress::Phase(name) => g.phase = name.to_owned(),
            Progress::Best { score, .. } => g.best = serde_json::to_string(&score).ok(),
            _ => {}
        }
    };
    let plan = carematch_core::solve::solve_controlled(
        &problem,
        carematch_core::Algorithm::Auto,
        &observer,
        stop,
    )
    .map_err(|e| e.to_string())?;
    crate::sessions::stored_for_job(owner, &input, &problem, &plan).map_err(|e| e.to_string())
}
