//! Named-entity recognition: finds the names of people, organisations, places and other
//! things (CoNLL-2003 classes PER, ORG, LOC, MISC) in tokenized text.
//!
//! Sits after tokenizing and sentence splitting, before entity resolution
//! ([`crate::text::entities`]) and quote attribution. The tagger is an averaged structured
//! perceptron over hashed features ([`features`]), decoded with Viterbi over BILOU tags
//! ([`tags`]), trained by `src/bin/train-ner.rs` ([`train`]) and shipped as
//! `data/ner.model`, which is compiled into the binary and read once on first use.
//!
//! Spans follow CoNLL: a mention is the name alone; titles ("Mr", "President") and the
//! possessive `'s` stay outside it.

pub mod features;
pub mod model;
pub mod tags;
pub mod train;

use std::cell::RefCell;
use std::ops::Range;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use crate::text::tokenize::Token;
use features::{
    neighbour_features, own_features, position_features, Affixes, DocToken, Extractor, MAX_SENTENCE_IDS, NEIGHBOURS,
};
use model::{Model, ROW};
pub use tags::EntityKind;
use tags::{Decoder, N_TAGS};

/// The model shipped with the crate (built by `src/bin/train-ner.rs`).
static MODEL_BYTES: &[u8] = include_bytes!("../../../data/ner.model");
static MODEL: OnceLock<Option<Model>> = OnceLock::new();

/// The shipped model, read on first use; `None` if the embedded file is not a valid model
/// (then [`recognize`] finds nothing).
pub fn shipped_model() -> Option<&'static Model> {
    MODEL.get_or_init(|| Model::from_bytes(MODEL_BYTES).ok()).as_ref()
}

/// A finer class than the CoNLL one, where the name tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Subtype {
    /// A geo-political entity: a country, city, state or region with a government.
    Gpe,
    /// A natural or built location that is not a GPE: a river, sea, mountain, street.
    Loc,
    /// A nationality, religious or political group as an adjective or noun ("Russian").
    Norp,
}

impl Subtype {
    /// The OntoNotes label: `GPE`, `LOC` or `NORP`.
    pub fn as_str(self) -> &'static str {
        match self {
            Subtype::Gpe => "GPE",
            Subtype::Loc => "LOC",
            Subtype::Norp => "NORP",
        }
    }
}

/// One tagged name: a `[start, end)` byte range of the text and its class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mention {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
    /// The CoNLL class.
    pub kind: EntityKind,
    /// A finer class, when it can be told from the name.
    pub subtype: Option<Subtype>,
}

/// Word types remembered before the cache is emptied (at the start of a document), which
/// keeps a long-running tagger's memory flat.
const CACHE_WORDS: usize = 1 << 16;
/// Words the cache holds without growing: [`CACHE_WORDS`] and the new words of the
/// document that passes it (more only for a document of more new words than this margin).
const CACHE_ROOM: usize = CACHE_WORDS + (1 << 12);

/// A word's features that depend on that word alone, summed once per word type. Each
/// summed row is one cache line, which is what a token reads of its own word and of each
/// neighbour.
#[repr(C, align(64))]
struct WordRows {
    /// The rows of its own features with its [`position_features`], by
    /// `first_in_sentence * 2 + caps_sentence`.
    own: [[i32; ROW]; 4],
    /// Its rows as the neighbour at each offset of [`NEIGHBOURS`].
    as_neighbour: [[i32; ROW]; NEIGHBOURS.len()],
}

impl WordRows {
    /// The summed rows of the word `tok` with `affixes`, with `ids` as scratch: every feature
    /// id is collected and its row prefetched before any is summed, so the misses overlap.
    fn new(model: &Model, tok: &features::Tok, affixes: &Affixes, ids: &mut Vec<u32>) -> WordRows {
        let shift = 64 - model.bits;
        ids.clear();
        own_features(shift, tok, affixes, &mut |f| {
            model.prefetch_row(f);
            ids.push(f);
        });
        let own_end = ids.len();
        let mut position_ends = [0usize; 4];
        for (v, end) in position_ends.iter_mut().enumerate() {
            position_features(shift, tok, v >= 2, v % 2 == 1, &mut |f| {
                model.prefetch_row(f);
                ids.push(f);
            });
            *end = ids.len();
        }
        let mut neighbour_ends = [0usize; NEIGHBOURS.len()];
        for (end, &d) in neighbour_ends.iter_mut().zip(&NEIGHBOURS) {
            neighbour_features(shift, d, Some(tok), &mut |f| {
                model.prefetch_row(f);
                ids.push(f);
            });
            *end = ids.len();
        }
        let sum = |from: usize, to: usize, acc: &mut [i32; ROW]| model.add_rows(ids.get(from..to).unwrap_or(&[]), acc);
        let mut base = [0i32; ROW];
        sum(0, own_end, &mut base);
        let mut own = [base; 4];
        let mut from = own_end;
        for (row, &end) in own.iter_mut().zip(&position_ends) {
            sum(from, end, row);
            from = end;
        }
        let mut as_neighbour = [[0i32; ROW]; NEIGHBOURS.len()];
        for (row, &end) in as_neighbour.iter_mut().zip(&neighbour_ends) {
            sum(from, end, row);
            from = end;
        }
        WordRows { own, as_neighbour }
    }

