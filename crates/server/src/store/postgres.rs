//! The store in PostgreSQL (`--store postgres://…`), for several `serve` replicas on
//! one database: a session's writers queue on its row (`SELECT … FOR UPDATE`), so two
//! replicas never lose each other's changes; any replica takes the next queued job
//! (`FOR UPDATE SKIP LOCKED`, one claim at a time under an advisory lock, so a key's
//! limit on running jobs holds across replicas). A committed transaction survives a
//! crash (PostgreSQL's own durability).

use postgres::{NoTls, Transaction};
use r2d2_postgres::PostgresConnectionManager;

use super::memory::{finish, requeue};
use super::{
    AccountEntry, Accounts, Append, Change, Current, Idem, Job, JobState, Kept, Outcome, Posted,
    SessionInfo, Store, StoreError, Stored, WriteError,
};
use crate::error::ApiError;

/// The schema, version by version (2: the time-bank entries of each session's plan).
const MIGRATIONS: &[&str] = &[
    "
CREATE TABLE sessions (
  id TEXT PRIMARY KEY, owner TEXT NOT NULL, version BIGINT NOT NULL, needs BIGINT NOT NULL,
  created_ms BIGINT NOT NULL, touched_ms BIGINT NOT NULL,
  problem BYTEA NOT NULL, plan BYTEA NOT NULL,
  snapshot_version BIGINT NOT NULL, snapshot BYTEA NOT NULL);
CREATE INDEX sessions_owner ON sessions (owner, id);
CREATE INDEX sessions_touched ON sessions (touched_ms);
CREATE TABLE changes (
  session TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  version BIGINT NOT NULL, kind TEXT NOT NULL, at_ms BIGINT NOT NULL,
  request BYTEA NOT NULL, patch BYTEA NOT NULL, PRIMARY KEY (session, version));
CREATE TABLE jobs (
  id TEXT PRIMARY KEY, owner TEXT NOT NULL, state TEXT NOT NULL, phase TEXT NOT NULL,
  best TEXT, session TEXT, error TEXT, created_ms BIGINT NOT NULL, started_ms BIGINT,
  finished_ms BIGINT, attempts BIGINT NOT NULL, cancel BOOLEAN NOT NULL,
  worker TEXT NOT NULL, heartbeat_ms BIGINT NOT NULL, request BYTEA NOT NULL);
CREATE INDEX jobs_queue ON jobs (state, created_ms);
CREATE TABLE kept (
  owner TEXT NOT NULL, key TEXT NOT NULL, hash BYTEA NOT NULL, status INTEGER NOT NULL,
  location TEXT, etag TEXT, body BYTEA, PRIMARY KEY (owner, key));
",
    "
CREATE TABLE accounts (
  session TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  owner TEXT NOT NULL, account TEXT NOT NULL, kind TEXT NOT NULL,
  minutes BIGINT NOT NULL, visits BIGINT NOT NULL, version BIGINT NOT NULL,
  PRIMARY KEY (session, account, kind));
CREATE INDEX accounts_of ON accounts (owner, account);
",
];

/// The schema version this build writes: the number of [`MIGRATIONS`].
const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The advisory lock of job claims and of migrations.
const CLAIM_LOCK: i64 = 0x6361_7265_6d61;
const MIGRATE_LOCK: i64 = 0x6361_7265_6d62;

/// The columns of `jobs` read back, in order.
const JOB_COLUMNS: &str = "id, owner, state, phase, best, session, error, created_ms, started_ms, finished_ms, attempts, cancel";

/// The columns of `sessions` read back, in order.
const SESSION_COLUMNS: &str =
    "id, owner, version, needs, created_ms, touched_ms, problem, plan, snapshot_version, snapshot";

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;

/// The store in PostgreSQL: a pool of connections.
pub struct PostgresStore {
    pool: Pool,
}

