//! Feature extraction for the tagger: every token becomes a list of hashed feature ids.
//!
//! A feature is a (template, value) pair, for example "lower-cased word two to the left =
//! `minister`", hashed straight into a row of the weight table, so no feature dictionary
//! is stored and lookups cost one multiply. The templates cover the word and its context
//! window of +-2, affixes, word shape and casing, induced word clusters at several
//! granularities, gazetteer matches, and document-level evidence (the same word written in
//! lower case, or capitalised mid-sentence, elsewhere in the document), which keeps all-caps
//! headlines and sentence-initial words from being guessed blind.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use super::tags::EntityKind;

/// Number of cluster granularities stored per word.
pub const N_GRAN: usize = 4;
/// Cluster id of a word the clustering never saw.
pub const NO_CLUSTER: u16 = u16::MAX;
/// Longest gazetteer phrase, in tokens.
pub const MAX_PHRASE: usize = 6;

/// A hasher for keys that are already well-mixed 64-bit hashes.
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A map keyed by pre-hashed values.
pub type IdMap<V> = HashMap<u64, V, BuildHasherDefault<IdHasher>>;

/// FNV-1a over bytes, with a seed so different uses do not collide.
pub fn hash_bytes(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    mix(h, 0)
}

/// Combines two hashes (order matters).
#[inline]
pub fn mix(a: u64, b: u64) -> u64 {
    let x = mix_unfolded(a, b);
    x ^ (x >> 32)
}

/// [`mix`] without its last step, which folds the high half into the low half and so
/// leaves the high 32 bits as they are.
#[inline]
fn mix_unfolded(a: u64, b: u64) -> u64 {
    let mut x = a ^ b.rotate_left(29).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    x ^= x >> 32;
    x.wrapping_mul(0xD6E8_FEB8_6659_FD93)
}

/// The lower-cased form used for lookups: lower case, typographic apostrophes and quotes
/// folded to ASCII. Written into `out`.
pub fn normalise_lower(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() && !word.contains('`') {
        // most words: one copy lower-cased in place, as the loop below would write it
        out.push_str(word);
        out.make_ascii_lowercase();
        return;
    }
    for c in word.chars() {
        match c {
            '\u{2019}' | '\u{2018}' | '`' => out.push('\''),
            '\u{201C}' | '\u{201D}' => out.push('"'),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase()),
        }
    }
}

/// Hash of a word's lookup form (see [`normalise_lower`]), the key of the cluster and
/// gazetteer tables.
pub fn lookup_hash(word: &str, scratch: &mut String) -> u64 {
    normalise_lower(word, scratch);
    hash_bytes(1, scratch.as_bytes())
}

/// Hash of a phrase from its tokens' lookup hashes.
pub fn phrase_hash(token_hashes: &[u64]) -> u64 {
    token_hashes.iter().fold(0x5151_u64, |h, &t| mix(h, t))
}

/// The lexical resources features read: induced clusters and gazetteers.
#[derive(Default, Clone)]
pub struct Lexicon {
    /// Lookup hash of a word -> its cluster at each granularity, coarse to fine.
    pub clusters: IdMap<[u16; N_GRAN]>,
    /// Gazetteer: phrase hash -> bit mask of the classes it was seen as.
    pub phrases: IdMap<u8>,
    /// Lookup hash of a word -> bit mask of the classes of the phrases it was part of.
    /// Holds every word of every phrase of `phrases` (matching stops at a word it lacks).
    pub words: IdMap<u8>,
}

// Casing and form flags of one token.
const F_INIT_CAP: u32 = 1;
const F_ALL_CAPS: u32 = 1 << 1;
const F_HAS_DIGIT: u32 = 1 << 2;
const F_ALL_DIGIT: u32 = 1 << 3;
const F_HYPHEN: u32 = 1 << 4;
const F_DOT: u32 = 1 << 5;
const F_APOS: u32 = 1 << 6;
const F_PUNCT: u32 = 1 << 7;
const F_LOWER: u32 = 1 << 8;
const F_MIXED: u32 = 1 << 9;
const N_FLAGS: u32 = 10;

// Document-level evidence about a word.
const D_SEEN_LOWER: u8 = 1;
const D_SEEN_CAP_MID: u8 = 2;
const D_SEEN_CAP_START: u8 = 4;

/// What is computed once per token before the templates combine it, less the word's
/// [`Affixes`]: the part the per-sentence templates read, kept small because it is copied
/// for every token.
#[derive(Clone, Copy, Default)]
pub(crate) struct Tok {
    lower: u64,
    shape: u64,
    flags: u32,
    clusters: [u16; N_GRAN],
    gaz: [u8; 4],
    gaz_words: u8,
    /// The gazetteer mask of the word as a phrase of its own (0 when it is none), looked up
    /// once per word rather than per token.
    gaz_one: u8,
    doc: u8,
}

/// The exact form, length and affixes of a word: only [`own_features`] reads them, once per
/// word type when tagging.
#[derive(Clone, Copy, Default)]
pub(crate) struct Affixes {
    word: u64,
    len: u8,
    pre: [u64; 4],
    suf: [u64; 4],
}

/// Occurrences of one word whose contexts are kept per document.
const MAX_DOC_CONTEXTS: usize = 8;

const BOUNDARY_BEFORE: u64 = 0x0B05;
const BOUNDARY_AFTER: u64 = 0x0E05;

/// Most ids [`Extractor::sentence_ids`] gives a token: ten every token has, a sentence in
/// capitals' one, sixteen of gazetteer matches and eight of other contexts.
pub(crate) const MAX_SENTENCE_IDS: usize = 35;

