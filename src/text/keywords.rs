//! Keyphrase extraction with YAKE (Campos et al., "YAKE! Keyword extraction
//! from single documents using multiple local features", Information
//! Sciences 509, 2020), implemented here from the paper's definitions.
//!
//! Sits in the enrich stage after tokenization and sentence splitting: the
//! stage calls [`keywords`] on the body with its tokens and sentences.
//!
//! Each non-stopword term gets five statistical features from the document
//! alone: casing (how often it is capitalised mid-sentence or an acronym),
//! position (median sentence index of its occurrences), normalised
//! frequency, relatedness to context (how many different words surround it:
//! a word seen next to many different words is likely a function word) and
//! sentence spread. They combine into a term score where lower is better.
//! Candidate phrases are runs of 1..=3 words inside a sentence, not crossing
//! punctuation, neither starting nor ending with a stopword; a phrase's score
//! is the product of its terms' scores divided by its frequency times
//! (1 + their sum); a stopword inside a phrase ("Secretary of State")
//! multiplies the product by `2 - p` and lowers the sum by `1 - p`, where `p`
//! is the probability of its two bigrams. A phrase within edit similarity
//! 0.8 of a better one is dropped. Two departures from the
//! paper, for news: in texts of five sentences or more a phrase of several
//! words must occur twice, and the words of a better-ranked phrase are not
//! listed again on their own.
//!
//! The reported score inverts and normalises YAKE's: `1 / (1 + ln(s / s_best))`,
//! so the best phrase scores 1 and the rest decrease towards 0.

use std::borrow::Cow;
use std::cell::RefCell;
use std::ops::Range;
use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

use super::tokenize::Token;
use super::vocab::{lowercase_into, DocWords};

/// The stopword list: `data/stopwords_en.txt`, one word a line.
static STOPWORDS_TXT: &str = include_str!("../../data/stopwords_en.txt");

fn stopwords() -> &'static FxHashSet<&'static str> {
    static CELL: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    CELL.get_or_init(|| STOPWORDS_TXT.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect())
}

/// Whether `word` (lowercase; curly apostrophes allowed) is an English stopword.
pub fn is_stopword(word: &str) -> bool {
    // The curly apostrophe is not ASCII: most words need no search for it.
    if !word.is_ascii() && word.contains('\u{2019}') {
        return stopwords().contains(word.replace('\u{2019}', "'").as_str());
    }
    stopwords().contains(word)
}

/// A scored keyphrase; serialises as the record's `keywords` items.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Keyword {
    /// The phrase in its most frequent written form ("Security Council").
    pub text: String,
    /// Relevance in 0..=1, higher is more relevant; the best phrase has 1.
    pub score: f32,
}

/// Longest candidate phrase, in words.
const MAX_NGRAM: usize = 3;
/// Co-occurrence window, in words, for the relatedness feature.
const WINDOW: usize = 2;
/// From this many sentences on, a phrase of several words must occur at
/// least twice: single-occurrence phrases of the lead otherwise crowd the
/// list, since YAKE's position feature favours the first sentence.
const MIN_SENTENCES_FOR_REPEATS: f32 = 5.0;
/// Phrases more similar than this to a better one are dropped.
const DEDUP_SIMILARITY: f32 = 0.8;

/// Marks a slot with no id yet.
const NONE: u32 = u32::MAX;

/// One word occurrence. Indices are `u32` (a document has fewer tokens, see
/// [`occurrences`]), so that a record takes 24 bytes: the walks over a
/// term's occurrences touch fewer cache lines.
#[derive(Clone, Copy)]
struct Occ {
    /// Index of its sentence.
    sentence: u32,
    /// Index of its chunk: a run of words without punctuation in between.
    chunk: u32,
    /// Index of its token.
    token: u32,
    /// Term id: index of its type (lowercased form, curly apostrophes
    /// straightened) in order of first occurrence.
    term: u32,
    /// Index in `occs` of the next occurrence of its term, or `NONE`: kept
    /// here, beside what the walk over the term's occurrences reads anyway.
    next: u32,
    stop: bool,
    /// Capitalised, not at the start of its sentence.
    upper: bool,
    /// All capitals, more than one letter ("UN", "NATO").
    acronym: bool,
}

/// The document's words inside its sentences, and per-term tallies made in
/// the same pass. Kept per thread from one document to the next (see
/// [`Scratch`]), so its vectors are cleared, not allocated.
#[derive(Default)]
struct Terms {
    occs: Vec<Occ>,
    /// Per term, in one record since they are read together.
    terms: Vec<Term>,
    /// Per word type of the document: its term id, or `NONE` (only while filling).
    term_of: Vec<u32>,
}

/// What is known of one term.
#[derive(Clone, Copy)]
struct Term {
    /// Index in `occs` of its first occurrence.
    first: u32,
    /// Its latest occurrence so far (only while filling).
    last: u32,
    /// Its number of occurrences.
    tf: u32,
    /// Whether it is a stopword or a single character.
    stop: bool,
}

impl Terms {
    /// The term's lowercased form.
    fn name<'a>(&self, text: &'a str, tokens: &[Token], term: u32, buf: &'a mut String) -> Cow<'a, str> {
        let token = self
            .terms
            .get(term as usize)
            .and_then(|t| self.occs.get(t.first as usize))
            .and_then(|o| tokens.get(o.token as usize));
        lowercase_into(token.and_then(|t| text.get(t.start..t.end)).unwrap_or(""), buf)
    }

    /// The term's number of occurrences (0 for no term).
    fn tf(&self, term: usize) -> u32 {
        self.terms.get(term).map_or(0, |t| t.tf)
    }

    /// The occurrences of `term`, in text order, by index.
    fn occurrences_of(&self, term: usize) -> impl Iterator<Item = usize> + '_ {
        let first = self.terms.get(term).map(|t| t.first as usize);
        std::iter::successors(first, |&at| self.occs.get(at).filter(|o| o.next != NONE).map(|o| o.next as usize))
    }

    /// How often the term `a` is directly followed by the term `b` inside a
    /// chunk, counted over the occurrences of `a`.
    fn followed_by(&self, a: usize, b: u32) -> u32 {
        self.chunk_neighbours(a, b, |at| at.checked_add(1))
    }

    /// How often the term `b` directly follows the term `a` inside a chunk,
    /// counted over the occurrences of `b`: the same number as
    /// `followed_by(a, b)`, walking the other term's occurrences.
    fn preceded_by(&self, b: usize, a: u32) -> u32 {
        self.chunk_neighbours(b, a, |at| at.checked_sub(1))
    }

    /// How many occurrences of `term` have an occurrence of `neighbour` in
    /// the same chunk at the position `beside` gives.
    fn chunk_neighbours(&self, term: usize, neighbour: u32, beside: impl Fn(usize) -> Option<usize>) -> u32 {
        let occs = &self.occs;
        let mut n = 0;
        for at in self.occurrences_of(term) {
            if let (Some(o), Some(p)) = (occs.get(at), beside(at).and_then(|i| occs.get(i))) {
                n += u32::from(p.term == neighbour && p.chunk == o.chunk);
            }
        }
        n
    }
}

/// Whether the word type `lower` (lowercased, curly apostrophes straightened)
/// can neither be a keyword alone nor start or end a phrase: a stopword or a
/// single character.
pub(crate) fn is_stop_term(lower: &str) -> bool {
    is_stopword(lower) || lower.chars().count() < 2
}

/// A candidate phrase.
struct Cand {
    tf: u32,
    /// Index of its first occurrence's first word.
    first: usize,
    len: usize,
    key: [u32; MAX_NGRAM],
}

