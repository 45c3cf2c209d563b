//! The migration lock: one runner at a time per database.
//!
//! Every strategy sits behind [`Lock`], so the runner never knows which one it holds. Each
//! strategy is released by the server or the kernel when its owner dies (session advisory
//! locks and named locks end with the connection; file locks with the process), so a killed
//! runner never leaves the lock held. A lease-row strategy for poolers that break session
//! state (PgBouncer in transaction mode) fits the same trait.

use crate::driver::Bind;
use crate::{DbError, Driver, EngineError};
use async_trait::async_trait;
use std::io::{Read, Seek, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A lock that serialises runners on one database.
#[async_trait]
pub trait Lock: Send {
    /// Tries to take the lock once; `Ok(false)` if someone else holds it.
    async fn try_acquire(&mut self, db: &mut dyn Driver) -> Result<bool, DbError>;
    /// Who holds the lock, if the engine can tell.
    async fn holder(&mut self, db: &mut dyn Driver) -> Option<String>;
    /// Releases the lock.
    async fn release(&mut self, db: &mut dyn Driver) -> Result<(), DbError>;
    /// Whether nobody holds the lock now (taking it for an instant to find out).
    async fn is_free(&mut self, db: &mut dyn Driver) -> Result<bool, DbError> {
        let free = self.try_acquire(db).await?;
        if free {
            let _ = self.release(db).await;
        }
        Ok(free)
    }
}

/// Takes `lock`, polling until `timeout`; `on_wait` is called once if it has to wait.
pub async fn acquire(
    lock: &mut dyn Lock,
    db: &mut dyn Driver,
    timeout: Duration,
    mut on_wait: impl FnMut(Option<&str>) + Send,
) -> Result<(), EngineError> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(10);
    let mut waited = false;
    loop {
        if lock
            .try_acquire(db)
            .await
            .map_err(EngineError::db("taking the migration lock"))?
        {
            return Ok(());
        }
        if !waited {
            waited = true;
            let holder = lock.holder(db).await;
            on_wait(holder.as_deref());
        }
        let elapsed = started.elapsed();
        if elapsed >= timeout {
            let holder = lock.holder(db).await;
            return Err(EngineError::LockTimeout {
                holder,
                waited_s: elapsed.as_secs_f64(),
            });
        }
        tokio::time::sleep(pause.min(timeout - elapsed)).await;
        pause = (pause * 2).min(Duration::from_millis(250));
    }
}

fn first_text(rows: Vec<Vec<Option<String>>>) -> Option<String> {
    rows.into_iter().next()?.into_iter().next()?
}

/// PostgreSQL session advisory lock.
pub(crate) struct PgAdvisoryLock {
    pub key: i64,
}

#[async_trait]
impl Lock for PgAdvisoryLock {
    async fn try_acquire(&mut self, db: &mut dyn Driver) -> Result<bool, DbError> {
        let got = db
            .query_bound(
                "SELECT CAST(pg_try_advisory_lock($1) AS TEXT)",
                &[Bind::Int(self.key)],
            )
            .await?;
        Ok(first_text(got).as_deref() == Some("true"))
    }

    async fn holder(&mut self, db: &mut dyn Driver) -> Option<String> {
        let (class, obj) = ((self.key as u64 >> 32) as u32, self.key as u64 as u32);
        let q = "SELECT CONCAT('pid ', a.pid, ', ', COALESCE(NULLIF(a.application_name, ''), a.usename), \
             COALESCE(' from ' || host(a.client_addr), ''), ', since ', to_char(a.backend_start, 'HH24:MI:SS')) \
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
             WHERE l.locktype = 'advisory' AND l.granted AND l.classid = CAST($1 AS OID) AND l.objid = CAST($2 AS OID) AND l.objsubid = 1";
        let binds = [Bind::Int(i64::from(class)), Bind::Int(i64::from(obj))];
        db.query_bound(q, &binds).await.ok().and_then(first_text)
    }

    async fn release(&mut self, db: &mut dyn Driver) -> Result<(), DbError> {
        db.query_bound(
            "SELECT CAST(pg_advisory_unlock($1) AS TEXT)",
            &[Bind::Int(self.key)],
        )
        .await
        .map(drop)
    }
}

/// The longest `GET_LOCK` name MySQL and MariaDB accept, in characters.
const MYSQL_LOCK_NAME_MAX: usize = 64;

/// The `GET_LOCK` name for `key` (`database.history_table`): `ferry:KEY` when it fits in 64
/// characters, else `ferry:` and the first 58 hex digits of SHA-256 of the key. Never a
/// truncation: two long keys sharing a prefix would share a lock.
pub(crate) fn mysql_lock_name(key: &str) -> String {
    let name = format!("ferry:{key}");
    if name.chars().count() <= MYSQL_LOCK_NAME_MAX {
        return name;
    }
    use sha2::Digest;
    let hex = hex::encode(sha2::Sha256::digest(key.as_bytes()));
    format!("ferry:{}", &hex[..MYSQL_LOCK_NAME_MAX - "ferry:".len()])
}

