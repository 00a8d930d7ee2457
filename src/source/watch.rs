//! The watch source: files dropped into a folder, each read once it is complete.
//!
//! Discovery has three paths, so that nothing is missed: a scan at start, file-system events
//! from `notify` (inotify on Linux), and a periodic rescan that covers overflowed event queues
//! and file systems without events. A file is *complete* when it was moved into the folder, or
//! was closed after writing, and its size and modification time have then stayed the same for
//! the settle time; a file found only by scanning (no events) must be unchanged for the settle
//! time. Only files not yet processed are held in memory; what has been processed lives in the
//! state store.
//!
//! Each complete file becomes frames followed by a [`WatchMarker`] that passes through the
//! pipeline in order; the watch committer (`crate::watch`) commits progress at the markers.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use futures::{Stream, StreamExt};
use tokio::sync::mpsc;

use super::framing::{format_from_path, frames, open_file, FramingSettings};
use super::FrameError;
use crate::error::DocError;
use crate::model::{Origin, OriginKind};
use crate::pipeline::Work;
use crate::state::{seen_key, StateStore};

/// Content hashes of files being processed but not yet committed: a second copy of the same
/// content dropped meanwhile is a duplicate, not new work.
pub type InFlight = Arc<Mutex<HashSet<[u8; 16]>>>;

/// The hash a failed file is remembered under in the `seen` table, so that it is not retried
/// until it changes.
pub const FAILED: [u8; 16] = [0xFF; 16];

/// What the committer learns, in order with the records.
#[derive(Debug, Clone)]
pub enum WatchMarker {
    /// All records of a file are before this marker.
    FileDone {
        /// The file.
        path: PathBuf,
        /// Its content hash.
        hash: [u8; 16],
        /// Its identity in the `seen` table.
        seen: String,
    },
    /// The file's content was already processed (or is being processed under another name).
    Duplicate {
        /// The file.
        path: PathBuf,
        /// Its identity in the `seen` table.
        seen: String,
        /// Its content hash.
        hash: [u8; 16],
    },
    /// The first `docs` documents of a large file are before this marker.
    Checkpoint {
        /// The file's content hash.
        hash: [u8; 16],
        /// Documents of it in the output.
        docs: u64,
    },
    /// The file could not be read; its error record is before this marker.
    FileFailed {
        /// The file.
        path: PathBuf,
        /// Its identity in the `seen` table.
        seen: String,
        /// Its content hash, when it could be read.
        hash: Option<[u8; 16]>,
    },
}

/// Settings of the watch source.
#[derive(Clone, Debug)]
pub struct WatchSettings {
    /// The folder.
    pub dir: PathBuf,
    /// Also watch subfolders.
    pub recursive: bool,
    /// How long a complete file must stay unchanged.
    pub settle: Duration,
    /// Interval of the safety rescan.
    pub rescan: Duration,
    /// Follow symbolic links that lead outside the folder.
    pub follow_symlinks: bool,
    /// Process what is there, then end.
    pub once: bool,
    /// Framing limits and format.
    pub framing: FramingSettings,
    /// Commit progress inside a file every this many documents.
    pub checkpoint_every: u64,
    /// Paths never to read (the state folder, the output).
    pub exclude: Vec<PathBuf>,
}

