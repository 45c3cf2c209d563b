//! Migration files read on a blocking thread while the runner connects, takes the lock and
//! reads the history: on a long history the two take about as long as each other, so
//! neither waits for the other until planning needs both.

use crate::EngineError;
use ferry_core::{LoadError, Migration};
use std::sync::Mutex;
use tokio::sync::OnceCell;
use tokio::task::JoinHandle;

type Loaded = Result<Vec<Migration>, LoadError>;

/// A job's migrations: ready, or still being read.
#[derive(Debug)]
pub struct Files {
    ready: OnceCell<Vec<Migration>>,
    /// The reading task until it is awaited; then what went wrong, if it failed.
    loading: Mutex<Result<Option<JoinHandle<Loaded>>, String>>,
}

impl Files {
    /// Files read already.
    pub fn ready(migrations: Vec<Migration>) -> Files {
        Files {
            ready: OnceCell::new_with(Some(migrations)),
            loading: Mutex::new(Ok(None)),
        }
    }

    /// Starts `read` on the blocking pool (inside a Tokio runtime).
    pub fn spawn(read: impl FnOnce() -> Loaded + Send + 'static) -> Files {
        Files {
            ready: OnceCell::new(),
            loading: Mutex::new(Ok(Some(tokio::task::spawn_blocking(read)))),
        }
    }

    /// The migrations, waiting for the reading to finish; its error the first time it failed.
    pub async fn get(&self) -> Result<&[Migration], EngineError> {
        let migrations = self.ready.get_or_try_init(|| self.finish()).await?;
        Ok(migrations)
    }

    async fn finish(&self) -> Result<Vec<Migration>, EngineError> {
        let taken = match &mut *self.loading.lock().unwrap_or_else(|p| p.into_inner()) {
            Ok(handle) => handle.take(),
            Err(failed) => return Err(earlier_failure(failed)),
        };
        let Some(handle) = taken else {
            return Err(earlier_failure(
                "the migration files are being read elsewhere",
            ));
        };
        let loaded = handle
            .await
            .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        loaded.map_err(|e| {
            *self.loading.lock().unwrap_or_else(|p| p.into_inner()) = Err(e.to_string());
            EngineError::Load(e)
        })
    }
}

fn earlier_failure(message: &str) -> EngineError {
    EngineError::Load(LoadError::Io {
        path: Default::default(),
        source: std::io::Error::other(message.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_failure_is_reported_every_time_it_is_asked_for() {
        let files = Files::spawn(|| {
            Err(LoadError::MissingDir {
                path: "nowhere".into(),
            })
        });
        let first = files.get().await.unwrap_err().to_string();
        assert!(first.contains("nowhere"), "{first}");
        let again = files.get().await.unwrap_err().to_string();
        assert!(again.contains("nowhere"), "{again}");
        assert!(Files::ready(Vec::new()).get().await.unwrap().is_empty());
    }
}
