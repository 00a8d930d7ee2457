//! The pipeline: a source stream of frames -> a bounded, ordered worker pool running the stages
//! -> the sinks.
//!
//! `buffered(queue)` keeps at most `queue` documents in flight and yields their outcomes in input
//! order; a semaphore lets at most `workers` of them run the CPU stages at once, on tokio's
//! blocking pool, never on the async worker threads. A slow sink therefore slows the source
//! instead of growing the heap.

use std::pin::pin;
use std::sync::Arc;
use std::time::Instant;

use futures::{FutureExt, Stream, StreamExt};
use tokio::sync::Semaphore;

use crate::config::Config;
use crate::error::Error;
use crate::model::ErrorRecord;
use crate::shutdown::Shutdown;
use crate::sink::jsonl::JsonlSink;
use crate::source::Frame;
use crate::stage::{Outcome, Stages};
use crate::stats::{Counts, Progress, Summary};

/// The worker pool and the stages it runs.
#[derive(Clone)]
pub struct Pipeline {
    stages: Arc<Stages>,
    workers: Arc<Semaphore>,
    queue: usize,
}

/// One finished document: its outcome and the input bytes it had.
pub struct Processed {
    /// What became of it.
    pub outcome: Outcome,
    /// Its size in the input.
    pub bytes: u64,
}

impl Pipeline {
    /// Builds the pool from a validated configuration.
    pub fn new(config: &Config) -> Self {
        Pipeline {
            stages: Arc::new(Stages::new(config)),
            workers: Arc::new(Semaphore::new(config.worker_count())),
            queue: config.pipeline.queue.max(1),
        }
    }

    /// Runs the stages over `frames`, yielding outcomes in input order.
    pub fn process<S>(&self, frames: S) -> impl Stream<Item = Processed> + use<S>
    where
        S: Stream<Item = Frame>,
    {
        let pool = self.clone();
        frames
            .map(move |frame| {
                let pool = pool.clone();
                async move {
                    match frame {
                        Err(failed) => Processed { outcome: Outcome::Failed(failed.into_record()), bytes: 0 },
                        Ok(doc) => {
                            let bytes = doc.bytes.len() as u64;
                            let origin = doc.origin.clone();
                            // The semaphore is never closed, so acquiring cannot fail.
                            let _permit = pool.workers.acquire_owned().await.ok();
                            let stages = pool.stages.clone();
                            let outcome =
                                tokio::task::spawn_blocking(move || stages.process(doc)).await.unwrap_or_else(|e| {
                                    Outcome::Failed(ErrorRecord {
                                        id: None,
                                        source: origin,
                                        stage: "internal".into(),
                                        error: format!("worker failed: {e}"),
                                    })
                                });
                            Processed { outcome, bytes }
                        }
                    }
                }
            })
            .buffered(self.queue)
    }
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

/// Runs `frames` through the pipeline into `sinks` until the source ends or `shutdown` fires.
///
/// # Errors
/// [`Error::Output`] or [`Error::ErrorSink`] when writing fails for a reason other than the
/// reader of the output going away, which ends the run quietly instead.
pub async fn run<S>(config: &Config, frames: S, mut sinks: Sinks, shutdown: Shutdown) -> Result<Summary, Error>
where
    S: Stream<Item = Frame>,
{
    let started = Instant::now();
    let pipeline = Pipeline::new(config);
    let stop = shutdown.clone();
    let frames = frames.take_until(async move { stop.stopped().await });
    let mut outcomes = pin!(pipeline.process(frames));
    let mut counts = Counts::default();
    let mut output_closed = false;
    loop {
        // Flush only when nothing is ready: batches writes on a fast feed, stays prompt on a slow one.
        let next = match outcomes.next().now_or_never() {
            Some(next) => next,
            None => {
                if let Err(e) = flush(&mut sinks).await {
                    if e.is_broken_pipe() {
                        output_closed = true;
                        break;
                    }
                    return Err(e.into_error());
                }
                outcomes.next().await
            }
        };
        let Some(Processed { outcome, bytes }) = next else { break };
        let written = match &outcome {
            Outcome::Written(line) => sinks.records.write_line(line).await.map_err(SinkError::Records),
            Outcome::Failed(record) => sinks.errors.write_json(record).await.map_err(SinkError::Errors),
            Outcome::Filtered => Ok(()),
        };
        match written {
            Ok(()) => {}
            Err(e) if e.is_broken_pipe() => {
                output_closed = true;
                break;
            }
            Err(e) => return Err(e.into_error()),
        }
        counts.read += 1;
        counts.bytes += bytes;
        match outcome {
            Outcome::Written(_) => counts.written += 1,
            Outcome::Failed(_) => counts.errors += 1,
            Outcome::Filtered => counts.filtered += 1,
        }
        sinks.progress.update(&counts);
    }
    if !output_closed {
        if let Err(e) = flush(&mut sinks).await {
            if !e.is_broken_pipe() {
                return Err(e.into_error());
            }
            output_closed = true;
        }
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

async fn flush(sinks: &mut Sinks) -> Result<(), SinkError> {
    sinks.records.flush().await.map_err(SinkError::Records)?;
    sinks.errors.flush().await.map_err(SinkError::Errors)
}
