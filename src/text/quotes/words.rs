//! A small word scanner for the cue grammar: words (with abbreviation dots, inner
//! apostrophes and hyphens; a possessive `'s` split off) and single punctuation marks, as
//! byte ranges. The shared tokenizer follows the same conventions; this one keeps the
//! module usable on its own text and cheap to run over every sentence window.

/// A token of the cue grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tok {
    pub start: usize,
    pub end: usize,
    pub word: bool,
}

impl Tok {
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

/// Abbreviations that keep their dot ("Mr." is one token, not a sentence end).
pub(crate) const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "capt", "prof", "rev", "st", "jr", "sr",
    "inc", "corp", "co", "ltd", "vs", "no", "jan", "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec",
    "ft", "mt", "u.s", "u.n", "u.k", "d.c", "a.m", "p.m", "e.g", "i.e", "adm", "atty", "supt", "cmdr", "pres", "maj",
];

/// Length of the longest abbreviation: a longer word needs no look-up.
const LONGEST_ABBREVIATION: usize = {
    let mut longest = 0;
    let mut k = 0;
    while k < ABBREVIATIONS.len() {
        if ABBREVIATIONS[k].len() > longest {
            longest = ABBREVIATIONS[k].len();
        }
        k += 1;
    }
    longest
};

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// The character starting at byte `i`, decoded only when it is not ASCII.
fn char_at(text: &str, i: usize) -> Option<char> {
    let b = *text.as_bytes().get(i)?;
    if b.is_ascii() {
        return Some(char::from(b));
    }
    text.get(i..)?.chars().next()
}

/// Whether the alphanumeric run starting at byte `i` is a lone "s" (any case): the
/// ending of a possessive or of a contraction like "it's".
fn lone_s_at(text: &str, i: usize) -> bool {
    // Only 'S' lower-cases to "s", and a longer run never lower-cases to one letter.
    matches!(text.as_bytes().get(i), Some(b's' | b'S')) && !char_at(text, i + 1).is_some_and(is_word_char)
}

/// Whether `w` followed by a dot keeps the dot: an initial ("J.") or a known abbreviation.
fn keeps_dot(w: &str) -> bool {
    let mut chars = w.chars();
    let initial = chars.next().is_some_and(char::is_uppercase) && chars.next().is_none();
    if initial {
        return true;
    }
    if w.is_ascii() {
        w.len() <= LONGEST_ABBREVIATION && ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(w))
    } else {
        ABBREVIATIONS.contains(&w.to_lowercase().as_str())
    }
}

/// Whether byte `i` starts a right single quotation mark (’, U+2019).
fn curly_apostrophe_at(bytes: &[u8], i: usize) -> bool {
    bytes.get(i..i + 3) == Some("’".as_bytes())
}

/// Byte classes for the scanner's main loop: ASCII whitespace, letters and digits, other
/// ASCII (a mark of its own), and the lead or continuation bytes of other characters.
const SPACE: u8 = 0;
const WORD: u8 = 1;
const MARK: u8 = 2;
const NON_ASCII: u8 = 3;
static CLASS: [u8; 256] = {
    let mut table = [NON_ASCII; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_alphanumeric() {
            WORD
        } else if matches!(c, b'\t'..=b'\r' | b' ') {
            // What `char::is_whitespace` says of ASCII (vertical tab included).
            SPACE
        } else {
            MARK
        };
        b += 1;
    }
    table
};

