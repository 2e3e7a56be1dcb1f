//! The store in a SQLite file (the default: `./carematch-data/carematch.db`). WAL with
//! `synchronous=FULL`: a write is on disk before it returns, so a `kill -9` or a power
//! loss keeps every change that was answered. One connection writes, one reads (WAL
//! lets them run side by side); one process at a time.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use super::memory::{finish, requeue};
use super::{
    AccountEntry, Accounts, Append, Change, Current, Idem, Job, JobState, Kept, Outcome, Posted,
    SessionInfo, Store, StoreError, Stored, WriteError,
};
use crate::error::ApiError;

/// The schema, version by version: each entry takes the previous version to the next.
/// Version 2 keeps a session's blobs (its problem and plan as created, its snapshot)
/// out of its row: SQLite rewrites a whole row on every update, and a session's
/// version and times change with every change. Version 3 adds the time-bank entries of
/// each session's current plan.
const MIGRATIONS: &[&str] = &[
    "
CREATE TABLE sessions (
  id TEXT PRIMARY KEY, owner TEXT NOT NULL, version INTEGER NOT NULL, needs INTEGER NOT NULL,
  created_ms INTEGER NOT NULL, touched_ms INTEGER NOT NULL,
  problem BLOB NOT NULL, plan BLOB NOT NULL,
  snapshot_version INTEGER NOT NULL, snapshot BLOB NOT NULL);
CREATE INDEX sessions_owner ON sessions (owner, id);
CREATE INDEX sessions_touched ON sessions (touched_ms);
CREATE TABLE changes (
  session TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  version INTEGER NOT NULL, kind TEXT NOT NULL, at_ms INTEGER NOT NULL,
  request BLOB NOT NULL, patch BLOB NOT NULL, PRIMARY KEY (session, version));
CREATE TABLE jobs (
  id TEXT PRIMARY KEY, owner TEXT NOT NULL, state TEXT NOT NULL, phase TEXT NOT NULL,
  best TEXT, session TEXT, error TEXT, created_ms INTEGER NOT NULL, started_ms INTEGER,
  finished_ms INTEGER, attempts INTEGER NOT NULL, cancel INTEGER NOT NULL,
  worker TEXT NOT NULL, heartbeat_ms INTEGER NOT NULL, request BLOB NOT NULL);
CREATE INDEX jobs_queue ON jobs (state, created_ms);
CREATE TABLE kept (
  owner TEXT NOT NULL, key TEXT NOT NULL, hash BLOB NOT NULL, status INTEGER NOT NULL,
  location TEXT, etag TEXT, body BLOB, PRIMARY KEY (owner, key));
",
    "
CREATE TABLE session_data (
  id TEXT PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
  problem BLOB NOT NULL, plan BLOB NOT NULL);
CREATE TABLE snapshots (
  id TEXT PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
  version INTEGER NOT NULL, plan BLOB NOT NULL);
INSERT INTO session_data (id, problem, plan) SELECT id, problem, plan FROM sessions;
INSERT INTO snapshots (id, version, plan) SELECT id, snapshot_version, snapshot FROM sessions;
ALTER TABLE sessions DROP COLUMN problem;
ALTER TABLE sessions DROP COLUMN plan;
ALTER TABLE sessions DROP COLUMN snapshot_version;
ALTER TABLE sessions DROP COLUMN snapshot;
",
    "
CREATE TABLE accounts (
  session TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  owner TEXT NOT NULL, account TEXT NOT NULL, kind TEXT NOT NULL,
  minutes INTEGER NOT NULL, visits INTEGER NOT NULL, version INTEGER NOT NULL,
  PRIMARY KEY (session, account, kind));
CREATE INDEX accounts_of ON accounts (owner, account);
",
];

/// The schema version this build writes: the number of [`MIGRATIONS`].
const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The store in a SQLite file.
pub struct SqliteStore {
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
}

/// The columns of `jobs` read back, in order.
const JOB_COLUMNS: &str = "id, owner, state, phase, best, session, error, created_ms, started_ms, finished_ms, attempts, cancel";

