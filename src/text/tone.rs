//! Document and span tone from a valence lexicon, reported like GDELT's tone.
//!
//! Sits in the enrich stage after tokenization: the stage calls [`tone`] on
//! the whole body (and may call it on quotes or sentences).
//!
//! The lexicon is `data/tone.tsv`, built by `scripts/build_tone.py` from the
//! VADER lexicon (Hutto and Gilbert 2014, MIT licence, notice kept in the
//! file): about 7,500 words and emoticons with a mean human valence rating
//! in -4..4.
//!
//! Per lexicon word, the valence is adjusted cheaply for its left context:
//! a negator among the three previous words ("not good", "didn't help",
//! "never a success") flips and damps it, an intensifier right before it
//! ("very good") strengthens it, a downtoner ("slightly worse") weakens it.
//! Context does not reach across punctuation that ends a clause.
//!
//! Figures, as GDELT defines them over all words: `positive` and `negative`
//! are the percentages of words carrying positive or negative valence,
//! `polarity` their sum (how emotionally charged the text is), `score`
//! positive minus negative.

use rustc_hash::FxHashMap;
use std::ops::Range;
use std::sync::OnceLock;

use super::tokenize::{Token, TokenKind};
use super::vocab::DocWords;

/// The lexicon; see the module docs for its source.
static TONE_TSV: &str = include_str!("../../data/tone.tsv");

/// Tone of a text span; serialises as the record's `tone` object.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct Tone {
    /// `positive - negative`, in percentage points (GDELT's "Tone").
    pub score: f32,
    /// Percentage of words with positive (adjusted) valence.
    pub positive: f32,
    /// Percentage of words with negative (adjusted) valence.
    pub negative: f32,
    /// `positive + negative`: share of emotionally charged words.
    pub polarity: f32,
    /// Number of words counted (word and number tokens).
    pub words: usize,
    /// Mean adjusted valence of the charged words, -4..4 (0 when none).
    pub valence: f32,
}

/// Multiplier for a negated word: flips it, and damps it because "not good"
/// is milder than "bad".
const NEGATION: f32 = -0.75;
/// Multiplier for a word right after an intensifier.
const INTENSIFY: f32 = 1.3;
/// Multiplier for a word right after a downtoner.
const DOWNTONE: f32 = 0.7;
/// How many words back a negator reaches.
const NEGATION_SCOPE: usize = 3;

/// Words that negate what follows.
const NEGATORS: &[&str] = &[
    "not", "n't", "no", "never", "nor", "neither", "without", "nobody", "nothing", "none", "nowhere", "cannot",
    "hardly", "barely", "scarcely", "lack", "lacks", "lacked", "lacking", "ain't",
];

/// Words that strengthen the next word.
const INTENSIFIERS: &[&str] = &[
    "very",
    "extremely",
    "really",
    "highly",
    "deeply",
    "hugely",
    "incredibly",
    "absolutely",
    "completely",
    "totally",
    "utterly",
    "so",
    "most",
    "more",
    "particularly",
    "especially",
    "exceptionally",
    "remarkably",
    "seriously",
    "strongly",
    "truly",
    "greatly",
    "enormously",
    "increasingly",
    "too",
];

/// Words that weaken the next word.
const DOWNTONERS: &[&str] =
    &["slightly", "somewhat", "marginally", "partly", "fairly", "mildly", "moderately", "relatively", "little", "less"];

/// Context roles of a word, as bits: what it does to the words after it.
const NEGATOR: u8 = 1;
const INTENSIFIER: u8 = 2;
const DOWNTONER: u8 = 4;

/// A lexicon word or context word: its valence (if in the lexicon) and roles.
#[derive(Clone, Copy, Default)]
struct Entry {
    valence: Option<f32>,
    roles: u8,
}

/// The lexicon merged with the context word lists, so that one look-up per
/// word gives both.
fn entries() -> &'static FxHashMap<&'static str, Entry> {
    static CELL: OnceLock<FxHashMap<&'static str, Entry>> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut map: FxHashMap<&'static str, Entry> = FxHashMap::default();
        let rows = TONE_TSV.lines().filter(|l| !l.starts_with('#')).filter_map(|l| {
            let (word, valence) = l.split_once('\t')?;
            Some((word, valence.trim().parse::<f32>().ok()?))
        });
        for (word, valence) in rows {
            map.entry(word).or_default().valence = Some(valence);
        }
        for (list, role) in [(NEGATORS, NEGATOR), (INTENSIFIERS, INTENSIFIER), (DOWNTONERS, DOWNTONER)] {
            for word in list {
                map.entry(word).or_default().roles |= role;
            }
        }
        map
    })
}

