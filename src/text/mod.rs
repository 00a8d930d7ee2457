//! The text algorithms the stages call. Nothing here knows about records,
//! sources or JSON: every function takes text and returns spans as byte
//! offsets into that text.
pub mod lang;
