//! The text algorithms the stages call. Nothing here knows about records,
//! sources or JSON: every function takes text and returns spans as byte
//! offsets into that text.

pub mod decode;
/// Entity resolution over tagged mentions.
pub mod entities;
pub mod html;
pub mod lexicon;
/// Named-entity recognition (tagger).
pub mod ner;
pub mod normalize;
pub mod sentences;
pub mod tokenize;
