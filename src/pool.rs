//! A fixed pool of worker threads for the CPU stages.
//!
//! The stages keep per-thread scratch state (the tagger's buffers and caches), and every thread
//! that allocates gets its own malloc arena, so the set of threads that run them must stay
//! small and fixed: tokio's blocking pool grows a new thread whenever all are busy and lets idle
//! ones go, which over a long run spreads that state over dozens of threads. Here `workers`
//! threads live as long as the pool, take jobs from one queue, and answer through a oneshot
//! channel that the async side awaits.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;

use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send>;

/// The worker threads; they end when the pool is dropped.
pub struct WorkerPool {
    jobs: mpsc::Sender<Job>,
}

/// The job could not run: its worker panicked outside the stages' own guards, or the pool's
/// threads are gone.
#[derive(Debug, thiserror::Error)]
#[error("the worker running it stopped")]
pub struct WorkerLost;

impl WorkerPool {
    /// Starts `workers` threads (at least one).
    ///
    /// # Errors
    /// The operating system's error when a thread cannot be started.
    pub fn new(workers: usize) -> std::io::Result<WorkerPool> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..workers.max(1) {
            let queue = queue.clone();
            thread::Builder::new().name(format!("lede-worker-{n}")).spawn(move || loop {
                // The lock is held only while waiting for the next job, never while running one.
                let job = match queue.lock() {
                    Ok(queue) => queue.recv(),
                    Err(_) => return,
                };
                match job {
                    // A panic here has already dropped the job's answer channel, which reports
                    // it; the thread lives on for the next job.
                    Ok(job) => drop(catch_unwind(AssertUnwindSafe(job))),
                    Err(_) => return,
                }
            })?;
        }
        Ok(WorkerPool { jobs })
    }

    /// Runs `work` on a worker thread and waits for its result without blocking the runtime.
    ///
    /// # Errors
    /// [`WorkerLost`] when the job panicked or the pool is shutting down.
    pub async fn run<T, F>(&self, work: F) -> Result<T, WorkerLost>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (answer, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            // The receiver is gone only if the caller stopped waiting; nothing to tell then.
            let _ = answer.send(work());
        });
        self.jobs.send(job).map_err(|_| WorkerLost)?;
        result.await.map_err(|_| WorkerLost)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn jobs_run_on_the_pool_threads() {
        let pool = WorkerPool::new(2).unwrap();
        let name = pool.run(|| thread::current().name().map(str::to_string)).await.unwrap();
        assert!(name.unwrap().starts_with("lede-worker-"));
    }

    #[tokio::test]
    async fn a_panicking_job_is_reported_and_the_pool_goes_on() {
        let pool = WorkerPool::new(1).unwrap();
        assert!(pool.run(|| panic!("broken")).await.is_err());
        assert_eq!(pool.run(|| 41 + 1).await.unwrap(), 42);
    }

    #[tokio::test]
    async fn only_the_configured_threads_ever_run_jobs() {
        let pool = Arc::new(WorkerPool::new(2).unwrap());
        let runs = (0..64).map(|_| {
            let pool = pool.clone();
            async move { pool.run(|| thread::current().id()).await.unwrap() }
        });
        let ids: std::collections::HashSet<_> = futures::future::join_all(runs).await.into_iter().collect();
        assert!(ids.len() <= 2, "{} threads ran jobs", ids.len());
    }
}
