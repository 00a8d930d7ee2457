//! `lede watch`: a long-lived run over a folder, processing every file exactly once in effect.
//!
//! The guarantee rests on one rule: progress is committed to the state store only after the
//! output has the records. With `--out FILE` the file is fsynced first and its length is
//! committed with the progress; a restart truncates the file back to that length, so that a
//! `kill -9` at any moment leaves neither a duplicate nor a torn line. With `--out DIR/` each
//! input's records are written to a temporary file that is fsynced and renamed into place before
//! the commit. With stdout, records are flushed before the commit; a crash between the two can
//! emit the records of the uncommitted files again (the window is the files finished since the
//! last commit, which happens whenever the stream pauses and at least every 512 markers).
//! Inputs are moved or deleted (`--on-done`) only after their commit.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::error::Error;
use crate::pipeline::{self, Committer, Sinks};
use crate::shutdown::Shutdown;
use crate::sink::jsonl::JsonlSink;
use crate::source::framing::FramingSettings;
use crate::source::watch::{watch_source, InFlight, WatchMarker, WatchSettings, FAILED};
use crate::state::{Commit, StateStore};
use crate::stats::{Progress, Summary};

/// Name of the default state folder inside the watched folder.
pub const DEFAULT_STATE_DIR: &str = ".lede-state";
/// Temporary file of the output being written, in `--out DIR/` mode.
const CURRENT_TMP: &str = ".lede-current.jsonl.tmp";

/// Where records go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutTarget {
    /// Standard output.
    Stdout,
    /// One file, appended to.
    File(PathBuf),
    /// A folder with one output file per input.
    Dir(PathBuf),
}

impl OutTarget {
    /// `-` or nothing is stdout; a path ending in `/` or naming a folder is a folder; else a file.
    pub fn parse(arg: Option<&str>) -> OutTarget {
        match arg {
            None | Some("-") | Some("stdout") => OutTarget::Stdout,
            Some(path) if path.ends_with('/') || Path::new(path).is_dir() => OutTarget::Dir(PathBuf::from(path)),
            Some(path) => OutTarget::File(PathBuf::from(path)),
        }
    }
}

/// What to do with an input after it is committed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileAction {
    /// Leave it.
    Keep,
    /// Move it into a folder.
    Move(PathBuf),
    /// Delete it.
    Delete,
}

impl FileAction {
    /// Parses `keep`, `delete` or `move:DIR`.
    ///
    /// # Errors
    /// A message naming the accepted forms.
    pub fn parse(s: &str) -> Result<FileAction, String> {
        match s {
            "keep" => Ok(FileAction::Keep),
            "delete" => Ok(FileAction::Delete),
            _ => match s.strip_prefix("move:") {
                Some(dir) if !dir.is_empty() => Ok(FileAction::Move(PathBuf::from(dir))),
                _ => Err(format!("expected keep, delete or move:DIR (found \"{s}\")")),
            },
        }
    }

    fn apply(&self, path: &Path) {
        let result = match self {
            FileAction::Keep => Ok(()),
            FileAction::Delete => std::fs::remove_file(path),
            FileAction::Move(dir) => std::fs::create_dir_all(dir).and_then(|()| {
                let name = path.file_name().unwrap_or_default();
                let mut target = dir.join(name);
                let mut n = 1;
                while target.exists() {
                    target = dir.join(format!("{}.{n}", name.to_string_lossy()));
                    n += 1;
                }
                std::fs::rename(path, target)
            }),
        };
        if let Err(e) = result {
            tracing::warn!("{}: cannot apply {self:?}: {e}", path.display());
        }
    }
}

/// Options of a watch run, from the command line.
#[derive(Clone, Debug)]
pub struct WatchOptions {
    /// The folder.
    pub dir: PathBuf,
    /// Where records go.
    pub out: OutTarget,
    /// Process what is there (and what an earlier run left unfinished), then exit.
    pub once: bool,
    /// Replace a corrupt state store by an empty one.
    pub rebuild_state: bool,
}

/// Commits progress at markers, then applies the file actions.
struct WatchCommitter {
    store: Arc<StateStore>,
    in_flight: InFlight,
    /// The `--out` file's key in the store and its length before this run wrote to it.
    base_out_len: Option<(String, u64)>,
    /// `--out DIR/`: the folder.
    out_dir: Option<PathBuf>,
    on_done: FileAction,
    on_fail: FileAction,
    /// `watch.retention_days`, applied at start and then once a day.
    retention_days: u64,
    last_prune: Instant,
}

/// How often a long-running watcher forgets entries older than the retention.
const PRUNE_EVERY: Duration = Duration::from_secs(24 * 60 * 60);