/// A session read back whole, columns in [`session_row`]'s order.
const SESSION_SELECT: &str = "SELECT s.id, s.owner, s.version, s.needs, s.created_ms, s.touched_ms, d.problem, d.plan, n.version, n.plan FROM sessions s JOIN session_data d ON d.id = s.id JOIN snapshots n ON n.id = s.id";

impl SqliteStore {
    /// Opens (creating and migrating) the database at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let writer = Connection::open(path)?;
        writer.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
        )?;
        writer.busy_timeout(std::time::Duration::from_secs(30))?;
        migrate(&writer)?;
        let reader = Connection::open(path)?;
        reader.execute_batch("PRAGMA foreign_keys = ON;")?;
        reader.busy_timeout(std::time::Duration::from_secs(30))?;
        Ok(Self {
            writer: Mutex::new(writer),
            reader: Mutex::new(reader),
        })
    }

    fn writer(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.writer.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn reader(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.reader.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Creates the schema, or takes it from its stored version to [`SCHEMA_VERSION`].
fn migrate(c: &Connection) -> Result<(), StoreError> {
    c.execute_batch(
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    )?;
    let at: i64 = c
        .query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
            r.get(0)
        })
        .optional()?
        .unwrap_or(0);
    if at > SCHEMA_VERSION {
        return Err(StoreError(format!(
            "the database's schema is version {at}; this build knows {SCHEMA_VERSION}"
        )));
    }
    for (k, m) in MIGRATIONS.iter().enumerate().skip(at as usize) {
        c.execute_batch(&format!("BEGIN; {m}; INSERT INTO meta (key, value) VALUES ('schema', {v}) ON CONFLICT (key) DO UPDATE SET value = {v}; COMMIT;", v = k + 1))?;
    }
    Ok(())
}

fn session_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Stored> {
    Ok(Stored {
        info: SessionInfo {
            id: r.get(0)?,
            owner: r.get(1)?,
            version: r.get(2)?,
            needs: r.get(3)?,
            created_ms: r.get(4)?,
            touched_ms: r.get(5)?,
        },
        problem: r.get(6)?,
        plan: r.get(7)?,
        snapshot_version: r.get(8)?,
        snapshot: r.get(9)?,
        accounts: Vec::new(),
    })
}

/// Replaces session `id`'s time-bank entries by `entries`, made by its `version`.
fn post(
    tx: &Transaction<'_>,
    (id, owner, version): (&str, &str, i64),
    entries: &[AccountEntry],
) -> Result<(), StoreError> {
    tx.execute("DELETE FROM accounts WHERE session = ?1", params![id])?;
    let mut q = tx.prepare_cached(
        "INSERT INTO accounts (session, owner, account, kind, minutes, visits, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for e in entries {
        q.execute(params![
            id,
            owner,
            e.account,
            super::kind_name(e.kind),
            e.minutes,
            e.visits as i64,
            version
        ])?;
    }
    Ok(())
}

fn job_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Job, String)> {
    let state: String = r.get(2)?;
    Ok((
        Job {
            id: r.get(0)?,
            owner: r.get(1)?,
            state: JobState::Queued,
            phase: r.get(3)?,
            best: r.get(4)?,
            session: r.get(5)?,
            error: r.get(6)?,
            created_ms: r.get(7)?,
            started_ms: r.get(8)?,
            finished_ms: r.get(9)?,
            attempts: r.get(10)?,
            cancel: r.get::<_, i64>(11)? != 0,
        },
        state,
    ))
}

/// A job read back, its state parsed.
fn job_of(row: (Job, String)) -> Result<Job, StoreError> {
    Ok(Job {
        state: JobState::parse(&row.1)?,
        ..row.0
    })
}

fn insert_session(tx: &Transaction<'_>, s: &Stored) -> Result<(), StoreError> {
    let i = &s.info;
    tx.execute(
        "INSERT INTO sessions (id, owner, version, needs, created_ms, touched_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![i.id, i.owner, i.version, i.needs, i.created_ms, i.touched_ms],
    )?;
    tx.execute(
        "INSERT INTO session_data (id, problem, plan) VALUES (?1, ?2, ?3)",
        params![i.id, s.problem, s.plan],
    )?;
    tx.execute(
        "INSERT INTO snapshots (id, version, plan) VALUES (?1, ?2, ?3)",
        params![i.id, s.snapshot_version, s.snapshot],
    )?;
    post(tx, (&i.id, &i.owner, i.version), &s.accounts)?;
    Ok(())
}

