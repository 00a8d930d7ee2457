//! The words of a document interned once for the enrich stage's statistics.
//!
//! Keywords and tone both read every word of the body by its lowercased form
//! (curly apostrophes straightened). Lowercasing and hashing each token once
//! per statistic, and looking up the stopword list and the tone lexicon per
//! token, cost more than the statistics themselves. So [`DocWords`] interns
//! each word token once, and what depends on the word type alone (stopword or
//! not, lexicon entry) is worked out once per type and kept, per thread,
//! across documents.
//!
//! Nothing a document gets depends on what earlier documents left in the
//! cache: types get document-local ids in order of first occurrence, and the
//! per-type data is a pure function of the type.

use std::borrow::Cow;
use std::cell::RefCell;

use rustc_hash::FxHashMap;

use super::tokenize::{Token, TokenKind};
use super::{keywords, tone};

/// Past this many cached types the cache starts afresh (at a document
/// boundary), so that a long stream with an open vocabulary (names, numbers)
/// keeps bounded memory.
const MAX_CACHED_TYPES: usize = 1 << 18;

/// Marks a token that is not a word, or a type with no local id yet.
const NONE: u32 = u32::MAX;

/// What the statistics need to know about a word type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct TypeInfo {
    /// Not a keyword term: a stopword or a single char.
    pub(crate) stop: bool,
    /// Its entry in the tone lexicon.
    pub(crate) tone: tone::TypeEntry,
}

/// The per-thread cache of word types.
#[derive(Default)]
struct Vocab {
    ids: FxHashMap<Box<str>, u32>,
    info: Vec<TypeInfo>,
    /// Document-local id of each type while a document is interned, else `NONE`.
    local: Vec<u32>,
    /// Reused buffer for lowercasing.
    lower: String,
}

thread_local! {
    static VOCAB: RefCell<Vocab> = RefCell::new(Vocab::default());
}

impl Vocab {
    fn id(&mut self, surface: &str) -> u32 {
        let key = lowercase_into(surface, &mut self.lower);
        if let Some(&id) = self.ids.get(key.as_ref()) {
            return id;
        }
        // Past 4 billion types in one document, words count as non-words.
        let Some(id) = u32::try_from(self.info.len()).ok().filter(|&id| id != NONE) else { return NONE };
        self.info.push(TypeInfo { stop: keywords::is_stop_term(&key), tone: tone::type_entry(&key) });
        self.local.push(NONE);
        self.ids.insert(Box::from(key.as_ref()), id);
        id
    }

    fn clear(&mut self) {
        self.ids.clear();
        self.info.clear();
        self.local.clear();
    }
}

/// `word` lowercased with curly apostrophes straightened: the form under
/// which keywords and tone know a word. Borrows when `word` already is in
/// that form; ASCII words are lowercased into `buf` without allocating.
pub(crate) fn lowercase_into<'a>(word: &'a str, buf: &'a mut String) -> Cow<'a, str> {
    // One pass tells ASCII from not and finds capitals.
    let (mut ascii, mut upper) = (true, false);
    for &b in word.as_bytes() {
        ascii &= b.is_ascii();
        upper |= b.is_ascii_uppercase();
    }
    if ascii {
        if !upper {
            return Cow::Borrowed(word);
        }
        buf.clear();
        buf.push_str(word);
        buf.make_ascii_lowercase();
        return Cow::Borrowed(buf.as_str());
    }
    // `str::to_lowercase`, not per char: it knows the final sigma.
    let lower = word.to_lowercase();
    if lower.contains('\u{2019}') {
        Cow::Owned(lower.replace('\u{2019}', "'"))
    } else {
        Cow::Owned(lower)
    }
}

/// The word tokens of one document (kinds `Word`, `Number` and `Hashtag`)
/// with a document-local id per word type, in order of first occurrence.
#[derive(Debug)]
pub struct DocWords {
    /// Per token: the type's local id, or `NONE` for other kinds.
    token_type: Vec<u32>,
    /// Per local id.
    info: Vec<TypeInfo>,
}