/// Whether a file name is one lede reads: `.txt`, `.html`, `.htm`, `.json`, `.jsonl` (and
/// `.ndjson`), optionally gzipped; never dotfiles or temporary names.
pub fn is_candidate_name(name: &str) -> bool {
    if name.starts_with('.') || name.ends_with('~') {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    let temporary = [".tmp", ".part", ".crdownload", ".swp", ".swx", ".partial", ".download"];
    if temporary.iter().any(|t| lower.ends_with(t)) {
        return false;
    }
    let base = lower.strip_suffix(".gz").unwrap_or(&lower);
    [".txt", ".html", ".htm", ".json", ".jsonl", ".ndjson"].iter().any(|ext| base.ends_with(ext))
}

/// A file seen but not yet complete.
#[derive(Debug)]
struct Candidate {
    size: u64,
    mtime: SystemTime,
    changed_at: Instant,
    /// Moved in, or closed after writing: the writer is done with it.
    released: bool,
}

/// What the events say about a path.
enum Seen {
    /// Created or written to: not complete yet.
    Written,
    /// Moved in or closed after writing.
    Released,
}

struct Watcher {
    _watcher: Option<notify::RecommendedWatcher>,
    events: mpsc::Receiver<(PathBuf, Seen)>,
    overflowed: Arc<AtomicBool>,
}

fn start_watcher(settings: &WatchSettings) -> Watcher {
    use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind, RenameMode};
    use notify::{EventKind, RecursiveMode, Watcher as _};
    let (tx, events) = mpsc::channel(8192);
    let overflowed = Arc::new(AtomicBool::new(false));
    let flag = overflowed.clone();
    let handler = move |result: notify::Result<notify::Event>| {
        let Ok(event) = result else {
            flag.store(true, Ordering::Relaxed);
            return;
        };
        if event.need_rescan() {
            flag.store(true, Ordering::Relaxed);
        }
        let seen = match event.kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => Seen::Released,
            EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both)) => Seen::Released,
            EventKind::Create(CreateKind::File | CreateKind::Any) | EventKind::Modify(_) => Seen::Written,
            _ => return,
        };
        let path = match event.kind {
            // For a rename with both ends, the new name is the last path.
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => event.paths.last().cloned(),
            _ => event.paths.first().cloned(),
        };
        if let Some(path) = path {
            // A full queue means events are being lost: the rescan will find the files.
            if tx.try_send((path, seen)).is_err() {
                flag.store(true, Ordering::Relaxed);
            }
        }
    };
    let mode = if settings.recursive { RecursiveMode::Recursive } else { RecursiveMode::NonRecursive };
    let watcher = notify::recommended_watcher(handler).and_then(|mut w| w.watch(&settings.dir, mode).map(|()| w));
    match watcher {
        Ok(watcher) => Watcher { _watcher: Some(watcher), events, overflowed },
        Err(e) => {
            tracing::warn!(
                "cannot watch {} for events ({e}); polling every {:?} instead",
                settings.dir.display(),
                settings.settle
            );
            Watcher { _watcher: None, events, overflowed }
        }
    }
}

/// Lists candidate files under the folder.
fn scan(settings: &WatchSettings) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut dirs = vec![settings.dir.clone()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            tracing::warn!("cannot list {}", dir.display());
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if settings.exclude.iter().any(|x| path.starts_with(x)) {
                continue;
            }
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() {
                if settings.recursive && !name.starts_with('.') {
                    dirs.push(path);
                }
            } else if is_candidate_name(&name) {
                found.push(path);
            } else {
                tracing::debug!("skipping {}: not a file type lede reads", path.display());
            }
        }
    }
    found.sort();
    found
}

/// Whether `path` may be read: inside the folder, or a symbolic link whose target is inside it
/// (or anywhere, with `follow_symlinks`).
fn allowed(path: &Path, settings: &WatchSettings) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else { return false };
    if !meta.file_type().is_symlink() {
        return meta.is_file();
    }
    if settings.follow_symlinks {
        return std::fs::metadata(path).is_ok_and(|m| m.is_file());
    }
    let root = std::fs::canonicalize(&settings.dir).unwrap_or_else(|_| settings.dir.clone());
    match std::fs::canonicalize(path) {
        Ok(target) if target.starts_with(&root) => target.is_file(),
        _ => {
            tracing::warn!("not following {}: it leads outside the folder (use --follow-symlinks)", path.display());
            false
        }
    }
}

/// Size and modification time.
fn stat(path: &Path) -> Option<(u64, SystemTime)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