impl Committer<WatchMarker> for WatchCommitter {
    async fn at_marker(&mut self, marker: &WatchMarker, sinks: &mut Sinks) -> Result<(), Error> {
        let Some(dir) = &self.out_dir else { return Ok(()) };
        let WatchMarker::FileDone { path, .. } = marker else { return Ok(()) };
        // The input's records are complete: put them in place atomically, start the next file.
        sinks.records.sync().await.map_err(Error::Output)?;
        let name = format!("{}.jsonl", path.file_name().unwrap_or_default().to_string_lossy());
        let tmp = dir.join(CURRENT_TMP);
        let context = |what: &str| format!("cannot {what} in {}", dir.display());
        if sinks.records.bytes_written() > 0 {
            std::fs::rename(&tmp, dir.join(name))
                .map_err(|source| Error::Io { context: context("rename output"), source })?;
        }
        std::fs::remove_file(&tmp).ok();
        sinks.records = JsonlSink::append_to(&tmp)
            .await
            .map_err(|source| Error::Io { context: context("create output"), source })?;
        Ok(())
    }

    async fn commit(&mut self, markers: Vec<WatchMarker>, records_written: u64) -> Result<(), Error> {
        let mut commit = Commit::default();
        let mut finished = HashSet::new();
        for marker in &markers {
            match marker {
                WatchMarker::FileDone { path, hash, seen } => {
                    commit.done.push((*hash, path.display().to_string()));
                    commit.seen.push((seen.clone(), *hash));
                    finished.insert(*hash);
                }
                WatchMarker::Duplicate { seen, hash, .. } => commit.seen.push((seen.clone(), *hash)),
                WatchMarker::FileFailed { seen, .. } => commit.seen.push((seen.clone(), FAILED)),
                WatchMarker::Checkpoint { .. } => {}
            }
        }
        // A checkpoint of a file finished in the same batch is obsolete.
        for marker in &markers {
            if let WatchMarker::Checkpoint { hash, docs } = marker {
                if !finished.contains(hash) {
                    commit.checkpoints.push((*hash, *docs));
                }
            }
        }
        commit.out_len = self.base_out_len.as_ref().map(|(out, base)| (out.clone(), base + records_written));
        let store = self.store.clone();
        let prune = (self.last_prune.elapsed() >= PRUNE_EVERY).then_some(self.retention_days);
        if prune.is_some() {
            self.last_prune = Instant::now();
        }
        tokio::task::spawn_blocking(move || {
            store.commit(&commit)?;
            if let Some(days) = prune {
                match store.prune(days) {
                    Ok(0) => {}
                    Ok(n) => tracing::info!("forgot {n} entries older than {days} days"),
                    Err(e) => tracing::warn!("cannot prune the state store: {e}"),
                }
            }
            Ok(())
        })
        .await
        .map_err(|e| Error::Io { context: "state commit failed".into(), source: std::io::Error::other(e) })?
        .map_err(Error::State)?;
        if let Ok(mut set) = self.in_flight.lock() {
            for marker in &markers {
                match marker {
                    WatchMarker::FileDone { hash, .. } | WatchMarker::FileFailed { hash: Some(hash), .. } => {
                        set.remove(hash);
                    }
                    _ => {}
                }
            }
        }
        for marker in markers {
            match marker {
                WatchMarker::FileDone { path, .. } | WatchMarker::Duplicate { path, .. } => self.on_done.apply(&path),
                WatchMarker::FileFailed { path, .. } => self.on_fail.apply(&path),
                WatchMarker::Checkpoint { .. } => {}
            }
        }
        Ok(())
    }
}

