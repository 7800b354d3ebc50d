//! The advisory lock on `DATABASE.lock` through which the processes using a SQLite
//! workspace (shared) and a restore (exclusive) see each other.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::files::io;
use crate::{Result, StoreError};

/// A shared or exclusive advisory lock on `DATABASE.lock`, released when dropped.
#[derive(Debug)]
pub struct WorkspaceLock {
    _file: File,
}

impl WorkspaceLock {
    /// The lock file of a SQLite database file.
    pub fn path_of(database: &Path) -> PathBuf {
        let mut name = database.as_os_str().to_owned();
        name.push(".lock");
        PathBuf::from(name)
    }

    /// Takes the shared lock of a process using the workspace. `Ok(None)` when the lock file
    /// cannot be created (read-only directory): the workspace still opens, unguarded.
    pub fn shared(database: &Path) -> Result<Option<WorkspaceLock>> {
        let Some(file) = Self::open(database) else {
            return Ok(None);
        };
        match file.try_lock_shared() {
            Ok(()) => Ok(Some(WorkspaceLock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => {
                Err(StoreError::Restoring(database.display().to_string()))
            }
            Err(std::fs::TryLockError::Error(_)) => Ok(None),
        }
    }

    /// Takes the exclusive lock of a restore; `Ok(None)` when someone holds the workspace.
    pub(crate) fn exclusive(database: &Path) -> Result<Option<WorkspaceLock>> {
        let file = Self::open(database).ok_or_else(|| {
            StoreError::Backup(format!(
                "impossible de créer « {} » : le dossier de la base doit être accessible en écriture",
                Self::path_of(database).display()
            ))
        })?;
        match file.try_lock() {
            Ok(()) => Ok(Some(WorkspaceLock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(io(&Self::path_of(database), &e)),
        }
    }

    /// The lock file, created if needed; opened read-only when it belongs to another user
    /// (a lock needs no write access).
    fn open(database: &Path) -> Option<File> {
        let path = Self::path_of(database);
        std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .or_else(|_| File::open(&path))
            .ok()
    }
}
