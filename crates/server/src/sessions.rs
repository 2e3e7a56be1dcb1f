//! Plan sessions as the handlers use them: every session is stored
//! ([`crate::store`]); those in use are also held in memory, in a cache of the least
//! recently used `--sessions` (memory stays bounded whatever the number stored).
//!
//! A session held here knows the version it is at. Before it is read or changed it
//! catches up with the changes other replicas stored since ([`Sessions::with`],
//! [`Sessions::change`]), replaying each: the needs it added to the problem
//! ([`Growth`]) and the patch it made to the plan. A change is computed while the
//! store holds the session against every other writer, and is durable before the
//! caller answers.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use carematch_core::patch::PlanPatch;
use carematch_core::wire::{ElderInput, LinkInput, NeedInput};
use carematch_core::{FieldPath, Plan, Problem, ProblemInput};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::store::{now_ms, Append, Change, Idem, Kept, SessionInfo, Store, Stored, WriteError};

/// A session's plan is kept whole (its snapshot) again once the patches stored after
/// the last snapshot add up to this share of the snapshot's size; a load replays
/// those patches. So a load reads at most about half a plan more than the plan, and
/// snapshots cost at most twice the bytes of the changes: a big plan, changed a few
/// routes at a time, is written whole about every hundred changes, a small one every
/// few.
const SNAPSHOT_SHARE: usize = 2;

/// How often a read records that a session is in use (expiry counts from it), ms.
const TOUCH_EVERY_MS: i64 = 60_000;

/// One session in memory.
pub struct Live {
    /// The problem (with the needs added since it was created).
    pub problem: Problem,
    /// The plan at `version`.
    pub plan: Plan,
    /// The session's version.
    pub version: i64,
    /// The key id that owns it.
    pub owner: String,
    /// The version the stored snapshot is of.
    snapshot_version: i64,
    /// The stored snapshot's size in bytes (as last known).
    snapshot_bytes: usize,
    /// Bytes of the patches stored after the snapshot.
    since_snapshot: usize,
    /// When a read last recorded it in use.
    touched_ms: i64,
    /// False after a change left it half done (a failed write): reloaded before use.
    valid: bool,
}

impl Live {
    /// Marks the session as not to be trusted (a change left it half done): it is
    /// loaded again from the store before its next use.
    pub fn invalidate(&mut self) {
        self.valid = false;
    }
}

/// What a change added to a session's problem: a need, its elder when new, and the
/// other needs of its link and the link.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Growth {
    /// The need.
    pub need: NeedInput,
    /// Its elder, when not in the problem yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elder: Option<ElderInput>,
    /// The other needs of its link.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partners: Vec<NeedInput>,
    /// The link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<LinkInput>,
}

/// What [`Growth::push`] added, to take it out again.
pub struct Grown {
    with_elder: bool,
    partners: usize,
    link: bool,
}

impl Growth {
    /// Adds everything to `problem`, each validated as the problem's own (errors point
    /// at the request's fields: `need`, `elder`, `partners[j]`, `link`); on error
    /// nothing stays added.
    pub fn push(&self, problem: &mut Problem) -> Result<Grown, ApiError> {
        let root = FieldPath::root();
        let (k, m) = (problem.needs().len(), problem.elders().len());
        let mut added = Grown {
            with_elder: self.elder.is_some(),
            partners: 0,
            link: false,
        };
        problem
            .push_need(self.need.clone(), self.elder.clone())
            .map_err(|e| {
                // An error inside the added need or elder points at the request's field.
                ApiError::Input(
                    e.rebase(&root.key("needs").index(k), "need")
                        .rebase(&root.key("elders").index(m), "elder"),
                )
            })?;
        for (j, p) in self.partners.iter().enumerate() {
            if let Err(e) = problem.push_need(p.clone(), None) {
                added.pop(problem);
                let at = root.key("partners").index(j);
                return Err(ApiError::Input(
                    e.moved(&root.key("needs").index(k + 1 + j), &at),
                ));
            }
            added.partners += 1;
        }
        if let Some(l) = &self.link {
            let n = problem.links().len();
            problem.push_link(l.clone()).map_err(|e| {
                added.pop(problem);
                ApiError::Input(e.rebase(&root.key("links").index(n), "link"))
            })?;
            added.link = true;
        }
        Ok(added)
    }

