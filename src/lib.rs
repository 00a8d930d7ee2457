//! lede: raw news articles in, structured JSON lines out.
pub mod text;