#[cfg(test)]
fn lexicon_len() -> usize {
    entries().values().filter(|e| e.valence.is_some()).count()
}

/// Longest ASCII word lowercased on the stack; longer ones allocate.
const STACK_WORD: usize = 32;

/// Valence of `word` (as written, else lowercased with curly apostrophes
/// straightened) and the roles of its lowercased form.
fn word_entry(word: &str) -> (Option<f32>, u8) {
    let lex = entries();
    let written = lex.get(word).and_then(|e| e.valence);
    let lower_entry = if word.is_ascii() && !word.bytes().any(|b| b.is_ascii_uppercase()) {
        // Already its own lowercase form.
        lex.get(word).copied()
    } else if word.is_ascii() && word.len() <= STACK_WORD {
        let mut buf = [0u8; STACK_WORD];
        let buf = &mut buf[..word.len()];
        buf.copy_from_slice(word.as_bytes());
        buf.make_ascii_lowercase();
        std::str::from_utf8(buf).ok().and_then(|lower| lex.get(lower).copied())
    } else {
        let lower = word.to_lowercase().replace('\u{2019}', "'");
        lex.get(lower.as_str()).copied()
    };
    let lower_entry = lower_entry.unwrap_or_default();
    (written.or(lower_entry.valence), lower_entry.roles)
}

/// What the lexicon says about a word type (a lowercased form, curly
/// apostrophes straightened), the same for every token of that type.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct TypeEntry {
    valence: Option<f32>,
    roles: u8,
    /// Some lexicon key other than the type itself lowercases to it (":D" for
    /// ":d"): a token of the type must then be looked up as written too.
    written_forms: bool,
}

/// Lowercased forms of the lexicon keys that are not their own lowercased
/// form: the only keys a token can match as written but not lowercased.
fn cased_keys() -> &'static rustc_hash::FxHashSet<String> {
    static CELL: OnceLock<rustc_hash::FxHashSet<String>> = OnceLock::new();
    CELL.get_or_init(|| {
        entries()
            .iter()
            .filter(|(_, e)| e.valence.is_some())
            // Keys already in lowercase ASCII are their own type: skip the
            // allocation for the thousands of them.
            .filter(|(key, _)| !key.is_ascii() || key.bytes().any(|b| b.is_ascii_uppercase()))
            .filter_map(|(key, _)| {
                let lower = key.to_lowercase().replace('\u{2019}', "'");
                (lower != *key).then_some(lower)
            })
            .collect()
    })
}

/// The lexicon entry of the word type `lower` (see [`TypeEntry`]).
pub(crate) fn type_entry(lower: &str) -> TypeEntry {
    let entry = entries().get(lower).copied().unwrap_or_default();
    TypeEntry { valence: entry.valence, roles: entry.roles, written_forms: cased_keys().contains(lower) }
}

/// Valence of a single word in the lexicon (-4..4), if it has one. Looks the
/// word up as written, then lowercased (so "LOL" and "lol" both work).
pub fn valence(word: &str) -> Option<f32> {
    word_entry(word).0
}

/// What one token contributes to tone.
#[derive(Clone, Copy)]
enum Role {
    /// A counted word with its valence (if any) and context roles.
    Word(Option<f32>, u8),
    /// Punctuation that ends a clause: context stops here.
    ClauseBreak,
    /// Punctuation or symbols with a valence of their own (emoticons).
    Emoticon(f32),
    /// Tokens that neither count nor break context.
    Ignored,
}

/// Kinds of [`Looked`] tokens.
const WORD: u8 = 0;
/// A word with a valence.
const CHARGED_WORD: u8 = 1;
const CLAUSE_BREAK: u8 = 2;
const EMOTICON: u8 = 3;
const IGNORED: u8 = 4;

/// One token as [`ToneTokens::tone`] reads it: its span and [`Role`] packed
/// in sixteen bytes, so that a span's tokens are one dense run of memory.
#[derive(Clone, Copy)]
struct Looked {
    /// Byte offsets, saturated at `u32::MAX` (texts that long are not news).
    start: u32,
    end: u32,
    /// The valence of a charged word or an emoticon.
    valence: f32,
    kind: u8,
    /// Context roles of a word.
    roles: u8,
}

