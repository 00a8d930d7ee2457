//! The token scanner under the temporal grammar: runs of ASCII letters,
//! runs of digits, and single other characters, each with its byte span.
//! Words are matched against an ASCII-lower-cased copy of the text (same
//! byte offsets), made once per call, so matching never allocates.

/// What a token is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// ASCII letters.
    Word,
    /// ASCII digits.
    Num,
    /// One other non-space character (punctuation, symbol, non-ASCII).
    Other,
}

/// One token: `[start, end)` byte offsets into the scanned text.
#[derive(Clone, Copy, Debug)]
pub struct Tok {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    /// Whether the first character is an upper-case letter.
    pub cap: bool,
    /// Whether a line break lies between the previous token and this one.
    pub newline_before: bool,
}

impl Tok {
    /// The token's text in `low`, the lower-cased copy of the scanned text.
    pub fn w<'a>(&self, low: &'a str) -> &'a str {
        low.get(self.start..self.end).unwrap_or("")
    }
}

/// A text's tokens and its ASCII-lower-cased copy (same byte offsets): what the date grammar
/// and the amount parser both read, so a caller running both scans the article once.
#[derive(Clone, Debug, Default)]
pub struct Scanned {
    /// The text, ASCII-lower-cased.
    pub low: String,
    /// Its tokens.
    pub toks: Vec<Tok>,
}

impl Scanned {
    /// Scans `text`.
    pub fn new(text: &str) -> Scanned {
        Scanned { low: text.to_ascii_lowercase(), toks: scan(text) }
    }
}

/// Splits `text` into tokens.
pub fn scan(text: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    scan_into(text, &mut out);
    out
}

fn scan_into(text: &str, out: &mut Vec<Tok>) {
    let b = text.as_bytes();
    out.clear();
    out.reserve(b.len() / 5 + 4);
    let mut i = 0;
    let mut newline = false;
    while i < b.len() {
        let c = b[i];
        if c == b' ' || c == b'\t' || c == b'\r' || c == b'\n' {
            if c == b'\n' {
                newline = true;
            }
            i += 1;
            continue;
        }
        let start = i;
        let kind = if c.is_ascii_alphabetic() {
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            Kind::Word
        } else if c.is_ascii_digit() {
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            Kind::Num
        } else if c < 0x80 {
            i += 1;
            Kind::Other
        } else {
            // One whole UTF-8 character; a no-break space counts as space.
            let len = utf8_len(c);
            let end = (i + len).min(b.len());
            if &b[i..end] == "\u{a0}".as_bytes() {
                i = end;
                continue;
            }
            i = end;
            Kind::Other
        };
        out.push(Tok { start, end: i, kind, cap: c.is_ascii_uppercase(), newline_before: newline });
        newline = false;
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_letters_digits_and_marks() {
        let text = "Aug. 7, 1998's 10:35\u{a0}a.m. café";
        let low = text.to_ascii_lowercase();
        let t = scan(text);
        let words: Vec<&str> = t.iter().map(|t| t.w(&low)).collect();
        assert_eq!(words, ["aug", ".", "7", ",", "1998", "'", "s", "10", ":", "35", "a", ".", "m", ".", "caf", "é"]);
        assert!(t[0].cap && !t[2].cap);
    }

    #[test]
    fn marks_line_breaks() {
        let t = scan("one\n\ntwo three");
        assert!(!t[0].newline_before && t[1].newline_before && !t[2].newline_before);
    }
}
