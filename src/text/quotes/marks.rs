//! Quotation-mark scanning: which marks open and close, and the outermost quoted spans of a
//! text, paragraph by paragraph.

use std::ops::Range;

/// One quotation mark found in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mark {
    pub start: usize,
    pub end: usize,
    /// Straight marks (`"`, `''`) take their direction from context only; curly ones fall
    /// back on their shape.
    pub straight: bool,
    pub shape: Shape,
}

/// What a mark's glyph says about its direction, before context is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Opener,
    Closer,
    Either,
}

/// Characters after which a mark opens a quote (besides whitespace and the text start).
const OPEN_AFTER: &[char] = &['(', '[', '{', '—', '–'];
/// Characters before which a mark closes a quote (besides whitespace and the text end).
const CLOSE_BEFORE: &[char] = &['.', ',', ';', ':', '!', '?', ')', ']', '}', '—', '–'];

/// The double quotation mark starting at byte `i`, if any. Reads bytes, decoding no
/// character.
fn mark_at(text: &str, i: usize, single_marks: bool) -> Option<Mark> {
    let bytes = text.as_bytes();
    let b0 = *bytes.get(i)?;
    let b1 = bytes.get(i + 1).copied();
    let (len, straight, shape) = match (b0, b1) {
        (b'"', _) => (1, true, Shape::Either),
        // Two apostrophes or two backticks stand for a double mark in some archives.
        (b'\'', Some(b'\'')) => (2, true, Shape::Either),
        (b'`', Some(b'`')) => (2, false, Shape::Opener),
        // « and »
        (0xC2, Some(0xAB)) => (2, false, Shape::Opener),
        (0xC2, Some(0xBB)) => (2, false, Shape::Closer),
        // U+2018..U+201F: ‘ ’ “ ” „ ‟
        (0xE2, Some(0x80)) => match bytes.get(i + 2)? {
            0x9C | 0x9E | 0x9F => (3, false, Shape::Opener),
            0x9D => (3, false, Shape::Closer),
            0x98 if single_marks => (3, false, Shape::Opener),
            0x99 if single_marks => (3, false, Shape::Closer),
            _ => return None,
        },
        _ => return None,
    };
    Some(Mark { start: i, end: i + len, straight, shape })
}

/// Whether `m` opens (`Some(true)`), closes (`Some(false)`) or cannot be told from its
/// surroundings and shape (`None`, a straight mark between two words or two spaces).
pub(crate) fn role(text: &str, m: &Mark) -> Option<bool> {
    let prev = text.get(..m.start).and_then(|s| s.chars().next_back());
    let next = text.get(m.end..).and_then(|s| s.chars().next());
    let opens = prev.is_none_or(|c| c.is_whitespace() || OPEN_AFTER.contains(&c));
    let closes = next.is_none_or(|c| c.is_whitespace() || CLOSE_BEFORE.contains(&c));
    match (opens, closes) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => match m.shape {
            Shape::Opener => Some(true),
            Shape::Closer => Some(false),
            Shape::Either => None,
        },
    }
}

/// Byte ranges of the paragraphs: text between blank lines (a line break, optional
/// whitespace, another line break).
pub(crate) fn paragraphs(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while let Some(off) = bytes.get(i..).and_then(|rest| memchr::memchr(b'\n', rest)) {
        let nl = i + off;
        // Look for a second line break after only whitespace.
        let mut j = nl + 1;
        let mut second = false;
        while let Some(&b) = bytes.get(j) {
            if !b.is_ascii_whitespace() {
                break;
            }
            second |= b == b'\n';
            j += 1;
        }
        if second {
            out.push(start..nl);
            start = j;
            i = j;
        } else {
            i = nl + 1;
        }
    }
    out.push(start..text.len());
    out
}

fn marks_in(text: &str, range: Range<usize>, single_marks: bool) -> Vec<Mark> {
    let mut out = Vec::new();
    let Some(slice) = text.get(range.clone()) else {
        return out;
    };
    let bytes = slice.as_bytes();
    // Every mark starts with `"`, `'`, `` ` `` or the lead byte of a curly mark (0xE2) or a
    // guillemet (0xC2). Lead bytes are never UTF-8 continuation bytes, so each hit is at a
    // character boundary. Two finders cover the five bytes; each keeps its next hit.
    let quotes_from =
        |from: usize| bytes.get(from..).and_then(|b| memchr::memchr3(b'"', b'\'', 0xE2, b)).map(|o| from + o);
    let others_from = |from: usize| bytes.get(from..).and_then(|b| memchr::memchr2(b'`', 0xC2, b)).map(|o| from + o);
    let mut next_quote = quotes_from(0);
    let mut next_other = others_from(0);
    let mut skip_until = 0;
    loop {
        let off = match (next_quote, next_other) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (None, None) => break,
        };
        if next_quote == Some(off) {
            next_quote = quotes_from(off + 1);
        } else {
            next_other = others_from(off + 1);
        }
        let i = range.start + off;
        if i < skip_until {
            continue;
        }
        if let Some(m) = mark_at(text, i, single_marks) {
            if m.end <= range.end {
                skip_until = m.end;
                out.push(m);
            }
        }
    }
    out
}

