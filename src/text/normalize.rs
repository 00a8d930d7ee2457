//! Text normalisation: Unicode NFC, whitespace tidying and paragraph splitting.
//!
//! The output text of a record is a list of paragraphs joined by one blank line, each paragraph
//! a single line with single spaces. Input comes in three shapes, told apart per block of lines:
//! paragraphs separated by blank lines (most scraped text), one paragraph per line (CoNLL-style
//! and many exports), and hard-wrapped lines (e-mail, wire copy) that must be joined back.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Lines in a hard-wrapped block are at most this long (wire copy wraps at 60 to 80).
const MAX_WRAP_WIDTH: usize = 100;
/// A wrapped line (other than the last) reaches at least this close to the block's width.
const WRAP_SLACK: usize = 25;

/// Splits raw text into tidy paragraphs: NFC, no control characters, single spaces, no empty
/// paragraphs.
pub fn paragraphs(raw: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut block: Vec<&str> = Vec::new();
    for line in lines(raw) {
        if line.trim().is_empty() {
            flush_block(&mut block, &mut out);
        } else {
            block.push(line);
        }
    }
    flush_block(&mut block, &mut out);
    out
}

/// The lines of `raw` split at `\n`, `\r`, vertical tab, form feed, U+2028 and U+2029, as
/// `str::split` with those characters gives them, scanning bytes.
fn lines(raw: &str) -> impl Iterator<Item = &str> {
    let bytes = raw.as_bytes();
    let mut start = 0;
    let mut at = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        // Most of a text is far from a line end: blocks without a byte that
        // can start a separator are skipped whole, in a loop the compiler
        // turns into a few vector steps.
        while let Some(block) = bytes.get(at..at + SCAN_BLOCK) {
            if block.iter().fold(0u8, |any, &byte| any | u8::from(may_start_separator(byte))) != 0 {
                break;
            }
            at += SCAN_BLOCK;
        }
        while at < bytes.len() {
            let separator = match bytes[at] {
                b'\n' | b'\r' | 0x0B | 0x0C => 1,
                0xE2 if matches!(bytes.get(at + 1..at + 3), Some([0x80, 0xA8 | 0xA9])) => 3,
                _ => 0,
            };
            if separator > 0 {
                let line = &raw[start..at];
                at += separator;
                start = at;
                return Some(line);
            }
            at += 1;
        }
        done = true;
        Some(&raw[start..])
    })
}

/// Bytes [`lines`] and [`is_tidy`] look at in one step.
const SCAN_BLOCK: usize = 16;

/// Whether a line separator can start at `byte`: `\n`, vertical tab, form
/// feed, `\r`, or the lead byte of U+2028 and U+2029.
#[inline]
fn may_start_separator(byte: u8) -> bool {
    byte.wrapping_sub(b'\n') < 4 || byte == 0xE2
}

fn flush_block(block: &mut Vec<&str>, out: &mut Vec<String>) {
    if block.is_empty() {
        return;
    }
    if is_hard_wrapped(block) {
        let joined = block.join(" ");
        push_paragraph(&joined, out);
    } else {
        for line in block.iter() {
            push_paragraph(line, out);
        }
    }
    block.clear();
}

fn push_paragraph(line: &str, out: &mut Vec<String>) {
    let tidy = tidy_inline(line);
    if !tidy.is_empty() {
        out.push(tidy);
    }
}

/// Whether a block of consecutive non-empty lines is one paragraph wrapped at a fixed width.
fn is_hard_wrapped(block: &[&str]) -> bool {
    if block.len() < 2 {
        return false;
    }
    let widths: Vec<usize> = block.iter().map(|l| l.trim_end().chars().count()).collect();
    let width = widths.iter().copied().max().unwrap_or(0);
    if !(30..=MAX_WRAP_WIDTH).contains(&width) {
        return false;
    }
    let body = &widths[..widths.len() - 1];
    let all_full = body.iter().all(|&w| w + WRAP_SLACK >= width);
    // Two lines only: also require that the first does not end a sentence, or a headline above
    // a one-line paragraph would be glued to it.
    let first_continues = block.len() > 2 || !block[0].trim_end().ends_with(['.', '!', '?', ':', '"', '”']);
    all_full && first_continues
}