impl PostgresStore {
    /// Connects to `url` (creating and migrating the schema).
    pub fn open(url: &str) -> Result<Self, StoreError> {
        let config: postgres::Config = url
            .parse()
            .map_err(|e| StoreError(format!("--store: {e}")))?;
        let manager = PostgresConnectionManager::new(config, NoTls);
        let pool = r2d2::Pool::builder()
            .max_size(16)
            .connection_timeout(std::time::Duration::from_secs(10))
            .build(manager)?;
        let s = Self { pool };
        s.migrate()?;
        Ok(s)
    }

    fn migrate(&self) -> Result<(), StoreError> {
        let mut c = self.pool.get()?;
        let mut tx = c.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK])?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL)",
        )?;
        let at: i64 = tx
            .query_opt("SELECT value FROM meta WHERE key = 'schema'", &[])?
            .map_or(0, |r| r.get(0));
        if at > SCHEMA_VERSION {
            return Err(StoreError(format!(
                "the database's schema is version {at}; this build knows {SCHEMA_VERSION}"
            )));
        }
        for (k, m) in MIGRATIONS.iter().enumerate().skip(at as usize) {
            tx.batch_execute(m)?;
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('schema', $1) ON CONFLICT (key) DO UPDATE SET value = $1",
                &[&(k as i64 + 1)],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn client(
        &self,
    ) -> Result<r2d2::PooledConnection<PostgresConnectionManager<NoTls>>, StoreError> {
        Ok(self.pool.get()?)
    }
}

fn session_row(r: &postgres::Row) -> Stored {
    Stored {
        info: SessionInfo {
            id: r.get(0),
            owner: r.get(1),
            version: r.get(2),
            needs: r.get(3),
            created_ms: r.get(4),
            touched_ms: r.get(5),
        },
        problem: r.get(6),
        plan: r.get(7),
        snapshot_version: r.get(8),
        snapshot: r.get(9),
        accounts: Vec::new(),
    }
}

/// Replaces session `id`'s time-bank entries by `entries`, made by its `version`.
fn post(
    tx: &mut Transaction<'_>,
    (id, owner, version): (&str, &str, i64),
    entries: &[AccountEntry],
) -> Result<(), StoreError> {
    tx.execute("DELETE FROM accounts WHERE session = $1", &[&id])?;
    for e in entries {
        tx.execute(
            "INSERT INTO accounts (session, owner, account, kind, minutes, visits, version) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[&id, &owner, &e.account, &super::kind_name(e.kind), &e.minutes, &(e.visits as i64), &version],
        )?;
    }
    Ok(())
}

fn job_row(r: &postgres::Row) -> Result<Job, StoreError> {
    Ok(Job {
        id: r.get(0),
        owner: r.get(1),
        state: JobState::parse(r.get(2))?,
        phase: r.get(3),
        best: r.get(4),
        session: r.get(5),
        error: r.get(6),
        created_ms: r.get(7),
        started_ms: r.get(8),
        finished_ms: r.get(9),
        attempts: r.get(10),
        cancel: r.get(11),
    })
}

fn change_row(r: &postgres::Row) -> Change {
    Change {
        version: r.get(0),
        kind: r.get(1),
        at_ms: r.get(2),
        request: r.get(3),
        patch: r.get(4),
    }
}

fn insert_session(tx: &mut Transaction<'_>, s: &Stored) -> Result<(), StoreError> {
    let i = &s.info;
    tx.execute(
        &format!("INSERT INTO sessions ({SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"),
        &[&i.id, &i.owner, &i.version, &i.needs, &i.created_ms, &i.touched_ms, &s.problem, &s.plan, &s.snapshot_version, &s.snapshot],
    )?;
    post(tx, (&i.id, &i.owner, i.version), &s.accounts)?;
    Ok(())
}

/// Keeps `keep` in `tx`; [`WriteError::Raced`] when the key is taken.
fn keep(tx: &mut Transaction<'_>, keep: Option<&(Idem, Kept)>) -> Result<(), WriteError> {
    let Some((idem, k)) = keep else {
        return Ok(());
    };
    let status = i32::from(k.status);
    let n = tx
        .execute(
            "INSERT INTO kept (owner, key, hash, status, location, etag, body) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            &[&idem.owner, &idem.key, &k.hash, &status, &k.location, &k.etag, &k.body],
        )
        .map_err(StoreError::from)?;
    if n == 0 {
        return Err(WriteError::Raced);
    }
    Ok(())
}