/// The first mark of a paragraph if it opens the paragraph (after leading whitespace)
/// and does not read as a closing mark.
fn opening_mark(text: &str, para: &Range<usize>, single_marks: bool) -> Option<usize> {
    let slice = text.get(para.clone())?;
    let lead = slice.len() - slice.trim_start().len();
    let m = mark_at(text, para.start + lead, single_marks)?;
    (m.end <= para.end && role(text, &m) != Some(false)).then_some(m.start)
}

/// Outermost quoted spans, each from its opening mark to the end of its closing mark.
///
/// Marks nested inside a quote belong to it; a quote still open at a paragraph end goes on
/// when the next paragraph opens with a mark (news style for long quotes), else it ends
/// with its paragraph (trailing whitespace excluded).
pub(crate) fn quoted_spans(text: &str, single_marks: bool) -> Vec<Range<usize>> {
    quoted_spans_in(text, &paragraphs(text), single_marks)
}

/// [`quoted_spans`] over paragraphs the caller has already found.
pub(crate) fn quoted_spans_in(text: &str, paras: &[Range<usize>], single_marks: bool) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    // Open marks: (byte position, straight?).
    let mut stack: Vec<(usize, bool)> = Vec::new();
    for (pi, para) in paras.iter().enumerate() {
        let skip = if stack.is_empty() { None } else { opening_mark(text, para, single_marks) };
        for m in marks_in(text, para.clone(), single_marks) {
            if Some(m.start) == skip {
                continue;
            }
            let opens = match role(text, &m) {
                Some(o) => o,
                // A straight mark between words closes an open straight quote, else opens.
                None => !stack.iter().any(|&(_, st)| st),
            };
            if opens {
                stack.push((m.start, m.straight));
                continue;
            }
            let Some(&(first, _)) = stack.first() else {
                continue; // a stray closing mark
            };
            let k = stack.iter().rposition(|&(_, st)| st == m.straight).unwrap_or(stack.len() - 1);
            stack.truncate(k);
            if stack.is_empty() {
                spans.push(first..m.end);
            }
        }
        if let Some(&(first, _)) = stack.first() {
            let continues = paras.get(pi + 1).is_some_and(|next| opening_mark(text, next, single_marks).is_some());
            if !continues {
                let end = first + text.get(first..para.end).map_or(0, |s| s.trim_end().len());
                spans.push(first..end.max(first));
                stack.clear();
            }
        }
    }
    spans
}