    /// Prefetches what tokens read of this word.
    #[inline]
    fn prefetch(&self, own: usize) {
        if let Some(row) = self.own.get(own) {
            model::prefetch(row);
        }
        for row in &self.as_neighbour {
            model::prefetch(row);
        }
    }
}

/// The word cache's index: word bytes -> id, by open addressing over a 64-bit hash of the
/// bytes, every word kept once in one arena. A map with boxed string keys cost a hash, a
/// pointer chase and a library string compare per token.
///
/// A look-up reads one slot and one arena record (id, length and bytes side by side), two
/// cache misses at most, and both can be prefetched ahead ([`WordIndex::prefetch_slot`],
/// [`WordIndex::prefetch_record`]): the look-ups were the tagger's largest wait on memory.
struct WordIndex {
    /// Per slot: 0 when empty, else the offset of the word's record in `arena` plus one in
    /// the low half and the high half of the word's hash in the high half, so most
    /// mismatches never touch the arena.
    slots: Vec<u64>,
    /// Per id: the word's hash, to place it again when the table grows.
    hashes: Vec<u64>,
    /// Per word in id order, a record: its id and its length (`u32`, little-endian), then
    /// its bytes.
    arena: Vec<u8>,
}

/// Bytes of a record's head in `WordIndex::arena`: the id and the length.
const RECORD_HEAD: usize = 8;

impl WordIndex {
    /// Slots of a new or cleared table (a power of two).
    const MIN_SLOTS: usize = 1 << 12;
    /// Arena bytes beyond which [`WordIndex::is_full`] says so: record offsets must fit the
    /// low half of a slot.
    const MAX_ARENA: usize = 1 << 31;

    fn new() -> WordIndex {
        WordIndex { slots: vec![0; Self::MIN_SLOTS], hashes: Vec::new(), arena: Vec::new() }
    }

    fn len(&self) -> usize {
        self.hashes.len()
    }

    /// Whether the arena is too large to take another word.
    fn is_full(&self) -> bool {
        self.arena.len() >= Self::MAX_ARENA
    }

    fn clear(&mut self) {
        self.slots.clear();
        self.slots.resize(Self::MIN_SLOTS, 0);
        self.hashes.clear();
        self.arena.clear();
    }

    /// The first slot of hash `h` (the table's length is a power of two).
    #[inline]
    fn home(&self, h: u64) -> usize {
        (h >> (64 - self.slots.len().trailing_zeros())) as usize
    }

    /// The id and bytes of the record at `offset` of the arena.
    #[inline]
    fn record(&self, offset: usize) -> Option<(u32, &[u8])> {
        let head = self.arena.get(offset..offset + RECORD_HEAD)?;
        let id = u32::from_le_bytes(head.get(..4)?.try_into().ok()?);
        let len = u32::from_le_bytes(head.get(4..)?.try_into().ok()?) as usize;
        let start = offset + RECORD_HEAD;
        Some((id, self.arena.get(start..start + len)?))
    }

    /// Starts loading the first slot of hash `h` (no effect on any result).
    #[inline]
    fn prefetch_slot(&self, h: u64) {
        if let Some(slot) = self.slots.get(self.home(h)) {
            model::prefetch(slot);
        }
    }

    /// Starts loading the record the first slot of hash `h` points to, if its hash matches
    /// (best read once that slot is cached; no effect on any result).
    #[inline]
    fn prefetch_record(&self, h: u64) {
        if let Some(&slot) = self.slots.get(self.home(h)) {
            if slot != 0 && slot >> 32 == h >> 32 {
                if let Some(head) = self.arena.get((slot as u32).wrapping_sub(1) as usize) {
                    model::prefetch(head);
                }
            }
        }
    }

    /// The id of `word`, or else the slot where it would go.
    #[inline]
    fn find(&self, word: &[u8], h: u64) -> Result<u32, usize> {
        let mask = self.slots.len() - 1;
        let tag = h >> 32;
        let mut at = self.home(h);
        loop {
            let Some(&slot) = self.slots.get(at) else {
                return Err(at); // not reached: `at` is masked
            };
            if slot == 0 {
                return Err(at);
            }
            if slot >> 32 == tag {
                if let Some((id, stored)) = self.record((slot as u32).wrapping_sub(1) as usize) {
                    if same_bytes(stored, word) {
                        return Ok(id);
                    }
                }
            }
            at = (at + 1) & mask;
        }
    }

    /// Adds `word`, not yet in the table, at slot `at` from [`WordIndex::find`]; returns
    /// its id, which is the number of words before it. A word whose record starts past what
    /// a slot can hold gets its id and no slot (it is not found again, and so is added
    /// again; the caller empties a [`WordIndex::is_full`] table between documents).
    fn insert(&mut self, word: &[u8], h: u64, at: usize) -> u32 {
        let id = self.hashes.len() as u32;
        let offset = self.arena.len() as u64;
        self.hashes.push(h);
        self.arena.extend_from_slice(&id.to_le_bytes());
        self.arena.extend_from_slice(&(word.len() as u32).to_le_bytes());
        self.arena.extend_from_slice(word);
        if offset < u64::from(u32::MAX) {
            if let Some(slot) = self.slots.get_mut(at) {
                *slot = (h >> 32) << 32 | (offset + 1);
            }
        }
        // at most half full, so probe runs stay short
        if self.hashes.len() * 2 > self.slots.len() {
            self.grow();
        }
        id
    }

