//! The store in memory (`--store memory`, tests): everything under one lock, gone
//! with the process.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use super::{
    AccountEntry, Accounts, Append, Change, Current, Idem, Job, JobState, Kept, Outcome, Posted,
    SessionInfo, Store, StoreError, Stored, WriteError,
};
use crate::error::ApiError;

/// A job as held: the job, its request, its worker and last heartbeat.
#[derive(Debug, Clone)]
struct Held {
    job: Job,
    request: Vec<u8>,
    worker: String,
    heartbeat_ms: i64,
}

#[derive(Debug, Default)]
struct State {
    sessions: BTreeMap<String, (Stored, Vec<Change>)>,
    jobs: BTreeMap<String, Held>,
    kept: HashMap<(String, String), Kept>,
    /// Per session, the version and the time-bank entries of its plan.
    accounts: BTreeMap<String, (i64, Vec<AccountEntry>)>,
}

/// The store in memory.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

impl MemoryStore {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl State {
    /// Keeps `keep`, unless its key is taken.
    fn keep(&mut self, keep: Option<&(Idem, Kept)>) -> Result<(), WriteError> {
        if let Some((idem, kept)) = keep {
            let k = (idem.owner.clone(), idem.key.clone());
            if self.kept.contains_key(&k) {
                return Err(WriteError::Raced);
            }
            self.kept.insert(k, kept.clone());
        }
        Ok(())
    }
}

impl Store for MemoryStore {
    fn kind(&self) -> &'static str {
        "memory"
    }

    fn create(&self, s: &Stored, keep: Option<&(Idem, Kept)>) -> Result<(), WriteError> {
        let mut st = self.state();
        st.keep(keep)?;
        st.sessions
            .insert(s.info.id.clone(), (s.clone(), Vec::new()));
        st.accounts
            .insert(s.info.id.clone(), (s.info.version, s.accounts.clone()));
        Ok(())
    }

    fn load(&self, owner: Option<&str>, id: &str) -> Result<Option<Stored>, StoreError> {
        let st = self.state();
        Ok(st
            .sessions
            .get(id)
            .filter(|(s, _)| owner.is_none_or(|o| o == s.info.owner))
            .map(|(s, _)| s.clone()))
    }

    fn changes(&self, id: &str, after: i64, limit: usize) -> Result<Vec<Change>, StoreError> {
        let st = self.state();
        Ok(st.sessions.get(id).map_or(Vec::new(), |(_, c)| {
            c.iter()
                .filter(|c| c.version > after)
                .take(limit)
                .cloned()
                .collect()
        }))
    }

    fn version(&self, id: &str) -> Result<Option<i64>, StoreError> {
        Ok(self.state().sessions.get(id).map(|(s, _)| s.info.version))
    }