impl Cand {
    /// Most frequent written form; ties: the first seen. Only the few listed
    /// phrases need it, so their occurrences are found again here rather
    /// than their forms tallied for every candidate.
    fn form<'t>(&self, text: &'t str, tokens: &[Token], terms: &Terms) -> &'t str {
        let key = &self.key[..self.len.clamp(1, MAX_NGRAM)];
        let mut forms: Vec<(&str, usize)> = Vec::with_capacity(4);
        // The occurrences of its first word, in text order.
        let mut at = self.first;
        while let Some(window) = terms.occs.get(at..at + key.len()) {
            let next = window.first().map_or(NONE, |o| o.next);
            if let (Some(first), Some(last)) = (window.first(), window.last()) {
                if first.chunk == last.chunk && window.iter().zip(key).all(|(o, &t)| o.term == t) {
                    let span = tokens
                        .get(first.token as usize)
                        .zip(tokens.get(last.token as usize))
                        .map(|(a, b)| a.start..b.end);
                    if let Some(form) = span.and_then(|span| text.get(span)) {
                        match forms.iter_mut().find(|(f, _)| *f == form) {
                            Some((_, n)) => *n += 1,
                            None => forms.push((form, 1)),
                        }
                    }
                }
            }
            if next == NONE {
                break;
            }
            at = next as usize;
        }
        let mut best: (&str, usize) = ("", 0);
        for &(form, n) in &forms {
            if n > best.1 {
                best = (form, n);
            }
        }
        best.0
    }

    /// YAKE's phrase score before the division by its frequency: the product
    /// of its terms' scores over one plus their sum, inner stopwords weighed
    /// by the probability of their two bigrams. It depends on the phrase's
    /// terms only, so it is computed at its first occurrence, and only for
    /// the phrases that can be listed.
    fn score(&self, terms: &Terms, term_score: &[f32]) -> f32 {
        if self.len == 1 {
            // The loop below for one word: `1 * s / (1 + (0 + s))`, the same bits.
            let s = term_score.get(self.key[0] as usize).copied().unwrap_or(f32::NAN);
            return s / (1.0 + s);
        }
        let occs = &terms.occs;
        let Some(words) = occs.get(self.first..self.first + self.len) else { return f32::NAN };
        let (mut prod, mut sum) = (1.0f32, 0.0f32);
        for (k, o) in words.iter().enumerate() {
            let t = o.term as usize;
            if !o.stop {
                let s = term_score.get(t).copied().unwrap_or(f32::NAN);
                prod *= s;
                sum += s;
            } else if let (Some(prev), Some(next)) = (k.checked_sub(1).and_then(|k| words.get(k)), words.get(k + 1)) {
                // An inner stopword costs in proportion to how rarely its
                // neighbours go with it ("Secretary of State" cheap,
                // "approved the new" dear), as in the paper. Only inner
                // words are stopwords, so both neighbours are in the phrase.
                let (a, b) = (prev.term as usize, next.term as usize);
                let tf_of = |t: usize| terms.tf(t) as f32;
                let p_prev = terms.followed_by(a, o.term) as f32 / tf_of(a);
                let p_next = terms.preceded_by(b, o.term) as f32 / tf_of(b);
                let miss = 1.0 - p_prev * p_next;
                prod *= 1.0 + miss;
                sum -= miss;
            }
        }
        prod / (1.0 + sum)
    }
}

/// Up to `max` keyphrases of `text`, most relevant first. `tokens` is
/// `tokenize(text)` and `sentences` the sentence byte ranges; tokens outside
/// every sentence are ignored. An empty text gives no keyword.
pub fn keywords(text: &str, tokens: &[Token], sentences: &[Range<usize>], max: usize) -> Vec<Keyword> {
    if max == 0 {
        return Vec::new();
    }
    keywords_with(text, tokens, &DocWords::new(text, tokens), sentences, max)
}

/// What one document's extraction fills, kept per thread from one document
/// to the next so that each document neither allocates nor first touches
/// it afresh.
#[derive(Default)]
struct Scratch {
    terms: Terms,
    scores: ScoreBuffers,
    cands: CandidateBuffers,
}

/// Past this many occurrences or candidates a document's buffers are not
/// kept for the next.
const MAX_KEPT: usize = 1 << 16;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::default();
}

/// [`keywords`] with the words already interned: `words` is
/// `DocWords::new(text, tokens)`, shared with the other statistics.
pub fn keywords_with(
    text: &str,
    tokens: &[Token],
    words: &DocWords,
    sentences: &[Range<usize>],
    max: usize,
) -> Vec<Keyword> {
    if max == 0 {
        return Vec::new();
    }
    let mut scratch = SCRATCH.take();
    let listed = extract(text, tokens, words, sentences, max, &mut scratch);
    if scratch.terms.occs.capacity() <= MAX_KEPT && scratch.cands.cands.capacity() <= MAX_KEPT {
        SCRATCH.set(scratch);
    }
    listed
}

fn extract(
    text: &str,
    tokens: &[Token],
    words: &DocWords,
    sentences: &[Range<usize>],
    max: usize,
    scratch: &mut Scratch,
) -> Vec<Keyword> {
    let Scratch { terms, scores, cands: buffers } = scratch;
    occurrences(tokens, words, sentences, terms);
    let terms = &*terms;
    let Some(last) = terms.occs.last() else { return Vec::new() };
    // Occurrences come in sentence order.
    let n_sentences = (last.sentence + 1) as f32;
    if !term_scores(terms, n_sentences, scores) {
        return Vec::new();
    }
    let term_score = &scores.term_score;
    let repeats_needed = n_sentences >= MIN_SENTENCES_FOR_REPEATS;
    candidates(terms, repeats_needed, buffers);
    let cands = &buffers.cands;
    let min_phrase_tf = if repeats_needed { 2.0 } else { 1.0 };
    // (rank key, score, candidate).
    let ranked = &mut buffers.ranked;
    ranked.clear();
    for (i, c) in cands.iter().enumerate() {
        if c.len == 1 || c.tf as f32 >= min_phrase_tf {
            let score = c.score(terms, term_score) / c.tf as f32;
            if score.is_finite() {
                ranked.push((rank_key(score, c.first, c.len), score, i));
            }
        }
    }
    // Distinct candidates never have the same key, so the unstable sort is
    // deterministic. Usually only the first few are looked at: they are put
    // in order a batch at a time, each batch twice the last, when the loop
    // below gets there.
    let mut sorted_to = 0;
    let mut batch = max.saturating_add(max / 2).saturating_add(4);

    // Chosen phrases: score, key padded with a space each side (for
    // `part_of`), its length in chars, and the written form.
    let mut chosen: Vec<(f32, String, usize, &str)> = Vec::with_capacity(max.min(ranked.len()));
    let mut buf = String::new();
    let mut padded = String::new();
    for r in 0..ranked.len() {
        if chosen.len() >= max {
            break;
        }
        if r == sorted_to {
            sorted_to = sort_next_batch(&mut ranked[r..], batch) + r;
            batch = batch.saturating_mul(2);
        }
        let (_, score, i) = ranked[r];
        let Some(c) = cands.get(i) else { continue };
        let len = c.len;
        padded.clear();
        padded.push(' ');
        for (k, &t) in c.key.iter().take(len).enumerate() {
            if k > 0 {
                padded.push(' ');
            }
            padded.push_str(&terms.name(text, tokens, t, &mut buf));
        }
        padded.push(' ');
        let key = &padded[1..padded.len() - 1];
        let key_chars = key.chars().count();
        if chosen.iter().any(|(_, k, k_chars, _)| {
            let k_key = &k[1..k.len() - 1];
            similar(k_key, *k_chars, key, key_chars) || part_of_padded(&padded, k)
        }) {
            continue;
        }
        chosen.push((score, padded.clone(), key_chars, c.form(text, tokens, terms)));
    }
    let best = chosen.first().map_or(1.0, |c| c.0).max(f32::MIN_POSITIVE);
    chosen
        .into_iter()
        .map(|(s, _, _, form)| Keyword { text: form.to_string(), score: 1.0 / (1.0 + (s.max(best) / best).ln()) })
        .collect()
}

/// What [`term_scores`] fills.
#[derive(Default)]
struct ScoreBuffers {
    /// Per term: its score (lower is better; stopwords get 0).
    term_score: Vec<f32>,
    /// Per term: the term whose left (right) neighbours were last counted
    /// with it, to count distinct neighbours without sorting.
    seen_left: Vec<u32>,
    seen_right: Vec<u32>,
    /// The distinct sentences of the term being scored.
    sentences: Vec<u32>,
}

/// Distinct neighbours and co-occurrences of one term on one side.
#[derive(Clone, Copy, Default)]
struct Neighbours {
    distinct: u32,
    total: u32,
}