impl Looked {
    fn new(tok: &Token, role: Role) -> Self {
        let (kind, valence, roles) = match role {
            Role::Word(Some(v), roles) => (CHARGED_WORD, v, roles),
            Role::Word(None, roles) => (WORD, 0.0, roles),
            Role::ClauseBreak => (CLAUSE_BREAK, 0.0, 0),
            Role::Emoticon(v) => (EMOTICON, v, 0),
            Role::Ignored => (IGNORED, 0.0, 0),
        };
        let offset = |at: usize| u32::try_from(at).unwrap_or(u32::MAX);
        Looked { start: offset(tok.start), end: offset(tok.end), valence, kind, roles }
    }
}

/// The tokens of a text looked up in the lexicon once, so that the tone of
/// many spans (the body, each quote, each sentence) costs no further look-up.
pub struct ToneTokens {
    tokens: Vec<Looked>,
}

impl ToneTokens {
    /// Looks up `tokens` (from `tokenize(text)`, in text order).
    pub fn new(text: &str, tokens: &[Token]) -> Self {
        let looked = tokens
            .iter()
            .map(|tok| {
                let surface = tok.as_str(text);
                let role = match tok.kind {
                    TokenKind::Word | TokenKind::Number | TokenKind::Hashtag => {
                        let (v, r) = word_entry(surface);
                        Role::Word(v, r)
                    }
                    TokenKind::Punct | TokenKind::Symbol => punct_role(surface),
                    _ => Role::Ignored,
                };
                Looked::new(tok, role)
            })
            .collect();
        ToneTokens { tokens: looked }
    }

    /// [`new`](Self::new) with the words already interned: `words` is
    /// `DocWords::new(text, tokens)`, so each word's lexicon entry comes from
    /// its type instead of a look-up per token.
    pub fn with_words(text: &str, tokens: &[Token], words: &DocWords) -> Self {
        let looked = tokens
            .iter()
            .enumerate()
            .map(|(i, tok)| {
                let role = match tok.kind {
                    TokenKind::Word | TokenKind::Number | TokenKind::Hashtag => {
                        match words.type_of(i).and_then(|t| words.info(t)) {
                            Some(info) if !info.tone.written_forms => Role::Word(info.tone.valence, info.tone.roles),
                            _ => {
                                let (v, r) = word_entry(tok.as_str(text));
                                Role::Word(v, r)
                            }
                        }
                    }
                    TokenKind::Punct | TokenKind::Symbol => punct_role(tok.as_str(text)),
                    _ => Role::Ignored,
                };
                Looked::new(tok, role)
            })
            .collect();
        ToneTokens { tokens: looked }
    }

    /// Tone of the byte range `range`: the tokens wholly inside it.
    pub fn tone(&self, range: Range<usize>) -> Tone {
        // Tokens come in text order, so those starting in the range are a run.
        let first = self.tokens.partition_point(|t| (t.start as usize) < range.start);
        let mut words = 0usize;
        let (mut pos, mut neg) = (0usize, 0usize);
        let mut valence_sum = 0.0f32;
        // Roles of the last words since the clause break, newest last.
        let mut recent = [0u8; NEGATION_SCOPE];
        let mut n_recent = 0usize;
        for t in self.tokens.get(first..).unwrap_or(&[]) {
            if t.start as usize >= range.end {
                break;
            }
            if t.end as usize > range.end {
                continue;
            }
            match t.kind {
                WORD | CHARGED_WORD => {
                    words += 1;
                    if t.kind == CHARGED_WORD {
                        let v = adjust(t.valence, &recent[NEGATION_SCOPE - n_recent..]);
                        count(v, &mut pos, &mut neg, &mut valence_sum);
                    }
                    // A shift by hand: `rotate_left` on three bytes is a generic loop.
                    recent = [recent[1], recent[2], t.roles];
                    n_recent = (n_recent + 1).min(NEGATION_SCOPE);
                }
                CLAUSE_BREAK => n_recent = 0,
                EMOTICON => count(t.valence, &mut pos, &mut neg, &mut valence_sum),
                _ => {}
            }
        }
        if words == 0 {
            return Tone::default();
        }
        let pct = |n: usize| 100.0 * n as f32 / words as f32;
        let (positive, negative) = (pct(pos), pct(neg));
        Tone {
            score: positive - negative,
            positive,
            negative,
            polarity: positive + negative,
            words,
            valence: if pos + neg == 0 { 0.0 } else { valence_sum / (pos + neg) as f32 },
        }
    }
}