/// `range` without surrounding whitespace and quotation marks (single marks included).
pub(crate) fn inner(text: &str, range: Range<usize>) -> Range<usize> {
    const TRIM: &[char] = &['"', '“', '”', '„', '‟', '«', '»', '\'', '`', '‘', '’', '\u{a0}'];
    let Some(s) = text.get(range.clone()) else {
        return range.start..range.start;
    };
    let is_trim = |c: char| c.is_whitespace() || TRIM.contains(&c);
    let left = s.len() - s.trim_start_matches(is_trim).len();
    let right = s.trim_end_matches(is_trim).len();
    if right <= left {
        return range.start..range.start;
    }
    range.start + left..range.start + right
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str) -> Vec<&str> {
        quoted_spans(text, false).into_iter().map(|r| &text[r]).collect()
    }

    // The scanners as first written, char by char: the references for the byte scanners.
    fn reference_mark_at(text: &str, i: usize, single_marks: bool) -> Option<Mark> {
        let rest = text.get(i..)?;
        let mut chars = rest.chars();
        let c = chars.next()?;
        let next = chars.next();
        let (len, straight, shape) = match c {
            '“' | '„' | '‟' | '«' => (c.len_utf8(), false, Shape::Opener),
            '”' | '»' => (c.len_utf8(), false, Shape::Closer),
            '"' => (1, true, Shape::Either),
            // Two apostrophes or two backticks stand for a double mark in some archives.
            '\'' if next == Some('\'') => (2, true, Shape::Either),
            '`' if next == Some('`') => (2, false, Shape::Opener),
            '‘' if single_marks => (c.len_utf8(), false, Shape::Opener),
            '’' if single_marks => (c.len_utf8(), false, Shape::Closer),
            _ => return None,
        };
        Some(Mark { start: i, end: i + len, straight, shape })
    }
    fn reference_paragraphs(text: &str) -> Vec<Range<usize>> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut start = 0;
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'\n' {
                // Look for a second line break after only whitespace.
                let mut j = i + 1;
                let mut second = None;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    if bytes[j] == b'\n' {
                        second = Some(j);
                    }
                    j += 1;
                }
                if let Some(last_nl) = second {
                    let _ = last_nl;
                    out.push(start..i);
                    start = j;
                    i = j;
                    continue;
                }
            }
            i += 1;
        }
        out.push(start..text.len());
        out
    }
    fn reference_marks_in(text: &str, range: Range<usize>, single_marks: bool) -> Vec<Mark> {
        let mut out = Vec::new();
        let Some(slice) = text.get(range.clone()) else {
            return out;
        };
        let mut skip_until = 0;
        for (off, _) in slice.char_indices() {
            let i = range.start + off;
            if i < skip_until {
                continue;
            }
            if let Some(m) = reference_mark_at(text, i, single_marks) {
                if m.end <= range.end {
                    skip_until = m.end;
                    out.push(m);
                }
            }
        }
        out
    }

    const TRICKY: &[&str] = &[
        "He said “we will win” and left. ‘Single’ «double» „low“ ‟odd” ``tex'' ''two''",
        "\"straight\" 'one' ''' \"\"\" ``` «»\n\n“x\n \t\n\r\n”\n\n\n",
        "é“ü”€—‘’–„«ä»\u{2028}\u{201b}\u{2020}\u{201a}\u{a0}\u{ab}",
        "",
        "\n",
        "\n\n",
        " \n \n ",
        "a\n\nb\n \nc\nd",
    ];

    #[test]
    fn byte_scanners_match_the_references() {
        for text in TRICKY {
            for (end, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
                for t in [&text[..end], &text[end..]] {
                    assert_eq!(paragraphs(t), reference_paragraphs(t), "{t:?}");
                    for single in [false, true] {
                        for (from, _) in t.char_indices() {
                            assert_eq!(mark_at(t, from, single), reference_mark_at(t, from, single), "{t:?}");
                            let range = from..t.len();
                            assert_eq!(
                                marks_in(t, range.clone(), single),
                                reference_marks_in(t, range, single),
                                "{t:?}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn curly_quotes_open_and_close() {
        assert_eq!(spans("He said “we will win” and left."), vec!["“we will win”"]);
    }

    #[test]
    fn straight_marks_read_direction_from_context() {
        let t = r#"She said "no way," then "maybe" later."#;
        assert_eq!(spans(t), vec![r#""no way,""#, r#""maybe""#]);
    }

    #[test]
    fn two_apostrophes_act_as_a_double_mark() {
        let t = "He called it ''a historic day'' for all.";
        assert_eq!(spans(t), vec!["''a historic day''"]);
    }

    #[test]
    fn low_and_guillemet_marks() {
        assert_eq!(spans("Er sagte „nein“ dann."), vec!["„nein“"]);
        assert_eq!(spans("Il a dit « non » hier."), vec!["« non »"]);
    }

    #[test]
    fn nested_quotes_belong_to_the_outer_one() {
        let t = "“He told me “go home” twice,” she said.";
        assert_eq!(spans(t), vec!["“He told me “go home” twice,”"]);
    }

    #[test]
    fn single_marks_are_apostrophes_by_default() {
        assert!(spans("It’s the ‘big one’ they said.").is_empty());
        let with = quoted_spans("He said ‘we are done here now’ today.", true);
        assert_eq!(with.len(), 1);
    }

    #[test]
    fn quote_continues_into_a_paragraph_that_reopens() {
        let t = "“First part.\n\n“Second part,” he said.\n\nAfter.";
        assert_eq!(spans(t), vec!["“First part.\n\n“Second part,”"]);
    }

    #[test]
    fn unclosed_quote_ends_with_its_paragraph() {
        let t = "He said “this never closes. \n\nNext paragraph.";
        assert_eq!(spans(t), vec!["“this never closes."]);
    }

    #[test]
    fn inner_trims_marks_and_space() {
        let t = "“ low level ”";
        assert_eq!(&t[inner(t, 0..t.len())], "low level");
        assert_eq!(inner("“”", 0..6), 0..0);
    }

    #[test]
    fn paragraphs_split_on_blank_lines() {
        let t = "a\n\nb\n \nc\nd";
        let p: Vec<&str> = paragraphs(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(p, vec!["a", "b", "c\nd"]);
    }
}