    fn list(
        &self,
        owner: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<SessionInfo>, StoreError> {
        let st = self.state();
        Ok(st
            .sessions
            .values()
            .map(|(s, _)| &s.info)
            .filter(|i| i.owner == owner && after.is_none_or(|a| i.id.as_str() > a))
            .take(limit)
            .cloned()
            .collect())
    }

    fn delete(&self, owner: &str, id: &str) -> Result<bool, StoreError> {
        let mut st = self.state();
        let mine = st
            .sessions
            .get(id)
            .is_some_and(|(s, _)| s.info.owner == owner);
        if mine {
            st.sessions.remove(id);
            st.accounts.remove(id);
        }
        Ok(mine)
    }

    fn touch(&self, id: &str, now_ms: i64) -> Result<(), StoreError> {
        if let Some((s, _)) = self.state().sessions.get_mut(id) {
            s.info.touched_ms = now_ms;
        }
        Ok(())
    }

    fn expire(&self, before_ms: i64) -> Result<usize, StoreError> {
        let mut st = self.state();
        let n = st.sessions.len();
        st.sessions
            .retain(|_, (s, _)| s.info.touched_ms >= before_ms);
        let State {
            sessions, accounts, ..
        } = &mut *st;
        accounts.retain(|id, _| sessions.contains_key(id));
        Ok(n - st.sessions.len())
    }

    fn snapshot(&self, id: &str, version: i64, plan: &[u8]) -> Result<(), StoreError> {
        if let Some((s, _)) = self.state().sessions.get_mut(id) {
            if version > s.snapshot_version {
                s.snapshot_version = version;
                s.snapshot = plan.to_vec();
            }
        }
        Ok(())
    }

    fn write(
        &self,
        id: &str,
        known: i64,
        f: &mut dyn FnMut(&Current) -> Result<Option<Append>, ApiError>,
    ) -> Result<Option<i64>, WriteError> {
        let mut st = self.state();
        let (s, changes) = st.sessions.get(id).ok_or(WriteError::NotFound)?;
        let current = Current {
            version: s.info.version,
            changes: changes
                .iter()
                .filter(|c| c.version > known)
                .cloned()
                .collect(),
        };
        let Some(append) = f(&current).map_err(WriteError::Refused)? else {
            return Ok(None);
        };
        st.keep(append.keep.as_ref())?;
        let version = current.version + 1;
        let (s, changes) = st.sessions.get_mut(id).ok_or(WriteError::NotFound)?;
        s.info.version = version;
        s.info.needs = append.needs;
        s.info.touched_ms = append.change.at_ms;
        changes.push(Change {
            version,
            ..append.change
        });
        st.accounts
            .insert(id.to_owned(), (version, append.accounts));
        Ok(Some(version))
    }

    fn kept(&self, owner: &str, key: &str) -> Result<Option<Kept>, StoreError> {
        Ok(self
            .state()
            .kept
            .get(&(owner.to_owned(), key.to_owned()))
            .cloned())
    }

    fn create_job(
        &self,
        job: &Job,
        request: &[u8],
        keep: Option<&(Idem, Kept)>,
    ) -> Result<(), WriteError> {
        let mut st = self.state();
        st.keep(keep)?;
        st.jobs.insert(
            job.id.clone(),
            Held {
                job: job.clone(),
                request: request.to_vec(),
                worker: String::new(),
                heartbeat_ms: 0,
            },
        );
        Ok(())
    }

    fn job(&self, owner: Option<&str>, id: &str) -> Result<Option<Job>, StoreError> {
        Ok(self
            .state()
            .jobs
            .get(id)
            .filter(|h| owner.is_none_or(|o| o == h.job.owner))
            .map(|h| h.job.clone()))
    }

    fn claim(
        &self,
        worker: &str,
        now_ms: i64,
        limit: &dyn Fn(&str) -> usize,
    ) -> Result<Option<(Job, Vec<u8>)>, StoreError> {
        let mut st = self.state();
        let mut running: HashMap<String, usize> = HashMap::new();
        for h in st
            .jobs
            .values()
            .filter(|h| h.job.state == JobState::Running)
        {
            *running.entry(h.job.owner.clone()).or_default() += 1;
        }
        let mut queued: Vec<&Held> = st
            .jobs
            .values()
            .filter(|h| h.job.state == JobState::Queued)
            .collect();
        queued.sort_by_key(|h| (h.job.created_ms, h.job.id.clone()));
        let Some(id) = queued
            .into_iter()
            .find(|h| running.get(&h.job.owner).copied().unwrap_or(0) < limit(&h.job.owner))
            .map(|h| h.job.id.clone())
        else {
            return Ok(None);
        };
        let Some(h) = st.jobs.get_mut(&id) else {
            return Ok(None);
        };
        h.job.state = JobState::Running;
        h.job.started_ms = Some(now_ms);
        h.job.attempts += 1;
        h.worker = worker.to_owned();
        h.heartbeat_ms = now_ms;
        Ok(Some((h.job.clone(), h.request.clone())))
    }

    fn heartbeat(
        &self,
        id: &str,
        worker: &str,
        phase: &str,
        best: Option<&str>,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut st = self.state();
        let Some(h) = st.jobs.get_mut(id).filter(|h| h.worker == worker) else {
            return Ok(true);
        };
        h.job.phase = phase.to_owned();
        if best.is_some() {
            h.job.best = best.map(str::to_owned);
        }
        h.heartbeat_ms = now_ms;
        Ok(h.job.cancel || h.job.state != JobState::Running)
    }

    fn finish_job(
        &self,
        id: &str,
        worker: &str,
        outcome: &Outcome,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut st = self.state();
        let mine = st
            .jobs
            .get(id)
            .is_some_and(|h| h.worker == worker && h.job.state == JobState::Running);
        if !mine {
            return Ok(());
        }
        if let Outcome::Done(s) = outcome {
            st.sessions
                .insert(s.info.id.clone(), ((**s).clone(), Vec::new()));
        }
        if let Some(h) = st.jobs.get_mut(id) {
            finish(&mut h.job, outcome, now_ms);
        }
        Ok(())
    }

    fn cancel_job(&self, owner: &str, id: &str, now_ms: i64) -> Result<Option<Job>, StoreError> {
        let mut st = self.state();
        let Some(h) = st.jobs.get_mut(id).filter(|h| h.job.owner == owner) else {
            return Ok(None);
        };
        match h.job.state {
            JobState::Queued => finish(&mut h.job, &Outcome::Cancelled, now_ms),
            JobState::Running => h.job.cancel = true,
            _ => {}
        }
        Ok(Some(h.job.clone()))
    }

    fn requeue_stale(&self, stale_ms: i64, max_attempts: i64) -> Result<usize, StoreError> {
        let mut st = self.state();
        let mut n = 0;
        for h in st.jobs.values_mut() {
            if h.job.state == JobState::Running && h.heartbeat_ms < stale_ms {
                requeue(&mut h.job, max_attempts, super::now_ms());
                h.worker.clear();
                n += 1;
            }
        }
        Ok(n)
    }
}

impl Accounts for MemoryStore {
    fn account(&self, owner: &str, account: &str) -> Result<Vec<Posted>, StoreError> {
        let st = self.state();
        let mut out = Vec::new();
        for (id, (version, entries)) in &st.accounts {
            if st
                .sessions
                .get(id)
                .is_none_or(|(s, _)| s.info.owner != owner)
            {
                continue;
            }
            out.extend(
                entries
                    .iter()
                    .filter(|e| e.account == account)
                    .map(|e| Posted {
                        session: id.clone(),
                        version: *version,
                        entry: e.clone(),
                    }),
            );
        }
        Ok(out)
    }
}

/// Ends `job` with `outcome` at `now_ms`.
pub(super) fn finish(job: &mut Job, outcome: &Outcome, now_ms: i64) {
    job.finished_ms = Some(now_ms);
    match outcome {
        Outcome::Done(s) => {
            job.state = JobState::Done;
            job.session = Some(s.info.id.clone());
        }
        Outcome::Failed(why) => {
            job.state = JobState::Failed;
            job.error = Some(why.clone());
        }
        Outcome::Cancelled => job.state = JobState::Cancelled,
    }
}

/// A job whose process is gone: back to the queue, or failed after `max_attempts`
/// starts.
pub(super) fn requeue(job: &mut Job, max_attempts: i64, now_ms: i64) {
    if job.cancel {
        finish(job, &Outcome::Cancelled, now_ms);
    } else if job.attempts >= max_attempts {
        finish(
            job,
            &Outcome::Failed(format!(
                "the service stopped while it ran, {max_attempts} times"
            )),
            now_ms,
        );
    } else {
        job.state = JobState::Queued;
        job.phase = String::new();
    }
}
