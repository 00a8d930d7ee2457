//! The pipeline: a source stream of frames -> a bounded, ordered worker pool running the stages
//! -> the sinks.
//!
//! Documents travel in small batches; `buffered` keeps at most about `queue` documents in flight
//! and yields their outcomes in input order; the batches run on a fixed pool of `workers`
//! threads ([`WorkerPool`]), never on the async runtime's threads. A slow sink therefore slows
//! the source instead of growing the heap.

use std::pin::pin;
use std::sync::Arc;
use std::time::Instant;

use futures::{FutureExt, Stream, StreamExt};

use crate::config::Config;
use crate::error::Error;
use crate::model::{ErrorRecord, Origin};
use crate::pool::WorkerPool;
use crate::shutdown::Shutdown;
use crate::sink::jsonl::JsonlSink;
use crate::source::Frame;
use crate::stage::dedup::Deduplicator;
use crate::stage::{Outcome, Stages};
use crate::stats::{Counts, Progress, Summary};

/// The worker pool and the stages it runs.
#[derive(Clone)]
pub struct Pipeline {
    stages: Arc<Stages>,
    workers: Arc<WorkerPool>,
    worker_count: usize,
    queue: usize,
}

/// One finished document: its outcome and the input bytes it had.
pub struct Processed {
    /// What became of it.
    pub outcome: Outcome,
    /// Its size in the input.
    pub bytes: u64,
}

/// An item of work: a frame to process, or a marker that passes through in order, so that
/// whoever consumes the output learns when everything before it has been written (watch mode
/// commits its progress at markers).
pub enum Work<M> {
    /// A document to process.
    Frame(Frame),
    /// A marker, passed through untouched.
    Marker(M),
}

/// An item of output, in input order.
pub enum Done<M> {
    /// A processed document.
    Processed(Processed),
    /// A marker, after every document before it.
    Marker(M),
}

impl Pipeline {
    /// Builds the pool from a validated configuration.
    ///
    /// # Errors
    /// [`Error::Io`] when the worker threads cannot be started.
    pub fn new(config: &Config) -> Result<Self, Error> {
        let worker_count = config.worker_count().max(1);
        let workers = WorkerPool::new(worker_count)
            .map_err(|source| Error::Io { context: "cannot start the worker threads".into(), source })?;
        Ok(Pipeline {
            stages: Arc::new(Stages::new(config)),
            workers: Arc::new(workers),
            worker_count,
            queue: config.pipeline.queue.max(1),
        })
    }

    /// Documents handed to a worker at once, and batches in flight. A batch amortises the
    /// hand-off to the blocking pool (a thread wake-up each way), which costs as much as the
    /// stages themselves on short articles; `ready_chunks` never waits to fill one, so a slow
    /// source still gets each document processed as soon as it arrives.
    fn batching(&self) -> (usize, usize) {
        let batch = (self.queue / (2 * self.worker_count)).clamp(1, MAX_BATCH);
        (batch, self.queue.div_ceil(batch))
    }

    /// Processes a batch of frames, in order, on one worker of the pool.
    async fn process_batch<M>(&self, items: Vec<Work<M>>) -> Vec<Done<M>> {
        let mut docs = Vec::new();
        let mut slots = Vec::with_capacity(items.len());
        for item in items {
            slots.push(match item {
                Work::Marker(marker) => Slot::Marker(marker),
                Work::Frame(Err(failed)) => {
                    Slot::Done(Processed { outcome: Outcome::Failed(failed.into_record()), bytes: 0 })
                }
                Work::Frame(Ok(doc)) => {
                    docs.push(doc);
                    Slot::Doc
                }
            });
        }
        let mut processed = Vec::new();
        if !docs.is_empty() {
            let origins: Vec<Origin> = docs.iter().map(|d| d.origin.clone()).collect();
            let stages = self.stages.clone();
            let run = self.workers.run(move || {
                docs.into_iter()
                    .map(|doc| {
                        let bytes = doc.bytes.len() as u64;
                        Processed { outcome: stages.process(doc), bytes }
                    })
                    .collect::<Vec<_>>()
            });
            processed = match run.await {
                Ok(processed) => processed,
                // `process` catches panics itself; this is the pool failing under it.
                Err(e) => origins
                    .into_iter()
                    .map(|origin| Processed {
                        outcome: Outcome::Failed(ErrorRecord {
                            id: None,
                            source: origin,
                            stage: "internal".into(),
                            error: format!("worker failed: {e}"),
                        }),
                        bytes: 0,
                    })
                    .collect(),
            };
        }
        let mut processed = processed.into_iter();
        slots
            .into_iter()
            .filter_map(|slot| match slot {
                Slot::Marker(marker) => Some(Done::Marker(marker)),
                Slot::Done(done) => Some(Done::Processed(done)),
                Slot::Doc => processed.next().map(Done::Processed),
            })
            .collect()
    }