/// MySQL/MariaDB named lock (`GET_LOCK`).
pub(crate) struct MysqlNamedLock {
    pub name: String,
}

#[async_trait]
impl Lock for MysqlNamedLock {
    async fn try_acquire(&mut self, db: &mut dyn Driver) -> Result<bool, DbError> {
        let got = db
            .query_bound(
                "SELECT CAST(GET_LOCK(?, 0) AS CHAR)",
                &[Bind::Text(&self.name)],
            )
            .await?;
        Ok(first_text(got).as_deref() == Some("1"))
    }

    async fn holder(&mut self, db: &mut dyn Driver) -> Option<String> {
        let q = "SELECT CONCAT('connection ', ID, ', ', USER, '@', HOST) FROM information_schema.PROCESSLIST WHERE ID = IS_USED_LOCK(?)";
        (db.query_bound(q, &[Bind::Text(&self.name)]).await)
            .ok()
            .and_then(first_text)
    }

    async fn release(&mut self, db: &mut dyn Driver) -> Result<(), DbError> {
        db.query_bound(
            "SELECT CAST(RELEASE_LOCK(?) AS CHAR)",
            &[Bind::Text(&self.name)],
        )
        .await
        .map(drop)
    }
}

/// An OS file lock beside a SQLite database; the kernel drops it when the process dies.
pub(crate) struct FileLock {
    pub path: PathBuf,
    pub owner: String,
    pub file: Option<std::fs::File>,
}

impl FileLock {
    fn io(&self, e: std::io::Error) -> DbError {
        DbError::msg(format!("{}: {e}", self.path.display()))
    }
}

#[async_trait]
impl Lock for FileLock {
    async fn try_acquire(&mut self, _db: &mut dyn Driver) -> Result<bool, DbError> {
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&self.path)
            .map_err(|e| self.io(e))?;
        match file.try_lock() {
            Ok(()) => {
                // Who holds it, for anyone who has to wait.
                file.set_len(0).map_err(|e| self.io(e))?;
                file.rewind().map_err(|e| self.io(e))?;
                file.write_all(self.owner.as_bytes())
                    .map_err(|e| self.io(e))?;
                self.file = Some(file);
                Ok(true)
            }
            Err(std::fs::TryLockError::WouldBlock) => Ok(false),
            Err(std::fs::TryLockError::Error(e)) => Err(self.io(e)),
        }
    }

    async fn holder(&mut self, _db: &mut dyn Driver) -> Option<String> {
        let mut text = String::new();
        std::fs::File::open(&self.path)
            .ok()?
            .read_to_string(&mut text)
            .ok()?;
        let text = text.trim().to_owned();
        (!text.is_empty()).then_some(text)
    }

    async fn release(&mut self, _db: &mut dyn Driver) -> Result<(), DbError> {
        if let Some(file) = self.file.take() {
            file.unlock().map_err(|e| self.io(e))?;
        }
        Ok(())
    }

    async fn is_free(&mut self, db: &mut dyn Driver) -> Result<bool, DbError> {
        // No lock file, no holder: and a read-only look creates nothing.
        if !self.path.exists() {
            return Ok(true);
        }
        let free = self.try_acquire(db).await?;
        if free {
            self.release(db).await?;
        }
        Ok(free)
    }
}

/// No lock: for in-memory SQLite, which no other process can see.
pub(crate) struct NoLock;

#[async_trait]
impl Lock for NoLock {
    async fn try_acquire(&mut self, _db: &mut dyn Driver) -> Result<bool, DbError> {
        Ok(true)
    }

    async fn holder(&mut self, _db: &mut dyn Driver) -> Option<String> {
        None
    }

    async fn release(&mut self, _db: &mut dyn Driver) -> Result<(), DbError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::mysql_lock_name;

    #[test]
    fn long_mysql_lock_names_are_hashed_never_cut() {
        assert_eq!(
            mysql_lock_name("db.ferry_migrations"),
            "ferry:db.ferry_migrations"
        );
        let long = |tail: &str| format!("{}.{tail}", "ü".repeat(60));
        let (a, b) = (mysql_lock_name(&long("a")), mysql_lock_name(&long("b")));
        assert_ne!(a, b, "two long keys with one prefix share no lock");
        for name in [a, b] {
            assert_eq!(name.chars().count(), 64, "{name}");
            assert!(name.is_ascii());
        }
    }
}
