//! The token scanner under the temporal grammar: runs of ASCII letters,
//! runs of digits, and single other characters, each with its byte span and
//! (for short ASCII tokens) a lower-case copy kept inline so that matching
//! a word never allocates.

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

const INLINE: usize = 15;

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
    len: u8,
    low: [u8; INLINE],
}

impl Tok {
    /// Lower-case text of the token, or "" when it is longer than the
    /// inline buffer or not ASCII (no keyword is either).
    pub fn w(&self) -> &str {
        std::str::from_utf8(&self.low[..usize::from(self.len)]).unwrap_or("")
    }
}

/// Splits `text` into tokens.
pub fn scan(text: &str) -> Vec<Tok> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len() / 5 + 4);
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
        let mut low = [0u8; INLINE];
        let n = i - start;
        let len = if n <= INLINE && b[start..i].is_ascii() {
            for (k, &ch) in b[start..i].iter().enumerate() {
                low[k] = ch.to_ascii_lowercase();
            }
            n as u8
        } else {
            0
        };
        out.push(Tok {
            start,
            end: i,
            kind,
            cap: c.is_ascii_uppercase(),
            newline_before: newline,
            len,
            low,
        });
        newline = false;
    }
    out
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
        let t = scan("Aug. 7, 1998's 10:35\u{a0}a.m. café");
        let words: Vec<&str> = t.iter().map(|t| t.w()).collect();
        assert_eq!(
            words,
            [
                "aug", ".", "7", ",", "1998", "'", "s", "10", ":", "35", "a", ".", "m", ".", "caf",
                ""
            ]
        );
        assert!(t[0].cap && !t[2].cap);
    }

    #[test]
    fn marks_line_breaks() {
        let t = scan("one\n\ntwo three");
        assert!(!t[0].newline_before && t[1].newline_before && !t[2].newline_before);
    }
}