/// Turns documents into feature ids; keeps its buffers between calls.
pub struct Extractor {
    bits: u32,
    scratch: String,
    shape: String,
    toks: Vec<Tok>,
    /// The affixes of each token, kept by [`Extractor::extract`] alone.
    affixes: Vec<Affixes>,
    /// Document evidence by lower-case form id (see [`Extractor::push_token`]); all zero
    /// between documents.
    doc_seen: Vec<u8>,
    /// Per token: the id of its lower-case form, equal for tokens of equal
    /// [`lookup_hash`] and small, so the document evidence is an array, not a map.
    lower_ids: Vec<u32>,
    /// Lookup hash -> lower-case form id, for [`Extractor::extract`], which numbers the
    /// forms of each document itself.
    lower_index: IdMap<u32>,
    /// The occurrences of capitalised words as (lookup hash, order of finding, position,
    /// left neighbour, right neighbour), grouped by word, each group in the order found.
    doc_ctx: Vec<DocContext>,
    /// Per token: the range of `doc_ctx` holding the first [`MAX_DOC_CONTEXTS`]
    /// occurrences of its word (empty for a word not capitalised).
    ctx_group: Vec<(u32, u32)>,
    lookup: Vec<u64>,
    caps_sentence: Vec<bool>,
    /// The feature ids of template 80 by [`doc_case_index`]: its value has few inputs, so
    /// its ids are hashed once instead of for every token.
    doc_case_ids: Box<[u32; DOC_CASES]>,
}

/// Number of (document evidence, casing, first in sentence, sentence in capitals)
/// combinations of template 80.
const DOC_CASES: usize = 8 * 8 * 4;

/// The index of a combination in `Extractor::doc_case_ids`, `None` for evidence bits it
/// does not cover. `case_class` holds only the bits of `F_INIT_CAP`, `F_ALL_CAPS` and
/// `F_LOWER`.
#[inline]
fn doc_case_index(doc: u8, case_class: u32, first_caps: u64) -> Option<usize> {
    let case = (case_class & (F_INIT_CAP | F_ALL_CAPS)) | u32::from(case_class & F_LOWER != 0) << 2;
    (doc < 8).then(|| (usize::from(doc) * 8 + case as usize) * 4 + (first_caps & 3) as usize)
}

/// The value of template 80: document evidence with the casing it qualifies.
#[inline]
fn doc_case_value(doc: u8, case_class: u32, first_caps: u64) -> u64 {
    mix(u64::from(doc), mix(u64::from(case_class), first_caps))
}

/// One occurrence of a capitalised word (see `Extractor::doc_ctx`).
type DocContext = (u64, u32, u32, u64, u64);

/// Feature ids of every token of a document: token `i` has `feats[offs[i]..offs[i + 1]]`.
#[derive(Default, Clone)]
pub struct DocFeatures {
    /// All feature ids, token after token.
    pub feats: Vec<u32>,
    /// Start of each token's ids in `feats`, plus one final end.
    pub offs: Vec<u32>,
}