impl DocWords {
    /// Interns the word tokens of `tokens` (from `tokenize(text)`).
    pub fn new(text: &str, tokens: &[Token]) -> Self {
        VOCAB.with_borrow_mut(|vocab| {
            if vocab.info.len() >= MAX_CACHED_TYPES {
                vocab.clear();
            }
            let mut token_type = Vec::with_capacity(tokens.len());
            let mut globals: Vec<u32> = Vec::new();
            for tok in tokens {
                if !matches!(tok.kind, TokenKind::Word | TokenKind::Number | TokenKind::Hashtag) {
                    token_type.push(NONE);
                    continue;
                }
                let global = vocab.id(tok.as_str(text));
                let local = match vocab.local.get_mut(global as usize) {
                    Some(slot) if *slot == NONE => {
                        *slot = globals.len() as u32;
                        globals.push(global);
                        *slot
                    }
                    Some(slot) => *slot,
                    None => NONE,
                };
                token_type.push(local);
            }
            let mut info = Vec::with_capacity(globals.len());
            for &global in &globals {
                if let Some(slot) = vocab.local.get_mut(global as usize) {
                    *slot = NONE;
                }
                if let Some(&i) = vocab.info.get(global as usize) {
                    info.push(i);
                }
            }
            DocWords { token_type, info }
        })
    }

    /// Local type id of token `index`, if it is a word token.
    pub(crate) fn type_of(&self, index: usize) -> Option<usize> {
        self.token_type.get(index).filter(|&&t| t != NONE).map(|&t| t as usize)
    }

    /// Number of distinct word types.
    pub(crate) fn types(&self) -> usize {
        self.info.len()
    }

    /// What is known about local type `id`.
    pub(crate) fn info(&self, id: usize) -> Option<&TypeInfo> {
        self.info.get(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize::tokenize;

    #[test]
    fn types_are_lowercased_forms_in_order_of_first_occurrence() {
        let text = "Pier PIER pier, Z\u{fc}rich Z\u{dc}RICH 12 #Tag #tag Don\u{2019}t DON'T \u{3a3}\u{39f}\u{3a3}.";
        let tokens = tokenize(text);
        let words = DocWords::new(text, &tokens);
        let mut seen: Vec<String> = Vec::new();
        let mut buf = String::new();
        for (i, tok) in tokens.iter().enumerate() {
            let is_word = matches!(tok.kind, TokenKind::Word | TokenKind::Number | TokenKind::Hashtag);
            assert_eq!(words.type_of(i).is_some(), is_word, "{tok:?}");
            let Some(id) = words.type_of(i) else { continue };
            let key = lowercase_into(tok.as_str(text), &mut buf).into_owned();
            assert_eq!(key, tok.as_str(text).to_lowercase().replace('\u{2019}', "'"));
            match seen.iter().position(|k| *k == key) {
                Some(p) => assert_eq!(p, id),
                None => {
                    assert_eq!(id, seen.len());
                    seen.push(key.clone());
                }
            }
            let info = words.info(id).copied();
            assert_eq!(info, Some(TypeInfo { stop: keywords::is_stop_term(&key), tone: tone::type_entry(&key) }));
        }
        assert_eq!(words.types(), seen.len());
        assert!(seen.contains(&"\u{3c3}\u{3bf}\u{3c2}".to_string()), "final sigma: {seen:?}");
    }

    #[test]
    fn a_cleared_cache_gives_the_same_words() {
        let text = "The pier, the PIER and the stone pier.";
        let tokens = tokenize(text);
        let before = DocWords::new(text, &tokens);
        VOCAB.with_borrow_mut(Vocab::clear);
        let after = DocWords::new(text, &tokens);
        assert_eq!(before.token_type, after.token_type);
        assert_eq!(before.info, after.info);
        assert!(DocWords::new("", &[]).types() == 0);
    }
}