    /// Doubles the slots and places every word again.
    fn grow(&mut self) {
        let n = self.slots.len() * 2;
        self.slots.clear();
        self.slots.resize(n, 0);
        let mask = n - 1;
        let mut offset = 0usize;
        for &h in &self.hashes {
            let len = self.record(offset).map_or(0, |(_, w)| w.len());
            let mut at = (h >> (64 - n.trailing_zeros())) as usize;
            while self.slots.get(at).is_some_and(|&s| s != 0) {
                at = (at + 1) & mask;
            }
            if offset < u32::MAX as usize {
                if let Some(slot) = self.slots.get_mut(at) {
                    *slot = (h >> 32) << 32 | (offset as u64 + 1);
                }
            }
            offset += RECORD_HEAD + len;
        }
    }
}

/// A 64-bit hash of a word's bytes, read eight at a time.
#[inline]
fn word_hash(word: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = (word.len() as u64).wrapping_mul(K);
    let mut chunks = word.chunks_exact(8);
    for c in &mut chunks {
        h = (h.rotate_left(23) ^ chunk_u64(c)).wrapping_mul(K);
    }
    if !chunks.remainder().is_empty() {
        h = (h.rotate_left(23) ^ tail_u64(word)).wrapping_mul(K);
    }
    // the multiply carries every input bit into the high bits, which pick the slot
    h
}

/// An eight-byte chunk as a number.
#[inline]
fn chunk_u64(c: &[u8]) -> u64 {
    c.try_into().map_or(0, u64::from_le_bytes)
}

/// A number made of the bytes past the last whole eight-byte chunk of `b`, by loads that
/// may overlap (a variable-length copy would call the library). Among byte strings of one
/// length, equal values mean equal tails: the loads cover every tail byte.
#[inline]
fn tail_u64(b: &[u8]) -> u64 {
    let n = b.len();
    if n >= 8 {
        return b.get(n - 8..).map_or(0, chunk_u64);
    }
    let u32_at = |i: usize| b.get(i..i + 4).and_then(|c| c.try_into().ok()).map_or(0, u32::from_le_bytes);
    let byte_at = |i: usize| b.get(i).copied().map_or(0, u64::from);
    match n {
        4.. => u64::from(u32_at(0)) | u64::from(u32_at(n - 4)) << 32,
        1.. => byte_at(0) | byte_at(n / 2) << 8 | byte_at(n - 1) << 16,
        0 => 0,
    }
}

/// Whether two byte strings are equal, compared eight bytes at a time inline (words are
/// short: a library call costs more than the compare).
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut ca, mut cb) = (a.chunks_exact(8), b.chunks_exact(8));
    for (x, y) in (&mut ca).zip(&mut cb) {
        if chunk_u64(x) != chunk_u64(y) {
            return false;
        }
    }
    tail_u64(a) == tail_u64(b)
}

/// A reusable tagger over one model: holds the buffers a document needs and the summed
/// rows of the words it has seen.
pub struct Tagger<'m> {
    model: &'m Model,
    decoder: Decoder,
    extractor: Extractor,
    /// Word -> index in `rows`.
    word_index: WordIndex,
    rows: Vec<WordRows>,
    /// The word-intrinsic information of each word of `rows` that tokens copy (its affixes
    /// are needed only to build the rows), by the same index.
    infos: Vec<DocToken>,
    /// The id of the lower-case form of each word of `rows`, by the same index: words of
    /// equal `lower_plain` share one.
    lower_ids: Vec<u32>,
    /// `lower_plain` -> lower-case form id.
    lower_index: features::IdMap<u32>,
    /// Scratch: feature ids of a new word.
    feature_ids: Vec<u32>,
    /// Scratch: the context feature ids of each token of a sentence, and how many each has.
    sentence_ids: Vec<[u32; MAX_SENTENCE_IDS]>,
    sentence_counts: Vec<u8>,
    /// What a neighbour past the sentence's edge contributes, per offset.
    edge_rows: [[i32; ROW]; NEIGHBOURS.len()],
    /// The document's words as indices in `rows`.
    word_ids: Vec<u32>,
    /// The [`word_hash`] of each word of the document.
    word_hashes: Vec<u64>,
    sentences: Vec<Range<usize>>,
    emit: Vec<i32>,
    back: Vec<u8>,
    path: Vec<usize>,
    /// Whether to make the classes of repeated names agree within the document.
    pub harmonise: bool,
}

