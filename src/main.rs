//! The `lede` binary: parse the command line and hand over to the library.

use clap::Parser;

// mimalloc's thread-local free lists suit the stages' many short-lived per-document buffers
// better than glibc's arenas (fewer instructions per allocation, no lock on the worker pool).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    #[cfg(feature = "mimalloc")]
    allocator::keep_freed_memory_a_while();
    lede::cli::run(lede::cli::Cli::parse())
}

#[cfg(feature = "mimalloc")]
mod allocator {
    use std::ffi::{c_int, c_long};

    /// `mi_option_purge_delay` in mimalloc's `mi_option_t` (`mimalloc.h`); the Rust binding
    /// declares the function but names no constant for this option.
    const PURGE_DELAY: c_int = 15;
    /// Milliseconds a freed, unused span stays mapped before it goes back to the system.
    /// mimalloc's 10 ms returns the memory of one document's buffers between documents, and
    /// every next document faults it in again as fresh (huge) pages the kernel must clear:
    /// about a twentieth of the run's time on a feed. With ten seconds a flowing stream
    /// faults no more than with no purging at all (about 600 page faults over 22,000 BBC
    /// articles, against 3,000 with one second and 20,000 with 10 ms), and an idle one still
    /// gives its memory back.
    const PURGE_DELAY_MS: c_long = 10_000;

    extern "C" {
        fn mi_option_set_default(option: c_int, value: c_long);
    }

    /// Sets lede's default purge delay; `MIMALLOC_PURGE_DELAY` in the environment still wins.
    pub(super) fn keep_freed_memory_a_while() {
        // SAFETY: a plain setter of mimalloc's option table, with an option index inside the
        // table and any value allowed; called once on the main thread before other threads
        // exist (mimalloc asks for that, as the table is not locked).
        unsafe { mi_option_set_default(PURGE_DELAY, PURGE_DELAY_MS) }
    }
}
