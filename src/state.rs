//! The embedded store of committed progress, for `lede watch`.
//!
//! A redb database (transactional, crash-safe: a commit is durable when it returns, and a
//! crash mid-commit leaves the previous state) in the state directory. It remembers:
//! - `done`: content hashes of files whose records are all in the output, so that content is
//!   never emitted twice, also after a rename or a restart;
//! - `seen`: (path, size, mtime) -> content hash, so that a rescan can skip a processed file
//!   without reading it again;
//! - `checkpoints`: for a large file in progress, how many documents of it are in the output;
//! - `meta`: the committed length of the `--out` file, to which a restart truncates it.
//!
//! The pipeline commits only after the output has the records (stdout flushed, or the file
//! fsynced). Every table has a retention bound (`watch.retention_days`).

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use redb::{Database, TableDefinition};

/// Page cache of the store.
const CACHE_BYTES: usize = 8 << 20;

/// Content hash -> (seconds since the epoch when committed, path at the time).
const DONE: TableDefinition<&[u8], (u64, &str)> = TableDefinition::new("done");
/// "path\0size\0mtime" -> content hash.
const SEEN: TableDefinition<&str, (&[u8], u64)> = TableDefinition::new("seen");
/// Content hash -> documents of that file already in the output.
const CHECKPOINTS: TableDefinition<&[u8], u64> = TableDefinition::new("checkpoints");
/// Small named values.
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
const OUT_LEN: &str = "out_len";

/// The `META` key of an output file's committed length.
fn out_len_key(out: &str) -> String {
    format!("{OUT_LEN}\0{out}")
}

/// The file name of the store inside the state directory.
pub const STATE_FILE: &str = "state.redb";

/// Why the store cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The file exists but is not a readable store.
    #[error("state store {path} is corrupt or unreadable ({reason}); lede will not start from zero on its own: move the file away, or run again with --rebuild-state to start a new one (records already written may then be written again)")]
    Corrupt {
        /// The store.
        path: PathBuf,
        /// What redb said.
        reason: String,
    },
    /// A read or a commit failed.
    #[error("state store {path}: {reason}")]
    Io {
        /// The store.
        path: PathBuf,
        /// What failed.
        reason: String,
    },
}

/// One atomic update of the store.
#[derive(Debug, Default)]
pub struct Commit {
    /// Files now complete in the output: (content hash, path).
    pub done: Vec<([u8; 16], String)>,
    /// File identities observed: (path key, content hash).
    pub seen: Vec<(String, [u8; 16])>,
    /// Files in progress: (content hash, documents in the output).
    pub checkpoints: Vec<([u8; 16], u64)>,
    /// The output file (its key, see [`StateStore::out_len`]) and its length with everything
    /// above in it.
    pub out_len: Option<(String, u64)>,
}

impl Commit {
    /// Whether there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.done.is_empty() && self.seen.is_empty() && self.checkpoints.is_empty() && self.out_len.is_none()
    }
}

/// The store.
pub struct StateStore {
    db: Database,
    path: PathBuf,
}