fn mtime_nanos(t: SystemTime) -> u128 {
    t.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
}

/// XXH3-128 of a file's bytes, read in chunks.
fn hash_file(path: &Path) -> std::io::Result<[u8; 16]> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.digest128().to_be_bytes())
}

/// The stream of work for the watched folder.
pub fn watch_source(
    settings: WatchSettings,
    store: Arc<StateStore>,
    in_flight: InFlight,
) -> impl Stream<Item = Work<WatchMarker>> {
    async_stream::stream! {
        let mut watcher = start_watcher(&settings);
        let polling = watcher._watcher.is_none();
        // Files changed after this moment are covered by events, which say when a writer is done.
        let events_since = SystemTime::now();
        let rescan_every = if polling { settings.settle.min(settings.rescan) } else { settings.rescan };
        let tick = (settings.settle / 4).clamp(Duration::from_millis(10), Duration::from_millis(250));
        let mut candidates: HashMap<PathBuf, Candidate> = HashMap::new();
        let mut last_scan = Instant::now() - rescan_every;
        loop {
            let overflowed = watcher.overflowed.swap(false, Ordering::Relaxed);
            if overflowed || last_scan.elapsed() >= rescan_every {
                last_scan = Instant::now();
                for path in scan(&settings) {
                    if candidates.contains_key(&path) {
                        continue;
                    }
                    let Some((size, mtime)) = stat(&path) else { continue };
                    // Already processed, or failed unchanged: nothing to do, without reading it.
                    let key = seen_key(&path, size, mtime_nanos(mtime));
                    if let Ok(Some(hash)) = store.seen(&key) {
                        if hash == FAILED || store.is_done(&hash).unwrap_or(false) {
                            continue;
                        }
                    }
                    // A file that predates the events counts as released once it is old enough; a
                    // newer one waits for its close-after-write or move event.
                    let age = mtime.elapsed().unwrap_or_default();
                    let changed_at = Instant::now().checked_sub(age).unwrap_or_else(Instant::now);
                    let released = polling || mtime < events_since;
                    candidates.insert(path, Candidate { size, mtime, changed_at, released });
                }
            }
            while let Ok((path, seen)) = watcher.events.try_recv() {
                let name_ok = path.file_name().and_then(|n| n.to_str()).is_some_and(is_candidate_name);
                if !name_ok || settings.exclude.iter().any(|x| path.starts_with(x)) {
                    continue;
                }
                let Some((size, mtime)) = stat(&path) else { continue };
                let entry = candidates.entry(path).or_insert(Candidate { size, mtime, changed_at: Instant::now(), released: false });
                if matches!(seen, Seen::Released) {
                    entry.released = true;
                }
                if entry.size != size || entry.mtime != mtime {
                    entry.size = size;
                    entry.mtime = mtime;
                    entry.changed_at = Instant::now();
                }
            }
            let mut ready = Vec::new();
            candidates.retain(|path, candidate| {
                let Some((size, mtime)) = stat(path) else { return false };
                if size != candidate.size || mtime != candidate.mtime {
                    candidate.size = size;
                    candidate.mtime = mtime;
                    candidate.changed_at = Instant::now();
                    return true;
                }
                if candidate.released && candidate.changed_at.elapsed() >= settings.settle {
                    ready.push((path.clone(), size, mtime));
                    return false;
                }
                true
            });
            ready.sort();
            for (path, size, mtime) in ready {
                if !allowed(&path, &settings) {
                    continue;
                }
                let mut file_work = Box::pin(file_work(path, size, mtime, &settings, &store, &in_flight));
                while let Some(work) = file_work.next().await {
                    yield work;
                }
            }
            if settings.once && candidates.is_empty() {
                break;
            }
            tokio::select! {
                got = watcher.events.recv() => {
                    if let Some((path, seen)) = got {
                        let name_ok = path.file_name().and_then(|n| n.to_str()).is_some_and(is_candidate_name);
                        if name_ok && !settings.exclude.iter().any(|x| path.starts_with(x)) {
                            if let Some((size, mtime)) = stat(&path) {
                                let released = matches!(seen, Seen::Released);
                                let entry = candidates.entry(path).or_insert(Candidate { size, mtime, changed_at: Instant::now(), released });
                                entry.released |= released;
                            }
                        }
                    }
                }
                _ = tokio::time::sleep(tick) => {}
            }
        }
    }
}

