//! Plan sessions: the plans this service made, kept so that urgent needs can be
//! dispatched into them without the client sending 20,000 needs again.
//!
//! Each `POST /v1/plans` answer opens a session (its id is in the `Location` header);
//! `POST /v1/dispatch` with `plan_id` inserts a need into the session's plan and keeps
//! the result. Sessions live in memory only, bounded in number and in total needs; the
//! oldest is dropped first. They hold what the client sent (pseudonymous ids and
//! coordinates), nothing more, and are gone when the service stops.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use carematch_core::{Plan, Problem};

/// One session: the validated problem (with the needs dispatched since, added by
/// [`Problem::push_need`]) and the current plan.
pub struct Session {
    /// The problem.
    pub problem: Problem,
    /// The current plan.
    pub plan: Plan,
}

/// A kept session: its id, its number of needs, the session.
type Entry = (String, usize, Arc<Mutex<Session>>);

/// The bounded store of sessions.
pub struct Sessions {
    inner: Mutex<VecDeque<Entry>>,
    max_sessions: usize,
    max_needs: usize,
}

impl Sessions {
    /// A store holding at most `max_sessions` sessions of at most `max_needs` needs in
    /// all.
    pub fn new(max_sessions: usize, max_needs: usize) -> Self {
        Self {
            inner: Mutex::new(VecDeque::new()),
            max_sessions,
            max_needs,
        }
    }

    /// Stores a session and returns its id (dropping the oldest sessions beyond the
    /// bounds). With `max_sessions` 0 nothing is kept and `None` is returned.
    ///
    /// ```
    /// use carematch_server::sessions::{Session, Sessions};
    /// use carematch_core::{solve, Problem};
    /// let problem = Problem::from_json(br#"{"elders": [], "needs": [], "providers": []}"#).unwrap();
    /// let plan = solve(&problem).unwrap();
    /// let store = Sessions::new(1, 1000);
    /// let a = store.insert(Session { problem: problem.clone(), plan: plan.clone() }).unwrap();
    /// let b = store.insert(Session { problem, plan }).unwrap();
    /// assert!(store.get(&a).is_none()); // the oldest went first
    /// assert!(store.get(&b).is_some());
    /// ```
    pub fn insert(&self, session: Session) -> Option<String> {
        let needs = session.problem.needs().len();
        if self.max_sessions == 0 || needs > self.max_needs {
            return None;
        }
        let id = uuid::Uuid::new_v4().simple().to_string();
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.push_back((id.clone(), needs, Arc::new(Mutex::new(session))));
        while inner.len() > self.max_sessions
            || inner.iter().map(|s| s.1).sum::<usize>() > self.max_needs
        {
            inner.pop_front();
        }
        Some(id)
    }

    /// The session `id`, if it is still kept.
    pub fn get(&self, id: &str) -> Option<Arc<Mutex<Session>>> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner
            .iter()
            .find(|(k, _, _)| k == id)
            .map(|(_, _, s)| s.clone())
    }

    /// Records that session `id` now has `needs` needs (after a dispatch).
    pub fn resize(&self, id: &str, needs: usize) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = inner.iter_mut().find(|(k, _, _)| k == id) {
            s.1 = needs;
        }
    }

    /// Drops session `id`.
    pub fn remove(&self, id: &str) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.retain(|(k, _, _)| k != id);
    }

    /// Number of sessions kept.
    pub fn len(&self) -> usize {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// True when no session is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