/// Tokens of `text`.
///
/// Reads ASCII bytes directly and decodes only other characters; the unit tests hold it
/// to the char-by-char scanner it replaced.
pub(crate) fn tokens(text: &str) -> Vec<Tok> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(text.len() / 4 + 4);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let c_len = match CLASS[usize::from(b)] {
            SPACE => {
                i += 1;
                continue;
            }
            WORD => 1,
            MARK => {
                out.push(Tok { start: i, end: i + 1, word: false });
                i += 1;
                continue;
            }
            _ => {
                let Some(c) = char_at(text, i) else { break };
                let c_len = c.len_utf8();
                if c.is_whitespace() {
                    i += c_len;
                    continue;
                }
                if !is_word_char(c) {
                    out.push(Tok { start: i, end: i + c_len, word: false });
                    i += c_len;
                    continue;
                }
                c_len
            }
        };
        let start = i;
        let mut end = i + c_len;
        // Extend over letters, digits and inner joiners followed by a letter or digit.
        loop {
            // Most of a word is ASCII letters and digits.
            end = crate::text::tokenize::ascii_alnum_run_end(bytes, end);
            let Some(&d) = bytes.get(end) else {
                break;
            };
            // An ASCII byte here is no letter or digit: only a joiner may go on.
            let d_len = if d.is_ascii() {
                if !matches!(d, b'-' | b'\'' | b'.' | b'&') {
                    break;
                }
                1
            } else {
                let Some(d) = char_at(text, end) else { break };
                if is_word_char(d) {
                    end += d.len_utf8();
                    continue;
                }
                if d != '’' {
                    break;
                }
                d.len_utf8()
            };
            if !char_at(text, end + d_len).is_some_and(is_word_char) {
                break;
            }
            // A possessive or contraction ending starts its own token.
            let apostrophe = d == b'\'' || curly_apostrophe_at(bytes, end);
            if apostrophe && lone_s_at(text, end + d_len) {
                break;
            }
            end += d_len;
        }
        // Keep the dot of an abbreviation or an initial ("J.", "U.S.").
        if bytes.get(end) == Some(&b'.') && keeps_dot(text.get(start..end).unwrap_or("")) {
            end += 1;
        }
        out.push(Tok { start, end, word: true });
        i = end;
        // Split a possessive 's off as its own word (only an apostrophe, straight or the
        // curly one whose first byte is 0xE2, can open one).
        let apostrophe_len = match bytes.get(i) {
            Some(b'\'') => 1,
            Some(0xE2) if curly_apostrophe_at(bytes, i) => 3,
            _ => 0,
        };
        if apostrophe_len > 0 && lone_s_at(text, i + apostrophe_len) {
            let s_at = i + apostrophe_len;
            out.push(Tok { start: i, end: s_at + 1, word: true });
            i = s_at + 1;
        }
    }
    out
}

/// The words of `s` as [`str::split_whitespace`] gives them, reading ASCII bytes without
/// decoding: callers split many short names and quotes.
pub(crate) fn whitespace_words(s: &str) -> WhitespaceWords<'_> {
    WhitespaceWords { text: s, pos: 0 }
}

/// The iterator of [`whitespace_words`].
pub(crate) struct WhitespaceWords<'a> {
    text: &'a str,
    /// Where the next word is looked for; always a character boundary.
    pos: usize,
}

impl<'a> Iterator for WhitespaceWords<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        let mut start = self.pos;
        // Skip whitespace.
        loop {
            let b = *bytes.get(start)?;
            if b.is_ascii() {
                if CLASS[usize::from(b)] != SPACE {
                    break;
                }
                start += 1;
                continue;
            }
            let c = self.text.get(start..)?.chars().next()?;
            if !c.is_whitespace() {
                break;
            }
            start += c.len_utf8();
        }
        // The word runs to the next whitespace or the end.
        let mut end = start;
        while let Some(&b) = bytes.get(end) {
            if b.is_ascii() {
                if CLASS[usize::from(b)] == SPACE {
                    break;
                }
                end += 1;
                continue;
            }
            let Some(c) = self.text.get(end..).and_then(|s| s.chars().next()) else { break };
            if c.is_whitespace() {
                break;
            }
            end += c.len_utf8();
        }
        self.pos = end;
        self.text.get(start..end)
    }
}

/// Whether `w` starts with an upper-case letter.
pub(crate) fn capitalised(w: &str) -> bool {
    w.chars().next().is_some_and(|c| c.is_uppercase())
}