impl<'m> Tagger<'m> {
    /// A tagger using `model`.
    pub fn new(model: &'m Model) -> Tagger<'m> {
        let shift = 64 - model.bits;
        let mut edge_rows = [[0i32; ROW]; NEIGHBOURS.len()];
        for (row, &d) in edge_rows.iter_mut().zip(&NEIGHBOURS) {
            neighbour_features(shift, d, None, &mut |f| model.add_row(f, row));
        }
        Tagger {
            model,
            decoder: Decoder::new(&model.transitions),
            extractor: Extractor::new(model.bits),
            word_index: WordIndex::new(),
            // the cache's whole size at once (the pages are only touched as words arrive):
            // grown by doubling, its rows were copied again and again
            rows: Vec::with_capacity(CACHE_ROOM),
            infos: Vec::with_capacity(CACHE_ROOM),
            lower_ids: Vec::with_capacity(CACHE_ROOM),
            lower_index: features::IdMap::default(),
            feature_ids: Vec::new(),
            sentence_ids: Vec::new(),
            sentence_counts: Vec::new(),
            edge_rows,
            word_ids: Vec::new(),
            word_hashes: Vec::new(),
            sentences: Vec::new(),
            emit: Vec::new(),
            back: Vec::new(),
            path: Vec::new(),
            harmonise: true,
        }
    }

    /// Tags a document given as words and sentences (ranges of word indices, in order,
    /// not overlapping). Returns the phrases as word ranges with their class.
    pub fn tag_words(&mut self, words: &[&str], sentences: &[Range<usize>]) -> Vec<(Range<usize>, EntityKind)> {
        let mut out = Vec::new();
        self.tag_words_into(words, sentences, &mut out);
        out
    }

    /// [`Tagger::tag_words`] appending to `out`.
    pub fn tag_words_into(
        &mut self,
        words: &[&str],
        sentences: &[Range<usize>],
        out: &mut Vec<(Range<usize>, EntityKind)>,
    ) {
        let mut kept = std::mem::take(&mut self.sentences);
        kept.clear();
        kept.extend(sentences.iter().filter(|s| s.start < s.end && s.end <= words.len()).cloned());
        self.emissions(words, &kept);
        let first_new = out.len();
        let mut k = 0usize; // token index in the emissions, which skip dropped sentences
        for s in &kept {
            let n = s.end - s.start;
            let Some(emit) = self.emit.get(k * N_TAGS..(k + n) * N_TAGS) else {
                break;
            };
            self.decoder.viterbi(emit, n, &mut self.back, &mut self.path);
            tags::decode_into(&self.path, s.start, out);
            k += n;
        }
        self.sentences = kept;
        if self.harmonise {
            harmonise(words, &mut out[first_new..]);
        }
    }

    /// Emission scores of the tokens of `sentences` (valid, in order), `N_TAGS` per token,
    /// into `self.emit`: the same sums as [`Model::emissions`] over
    /// [`Extractor::extract`]'s features, with the word-intrinsic part of each token read
    /// from the per-word cache.
    fn emissions(&mut self, words: &[&str], sentences: &[Range<usize>]) {
        if self.rows.len() > CACHE_WORDS || self.word_index.is_full() {
            self.clear_cache();
        }
        let model = self.model;
        let lex = &model.lexicon;
        // the look-ups of a document's words, every one a likely cache miss in a table larger
        // than the processor's caches, overlap: each word's slot is prefetched
        // `2 * LOOKAHEAD` words ahead and its record `LOOKAHEAD` words ahead
        const LOOKAHEAD: usize = 8;
        self.word_hashes.clear();
        self.word_hashes.extend(words.iter().map(|w| word_hash(w.as_bytes())));
        for &h in self.word_hashes.iter().take(2 * LOOKAHEAD) {
            self.word_index.prefetch_slot(h);
        }
        self.word_ids.clear();
        for (i, (&w, &h)) in words.iter().zip(&self.word_hashes).enumerate() {
            if let Some(&ahead) = self.word_hashes.get(i + 2 * LOOKAHEAD) {
                self.word_index.prefetch_slot(ahead);
            }
            if let Some(&ahead) = self.word_hashes.get(i + LOOKAHEAD) {
                self.word_index.prefetch_record(ahead);
            }
            let id = match self.word_index.find(w.as_bytes(), h) {
                Ok(id) => id,
                Err(at) => {
                    let info = self.extractor.token_info(w, lex);
                    self.rows.push(WordRows::new(model, &info.token.tok, &info.affixes, &mut self.feature_ids));
                    let next = self.lower_index.len() as u32;
                    self.lower_ids.push(*self.lower_index.entry(info.token.lower_plain).or_insert(next));
                    self.infos.push(info.token);
                    debug_assert_eq!(self.word_index.len() + 1, self.rows.len());
                    self.word_index.insert(w.as_bytes(), h, at)
                }
            };
            // read by `push_token` below, after the misses of the following words started
            if let Some(info) = self.infos.get(id as usize) {
                model::prefetch_all(info);
            }
            self.word_ids.push(id);
        }
        self.extractor.start_document();
        for &id in &self.word_ids {
            let (Some(info), Some(&lower_id)) = (self.infos.get(id as usize), self.lower_ids.get(id as usize)) else {
                continue;
            };
            self.extractor.push_token(info, lower_id);
        }
        self.extractor.analyse(sentences, lex);
        self.emit.clear();
        self.emit.reserve(sentences.iter().map(|s| s.len()).sum::<usize>() * N_TAGS);
        let rows = &self.rows;
        let extractor = &self.extractor;
        for (si, s) in sentences.iter().enumerate() {
            let caps = extractor.caps_sentence(si);
            let Some(ids) = self.word_ids.get(s.clone()) else {
                continue;
            };
            let word = |k: usize| ids.get(k).and_then(|&id| rows.get(id as usize));
            // first the ids of every token's context features, each row prefetched, then
            // the sums: the rows' cache misses overlap instead of coming one at a time
            for (k, w) in ids.iter().filter_map(|&id| rows.get(id as usize)).enumerate() {
                w.prefetch(usize::from(k == 0) * 2 + usize::from(caps));
            }
            if self.sentence_ids.len() < ids.len() {
                self.sentence_ids.resize(ids.len(), [0; MAX_SENTENCE_IDS]);
                self.sentence_counts.resize(ids.len(), 0);
            }
            // the pairs with the adjacent words: their conjunction features are looked up
            // directly (a cache of pairs missed the processor's caches more often than the
            // weight table does)
            extractor.sentence_ids(s.clone(), caps, &mut self.sentence_ids, &mut self.sentence_counts, |f| {
                model.prefetch_row(f)
            });
            // the rows of the words at offsets -2..=2, slid along the sentence
            let mut window = [None, None, word(0), word(1), word(2)];
            let token_ids = self.sentence_ids.iter().zip(&self.sentence_counts);
            for (k, (context, &count)) in token_ids.take(ids.len()).enumerate() {
                let Some(w) = window[2] else {
                    break;
                };
                // its own rows, then the neighbours' in the order of NEIGHBOURS
                let [e1, e2, e3, e4] = &self.edge_rows;
                let fixed = [
                    &w.own[usize::from(k == 0) * 2 + usize::from(caps)],
                    window[1].map_or(e1, |n| &n.as_neighbour[0]),
                    window[3].map_or(e2, |n| &n.as_neighbour[1]),
                    window[0].map_or(e3, |n| &n.as_neighbour[2]),
                    window[4].map_or(e4, |n| &n.as_neighbour[3]),
                ];
                let scores = model.emission_with(context.get(..usize::from(count)).unwrap_or(&[]), &fixed);
                self.emit.push(0);
                self.emit.extend_from_slice(&scores);
                window = [window[1], window[2], window[3], window[4], word(k + 3)];
            }
        }
    }

    /// Forgets the cached words.
    fn clear_cache(&mut self) {
        self.word_index.clear();
        self.rows.clear();
        self.infos.clear();
        self.lower_ids.clear();
        self.lower_index.clear();
    }
}

/// Makes a document's tagging consistent where the evidence is strong: a one-word name
/// that ends a longer person's name elsewhere in the document ("Tillerson" after "Rex
/// Tillerson"), and is never tagged a person on its own, becomes a person. (A plain
/// majority vote over repeated names was tried and lowers dev F1: sports reports use
/// "Italy" for a team and a country in one story.)
fn harmonise(words: &[&str], phrases: &mut [(Range<usize>, EntityKind)]) {
    type HashMap<K, V> = FxHashMap<K, V>;
    // "Mr X": an honorific is never part of a name, and makes the name a person's
    for (r, kind) in phrases.iter_mut() {
        if r.end - r.start >= 2 && words.get(r.start).is_some_and(|w| is_honorific(w)) {
            r.start += 1;
            *kind = EntityKind::Per;
        } else if r.start > 0 && words.get(r.start - 1).is_some_and(|w| is_honorific(w) || is_person_title(w)) {
            *kind = EntityKind::Per;
        }
    }
    // the lower-case keys of every phrase and of its last word, written once into one
    // string (a string of its own per look-up cost an allocation each)
    let mut arena = String::new();
    let mut spans: Vec<(Range<usize>, Range<usize>)> = Vec::with_capacity(phrases.len());
    let push_key = |arena: &mut String, r: Range<usize>| -> Range<usize> {
        let start = arena.len();
        for (n, w) in words.get(r).unwrap_or(&[]).iter().enumerate() {
            if n > 0 {
                arena.push(' ');
            }
            if w.is_ascii() {
                // the same as the general path for ASCII, without decoding characters
                arena.extend(w.bytes().map(|b| char::from(b.to_ascii_lowercase())));
            } else {
                arena.extend(w.chars().flat_map(char::to_lowercase));
            }
        }
        start..arena.len()
    };
    for (r, _) in phrases.iter() {
        let whole = push_key(&mut arena, r.clone());
        let last = if r.end - r.start >= 2 { push_key(&mut arena, r.end - 1..r.end) } else { whole.clone() };
        spans.push((whole, last));
    }
    let key = |span: &Range<usize>| arena.get(span.clone()).unwrap_or("");
    let mut votes: HashMap<&str, [usize; 4]> = HashMap::default();
    let mut person_last: HashMap<&str, usize> = HashMap::default();
    for ((r, kind), (whole, last)) in phrases.iter().zip(&spans) {
        votes.entry(key(whole)).or_default()[kind.index()] += 1;
        if *kind == EntityKind::Per && r.end - r.start >= 2 {
            *person_last.entry(key(last)).or_default() += 1;
        }
    }
    let person_alone = |k: &str, votes: &HashMap<&str, [usize; 4]>| {
        votes.get(k).is_some_and(|v| v[EntityKind::Per.index()] >= 2 && v.iter().sum::<usize>() == v[0])
    };
    for ((r, kind), (whole, last)) in phrases.iter_mut().zip(&spans) {
        if *kind == EntityKind::Per {
            continue;
        }
        if r.end - r.start >= 2 {
            // a longer phrase ending in a name that is otherwise always a person's
            // ("State Rex Tillerson" when "Tillerson" is a person throughout): the last
            // two words are the person
            if person_alone(key(last), &votes) {
                r.start = r.start.max(r.end - 2);
                *kind = EntityKind::Per;
            }
            continue;
        }
        let k = key(whole);
        let never_person = votes.get(k).is_none_or(|v| v[EntityKind::Per.index()] == 0);
        if never_person && person_last.get(k).is_some_and(|&c| c > 0) {
            *kind = EntityKind::Per;
        }
    }
}

/// Whether a word is a capitalised title that comes right before a person's name
/// ("President Obama").
fn is_person_title(w: &str) -> bool {
    [
        "President",
        "Minister",
        "Senator",
        "Sen.",
        "Governor",
        "Gov.",
        "Chancellor",
        "Premier",
        "King",
        "Queen",
        "Prince",
        "Princess",
        "Pope",
        "Ambassador",
        "Judge",
        "PRESIDENT",
        "MINISTER",
    ]
    .contains(&w)
}

/// Whether a word is an honorific that comes before a person's name.
fn is_honorific(w: &str) -> bool {
    let w = w.trim_end_matches('.');
    ["Mr", "Mrs", "Ms", "Dr", "MR", "MRS", "MS", "DR", "Mme", "Mlle"].contains(&w)
}

thread_local! {
    static TAGGER: RefCell<Option<Tagger<'static>>> = const { RefCell::new(None) };
}

/// Finds the names in `text`, given its tokens ([`crate::text::tokenize::tokenize`]) and
/// sentences ([`crate::text::sentences::split_sentences`], byte ranges). Mentions come back
/// in text order, never overlapping, as byte ranges of `text`.
pub fn recognize(text: &str, tokens: &[Token], sentences: &[Range<usize>]) -> Vec<Mention> {
    let ranges: Vec<Range<usize>> = tokens.iter().map(|t| t.start..t.end).collect();
    recognize_ranges(text, &ranges, sentences)
}

/// Finds the names in `text`, given its tokens and sentences as byte ranges (from the
/// shared tokenizer and sentence splitter). Tokens outside every sentence are tagged as
/// sentences of their own runs. Mentions come back in text order, never overlapping.
pub fn recognize_ranges(text: &str, tokens: &[Range<usize>], sentences: &[Range<usize>]) -> Vec<Mention> {
    let Some(model) = shipped_model() else {
        return Vec::new();
    };
    TAGGER.with(|cell| {
        let Ok(mut slot) = cell.try_borrow_mut() else {
            // re-entered from the same thread (cannot happen in practice): use a fresh one
            return recognize_with(&mut Tagger::new(model), text, tokens, sentences);
        };
        let tagger = slot.get_or_insert_with(|| Tagger::new(model));
        recognize_with(tagger, text, tokens, sentences)
    })
}

/// [`recognize_ranges`] with an explicit tagger (for a model other than the shipped one).
pub fn recognize_with(
    tagger: &mut Tagger<'_>,
    text: &str,
    tokens: &[Range<usize>],
    sentences: &[Range<usize>],
) -> Vec<Mention> {
    let words: Vec<&str> = tokens.iter().map(|t| text.get(t.clone()).unwrap_or("")).collect();
    let groups = token_sentences(tokens, sentences);
    let mut phrases = Vec::new();
    tagger.tag_words_into(&words, &groups, &mut phrases);
    phrases
        .into_iter()
        .filter_map(|(r, kind)| {
            let start = tokens.get(r.start)?.start;
            let end = tokens.get(r.end.checked_sub(1)?)?.end;
            let surface = text.get(start..end)?;
            Some(Mention { start, end, kind, subtype: subtype(kind, surface) })
        })
        .collect()
}

/// Groups token indices by sentence: a token belongs to the sentence whose byte range
/// contains its start; runs of tokens in no sentence form groups of their own.
fn token_sentences(tokens: &[Range<usize>], sentences: &[Range<usize>]) -> Vec<Range<usize>> {
    const MAX_LEN: usize = 512; // keeps one unsplit blob from making one giant lattice
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut si = 0usize;
    let mut cur: Option<(usize, Option<usize>)> = None; // (first token, sentence index)
    for (i, t) in tokens.iter().enumerate() {
        while si < sentences.len() && sentences[si].end <= t.start {
            si += 1;
        }
        let owner = sentences.get(si).filter(|s| s.start <= t.start && t.start < s.end).map(|_| si);
        match cur {
            Some((first, o)) if o == owner && i - first < MAX_LEN => {}
            Some((first, _)) => {
                out.push(first..i);
                cur = Some((i, owner));
            }
            None => cur = Some((i, owner)),
        }
    }
    if let Some((first, _)) = cur {
        out.push(first..tokens.len());
    }
    out
}

/// The finer class a name's surface suggests: NORP for nationality words among MISC, LOC
/// for geographic features among LOC (GPE otherwise).
pub fn subtype(kind: EntityKind, surface: &str) -> Option<Subtype> {
    match kind {
        EntityKind::Loc => {
            let natural = surface.split(|c: char| !c.is_alphanumeric()).any(|w| GEO_FEATURES.contains(&w));
            Some(if natural { Subtype::Loc } else { Subtype::Gpe })
        }
        EntityKind::Misc => {
            let single = !surface.contains(' ');
            let word = surface.trim_end_matches('s');
            let norp = single
                && surface.chars().next().is_some_and(char::is_uppercase)
                && NORP_ENDINGS.iter().any(|e| word.ends_with(e));
            norp.then_some(Subtype::Norp)
        }
        _ => None,
    }
}

/// Words that make a location a natural or built place rather than a polity.
const GEO_FEATURES: &[&str] = &[
    "River",
    "Sea",
    "Ocean",
    "Lake",
    "Mountain",
    "Mountains",
    "Mount",
    "Mt",
    "Gulf",
    "Bay",
    "Strait",
    "Straits",
    "Valley",
    "Desert",
    "Island",
    "Islands",
    "Peninsula",
    "Coast",
    "Street",
    "Avenue",
    "Road",
    "Square",
    "Airport",
    "Bridge",
    "Canal",
    "Channel",
    "Hills",
    "Alps",
    "Forest",
    "Park",
    "Plateau",
    "Basin",
    "Heights",
];

/// Endings of nationality and group adjectives ("Russian", "Chinese", "British", "Israeli",
/// "French", "Dutch", "Kurd", "Sunni").
const NORP_ENDINGS: &[&str] = &["an", "ese", "ish", "i", "ch", "ic", "ean", "ite", "ist", "ot", "urd", "ek", "ai"];

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)] // one-sentence documents
mod tests {
    use super::*;

