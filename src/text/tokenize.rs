//! Tokenizer for news text.
//!
//! Every later algorithm (sentence splitting, tagging, quotes, keywords) works on these tokens,
//! so they follow the conventions the CoNLL-2003 and Penn Treebank annotations use: the
//! possessive `'s` and the negation `n't` are tokens of their own, punctuation is split off,
//! while hyphenated words (`pro-government`), abbreviations with dots (`U.S.`, `Mr.`), numbers
//! with separators (`1,000.5`) and times (`10:30`) stay whole. URLs, e-mail addresses, @handles
//! and #tags are single tokens.
//!
//! Offsets are byte offsets into the input `&str`, always on character boundaries.

use super::lexicon;

/// What a token is, as far as the tokenizer can tell without context.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Letters, possibly with digits, hyphens, apostrophes or abbreviation dots.
    Word,
    /// Starts with a digit: `1,000.5`, `3bn`, `10:30`, `1990s`, `2017-04-12`.
    Number,
    /// Punctuation: `.`, `,`, `“`, `...`, `--`.
    Punct,
    /// Currency signs, `%`, `&`, `+` and other symbols.
    Symbol,
    /// `http://...`, `https://...` or `www....`.
    Url,
    /// `name@example.org`.
    Email,
    /// `@handle`.
    Handle,
    /// `#tag`.
    Hashtag,
}

/// One token: a `[start, end)` byte range of the text and its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Token {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
    /// The token's kind.
    pub kind: TokenKind,
}

impl Token {
    /// The token's surface text in `text`, the string it was produced from.
    ///
    /// Returns an empty string if `text` is not the tokenized string (offsets out of range).
    pub fn as_str<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or("")
    }

    /// Whether the token is punctuation that can end a sentence.
    pub fn is_terminal(&self, text: &str) -> bool {
        self.kind == TokenKind::Punct && matches!(self.as_str(text), "." | "!" | "?" | "..." | "…" | "?!" | "!?")
    }
}

/// Splits `text` into tokens. Never fails and never panics; whitespace is never part of a token.
pub fn tokenize(text: &str) -> Vec<Token> {
    tokenize_with(text, true)
}

/// [`tokenize`], with or without the shortcuts for plain ASCII words and punctuation (the
/// tests check that both give the same tokens).
#[inline(always)]
fn tokenize_with(text: &str, shortcuts: bool) -> Vec<Token> {
    // News text averages five to six bytes a token, spaces included.
    let mut tokens = Vec::with_capacity(text.len() / 4 + 16);
    let bytes = text.as_bytes();
    let mut cursor = Cursor::new(text);
    while let Some(&byte) = bytes.get(cursor.pos) {
        let start = cursor.pos;
        // ASCII needs no decoding; the rest of the loop sees the same `char` either way.
        let c = if byte.is_ascii() {
            let class = ASCII_CLASS[usize::from(byte)];
            if class == SPACE {
                cursor.pos += 1;
                continue;
            }
            if shortcuts {
                let shortcut = if class == WORD {
                    plain_word_end(bytes, start).map(|end| {
                        let kind = if byte.is_ascii_digit() { TokenKind::Number } else { TokenKind::Word };
                        Token { start, end, kind }
                    })
                } else {
                    single_mark_kind(bytes, start).map(|kind| Token { start, end: start + 1, kind })
                };
                if let Some(token) = shortcut {
                    cursor.pos = token.end;
                    tokens.push(token);
                    continue;
                }
            }
            char::from(byte)
        } else {
            match cursor.peek() {
                Some(c) => c,
                None => break,
            }
        };
        if c.is_whitespace() {
            cursor.bump();
            continue;
        }
        if let Some(end) = url_end(text, start) {
            cursor.pos = end;
            tokens.push(Token { start, end, kind: TokenKind::Url });
            continue;
        }
        if (c == '@' || c == '#') && is_tag_start(text, start) {
            let end = scan_while(text, start + 1, |ch| ch.is_alphanumeric() || ch == '_');
            if end > start + 1 {
                let kind = if c == '@' { TokenKind::Handle } else { TokenKind::Hashtag };
                cursor.pos = end;
                tokens.push(Token { start, end, kind });
                continue;
            }
        }
        let word_char = if byte.is_ascii() { ASCII_CLASS[usize::from(byte)] == WORD } else { is_word_char(c) };
        if word_char {
            let end = scan_word(text, start);
            if let Some(email_end) = email_end(text, start, end) {
                cursor.pos = email_end;
                tokens.push(Token { start, end: email_end, kind: TokenKind::Email });
                continue;
            }
            push_word(text, start, end, &mut tokens);
            cursor.pos = end;
            continue;
        }
        let end = scan_punct(text, start);
        let kind = if is_symbol(c) { TokenKind::Symbol } else { TokenKind::Punct };
        tokens.push(Token { start, end, kind });
        cursor.pos = end;
    }
    tokens
}

