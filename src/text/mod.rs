//! The text algorithms the stages call. Nothing here knows about records,
//! sources or JSON: every function takes text and returns spans as byte
//! offsets into that text.
/// Entity resolution over tagged mentions.
/// Named-entity recognition (tagger).
pub mod amounts;
pub mod boilerplate;
pub mod decode;
pub mod entities;
pub mod gazetteer;
pub mod html;
pub mod keywords;
pub mod lang;
pub mod lexicon;
pub mod mojibake;
pub mod ner;
pub mod normalize;
pub mod quotes;
pub mod sentences;
pub mod simhash;
pub mod timex;
pub mod tokenize;
pub mod tone;
pub mod vocab;
