//! Byte offsets to code-point offsets.
//!
//! The text library works in byte offsets (cheap slicing of `&str`); the output contract speaks
//! code points. Records are built through one [`OffsetMap`] per text, so the conversion is done
//! in one place and is exact by construction.

use std::ops::Range;

/// Bytes per checkpoint: a lookup scans at most this many bytes.
const BLOCK: usize = 64;

/// Converts byte offsets of one text into code-point offsets.
pub struct OffsetMap<'t> {
    text: &'t str,
    /// Code points before each `BLOCK`-byte boundary; empty for ASCII text, where the two agree.
    checkpoints: Vec<u32>,
}

impl<'t> OffsetMap<'t> {
    /// Builds the map; O(n) once, then O(BLOCK) per lookup.
    pub fn new(text: &'t str) -> Self {
        if text.is_ascii() {
            return OffsetMap { text, checkpoints: Vec::new() };
        }
        let bytes = text.as_bytes();
        let mut checkpoints = Vec::with_capacity(bytes.len() / BLOCK + 1);
        let mut chars = 0u32;
        for (i, chunk) in bytes.chunks(BLOCK).enumerate() {
            debug_assert_eq!(i, checkpoints.len());
            checkpoints.push(chars);
            chars += chunk.iter().filter(|&&b| !is_continuation(b)).count() as u32;
        }
        // The end of a text whose length is a multiple of BLOCK is a boundary of its own.
        checkpoints.push(chars);
        OffsetMap { text, checkpoints }
    }

    /// The code-point offset of byte offset `byte` (clamped to the text's length).
    pub fn chars(&self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        if self.checkpoints.is_empty() {
            return byte;
        }
        let block = byte / BLOCK;
        let base = self.checkpoints.get(block).copied().unwrap_or(0) as usize;
        let from = block * BLOCK;
        base + self.text.as_bytes()[from..byte].iter().filter(|&&b| !is_continuation(b)).count()
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
        assert_eq!(map.chars(text.len()), BLOCK);
        assert_eq!(map.chars(BLOCK), BLOCK / 2);
    }
}
