//! Run counters, the closing summary and the progress bar, all on stderr.
//!
//! Conservation holds by construction: every document the source yields is counted once as
//! `read` and once as exactly one of `written`, `errors` or `filtered`.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Counters of one run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Documents read (framed), including those that failed.
    pub read: u64,
    /// Records written.
    pub written: u64,
    /// Error records written.
    pub errors: u64,
    /// Documents dropped by a filter.
    pub filtered: u64,
    /// Input bytes of the documents read.
    pub bytes: u64,
}

impl Counts {
    /// Whether `read = written + errors + filtered`.
    pub fn conserved(&self) -> bool {
        self.read == self.written + self.errors + self.filtered
    }
}

/// How a run ended.
#[derive(Clone, Debug)]
pub struct Summary {
    /// The counters.
    pub counts: Counts,
    /// Wall time.
    pub elapsed: Duration,
    /// The signal that stopped the run early, if one did.
    pub interrupted: Option<crate::shutdown::Signal>,
    /// Whether the reader of the output went away (`| head`).
    pub output_closed: bool,
}

impl Summary {
    /// One line for stderr.
    pub fn line(&self) -> String {
        let c = &self.counts;
        let secs = self.elapsed.as_secs_f64().max(1e-9);
        let mb = c.bytes as f64 / 1e6;
        let mut line = format!(
            "lede: read {} documents = {} written + {} errors + {} filtered; {:.1} MB in {:.2} s ({:.0} docs/s, {:.1} MB/s)",
            c.read,
            c.written,
            c.errors,
            c.filtered,
            mb,
            secs,
            c.read as f64 / secs,
            mb / secs
        );
        if let Some(signal) = self.interrupted {
            line.push_str(&format!("; stopped by {signal:?}"));
        }
        line
    }
}

/// A progress bar on stderr, or nothing when it is off.
pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    last_draw: Instant,
}

impl Progress {
    /// A spinner with counts when `enabled`.
    pub fn new(enabled: bool) -> Self {
        let bar = enabled.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(4));
            let style = ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
            bar.set_style(style);
            bar
        });
        let now = Instant::now();
        Progress { bar, started: now, last_draw: now }
    }

    /// Updates the bar from the counters, at most a few times a second.
    pub fn update(&mut self, counts: &Counts) {
        let Some(bar) = &self.bar else { return };
        let now = Instant::now();
        if now.duration_since(self.last_draw) < Duration::from_millis(200) {
            return;
        }
        self.last_draw = now;
        let secs = now.duration_since(self.started).as_secs_f64().max(1e-9);
        bar.set_message(format!(
            "{} docs ({} written, {} errors, {} filtered), {:.1} MB/s",
            counts.read,
            counts.written,
            counts.errors,
            counts.filtered,
            counts.bytes as f64 / 1e6 / secs
        ));
        bar.tick();
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