    /// How many needs it adds.
    pub fn needs(&self) -> usize {
        1 + self.partners.len()
    }
}

impl Grown {
    /// Takes out what [`Growth::push`] added.
    pub fn pop(&self, problem: &mut Problem) {
        if self.link {
            problem.pop_link();
        }
        for _ in 0..self.partners {
            problem.pop_need(false);
        }
        problem.pop_need(self.with_elder);
    }
}

/// The part of a stored change's request a replay reads: what it added.
#[derive(Deserialize)]
struct Replayed {
    #[serde(default)]
    added: Option<Growth>,
    /// A batch of events: its needs and absences.
    #[serde(default)]
    events: Option<carematch_core::wire::EventBatch>,
}

/// The sessions: the store, and the cache of those in use.
pub struct Sessions {
    store: Arc<dyn Store>,
    cache: Mutex<lru::LruCache<String, Arc<Mutex<Live>>>>,
}

impl Sessions {
    /// Sessions in `store`, at most `cached` of them in memory.
    pub fn new(store: Arc<dyn Store>, cached: usize) -> Self {
        let cap = NonZeroUsize::new(cached.max(1)).unwrap_or(NonZeroUsize::MIN);
        Self {
            store,
            cache: Mutex::new(lru::LruCache::new(cap)),
        }
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Sessions held in memory.
    pub fn cached(&self) -> usize {
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Stores a new session of `owner` — `input` as the service validated it into
    /// `problem`, and its `plan` — and holds it. `keep` is kept under its idempotency
    /// key with it (its `location` filled in with the session's).
    pub fn create(
        &self,
        owner: &str,
        input: &ProblemInput,
        problem: Problem,
        plan: Plan,
        keep: Option<(Idem, Kept)>,
    ) -> Result<SessionInfo, WriteError> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let stored = stored(owner, &id, input, &problem, &plan)?;
        let keep = keep.map(|(i, k)| {
            (
                i,
                Kept {
                    location: Some(format!("/v1/plans/{id}")),
                    etag: Some(etag(1)),
                    ..k
                },
            )
        });
        self.store.create(&stored, keep.as_ref())?;
        let live = Live {
            problem,
            plan,
            version: 1,
            owner: owner.to_owned(),
            snapshot_version: 1,
            snapshot_bytes: stored.snapshot.len(),
            since_snapshot: 0,
            touched_ms: stored.info.touched_ms,
            valid: true,
        };
        self.hold(&id, Arc::new(Mutex::new(live)));
        Ok(stored.info)
    }

    fn hold(&self, id: &str, live: Arc<Mutex<Live>>) {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.put(id.to_owned(), live);
    }

    /// Drops session `id` from memory (it stays stored).
    pub fn forget(&self, id: &str) {
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).pop(id);
    }

    /// Session `id` of `owner`, held or loaded; 404 when it is not stored (or not
    /// `owner`'s).
    fn open(&self, owner: &str, id: &str) -> Result<Arc<Mutex<Live>>, ApiError> {
        let held = self
            .cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .cloned();
        if let Some(live) = held {
            if live.lock().unwrap_or_else(|e| e.into_inner()).owner == owner {
                return Ok(live);
            }
            return Err(ApiError::NotFound("no such plan session"));
        }
        let live = Arc::new(Mutex::new(self.load(owner, id)?));
        self.hold(id, live.clone());
        Ok(live)
    }