/// The role of a punctuation or symbol token: from a table for a single
/// ASCII char (most punctuation), else from its text.
fn punct_role(surface: &str) -> Role {
    static ASCII: OnceLock<[Role; 128]> = OnceLock::new();
    if let [b] = surface.as_bytes() {
        let table = ASCII.get_or_init(|| {
            let mut table = [Role::Ignored; 128];
            for (b, role) in (0u8..).zip(table.iter_mut()) {
                *role = punct_role_of(char::from(b).encode_utf8(&mut [0u8; 4]));
            }
            table
        });
        if let Some(&role) = table.get(usize::from(*b)) {
            return role;
        }
    }
    punct_role_of(surface)
}

/// The role of a punctuation or symbol token, from the lexicon.
fn punct_role_of(surface: &str) -> Role {
    if matches!(surface, "." | "!" | "?" | ";" | ":" | "," | "..." | "…" | "—" | "–") {
        Role::ClauseBreak
    } else if let Some(v) = entries().get(surface).and_then(|e| e.valence) {
        Role::Emoticon(v)
    } else {
        Role::Ignored
    }
}

/// Tone of the byte range `range` of `text`, from its `tokens` (the output
/// of `tokenize(text)`; tokens outside the range are ignored). An empty or
/// word-less range gives all zeros. For many spans of one text, build a
/// [`ToneTokens`] once instead.
pub fn tone(text: &str, tokens: &[Token], range: Range<usize>) -> Tone {
    let first = tokens.partition_point(|t| t.start < range.start);
    let last = first + tokens[first..].partition_point(|t| t.start < range.end);
    ToneTokens::new(text, &tokens[first..last]).tone(range)
}

fn count(v: f32, pos: &mut usize, neg: &mut usize, sum: &mut f32) {
    if v > 0.0 {
        *pos += 1;
    } else if v < 0.0 {
        *neg += 1;
    } else {
        return;
    }
    *sum += v;
}