    #[test]
    fn tokens_group_by_sentence() {
        let toks = vec![0..3, 4..7, 8..9, 10..13, 14..16];
        let sents = vec![0..9, 10..16];
        assert_eq!(token_sentences(&toks, &sents), vec![0..3, 3..5]);
        // tokens outside any sentence still form groups
        assert_eq!(token_sentences(&toks, &[4..9]), vec![0..1, 1..3, 3..5]);
        assert!(token_sentences(&[], &sents).is_empty());
    }

    #[test]
    fn harmonising_makes_a_bare_family_name_a_person() {
        let words = ["Amara", "Quist", "spoke", ".", "Quist", "left", "Zell", "."];
        let mut phrases = vec![(0..2, EntityKind::Per), (4..5, EntityKind::Org), (6..7, EntityKind::Loc)];
        harmonise(&words, &mut phrases);
        assert_eq!(phrases[1].1, EntityKind::Per);
        assert_eq!(phrases[2].1, EntityKind::Loc, "unrelated names keep their class");
    }

    #[test]
    fn harmonising_reads_keys_case_blind_and_strips_honorifics() {
        // "ÖDÖN" matches "Ödön" as a key; "Mr Brandt" loses its honorific and is a person;
        // "State Rex Tillerson" ends in a name that is a person's throughout
        let words = [
            "Zé",
            "Ödön",
            "met",
            "ÖDÖN",
            ".",
            "Mr",
            "Brandt",
            "and",
            "Rex",
            "Tillerson",
            ",",
            "Tillerson",
            ",",
            "State",
            "Rex",
            "Tillerson",
            ".",
            "Tillerson",
        ];
        let mut phrases = vec![
            (0..2, EntityKind::Per),
            (3..4, EntityKind::Org),
            (5..7, EntityKind::Org),
            (8..10, EntityKind::Per),
            (11..12, EntityKind::Per),
            (13..16, EntityKind::Org),
            (17..18, EntityKind::Per),
        ];
        harmonise(&words, &mut phrases);
        assert_eq!(phrases[1], (3..4, EntityKind::Per), "a bare family name in capitals");
        assert_eq!(phrases[2], (6..7, EntityKind::Per));
        assert_eq!(phrases[5], (14..16, EntityKind::Per));
        harmonise(&words, &mut []);
    }

