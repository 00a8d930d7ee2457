//! Sinks: where records and error records are written.

pub mod jsonl;
#[cfg(feature = "kafka")]
pub mod kafka;
