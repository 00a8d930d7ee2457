//! The text algorithms the stages call. Nothing here knows about records,
//! sources or JSON: every function takes text and returns spans as byte
//! offsets into that text.

pub mod decode;
pub mod gazetteer;
pub mod html;
pub mod keywords;
pub mod lexicon;
pub mod normalize;
pub mod sentences;
pub mod simhash;
pub mod tokenize;
pub mod tone;
