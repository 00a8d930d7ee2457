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

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Tokens of `text`.
pub(crate) fn tokens(text: &str) -> Vec<Tok> {
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
