//! Graceful shutdown on SIGINT and SIGTERM.
//!
//! The first signal asks the run to stop reading; documents in flight still finish and are
//! written, the output is flushed and the summary printed. A second signal exits at once.

use tokio::sync::watch;

/// A signal that stopped the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// Ctrl-C.
    Interrupt,
    /// `kill`.
    Terminate,
}

impl Signal {
    /// The conventional exit code after this signal: 128 + its number.
    pub fn exit_code(self) -> i32 {
        match self {
            Signal::Interrupt => 130,
            Signal::Terminate => 143,
        }
    }
}

/// A handle that learns when the run should stop. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Shutdown {
    receiver: watch::Receiver<Option<Signal>>,
}

/// The side that triggers a [`Shutdown`].
#[derive(Debug)]
pub struct ShutdownTrigger {
    sender: watch::Sender<Option<Signal>>,
}

impl Shutdown {
    /// A shutdown handle and its trigger.
    pub fn new() -> (Shutdown, ShutdownTrigger) {
        let (sender, receiver) = watch::channel(None);
        (Shutdown { receiver }, ShutdownTrigger { sender })
    }

    /// A handle that never fires, for library callers and tests.
    pub fn never() -> Shutdown {
        let (shutdown, trigger) = Shutdown::new();
        // Keep the sender alive forever so that `stopped` never sees a closed channel.
        std::mem::forget(trigger);
        shutdown
    }

    /// Completes when a stop was asked for.
    pub async fn stopped(&self) {
        let mut receiver = self.receiver.clone();
        let _ = receiver.wait_for(Option::is_some).await;
    }

    /// The signal received, if any.
    pub fn signal(&self) -> Option<Signal> {
        *self.receiver.borrow()
    }
}

impl ShutdownTrigger {
    /// Asks the run to stop.
    pub fn trigger(&self, signal: Signal) {
        let _ = self.sender.send(Some(signal));
    }
}

/// Listens for SIGINT and SIGTERM in the background: the first triggers `trigger`, the second
/// exits the process at once with the signal's exit code.
///
/// # Errors
/// When the signal handlers cannot be installed.
pub fn listen_for_signals(trigger: ShutdownTrigger) -> std::io::Result<()> {
    let mut signals = Signals::install()?;
    tokio::spawn(async move {
        let mut received = 0;
        while let Some(signal) = signals.next().await {
            received += 1;
            if received == 1 {
                tracing::info!(?signal, "stopping: finishing documents in flight (signal again to exit at once)");
                trigger.trigger(signal);
            } else {
                std::process::exit(signal.exit_code());
            }
        }
    });
    Ok(())
}

/// The installed handlers; created once so that no signal between two waits is lost.
#[cfg(unix)]
struct Signals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    fn install() -> std::io::Result<Self> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Signals { interrupt: signal(SignalKind::interrupt())?, terminate: signal(SignalKind::terminate())? })
    }

    async fn next(&mut self) -> Option<Signal> {
        tokio::select! {
            got = self.interrupt.recv() => got.map(|_| Signal::Interrupt),
            got = self.terminate.recv() => got.map(|_| Signal::Terminate),
        }
    }
}

#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn install() -> std::io::Result<Self> {
        Ok(Signals)
    }

    async fn next(&mut self) -> Option<Signal> {
        tokio::signal::ctrl_c().await.ok().map(|_| Signal::Interrupt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn trigger_wakes_every_handle() {
        let (shutdown, trigger) = Shutdown::new();
        let other = shutdown.clone();
        trigger.trigger(Signal::Terminate);
        shutdown.stopped().await;
        other.stopped().await;
        assert_eq!(other.signal(), Some(Signal::Terminate));
        assert_eq!(Signal::Terminate.exit_code(), 143);
    }
}