impl Neighbours {
    /// Counts `n` (a neighbour's term) as a neighbour of `t`.
    fn add(&mut self, seen_with: &mut [u32], n: u32, t: u32) {
        self.total += 1;
        if let Some(last) = seen_with.get_mut(n as usize).filter(|last| **last != t) {
            *last = t;
            self.distinct += 1;
        }
    }

    /// The neighbours of a term's only occurrence among the first `WINDOW`
    /// of `window` (its side): non-stopwords of its `sentence`.
    fn in_window(window: &[Occ], sentence: u32) -> Self {
        let mut seen = [NONE; WINDOW];
        let mut n = Neighbours::default();
        for p in window.iter().take(WINDOW).filter(|p| p.sentence == sentence && !p.stop) {
            let k = n.total as usize;
            n.distinct += u32::from(!seen.get(..k).is_some_and(|s| s.contains(&p.term)));
            if let Some(slot) = seen.get_mut(k) {
                *slot = p.term;
            }
            n.total += 1;
        }
        n
    }

    /// Distinct neighbours over total co-occurrences: near 1 when every
    /// neighbour is different (a term that goes with anything), lower when
    /// it keeps the same company.
    fn dispersion(self) -> f32 {
        if self.total == 0 {
            return 0.0;
        }
        self.distinct as f32 / self.total as f32
    }
}

/// Each term's score into `buffers.term_score`; false without any
/// non-stopword. Each non-stopword term's occurrences are walked once, in
/// text order, for its sentences and its neighbours; stopwords are not
/// scored, since the phrase score reads no stopword's score.
#[inline(never)]
fn term_scores(terms: &Terms, n_sentences: f32, buffers: &mut ScoreBuffers) -> bool {
    let occs = &terms.occs;
    let n_terms = terms.terms.len();

    // Frequency normalisation over non-stopword terms, summed in term order
    // (from 0.0 where `Iterator::sum` starts from -0.0: the same sums, since
    // there is at least one term and every term adds at least +0.0).
    let content = || terms.terms.iter().filter(|t| !t.stop).map(|t| t.tf as f32);
    let (mut n_content, mut total, mut max_tf) = (0usize, 0.0f32, 1.0f32);
    for tf in content() {
        n_content += 1;
        total += tf;
        max_tf = max_tf.max(tf);
    }
    if n_content == 0 {
        return false;
    }
    let mean = total / n_content as f32;
    let sd = (content().map(|tf| (tf - mean).powi(2)).fold(0.0f32, |a, b| a + b) / n_content as f32).sqrt();

    let tables = ln_tables();
    let ScoreBuffers { term_score, seen_left, seen_right, sentences } = buffers;
    term_score.clear();
    term_score.resize(n_terms, 0.0);
    seen_left.clear();
    seen_left.resize(n_terms, NONE);
    seen_right.clear();
    seen_right.resize(n_terms, NONE);
    for ((t, score), info) in term_score.iter_mut().enumerate().zip(&terms.terms) {
        if info.stop {
            continue;
        }
        let term = t as u32;
        let (mut upper, mut acronym) = (0u32, 0u32);
        let (mut left, mut right) = (Neighbours::default(), Neighbours::default());
        let (position, n_term_sentences);
        match occs.get(info.first as usize).filter(|_| info.tf == 1) {
            // Most terms occur once: one sentence, and neighbours told apart
            // within the window alone, without marking them per term.
            Some(o) => {
                let i = info.first as usize;
                upper = u32::from(o.upper);
                acronym = u32::from(o.acronym);
                left = Neighbours::in_window(occs.get(i.saturating_sub(WINDOW)..i).unwrap_or(&[]), o.sentence);
                right = Neighbours::in_window(occs.get(i + 1..).unwrap_or(&[]), o.sentence);
                position = tables.position(std::slice::from_ref(&o.sentence));
                n_term_sentences = 1;
            }
            None => {
                sentences.clear();
                for i in terms.occurrences_of(t) {
                    let Some(o) = occs.get(i) else { break };
                    upper += u32::from(o.upper);
                    acronym += u32::from(o.acronym);
                    if sentences.last() != Some(&o.sentence) {
                        sentences.push(o.sentence);
                    }
                    // Co-occurrence with non-stopwords within the window, same sentence.
                    for p in occs.get(i.saturating_sub(WINDOW)..i).unwrap_or(&[]) {
                        if p.sentence == o.sentence && !p.stop {
                            left.add(seen_left, p.term, term);
                        }
                    }
                    for p in occs.get(i + 1..).unwrap_or(&[]).iter().take(WINDOW) {
                        if p.sentence == o.sentence && !p.stop {
                            right.add(seen_right, p.term, term);
                        }
                    }
                }
                position = tables.position(sentences);
                n_term_sentences = sentences.len();
            }
        }
        let tf_t = info.tf;
        let tf = tf_t as f32;
        let case = (upper as f32).max(acronym as f32) / (1.0 + tables.ln_count(tf_t));
        let freq = tf / (mean + sd).max(f32::EPSILON);
        let rel = 1.0 + (left.dispersion() + right.dispersion()) * tf / max_tf;
        let different = n_term_sentences as f32 / n_sentences;
        *score = (rel * position) / (case + freq / rel + different / rel);
    }
    true
}

/// What [`candidates`] fills.
#[derive(Default)]
struct CandidateBuffers {
    /// The candidates.
    cands: Vec<Cand>,
    /// Per term: its single-word candidate, or `NONE`.
    single: Vec<u32>,
    /// Phrases of several words, by their terms packed in one integer
    /// (`NONE` for a missing third word): their candidate.
    longer: FxHashMap<u128, u32>,
    /// The listable candidates in rank order (see `extract`).
    ranked: Vec<(u128, f32, usize)>,
}

/// Puts the `batch` smallest of `ranked` (by key) first, in order; returns
/// how many that is.
fn sort_next_batch(ranked: &mut [(u128, f32, usize)], batch: usize) -> usize {
    let by_rank = |r: &(u128, f32, usize)| r.0;
    let n = ranked.len().min(batch.max(1));
    if n < ranked.len() {
        ranked.select_nth_unstable_by_key(n, by_rank);
    }
    if let Some(first) = ranked.get_mut(..n) {
        first.sort_unstable_by_key(by_rank);
    }
    n
}

/// The order of listable candidates as one integer: by score (lower is
/// better, in the order of `f32::total_cmp`), then by first occurrence,
/// then by length. A candidate is the only one with its first word and
/// length, so keys are distinct.
fn rank_key(score: f32, first: usize, len: usize) -> u128 {
    let bits = score.to_bits();
    // Negative scores in reverse, below the positive ones, as `total_cmp` has them.
    let ordered = if bits >> 31 == 1 { !bits } else { bits | 1 << 31 };
    (u128::from(ordered) << 96) | ((first as u128) << 32) | len as u128
}

/// The terms of a phrase of several words as one map key.
fn phrase_key(key: &[u32; MAX_NGRAM]) -> u128 {
    key.iter().fold(0u128, |acc, &t| (acc << 32) | u128::from(t))
}