/// Opens the `--out FILE` for appending after truncating it to its committed length; returns
/// the sink, the file's key in the store and its length now.
async fn open_out_file(path: &Path, store: &StateStore) -> Result<(JsonlSink, String, u64), Error> {
    let io = |context: String| move |source| Error::Io { context, source };
    // The key is the absolute path, so that the same file named two ways is one file.
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let key = absolute.display().to_string();
    let current = match std::fs::metadata(path) {
        Ok(meta) => meta.len(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
        Err(e) => return Err(Error::Io { context: format!("cannot read {}", path.display()), source: e }),
    };
    let committed = store.out_len(&key).map_err(Error::State)?;
    let base = match committed {
        Some(len) if current > len => {
            tracing::info!(
                "{}: removing {} uncommitted bytes left by an interrupted run",
                path.display(),
                current - len
            );
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(io(format!("cannot open {}", path.display())))?;
            file.set_len(len).map_err(io(format!("cannot truncate {}", path.display())))?;
            file.sync_all().map_err(io(format!("cannot sync {}", path.display())))?;
            len
        }
        Some(len) if current < len => {
            tracing::warn!("{}: shorter than lede last committed ({current} < {len} bytes); appending", path.display());
            current
        }
        Some(_) => current,
        // Nothing committed yet: what the file holds now is the base, recorded before a byte is
        // written, so that a crash before the first commit is truncated back to it too.
        None => {
            let baseline = crate::state::Commit { out_len: Some((key.clone(), current)), ..Default::default() };
            store.commit(&baseline).map_err(Error::State)?;
            current
        }
    };
    let sink = JsonlSink::append_to(path).await.map_err(io(format!("cannot open {}", path.display())))?;
    Ok((sink, key, base))
}

/// Runs the watcher until the signal (or, with `once`, until the folder is done).
///
/// # Errors
/// Fatal errors: the folder is missing, the state store is corrupt or cannot be written, the
/// output cannot be written.
pub async fn run_watch(config: &Config, options: WatchOptions, shutdown: Shutdown) -> Result<Summary, Error> {
    let watch = &config.watch;
    let dir = options.dir.clone();
    if !dir.is_dir() {
        return Err(Error::Io {
            context: format!("cannot watch {}", dir.display()),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "not a folder"),
        });
    }
    let state_dir =
        if watch.state_dir.is_empty() { dir.join(DEFAULT_STATE_DIR) } else { PathBuf::from(&watch.state_dir) };
    let store = Arc::new(StateStore::open(&state_dir, options.rebuild_state).map_err(Error::State)?);
    match store.prune(watch.retention_days) {
        Ok(0) => {}
        Ok(n) => tracing::info!("forgot {n} entries older than {} days", watch.retention_days),
        Err(e) => tracing::warn!("cannot prune the state store: {e}"),
    }
    let parse_action =
        |s: &str| FileAction::parse(s).map_err(|e| Error::ConfigInvalid { origin: None, problems: vec![e] });
    let on_done = parse_action(&watch.on_done)?;
    let on_fail = parse_action(&watch.on_fail)?;

    let mut exclude = vec![state_dir.clone()];
    let mut checkpoint_every = watch.checkpoint_every.max(1);
    let (records, base_out_len, out_dir) = match &options.out {
        OutTarget::Stdout => (JsonlSink::stdout(), None, None),
        OutTarget::File(path) => {
            exclude.push(path.clone());
            let (sink, key, base) = open_out_file(path, &store).await?;
            (sink, Some((key, base)), None)
        }
        OutTarget::Dir(out) => {
            std::fs::create_dir_all(out)
                .map_err(|source| Error::Io { context: format!("cannot create {}", out.display()), source })?;
            exclude.push(out.clone());
            // One output file per input is rewritten whole, so resuming inside a file is moot.
            checkpoint_every = u64::MAX;
            let tmp = out.join(CURRENT_TMP);
            std::fs::remove_file(&tmp).ok();
            let sink = JsonlSink::append_to(&tmp)
                .await
                .map_err(|source| Error::Io { context: format!("cannot create {}", tmp.display()), source })?;
            (sink, None, Some(out.clone()))
        }
    };
    for action in [&on_done, &on_fail] {
        if let FileAction::Move(to) = action {
            exclude.push(to.clone());
        }
    }
    let exclude = exclude.into_iter().map(|p| std::fs::canonicalize(&p).unwrap_or(p)).collect();
    let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
    let settings = WatchSettings {
        dir,
        recursive: watch.recursive,
        settle: Duration::from_millis(watch.settle_ms),
        rescan: Duration::from_secs(watch.rescan_seconds.max(1)),
        follow_symlinks: watch.follow_symlinks,
        once: options.once,
        framing: FramingSettings {
            format: crate::format_setting(&config.input.format),
            max_document_bytes: config.input.max_document_bytes,
            max_line_bytes: config.input.max_line_bytes,
        },
        checkpoint_every,
        exclude,
    };
    let errors = crate::error_sink(config).await?;
    let progress = Progress::new(crate::progress_enabled(config));
    let sinks = Sinks { records, errors, progress };
    let in_flight: InFlight = Arc::new(Mutex::new(HashSet::new()));
    let mut committer = WatchCommitter {
        store: store.clone(),
        in_flight: in_flight.clone(),
        base_out_len,
        out_dir,
        on_done,
        on_fail,
        retention_days: watch.retention_days,
        last_prune: Instant::now(),
    };
    tracing::info!(
        "watching {} (state in {}, settle {} ms)",
        settings.dir.display(),
        store.path().display(),
        watch.settle_ms
    );
    let dedup = crate::stage::dedup::Deduplicator::new(&config.enrich, Some(state_dir.join("near-duplicates.bin")));
    let source = watch_source(settings, store, in_flight);
    pipeline::run(config, source, sinks, &mut committer, dedup, shutdown).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_parse() {
        assert_eq!(FileAction::parse("keep"), Ok(FileAction::Keep));
        assert_eq!(FileAction::parse("delete"), Ok(FileAction::Delete));
        assert_eq!(FileAction::parse("move:done"), Ok(FileAction::Move("done".into())));
        assert!(FileAction::parse("move:").is_err());
        assert!(FileAction::parse("shred").is_err());
    }

    #[test]
    fn out_targets_parse() {
        assert_eq!(OutTarget::parse(None), OutTarget::Stdout);
        assert_eq!(OutTarget::parse(Some("-")), OutTarget::Stdout);
        assert_eq!(OutTarget::parse(Some("out/")), OutTarget::Dir("out/".into()));
        assert_eq!(OutTarget::parse(Some("out.jsonl")), OutTarget::File("out.jsonl".into()));
    }
}