/// Tidies one line: NFC, spaces of every kind folded to one, control and zero-width characters
/// and soft hyphens removed, trimmed.
pub fn tidy_inline(line: &str) -> String {
    if is_tidy(line) {
        return line.to_string();
    }
    let mut pending_space = false;
    // Below U+0300 every character is its own NFC form with combining class 0 (its UTF-8 lead
    // byte is under 0xCC), so such a line needs no NFC check, and ASCII is handled bytewise.
    if !line.bytes().any(|b| b >= 0xCC) {
        let mut bytes = Vec::with_capacity(line.len());
        let mut at = 0;
        while let Some(&byte) = line.as_bytes().get(at) {
            match byte {
                0x21..=0x7E => {
                    // A run of visible ASCII, single spaces between, is copied whole.
                    let start = at;
                    at += 1;
                    while let Some(&next) = line.as_bytes().get(at) {
                        if matches!(next, 0x21..=0x7E) {
                            at += 1;
                        } else if next == b' ' && matches!(line.as_bytes().get(at + 1), Some(0x21..=0x7E)) {
                            at += 2;
                        } else {
                            break;
                        }
                    }
                    if pending_space {
                        bytes.push(b' ');
                        pending_space = false;
                    }
                    bytes.extend_from_slice(&line.as_bytes()[start..at]);
                }
                // ASCII whitespace as `char::is_whitespace` has it.
                b'\t'..=b'\r' | b' ' => {
                    pending_space = !bytes.is_empty();
                    at += 1;
                }
                // Controls.
                0..=0x7F => at += 1,
                _ => {
                    let Some(c) = line[at..].chars().next() else { break };
                    at += c.len_utf8();
                    if c.is_whitespace() || c == '\u{00A0}' {
                        pending_space = !bytes.is_empty();
                    } else if !is_invisible(c) {
                        if pending_space {
                            bytes.push(b' ');
                            pending_space = false;
                        }
                        bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                    }
                }
            }
        }
        // Whole characters of a valid string were copied, so this cannot fail.
        return String::from_utf8(bytes).unwrap_or_default();
    }
    let mut out = String::with_capacity(line.len());
    if is_nfc_quick(line.chars()) == IsNormalized::Yes {
        for c in line.chars() {
            push_tidy(c, &mut pending_space, &mut out);
        }
    } else {
        for c in line.nfc() {
            push_tidy(c, &mut pending_space, &mut out);
        }
    }
    out
}

/// Whether [`tidy_inline`] leaves `line` as it is, which most lines of
/// scraped text are: no character from U+0300 on (which would need the NFC
/// check), no control character, no space other than single plain ones
/// between words, no soft hyphen.
fn is_tidy(line: &str) -> bool {
    let bytes = line.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else { return false };
    if first == b' ' || last == b' ' {
        return false;
    }
    // Without early exits the loops compile to vector steps.
    let odd_byte = |byte: u8| byte < 0x20 || byte == 0x7F || byte >= 0xCC;
    // U+0080 to U+00A0 (controls, NEL, no-break space) and U+00AD (soft
    // hyphen) are the characters under U+0300 that tidying changes besides
    // ASCII ones.
    let odd_pair =
        |lead: u8, next: u8| (lead == b' ' && next == b' ') || (lead == 0xC2 && (next <= 0xA0 || next == 0xAD));
    let odd = bytes.iter().fold(0u8, |any, &byte| any | u8::from(odd_byte(byte)));
    let odd_pairs = bytes.iter().zip(&bytes[1..]).fold(0u8, |any, (&lead, &next)| any | u8::from(odd_pair(lead, next)));
    odd == 0 && odd_pairs == 0
}

/// Appends one character of a line being tidied: a space only between words, nothing for an
/// invisible character.
fn push_tidy(c: char, pending_space: &mut bool, out: &mut String) {
    if c.is_whitespace() || c == '\u{00A0}' {
        *pending_space = !out.is_empty();
    } else if !is_invisible(c) {
        if *pending_space {
            out.push(' ');
            *pending_space = false;
        }
        out.push(c);
    }
}

/// Characters that carry no text: controls, zero-width marks, soft hyphens, byte-order marks.
fn is_invisible(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{FFFE}')
}