/// The key of a file identity in `seen`.
pub fn seen_key(path: &Path, size: u64, mtime_nanos: u128) -> String {
    format!("{}\0{size}\0{mtime_nanos}", path.display())
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

impl StateStore {
    /// Opens the store in `dir`, creating it if missing. With `rebuild`, an existing store is
    /// replaced by an empty one.
    ///
    /// # Errors
    /// [`StateError::Corrupt`] when the file exists but cannot be opened as a store.
    pub fn open(dir: &Path, rebuild: bool) -> Result<StateStore, StateError> {
        let path = dir.join(STATE_FILE);
        let io = |e: &dyn std::fmt::Display| StateError::Io { path: path.clone(), reason: e.to_string() };
        std::fs::create_dir_all(dir).map_err(|e| io(&e))?;
        if rebuild && path.exists() {
            std::fs::remove_file(&path).map_err(|e| io(&e))?;
        }
        let existed = path.exists();
        // redb caches up to 1 GiB of pages by default, which a store of months of files would
        // slowly fill: a small cache keeps the watcher's memory flat, and lookups stay a few
        // page reads deep.
        let mut builder = redb::Builder::new();
        builder.set_cache_size(CACHE_BYTES);
        let db = if existed { builder.open(&path) } else { builder.create(&path) }
            .map_err(|e| StateError::Corrupt { path: path.clone(), reason: e.to_string() })?;
        let store = StateStore { db, path };
        // Create the tables up front, so that readers never meet a missing table.
        let txn = store.db.begin_write().map_err(|e| store.corrupt(&e))?;
        {
            txn.open_table(DONE).map_err(|e| store.corrupt(&e))?;
            txn.open_table(SEEN).map_err(|e| store.corrupt(&e))?;
            txn.open_table(CHECKPOINTS).map_err(|e| store.corrupt(&e))?;
            txn.open_table(META).map_err(|e| store.corrupt(&e))?;
        }
        txn.commit().map_err(|e| store.corrupt(&e))?;
        Ok(store)
    }

    fn corrupt(&self, e: &dyn std::fmt::Display) -> StateError {
        StateError::Corrupt { path: self.path.clone(), reason: e.to_string() }
    }

    fn io(&self, e: &dyn std::fmt::Display) -> StateError {
        StateError::Io { path: self.path.clone(), reason: e.to_string() }
    }

    /// Where the store is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether content with this hash is already in the output.
    ///
    /// # Errors
    /// When the store cannot be read.
    pub fn is_done(&self, hash: &[u8; 16]) -> Result<bool, StateError> {
        let txn = self.db.begin_read().map_err(|e| self.io(&e))?;
        let table = txn.open_table(DONE).map_err(|e| self.io(&e))?;
        Ok(table.get(&hash[..]).map_err(|e| self.io(&e))?.is_some())
    }

    /// The content hash recorded for a file identity, if any.
    ///
    /// # Errors
    /// When the store cannot be read.
    pub fn seen(&self, key: &str) -> Result<Option<[u8; 16]>, StateError> {
        let txn = self.db.begin_read().map_err(|e| self.io(&e))?;
        let table = txn.open_table(SEEN).map_err(|e| self.io(&e))?;
        let value = table.get(key).map_err(|e| self.io(&e))?;
        Ok(value.and_then(|v| v.value().0.try_into().ok()))
    }

    /// Documents of a file in progress already in the output.
    ///
    /// # Errors
    /// When the store cannot be read.
    pub fn checkpoint(&self, hash: &[u8; 16]) -> Result<u64, StateError> {
        let txn = self.db.begin_read().map_err(|e| self.io(&e))?;
        let table = txn.open_table(CHECKPOINTS).map_err(|e| self.io(&e))?;
        Ok(table.get(&hash[..]).map_err(|e| self.io(&e))?.map(|v| v.value()).unwrap_or(0))
    }

    /// The committed length of the output file `out` (its absolute path), if one was committed.
    /// Lengths are kept per file, so that pointing `--out` at another file never truncates it
    /// to a length that belonged to the first.
    ///
    /// # Errors
    /// When the store cannot be read.
    pub fn out_len(&self, out: &str) -> Result<Option<u64>, StateError> {
        let txn = self.db.begin_read().map_err(|e| self.io(&e))?;
        let table = txn.open_table(META).map_err(|e| self.io(&e))?;
        Ok(table.get(out_len_key(out).as_str()).map_err(|e| self.io(&e))?.map(|v| v.value()))
    }

    /// Applies one update atomically and durably.
    ///
    /// # Errors
    /// When the transaction cannot be committed; nothing of it is then applied.
    pub fn commit(&self, commit: &Commit) -> Result<(), StateError> {
        if commit.is_empty() {
            return Ok(());
        }
        let now = now_secs();
        let txn = self.db.begin_write().map_err(|e| self.io(&e))?;
        {
            let mut done = txn.open_table(DONE).map_err(|e| self.io(&e))?;
            let mut checkpoints = txn.open_table(CHECKPOINTS).map_err(|e| self.io(&e))?;
            for (hash, path) in &commit.done {
                done.insert(&hash[..], (now, path.as_str())).map_err(|e| self.io(&e))?;
                checkpoints.remove(&hash[..]).map_err(|e| self.io(&e))?;
            }
            for (hash, count) in &commit.checkpoints {
                checkpoints.insert(&hash[..], *count).map_err(|e| self.io(&e))?;
            }
            let mut seen = txn.open_table(SEEN).map_err(|e| self.io(&e))?;
            for (key, hash) in &commit.seen {
                seen.insert(key.as_str(), (&hash[..], now)).map_err(|e| self.io(&e))?;
            }
            if let Some((out, len)) = &commit.out_len {
                let mut meta = txn.open_table(META).map_err(|e| self.io(&e))?;
                meta.insert(out_len_key(out).as_str(), *len).map_err(|e| self.io(&e))?;
            }
        }
        txn.commit().map_err(|e| self.io(&e))
    }

    /// Forgets entries older than `days`: the store stays bounded over months.
    ///
    /// # Errors
    /// When the transaction cannot be committed.
    pub fn prune(&self, days: u64) -> Result<usize, StateError> {
        let cutoff = now_secs().saturating_sub(days.saturating_mul(86_400));
        let txn = self.db.begin_write().map_err(|e| self.io(&e))?;
        let mut removed = 0;
        {
            let mut done = txn.open_table(DONE).map_err(|e| self.io(&e))?;
            let old = done.extract_if(|_, (at, _)| at < cutoff).map_err(|e| self.io(&e))?;
            removed += old.count();
            let mut seen = txn.open_table(SEEN).map_err(|e| self.io(&e))?;
            let old = seen.extract_if(|_, (_, at)| at < cutoff).map_err(|e| self.io(&e))?;
            removed += old.count();
        }
        txn.commit().map_err(|e| self.io(&e))?;
        Ok(removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commits_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let hash = [7u8; 16];
        {
            let store = StateStore::open(dir.path(), false).unwrap();
            assert!(!store.is_done(&hash).unwrap());
            let commit = Commit {
                done: vec![(hash, "a.txt".into())],
                seen: vec![("a.txt\0 3\0 9".into(), hash)],
                checkpoints: vec![([1u8; 16], 40)],
                out_len: Some(("/out/a.jsonl".into(), 123)),
            };
            store.commit(&commit).unwrap();
        }
        let store = StateStore::open(dir.path(), false).unwrap();
        assert!(store.is_done(&hash).unwrap());
        assert_eq!(store.seen("a.txt\0 3\0 9").unwrap(), Some(hash));
        assert_eq!(store.checkpoint(&[1u8; 16]).unwrap(), 40);
        assert_eq!(store.out_len("/out/a.jsonl").unwrap(), Some(123));
        assert_eq!(store.out_len("/out/b.jsonl").unwrap(), None, "lengths are per output file");
    }

    #[test]
    fn done_clears_the_checkpoint() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::open(dir.path(), false).unwrap();
        let hash = [2u8; 16];
        store.commit(&Commit { checkpoints: vec![(hash, 5)], ..Commit::default() }).unwrap();
        store.commit(&Commit { done: vec![(hash, "f".into())], ..Commit::default() }).unwrap();
        assert_eq!(store.checkpoint(&hash).unwrap(), 0);
    }

    #[test]
    fn corrupt_store_is_refused_and_can_be_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(STATE_FILE), b"this is not a database, it is garbage bytes").unwrap();
        let error = StateStore::open(dir.path(), false).err().expect("corrupt store refused");
        let message = error.to_string();
        assert!(message.contains(STATE_FILE) && message.contains("--rebuild-state"), "{message}");
        let store = StateStore::open(dir.path(), true).unwrap();
        assert_eq!(store.out_len("/out/a.jsonl").unwrap(), None);
    }

    #[test]
    fn prune_keeps_recent_entries() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::open(dir.path(), false).unwrap();
        store.commit(&Commit { done: vec![([3u8; 16], "x".into())], ..Commit::default() }).unwrap();
        assert_eq!(store.prune(30).unwrap(), 0);
        assert!(store.is_done(&[3u8; 16]).unwrap());
    }
}
