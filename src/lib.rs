//! lede: raw news articles in, structured JSON lines out.
//!
//! The flow, and where each part lives:
//!
//! ```text
//! source (stdin, files)  ->  pipeline (bounded, ordered worker pool)  ->  sink (JSON lines)
//!   source/                    pipeline.rs runs stage/ on each document      sink/
//! ```
//!
//! - [`source`] frames input into [`model::Document`]s (raw bytes, format, origin);
//! - [`stage`] holds the synchronous, deterministic steps from a document to a
//!   [`model::Record`], the output contract; they call the text algorithms in [`text`];
//! - [`pipeline`] runs the stages off the async runtime with bounded memory and keeps input
//!   order; [`sink`] writes records and error records;
//! - [`config`], [`cli`], [`shutdown`], [`stats`] and [`error`] are the run's plumbing.
//!
//! `main.rs` only parses flags, starts logging and maps the outcome of [`cli::run`] to an exit
//! code.

pub mod cli;
pub mod config;
pub mod error;
#[cfg(feature = "kafka")]
pub mod kafka;
pub mod model;
pub mod pipeline;
pub mod pool;
pub mod render;
pub mod shutdown;
pub mod sink;
pub mod source;
pub mod stage;
pub mod state;
pub mod stats;
pub mod text;
pub mod watch;

use std::io::IsTerminal;

pub use config::Config;
pub use error::{DocError, Error};
pub use shutdown::Shutdown;
pub use stats::Summary;

use futures::StreamExt;
use pipeline::Sinks;
use sink::jsonl::JsonlSink;
use source::framing::FramingSettings;
use source::stdin::{check_inputs, pipe_source, Input};

/// Runs lede over `inputs` (stdin and files), writing records to stdout and error records to
/// the configured error sink, until the inputs end or `shutdown` fires.
///
/// # Errors
/// Fatal errors only: an input that cannot be opened, an error sink that cannot be opened, a
/// failed write. Per-document failures are error records and counted in the summary.
pub async fn run_pipe(config: &Config, inputs: Vec<Input>, shutdown: Shutdown) -> Result<Summary, Error> {
    check_inputs(&inputs)?;
    let settings = FramingSettings {
        format: format_setting(&config.input.format),
        max_document_bytes: config.input.max_document_bytes,
        max_line_bytes: config.input.max_line_bytes,
    };
    let errors = error_sink(config).await?;
    let progress = stats::Progress::new(progress_enabled(config));
    let sinks = Sinks { records: JsonlSink::stdout(), errors, progress };
    let work = pipe_source(inputs, settings).map(pipeline::Work::Frame);
    let dedup = stage::dedup::Deduplicator::new(&config.enrich, None);
    pipeline::run(config, work, sinks, &mut pipeline::NoCommit, dedup, shutdown).await
}

/// The configured error sink: stderr, or a file appended to.
///
/// # Errors
/// When the file cannot be opened.
pub async fn error_sink(config: &Config) -> Result<JsonlSink, Error> {
    match config.error_path() {
        None => Ok(JsonlSink::stderr()),
        Some(path) => JsonlSink::append_to(&path)
            .await
            .map_err(|source| Error::Io { context: format!("cannot open error file {}", path.display()), source }),
    }
}

/// Whether to draw the progress bar.
pub fn progress_enabled(config: &Config) -> bool {
    match config.log.progress.as_str() {
        "always" => true,
        "never" => false,
        _ => std::io::stderr().is_terminal(),
    }
}

/// The configured input format; `None` for auto.
pub fn format_setting(format: &str) -> Option<model::Format> {
    match format {
        "jsonl" => Some(model::Format::Jsonl),
        "text" => Some(model::Format::Text),
        "html" => Some(model::Format::Html),
        _ => None,
    }
}

/// The JSON Schema of the output record, pretty-printed.
pub fn record_schema() -> String {
    let mut schema = serde_json::to_value(schemars::schema_for!(model::Record)).unwrap_or_default();
    if let Some(object) = schema.as_object_mut() {
        object.insert("version".into(), model::SCHEMA_VERSION.into());
    }
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}