    #[test]
    fn subtypes_from_surface() {
        assert_eq!(subtype(EntityKind::Loc, "Syria"), Some(Subtype::Gpe));
        assert_eq!(subtype(EntityKind::Loc, "Black Sea"), Some(Subtype::Loc));
        assert_eq!(subtype(EntityKind::Misc, "Russian"), Some(Subtype::Norp));
        assert_eq!(subtype(EntityKind::Misc, "Americans"), Some(Subtype::Norp));
        assert_eq!(subtype(EntityKind::Misc, "World Cup"), None);
        assert_eq!(subtype(EntityKind::Per, "Lavrov"), None);
    }

    #[test]
    fn recognize_finds_names_in_tokenized_text() {
        let text = "Mr Zorblatt met Foreign Minister Amara Quist in Paris on Monday.";
        let tokens = crate::text::tokenize::tokenize(text);
        let sentences = crate::text::sentences::split_sentences(text, &tokens);
        let ms = recognize(text, &tokens, &sentences);
        let found: Vec<(&str, EntityKind)> = ms.iter().map(|m| (&text[m.start..m.end], m.kind)).collect();
        assert!(found.contains(&("Amara Quist", EntityKind::Per)), "{found:?}");
        assert!(found.contains(&("Paris", EntityKind::Loc)), "{found:?}");
        assert!(found.contains(&("Zorblatt", EntityKind::Per)), "{found:?}");
    }