/// The candidate phrases in order of first occurrence, with their counts,
/// into `buffers.cands`; unscored, since most are never listed. With
/// `repeats_needed`, phrases of several words that occur once are left out,
/// since they cannot be listed.
#[inline(never)]
fn candidates(terms: &Terms, repeats_needed: bool, buffers: &mut CandidateBuffers) {
    let occs = &terms.occs;
    let n_terms = terms.terms.len();
    let CandidateBuffers { cands, single, longer, .. } = buffers;
    // Candidate phrases, keyed by their term ids (no strings until ranked):
    // single words by term, longer phrases through a map.
    cands.clear();
    cands.reserve(2 * occs.len());
    single.clear();
    single.resize(n_terms, NONE);
    reset(longer, occs.len());
    // A phrase with a word that occurs once occurs once too: most phrases,
    // which then need no map probe.
    let once = |term: u32| terms.tf(term as usize) == 1;
    for (start, o) in occs.iter().enumerate() {
        if o.stop {
            continue;
        }
        let next = cands.len() as u32;
        let mut unique = once(o.term);
        if unique {
            cands.push(Cand { tf: 1, first: start, len: 1, key: [o.term, NONE, NONE] });
        } else if let Some(slot) = single.get_mut(o.term as usize) {
            match cands.get_mut(*slot as usize) {
                Some(c) => c.tf += 1,
                None => {
                    *slot = next;
                    cands.push(Cand { tf: 1, first: start, len: 1, key: [o.term, NONE, NONE] });
                }
            }
        }
        let mut key = [o.term, NONE, NONE];
        for len in 2..=MAX_NGRAM {
            let Some(last) = occs.get(start + len - 1).filter(|p| p.chunk == o.chunk) else { break };
            key[len - 1] = last.term;
            unique |= once(last.term);
            if last.stop {
                continue;
            }
            if unique {
                if !repeats_needed {
                    cands.push(Cand { tf: 1, first: start, len, key });
                }
                continue;
            }
            let next = cands.len() as u32;
            let existing = *longer.entry(phrase_key(&key)).or_insert(next);
            match cands.get_mut(existing as usize).filter(|_| existing != next) {
                Some(c) => c.tf += 1,
                None => cands.push(Cand { tf: 1, first: start, len, key }),
            }
        }
    }
}

/// Empties `map` for about `needed` entries. A map kept from a much longer
/// document is replaced: its probes would spread over a table many times
/// the size this document needs, missing the cache.
fn reset<K: std::hash::Hash + Eq, V>(map: &mut FxHashMap<K, V>, needed: usize) {
    if map.capacity() > 2 * needed + 64 {
        *map = FxHashMap::with_capacity_and_hasher(needed, Default::default());
    } else {
        map.clear();
        map.reserve(needed);
    }
}

/// Word occurrences inside the sentences, with chunk boundaries at
/// punctuation, symbols and sentence ends, into `terms`. A document of
/// `u32::MAX` tokens or sentences or more (over 4 GB of text) gives none,
/// so that every index fits the `u32` fields.
#[inline(never)]
fn occurrences(tokens: &[Token], words: &DocWords, sentences: &[Range<usize>], terms: &mut Terms) {
    // Filled as locals, which the compiler keeps apart from the stores into
    // them (through `terms` it reloads every vector at each word).
    let Terms { mut occs, terms: mut per_term, mut term_of } = std::mem::take(terms);
    occs.clear();
    per_term.clear();
    term_of.clear();
    // Chunks are at most one per token and sentence, plus one.
    if tokens.len().saturating_add(sentences.len()) >= NONE as usize {
        *terms = Terms { occs, terms: per_term, term_of };
        return;
    }
    occs.reserve(tokens.len());
    // At most one term per word type.
    let n_types = words.types();
    per_term.reserve(n_types);
    term_of.resize(n_types, NONE);
    let mut chunk = 0u32;
    let mut ti = 0usize;
    for (si, sent) in sentences.iter().enumerate() {
        while ti < tokens.len() && tokens[ti].start < sent.start {
            ti += 1;
        }
        let mut first = true;
        chunk += 1;
        while ti < tokens.len() && tokens[ti].end <= sent.end {
            let index = ti;
            ti += 1;
            let shape = words.shape(index).get();
            let slot = words.type_of(index).and_then(|ty| Some((ty, term_of.get_mut(ty)?)));
            let (Some((first_upper, acronym)), Some((ty, slot))) = (shape, slot) else {
                // Numbers, punctuation and symbols end a phrase.
                chunk += 1;
                first = false;
                continue;
            };
            let at = occs.len() as u32;
            if *slot == NONE {
                *slot = per_term.len() as u32;
                let stop = words.info(ty).is_some_and(|i| i.stop);
                per_term.push(Term { first: at, last: NONE, tf: 0, stop });
            }
            let term = *slot;
            let mut stop = true;
            if let Some(t) = per_term.get_mut(term as usize) {
                if let Some(prev) = occs.get_mut(t.last as usize) {
                    prev.next = at;
                }
                t.last = at;
                t.tf += 1;
                stop = t.stop;
            }
            let upper = !first && first_upper && !acronym;
            occs.push(Occ { sentence: si as u32, chunk, token: index as u32, term, next: NONE, stop, upper, acronym });
            first = false;
        }
    }
    *terms = Terms { occs, terms: per_term, term_of };
}

/// Counts and twice the median sentence index below these are looked up.
const LN_TABLE: usize = 256;
const POSITION_TABLE: usize = 1024;

/// `ln` of small counts and the position feature of small medians, worked
/// out once: `logf` was a visible share of the run. The same calls on the
/// same inputs, so the same bits.
struct LnTables {
    /// `ln(n)` at `n`.
    ln: [f32; LN_TABLE],
    /// `ln(ln(3 + k / 2))` at `k`.
    position: [f32; POSITION_TABLE],
}

fn ln_tables() -> &'static LnTables {
    static CELL: OnceLock<LnTables> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut tables = LnTables { ln: [0.0; LN_TABLE], position: [0.0; POSITION_TABLE] };
        for (n, v) in tables.ln.iter_mut().enumerate() {
            *v = (n as f32).ln();
        }
        for (k, v) in tables.position.iter_mut().enumerate() {
            *v = (3.0 + k as f32 / 2.0).ln().ln();
        }
        tables
    })
}

/// `(n as f32).ln()`.
#[cfg(test)]
fn ln_count(n: u32) -> f32 {
    ln_tables().ln_count(n)
}

/// The position feature of a term: `ln(ln(3 + median))` of its sorted
/// sentence indices.
#[cfg(test)]
fn position(sorted: &[usize]) -> f32 {
    let sorted: Vec<u32> = sorted.iter().map(|&s| u32::try_from(s).unwrap_or(u32::MAX)).collect();
    ln_tables().position(&sorted)
}

impl LnTables {
    /// `(n as f32).ln()`.
    fn ln_count(&self, n: u32) -> f32 {
        self.ln.get(n as usize).copied().unwrap_or_else(|| (n as f32).ln())
    }

    /// The position feature of a term: `ln(ln(3 + median))` of its sorted
    /// sentence indices.
    fn position(&self, sorted: &[u32]) -> f32 {
        // Twice the median is an integer: the table's index. Halving it as
        // a float gives the median's bits (scaling by two is exact).
        let at = |i: usize| sorted.get(i).map_or(0, |&s| u64::from(s));
        let twice = match sorted.len() {
            0 => 0,
            n if n % 2 == 1 => 2 * at(n / 2),
            n => at(n / 2 - 1) + at(n / 2),
        };
        match usize::try_from(twice).ok().and_then(|k| self.position.get(k)) {
            Some(&v) => v,
            None => (3.0 + twice as f32 / 2.0).ln().ln(),
        }
    }
}

/// The median of sorted sentence indices, as the reference computes it.
#[cfg(test)]
fn median(sorted: &[usize]) -> f32 {
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2] as f32,
        n => (sorted[n / 2 - 1] + sorted[n / 2]) as f32 / 2.0,
    }
}

/// Distinct neighbours over total co-occurrences: near 1 when every
/// neighbour is different (a term that goes with anything), lower when it
/// keeps the same company. The reference for [`dispersions`].
#[cfg(test)]
fn dispersion(neigh: &mut Vec<usize>) -> f32 {
    let total = neigh.len();
    if total == 0 {
        return 0.0;
    }
    neigh.sort_unstable();
    neigh.dedup();
    neigh.len() as f32 / total as f32
}

/// `similarity(a, b) > DEDUP_SIMILARITY`, given the lengths in chars; skips
/// the edit distance when the length difference alone rules it out (the
/// distance is at least that difference).
fn similar(a: &str, a_chars: usize, b: &str, b_chars: usize) -> bool {
    let longest = a_chars.max(b_chars);
    if longest > 0 && 1.0 - a_chars.abs_diff(b_chars) as f32 / longest as f32 <= DEDUP_SIMILARITY {
        return false;
    }
    similarity_or_below(a, b, DEDUP_SIMILARITY) > DEDUP_SIMILARITY
}