    /// Runs the stages over `work`, yielding outcomes and markers in input order.
    pub fn process<M, S>(&self, work: S) -> impl Stream<Item = Done<M>> + use<M, S>
    where
        S: Stream<Item = Work<M>>,
    {
        let pool = self.clone();
        let (batch, in_flight) = self.batching();
        work.ready_chunks(batch)
            .map(move |items| {
                let pool = pool.clone();
                async move { pool.process_batch(items).await }
            })
            .buffered(in_flight)
            .flat_map(futures::stream::iter)
    }
}

/// Most documents in one batch.
const MAX_BATCH: usize = 16;

/// A place in a batch's output.
enum Slot<M> {
    Marker(M),
    Done(Processed),
    Doc,
}

/// Where records and error records go, and how progress shows.
pub struct Sinks {
    /// Records.
    pub records: JsonlSink,
    /// Error records.
    pub errors: JsonlSink,
    /// Progress bar (or nothing).
    pub progress: Progress,
}

/// Learns, at markers, that everything before them is in the output; watch mode commits its
/// progress there.
pub trait Committer<M> {
    /// Called at each marker, in order, before later records are written: the place to switch
    /// per-input outputs.
    fn at_marker(&mut self, _marker: &M, _sinks: &mut Sinks) -> impl std::future::Future<Output = Result<(), Error>> {
        async { Ok(()) }
    }

    /// Called with the markers seen since the last call, after the sinks were flushed and, for
    /// files, synced to disk. `records_written` is the record sink's byte count when the last of
    /// the markers passed: the output that the markers cover.
    fn commit(&mut self, markers: Vec<M>, records_written: u64)
        -> impl std::future::Future<Output = Result<(), Error>>;
}

/// The committer of pipe mode: it has no markers and nothing to commit.
pub struct NoCommit;

impl Committer<()> for NoCommit {
    async fn commit(&mut self, _markers: Vec<()>, _records_written: u64) -> Result<(), Error> {
        Ok(())
    }
}

/// Markers are committed at the latest after this many, even on a busy stream.
const MAX_PENDING_MARKERS: usize = 512;