/// Lower-cased `w` without a trailing abbreviation dot.
pub(crate) fn norm(w: &str) -> String {
    w.trim_end_matches('.').to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(t: &str) -> Vec<&str> {
        tokens(t).iter().map(|k| k.text(t)).collect()
    }

    /// The scanner as first written, char by char: the reference for the fast one.
    fn reference_tokens(text: &str) -> Vec<Tok> {
        let mut out = Vec::new();
        let mut it = text.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            if c.is_whitespace() {
                continue;
            }
            if !is_word_char(c) {
                out.push(Tok { start: i, end: i + c.len_utf8(), word: false });
                continue;
            }
            let mut end = i + c.len_utf8();
            // Extend over letters, digits and inner joiners followed by a letter or digit.
            while let Some(&(j, d)) = it.peek() {
                if is_word_char(d) {
                    end = j + d.len_utf8();
                    it.next();
                    continue;
                }
                let joiner = matches!(d, '-' | '\'' | '’' | '.' | '&');
                let after = text.get(j + d.len_utf8()..).and_then(|s| s.chars().next());
                if joiner && after.is_some_and(is_word_char) {
                    // A possessive or contraction ending starts its own token.
                    if matches!(d, '\'' | '’') {
                        let rest = text.get(j + d.len_utf8()..).unwrap_or("");
                        let tail: String =
                            rest.chars().take_while(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
                        if tail == "s" {
                            break;
                        }
                    }
                    end = j + d.len_utf8();
                    it.next();
                    continue;
                }
                break;
            }
            // Keep the dot of an abbreviation or an initial ("J.", "U.S.").
            if text.get(end..).is_some_and(|s| s.starts_with('.')) {
                let w = text.get(i..end).unwrap_or("");
                let lower = w.to_lowercase();
                let initial = w.chars().count() == 1 && w.chars().all(|c| c.is_uppercase());
                if initial || ABBREVIATIONS.contains(&lower.as_str()) {
                    end += 1;
                    // Skip the dot in the iterator.
                    it.next();
                }
            }
            out.push(Tok { start: i, end, word: true });
            // Split a possessive 's off as its own word.
            if let Some((j, d)) = it.peek().copied() {
                if matches!(d, '\'' | '’') {
                    let s_at = j + d.len_utf8();
                    let is_s = text.get(s_at..).is_some_and(|s| s.starts_with('s') || s.starts_with('S'));
                    let after_s = text.get(s_at + 1..).and_then(|s| s.chars().next());
                    if is_s && !after_s.is_some_and(is_word_char) {
                        it.next();
                        it.next();
                        out.push(Tok { start: j, end: s_at + 1, word: true });
                    }
                }
            }
        }
        out
    }

    /// Texts with the cases the scanner treats specially, non-ASCII letters, odd spaces
    /// and marks.
    const TRICKY: &[&str] = &[
        "Mr. Trump’s U.S. plan, he said. It's theirs' and the dogs' — don't.",
        "J. R. R. Tolkien, Sept. 5, 3.5% at 9 a.m. U.K. vs. U.S.A. & Co. Inc.",
        "Ça va? Ökonom Müller’S SOHN’s Straße–Ärger … «non» „ja“ ‘ok’",
        "rock'n'roll O'Neill's o’Brien ’s 's' x'S y’s’ AT&T R&D -a- a--b a.-b",
        "tab\there\u{a0}nbsp\u{2003}em\u{3000}ideo\u{b}vt\r\n\nend.",
        "\u{212a}o. \u{130}nc. İstanbul DŽ. ǅ. Ǆungla. Σ. ΣΑΣ's",
        "'s",
        "’",
        "a'",
        "s's",
        "A.",
        "a.",
        "..",
        "",
        " ",
        "x",
        "É.",
        "U.S.'s A.’s J.'S x.'s",
        "it’’s ’’s a’\u{2019}s",
    ];

    #[test]
    fn fast_scanner_matches_the_reference_on_every_prefix() {
        for text in TRICKY {
            for (end, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
                let t = &text[..end];
                assert_eq!(tokens(t), reference_tokens(t), "{t:?}");
                let rest = &text[end..];
                assert_eq!(tokens(rest), reference_tokens(rest), "{rest:?}");
            }
        }
    }

    #[test]
    fn whitespace_words_match_split_whitespace() {
        let extra = ["a\u{b}b\u{c}c\u{85}d\u{a0}e\u{2028}f\u{200b}g\u{feff}h\u{3000}i", "  ", "\u{a0}", "é ü\tß"];
        for text in TRICKY.iter().copied().chain(extra) {
            for (end, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
                for t in [&text[..end], &text[end..]] {
                    let fast: Vec<&str> = whitespace_words(t).collect();
                    let reference: Vec<&str> = t.split_whitespace().collect();
                    assert_eq!(fast, reference, "{t:?}");
                }
            }
        }
    }

    #[test]
    fn abbreviations_keep_their_dot_and_possessives_split() {
        assert_eq!(
            words("Mr. Trump’s U.S. plan, he said."),
            vec!["Mr.", "Trump", "’s", "U.S.", "plan", ",", "he", "said", "."]
        );
    }

    #[test]
    fn hyphens_and_contractions_stay_inside_words() {
        assert_eq!(words("pro-government don't"), vec!["pro-government", "don't"]);
    }

    #[test]
    fn initials_keep_their_dot() {
        assert_eq!(words("Donald J. Trump"), vec!["Donald", "J.", "Trump"]);
    }
}