/// The end of the word starting at `start` when the general path is sure to end it there as
/// one plain token: ASCII word characters up to a space, the end of the text, or a mark that
/// can neither join (`-`, `'`, `.`, `:`, `/`, and `,` after a digit) nor continue an e-mail
/// address or URL. Such a word has no apostrophe, so no clitic to split off either. `None`
/// sends the word down the general path.
fn plain_word_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut end = start + 1;
    loop {
        // Letters and digits are word bytes: skip them eight at a time.
        end = ascii_alnum_run_end(bytes, end);
        let Some(&byte) = bytes.get(end) else { return Some(end) };
        if !byte.is_ascii() {
            return None;
        }
        match ASCII_CLASS[usize::from(byte)] {
            WORD => end += 1,
            SPACE => return Some(end),
            _ => {
                let stops = match byte {
                    b'-' | b'\'' | b'.' | b':' | b'/' | b'@' | b'_' | b'+' => false,
                    b',' => !bytes.get(start).is_some_and(u8::is_ascii_digit),
                    _ => true,
                };
                return stops.then_some(end);
            }
        }
    }
}

/// The end of the run of ASCII letters and digits starting at byte `from` (`from` itself when
/// there is none): eight bytes at a time while the text lasts, then one at a time.
pub(crate) fn ascii_alnum_run_end(bytes: &[u8], from: usize) -> usize {
    let mut end = from;
    while let Some(Ok(chunk)) = bytes.get(end..end + 8).map(<[u8; 8]>::try_from) {
        let others = !ascii_alnum_bytes(u64::from_le_bytes(chunk)) & HIGH_BITS;
        if others != 0 {
            return end + (others.trailing_zeros() / 8) as usize;
        }
        end += 8;
    }
    while bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
        end += 1;
    }
    end
}

const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Bit 7 of each byte of the result is set where the byte of `x` is an ASCII letter or digit;
/// the other bits are clear. Per byte, on the low seven bits, adding `0x80 - lo` sets bit 7
/// from `lo` on and adding `0x7F - hi` past `hi` (no carry can cross a byte); a letter is
/// tested with bit 5 set, which folds the capitals onto the small letters.
fn ascii_alnum_bytes(x: u64) -> u64 {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const fn each(b: u8) -> u64 {
        u64::from_le_bytes([b; 8])
    }
    let m = x & LOW7;
    let folded = m | each(0x20);
    let letter = (folded + each(0x80 - b'a')) & !(folded + each(0x7F - b'z'));
    let digit = (m + each(0x80 - b'0')) & !(m + each(0x7F - b'9'));
    (letter | digit) & !x & HIGH_BITS
}

/// The kind of the one-byte token an ASCII mark at `start` makes, when the general path is sure
/// to make one: not a possible start of a run (`...`, `--`, `''`, `?!`), of `'n'`, or of a
/// @handle or #tag.
fn single_mark_kind(bytes: &[u8], start: usize) -> Option<TokenKind> {
    let byte = *bytes.get(start)?;
    let next = bytes.get(start + 1).copied();
    let single = match byte {
        b'\'' | b'`' | b'@' | b'#' => false,
        b'.' | b'-' => next != Some(byte),
        b'?' | b'!' => !matches!(next, Some(b'?' | b'!')),
        _ => true,
    };
    if !single {
        return None;
    }
    Some(if is_symbol(char::from(byte)) { TokenKind::Symbol } else { TokenKind::Punct })
}

