//! Byte offsets to code-point offsets.
//!
//! The text library works in byte offsets (cheap slicing of `&str`); the output contract speaks
//! code points. Records are built through one [`OffsetMap`] per text, so the conversion is done
//! in one place and is exact by construction.

use std::ops::Range;

/// Bytes per checkpoint: a lookup in [`Index::Blocks`] scans at most this many bytes.
const BLOCK: usize = 64;

/// Converts byte offsets of one text into code-point offsets.
pub struct OffsetMap<'t> {
    text: &'t str,
    index: Index,
}

/// How [`OffsetMap::chars`] finds the code points before a byte.
enum Index {
    /// ASCII text, where bytes and code points agree.
    Ascii,
    /// The positions of the UTF-8 continuation bytes, ascending. News text in a Latin script
    /// has a handful (`£`, curly quotes), so a binary search over them is far cheaper than
    /// counting bytes; a code-point offset is the byte offset minus those before it.
    Sparse(Vec<u32>),
    /// Code points before each `BLOCK`-byte boundary, for text dense with non-ASCII characters
    ///, where a list of positions would be large.
    Blocks(Vec<u32>),
}

/// Above one continuation byte in this many bytes, [`Index::Blocks`] is the smaller index.
const SPARSE_LIMIT: usize = 16;

impl<'t> OffsetMap<'t> {
    /// Builds the map; O(n) once, then O(log n) (sparse) or O(BLOCK) (dense) per lookup.
    pub fn new(text: &'t str) -> Self {
        if text.is_ascii() {
            return OffsetMap { text, index: Index::Ascii };
        }
        let index = sparse_index(text.as_bytes()).map_or_else(|| Index::Blocks(checkpoints(text)), Index::Sparse);
        OffsetMap { text, index }
    }

    /// The code-point offset of byte offset `byte` (clamped to the text's length).
    pub fn chars(&self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        match &self.index {
            Index::Ascii => byte,
            Index::Sparse(continuations) => byte - continuations.partition_point(|&at| (at as usize) < byte),
            Index::Blocks(checkpoints) => {
                let block = byte / BLOCK;
                let base = checkpoints.get(block).copied().unwrap_or(0) as usize;
                let from = block * BLOCK;
                base + self.text.as_bytes()[from..byte].iter().filter(|&&b| !is_continuation(b)).count()
            }
        }
    }

    /// `[start, end)` in code points.
    pub fn range(&self, range: &Range<usize>) -> [usize; 2] {
        [self.chars(range.start), self.chars(range.end)]
    }

    /// A contract span: code-point offsets and the exact surface text.
    pub fn span(&self, range: &Range<usize>) -> crate::model::Span {
        let [start, end] = self.range(range);
        crate::model::Span { start, end, text: self.text.get(range.clone()).unwrap_or("").to_string() }
    }
}

/// Positions of the continuation bytes, or `None` when they are too many (or the text too long)
/// for a list to be the better index.
fn sparse_index(bytes: &[u8]) -> Option<Vec<u32>> {
    const CHUNK: usize = 16;
    if u32::try_from(bytes.len()).is_err() {
        return None;
    }
    let limit = bytes.len() / SPARSE_LIMIT + 8;
    let mut continuations = Vec::new();
    for (n, chunk) in bytes.chunks(CHUNK).enumerate() {
        // A branch-free OR over the chunk (vectorised) skips the ASCII runs.
        if chunk.iter().fold(0, |acc, &b| acc | b) < 0x80 {
            continue;
        }
        let base = n * CHUNK;
        for (i, &b) in chunk.iter().enumerate() {
            if is_continuation(b) {
                continuations.push((base + i) as u32);
            }
        }
        if continuations.len() > limit {
            return None;
        }
    }
    Some(continuations)
}

fn checkpoints(text: &str) -> Vec<u32> {
    let bytes = text.as_bytes();
    let mut checkpoints = Vec::with_capacity(bytes.len() / BLOCK + 1);
    let mut chars = 0u32;
    for chunk in bytes.chunks(BLOCK) {
        checkpoints.push(chars);
        chars += chunk.iter().filter(|&&b| !is_continuation(b)).count() as u32;
    }
    // The end of a text whose length is a multiple of BLOCK is a boundary of its own.
    checkpoints.push(chars);
    checkpoints
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_identity() {
        let map = OffsetMap::new("hello world");
        assert_eq!(map.chars(6), 6);
    }

    #[test]
    fn agrees_with_char_indices_everywhere() {
        let text = "Aleppo’s “low level” — Zürich 北京 😀 ".repeat(20);
        let map = OffsetMap::new(&text);
        for (n, (byte, _)) in text.char_indices().enumerate() {
            assert_eq!(map.chars(byte), n);
        }
        assert_eq!(map.chars(text.len()), text.chars().count());
    }

    #[test]
    fn end_of_a_text_of_whole_blocks() {
        let text = "é".repeat(BLOCK); // 2 * BLOCK bytes
        let map = OffsetMap::new(&text);
        assert!(matches!(map.index, Index::Blocks(_)));
        assert_eq!(map.chars(text.len()), BLOCK);
        assert_eq!(map.chars(BLOCK), BLOCK / 2);
    }

    /// Counting the non-continuation bytes before every byte offset, the definition.
    fn assert_agrees_with_counting(text: &str) {
        let map = OffsetMap::new(text);
        for byte in 0..=text.len() + 2 {
            let expected = text.as_bytes()[..byte.min(text.len())].iter().filter(|&&b| !is_continuation(b)).count();
            assert_eq!(map.chars(byte), expected, "{text:?} at {byte}");
        }
    }

    #[test]
    fn sparse_and_dense_indexes_agree_with_counting() {
        let mostly_ascii = format!("{}£600m “quoted” {}€ end", "a".repeat(40), "b".repeat(70));
        assert!(matches!(OffsetMap::new(&mostly_ascii).index, Index::Sparse(_)));
        let dense = "Привет, мир! 北京 😀".repeat(9);
        assert!(matches!(OffsetMap::new(&dense).index, Index::Blocks(_)));
        for text in [mostly_ascii.as_str(), dense.as_str(), "", "é", "x😀", "😀x", "abc"] {
            assert_agrees_with_counting(text);
        }
    }
}
