//! Sentence splitter over tokens.
//!
//! A sentence ends at `.`, `!`, `?` or an ellipsis (with any closing quotes or brackets that
//! follow, as in `."`) when the next token can start a sentence, and always at a line break:
//! after the text is tidied, a line break separates paragraphs, headlines and datelines, which
//! is what makes headlines without a final full stop their own sentence.

use std::ops::Range;

use super::lexicon;
use super::tokenize::{Token, TokenKind};

/// Splits `text` into sentences, returned as byte ranges from the first token's start to the
/// last token's end. `tokens` must be `tokenize(text)`.
pub fn split_sentences(text: &str, tokens: &[Token]) -> Vec<Range<usize>> {
    let mut sentences = Vec::with_capacity(tokens.len() / 16 + 1);
    let mut first = 0;
    let mut i = 0;
    while i < tokens.len() {
        let mut last = i;
        let mut boundary = false;
        if may_end_sentence(text.as_bytes(), &tokens[i]) && ends_sentence(text, tokens, i) {
            // Closing quotes and brackets right after the terminal belong to this sentence.
            while last + 1 < tokens.len()
                && is_closing(tokens[last + 1].as_str(text))
                && no_newline_between(text, &tokens[last], &tokens[last + 1])
            {
                last += 1;
            }
            boundary = tokens.get(last + 1).is_none_or(|next| can_start_sentence(text, tokens, last, next));
        }
        if let Some(next) = tokens.get(last + 1) {
            if !no_newline_between(text, &tokens[last], next) {
                boundary = true;
            }
        }
        if boundary || last + 1 == tokens.len() {
            sentences.push(tokens[first].start..tokens[last].end);
            first = last + 1;
        }
        i = last + 1;
    }
    sentences
}

fn no_newline_between(text: &str, a: &Token, b: &Token) -> bool {
    // A plain loop: the gap is usually one space, too short for a `memchr` set-up to pay.
    // Token offsets are character boundaries, so the bytes are the `str`'s.
    text.as_bytes().get(a.end..b.start).is_none_or(|gap| gap.iter().all(|&b| b != b'\n'))
}

/// A necessary condition for [`ends_sentence`] from one byte: a terminal starts with `.`, `!`,
/// `?` or the lead byte of `…`, and an abbreviation ends with its dot. Most tokens fail it.
fn may_end_sentence(bytes: &[u8], token: &Token) -> bool {
    match token.kind {
        TokenKind::Punct => matches!(bytes.get(token.start), Some(b'.' | b'!' | b'?' | 0xE2)),
        TokenKind::Word => token.end > token.start && bytes.get(token.end - 1) == Some(&b'.'),
        _ => false,
    }
}

fn is_closing(s: &str) -> bool {
    matches!(s, "\"" | "”" | "’" | "'" | "''" | ")" | "]" | "»" | "}")
}

fn is_opening(s: &str) -> bool {
    matches!(s, "\"" | "“" | "‘" | "'" | "``" | "(" | "[" | "«" | "{" | "-" | "—" | "–")
}

/// Whether token `i` is a candidate sentence end.
fn ends_sentence(text: &str, tokens: &[Token], i: usize) -> bool {
    let token = &tokens[i];
    if token.is_terminal(text) {
        return true;
    }
    // An abbreviation with its dot ("etc.", "U.S.") may end a sentence too; the next token decides.
    let s = token.as_str(text);
    token.kind == TokenKind::Word && s.ends_with('.') && s.len() > 1 && !lexicon::is_name_prefix(s)
}

/// Whether `next`, following the candidate end at `tokens[last]`, starts a new sentence.
fn can_start_sentence(text: &str, tokens: &[Token], last: usize, next: &Token) -> bool {
    let end = tokens[last].as_str(text);
    let next_str = next.as_str(text);
    let first_char = next_str.chars().next().unwrap_or(' ');
    let starts_upper =
        first_char.is_uppercase() || first_char.is_ascii_digit() || is_opening(next_str) || !first_char.is_alphabetic();
    if !starts_upper {
        return false;
    }
    if end.len() > 1 && end.ends_with('.') && tokens[last].kind == TokenKind::Word {
        // "U.S. The ..." ends a sentence; "U.S. Secretary" and "J. Smith" do not.
        let is_initial = end.chars().count() == 2;
        return !is_initial && lexicon::is_common_sentence_starter(next_str);
    }
    if matches!(end, "..." | "…") {
        return first_char.is_uppercase() || is_opening(next_str);
    }
    // "No. 10", "p. 5": a dot after a name prefix followed by a number.
    if end == "."
        && last > 0
        && lexicon::is_name_prefix(tokens[last - 1].as_str(text))
        && tokens[last - 1].end == tokens[last].start
    {
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize::tokenize;

    fn sents(text: &str) -> Vec<&str> {
        split_sentences(text, &tokenize(text)).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn splits_plain_sentences() {
        assert_eq!(
            sents("It rained. Then it stopped! Why? Nobody knows"),
            ["It rained.", "Then it stopped!", "Why?", "Nobody knows"]
        );
    }

    #[test]
    fn titles_and_initials_do_not_split() {
        assert_eq!(
            sents("Mr. Smith met Gen. Allen and J. R. Jones. They talked."),
            ["Mr. Smith met Gen. Allen and J. R. Jones.", "They talked."]
        );
        assert_eq!(sents("Mr Lavrov spoke. Mr Tillerson listened."), ["Mr Lavrov spoke.", "Mr Tillerson listened."]);
    }

    #[test]
    fn dotted_abbreviations_end_sentences_only_before_starters() {
        assert_eq!(sents("He met U.S. officials. They left."), ["He met U.S. officials.", "They left."]);
        assert_eq!(sents("He flew to the U.S. The trip was long."), ["He flew to the U.S.", "The trip was long."]);
        assert_eq!(sents("The U.S. Secretary of State spoke."), ["The U.S. Secretary of State spoke."]);
    }

    #[test]
    fn closing_quote_after_full_stop_stays() {
        assert_eq!(sents("He said: “It is over.” She left."), ["He said: “It is over.”", "She left."]);
        assert_eq!(sents("\"We won.\" he said."), ["\"We won.\" he said."]);
    }

    #[test]
    fn decimals_and_ellipses() {
        assert_eq!(sents("It grew 2.5% to $1,000.5. Good."), ["It grew 2.5% to $1,000.5.", "Good."]);
        assert_eq!(sents("Wait... what happened... Nothing."), ["Wait... what happened...", "Nothing."]);
    }

    #[test]
    fn line_breaks_end_headlines_and_datelines() {
        assert_eq!(
            sents("Syria talks stall\n\nMOSCOW (Reuters) - Talks stalled."),
            ["Syria talks stall", "MOSCOW (Reuters) - Talks stalled."]
        );
    }

    #[test]
    fn dates_with_month_abbreviations() {
        assert_eq!(
            sents("It happened on Jan. 5 in Paris. Later more."),
            ["It happened on Jan. 5 in Paris.", "Later more."]
        );
    }

    #[test]
    fn the_byte_precheck_admits_every_sentence_end() {
        let text = "It ended. Why? No! Wait... Then… U.S. etc. Mr. x.y ?! !? “Yes.” (No.) 1.5 a-b.";
        let tokens = tokenize(text);
        for i in 0..tokens.len() {
            if ends_sentence(text, &tokens, i) {
                assert!(may_end_sentence(text.as_bytes(), &tokens[i]), "{:?}", tokens[i].as_str(text));
            }
        }
    }

    #[test]
    fn empty_text_has_no_sentences() {
        assert!(sents("").is_empty());
    }
}