    /// The emissions straight from the features, without the per-word cache.
    fn uncached_emissions(model: &Model, words: &[&str], sentences: &[Range<usize>]) -> Vec<i32> {
        let mut ex = Extractor::new(model.bits);
        let mut feats = features::DocFeatures::default();
        ex.extract(words, sentences, &model.lexicon, &mut feats);
        let mut out = Vec::new();
        model.emissions(&feats, feats.offs.len() - 1, &mut out);
        out
    }

    #[test]
    fn cached_emissions_equal_uncached_ones() {
        let model = shipped_model().expect("shipped model");
        let docs: Vec<(Vec<&str>, Vec<Range<usize>>)> = vec![
            (
                "PRIME MINISTER VISITS NEW YORK . Barack Obama met the United Nations in New York . Obama left ."
                    .split(' ')
                    .collect(),
                vec![0..6, 6..16, 16..19],
            ),
            // the same words in other positions, casing and sentence edges
            (
                "Obama . New York and London , said Obama , visits the UN in Paris".split(' ').collect(),
                vec![0..2, 2..15],
            ),
            ("obama".split(' ').collect(), vec![0..1]),
            (
                "Mr Zorblatt met Amara Quist in Port Ellery ; Quist said Zorblatt was in LONDON".split(' ').collect(),
                vec![0..15],
            ),
            // non-ASCII words and an empty document
            ("Zé Ödön visited Zürich ’s Ärzte-Verband .".split(' ').collect(), vec![0..7]),
            (Vec::new(), Vec::new()),
        ];
        let mut tagger = Tagger::new(model);
        for round in 0..3 {
            for (words, sentences) in &docs {
                tagger.emissions(words, sentences);
                assert_eq!(tagger.emit, uncached_emissions(model, words, sentences), "round {round}: {words:?}");
            }
            if round == 1 {
                tagger.clear_cache();
                assert!(tagger.rows.is_empty());
            }
        }
        assert!(!tagger.rows.is_empty() && tagger.rows.len() < 60, "one entry per word type");
    }

