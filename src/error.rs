//! Typed errors.
//!
//! Two kinds, kept apart on purpose: an [`Error`] makes the whole run meaningless (bad config, an
//! unreadable source, a closed error sink) and ends it with exit code 1; a [`DocError`] belongs to
//! one document, becomes an [`crate::model::ErrorRecord`] and the stream goes on.

use std::path::PathBuf;

/// A fatal error: the run cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration file could not be read.
    #[error("cannot read config file {path}: {source}")]
    ConfigRead {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The configuration has problems; every one is listed.
    #[error("invalid configuration{}:\n  {}", origin.as_ref().map(|p| format!(" in {}", p.display())).unwrap_or_default(), problems.join("\n  "))]
    ConfigInvalid {
        /// The file, if the problems come from one.
        origin: Option<PathBuf>,
        /// One line per problem.
        problems: Vec<String>,
    },
    /// An input file could not be opened.
    #[error("cannot open input {path}: {source}")]
    InputOpen {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Writing records failed for a reason other than a closed pipe.
    #[error("cannot write output: {0}")]
    Output(#[source] std::io::Error),
    /// Writing error records failed.
    #[error("cannot write error records: {0}")]
    ErrorSink(#[source] std::io::Error),
    /// The watch state store is corrupt or cannot be written.
    #[error(transparent)]
    State(#[from] crate::state::StateError),
    /// Any other I/O failure of the run itself.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// Why it failed.
        source: std::io::Error,
    },
}

/// Why one document failed. The stage that raised it is recorded beside it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DocError {
    /// The document is larger than `input.max_document_bytes`.
    #[error("document is {size} bytes, over the limit of {limit} bytes (input.max_document_bytes)")]
    TooLarge {
        /// Bytes seen (at least).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A JSON line is longer than `input.max_line_bytes`.
    #[error("line is over the limit of {limit} bytes (input.max_line_bytes)")]
    LineTooLong {
        /// The limit.
        limit: u64,
    },
    /// A JSON line does not parse.
    #[error("line is not valid JSON: {0}")]
    InvalidJson(String),
    /// A JSON line parses but is not an object.
    #[error("line is JSON but not an object")]
    NotAnObject,
    /// A JSON object has neither `text` nor `html`.
    #[error("object has neither a \"text\" nor an \"html\" field")]
    NoContent,
    /// A recognised field has the wrong type.
    #[error("field \"{field}\" must be {expected}")]
    FieldType {
        /// The field.
        field: &'static str,
        /// What it must be.
        expected: &'static str,
    },
    /// Reading the input failed part-way.
    #[error("read failed: {0}")]
    Read(String),
    /// A stage panicked; this is a bug in lede, reported instead of crashing the run.
    #[error("internal error in stage {stage}: {message} (please report this with the input)")]
    Panic {
        /// The stage.
        stage: &'static str,
        /// The panic message.
        message: String,
    },
}
