//! The `lede` binary: parse the command line and hand over to the library.

use clap::Parser;

// mimalloc's thread-local free lists suit the stages' many short-lived per-document buffers
// better than glibc's arenas (fewer instructions per allocation, no lock on the worker pool).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    lede::cli::run(lede::cli::Cli::parse())
}