/// Keeps `keep` in `tx`; [`WriteError::Raced`] when the key is taken.
fn keep(tx: &Transaction<'_>, keep: Option<&(Idem, Kept)>) -> Result<(), WriteError> {
    let Some((idem, k)) = keep else {
        return Ok(());
    };
    let n = tx
        .execute(
            "INSERT INTO kept (owner, key, hash, status, location, etag, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
            params![idem.owner, idem.key, k.hash, k.status, k.location, k.etag, k.body],
        )
        .map_err(StoreError::from)?;
    if n == 0 {
        return Err(WriteError::Raced);
    }
    Ok(())
}

/// Writes `job` as it is now.
fn update_job(tx: &Transaction<'_>, job: &Job) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE jobs SET state = ?2, phase = ?3, session = ?4, error = ?5, finished_ms = ?6, cancel = ?7 WHERE id = ?1",
        params![job.id, job.state.as_str(), job.phase, job.session, job.error, job.finished_ms, i64::from(job.cancel)],
    )?;
    Ok(())
}

impl Store for SqliteStore {
    fn kind(&self) -> &'static str {
        "sqlite"
    }

    fn create(&self, s: &Stored, k: Option<&(Idem, Kept)>) -> Result<(), WriteError> {
        let mut c = self.writer();
        let tx = c
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        keep(&tx, k)?;
        insert_session(&tx, s)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(())
    }

    fn load(&self, owner: Option<&str>, id: &str) -> Result<Option<Stored>, StoreError> {
        let c = self.reader();
        let s = c
            .query_row(
                &format!("{SESSION_SELECT} WHERE s.id = ?1"),
                params![id],
                session_row,
            )
            .optional()?;
        Ok(s.filter(|s| owner.is_none_or(|o| o == s.info.owner)))
    }

    fn changes(&self, id: &str, after: i64, limit: usize) -> Result<Vec<Change>, StoreError> {
        let c = self.reader();
        let mut q = c.prepare_cached(
            "SELECT version, kind, at_ms, request, patch FROM changes WHERE session = ?1 AND version > ?2 ORDER BY version LIMIT ?3",
        )?;
        let rows = q.query_map(
            params![id, after, limit.min(i64::MAX as usize) as i64],
            |r| {
                Ok(Change {
                    version: r.get(0)?,
                    kind: r.get(1)?,
                    at_ms: r.get(2)?,
                    request: r.get(3)?,
                    patch: r.get(4)?,
                })
            },
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn version(&self, id: &str) -> Result<Option<i64>, StoreError> {
        let c = self.reader();
        let mut q = c.prepare_cached("SELECT version FROM sessions WHERE id = ?1")?;
        Ok(q.query_row(params![id], |r| r.get(0)).optional()?)
    }

    fn list(
        &self,
        owner: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<SessionInfo>, StoreError> {
        let c = self.reader();
        let mut q = c.prepare_cached(
            "SELECT id, owner, version, needs, created_ms, touched_ms FROM sessions WHERE owner = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
        )?;
        let rows = q.query_map(
            params![
                owner,
                after.unwrap_or(""),
                limit.min(i64::MAX as usize) as i64
            ],
            |r| {
                Ok(SessionInfo {
                    id: r.get(0)?,
                    owner: r.get(1)?,
                    version: r.get(2)?,
                    needs: r.get(3)?,
                    created_ms: r.get(4)?,
                    touched_ms: r.get(5)?,
                })
            },
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn delete(&self, owner: &str, id: &str) -> Result<bool, StoreError> {
        let c = self.writer();
        let n = c.execute(
            "DELETE FROM sessions WHERE id = ?1 AND owner = ?2",
            params![id, owner],
        )?;
        Ok(n > 0)
    }

    fn touch(&self, id: &str, now_ms: i64) -> Result<(), StoreError> {
        let c = self.writer();
        c.execute(
            "UPDATE sessions SET touched_ms = ?2 WHERE id = ?1 AND touched_ms < ?2",
            params![id, now_ms],
        )?;
        Ok(())
    }

    fn expire(&self, before_ms: i64) -> Result<usize, StoreError> {
        let c = self.writer();
        Ok(c.execute(
            "DELETE FROM sessions WHERE touched_ms < ?1",
            params![before_ms],
        )?)
    }

    fn snapshot(&self, id: &str, version: i64, plan: &[u8]) -> Result<(), StoreError> {
        let c = self.writer();
        c.execute(
            "UPDATE snapshots SET version = ?2, plan = ?3 WHERE id = ?1 AND version < ?2",
            params![id, version, plan],
        )?;
        Ok(())
    }

    fn write(
        &self,
        id: &str,
        known: i64,
        f: &mut dyn FnMut(&Current) -> Result<Option<Append>, ApiError>,
    ) -> Result<Option<i64>, WriteError> {
        let mut c = self.writer();
        let tx = c
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let version: i64 = tx
            .query_row(
                "SELECT version FROM sessions WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()
            .map_err(StoreError::from)?
            .ok_or(WriteError::NotFound)?;
        let changes = {
            let mut q = tx
                .prepare_cached("SELECT version, kind, at_ms, request, patch FROM changes WHERE session = ?1 AND version > ?2 ORDER BY version")
                .map_err(StoreError::from)?;
            let rows = q
                .query_map(params![id, known], |r| {
                    Ok(Change {
                        version: r.get(0)?,
                        kind: r.get(1)?,
                        at_ms: r.get(2)?,
                        request: r.get(3)?,
                        patch: r.get(4)?,
                    })
                })
                .map_err(StoreError::from)?;
            rows.collect::<Result<Vec<_>, _>>()
                .map_err(StoreError::from)?
        };
        let Some(append) = f(&Current { version, changes }).map_err(WriteError::Refused)? else {
            return Ok(None);
        };
        keep(&tx, append.keep.as_ref())?;
        let (next, ch) = (version + 1, &append.change);
        tx.execute(
            "INSERT INTO changes (session, version, kind, at_ms, request, patch) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, next, ch.kind, ch.at_ms, ch.request, ch.patch],
        )
        .map_err(StoreError::from)?;
        tx.execute(
            "UPDATE sessions SET version = ?2, needs = ?3, touched_ms = ?4 WHERE id = ?1",
            params![id, next, append.needs, ch.at_ms],
        )
        .map_err(StoreError::from)?;
        let owner: String = tx
            .query_row(
                "SELECT owner FROM sessions WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .map_err(StoreError::from)?;
        post(&tx, (id, &owner, next), &append.accounts)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(Some(next))
    }

    fn kept(&self, owner: &str, key: &str) -> Result<Option<Kept>, StoreError> {
        let c = self.reader();
        Ok(c.query_row(
            "SELECT hash, status, location, etag, body FROM kept WHERE owner = ?1 AND key = ?2",
            params![owner, key],
            |r| {
                Ok(Kept {
                    hash: r.get(0)?,
                    status: r.get(1)?,
                    location: r.get(2)?,
                    etag: r.get(3)?,
                    body: r.get(4)?,
                })
            },
        )
        .optional()?)
    }

    fn create_job(
        &self,
        job: &Job,
        request: &[u8],
        k: Option<&(Idem, Kept)>,
    ) -> Result<(), WriteError> {
        let mut c = self.writer();
        let tx = c
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        keep(&tx, k)?;
        tx.execute(
            "INSERT INTO jobs (id, owner, state, phase, created_ms, attempts, cancel, worker, heartbeat_ms, request) VALUES (?1, ?2, ?3, '', ?4, 0, 0, '', 0, ?5)",
            params![job.id, job.owner, job.state.as_str(), job.created_ms, request],
        )
        .map_err(StoreError::from)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(())
    }

    fn job(&self, owner: Option<&str>, id: &str) -> Result<Option<Job>, StoreError> {
        let c = self.reader();
        let row = c
            .query_row(
                &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1"),
                params![id],
                job_row,
            )
            .optional()?;
        let job = row.map(job_of).transpose()?;
        Ok(job.filter(|j| owner.is_none_or(|o| o == j.owner)))
    }

    fn claim(
        &self,
        worker: &str,
        now_ms: i64,
        limit: &dyn Fn(&str) -> usize,
    ) -> Result<Option<(Job, Vec<u8>)>, StoreError> {
        let mut c = self.writer();
        let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let running: std::collections::HashMap<String, usize> = {
            let mut q = tx.prepare_cached(
                "SELECT owner, COUNT(*) FROM jobs WHERE state = 'running' GROUP BY owner",
            )?;
            let rows = q.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize)))?;
            rows.collect::<Result<_, _>>()?
        };
        let queued: Vec<(String, String)> = {
            let mut q = tx.prepare_cached("SELECT id, owner FROM jobs WHERE state = 'queued' ORDER BY created_ms, id LIMIT 256")?;
            let rows = q.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let Some((id, _)) = queued
            .into_iter()
            .find(|(_, o)| running.get(o).copied().unwrap_or(0) < limit(o))
        else {
            return Ok(None);
        };
        tx.execute(
            "UPDATE jobs SET state = 'running', started_ms = ?2, attempts = attempts + 1, worker = ?3, heartbeat_ms = ?2 WHERE id = ?1",
            params![id, now_ms, worker],
        )?;
        let (job, request) = tx.query_row(
            &format!("SELECT {JOB_COLUMNS}, request FROM jobs WHERE id = ?1"),
            params![id],
            |r| Ok((job_row(r)?, r.get::<_, Vec<u8>>(12)?)),
        )?;
        tx.commit()?;
        Ok(Some((job_of(job)?, request)))
    }

    fn heartbeat(
        &self,
        id: &str,
        worker: &str,
        phase: &str,
        best: Option<&str>,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let c = self.writer();
        c.execute(
            "UPDATE jobs SET phase = ?3, best = COALESCE(?4, best), heartbeat_ms = ?5 WHERE id = ?1 AND worker = ?2 AND state = 'running'",
            params![id, worker, phase, best, now_ms],
        )?;
        let stop: Option<(i64, String, String)> = c
            .query_row(
                "SELECT cancel, state, worker FROM jobs WHERE id = ?1",
                params![id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(stop.is_none_or(|(cancel, state, w)| cancel != 0 || state != "running" || w != worker))
    }

    fn finish_job(
        &self,
        id: &str,
        worker: &str,
        outcome: &Outcome,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut c = self.writer();
        let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row = tx
            .query_row(
                &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1 AND worker = ?2 AND state = 'running'"),
                params![id, worker],
                job_row,
            )
            .optional()?;
        let Some(mut job) = row.map(job_of).transpose()? else {
            return Ok(());
        };
        if let Outcome::Done(s) = outcome {
            insert_session(&tx, s)?;
        }
        finish(&mut job, outcome, now_ms);
        update_job(&tx, &job)?;
        tx.commit()?;
        Ok(())
    }

    fn cancel_job(&self, owner: &str, id: &str, now_ms: i64) -> Result<Option<Job>, StoreError> {
        let mut c = self.writer();
        let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row = tx
            .query_row(
                &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1 AND owner = ?2"),
                params![id, owner],
                job_row,
            )
            .optional()?;
        let Some(mut job) = row.map(job_of).transpose()? else {
            return Ok(None);
        };
        match job.state {
            JobState::Queued => finish(&mut job, &Outcome::Cancelled, now_ms),
            JobState::Running => job.cancel = true,
            _ => {}
        }
        update_job(&tx, &job)?;
        tx.commit()?;
        Ok(Some(job))
    }

    fn requeue_stale(&self, stale_ms: i64, max_attempts: i64) -> Result<usize, StoreError> {
        let mut c = self.writer();
        let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let stale: Vec<Job> = {
            let mut q = tx.prepare_cached(&format!(
                "SELECT {JOB_COLUMNS} FROM jobs WHERE state = 'running' AND heartbeat_ms < ?1"
            ))?;
            let rows = q.query_map(params![stale_ms], job_row)?;
            let rows: Vec<(Job, String)> = rows.collect::<Result<_, _>>()?;
            rows.into_iter().map(job_of).collect::<Result<_, _>>()?
        };
        for mut job in stale.iter().cloned() {
            requeue(&mut job, max_attempts, super::now_ms());
            update_job(&tx, &job)?;
            tx.execute("UPDATE jobs SET worker = '' WHERE id = ?1", params![job.id])?;
        }
        tx.commit()?;
        Ok(stale.len())
    }
}

impl Accounts for SqliteStore {
    fn account(&self, owner: &str, account: &str) -> Result<Vec<Posted>, StoreError> {
        let c = self.reader();
        let mut q = c.prepare_cached(
            "SELECT session, version, kind, minutes, visits FROM accounts WHERE owner = ?1 AND account = ?2 ORDER BY session, kind",
        )?;
        let rows = q.query_map(params![owner, account], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (session, version, kind, minutes, visits) = row?;
            out.push(Posted {
                session,
                version,
                entry: AccountEntry {
                    account: account.to_owned(),
                    kind: super::kind_of(&kind)?,
                    minutes,
                    visits: visits as u64,
                },
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(id: &str) -> Stored {
        Stored {
            info: SessionInfo {
                id: id.into(),
                owner: "k1".into(),
                version: 1,
                needs: 3,
                created_ms: 10,
                touched_ms: 10,
            },
            problem: b"{\"problem\":1}".to_vec(),
            plan: b"{\"plan\":1}".to_vec(),
            snapshot_version: 1,
            snapshot: b"{\"plan\":1}".to_vec(),
            accounts: Vec::new(),
        }
    }

    fn change(version: i64) -> Change {
        Change {
            version,
            kind: "dispatch".into(),
            at_ms: 20,
            request: b"{}".to_vec(),
            patch: b"[]".to_vec(),
        }
    }

    /// A database written by schema version 1 (the blobs in the session's row) is
    /// migrated in place: its session reads back whole, takes changes and a
    /// snapshot, and deleting it deletes its blobs.
    #[test]
    fn a_version_1_database_is_migrated_and_keeps_its_sessions() {
        let dir = std::env::temp_dir().join(format!("cm-migrate-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("v1.db");
        let _ = std::fs::remove_file(&path);
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(&format!(
                "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL); {} ; INSERT INTO meta VALUES ('schema', 1);",
                MIGRATIONS[0]
            ))
            .unwrap();
            let s = stored("s1");
            let i = &s.info;
            c.execute(
                "INSERT INTO sessions (id, owner, version, needs, created_ms, touched_ms, problem, plan, snapshot_version, snapshot) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![i.id, i.owner, i.version, i.needs, i.created_ms, i.touched_ms, s.problem, s.plan, s.snapshot_version, s.snapshot],
            )
            .unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let back = store.load(Some("k1"), "s1").unwrap().expect("kept");
        let want = stored("s1");
        assert_eq!(back.info, want.info);
        assert_eq!((back.problem, back.plan), (want.problem, want.plan));
        assert_eq!((back.snapshot_version, back.snapshot), (1, want.snapshot));
        let next = store
            .write("s1", 1, &mut |_| {
                Ok(Some(Append {
                    change: change(2),
                    needs: 4,
                    keep: None,
                    accounts: Vec::new(),
                }))
            })
            .unwrap();
        assert_eq!(next, Some(2));
        store.snapshot("s1", 2, b"{\"plan\":2}").unwrap();
        store.create(&stored("s2"), None).unwrap();
        let back = store.load(None, "s1").unwrap().expect("kept");
        assert_eq!((back.info.version, back.info.needs), (2, 4));
        assert_eq!(
            (back.snapshot_version, &back.snapshot[..]),
            (2, &b"{\"plan\":2}"[..])
        );
        assert_eq!(store.changes("s1", 1, 10).unwrap(), vec![change(2)]);
        assert!(store.delete("k1", "s1").unwrap());
        let c = store.reader();
        for (table, column) in [
            ("session_data", "id"),
            ("snapshots", "id"),
            ("changes", "session"),
        ] {
            let n: i64 = c
                .query_row(
                    &format!("SELECT count(*) FROM {table} WHERE {column} = 's1'"),
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(n, 0, "{table} keeps a deleted session's rows");
        }
        drop(c);
        assert!(store.load(None, "s2").unwrap().is_some());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