impl DocFeatures {
    /// Feature ids of token `i`.
    pub fn token(&self, i: usize) -> &[u32] {
        match (self.offs.get(i), self.offs.get(i + 1)) {
            (Some(&a), Some(&b)) => self.feats.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

impl Extractor {
    /// An extractor hashing into a table of `2^bits` rows.
    pub fn new(bits: u32) -> Extractor {
        Extractor {
            bits,
            scratch: String::new(),
            shape: String::new(),
            toks: Vec::new(),
            affixes: Vec::new(),
            doc_seen: Vec::new(),
            lower_ids: Vec::new(),
            lower_index: IdMap::default(),
            doc_ctx: Vec::new(),
            ctx_group: Vec::new(),
            lookup: Vec::new(),
            caps_sentence: Vec::new(),
            doc_case_ids: {
                let shift = 64 - bits;
                let mut ids = Box::new([0u32; DOC_CASES]);
                for doc in 0..8u8 {
                    for case_class in [0, F_INIT_CAP, F_ALL_CAPS, F_INIT_CAP | F_ALL_CAPS] {
                        for case_class in [case_class, case_class | F_LOWER] {
                            for first_caps in 0..4u64 {
                                if let Some(slot) =
                                    doc_case_index(doc, case_class, first_caps).and_then(|i| ids.get_mut(i))
                                {
                                    *slot = feature_id(shift, 80, doc_case_value(doc, case_class, first_caps));
                                }
                            }
                        }
                    }
                }
                ids
            },
        }
    }

    /// Extracts the features of a document given as words and sentences (ranges of word
    /// indices). Every word gets features, sentence by sentence.
    pub fn extract(&mut self, words: &[&str], sentences: &[Range<usize>], lex: &Lexicon, out: &mut DocFeatures) {
        self.start_document();
        self.lower_index.clear();
        self.affixes.clear();
        for w in words {
            let t = self.token_info(w, lex);
            self.affixes.push(t.affixes);
            let next = self.lower_index.len() as u32;
            let lower_id = *self.lower_index.entry(t.token.lower_plain).or_insert(next);
            self.push_token(&t.token, lower_id);
        }
        self.analyse(sentences, lex);
        out.feats.clear();
        out.offs.clear();
        out.offs.push(0);
        let shift = 64 - self.bits;
        for (si, s) in sentences.iter().enumerate() {
            if s.end > words.len() || s.start > s.end {
                continue;
            }
            for i in s.clone() {
                let mut push = |f: u32| out.feats.push(f);
                let t = &self.toks[i];
                own_features(shift, t, &self.affixes[i], &mut push);
                for d in NEIGHBOURS {
                    neighbour_features(shift, d, self.at(i, s, d), &mut push);
                }
                position_features(shift, t, i == s.start, self.caps_sentence[si], &mut push);
                left_pair_features(shift, self.at(i, s, -1), t, &mut push);
                right_pair_features(shift, t, self.at(i, s, 1), &mut push);
                self.context_features(i, s.clone(), self.caps_sentence[si], &mut push);
                out.offs.push(out.feats.len() as u32);
            }
        }
    }

    /// Forgets the tokens of the previous document.
    pub(crate) fn start_document(&mut self) {
        self.toks.clear();
        self.lookup.clear();
        self.lower_ids.clear();
    }

    /// Whether sentence `si` (as passed to [`Extractor::analyse`]) is written in capitals.
    pub(crate) fn caps_sentence(&self, si: usize) -> bool {
        self.caps_sentence.get(si).copied().unwrap_or(false)
    }

    /// Appends a token's word-intrinsic information (from [`Extractor::token_info`], less its
    /// affixes), with the id of its lower-case form: within a document, two tokens must have
    /// the same id exactly when their `lower_plain` hashes are equal (ids are best kept small:
    /// they index an array).
    #[inline]
    pub(crate) fn push_token(&mut self, t: &DocToken, lower_id: u32) {
        self.toks.push(t.tok);
        self.lookup.push(t.lower_plain);
        self.lower_ids.push(lower_id);
        if self.doc_seen.len() <= lower_id as usize {
            self.doc_seen.resize(lower_id as usize + 1, 0);
        }
    }

    /// The token at offset `d` from `i` within sentence `s`.
    #[inline]
    pub(crate) fn at(&self, i: usize, s: &Range<usize>, d: isize) -> Option<&Tok> {
        let j = i as isize + d;
        if j < s.start as isize || j >= s.end as isize {
            None
        } else {
            self.toks.get(j as usize)
        }
    }

    /// The per-sentence and per-document state over the pushed tokens: sentence casing,
    /// document evidence, contexts of capitalised words, gazetteer matches.
    pub(crate) fn analyse(&mut self, sentences: &[Range<usize>], lex: &Lexicon) {
        let n_words = self.toks.len();
        // Sentence-level casing, then document statistics from the sentences whose casing
        // carries information (not all-caps headlines).
        self.caps_sentence.clear();
        self.caps_sentence.resize(sentences.len(), false);
        for (si, s) in sentences.iter().enumerate() {
            let (Some(toks), Some(ids)) = (self.toks.get(s.clone()), self.lower_ids.get(s.clone())) else {
                continue;
            };
            let letters = toks.iter().filter(|t| t.flags & (F_ALL_CAPS | F_LOWER | F_INIT_CAP | F_MIXED) != 0);
            let (mut n, mut caps) = (0, 0);
            for t in letters {
                n += 1;
                if t.flags & F_ALL_CAPS != 0 {
                    caps += 1;
                }
            }
            self.caps_sentence[si] = n >= 2 && caps * 10 >= n * 8;
            if self.caps_sentence[si] {
                continue;
            }
            for (j, (t, &id)) in toks.iter().zip(ids).enumerate() {
                let bit = if t.flags & F_LOWER != 0 {
                    D_SEEN_LOWER
                } else if t.flags & F_INIT_CAP != 0 {
                    if j == 0 {
                        D_SEEN_CAP_START
                    } else {
                        D_SEEN_CAP_MID
                    }
                } else {
                    continue;
                };
                if let Some(seen) = self.doc_seen.get_mut(id as usize) {
                    *seen |= bit;
                }
            }
        }
        for (t, &id) in self.toks.iter_mut().zip(&self.lower_ids) {
            t.doc = self.doc_seen.get(id as usize).copied().unwrap_or(0);
        }
        // every entry set belongs to a token of the document
        for &id in &self.lower_ids {
            if let Some(seen) = self.doc_seen.get_mut(id as usize) {
                *seen = 0;
            }
        }
        // the contexts of every capitalised word, so each occurrence sees the others'
        // ("Mr X" in one sentence tells about a bare "X" in another)
        // (one flat list sorted by word rather than a map of lists: no allocation per word)
        self.doc_ctx.clear();
        for s in sentences {
            if s.end > n_words || s.start >= s.end {
                continue;
            }
            for i in s.clone() {
                if self.toks[i].flags & (F_INIT_CAP | F_ALL_CAPS | F_MIXED) == 0 {
                    continue;
                }
                let left = if i > s.start { self.toks[i - 1].lower } else { BOUNDARY_BEFORE };
                let right = if i + 1 < s.end { self.toks[i + 1].lower } else { BOUNDARY_AFTER };
                let found = self.doc_ctx.len() as u32;
                self.doc_ctx.push((self.lookup[i], found, i as u32, left, right));
            }
        }
        self.doc_ctx.sort_unstable_by_key(|&(word, found, ..)| (word, found));
        self.ctx_group.clear();
        self.ctx_group.resize(n_words, (0, 0));
        let mut g = 0usize;
        while g < self.doc_ctx.len() {
            let word = self.doc_ctx[g].0;
            let end = g + self.doc_ctx[g..].iter().take_while(|c| c.0 == word).count();
            let kept = (g + MAX_DOC_CONTEXTS).min(end);
            for c in &self.doc_ctx[g..end] {
                if let Some(slot) = self.ctx_group.get_mut(c.2 as usize) {
                    *slot = (g as u32, kept as u32);
                }
            }
            g = end;
        }
        for s in sentences {
            if s.end <= n_words {
                self.gazetteer(s.clone(), lex);
            }
        }
    }

    /// The word-intrinsic information of `w`: a function of `w` and the lexicon only.
    pub(crate) fn token_info(&mut self, w: &str, lex: &Lexicon) -> TokInfo {
        normalise_lower(w, &mut self.scratch);
        let lower_plain = hash_bytes(1, self.scratch.as_bytes());
        // the feature form maps digits to 0 so numbers generalise (hashed again only for a
        // word with a digit)
        let has_digit = self.scratch.bytes().any(|b| b.is_ascii_digit());
        let lower = if has_digit {
            let mut lower_h = 0xcbf2_9ce4_8422_2325u64;
            for b in self.scratch.bytes() {
                let b = if b.is_ascii_digit() { b'0' } else { b };
                lower_h = (lower_h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
            }
            mix(lower_h, 7)
        } else {
            mix(lower_plain, 3)
        };
        let mut tok = Tok { lower, ..Tok::default() };
        let mut affixes = Affixes { word: hash_bytes(2, w.as_bytes()), ..Affixes::default() };
        // affixes over characters of the lower-cased form
        let bytes = self.scratch.as_bytes();
        let mut n = 0usize;
        let mut ends = self.scratch.char_indices().skip(1).map(|(i, _)| i).chain(std::iter::once(bytes.len()));
        for k in 0..4 {
            affixes.pre[k] = match ends.next() {
                Some(end) => {
                    n = k + 1;
                    hash_bytes(10 + k as u64, bytes.get(..end).unwrap_or(&[]))
                }
                None => hash_bytes(30 + k as u64, b""),
            };
        }
        if n == 4 {
            n = self.scratch.chars().count();
        }
        let mut starts = self.scratch.char_indices().rev().map(|(i, _)| i);
        for k in 0..4 {
            affixes.suf[k] = match starts.next() {
                Some(start) => hash_bytes(20 + k as u64, bytes.get(start..).unwrap_or(&[])),
                None => hash_bytes(30 + k as u64, b""),
            };
        }
        // shape and flags
        self.shape.clear();
        let (mut upper, mut lowerc, mut digit, mut other, mut alpha) = (0, 0, 0, 0, 0);
        let mut first_upper = false;
        let mut last = '\0';
        for (ci, c) in w.chars().enumerate() {
            let s = if c.is_uppercase() {
                upper += 1;
                alpha += 1;
                if ci == 0 {
                    first_upper = true;
                }
                'X'
            } else if c.is_lowercase() {
                lowerc += 1;
                alpha += 1;
                'x'
            } else if c.is_numeric() {
                digit += 1;
                'd'
            } else if c.is_alphabetic() {
                alpha += 1;
                'a'
            } else {
                other += 1;
                match c {
                    '-' => tok.flags |= F_HYPHEN,
                    '.' => tok.flags |= F_DOT,
                    '\'' | '\u{2019}' => tok.flags |= F_APOS,
                    _ => {}
                }
                if c.is_ascii() {
                    c
                } else {
                    '?'
                }
            };
            if s != last {
                self.shape.push(s);
                last = s;
            }
        }
        tok.shape = hash_bytes(4, self.shape.as_bytes());
        affixes.len = n.min(255) as u8;
        if digit > 0 {
            tok.flags |= F_HAS_DIGIT;
            if alpha == 0 && other == 0 {
                tok.flags |= F_ALL_DIGIT;
            }
        }
        if alpha == 0 && digit == 0 {
            tok.flags |= F_PUNCT;
        }
        if upper > 0 && lowerc == 0 {
            tok.flags |= F_ALL_CAPS;
        } else if first_upper {
            tok.flags |= F_INIT_CAP;
            if upper > 1 {
                tok.flags |= F_MIXED;
            }
        } else if lowerc > 0 {
            tok.flags |= if upper > 0 { F_MIXED } else { F_LOWER };
        }
        tok.clusters = lex.clusters.get(&lower_plain).copied().unwrap_or([NO_CLUSTER; N_GRAN]);
        tok.gaz_words = lex.words.get(&lower_plain).copied().unwrap_or(0);
        if tok.gaz_words != 0 {
            tok.gaz_one = lex.phrases.get(&phrase_hash(&[lower_plain])).copied().unwrap_or(0);
        }
        TokInfo { token: DocToken { tok, lower_plain }, affixes }
    }

    /// Marks the longest gazetteer match per class over the sentence's tokens.
    fn gazetteer(&mut self, s: Range<usize>, lex: &Lexicon) {
        if lex.phrases.is_empty() {
            return;
        }
        for i in s.clone() {
            let mut h = 0x5151_u64;
            for len in 1..=MAX_PHRASE {
                let j = i + len;
                if j > s.end {
                    break;
                }
                if self.toks[j - 1].gaz_words == 0 {
                    // every word of a stored phrase is in `lex.words`: no phrase goes on
                    break;
                }
                h = mix(h, self.lookup[j - 1]);
                // (a mask of 0 marks nothing, as no entry does)
                let mask = if len == 1 {
                    self.toks[i].gaz_one
                } else {
                    let Some(&mask) = lex.phrases.get(&h) else {
                        continue;
                    };
                    mask
                };
                for k in 0..4 {
                    if mask & (1 << k) == 0 {
                        continue;
                    }
                    // a longer phrase wins over a shorter one on every token it covers
                    let covered_longer = (i..j).any(|t| (self.toks[t].gaz[k] >> 3) as usize > len);
                    if covered_longer {
                        continue;
                    }
                    let l = (len.min(31) as u8) << 3;
                    if len == 1 {
                        self.toks[i].gaz[k] = l | 4;
                    } else {
                        self.toks[i].gaz[k] = l | 1;
                        for t in i + 1..j - 1 {
                            self.toks[t].gaz[k] = l | 2;
                        }
                        self.toks[j - 1].gaz[k] = l | 3;
                    }
                }
            }
        }
    }

    /// The features of token `i` that depend on its sentence or the document beyond its
    /// word, its position and its pairs with the adjacent words: the shape trigram,
    /// gazetteer matches, document evidence. With [`own_features`], [`neighbour_features`],
    /// [`position_features`], [`left_pair_features`] and [`right_pair_features`] they are all
    /// of a token's features.
    pub(crate) fn context_features(&self, i: usize, s: Range<usize>, caps_sentence: bool, push: &mut impl FnMut(u32)) {
        let shift = 64 - self.bits;
        let id = |tmpl: u64, v: u64| feature_id(shift, tmpl, v);
        let t = &self.toks[i];
        let at = |d: isize| self.at(i, &s, d);
        let lower_at = |d: isize| at(d).map_or(boundary(d), |t| t.lower);
        let shape_at = |d: isize| at(d).map_or(boundary(d), |t| t.shape);
        let first = i == s.start;
        let caps = u64::from(caps_sentence);

        push(id(23, mix(mix(shape_at(-1), t.shape), shape_at(1))));
        // gazetteers: phrase matches of the word and its neighbours (mostly none)
        gazetteer_contexts(t, at(-1), at(1), |tmpl, v| push(id(tmpl, v)));
        // document evidence, with the casing it qualifies
        let case_class = t.flags & (F_INIT_CAP | F_ALL_CAPS | F_LOWER);
        let first_caps = u64::from(first) * 2 + caps;
        match doc_case_index(t.doc, case_class, first_caps).and_then(|k| self.doc_case_ids.get(k)) {
            Some(&f) => push(f),
            None => push(id(80, doc_case_value(t.doc, case_class, first_caps))),
        }
        if caps_sentence {
            push(id(81, mix(t.lower, u64::from(t.doc))));
        }
        push(id(82, mix(u64::from(t.doc), u64::from(t.clusters[1]))));
        if t.flags & (F_INIT_CAP | F_ALL_CAPS | F_MIXED) != 0 {
            let own_left = lower_at(-1);
            let own_right = lower_at(1);
            let occ = match self.ctx_group.get(i) {
                Some(&(a, b)) => self.doc_ctx.get(a as usize..b as usize).unwrap_or(&[]),
                None => &[],
            };
            other_contexts(occ, i, own_left, own_right, |tmpl, v| push(id(tmpl, v)));
        }
    }

    /// The ids of every token of sentence `s` (a valid range of the pushed tokens) from
    /// [`left_pair_features`], [`right_pair_features`] and [`Extractor::context_features`],
    /// the same ids in another order: token `k` of the sentence gets `out[k][..counts[k]]`
    /// (`out` and `counts` hold at least one entry per token; tokens past either's end get
    /// nothing). `prefetch` sees every id as soon as it is known.
    ///
    /// One pass over the sentence that hashes each word pair once: the pair with the right
    /// neighbour of one token is the pair with the left neighbour of the next (templates 9
    /// and 8, 22 and 21), and the shape trigram (23) extends the left shape pair (21).
    pub(crate) fn sentence_ids(
        &self,
        s: Range<usize>,
        caps_sentence: bool,
        out: &mut [[u32; MAX_SENTENCE_IDS]],
        counts: &mut [u8],
        prefetch: impl FnMut(u32),
    ) {
        if self.bits <= 32 {
            self.sentence_ids_in::<true>(s, caps_sentence, out, counts, prefetch);
        } else {
            self.sentence_ids_in::<false>(s, caps_sentence, out, counts, prefetch);
        }
    }

    /// [`Extractor::sentence_ids`], with ids computed by [`high_feature_id`] if `HIGH`.
    #[inline(always)]
    fn sentence_ids_in<const HIGH: bool>(
        &self,
        s: Range<usize>,
        caps_sentence: bool,
        out: &mut [[u32; MAX_SENTENCE_IDS]],
        counts: &mut [u8],
        mut prefetch: impl FnMut(u32),
    ) {
        let shift = 64 - self.bits;
        let id = |tmpl: u64, v: u64| if HIGH { high_feature_id(shift, tmpl, v) } else { feature_id(shift, tmpl, v) };
        let (Some(toks), Some(groups)) = (self.toks.get(s.clone()), self.ctx_group.get(s.clone())) else {
            return;
        };
        let Some(first) = toks.first() else {
            return;
        };
        let caps = u64::from(caps_sentence);
        // the pairs of the previous token with this one (the sentence's start for the first)
        let mut lower_left = mix(BOUNDARY_BEFORE, first.lower);
        let mut shape_left = mix(BOUNDARY_BEFORE, first.shape);
        let toks_out = toks.iter().zip(groups).zip(out.iter_mut().zip(counts.iter_mut()));
        for (k, ((t, &group), (ids, count))) in toks_out.enumerate() {
            let l = k.checked_sub(1).and_then(|j| toks.get(j));
            let r = toks.get(k + 1);
            let lower_l = l.map_or(BOUNDARY_BEFORE, |l| l.lower);
            let lower_r = r.map_or(BOUNDARY_AFTER, |r| r.lower);
            let shape_r = r.map_or(BOUNDARY_AFTER, |r| r.shape);
            let lower_right = mix(t.lower, lower_r);
            let shape_right = mix(t.shape, shape_r);
            let cluster_l = u64::from(l.map_or(NO_CLUSTER - 1, |l| l.clusters[2]));
            // the templates every token has
            ids[0] = id(8, lower_left);
            ids[1] = id(21, shape_left);
            ids[2] = id(24, mix(lower_l, t.shape));
            ids[3] = id(48, mix(cluster_l, u64::from(t.clusters[2])));
            ids[4] = id(9, lower_right);
            ids[5] = id(22, shape_right);
            ids[6] = id(25, mix(t.shape, lower_r));
            ids[7] = id(23, mix(shape_left, shape_r));
            let case_class = t.flags & (F_INIT_CAP | F_ALL_CAPS | F_LOWER);
            let first_caps = u64::from(k == 0) * 2 + caps;
            ids[8] = match doc_case_index(t.doc, case_class, first_caps).and_then(|i| self.doc_case_ids.get(i)) {
                Some(&f) => f,
                None => id(80, doc_case_value(t.doc, case_class, first_caps)),
            };
            ids[9] = id(82, mix(u64::from(t.doc), u64::from(t.clusters[1])));
            lower_left = lower_right;
            shape_left = shape_right;
            let mut n = 10usize;
            let mut push = |f: u32| {
                if let Some(slot) = ids.get_mut(n) {
                    *slot = f;
                    n += 1;
                }
            };
            if caps_sentence {
                push(id(81, mix(t.lower, u64::from(t.doc))));
            }
            gazetteer_contexts(t, l, r, |tmpl, v| push(id(tmpl, v)));
            if t.flags & (F_INIT_CAP | F_ALL_CAPS | F_MIXED) != 0 {
                let (a, b) = group;
                let occ = self.doc_ctx.get(a as usize..b as usize).unwrap_or(&[]);
                let i = s.start + k;
                other_contexts(occ, i, lower_l, lower_r, |tmpl, v| push(id(tmpl, v)));
            }
            let ids = ids.get(..n).unwrap_or(&[]);
            for &f in ids {
                prefetch(f);
            }
            *count = ids.len() as u8;
        }
    }
}

/// The features of a token that depend on its word, its position in the sentence and the
/// sentence's casing: its shape with them.
pub(crate) fn position_features(shift: u32, t: &Tok, first: bool, caps_sentence: bool, push: &mut impl FnMut(u32)) {
    let mut push = |tmpl: u64, v: u64| push(feature_id(shift, tmpl, v));
    let caps = u64::from(caps_sentence);
    push(18, mix(t.shape, caps));
    push(27, mix(u64::from(first), mix(t.shape, caps)));
}

/// The features token `t` gets from its pair with the word `l` on its left (`None` at the
/// sentence's start), which depend on those two words alone: word, shape and cluster
/// conjunctions.
#[inline]
pub(crate) fn left_pair_features(shift: u32, l: Option<&Tok>, t: &Tok, push: &mut impl FnMut(u32)) {
    let mut push = |tmpl: u64, v: u64| push(feature_id(shift, tmpl, v));
    let lower_l = l.map_or(BOUNDARY_BEFORE, |l| l.lower);
    let shape_l = l.map_or(BOUNDARY_BEFORE, |l| l.shape);
    push(8, mix(lower_l, t.lower));
    push(21, mix(shape_l, t.shape));
    push(24, mix(lower_l, t.shape));
    push(48, mix(u64::from(l.map_or(NO_CLUSTER - 1, |l| l.clusters[2])), u64::from(t.clusters[2])));
}

/// The features token `t` gets from its pair with the word `r` on its right (`None` at the
/// sentence's end), which depend on those two words alone.
#[inline]
pub(crate) fn right_pair_features(shift: u32, t: &Tok, r: Option<&Tok>, push: &mut impl FnMut(u32)) {
    let mut push = |tmpl: u64, v: u64| push(feature_id(shift, tmpl, v));
    let lower_r = r.map_or(BOUNDARY_AFTER, |r| r.lower);
    let shape_r = r.map_or(BOUNDARY_AFTER, |r| r.shape);
    push(9, mix(t.lower, lower_r));
    push(22, mix(t.shape, shape_r));
    push(25, mix(t.shape, lower_r));
}

/// Offsets of the neighbours whose word-intrinsic features a token reads.
pub(crate) const NEIGHBOURS: [isize; 4] = [-1, 1, -2, 2];

/// The gazetteer matches of a token and of its neighbours `l` and `r`, as features 50-53 and
/// 54-57 (the token's class per match kind, and with the match's length) and 60-63 and 64-67
/// (the neighbours' classes); nothing when none of the three is in a match (most tokens).
#[inline]
fn gazetteer_contexts(t: &Tok, l: Option<&Tok>, r: Option<&Tok>, mut found: impl FnMut(u64, u64)) {
    let any_gaz = |t: Option<&Tok>| t.is_some_and(|t| t.gaz != [0; 4]);
    if !(any_gaz(Some(t)) || any_gaz(l) || any_gaz(r)) {
        return;
    }
    for k in 0..4 {
        let g = t.gaz[k] & 7;
        if g != 0 {
            found(50 + k as u64, u64::from(g));
            found(54 + k as u64, mix(u64::from(g), u64::from((t.gaz[k] >> 3).min(4))));
        }
        for (n, tmpl) in [(l, 60u64), (r, 64)] {
            if let Some(n) = n {
                let g = n.gaz[k] & 7;
                if g != 0 {
                    found(tmpl + k as u64, u64::from(g));
                }
            }
        }
    }
}

/// The neighbouring words of a word's other occurrences in the document (`occ`, the word's
/// group, which includes the occurrence at `i` itself), as features 90 (left) and 91 (right):
/// at most four distinct words a side, none equal to the occurrence's own neighbour.
#[inline]
fn other_contexts(occ: &[DocContext], i: usize, own_left: u64, own_right: u64, mut found: impl FnMut(u64, u64)) {
    let (mut seen_l, mut seen_r) = ([0u64; 4], [0u64; 4]);
    let (mut nl, mut nr) = (0, 0);
    for &(_, _, pos, left, right) in occ {
        if pos as usize == i {
            continue;
        }
        if nl < 4 && left != own_left && !seen_l[..nl].contains(&left) {
            seen_l[nl] = left;
            nl += 1;
            found(90, left);
        }
        if nr < 4 && right != own_right && !seen_r[..nr].contains(&right) {
            seen_r[nr] = right;
            nr += 1;
            found(91, right);
        }
    }
}

/// The row of the weight table of template `tmpl` with value `v`.
#[inline]
fn feature_id(shift: u32, tmpl: u64, v: u64) -> u32 {
    (mix(tmpl.wrapping_mul(0x9E37_79B9_7F4A_7C15), v) >> shift) as u32
}

/// [`feature_id`] for a `shift` of 32 or more (a table of at most 2^32 rows, which is any
/// table a `u32` id indexes): the id is then within the high half of the hash, which the
/// last step of [`mix`] leaves as it is.
#[inline]
fn high_feature_id(shift: u32, tmpl: u64, v: u64) -> u32 {
    debug_assert!(shift >= 32);
    (mix_unfolded(tmpl.wrapping_mul(0x9E37_79B9_7F4A_7C15), v) >> shift) as u32
}

/// What a neighbour outside the sentence reads as.
#[inline]
fn boundary(d: isize) -> u64 {
    if d < 0 {
        BOUNDARY_BEFORE
    } else {
        BOUNDARY_AFTER
    }
}

/// The features of a token that depend on its word alone (form, affixes, flags, length,
/// clusters, gazetteer word membership), so they can be summed once per word type.
pub(crate) fn own_features(shift: u32, t: &Tok, a: &Affixes, push: &mut impl FnMut(u32)) {
    let mut push = |tmpl: u64, v: u64| push(feature_id(shift, tmpl, v));
    push(1, 0);
    push(2, t.lower);
    push(3, a.word);
    for k in 0..4 {
        push(10 + k as u64, a.pre[k]);
        push(14 + k as u64, a.suf[k]);
    }
    for f in 0..N_FLAGS {
        if t.flags & (1 << f) != 0 {
            push(26, u64::from(f));
        }
    }
    push(28, u64::from(a.len.min(12)));
    // clusters of the word at every granularity
    for g in 0..N_GRAN {
        push(30 + g as u64, u64::from(t.clusters[g]));
    }
    push(70, u64::from(t.gaz_words));
    push(71, mix(u64::from(t.gaz_words), t.shape));
}

/// The features a token gets from the word `n` at offset `d` in [`NEIGHBOURS`] (`None`
/// past the sentence's edge), which depend on that word alone: its form, shape (next
/// words only) and clusters at two granularities.
pub(crate) fn neighbour_features(shift: u32, d: isize, n: Option<&Tok>, push: &mut impl FnMut(u32)) {
    let mut push = |tmpl: u64, v: u64| push(feature_id(shift, tmpl, v));
    let (lower_tmpl, cluster_tmpl) = match d {
        -1 => (4, 40),
        1 => (5, 42),
        -2 => (6, 44),
        _ => (7, 46),
    };
    push(lower_tmpl, n.map_or(boundary(d), |t| t.lower));
    if d == -1 || d == 1 {
        push(if d < 0 { 19 } else { 20 }, n.map_or(boundary(d), |t| t.shape));
    }
    let c = n.map_or([NO_CLUSTER - 1; N_GRAN], |t| t.clusters);
    push(cluster_tmpl, u64::from(c[1]));
    push(cluster_tmpl + 1, u64::from(c[N_GRAN - 1]));
}

/// A token's word-intrinsic information.
#[derive(Clone, Copy)]
pub(crate) struct TokInfo {
    pub(crate) token: DocToken,
    pub(crate) affixes: Affixes,
}

/// The part of a token's word-intrinsic information that [`Extractor::push_token`] takes.
#[derive(Clone, Copy)]
pub(crate) struct DocToken {
    pub(crate) tok: Tok,
    pub(crate) lower_plain: u64,
}

/// Bit of a class in a gazetteer mask.
pub fn class_bit(k: EntityKind) -> u8 {
    1 << k.index()
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)] // one-sentence documents
mod tests {
    use super::*;

    fn feats(words: &[&str], lex: &Lexicon) -> DocFeatures {
        let mut ex = Extractor::new(18);
        let mut out = DocFeatures::default();
        ex.extract(words, &[0..words.len()], lex, &mut out);
        out
    }

    #[test]
    fn every_token_gets_features_within_the_table() {
        let words = ["Ms", "Amara", "Quist", "visited", "Port", "Ellery", "."];
        let f = feats(&words, &Lexicon::default());
        assert_eq!(f.offs.len(), words.len() + 1);
        for i in 0..words.len() {
            assert!(f.token(i).len() > 30);
            assert!(f.token(i).iter().all(|&x| x < 1 << 18));
        }
    }

    #[test]
    fn features_are_deterministic_and_context_sensitive() {
        let lex = Lexicon::default();
        let a = feats(&["the", "Zorbic", "party"], &lex);
        let b = feats(&["the", "Zorbic", "party"], &lex);
        let c = feats(&["a", "Zorbic", "party"], &lex);
        assert_eq!(a.token(1), b.token(1));
        assert_ne!(a.token(1), c.token(1));
    }

    #[test]
    fn gazetteer_match_changes_features() {
        let mut lex = Lexicon::default();
        let mut s = String::new();
        let hs: Vec<u64> = ["port", "ellery"].iter().map(|w| lookup_hash(w, &mut s)).collect();
        lex.phrases.insert(phrase_hash(&hs), class_bit(EntityKind::Loc));
        // as `train::build_gazetteer` makes it: every word of a phrase is in `words`
        for &h in &hs {
            lex.words.insert(h, class_bit(EntityKind::Loc));
        }
        let with = feats(&["to", "Port", "Ellery", "today"], &lex);
        let without = feats(&["to", "Port", "Ellery", "today"], &Lexicon::default());
        assert_ne!(with.token(1), without.token(1));
        assert_eq!(with.token(0).len(), without.token(0).len() + 1, "the right neighbour's match is a feature");
    }

    #[test]
    fn casing_of_the_same_word_elsewhere_is_a_feature() {
        let lex = Lexicon::default();
        let mut ex = Extractor::new(18);
        let mut a = DocFeatures::default();
        let mut b = DocFeatures::default();
        let words = ["Bright", "news", ".", "it", "was", "bright", "."];
        ex.extract(&words, &[0..3, 3..7], &lex, &mut a);
        let words2 = ["Bright", "news", ".", "it", "was", "Bright", "."];
        ex.extract(&words2, &[0..3, 3..7], &lex, &mut b);
        assert_ne!(a.token(0), b.token(0));
    }

    #[test]
    fn sentence_ids_equal_the_pair_and_context_features() {
        let mut lex = Lexicon::default();
        let mut s = String::new();
        let hs: Vec<u64> = ["port", "ellery"].iter().map(|w| lookup_hash(w, &mut s)).collect();
        lex.phrases.insert(phrase_hash(&hs), class_bit(EntityKind::Loc));
        lex.phrases.insert(phrase_hash(&hs[1..]), class_bit(EntityKind::Per));
        for &h in &hs {
            lex.words.insert(h, class_bit(EntityKind::Loc) | class_bit(EntityKind::Per));
        }
        // a headline in capitals, gazetteer matches, a capitalised word in many contexts,
        // non-ASCII words, one-word sentences
        let words = [
            "PORT", "ELLERY", "VISITS", "NEW", "YORK", "Ellery", "met", "Zé", "Ödön", "in", "Port", "Ellery", ".",
            "Ellery", "said", "Ellery", "and", "Ellery", "or", "Ellery", "by", "Ellery", "to", "Ellery", "x", "Ellery",
            ".", "Ödön", "?",
        ];
        let sentences = [0..5, 5..13, 13..27, 27..28, 28..29];
        let mut ex = Extractor::new(18);
        let mut doc = DocFeatures::default();
        ex.extract(&words, &sentences, &lex, &mut doc);
        let mut checked = 0;
        for (si, s) in sentences.iter().enumerate() {
            let caps = ex.caps_sentence(si);
            let mut out = vec![[0u32; MAX_SENTENCE_IDS]; s.len()];
            let mut counts = vec![0u8; s.len()];
            let mut prefetched = Vec::new();
            ex.sentence_ids(s.clone(), caps, &mut out, &mut counts, |f| prefetched.push(f));
            let mut all = Vec::new();
            for (k, i) in s.clone().enumerate() {
                let mut expected = Vec::new();
                let mut push = |f: u32| expected.push(f);
                let t = &ex.toks[i];
                left_pair_features(64 - 18, ex.at(i, s, -1), t, &mut push);
                right_pair_features(64 - 18, t, ex.at(i, s, 1), &mut push);
                ex.context_features(i, s.clone(), caps, &mut push);
                let mut got = out[k][..usize::from(counts[k])].to_vec();
                all.extend_from_slice(&got);
                expected.sort_unstable();
                got.sort_unstable();
                assert_eq!(got, expected, "token {i} ({})", words[i]);
                checked += 1;
            }
            assert_eq!(prefetched, all, "every id is prefetched");
        }
        assert_eq!(checked, words.len());
        // nothing for an empty or out-of-range sentence
        let mut out = vec![[0u32; MAX_SENTENCE_IDS]; 2];
        let mut counts = vec![0u8; 2];
        ex.sentence_ids(3..3, false, &mut out, &mut counts, |_| {});
        ex.sentence_ids(28..40, false, &mut out, &mut counts, |_| {});
        assert_eq!(counts, [0, 0]);
    }

    #[test]
    fn high_feature_ids_equal_the_full_ones() {
        let mut x = 0x1234_5678_9abc_def0u64;
        for i in 0..2000u64 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            for bits in [8u32, 14, 18, 24, 31, 32] {
                let shift = 64 - bits;
                assert_eq!(high_feature_id(shift, i % 100, x), feature_id(shift, i % 100, x), "{bits} {x}");
            }
        }
    }

    #[test]
    fn doc_case_table_equals_the_hashed_feature() {
        let ex = Extractor::new(18);
        let mut seen = std::collections::HashSet::new();
        for doc in 0..8u8 {
            for case_class in [0, F_INIT_CAP, F_ALL_CAPS, F_LOWER] {
                for first_caps in 0..4u64 {
                    let k = doc_case_index(doc, case_class, first_caps).expect("covered");
                    assert!(seen.insert(k), "one slot per combination");
                    let direct = mix(u64::from(doc), mix(u64::from(case_class), first_caps));
                    assert_eq!(ex.doc_case_ids[k], feature_id(64 - 18, 80, direct));
                }
            }
        }
        assert_eq!(doc_case_index(8, 0, 0), None, "evidence bits beyond the table are hashed");
    }

    #[test]
    fn lower_form_folds_typographic_apostrophes() {
        let mut s = String::new();
        normalise_lower("Russia\u{2019}S", &mut s);
        assert_eq!(s, "russia's");
        for (w, lower) in
            [("O`Neil", "o'neil"), ("MCDONALD'S", "mcdonald's"), ("", ""), ("Ärzte", "ärzte"), ("a1-B", "a1-b")]
        {
            normalise_lower(w, &mut s);
            assert_eq!(s, lower);
        }
    }
}
