//! Sources: each turns an input into an async stream of framed documents ([`Frame`]s).
//!
//! A source only frames and counts bytes: decoding and JSON parsing happen in the parse stage,
//! on the worker pool, so that one reading task keeps up with many workers.

pub mod framing;
#[cfg(feature = "kafka")]
pub mod kafka;
pub mod stdin;
pub mod watch;

use crate::error::DocError;
use crate::model::{Document, ErrorRecord, Origin};

/// A framed document, or the reason a piece of input could not be framed (an oversize line, a
/// read error part-way through a file).
pub type Frame = Result<Document, FrameError>;

/// A piece of input that could not be made into a document.
#[derive(Debug)]
pub struct FrameError {
    /// Where it came from.
    pub origin: Origin,
    /// Why.
    pub error: DocError,
}

impl FrameError {
    /// The error record for it, from stage `read`.
    pub fn into_record(self) -> ErrorRecord {
        ErrorRecord { id: None, source: self.origin, stage: "read".into(), error: self.error.to_string() }
    }
}