/// `v` adjusted for the roles of the words before it (`context`, the last
/// few since the clause break, oldest first).
fn adjust(mut v: f32, context: &[u8]) -> f32 {
    if let Some(prev) = context.last() {
        if prev & INTENSIFIER != 0 {
            v *= INTENSIFY;
        } else if prev & DOWNTONER != 0 {
            v *= DOWNTONE;
        }
    }
    if context.iter().any(|r| r & NEGATOR != 0) {
        v *= NEGATION;
    }
    v.clamp(-4.0, 4.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize::tokenize;

    fn tone_of(text: &str) -> Tone {
        tone(text, &tokenize(text), 0..text.len())
    }

    #[test]
    fn lexicon_loads_with_known_valences() {
        assert!(lexicon_len() > 7000);
        assert!(valence("good").unwrap() > 0.0);
        assert!(valence("Terrible").unwrap() < 0.0);
        assert_eq!(valence("the"), None);
        assert_eq!(valence("like"), None, "stopwords are not in the lexicon");
    }

    #[test]
    fn positive_and_negative_percentages() {
        let t = tone_of("The talks were good and the mood was great, but the war continues.");
        assert_eq!(t.words, 13);
        assert!((t.positive - 200.0 / 13.0).abs() < 1e-4, "{t:?}");
        assert!((t.negative - 100.0 / 13.0).abs() < 1e-4, "{t:?}");
        assert!((t.score - (t.positive - t.negative)).abs() < 1e-6);
        assert!((t.polarity - (t.positive + t.negative)).abs() < 1e-6);
    }

    #[test]
    fn negation_flips_within_its_scope() {
        let plain = tone_of("The plan is good.");
        let negated = tone_of("The plan is not good.");
        let contracted = tone_of("The plan isn't very good.");
        assert!(plain.score > 0.0);
        assert!(negated.score < 0.0 && negated.valence < 0.0);
        assert!(contracted.score < 0.0);
        // the negator does not reach past a clause break
        let broken = tone_of("No, the plan is good.");
        assert!(broken.score > 0.0);
        // nor further than three words
        let far = tone_of("Not that the harbour wall plan is good.");
        assert!(far.score > 0.0);
    }

    #[test]
    fn intensifiers_and_downtoners_scale_valence() {
        let base = tone_of("It was bad.").valence;
        let very = tone_of("It was very bad.").valence;
        let slightly = tone_of("It was slightly bad.").valence;
        assert!(very < base && base < slightly && slightly < 0.0, "{very} {base} {slightly}");
    }

    #[test]
    fn range_limits_the_span() {
        let text = "Wonderful news. Horrible news.";
        let tokens = tokenize(text);
        let first = tone(text, &tokens, 0..15);
        let second = tone(text, &tokens, 16..text.len());
        assert!(first.score > 0.0 && second.score < 0.0);
        assert_eq!(first.words, 2);
    }

    #[test]
    fn empty_and_odd_ranges_give_zero() {
        let text = "Good.";
        let tokens = tokenize(text);
        assert_eq!(tone(text, &tokens, 0..0), Tone::default());
        #[allow(clippy::reversed_empty_ranges)]
        let reversed = 3..1;
        assert_eq!(tone(text, &tokens, reversed), Tone::default());
        assert_eq!(tone(text, &tokens, 100..200), Tone::default());
        assert_eq!(tone_of(""), Tone::default());
        assert_eq!(tone_of("... !!"), Tone::default());
    }

    #[test]
    fn fast_lowercasing_matches_unicode_lowercasing() {
        for word in
            ["good", "Good", "GOOD", "gOoD", "Terrible", "NOT", "Very", "Slightly", "Élan", "ÉNORME", "Don\u{2019}t"]
        {
            let lower = word.to_lowercase().replace('\u{2019}', "'");
            let expected_roles = entries().get(lower.as_str()).map_or(0, |e| e.roles);
            let expected =
                entries().get(word).and_then(|e| e.valence).or(entries().get(lower.as_str()).and_then(|e| e.valence));
            assert_eq!(word_entry(word), (expected, expected_roles), "{word}");
        }
        assert_eq!(word_entry("NOT").1, NEGATOR);
        assert_eq!(word_entry("VERY").1, INTENSIFIER);
        let long = "GOOD".repeat(20);
        assert_eq!(word_entry(&long), (None, 0));
    }

    #[test]
    fn looked_up_tokens_give_the_tone_of_any_span() {
        let text = "Not good at all. VERY bad news; slightly WORSE :) and never a success, he said.";
        let tokens = tokenize(text);
        let looked_up = ToneTokens::new(text, &tokens);
        for a in 0..text.len() {
            for b in a..=text.len() {
                if text.is_char_boundary(a) && text.is_char_boundary(b) {
                    assert_eq!(looked_up.tone(a..b), tone(text, &tokens, a..b), "{a}..{b}");
                }
            }
        }
        assert!(looked_up.tone(0..text.len()).negative > 0.0);
    }

    #[test]
    fn interned_words_give_the_same_tone_as_per_token_look_ups() {
        for text in [
            "Not good at all. VERY bad news; slightly WORSE :) and never a success, he said.",
            "LOL lol Lol :D :d XD xd O_o o_O (-:O \u{c9}NORME Don\u{2019}t DON'T #happy 100 :-\u{de}",
            "",
        ] {
            let tokens = tokenize(text);
            let per_token = ToneTokens::new(text, &tokens);
            let interned = ToneTokens::with_words(text, &tokens, &DocWords::new(text, &tokens));
            for a in (0..=text.len()).filter(|&a| text.is_char_boundary(a)) {
                for b in (a..=text.len()).filter(|&b| text.is_char_boundary(b)) {
                    assert_eq!(interned.tone(a..b), per_token.tone(a..b), "{text:?} {a}..{b}");
                }
            }
        }
    }

    #[test]
    fn cased_lexicon_keys_are_looked_up_as_written() {
        assert!(cased_keys().contains(":d"), "{:?}", cased_keys());
        assert!(!cased_keys().contains("good"));
        assert!(type_entry(":d").written_forms && !type_entry("good").written_forms);
        assert_eq!(type_entry("good").valence, valence("good"));
    }

    #[test]
    fn curly_apostrophes_and_case() {
        let t = tone_of("It DOESN\u{2019}T look GOOD.");
        assert!(t.score < 0.0, "{t:?}");
    }

    proptest::proptest! {
        #[test]
        fn any_text_and_range_give_finite_tone(
            text in "(\\PC{0,20}|not |very |good|bad|n't|:\\)|, |\\. | ){0,40}",
            a in 0usize..300,
            b in 0usize..300,
        ) {
            let tokens = tokenize(&text);
            let t = tone(&text, &tokens, a..b);
            let interned = ToneTokens::with_words(&text, &tokens, &DocWords::new(&text, &tokens));
            proptest::prop_assert_eq!(interned.tone(a..b), ToneTokens::new(&text, &tokens).tone(a..b));
            proptest::prop_assert!(t.score.is_finite() && t.polarity.is_finite() && t.valence.is_finite());
            proptest::prop_assert!((0.0..=100.0).contains(&t.positive) && (0.0..=100.0).contains(&t.negative));
        }
    }
}