/// A byte position in a string with char-aware stepping.
struct Cursor<'t> {
    text: &'t str,
    pos: usize,
}

impl<'t> Cursor<'t> {
    fn new(text: &'t str) -> Self {
        Cursor { text, pos: 0 }
    }
    fn peek(&self) -> Option<char> {
        self.text.get(self.pos..).and_then(|s| s.chars().next())
    }
    fn bump(&mut self) {
        if let Some(c) = self.peek() {
            self.pos += c.len_utf8();
        }
    }
}

fn char_at(text: &str, pos: usize) -> Option<char> {
    text.get(pos..).and_then(|s| s.chars().next())
}

fn char_before(text: &str, pos: usize) -> Option<char> {
    text.get(..pos).and_then(|s| s.chars().next_back())
}

/// `scan_while(text, from, is_word_char)` with a table lookup per ASCII byte.
fn scan_word_chars(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let mut end = from;
    while let Some(&byte) = bytes.get(end) {
        if !byte.is_ascii() {
            return scan_while(text, end, is_word_char);
        }
        if ASCII_CLASS[usize::from(byte)] != WORD {
            return end;
        }
        end += 1;
    }
    end
}

/// Classes of the ASCII bytes: what `char::is_whitespace` and [`is_word_char`] say, read from a
/// table instead of a chain of comparisons.
const SPACE: u8 = 1;
const WORD: u8 = 2;
const OTHER: u8 = 0;
static ASCII_CLASS: [u8; 128] = {
    let mut table = [OTHER; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if matches!(c, b'\t'..=b'\r' | b' ') {
            SPACE
        } else if c.is_ascii_punctuation() {
            OTHER
        } else {
            WORD
        };
        b += 1;
    }
    table
};

fn scan_while(text: &str, from: usize, keep: impl Fn(char) -> bool) -> usize {
    // ASCII bytes without decoding, then characters from the first other one on.
    let mut end = from;
    while let Some(&byte) = text.as_bytes().get(end) {
        if !byte.is_ascii() {
            break;
        }
        if !keep(char::from(byte)) {
            return end;
        }
        end += 1;
    }
    let Some(rest) = text.get(end..) else { return end };
    for c in rest.chars() {
        if !keep(c) {
            break;
        }
        end += c.len_utf8();
    }
    end
}

/// Letters, digits and combining marks: anything that is not space, punctuation or a symbol.
pub(crate) fn is_word_char(c: char) -> bool {
    // Every ASCII symbol is ASCII punctuation, so in ASCII a word character is anything but
    // whitespace and punctuation.
    if c.is_ascii() {
        return ASCII_CLASS[c as usize] == WORD;
    }
    !c.is_whitespace() && !is_punct_char(c) && !is_symbol(c)
}

/// Punctuation, ASCII and the common Unicode blocks news text uses.
fn is_punct_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation() && !is_symbol(c);
    }
    matches!(c,
        '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}' | '«' | '»' | '¡' | '¿' | '·' | '§' | '¶'
        | '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}'
        | '\u{FF3B}'..='\u{FF40}' | '\u{FF5B}'..='\u{FF65}' | '\u{060C}' | '\u{061B}' | '\u{061F}'
        | '\u{06D4}' | '\u{0964}' | '\u{0965}' | '\u{00A0}' | '\u{FEFF}' | '\u{200B}')
}

/// Symbols: currency, maths, marks like `%`, `&`, `©`, and emoji.
fn is_symbol(c: char) -> bool {
    matches!(c,
        '$' | '%' | '&' | '+' | '<' | '=' | '>' | '^' | '`' | '|' | '~' | '#' | '@' | '*' | '\\'
        | '£' | '€' | '¥' | '¢' | '©' | '®' | '™' | '°' | '±' | '×' | '÷' | '¤' | '¦' | '¨' | '¬' | '¯'
        | '\u{20A0}'..='\u{20CF}' | '\u{2100}'..='\u{2BFF}' | '\u{1F000}'..='\u{1FAFF}')
}