/// Joins paragraphs into the output text, returning it with each paragraph's byte range.
pub fn join_paragraphs<S: AsRef<str>>(paragraphs: &[S]) -> (String, Vec<std::ops::Range<usize>>) {
    let total: usize = paragraphs.iter().map(|p| p.as_ref().len() + 2).sum();
    let mut text = String::with_capacity(total);
    let mut ranges = Vec::with_capacity(paragraphs.len());
    for p in paragraphs {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        let start = text.len();
        text.push_str(p.as_ref());
        ranges.push(start..text.len());
    }
    (text, ranges)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_separate_paragraphs() {
        assert_eq!(paragraphs("One.\n\n\nTwo  words.\r\n\r\nThree"), ["One.", "Two words.", "Three"]);
    }

    #[test]
    fn one_paragraph_per_line_is_kept() {
        assert_eq!(
            paragraphs("EU rejects German call .\nPeter Blackburn\nBRUSSELS 1996-08-22"),
            ["EU rejects German call .", "Peter Blackburn", "BRUSSELS 1996-08-22"]
        );
    }

    #[test]
    fn hard_wrapped_lines_are_joined() {
        let wrapped = "The minister said on Tuesday that the talks would go on\n\
                       for as long as both sides were willing to sit at the\n\
                       table, and that nobody had walked out.";
        assert_eq!(paragraphs(wrapped).len(), 1);
    }

    #[test]
    fn headline_over_a_line_is_not_joined() {
        let text =
            "Ad sales boost Time Warner profit and more.\nQuarterly profits at US media giant TimeWarner jumped 76%.";
        assert_eq!(paragraphs(text).len(), 2);
    }

    #[test]
    fn invisible_characters_and_odd_spaces_are_tidied() {
        assert_eq!(tidy_inline("\u{FEFF} a\u{00A0}\u{00A0}b\u{200B}c\u{00AD}d\t e \u{0007}"), "a bcd e");
    }

    #[test]
    fn the_bytewise_paths_agree_with_the_character_ones() {
        for line in ["  a  b\t\tc ", "\u{7}x\u{7F}y\u{0B}z", "£5\u{A0}\u{A0}off\u{AD}!", "", " ", "a\u{85}b", "é  è"]
        {
            let mut expected = String::new();
            let mut pending_space = false;
            for c in line.chars() {
                push_tidy(c, &mut pending_space, &mut expected);
            }
            assert_eq!(tidy_inline(line), expected, "{line:?}");
        }
        let separators: &[char] = &['\n', '\r', '\u{2028}', '\u{2029}', '\u{0B}', '\u{0C}'];
        for raw in ["", "a", "a\n", "\r\nb\u{2028}c\u{2029}\u{0B}d\u{0C}", "\u{2026}x\u{2028}"] {
            assert_eq!(lines(raw).collect::<Vec<_>>(), raw.split(separators).collect::<Vec<_>>(), "{raw:?}");
        }
    }

    #[test]
    fn lines_already_tidy_are_recognised() {
        let odd = [
            "",
            " ",
            "a  b",
            " a",
            "a ",
            "a\tb",
            "a\rb",
            "a\u{7F}b",
            "a\u{85}b",
            "a\u{A0}b",
            "soft\u{AD}hyphen",
            "\u{80}",
            "\u{9F}x",
            "e\u{301}",
            "Привет мир",
            "zero\u{200B}width",
            "\u{FEFF}bom",
            "a\u{2028}b",
        ];
        let plain =
            ["a", "Plain words, single spaces.", "£5 off, ¡olé! ©2017 «quoted» ½", "x \u{A1} y", "\u{2FF}", "ab\u{AE}"];
        let long = "The council met on Tuesday to discuss the bridge. ".repeat(9);
        for line in odd.iter().chain(&plain).copied().chain([long.trim_end(), long.as_str()]) {
            let mut expected = String::new();
            let mut pending_space = false;
            for c in line.nfc() {
                push_tidy(c, &mut pending_space, &mut expected);
            }
            assert_eq!(tidy_inline(line), expected, "{line:?}");
            if is_tidy(line) {
                assert_eq!(expected, line, "{line:?}");
            }
        }
        assert!(plain.iter().all(|line| is_tidy(line)));
        assert!(odd.iter().all(|line| !is_tidy(line)));
    }

    #[test]
    fn long_texts_split_into_the_same_lines() {
        let separators: &[char] = &['\n', '\r', '\u{2028}', '\u{2029}', '\u{0B}', '\u{0C}'];
        let body = "A line of text long enough to span several scan blocks, with “quotes” — and dashes.";
        for separator in ["\n", "\r\n", "\u{2028}", "\u{0C}", "\n\n"] {
            let raw = format!("{body}{separator}{body}{separator}{separator}{body} — end{separator}");
            assert_eq!(lines(&raw).collect::<Vec<_>>(), raw.split(separators).collect::<Vec<_>>(), "{raw:?}");
        }
    }

    #[test]
    fn text_is_nfc() {
        // "e" + combining acute becomes the precomposed "é".
        assert_eq!(tidy_inline("Cafe\u{0301}"), "Café");
    }

    #[test]
    fn join_gives_exact_ranges() {
        let (text, ranges) = join_paragraphs(&["ab", "cde"]);
        assert_eq!(text, "ab\n\ncde");
        assert_eq!(&text[ranges[1].clone()], "cde");
    }
}