/// Whether `short` is a word-aligned part of `long` ("stone" of "stone
/// pier"): a better-ranked phrase stands for its parts. Both are padded with
/// a space each side, so that one substring test covers every position.
fn part_of_padded(short: &str, long: &str) -> bool {
    let (short, long) = (short.as_bytes(), long.as_bytes());
    if short.len() >= long.len() {
        return short == long;
    }
    // A match starts where the first byte of `short` (a space) is in
    // `long`: at its few word boundaries, where a general substring search
    // would first set itself up.
    let Some(&lead) = short.first() else { return true };
    long.iter()
        .enumerate()
        .take(long.len() - short.len() + 1)
        .any(|(at, &b)| b == lead && long.get(at..at + short.len()) == Some(short))
}

/// Edit similarity `1 - levenshtein / max_len` over chars.
#[cfg(test)]
fn similarity(a: &str, b: &str) -> f32 {
    similarity_or_below(a, b, f32::NEG_INFINITY)
}

/// [`similarity`] where it is above `floor`; otherwise some value at most
/// `floor`, given up on as soon as that is certain: most compared phrases
/// differ early.
fn similarity_or_below(a: &str, b: &str, floor: f32) -> f32 {
    // Keyphrases are short: their chars and the distance rows fit on the
    // stack, and ASCII ones are compared byte by byte.
    const STACK: usize = 48;
    if a.len() <= STACK && b.len() <= STACK && a.is_ascii() && b.is_ascii() {
        let (mut prev, mut cur) = ([0usize; STACK + 1], [0usize; STACK + 1]);
        return levenshtein_similarity(a.as_bytes(), b.as_bytes(), &mut prev, &mut cur, floor);
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (mut prev, mut cur) = (vec![0usize; b.len() + 1], vec![0usize; b.len() + 1]);
    levenshtein_similarity(&a, &b, &mut prev, &mut cur, floor)
}

/// [`similarity_or_below`] over two sequences, with two rows of at least
/// `b.len() + 1` cells.
fn levenshtein_similarity<T: PartialEq>(a: &[T], b: &[T], prev: &mut [usize], cur: &mut [usize], floor: f32) -> f32 {
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    let (Some(prev), Some(cur)) = (prev.get_mut(..=b.len()), cur.get_mut(..=b.len())) else { return 0.0 };
    for (j, p) in prev.iter_mut().enumerate() {
        *p = j;
    }
    let (mut prev, mut cur) = (prev, cur);
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        // No row's minimum is below the one before, so the distance is at
        // least this one's, and the similarity at most what it gives.
        let at_most = 1.0 - row_min as f32 / longest as f32;
        if at_most <= floor {
            return at_most;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    1.0 - prev[b.len()] as f32 / longest as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::sentences::split_sentences;
    use std::collections::HashSet;

    fn part_of(short: &str, long: &str) -> bool {
        part_of_padded(&format!(" {short} "), &format!(" {long} "))
    }
    use crate::text::tokenize::tokenize;

    const STORY: &str = "The harbour council approved the new stone pier on Tuesday. \
        Fishermen said the stone pier would make landing their catch safer. \
        The harbour council had delayed the decision twice because of the cost.\n\n\
        Critics of the stone pier said the money should repair the school roof. \
        The mayor said the harbour council would review the school roof in spring. \
        Work on the stone pier starts in October.";

    fn run(text: &str, max: usize) -> Vec<Keyword> {
        let tokens = tokenize(text);
        let sentences = split_sentences(text, &tokens);
        keywords(text, &tokens, &sentences, max)
    }

    /// The tokens of `text` and its terms as [`occurrences`] collects them.
    fn terms_of(text: &str) -> (Vec<Token>, Terms) {
        let tokens = tokenize(text);
        let sentences = split_sentences(text, &tokens);
        let mut terms = Terms::default();
        occurrences(&tokens, &DocWords::new(text, &tokens), &sentences, &mut terms);
        (tokens, terms)
    }

    #[test]
    fn repeated_topical_phrases_rank_first() {
        // YAKE favours the lead sentence and capitalised words ("Tuesday"),
        // but phrases repeated across the text must surface.
        let kw = run(STORY, 8);
        let texts: Vec<&str> = kw.iter().map(|k| k.text.as_str()).collect();
        assert_eq!(kw.len(), 8);
        assert!(texts[..5].contains(&"stone pier"), "{texts:?}");
        assert!(texts[..5].contains(&"harbour council"), "{texts:?}");
        assert!(texts.contains(&"school roof"), "{texts:?}");
        assert!(!texts.contains(&"stone"), "sub-phrase of a better phrase: {texts:?}");
    }

    #[test]
    fn scores_are_normalised_and_decreasing() {
        let kw = run(STORY, 10);
        assert_eq!(kw[0].score, 1.0);
        assert!(kw.windows(2).all(|w| w[0].score >= w[1].score));
        assert!(kw.iter().all(|k| k.score > 0.0 && k.score <= 1.0));
    }

    #[test]
    fn phrases_neither_start_nor_end_with_stopwords_nor_cross_punctuation() {
        for k in run(STORY, 30) {
            let words: Vec<&str> = k.text.split(' ').collect();
            assert!(!is_stopword(&words[0].to_lowercase()), "{}", k.text);
            assert!(!is_stopword(&words[words.len() - 1].to_lowercase()), "{}", k.text);
            assert!(!k.text.contains('.') && !k.text.contains('\n'), "{}", k.text);
            assert!(words.len() <= MAX_NGRAM);
        }
    }

    #[test]
    fn near_duplicates_are_merged() {
        let text = format!("{STORY} Other towns built stone piers long ago.");
        let kw = run(&text, 30);
        let lower: Vec<String> = kw.iter().map(|k| k.text.to_lowercase()).collect();
        assert!(lower.contains(&"stone pier".to_string()), "{lower:?}");
        let unique: HashSet<&String> = lower.iter().collect();
        assert_eq!(unique.len(), lower.len());
        assert!(!(lower.contains(&"stone pier".to_string()) && lower.contains(&"stone piers".to_string())));
    }

    #[test]
    fn empty_and_stopword_only_texts_give_nothing() {
        assert!(run("", 5).is_empty());
        assert!(run("It is what it is, and so it was.", 5).is_empty());
        assert!(run(STORY, 0).is_empty());
        assert!(keywords(STORY, &tokenize(STORY), &[], 5).is_empty());
    }

    #[test]
    fn words_are_interned_by_lowercase_form_ascii_or_not() {
        let text = "The UN met in Zürich. Pier and PIER and pier, ZÜRICH and zürich. Don\u{2019}t DON'T.";
        let (tokens, terms) = terms_of(text);
        let mut buf = String::new();
        let names: Vec<String> =
            (0..terms.terms.len()).map(|t| terms.name(text, &tokens, t as u32, &mut buf).into_owned()).collect();
        let id = |w: &str| names.iter().position(|n| n == w).unwrap() as u32;
        let of = |w: &str| terms.occs.iter().filter(|o| o.term == id(w)).collect::<Vec<_>>();
        assert_eq!(of("pier").len(), 3);
        assert_eq!(of("zürich").len(), 3);
        assert_eq!(of("n't").len(), 2, "curly and straight apostrophes, any case");
        assert!(of("n't").iter().all(|o| o.stop));
        let flags = |w: &str| of(w).iter().map(|o| (o.upper, o.acronym)).collect::<Vec<_>>();
        assert_eq!(flags("un"), [(false, true)]);
        assert_eq!(flags("pier"), [(false, false), (false, true), (false, false)], "first word of its sentence");
        assert_eq!(flags("zürich"), [(true, false), (false, true), (false, false)]);
        for (t, name) in names.iter().enumerate() {
            assert_eq!(names.iter().position(|n| n == name), Some(t), "one term per form");
            assert_eq!(*name, name.to_lowercase());
            let first = terms.terms[t].first as usize;
            assert_eq!(terms.occs[first].term as usize, t);
            assert!(terms.occs[..first].iter().all(|o| o.term as usize != t), "first occurrence");
            assert_eq!(terms.terms[t].stop, is_stopword(name) || name.chars().count() < 2);
        }
    }

    #[test]
    fn single_occurrence_neighbours_match_the_marked_count() {
        let occ = |term: u32, sentence: u32, stop: bool| Occ {
            sentence,
            chunk: 0,
            token: 0,
            term,
            next: NONE,
            stop,
            upper: false,
            acronym: false,
        };
        let windows: Vec<Vec<Occ>> = vec![
            vec![],
            vec![occ(1, 0, false)],
            vec![occ(1, 0, false), occ(1, 0, false)],
            vec![occ(1, 0, false), occ(2, 0, false)],
            vec![occ(1, 0, true), occ(2, 0, false)],
            vec![occ(1, 1, false), occ(1, 0, false)],
            vec![occ(3, 0, false), occ(2, 0, false), occ(3, 0, false)],
            vec![occ(0, 0, false), occ(0, 0, false), occ(4, 0, false)],
        ];
        for (t, window) in windows.iter().enumerate() {
            let mut seen_with = vec![NONE; 5];
            let mut marked = Neighbours::default();
            for p in window.iter().take(WINDOW).filter(|p| p.sentence == 0 && !p.stop) {
                marked.add(&mut seen_with, p.term, 100 + t as u32);
            }
            let counted = Neighbours::in_window(window, 0);
            assert_eq!((counted.distinct, counted.total), (marked.distinct, marked.total), "{t}");
        }
    }

    #[test]
    fn phrases_left_out_are_the_unlistable_ones() {
        let long = format!("{STORY} {STORY} Other towns built stone piers long ago. Zürich, Zürich and ZÜRICH.");
        for text in [STORY, long.as_str(), "", "Pier."] {
            let (_, terms) = terms_of(text);
            let listed = |repeats_needed: bool| {
                let mut buffers = CandidateBuffers::default();
                candidates(&terms, repeats_needed, &mut buffers);
                buffers.cands.iter().map(|c| (c.first, c.len, c.key, c.tf)).collect::<Vec<_>>()
            };
            let all = listed(false);
            let expected: Vec<_> = all.iter().copied().filter(|&(_, len, _, tf)| len == 1 || tf >= 2).collect();
            assert_eq!(listed(true), expected, "{text:?}");
            let counted = |first: usize, len: usize| {
                let key: Vec<u32> = terms.occs[first..first + len].iter().map(|o| o.term).collect();
                terms
                    .occs
                    .windows(len)
                    .filter(|w| w[0].chunk == w[len - 1].chunk && w.iter().map(|o| o.term).eq(key.iter().copied()))
                    .count() as u32
            };
            for &(first, len, _, tf) in &all {
                assert_eq!(tf, counted(first, len), "{text:?} {first} {len}");
            }
        }
    }

    #[test]
    fn counted_dispersions_match_sorted_lists() {
        let lists: Vec<Vec<u32>> = vec![vec![], vec![3, 1, 3, 3], vec![0], vec![2, 2], vec![4, 0, 1, 2]];
        let mut seen_with = vec![NONE; lists.len()];
        for (t, list) in lists.iter().enumerate() {
            let mut counted = Neighbours::default();
            for &n in list {
                counted.add(&mut seen_with, n, t as u32);
            }
            let mut sorted: Vec<usize> = list.iter().map(|&n| n as usize).collect();
            assert_eq!(counted.dispersion(), dispersion(&mut sorted), "{t}");
        }
    }

    #[test]
    fn bigram_counts_agree_both_ways() {
        let text = "Secretary of State met the Secretary of Defence. Of State of mind, state of the art of state.";
        let (_, terms) = terms_of(text);
        let n_terms = terms.terms.len();
        for a in 0..n_terms {
            for b in 0..n_terms {
                let expected = terms
                    .occs
                    .windows(2)
                    .filter(|w| w[0].term as usize == a && w[1].term as usize == b && w[0].chunk == w[1].chunk)
                    .count() as u32;
                assert_eq!(terms.followed_by(a, b as u32), expected, "{a} {b}");
                assert_eq!(terms.preceded_by(b, a as u32), expected, "{a} {b}");
            }
        }
        let tf: Vec<usize> = (0..n_terms).map(|t| terms.occurrences_of(t).count()).collect();
        assert_eq!(tf, terms.terms.iter().map(|t| t.tf as usize).collect::<Vec<_>>());
    }

    #[test]
    fn buffers_kept_from_a_longer_document_change_nothing() {
        let long = format!("{STORY} {STORY} Other towns built stone piers long ago.");
        for text in [STORY, long.as_str(), "", "Pier.", STORY] {
            let fresh = {
                let tokens = tokenize(text);
                let sentences = split_sentences(text, &tokens);
                let words = DocWords::new(text, &tokens);
                extract(text, &tokens, &words, &sentences, 10, &mut Scratch::default())
            };
            assert_eq!(run(text, 10), fresh, "{text:?}");
        }
    }

    #[test]
    fn shared_words_give_the_same_keywords() {
        for text in [STORY, "", "The UN met in Zürich. Pier and PIER and pier, ZÜRICH and zürich. Don\u{2019}t DON'T."]
        {
            let tokens = tokenize(text);
            let sentences = split_sentences(text, &tokens);
            let words = DocWords::new(text, &tokens);
            assert_eq!(keywords_with(text, &tokens, &words, &sentences, 10), keywords(text, &tokens, &sentences, 10));
        }
    }

    /// The implementation before words were interned and terms kept in flat
    /// arrays: the output must not change.
    mod reference {
        use std::borrow::Cow;
        use std::ops::Range;

        use rustc_hash::FxHashMap;

        use super::super::{
            dispersion, is_stopword, median, part_of_padded, similar, Keyword, MAX_NGRAM, MIN_SENTENCES_FOR_REPEATS,
            WINDOW,
        };
        use crate::text::tokenize::{Token, TokenKind};

        /// One word occurrence.
        struct Occ {
            /// Term id: index of its lowercased form (curly apostrophes
            /// straightened) in order of first occurrence.
            term: usize,
            /// Index of its sentence.
            sentence: usize,
            /// Index of its chunk: a run of words without punctuation in between.
            chunk: usize,
            stop: bool,
            /// Capitalised, not at the start of its sentence.
            upper: bool,
            /// All capitals, more than one letter ("UN", "NATO").
            acronym: bool,
            /// Byte span of the word.
            span: Range<usize>,
        }

        /// Per-term statistics.
        #[derive(Default)]
        struct Stats {
            tf: f32,
            upper: f32,
            acronym: f32,
            sentences: Vec<usize>,
            /// Neighbour term ids, one per co-occurrence.
            left: Vec<usize>,
            right: Vec<usize>,
        }

        /// The document's words, each lowercased once.
        struct Terms<'t> {
            /// Term id by lowercased form.
            ids: FxHashMap<Cow<'t, str>, usize>,
            /// Lowercased form by term id.
            names: Vec<Cow<'t, str>>,
            /// Whether the term is a stopword or a single character.
            stop: Vec<bool>,
        }

        impl<'t> Terms<'t> {
            fn id(&mut self, key: Cow<'t, str>) -> usize {
                if let Some(&id) = self.ids.get(key.as_ref()) {
                    return id;
                }
                let id = self.names.len();
                self.stop.push(is_stopword(&key) || key.chars().count() < 2);
                self.names.push(key.clone());
                self.ids.insert(key, id);
                id
            }
        }

        /// The former implementation, kept as the reference: up to `max` keyphrases of `text`. `tokens` is
        /// `tokenize(text)` and `sentences` the sentence byte ranges; tokens outside
        /// every sentence are ignored. An empty text gives no keyword.
        pub(super) fn keywords(text: &str, tokens: &[Token], sentences: &[Range<usize>], max: usize) -> Vec<Keyword> {
            if max == 0 {
                return Vec::new();
            }
            let (occs, terms) = occurrences(text, tokens, sentences);
            if occs.is_empty() {
                return Vec::new();
            }
            let n_sentences = occs.iter().map(|o| o.sentence).max().map_or(1, |m| m + 1) as f32;

            // Term statistics.
            let term: Vec<usize> = occs.iter().map(|o| o.term).collect();
            let mut stats: Vec<Stats> = (0..terms.names.len()).map(|_| Stats::default()).collect();
            // Adjacent pairs inside a chunk, stopwords included, for the phrase
            // bigram probabilities.
            let mut bigrams: FxHashMap<(usize, usize), f32> = FxHashMap::default();
            for i in 1..occs.len() {
                if occs[i].chunk == occs[i - 1].chunk {
                    *bigrams.entry((term[i - 1], term[i])).or_default() += 1.0;
                }
            }
            for (i, o) in occs.iter().enumerate() {
                let s = &mut stats[term[i]];
                s.tf += 1.0;
                s.upper += f32::from(u8::from(o.upper));
                s.acronym += f32::from(u8::from(o.acronym));
                if s.sentences.last() != Some(&o.sentence) {
                    s.sentences.push(o.sentence);
                }
                if o.stop {
                    continue;
                }
                // Co-occurrence with non-stopwords within the window, same sentence.
                for j in i.saturating_sub(WINDOW)..i {
                    if occs[j].sentence == o.sentence && !occs[j].stop {
                        stats[term[i]].left.push(term[j]);
                        stats[term[j]].right.push(term[i]);
                    }
                }
            }

            // Frequency normalisation over non-stopword terms.
            let content: Vec<f32> =
                stats.iter().zip(&terms.stop).filter(|(_, stop)| !**stop).map(|(s, _)| s.tf).collect();
            if content.is_empty() {
                return Vec::new();
            }
            let mean = content.iter().sum::<f32>() / content.len() as f32;
            let sd = (content.iter().map(|tf| (tf - mean).powi(2)).sum::<f32>() / content.len() as f32).sqrt();
            let max_tf = content.iter().copied().fold(1.0f32, f32::max);

            let term_score: Vec<f32> = stats
                .iter_mut()
                .map(|s| {
                    let case = s.upper.max(s.acronym) / (1.0 + s.tf.ln());
                    // Occurrences come in sentence order, so `sentences` is sorted.
                    let median = median(&s.sentences);
                    let position = (3.0 + median).ln().ln();
                    let freq = s.tf / (mean + sd).max(f32::EPSILON);
                    let dl = dispersion(&mut s.left);
                    let dr = dispersion(&mut s.right);
                    let rel = 1.0 + (dl + dr) * s.tf / max_tf;
                    let different = s.sentences.len() as f32 / n_sentences;
                    (rel * position) / (case + freq / rel + different / rel)
                })
                .collect();

            // Candidate phrases, keyed by their term ids (no strings until ranked).
            struct Cand<'t> {
                tf: f32,
                score: f32,
                /// The first written form and its count; most phrases have only one,
                /// so the others need no allocation.
                form: (&'t str, usize),
                other_forms: Vec<(&'t str, usize)>,
                first: usize,
                len: usize,
            }
            let mut cands: FxHashMap<[usize; MAX_NGRAM], Cand> = FxHashMap::default();
            for start in 0..occs.len() {
                if occs[start].stop {
                    continue;
                }
                for len in 1..=MAX_NGRAM {
                    let end = start + len;
                    if end > occs.len() || occs[end - 1].chunk != occs[start].chunk {
                        break;
                    }
                    if occs[end - 1].stop {
                        continue;
                    }
                    let mut key = [usize::MAX; MAX_NGRAM];
                    key[..len].copy_from_slice(&term[start..end]);
                    let form = text.get(occs[start].span.start..occs[end - 1].span.end).unwrap_or("");
                    if let Some(c) = cands.get_mut(&key) {
                        c.tf += 1.0;
                        if c.form.0 == form {
                            c.form.1 += 1;
                        } else {
                            match c.other_forms.iter_mut().find(|(f, _)| *f == form) {
                                Some((_, n)) => *n += 1,
                                None => c.other_forms.push((form, 1)),
                            }
                        }
                        continue;
                    }
                    // The score depends on the phrase's terms only, so it is computed
                    // at its first occurrence.
                    let (mut prod, mut sum) = (1.0f32, 0.0f32);
                    for i in start..end {
                        if !occs[i].stop {
                            prod *= term_score[term[i]];
                            sum += term_score[term[i]];
                        } else {
                            // An inner stopword costs in proportion to how rarely its
                            // neighbours go with it ("Secretary of State" cheap,
                            // "approved the new" dear), as in the paper.
                            let (a, w, b) = (term[i - 1], term[i], term[i + 1]);
                            let p_prev = bigrams.get(&(a, w)).copied().unwrap_or(0.0) / stats[a].tf;
                            let p_next = bigrams.get(&(w, b)).copied().unwrap_or(0.0) / stats[b].tf;
                            let miss = 1.0 - p_prev * p_next;
                            prod *= 1.0 + miss;
                            sum -= miss;
                        }
                    }
                    let score = prod / (1.0 + sum);
                    cands.insert(
                        key,
                        Cand { tf: 1.0, score, form: (form, 1), other_forms: Vec::new(), first: start, len },
                    );
                }
            }
            let min_phrase_tf = if n_sentences >= MIN_SENTENCES_FOR_REPEATS { 2.0 } else { 1.0 };
            let mut ranked: Vec<(f32, usize, [usize; MAX_NGRAM], &str)> = cands
                .into_iter()
                .filter(|(_, c)| c.len == 1 || c.tf >= min_phrase_tf)
                .map(|(key, c)| {
                    // Most frequent written form; ties: the first seen.
                    let (mut form, mut best) = c.form;
                    for (f, n) in &c.other_forms {
                        if *n > best {
                            (form, best) = (f, *n);
                        }
                    }
                    (c.score / c.tf, c.first, key, form)
                })
                .filter(|(s, ..)| s.is_finite())
                .collect();
            ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let names = &terms.names;
            let key_text = |key: &[usize; MAX_NGRAM]| -> String {
                key.iter().filter_map(|t| names.get(*t).map(|n| n.as_ref())).collect::<Vec<_>>().join(" ")
            };

            // Chosen phrases: score, key padded with a space each side (for
            // `part_of`), its length in chars, and the written form.
            let mut chosen: Vec<(f32, String, usize, &str)> = Vec::new();
            for (score, _, key, form) in ranked {
                if chosen.len() >= max {
                    break;
                }
                let padded = format!(" {} ", key_text(&key));
                let key = &padded[1..padded.len() - 1];
                let key_chars = key.chars().count();
                if chosen.iter().any(|(_, k, k_chars, _)| {
                    let k_key = &k[1..k.len() - 1];
                    similar(k_key, *k_chars, key, key_chars) || part_of_padded(&padded, k)
                }) {
                    continue;
                }
                chosen.push((score, padded, key_chars, form));
            }
            let best = chosen.first().map_or(1.0, |c| c.0).max(f32::MIN_POSITIVE);
            chosen
                .into_iter()
                .map(|(s, _, _, form)| Keyword {
                    text: form.to_string(),
                    score: 1.0 / (1.0 + (s.max(best) / best).ln()),
                })
                .collect()
        }

        /// Word occurrences inside the sentences, with chunk boundaries at
        /// punctuation, symbols and sentence ends.
        fn occurrences<'t>(text: &'t str, tokens: &[Token], sentences: &[Range<usize>]) -> (Vec<Occ>, Terms<'t>) {
            let mut terms = Terms { ids: FxHashMap::default(), names: Vec::new(), stop: Vec::new() };
            let mut out = Vec::new();
            let mut chunk = 0usize;
            let mut ti = 0usize;
            for (si, sent) in sentences.iter().enumerate() {
                while ti < tokens.len() && tokens[ti].start < sent.start {
                    ti += 1;
                }
                let mut first = true;
                chunk += 1;
                while ti < tokens.len() && tokens[ti].end <= sent.end {
                    let tok = tokens[ti];
                    ti += 1;
                    let surface = tok.as_str(text);
                    let ascii = surface.is_ascii();
                    let is_word = tok.kind == TokenKind::Word
                        && if ascii {
                            surface.bytes().any(|b| b.is_ascii_alphabetic())
                        } else {
                            surface.chars().any(char::is_alphabetic)
                        };
                    if !is_word {
                        // Numbers, punctuation and symbols end a phrase.
                        chunk += 1;
                        first = false;
                        continue;
                    }
                    let (key, acronym, first_upper) = if ascii {
                        let mut letters = surface.bytes().filter(u8::is_ascii_alphabetic);
                        let first_upper = letters.next().is_some_and(|b| b.is_ascii_uppercase());
                        let mut n_letters = 1usize;
                        let mut all_upper = first_upper;
                        for b in letters {
                            n_letters += 1;
                            all_upper &= b.is_ascii_uppercase();
                        }
                        let key = if surface.bytes().any(|b| b.is_ascii_uppercase()) {
                            Cow::Owned(surface.to_ascii_lowercase())
                        } else {
                            Cow::Borrowed(surface)
                        };
                        (key, n_letters > 1 && all_upper, first_upper)
                    } else {
                        let letters: Vec<char> = surface.chars().filter(|c| c.is_alphabetic()).collect();
                        let acronym = letters.len() > 1 && letters.iter().all(|c| c.is_uppercase());
                        let first_upper = letters.first().is_some_and(|c| c.is_uppercase());
                        (Cow::Owned(surface.to_lowercase().replace('\u{2019}', "'")), acronym, first_upper)
                    };
                    let upper = !first && first_upper && !acronym;
                    let term = terms.id(key);
                    let stop = terms.stop[term];
                    out.push(Occ { term, sentence: si, chunk, stop, upper, acronym, span: tok.start..tok.end });
                    first = false;
                }
            }
            (out, terms)
        }
    }

    #[test]
    fn same_keywords_as_the_reference() {
        let texts = [
            STORY.to_string(),
            format!("{STORY} Other towns built stone piers long ago."),
            "The UN met in Z\u{fc}rich. Pier and PIER and pier, Z\u{dc}RICH and z\u{fc}rich. Don\u{2019}t DON'T."
                .to_string(),
            String::new(),
        ];
        for text in &texts {
            let tokens = tokenize(text);
            let sentences = split_sentences(text, &tokens);
            for max in [1, 5, 10, 40] {
                assert_eq!(run(text, max), reference::keywords(text, &tokens, &sentences, max), "{text:?} {max}");
            }
        }
    }

    #[test]
    fn looked_up_logarithms_are_the_computed_ones() {
        for n in (0..2 * LN_TABLE as u32).chain([u32::MAX]) {
            assert_eq!(ln_count(n).to_bits(), (n as f32).ln().to_bits(), "{n}");
        }
        let mut sorted: Vec<usize> = Vec::new();
        for i in 0..3 * POSITION_TABLE {
            let expected = (3.0 + median(&sorted)).ln().ln();
            assert_eq!(position(&sorted).to_bits(), expected.to_bits(), "{sorted:?}");
            sorted.push(i / 3);
        }
        let max = u32::MAX as usize;
        for odd in [vec![max], vec![1, max, max], vec![max - 1, max], vec![1 << 24, (1 << 24) + 1]] {
            assert_eq!(position(&odd).to_bits(), (3.0 + median(&odd)).ln().ln().to_bits(), "{odd:?}");
        }
    }

    #[test]
    fn length_bound_agrees_with_edit_similarity() {
        for (a, b) in
            [("pier", "piers"), ("stone pier", "stone piers"), ("ab", "abcdef"), ("zürich", "zurich"), ("", "")]
        {
            let (na, nb) = (a.chars().count(), b.chars().count());
            assert_eq!(similar(a, na, b, nb), similarity(a, b) > DEDUP_SIMILARITY, "{a} {b}");
        }
    }

    #[test]
    fn given_up_similarity_is_below_the_floor_and_exact_above() {
        let words = ["", "a", "pier", "piers", "stone pier", "stone piers", "zürich", "zurich", "harbour council"];
        let more = ["harbor councils", "council harbour", "abcdefgh", "abcdefgx", "xbcdefgh", "Zürich pier"];
        for a in words.iter().chain(&more) {
            for b in words.iter().chain(&more) {
                let exact = similarity(a, b);
                for floor in [0.0, 0.5, DEDUP_SIMILARITY, 0.9, 1.0] {
                    let bounded = similarity_or_below(a, b, floor);
                    if exact > floor {
                        assert_eq!(bounded.to_bits(), exact.to_bits(), "{a} {b} {floor}");
                    } else {
                        assert!(bounded <= floor && bounded >= exact, "{a} {b} {floor}");
                    }
                }
            }
        }
    }

    #[test]
    fn batches_sort_the_whole_list() {
        for n in [0usize, 1, 2, 5, 17, 100] {
            let mut ranked: Vec<(u128, f32, usize)> =
                (0..n).map(|i| ((i as u128 * 7919) % 101 + (i as u128) * 1000, 0.0, i)).collect();
            let mut expected = ranked.clone();
            expected.sort_by_key(|r| r.0);
            let (mut sorted_to, mut batch) = (0, 3);
            for r in 0..ranked.len() {
                if r == sorted_to {
                    sorted_to = sort_next_batch(&mut ranked[r..], batch) + r;
                    batch *= 2;
                }
            }
            assert_eq!(ranked, expected, "{n}");
        }
    }

    #[test]
    fn rank_keys_order_as_the_comparisons() {
        let scores = [0.0f32, -0.0, 1.5, -1.5, f32::MIN_POSITIVE, f32::MAX, -f32::MAX, 1e-30, -1e-30, 0.25];
        let mut all = Vec::new();
        for &s in &scores {
            for first in [0usize, 1, 7, usize::MAX] {
                for len in 1..=MAX_NGRAM {
                    all.push((s, first, len));
                }
            }
        }
        for a in &all {
            for b in &all {
                let expected = a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2));
                assert_eq!(rank_key(a.0, a.1, a.2).cmp(&rank_key(b.0, b.1, b.2)), expected, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn stopwords_load() {
        assert!(is_stopword("the") && is_stopword("n't") && is_stopword("don\u{2019}t"));
        assert!(!is_stopword("pier") && is_stopword("it\u{2019}s") && !is_stopword("pi\u{e9}r"));
    }

    #[test]
    fn parts_are_word_aligned() {
        assert!(part_of("stone", "stone pier") && part_of("pier", "new stone pier"));
        assert!(part_of("b", "a b c") && !part_of("stone pier", "stone"));
        assert!(!part_of("pie", "stone pier"));
        for (short, long) in [
            (" a ", " a "),
            (" a b ", " a "),
            (" b ", " a b "),
            (" é ", " café é "),
            ("", " a "),
            ("x", "ax"),
            (" ab ", " a ab "),
            (" a a ", " a a a "),
        ] {
            assert_eq!(part_of_padded(short, long), long.contains(short), "{short:?} {long:?}");
        }
    }

    #[test]
    fn stack_and_heap_edit_similarity_agree() {
        let long = "x".repeat(60);
        for (a, b) in [("pier", "piers"), ("", "abc"), ("stone pier", "stone piers"), ("z\u{fc}rich", "zurich")]
            .into_iter()
            .chain([(long.as_str(), "xx"), ("harbour council", "harbor councils")])
        {
            let (ca, cb): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            let (mut prev, mut cur) = (vec![0; cb.len() + 1], vec![0; cb.len() + 1]);
            let heap = levenshtein_similarity(&ca, &cb, &mut prev, &mut cur, f32::NEG_INFINITY);
            assert_eq!(similarity(a, b), heap, "{a} {b}");
            assert_eq!(similarity(a, b), similarity(b, a), "{a} {b}");
        }
    }

    #[test]
    fn edit_similarity() {
        assert_eq!(similarity("abc", "abc"), 1.0);
        assert!((similarity("pier", "piers") - 0.8).abs() < 1e-6);
        assert_eq!(similarity("", ""), 1.0);
        assert_eq!(similarity("ab", ""), 0.0);
    }

    proptest::proptest! {
        #[test]
        fn any_text_gives_bounded_scores(
            text in "(\\PC{0,20}|stone|pier|the|of|UN|É|, |\\. |\n\n| ){0,60}",
            max in 0usize..12,
        ) {
            let kw = run(&text, max);
            let tokens = tokenize(&text);
            let sentences = split_sentences(&text, &tokens);
            proptest::prop_assert_eq!(&kw, &reference::keywords(&text, &tokens, &sentences, max));
            proptest::prop_assert!(kw.len() <= max);
            for k in &kw {
                proptest::prop_assert!(k.score > 0.0 && k.score <= 1.0, "{:?}", k);
                proptest::prop_assert!(!k.text.is_empty());
            }
        }
    }
}
