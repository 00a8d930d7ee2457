//! The `lede` binary: parse the command line and hand over to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    lede::cli::run(lede::cli::Cli::parse())
}
