//! The text algorithms the stages call. Nothing here knows about records,
//! sources or JSON: every function takes text and returns spans as byte
//! offsets into that text.

/// Entity resolution over tagged mentions.
pub mod entities;
/// Named-entity recognition (tagger).
pub mod ner;