    #[test]
    fn shipped_model_reads_back_to_its_own_bytes() {
        let model = shipped_model().expect("shipped model");
        assert!(model.to_bytes() == MODEL_BYTES, "decoding loses or alters nothing");
    }

    #[test]
    fn word_index_finds_exactly_the_words_inserted() {
        let mut index = WordIndex::new();
        // empty, non-ASCII, lengths around the eight-byte steps, shared prefixes, and
        // enough words to grow the table several times
        let mut words: Vec<String> =
            ["", "a", "A", "Zürich", "Zurich", "abcdefg", "abcdefgh", "abcdefghi", "abcdefgh\0"]
                .iter()
                .map(|w| w.to_string())
                .collect();
        words.extend((0..20_000).map(|i| format!("w{i}")));
        words.push("abcdefghijklmnop".into());
        words.push("abcdefghijklmnoq".into());
        for round in 0..2 {
            for (i, w) in words.iter().enumerate() {
                let h = word_hash(w.as_bytes());
                match index.find(w.as_bytes(), h) {
                    Ok(id) => assert_eq!((round, id as usize), (1, i), "{w:?}"),
                    Err(at) => {
                        assert_eq!(round, 0, "{w:?}");
                        assert_eq!(index.insert(w.as_bytes(), h, at) as usize, i);
                    }
                }
            }
        }
        assert_eq!(index.len(), words.len());
        assert!(index.find(b"abcdefgh\0\0", word_hash(b"abcdefgh\0\0")).is_err(), "zero padding is not a match");
        assert!(index.find(b"w20000", word_hash(b"w20000")).is_err());
        index.clear();
        assert!(index.find(b"a", word_hash(b"a")).is_err());
        assert_eq!(index.len(), 0);
    }

    #[test]
    fn byte_compare_sees_every_byte() {
        // every length up to 20, each byte position changed in turn
        for n in 0..20usize {
            let a: Vec<u8> = (0..n as u8).map(|i| i + 1).collect();
            assert!(same_bytes(&a, &a.clone()));
            for i in 0..n {
                let mut b = a.clone();
                b[i] ^= 0x40;
                assert!(!same_bytes(&a, &b), "length {n}, byte {i}");
            }
            assert!(!same_bytes(&a, &a[..n.saturating_sub(1)]) || n == 0);
        }
    }

    #[test]
    fn recognize_never_panics_on_odd_ranges() {
        let text = "Zé Ödön met Amara in Port Ellery.";
        let toks = vec![0..3, 4..11, 12..15, 100..120, 2..3];
        let _ = recognize_ranges(text, &toks, &[0..text.len()]);
        let _ = recognize_ranges("", &[], &[]);
    }
}