    /// Loads session `id` of `owner` from the store: its problem with every need the
    /// changes added, its snapshot with the patches after it.
    fn load(&self, owner: &str, id: &str) -> Result<Live, ApiError> {
        let stored = self
            .store
            .load(Some(owner), id)?
            .ok_or(ApiError::NotFound("no such plan session"))?;
        let changes = self.store.changes(id, 1, usize::MAX)?;
        let input: ProblemInput = serde_json::from_slice(&stored.problem).map_err(corrupt)?;
        let problem = Problem::from_input(input).map_err(corrupt)?;
        let plan: Plan = serde_json::from_slice(&stored.snapshot).map_err(corrupt)?;
        let mut live = Live {
            problem,
            plan,
            version: 1,
            owner: stored.info.owner.clone(),
            snapshot_version: stored.snapshot_version,
            snapshot_bytes: stored.snapshot.len(),
            since_snapshot: 0,
            touched_ms: stored.info.touched_ms,
            valid: true,
        };
        // Every change's needs first (the patches name them), then the patches after
        // the snapshot.
        let mut patches = Vec::new();
        for c in &changes {
            grow(&mut live.problem, c)?;
            if c.version > stored.snapshot_version {
                patches.push(c);
            }
            live.version = c.version;
        }
        for c in &patches {
            let patch: PlanPatch = serde_json::from_slice(&c.patch).map_err(corrupt)?;
            carematch_core::patch::replay(&live.problem, &mut live.plan, &patch);
            live.since_snapshot += c.patch.len();
        }
        if !patches.is_empty() {
            carematch_core::patch::settle(&live.problem, &mut live.plan);
        }
        Ok(live)
    }

    /// `f` on session `id` of `owner`, caught up with the store (held locked: `f` must
    /// leave it as it found it). Records now and then that the session is in use.
    pub fn with<T>(
        &self,
        owner: &str,
        id: &str,
        f: impl FnOnce(&mut Live) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let live = self.open(owner, id)?;
        let mut guard = live.lock().unwrap_or_else(|e| e.into_inner());
        self.renew(&mut guard, owner, id)?;
        if let Some(v) = self.store.version(id)? {
            if v > guard.version {
                let changes = self.store.changes(id, guard.version, usize::MAX)?;
                catch_up(&mut guard, &changes)?;
            }
        } else {
            drop(guard);
            self.forget(id);
            return Err(ApiError::NotFound("no such plan session"));
        }
        let now = now_ms();
        if now - guard.touched_ms > TOUCH_EVERY_MS {
            guard.touched_ms = now;
            self.store.touch(id, now)?;
        }
        f(&mut guard)
    }

    /// A change of session `id` of `owner`: `f` decides on the session caught up with
    /// the store — the session's next version given — and returns the change to
    /// append with its answer, or `None` for no change (then it must leave the session
    /// as it found it). The change is durable when this returns its answer and the
    /// session's new version.
    pub fn change<T>(
        &self,
        owner: &str,
        id: &str,
        mut f: impl FnMut(&mut Live, i64) -> Result<Option<(Append, T)>, ApiError>,
    ) -> Result<Option<(T, i64)>, ApiError> {
        let live = self.open(owner, id)?;
        let mut guard = live.lock().unwrap_or_else(|e| e.into_inner());
        self.renew(&mut guard, owner, id)?;
        let (mut answer, mut patched) = (None, 0);
        let written = self.store.write(id, guard.version, &mut |current| {
            catch_up(&mut guard, &current.changes)?;
            match f(&mut guard, current.version + 1)? {
                None => Ok(None),
                Some((append, t)) => {
                    answer = Some(t);
                    patched = append.change.patch.len();
                    Ok(Some(append))
                }
            }
        });
        // `f` decided a change that was then not stored: the session in memory is
        // ahead of the store.
        let decided = answer.is_some();
        match written {
            Ok(Some(version)) => {
                guard.version = version;
                guard.since_snapshot += patched;
                if guard.since_snapshot * SNAPSHOT_SHARE >= guard.snapshot_bytes {
                    guard.snapshot_version = version;
                    guard.since_snapshot = 0;
                    self.snapshot(id, version, guard.plan.clone());
                }
                Ok(answer.map(|a| (a, version)))
            }
            Ok(None) => Ok(None),
            Err(e) => {
                // Whatever `f` did is not stored: start again from the store next time.
                if decided || !guard.valid {
                    guard.valid = false;
                    drop(guard);
                    self.forget(id);
                }
                Err(match e {
                    WriteError::NotFound => ApiError::NotFound("no such plan session"),
                    WriteError::Refused(e) => e,
                    WriteError::Raced => ApiError::Raced,
                    WriteError::Store(e) => e.into(),
                })
            }
        }
    }