/// Runs `work` through the pipeline into `sinks` until the source ends or `shutdown` fires,
/// committing markers through `committer` once what precedes them is written.
///
/// # Errors
/// [`Error::Output`] or [`Error::ErrorSink`] when writing fails for a reason other than the
/// reader of the output going away, which ends the run quietly instead; and the committer's
/// errors.
pub async fn run<M, S, C>(
    config: &Config,
    work: S,
    mut sinks: Sinks,
    committer: &mut C,
    mut dedup: Option<Deduplicator>,
    shutdown: Shutdown,
) -> Result<Summary, Error>
where
    S: Stream<Item = Work<M>>,
    C: Committer<M>,
{
    let started = Instant::now();
    let pipeline = Pipeline::new(config)?;
    let stop = shutdown.clone();
    let work = work.take_until(async move { stop.stopped().await });
    let mut outputs = pin!(pipeline.process(work));
    let mut counts = Counts::default();
    let mut output_closed = false;
    let mut pending: Vec<M> = Vec::new();
    // Record bytes written when the last pending marker passed: what a commit may claim. Records
    // written after it belong to work the commit does not cover.
    let mut bytes_at_marker = 0u64;
    loop {
        // Flush only when nothing is ready: batches writes on a fast feed, stays prompt on a slow one.
        let next = match outputs.next().now_or_never() {
            Some(next) if pending.len() < MAX_PENDING_MARKERS => next,
            ready => {
                match flush(&mut sinks, !pending.is_empty()).await {
                    Ok(()) => {}
                    Err(e) if e.is_broken_pipe() => {
                        output_closed = true;
                        break;
                    }
                    Err(e) => return Err(e.into_error()),
                }
                if !pending.is_empty() {
                    committer.commit(std::mem::take(&mut pending), bytes_at_marker).await?;
                    if let Some(dedup) = dedup.as_mut() {
                        dedup.save(false);
                    }
                }
                match ready {
                    Some(next) => next,
                    None => outputs.next().await,
                }
            }
        };
        let Some(done) = next else { break };
        let Processed { outcome, bytes } = match done {
            Done::Marker(marker) => {
                committer.at_marker(&marker, &mut sinks).await?;
                bytes_at_marker = sinks.records.bytes_written();
                pending.push(marker);
                continue;
            }
            Done::Processed(processed) => processed,
        };
        // Near-duplicate links are filled in here, in input order, where "earlier" is defined.
        let result = match outcome {
            Outcome::Written(written) => {
                let near = dedup.as_mut().map(|d| d.links(&written)).unwrap_or_default();
                let line = written.into_line(&near);
                counts.written += 1;
                sinks.records.write_line(&line).await.map_err(SinkError::Records)
            }
            Outcome::Failed(record) => {
                counts.errors += 1;
                sinks.errors.write_json(&record).await.map_err(SinkError::Errors)
            }
            Outcome::Filtered => {
                counts.filtered += 1;
                Ok(())
            }
        };
        match result {
            Ok(()) => {}
            Err(e) if e.is_broken_pipe() => {
                output_closed = true;
                break;
            }
            Err(e) => return Err(e.into_error()),
        }
        counts.read += 1;
        counts.bytes += bytes;
        sinks.progress.update(&counts);
    }
    if !output_closed {
        match flush(&mut sinks, !pending.is_empty()).await {
            Ok(()) => {
                if !pending.is_empty() {
                    committer.commit(std::mem::take(&mut pending), bytes_at_marker).await?;
                }
            }
            Err(e) if e.is_broken_pipe() => output_closed = true,
            Err(e) => return Err(e.into_error()),
        }
    }
    if let Some(dedup) = dedup.as_mut() {
        dedup.save(true);
    }
    sinks.progress.finish();
    Ok(Summary { counts, elapsed: started.elapsed(), interrupted: shutdown.signal(), output_closed })
}

/// A write failure, by sink.
enum SinkError {
    Records(std::io::Error),
    Errors(std::io::Error),
}

impl SinkError {
    /// The reader of the record output went away: the run ends quietly.
    fn is_broken_pipe(&self) -> bool {
        matches!(self, SinkError::Records(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }

    fn into_error(self) -> Error {
        match self {
            SinkError::Records(e) => Error::Output(e),
            SinkError::Errors(e) => Error::ErrorSink(e),
        }
    }
}

/// Flushes both sinks; with `durable`, also waits until a file sink's data is on disk.
async fn flush(sinks: &mut Sinks, durable: bool) -> Result<(), SinkError> {
    if durable {
        sinks.records.sync().await.map_err(SinkError::Records)?;
        sinks.errors.sync().await.map_err(SinkError::Errors)
    } else {
        sinks.records.flush().await.map_err(SinkError::Records)?;
        sinks.errors.flush().await.map_err(SinkError::Errors)
    }
}