/// A `@handle` or `#tag` starts a token only at a word boundary (not inside an e-mail address).
fn is_tag_start(text: &str, start: usize) -> bool {
    char_before(text, start).is_none_or(|c| !is_word_char(c))
}

/// End of a URL starting at `start`, if one does.
fn url_end(text: &str, start: usize) -> Option<usize> {
    let rest = text.as_bytes().get(start..)?;
    if !matches!(rest.first(), Some(b'h' | b'H' | b'w' | b'W')) {
        return None;
    }
    let starts = |prefix: &[u8]| rest.len() >= prefix.len() && rest[..prefix.len()].eq_ignore_ascii_case(prefix);
    let scheme = starts(b"http://") || starts(b"https://") || starts(b"www.");
    if !scheme || char_before(text, start).is_some_and(is_word_char) {
        return None;
    }
    let mut end = scan_while(text, start, |c| !c.is_whitespace() && !matches!(c, '"' | '“' | '”' | '<' | '>'));
    // Sentence punctuation after a URL belongs to the sentence.
    while let Some(c) = char_before(text, end) {
        if matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '\'' | '’') && end > start + 8 {
            end -= c.len_utf8();
        } else {
            break;
        }
    }
    (end > start + 4).then_some(end)
}

/// If the word at `start..word_end` begins an e-mail address, its end.
fn email_end(text: &str, start: usize, word_end: usize) -> Option<usize> {
    // The local part runs on past `word_end` (or stops right there at the `@`) only through
    // these characters: any other ASCII one after the word rules an address out at once.
    if let Some(&next) = text.as_bytes().get(word_end) {
        if next.is_ascii() && !next.is_ascii_alphanumeric() && !matches!(next, b'@' | b'.' | b'_' | b'-' | b'+') {
            return None;
        }
    } else {
        return None;
    }
    let local_end = scan_while(text, start, |c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'));
    if local_end < word_end || char_at(text, local_end) != Some('@') {
        return None;
    }
    let domain_start = local_end + 1;
    let mut end = scan_while(text, domain_start, |c| c.is_alphanumeric() || matches!(c, '.' | '-'));
    while char_before(text, end).is_some_and(|c| c == '.' || c == '-') {
        end -= 1;
    }
    let domain = &text[domain_start..end];
    (domain.contains('.') && !domain.starts_with('.')).then_some(end)
}

/// Scans a word or number: word characters joined by single hyphens, apostrophes, dots in
/// abbreviations and numbers, and colons, commas or slashes between digits.
fn scan_word(text: &str, start: usize) -> usize {
    let starts_with_digit = char_at(text, start).is_some_and(|c| c.is_ascii_digit());
    let mut end = scan_word_chars(text, start);
    while let Some(joiner) = char_at(text, end) {
        // Most words end at a space or a mark that joins nothing: no need to look around.
        if joiner.is_ascii() && !matches!(joiner, '-' | '\'' | '.' | ',' | ':' | '/') {
            break;
        }
        let after = end + joiner.len_utf8();
        let next = char_at(text, after);
        let prev = char_before(text, end);
        let joined = match joiner {
            '-' | '\u{2011}' => next.is_some_and(is_word_char),
            '\'' | '’' => {
                // O'Neill, rock'n'roll: an apostrophe between letters, unless it starts a
                // contraction or possessive that is split off later.
                next.is_some_and(char::is_alphabetic) && prev.is_some_and(char::is_alphabetic)
            }
            '.' => {
                let digit_around = prev.is_some_and(|c| c.is_ascii_digit()) && next.is_some_and(|c| c.is_ascii_digit());
                digit_around
                    || (is_dotted_abbreviation_so_far(text, start, end) && next.is_some_and(char::is_alphabetic))
            }
            ',' | ':' | '/' => {
                starts_with_digit
                    && prev.is_some_and(|c| c.is_ascii_digit())
                    && next.is_some_and(|c| c.is_ascii_digit())
            }
            _ => false,
        };
        if !joined {
            break;
        }
        end = scan_word_chars(text, after);
    }
    // A final dot belongs to the word when it is an abbreviation or an initial.
    if text.as_bytes().get(end) == Some(&b'.') && takes_final_dot(&text[start..end], text, end) {
        end += 1;
    }
    end
}

/// `U.S`, `e.g`, `a.m`: so far single letters separated by dots.
fn is_dotted_abbreviation_so_far(text: &str, start: usize, end: usize) -> bool {
    let word = &text[start..end];
    word.split('.').all(|part| part.chars().count() == 1 && part.chars().all(char::is_alphabetic))
}

fn takes_final_dot(word: &str, text: &str, dot: usize) -> bool {
    // "...", "..": an ellipsis is punctuation of its own.
    if char_at(text, dot + 1) == Some('.') {
        return false;
    }
    if word.contains('.') && word.split('.').all(|p| p.chars().count() == 1) {
        return true; // U.S. / e.g. / a.m.
    }
    let mut chars = word.chars();
    let first = chars.next();
    if first.is_some_and(char::is_uppercase) && chars.next().is_none() {
        return true; // An initial: "J. Smith"; also "A." ends a sentence rarely enough.
    }
    lexicon::is_abbreviation(word)
}

/// Pushes the word `start..end`, splitting off possessives and contractions.
fn push_word(text: &str, start: usize, end: usize, tokens: &mut Vec<Token>) {
    let word = &text[start..end];
    let kind = if word.starts_with(|c: char| c.is_ascii_digit()) { TokenKind::Number } else { TokenKind::Word };
    if let Some(split) = clitic_split(word) {
        let at = start + split;
        if at > start {
            tokens.push(Token { start, end: at, kind });
        }
        tokens.push(Token { start: at, end, kind: TokenKind::Word });
        return;
    }
    tokens.push(Token { start, end, kind });
}

/// Where a clitic starts inside a word: `Russia's` -> 6, `don't` -> 2, `they're` -> 4.
fn clitic_split(word: &str) -> Option<usize> {
    // Fast exit: every clitic contains an apostrophe among the last four bytes.
    let tail_start = word.len().saturating_sub(5);
    let tail = word.as_bytes().get(tail_start..)?;
    // One pass over the tail first: `’` is E2 80 99, so without a 0x99 byte there is none.
    if !tail.iter().any(|&b| b == b'\'' || b == 0x99) {
        return None;
    }
    if !tail.contains(&b'\'') && !tail.windows(3).any(|w| w == "’".as_bytes()) {
        return None;
    }
    let (apostrophe, after) = word
        .char_indices()
        .rev()
        .take(4)
        .find(|&(_, c)| c == '\'' || c == '’')
        .map(|(i, c)| (i, &word[i + c.len_utf8()..]))?;
    let is = |s: &str| after.eq_ignore_ascii_case(s);
    if is("t") && apostrophe > 1 && word[..apostrophe].ends_with(['n', 'N']) {
        return Some(apostrophe - 1); // n't
    }
    let clitic = is("s") || is("d") || is("m") || is("re") || is("ve") || is("ll");
    (clitic && apostrophe > 0).then_some(apostrophe)
}

/// Scans punctuation: runs of dots (ellipsis), doubled dashes and doubled quotes stay together.
fn scan_punct(text: &str, start: usize) -> usize {
    let Some(c) = char_at(text, start) else { return start };
    let one = start + c.len_utf8();
    match c {
        '.' => scan_while(text, start, |ch| ch == '.'),
        '-' if char_at(text, one) == Some('-') => scan_while(text, start, |ch| ch == '-'),
        '\'' if char_at(text, one) == Some('\'') => one + 1,
        '`' if char_at(text, one) == Some('`') => one + 1,
        '?' | '!' if matches!(char_at(text, one), Some('?' | '!')) => {
            scan_while(text, start, |ch| ch == '?' || ch == '!')
        }
        '\'' | '’' if starts_rock_n_roll(text, start) => start + 3,
        _ => one,
    }
}

/// `'n'` as in "rock 'n' roll".
fn starts_rock_n_roll(text: &str, start: usize) -> bool {
    let rest = &text[start..];
    let mut it = rest.chars();
    matches!((it.next(), it.next(), it.next()), (Some('\'' | '’'), Some('n'), Some('\'' | '’')))
        && rest.is_char_boundary(3)
        && it.next().is_none_or(|c| !is_word_char(c))
        && char_before(text, start).is_none_or(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alnum_runs_match_a_byte_loop() {
        let by_bytes = |bytes: &[u8], from: usize| {
            let mut end = from;
            while bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
                end += 1;
            }
            end
        };
        for len in 0..20 {
            for pos in 0..len.max(1) {
                for b in 0..=255u8 {
                    let mut v: Vec<u8> = (0..len).map(|k| b"aZ09mzAQ"[k % 8]).collect();
                    if let Some(slot) = v.get_mut(pos) {
                        *slot = b;
                    }
                    for from in 0..=len + 1 {
                        assert_eq!(ascii_alnum_run_end(&v, from), by_bytes(&v, from), "{v:?} from {from}");
                    }
                }
            }
        }
    }

    fn toks(text: &str) -> Vec<&str> {
        tokenize(text).iter().map(|t| t.as_str(text)).collect()
    }

    #[test]
    fn splits_possessives_and_negation() {
        assert_eq!(toks("Russia's army"), ["Russia", "'s", "army"]);
        assert_eq!(toks("America’s top diplomat"), ["America", "’s", "top", "diplomat"]);
        assert_eq!(toks("He didn't go"), ["He", "did", "n't", "go"]);
        assert_eq!(toks("they're here"), ["they", "'re", "here"]);
    }

    #[test]
    fn keeps_names_with_apostrophes_and_hyphens() {
        assert_eq!(toks("O'Neill met pro-government forces"), ["O'Neill", "met", "pro-government", "forces"]);
        assert_eq!(toks("rock 'n' roll"), ["rock", "'n'", "roll"]);
        assert_eq!(toks("Bashar al-Assad"), ["Bashar", "al-Assad"]);
    }

    #[test]
    fn keeps_abbreviations_and_initials() {
        assert_eq!(toks("Mr. Smith of the U.S. and U.N."), ["Mr.", "Smith", "of", "the", "U.S.", "and", "U.N."]);
        assert_eq!(toks("Gen. J. R. Allen"), ["Gen.", "J.", "R.", "Allen"]);
        assert_eq!(toks("Mr Lavrov"), ["Mr", "Lavrov"]);
        assert_eq!(toks("ends here."), ["ends", "here", "."]);
    }

    #[test]
    fn numbers_currency_and_percentages() {
        assert_eq!(
            toks("1,000.5 and $3bn or £2.5m, 45%"),
            ["1,000.5", "and", "$", "3bn", "or", "£", "2.5m", ",", "45", "%"]
        );
        assert_eq!(toks("at 10:30 GMT on 1996-08-22"), ["at", "10:30", "GMT", "on", "1996-08-22"]);
        assert_eq!(toks("the 1990s"), ["the", "1990s"]);
        let t = tokenize("3bn");
        assert_eq!(t[0].kind, TokenKind::Number);
    }

    #[test]
    fn urls_emails_handles_tags() {
        let text = "See https://example.org/a?b=1. Mail news@example.co.uk or @lede_bot #Syria";
        assert_eq!(
            toks(text),
            ["See", "https://example.org/a?b=1", ".", "Mail", "news@example.co.uk", "or", "@lede_bot", "#Syria"]
        );
        let kinds: Vec<_> = tokenize(text).iter().map(|t| t.kind).collect();
        assert!(kinds.contains(&TokenKind::Url) && kinds.contains(&TokenKind::Email));
        assert!(kinds.contains(&TokenKind::Handle) && kinds.contains(&TokenKind::Hashtag));
    }

    #[test]
    fn quotes_ellipses_and_dashes() {
        assert_eq!(
            toks("“low level.” Then... more -- yes"),
            ["“", "low", "level", ".", "”", "Then", "...", "more", "--", "yes"]
        );
        assert_eq!(toks("``old'' style"), ["``", "old", "''", "style"]);
        assert_eq!(toks("MOSCOW (Reuters) -"), ["MOSCOW", "(", "Reuters", ")", "-"]);
    }

    #[test]
    fn non_latin_text_and_marks() {
        assert_eq!(toks("नमस्ते दुनिया"), ["नमस्ते", "दुनिया"]);
        assert_eq!(toks("Привет, мир!"), ["Привет", ",", "мир", "!"]);
    }

    #[test]
    fn ascii_table_agrees_with_char_classes() {
        for b in 0u8..128 {
            let c = char::from(b);
            let word = !matches!(c, '\t'..='\r' | ' ') && !c.is_ascii_punctuation();
            assert_eq!(is_word_char(c), word, "{b:#x}");
            assert_eq!(ASCII_CLASS[usize::from(b)] == SPACE, c.is_whitespace(), "{b:#x}");
        }
    }

    #[test]
    fn word_scan_matches_the_char_scan() {
        for text in ["abc def", "a\u{301}b-c", "x\u{a0}y", "naïve café", "1,000.5x", "\u{1}\u{7f}z", "", "日本語 です"]
        {
            for from in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                assert_eq!(scan_word_chars(text, from), scan_while(text, from, is_word_char), "{text:?} {from}");
            }
        }
    }

    #[test]
    fn emails_next_to_punctuation_and_controls() {
        assert_eq!(toks("mail a.b+c@x.org."), ["mail", "a.b+c@x.org", "."]);
        assert_eq!(toks("o'neil@x.org"), ["o'neil", "@", "x.org"]);
        assert_eq!(toks("ab@"), ["ab", "@"]);
        assert_eq!(toks("ab_c@d.com"), ["ab_c@d.com"]);
        assert_eq!(toks("a\u{1}b c"), ["a\u{1}b", "c"]);
        assert_eq!(toks("café@été.fr"), ["café@été.fr"]);
    }

    /// Texts with every shortcut boundary: words before each ASCII byte, marks before each.
    fn tricky_texts() -> Vec<String> {
        let mut texts: Vec<String> = [
            "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn (£600m) for the three months.",
            "http://x.org www.bbc.co.uk/news, https://a.b/c?d=e. wwwx. htt: h w ww. http:/",
            "mail me@x.org, a_b@c.de or o'neil@x.org; @handle #tag a@b #1 x#y",
            "Russia's don't they're rock 'n' roll ''quoted'' ``old'' O'Neill '",
            "1,000.5 10:30 2017/04/12 3,a a,3 1.5m 1990s 1-0 a-b a--b a- -a",
            "U.S. Mr. J. Smith etc. e.g. a.m. ... .. . -- --- ?! !? ?? !! ? !",
            "naïve café Zürich’s “low level” — 北京 😀 x\u{a0}y a\u{301}b",
            "tab\tnew\nline\r\ncarriage\u{b}\u{c} end",
            "a\u{1}b \u{7f}z _x x_ +x x+ x= =x x< x> x| x~ x^ x` `x x* x\\ x& x$ x% x[ x] x{ x} x( x)",
            "",
            " ",
            "a",
            "1",
            ".",
            "-",
            "?",
            "'",
            "x.",
            "x,",
            "1,",
            "1,2",
            "h",
            "w",
            "www",
            "http",
        ]
        .map(String::from)
        .to_vec();
        for b in 0u8..128 {
            let c = char::from(b);
            for word in ["word", "Word", "42", "h", "w", "http", "www", "a1", "x"] {
                texts.push(format!("{word}{c}"));
                texts.push(format!("{word}{c} next"));
                texts.push(format!("{word}{c}{c}x"));
                texts.push(format!("{c}{word}"));
                texts.push(format!("{c}{c}{word}"));
                texts.push(format!("{word}{c}1"));
            }
        }
        texts
    }

    #[test]
    fn shortcuts_give_the_general_path_tokens() {
        for text in tricky_texts() {
            assert_eq!(tokenize_with(&text, true), tokenize_with(&text, false), "{text:?}");
        }
    }

    #[test]
    fn shortcuts_agree_on_random_texts() {
        let alphabet: Vec<char> = "aAhtpw:/.1,-'’@_+#?! \n\t\"()$%é“”…".chars().collect();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..(state % 24) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            assert_eq!(tokenize_with(&text, true), tokenize_with(&text, false), "{text:?}");
        }
    }

    #[test]
    fn empty_and_space_only() {
        assert!(tokenize("").is_empty());
        assert!(tokenize(" \n\t ").is_empty());
    }
}