/// Writes `job` as it is now.
fn update_job(tx: &mut Transaction<'_>, job: &Job) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE jobs SET state = $2, phase = $3, session = $4, error = $5, finished_ms = $6, cancel = $7 WHERE id = $1",
        &[&job.id, &job.state.as_str(), &job.phase, &job.session, &job.error, &job.finished_ms, &job.cancel],
    )?;
    Ok(())
}

impl Store for PostgresStore {
    fn kind(&self) -> &'static str {
        "postgres"
    }

    fn create(&self, s: &Stored, k: Option<&(Idem, Kept)>) -> Result<(), WriteError> {
        let mut c = self.client()?;
        let mut tx = c.transaction().map_err(StoreError::from)?;
        keep(&mut tx, k)?;
        insert_session(&mut tx, s)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(())
    }

    fn load(&self, owner: Option<&str>, id: &str) -> Result<Option<Stored>, StoreError> {
        let mut c = self.client()?;
        let row = c.query_opt(
            &format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = $1"),
            &[&id],
        )?;
        Ok(row
            .map(|r| session_row(&r))
            .filter(|s| owner.is_none_or(|o| o == s.info.owner)))
    }

    fn changes(&self, id: &str, after: i64, limit: usize) -> Result<Vec<Change>, StoreError> {
        let mut c = self.client()?;
        let rows = c.query(
            "SELECT version, kind, at_ms, request, patch FROM changes WHERE session = $1 AND version > $2 ORDER BY version LIMIT $3",
            &[&id, &after, &(limit.min(i64::MAX as usize) as i64)],
        )?;
        Ok(rows.iter().map(change_row).collect())
    }

    fn version(&self, id: &str) -> Result<Option<i64>, StoreError> {
        let mut c = self.client()?;
        Ok(
            c.query_opt("SELECT version FROM sessions WHERE id = $1", &[&id])?
                .map(|r| r.get(0)),
        )
    }

    fn list(
        &self,
        owner: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<SessionInfo>, StoreError> {
        let mut c = self.client()?;
        let rows = c.query(
            "SELECT id, owner, version, needs, created_ms, touched_ms FROM sessions WHERE owner = $1 AND id > $2 ORDER BY id LIMIT $3",
            &[&owner, &after.unwrap_or(""), &(limit.min(i64::MAX as usize) as i64)],
        )?;
        Ok(rows
            .iter()
            .map(|r| SessionInfo {
                id: r.get(0),
                owner: r.get(1),
                version: r.get(2),
                needs: r.get(3),
                created_ms: r.get(4),
                touched_ms: r.get(5),
            })
            .collect())
    }

    fn delete(&self, owner: &str, id: &str) -> Result<bool, StoreError> {
        let mut c = self.client()?;
        let n = c.execute(
            "DELETE FROM sessions WHERE id = $1 AND owner = $2",
            &[&id, &owner],
        )?;
        Ok(n > 0)
    }

    fn touch(&self, id: &str, now_ms: i64) -> Result<(), StoreError> {
        let mut c = self.client()?;
        c.execute(
            "UPDATE sessions SET touched_ms = $2 WHERE id = $1 AND touched_ms < $2",
            &[&id, &now_ms],
        )?;
        Ok(())
    }

    fn expire(&self, before_ms: i64) -> Result<usize, StoreError> {
        let mut c = self.client()?;
        Ok(c.execute("DELETE FROM sessions WHERE touched_ms < $1", &[&before_ms])? as usize)
    }

    fn snapshot(&self, id: &str, version: i64, plan: &[u8]) -> Result<(), StoreError> {
        let mut c = self.client()?;
        c.execute(
            "UPDATE sessions SET snapshot_version = $2, snapshot = $3 WHERE id = $1 AND snapshot_version < $2",
            &[&id, &version, &plan],
        )?;
        Ok(())
    }

    fn write(
        &self,
        id: &str,
        known: i64,
        f: &mut dyn FnMut(&Current) -> Result<Option<Append>, ApiError>,
    ) -> Result<Option<i64>, WriteError> {
        let mut c = self.client()?;
        let mut tx = c.transaction().map_err(StoreError::from)?;
        let row = tx
            .query_opt(
                "SELECT version, owner FROM sessions WHERE id = $1 FOR UPDATE",
                &[&id],
            )
            .map_err(StoreError::from)?
            .ok_or(WriteError::NotFound)?;
        let (version, owner): (i64, String) = (row.get(0), row.get(1));
        let changes = tx
            .query(
                "SELECT version, kind, at_ms, request, patch FROM changes WHERE session = $1 AND version > $2 ORDER BY version",
                &[&id, &known],
            )
            .map_err(StoreError::from)?
            .iter()
            .map(change_row)
            .collect();
        let Some(append) = f(&Current { version, changes }).map_err(WriteError::Refused)? else {
            return Ok(None);
        };
        keep(&mut tx, append.keep.as_ref())?;
        let (next, ch) = (version + 1, &append.change);
        tx.execute(
            "INSERT INTO changes (session, version, kind, at_ms, request, patch) VALUES ($1, $2, $3, $4, $5, $6)",
            &[&id, &next, &ch.kind, &ch.at_ms, &ch.request, &ch.patch],
        )
        .map_err(StoreError::from)?;
        tx.execute(
            "UPDATE sessions SET version = $2, needs = $3, touched_ms = $4 WHERE id = $1",
            &[&id, &next, &append.needs, &ch.at_ms],
        )
        .map_err(StoreError::from)?;
        post(&mut tx, (id, &owner, next), &append.accounts)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(Some(next))
    }

    fn kept(&self, owner: &str, key: &str) -> Result<Option<Kept>, StoreError> {
        let mut c = self.client()?;
        let row = c.query_opt(
            "SELECT hash, status, location, etag, body FROM kept WHERE owner = $1 AND key = $2",
            &[&owner, &key],
        )?;
        Ok(row.map(|r| Kept {
            hash: r.get(0),
            status: r.get::<_, i32>(1) as u16,
            location: r.get(2),
            etag: r.get(3),
            body: r.get(4),
        }))
    }

    fn create_job(
        &self,
        job: &Job,
        request: &[u8],
        k: Option<&(Idem, Kept)>,
    ) -> Result<(), WriteError> {
        let mut c = self.client()?;
        let mut tx = c.transaction().map_err(StoreError::from)?;
        keep(&mut tx, k)?;
        tx.execute(
            "INSERT INTO jobs (id, owner, state, phase, created_ms, attempts, cancel, worker, heartbeat_ms, request) VALUES ($1, $2, $3, '', $4, 0, false, '', 0, $5)",
            &[&job.id, &job.owner, &job.state.as_str(), &job.created_ms, &request],
        )
        .map_err(StoreError::from)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(())
    }

    fn job(&self, owner: Option<&str>, id: &str) -> Result<Option<Job>, StoreError> {
        let mut c = self.client()?;
        let row = c.query_opt(
            &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"),
            &[&id],
        )?;
        let job = row.map(|r| job_row(&r)).transpose()?;
        Ok(job.filter(|j| owner.is_none_or(|o| o == j.owner)))
    }

    fn claim(
        &self,
        worker: &str,
        now_ms: i64,
        limit: &dyn Fn(&str) -> usize,
    ) -> Result<Option<(Job, Vec<u8>)>, StoreError> {
        let mut c = self.client()?;
        let mut tx = c.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&CLAIM_LOCK])?;
        let running: std::collections::HashMap<String, usize> = tx
            .query(
                "SELECT owner, COUNT(*) FROM jobs WHERE state = 'running' GROUP BY owner",
                &[],
            )?
            .iter()
            .map(|r| (r.get::<_, String>(0), r.get::<_, i64>(1) as usize))
            .collect();
        let queued: Vec<(String, String)> = tx
            .query(
                "SELECT id, owner FROM jobs WHERE state = 'queued' ORDER BY created_ms, id LIMIT 256 FOR UPDATE SKIP LOCKED",
                &[],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let Some((id, _)) = queued
            .into_iter()
            .find(|(_, o)| running.get(o).copied().unwrap_or(0) < limit(o))
        else {
            return Ok(None);
        };
        let row = tx.query_one(
            &format!("UPDATE jobs SET state = 'running', started_ms = $2, attempts = attempts + 1, worker = $3, heartbeat_ms = $2 WHERE id = $1 RETURNING {JOB_COLUMNS}, request"),
            &[&id, &now_ms, &worker],
        )?;
        let job = job_row(&row)?;
        let request: Vec<u8> = row.get(12);
        tx.commit()?;
        Ok(Some((job, request)))
    }

    fn heartbeat(
        &self,
        id: &str,
        worker: &str,
        phase: &str,
        best: Option<&str>,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut c = self.client()?;
        let row = c.query_opt(
            "UPDATE jobs SET phase = $3, best = COALESCE($4, best), heartbeat_ms = $5 WHERE id = $1 AND worker = $2 AND state = 'running' RETURNING cancel",
            &[&id, &worker, &phase, &best, &now_ms],
        )?;
        Ok(row.is_none_or(|r| r.get::<_, bool>(0)))
    }

    fn finish_job(
        &self,
        id: &str,
        worker: &str,
        outcome: &Outcome,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut c = self.client()?;
        let mut tx = c.transaction()?;
        let row = tx.query_opt(
            &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1 AND worker = $2 AND state = 'running' FOR UPDATE"),
            &[&id, &worker],
        )?;
        let Some(mut job) = row.map(|r| job_row(&r)).transpose()? else {
            return Ok(());
        };
        if let Outcome::Done(s) = outcome {
            insert_session(&mut tx, s)?;
        }
        finish(&mut job, outcome, now_ms);
        update_job(&mut tx, &job)?;
        tx.commit()?;
        Ok(())
    }

    fn cancel_job(&self, owner: &str, id: &str, now_ms: i64) -> Result<Option<Job>, StoreError> {
        let mut c = self.client()?;
        let mut tx = c.transaction()?;
        let row = tx.query_opt(
            &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1 AND owner = $2 FOR UPDATE"),
            &[&id, &owner],
        )?;
        let Some(mut job) = row.map(|r| job_row(&r)).transpose()? else {
            return Ok(None);
        };
        match job.state {
            JobState::Queued => finish(&mut job, &Outcome::Cancelled, now_ms),
            JobState::Running => job.cancel = true,
            _ => {}
        }
        update_job(&mut tx, &job)?;
        tx.commit()?;
        Ok(Some(job))
    }

    fn requeue_stale(&self, stale_ms: i64, max_attempts: i64) -> Result<usize, StoreError> {
        let mut c = self.client()?;
        let mut tx = c.transaction()?;
        let rows = tx.query(
            &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE state = 'running' AND heartbeat_ms < $1 FOR UPDATE SKIP LOCKED"),
            &[&stale_ms],
        )?;
        let stale: Vec<Job> = rows.iter().map(job_row).collect::<Result<_, _>>()?;
        for job in &stale {
            let mut job = job.clone();
            requeue(&mut job, max_attempts, super::now_ms());
            update_job(&mut tx, &job)?;
            tx.execute("UPDATE jobs SET worker = '' WHERE id = $1", &[&job.id])?;
        }
        tx.commit()?;
        Ok(stale.len())
    }
}

impl Accounts for PostgresStore {
    fn account(&self, owner: &str, account: &str) -> Result<Vec<Posted>, StoreError> {
        let mut c = self.client()?;
        let rows = c.query(
            "SELECT session, version, kind, minutes, visits FROM accounts WHERE owner = $1 AND account = $2 ORDER BY session, kind",
            &[&owner, &account],
        )?;
        rows.iter()
            .map(|r| {
                Ok(Posted {
                    session: r.get(0),
                    version: r.get(1),
                    entry: AccountEntry {
                        account: account.to_owned(),
                        kind: super::kind_of(r.get(2))?,
                        minutes: r.get(3),
                        visits: r.get::<_, i64>(4) as u64,
                    },
                })
            })
            .collect()
    }
}