    /// Reloads a session a failed change left half done.
    fn renew(&self, live: &mut Live, owner: &str, id: &str) -> Result<(), ApiError> {
        if !live.valid {
            *live = self.load(owner, id)?;
        }
        Ok(())
    }

    /// Keeps `plan` as session `id`'s snapshot at `version`, off the request's path.
    fn snapshot(&self, id: &str, version: i64, plan: Plan) {
        let (store, id) = (self.store.clone(), id.to_owned());
        std::thread::spawn(move || {
            let written = serde_json::to_vec(&plan)
                .map_err(|e| crate::store::StoreError(e.to_string()))
                .and_then(|bytes| store.snapshot(&id, version, &bytes));
            if let Err(e) = written {
                tracing::warn!(error = %e, "snapshot not kept (the changes still are)");
            }
        });
    }
}

/// A session's stored form as created.
fn stored(
    owner: &str,
    id: &str,
    input: &ProblemInput,
    problem: &Problem,
    plan: &Plan,
) -> Result<Stored, crate::store::StoreError> {
    let json = |e: serde_json::Error| crate::store::StoreError(e.to_string());
    let accounts = carematch_core::accounts::entries(problem, plan);
    let plan = serde_json::to_vec(plan).map_err(json)?;
    let now = now_ms();
    Ok(Stored {
        info: SessionInfo {
            id: id.to_owned(),
            owner: owner.to_owned(),
            version: 1,
            needs: problem.needs().len() as i64,
            created_ms: now,
            touched_ms: now,
        },
        problem: serde_json::to_vec(input).map_err(json)?,
        snapshot: plan.clone(),
        plan,
        snapshot_version: 1,
        accounts,
    })
}

/// A session's stored form for a job's plan (see [`crate::jobs`]).
pub fn stored_for_job(
    owner: &str,
    input: &ProblemInput,
    problem: &Problem,
    plan: &Plan,
) -> Result<Stored, crate::store::StoreError> {
    stored(
        owner,
        &uuid::Uuid::new_v4().simple().to_string(),
        input,
        problem,
        plan,
    )
}

/// Adds what change `c` added to `problem`.
fn grow(problem: &mut Problem, c: &Change) -> Result<(), ApiError> {
    let r: Replayed = serde_json::from_slice(&c.request).map_err(corrupt)?;
    if let Some(g) = r.added {
        g.push(problem)
            .map_err(|_| corrupt("a stored need no longer validates"))?;
    }
    if let Some(batch) = r.events {
        carematch_core::events::grow(problem, &batch)
            .map_err(|_| corrupt("a stored event no longer validates"))?;
    }
    Ok(())
}

/// Replays `changes` (after `live`'s version) on `live`.
fn catch_up(live: &mut Live, changes: &[Change]) -> Result<(), ApiError> {
    let known = live.version;
    let mut replayed = false;
    for c in changes.iter().filter(|c| c.version > known) {
        grow(&mut live.problem, c)?;
        let patch: PlanPatch = serde_json::from_slice(&c.patch).map_err(corrupt)?;
        carematch_core::patch::replay(&live.problem, &mut live.plan, &patch);
        live.since_snapshot += c.patch.len();
        live.version = c.version;
        replayed = true;
    }
    if replayed {
        carematch_core::patch::settle(&live.problem, &mut live.plan);
    }
    Ok(())
}

/// A stored session that cannot be read back.
fn corrupt(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "a stored session cannot be read back");
    ApiError::Internal
}

/// The `ETag` of a session's `version`.
///
/// ```
/// assert_eq!(carematch_server::sessions::etag(7), "\"7\"");
/// ```
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}