/// The work for one complete file: its frames (from a checkpoint on), checkpoints, and a final
/// marker.
fn file_work<'a>(
    path: PathBuf,
    size: u64,
    mtime: SystemTime,
    settings: &'a WatchSettings,
    store: &'a StateStore,
    in_flight: &'a InFlight,
) -> impl Stream<Item = Work<WatchMarker>> + 'a {
    async_stream::stream! {
        let seen = seen_key(&path, size, mtime_nanos(mtime));
        let origin = Origin { kind: OriginKind::Watch, path: Some(path.display().to_string()), line: None, ..Origin::default() };
        let hashed = {
            let path = path.clone();
            tokio::task::spawn_blocking(move || hash_file(&path)).await
        };
        let hash = match hashed {
            Ok(Ok(hash)) => hash,
            Ok(Err(e)) => {
                yield Work::Frame(Err(FrameError { origin, error: DocError::Read(e.to_string()) }));
                yield Work::Marker(WatchMarker::FileFailed { path, seen, hash: None });
                return;
            }
            Err(e) => {
                yield Work::Frame(Err(FrameError { origin, error: DocError::Read(e.to_string()) }));
                yield Work::Marker(WatchMarker::FileFailed { path, seen, hash: None });
                return;
            }
        };
        let duplicate = store.is_done(&hash).unwrap_or(false)
            || !in_flight.lock().map(|mut set| set.insert(hash)).unwrap_or(true);
        if duplicate {
            tracing::debug!("{}: content already processed", path.display());
            yield Work::Marker(WatchMarker::Duplicate { path, seen, hash });
            return;
        }
        let skip = store.checkpoint(&hash).unwrap_or(0);
        if skip > 0 {
            tracing::info!("{}: resuming after {skip} documents already written", path.display());
        }
        let reader = match open_file(&path).await {
            Ok(reader) => reader,
            Err(e) => {
                yield Work::Frame(Err(FrameError { origin, error: DocError::Read(e.to_string()) }));
                yield Work::Marker(WatchMarker::FileFailed { path, seen, hash: Some(hash) });
                return;
            }
        };
        let hint = format_from_path(&path);
        let mut frames = Box::pin(frames(reader, origin, hint, settings.framing));
        let mut index = 0u64;
        let mut read_failed = false;
        while let Some(frame) = frames.next().await {
            index += 1;
            if index <= skip {
                continue;
            }
            read_failed |= matches!(&frame, Err(FrameError { error: DocError::Read(_), .. }));
            yield Work::Frame(frame);
            if index % settings.checkpoint_every == 0 {
                yield Work::Marker(WatchMarker::Checkpoint { hash, docs: index });
            }
        }
        if read_failed {
            yield Work::Marker(WatchMarker::FileFailed { path, seen, hash: Some(hash) });
        } else {
            yield Work::Marker(WatchMarker::FileDone { path, hash, seen });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidate_names() {
        for name in ["a.txt", "b.HTML", "c.htm", "d.json", "e.jsonl", "f.jsonl.gz", "g.txt.gz", "h.ndjson"] {
            assert!(is_candidate_name(name), "{name}");
        }
        for name in [".hidden.txt", "a.txt.tmp", "b.part", "c.crdownload", "d.txt~", "e.swp", "f.pdf", "g.gz", "noext"]
        {
            assert!(!is_candidate_name(name), "{name}");
        }
    }
}
