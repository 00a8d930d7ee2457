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

use super::tokenize::{Token, TokenKind};
use super::{keywords, simhash, tone};

/// Past this many cached types the cache starts afresh (at a document
/// boundary), so that a long stream with an open vocabulary (names, numbers)
/// keeps bounded memory.
const MAX_CACHED_TYPES: usize = 1 << 18;
/// The same bound for the bytes of the cached types.
const MAX_CACHED_BYTES: usize = 1 << 23;

/// Marks a token that is not a word, or a type with no local id yet.
const NONE: u32 = u32::MAX;

/// What the statistics need to know about a word type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct TypeInfo {
    /// Not a keyword term: a stopword or a single char.
    pub(crate) stop: bool,
    /// Its entry in the tone lexicon.
    pub(crate) tone: tone::TypeEntry,
    /// Its near-duplicate word hash, if it is all ASCII letters and digits.
    pub(crate) plain_hash: Option<u64>,
}

/// What the statistics need to know about the type `form`.
fn type_info(form: &str) -> TypeInfo {
    TypeInfo {
        stop: keywords::is_stop_term(form),
        tone: tone::type_entry(form),
        plain_hash: simhash::plain_word_hash(form.as_bytes()),
    }
}

/// Capitalisation of a word token, as bits (see [`Shape`]).
const HAS_LETTER: u8 = 1;
const FIRST_UPPER: u8 = 2;
const ACRONYM: u8 = 4;

/// Capitalisation of a `Word` token: whether it has a letter, whether its
/// first letter is a capital, and whether it is an acronym (more than one
/// letter, all capitals). Worked out while the word is interned, since that
/// pass reads its bytes anyway.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Shape(u8);

impl Shape {
    /// `(first letter upper, acronym)`, or `None` without a letter.
    pub(crate) fn get(self) -> Option<(bool, bool)> {
        (self.0 & HAS_LETTER != 0).then_some((self.0 & FIRST_UPPER != 0, self.0 & ACRONYM != 0))
    }

    fn from_parts(parts: Option<(bool, bool)>) -> Self {
        Shape(parts.map_or(0, |(first_upper, acronym)| {
            HAS_LETTER | if first_upper { FIRST_UPPER } else { 0 } | if acronym { ACRONYM } else { 0 }
        }))
    }
}

/// Capitalisation of a word as written, char by char: the reference for the
/// byte-parallel computation of ASCII words.
pub(crate) fn word_shape(surface: &str) -> Option<(bool, bool)> {
    let mut letters = surface.chars().filter(|c| c.is_alphabetic());
    let first_upper = letters.next()?.is_uppercase();
    let (mut n_letters, mut all_upper) = (1usize, first_upper);
    for c in letters {
        n_letters += 1;
        all_upper &= c.is_uppercase();
    }
    Some((first_upper, n_letters > 1 && all_upper))
}

/// Eight bytes, one per lane.
const LANES: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Per byte lane of `x` (bytes below 0x80 only): high bit set where the byte
/// is in `lo..=hi`.
fn in_range(x: u64, lo: u8, hi: u8) -> u64 {
    // x + (0x80 - lo) sets the high bit from lo on, x + (0x7f - hi) from hi + 1 on;
    // no lane carries into the next since every byte is below 0x80.
    let from_lo = x.wrapping_add(LANES * u64::from(0x80 - lo));
    let above_hi = x.wrapping_add(LANES * u64::from(0x7f - hi));
    from_lo & !above_hi & HIGH_BITS
}

/// One step of the type hash over eight key bytes (little-endian).
fn hash_step(h: u64, chunk: u64) -> u64 {
    (h.rotate_left(5) ^ chunk).wrapping_mul(0x517c_c1b7_2722_0a95)
}

/// The end of the type hash: the length in, and every bit spread over the
/// low bits that pick the table slot.
fn hash_finish(h: u64, len: usize) -> u64 {
    let mut z = h ^ (len as u64);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The `n` (at most 8) bytes of `bytes` from `at` as a little-endian word,
/// zeros above; bytes past the slice count as zeros.
fn load(bytes: &[u8], at: usize, n: usize) -> u64 {
    // Reading eight bytes and masking is one load, where the text goes on
    // past the word; only at the very end of the text are bytes gathered.
    if let Some(word) = bytes.get(at..).and_then(|rest| rest.first_chunk::<8>()) {
        let word = u64::from_le_bytes(*word);
        return if n >= 8 { word } else { word & ((1u64 << (8 * n)) - 1) };
    }
    let rest = bytes.get(at..).unwrap_or(&[]);
    rest.iter().take(n).enumerate().fold(0u64, |acc, (k, &b)| acc | u64::from(b) << (8 * k))
}

/// The type hash of a key (a lowercased form).
fn hash_key(key: &[u8]) -> u64 {
    let mut h = 0u64;
    for at in (0..key.len()).step_by(8) {
        h = hash_step(h, load(key, at, key.len() - at));
    }
    hash_finish(h, key.len())
}

/// What the ASCII fast path learns about a word besides its lowercased form.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Lowered {
    /// `hash_key` of the lowercased form.
    hash: u64,
    shape: Shape,
    /// The first eight bytes of the lowercased form, zeros above.
    first: u64,
}

/// The ASCII word `text[start..end]` lowercased onto the end of `keys` and
/// hashed in the same pass, eight bytes at a time, with its [`Shape`];
/// `None` (and `keys` as it was) if it is not ASCII.
fn lower_ascii(text: &[u8], start: usize, end: usize, keys: &mut Vec<u8>) -> Option<Lowered> {
    let len = end.checked_sub(start).filter(|_| end <= text.len())?;
    let base = keys.len();
    let mut h = 0u64;
    // `several`: more than one letter so far (no popcount on baseline x86-64).
    let (mut several, mut any_lower, mut first) = (false, false, 0u8);
    let mut first_chunk = 0u64;
    let mut at = 0;
    while at < len {
        let chunk = load(text, start + at, len - at);
        if chunk & HIGH_BITS != 0 {
            keys.truncate(base);
            return None;
        }
        let upper = in_range(chunk, b'A', b'Z');
        let lower = in_range(chunk, b'a', b'z');
        let letters = upper | lower;
        if letters != 0 {
            several |= first != 0 || letters & (letters - 1) != 0;
            if first == 0 {
                first = if (upper >> letters.trailing_zeros()) & 1 != 0 { FIRST_UPPER } else { HAS_LETTER };
            }
        }
        any_lower |= lower != 0;
        // Capitals get bit 5: the 0x80 marks shifted down by two.
        let lowered = chunk | (upper >> 2);
        h = hash_step(h, lowered);
        if at == 0 {
            first_chunk = lowered;
        }
        keys.extend_from_slice(&lowered.to_le_bytes());
        at += 8;
    }
    keys.truncate(base + len);
    let shape = match first {
        0 => 0,
        FIRST_UPPER if several && !any_lower => HAS_LETTER | FIRST_UPPER | ACRONYM,
        FIRST_UPPER => HAS_LETTER | FIRST_UPPER,
        _ => HAS_LETTER,
    };
    Some(Lowered { hash: hash_finish(h, len), shape: Shape(shape), first: first_chunk })
}

/// [`lower_ascii`] for a word of at most eight bytes that the text goes on
/// past by eight bytes, the common case: one load, and no key bytes written
/// (the caller keeps them only for forms longer than the slot head). `None`
/// if the word is longer, too near the end of the text, or not ASCII.
#[inline(always)]
fn lower_short_ascii(text: &[u8], start: usize, end: usize) -> Option<Lowered> {
    let len = end.checked_sub(start).filter(|&len| len <= 8)?;
    let word = u64::from_le_bytes(*text.get(start..)?.first_chunk::<8>()?);
    // A shift by 64 would overflow: a full chunk keeps every byte.
    let chunk = if len == 8 { word } else { word & ((1u64 << (8 * len)) - 1) };
    if chunk & HIGH_BITS != 0 {
        return None;
    }
    let upper = in_range(chunk, b'A', b'Z');
    let lower = in_range(chunk, b'a', b'z');
    let letters = upper | lower;
    let shape = if letters == 0 {
        0
    } else if (upper >> letters.trailing_zeros()) & 1 == 0 {
        HAS_LETTER
    } else if lower == 0 && letters & (letters - 1) != 0 {
        HAS_LETTER | FIRST_UPPER | ACRONYM
    } else {
        HAS_LETTER | FIRST_UPPER
    };
    let lowered = chunk | (upper >> 2);
    Some(Lowered { hash: hash_finish(hash_step(0, lowered), len), shape: Shape(shape), first: lowered })
}

/// Forms up to this many bytes are checked in the slot alone.
const INLINE: usize = 7;

/// The head of a slot: the first [`INLINE`] bytes of the form (from
/// `first`, its first eight bytes) and its length, capped at 255, in the
/// top byte. Equal heads mean equal forms for forms up to [`INLINE`] bytes.
fn slot_head(first: u64, len: usize) -> u64 {
    (first & ((1u64 << (8 * INLINE)) - 1)) | ((len.min(255) as u64) << 56)
}

/// One slot of the type table: the low bits of the type's hash, its id,
/// and the head of its form. Most words are short, so the head alone tells
/// whether a slot holds the word: a lookup then reads one cache line, not
/// also the type's span and its bytes, which for a rare word are cache
/// misses of their own.
#[derive(Clone, Copy)]
struct Slot {
    hash: u32,
    id: u32,
    head: u64,
}

const EMPTY: Slot = Slot { hash: 0, id: NONE, head: 0 };

/// The per-thread cache of word types: an open-addressing table keyed by
/// the hash of the lowercased form, the forms themselves in one
/// arena for the exact check, and what is known about each type in flat
/// arrays indexed by its id.
struct Vocab {
    /// Power-of-two length, at most half full.
    slots: Vec<Slot>,
    /// The lowercased forms, one after the other; `spans[id]` is the range of `id`.
    bytes: Vec<u8>,
    spans: Vec<(u32, u32)>,
    info: Vec<TypeInfo>,
    /// Document-local id of each type while a document is interned, else `NONE`.
    local: Vec<u32>,
    /// The lowercased forms of the document's words, one after the other,
    /// while it is interned (kept to reuse the allocation).
    keys: Vec<u8>,
    /// The document's words, lowered and hashed, waiting for their ids.
    pending: Vec<Pending>,
    /// Reused buffer for lowercasing words that are not ASCII.
    lower: String,
    /// Bits of the hash that the table sees: all but in the tests that force collisions.
    hash_bits: u64,
}

impl Default for Vocab {
    fn default() -> Self {
        Vocab {
            slots: vec![EMPTY; 1 << 12],
            bytes: Vec::new(),
            spans: Vec::new(),
            info: Vec::new(),
            local: Vec::new(),
            keys: Vec::new(),
            pending: Vec::new(),
            lower: String::new(),
            hash_bits: u64::MAX,
        }
    }
}

thread_local! {
    static VOCAB: RefCell<Vocab> = RefCell::new(Vocab::default());
}

/// A word token lowercased and hashed, waiting for its type id.
#[derive(Clone, Copy, Debug)]
struct Pending {
    /// Index of the token.
    token: u32,
    /// The bits of the hash that the table sees.
    hash: u32,
    head: u64,
    /// Its lowercased form is `keys[key_start..key_start + key_len]`, or the
    /// head's first `key_len` bytes if that is at most [`INLINE`].
    key_start: u32,
    key_len: u32,
}

/// Buffers past this many bytes are not kept for the next document.
const MAX_KEPT_KEYS: usize = 1 << 20;

impl Vocab {
    /// Lowercases the word `text[start..end]`: its hash (the bits the table
    /// sees), its slot head, its length and, for ASCII words, its shape (else
    /// `None`: the caller works it out if it needs it). The lowercased form
    /// goes onto the end of `self.keys` only if it is longer than the slot
    /// head, which otherwise holds all of it (see [`Vocab::key`]).
    #[inline(always)]
    fn lower(&mut self, text: &str, start: usize, end: usize) -> (u32, u64, usize, Option<Shape>) {
        if let Some(lowered) = lower_short_ascii(text.as_bytes(), start, end) {
            let len = end - start;
            if len > INLINE {
                self.keys.extend_from_slice(&lowered.first.to_le_bytes()[..len.min(8)]);
            }
            return ((lowered.hash & self.hash_bits) as u32, slot_head(lowered.first, len), len, Some(lowered.shape));
        }
        self.lower_long(text, start, end)
    }

    /// [`Vocab::lower`] for the words that are not short ASCII words.
    #[inline(never)]
    fn lower_long(&mut self, text: &str, start: usize, end: usize) -> (u32, u64, usize, Option<Shape>) {
        let base = self.keys.len();
        let (lowered, shape) = match lower_ascii(text.as_bytes(), start, end, &mut self.keys) {
            Some(lowered) => (lowered, Some(lowered.shape)),
            None => {
                let lower = lowercase_into(text.get(start..end).unwrap_or(""), &mut self.lower);
                self.keys.extend_from_slice(lower.as_bytes());
                let key = self.keys.get(base..).unwrap_or(&[]);
                let first = load(key, 0, key.len().min(8));
                (Lowered { hash: hash_key(key), shape: Shape::default(), first }, None)
            }
        };
        let len = self.keys.len() - base;
        if len <= INLINE {
            self.keys.truncate(base);
        }
        ((lowered.hash & self.hash_bits) as u32, slot_head(lowered.first, len), len, shape)
    }

    /// The lowercased form of a pending word: from the slot head if it fits
    /// there, else from `keys`.
    fn key<'a>(p: &Pending, keys: &'a [u8], head_bytes: &'a [u8; 8]) -> &'a [u8] {
        if p.key_len as usize <= INLINE {
            head_bytes.get(..p.key_len as usize).unwrap_or(&[])
        } else {
            let start = p.key_start as usize;
            keys.get(start..start + p.key_len as usize).unwrap_or(&[])
        }
    }

    /// The type id of the word `text[start..end]` and, for ASCII words, its
    /// shape: one word at a time, as the tests want it.
    #[cfg(test)]
    fn id(&mut self, text: &str, start: usize, end: usize) -> (u32, Option<Shape>) {
        self.keys.clear();
        let (hash, head, len, shape) = self.lower(text, start, end);
        let keys = std::mem::take(&mut self.keys);
        let p = Pending { token: 0, hash, head, key_start: 0, key_len: len as u32 };
        let id = self.find_or_insert(hash, head, Vocab::key(&p, &keys, &head.to_le_bytes()));
        self.keys = keys;
        (id, shape)
    }

    /// Reads, for each pending word, the slot where its probe starts and
    /// what a hit there goes on to read: the type's local id and, for a form
    /// longer than the slot head, its span and first byte. These reads do
    /// not depend on one another, so their cache misses (the table is far
    /// larger than the caches) overlap; the probes, each branching on what
    /// it read, would take them one after the other. Returns a value made of
    /// what was read, for `black_box`, so that the reads are not optimised
    /// away.
    fn warm(&self, pending: &[Pending]) -> u64 {
        let Some(last) = self.spans.len().checked_sub(1) else { return 0 };
        let mask = self.slots.len().wrapping_sub(1);
        let mut sink = 0u64;
        for p in pending {
            let id = self.slots.get(p.hash as usize & mask).map_or(0, |s| s.id as usize).min(last);
            // Type 0 (the first word of the stream) stands in for short forms: its span is cached.
            let form_id = if p.key_len as usize > INLINE { id } else { 0 };
            let (start, _) = self.spans.get(form_id).copied().unwrap_or_default();
            let byte = self.bytes.get(start as usize).copied().unwrap_or(0);
            let local = self.local.get(id).copied().unwrap_or(0);
            sink = sink.wrapping_add(u64::from(byte) ^ u64::from(local));
        }
        sink
    }

    /// The id of the type `key` (a lowercased form), whose hash (low bits)
    /// is `hash` and whose slot head is `head`.
    #[inline(always)]
    fn find_or_insert(&mut self, hash: u32, head: u64, key: &[u8]) -> u32 {
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        loop {
            let Some(slot) = self.slots.get(at).copied() else { return NONE };
            if slot.id == NONE {
                break;
            }
            if slot.hash == hash && slot.head == head && (key.len() <= INLINE || self.form(slot.id) == Some(key)) {
                return slot.id;
            }
            at = (at + 1) & mask;
        }
        self.insert(at, hash, head, key)
    }

    /// Adds the type `key` in the free slot `at`: once per type, not per word.
    #[inline(never)]
    fn insert(&mut self, at: usize, hash: u32, head: u64, key: &[u8]) -> u32 {
        // Past 4 billion types or bytes, words count as non-words.
        let (Ok(id), Ok(start), Ok(end)) = (
            u32::try_from(self.info.len()),
            u32::try_from(self.bytes.len()),
            u32::try_from(self.bytes.len() + key.len()),
        ) else {
            return NONE;
        };
        if id == NONE {
            return NONE;
        }
        // The key is the lowercase of a `str`, so valid UTF-8.
        let form = std::str::from_utf8(key).unwrap_or("");
        self.info.push(type_info(form));
        self.local.push(NONE);
        self.bytes.extend_from_slice(key);
        self.spans.push((start, end));
        if let Some(slot) = self.slots.get_mut(at) {
            *slot = Slot { hash, id, head };
        }
        if 2 * self.info.len() > self.slots.len() {
            self.grow();
        }
        id
    }

    fn form(&self, id: u32) -> Option<&[u8]> {
        let &(start, end) = self.spans.get(id as usize)?;
        self.bytes.get(start as usize..end as usize)
    }

    /// Doubles the table and reinserts every type.
    fn grow(&mut self) {
        let len = self.slots.len() * 2;
        let mask = len - 1;
        let mut slots = vec![EMPTY; len];
        for slot in self.slots.iter().filter(|s| s.id != NONE) {
            let mut at = slot.hash as usize & mask;
            while slots.get(at).is_some_and(|s| s.id != NONE) {
                at = (at + 1) & mask;
            }
            if let Some(free) = slots.get_mut(at) {
                *free = *slot;
            }
        }
        self.slots = slots;
    }

    fn clear(&mut self) {
        self.slots.iter_mut().for_each(|s| *s = EMPTY);
        self.bytes.clear();
        self.spans.clear();
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
    /// Per token: the shape of a `Word` token (no letter for other kinds).
    shapes: Vec<Shape>,
    /// Per local id.
    info: Vec<TypeInfo>,
}

impl DocWords {
    /// Interns the word tokens of `tokens` (from `tokenize(text)`).
    pub fn new(text: &str, tokens: &[Token]) -> Self {
        VOCAB.with_borrow_mut(|vocab| {
            if vocab.info.len() >= MAX_CACHED_TYPES || vocab.bytes.len() >= MAX_CACHED_BYTES {
                vocab.clear();
            }
            let mut token_type = vec![NONE; tokens.len()];
            let mut shapes = vec![Shape::default(); tokens.len()];
            // First every word is lowercased and hashed, then the table is
            // read for all of them at once, and only then are they looked up:
            // see `Vocab::warm`.
            let mut pending = std::mem::take(&mut vocab.pending);
            pending.clear();
            pending.reserve(tokens.len());
            vocab.keys.clear();
            for ((token, tok), shape_slot) in tokens.iter().enumerate().zip(&mut shapes) {
                if !matches!(tok.kind, TokenKind::Word | TokenKind::Number | TokenKind::Hashtag) {
                    continue;
                }
                let key_start = vocab.keys.len();
                let (hash, head, len, shape) = vocab.lower(text, tok.start, tok.end);
                if tok.kind == TokenKind::Word {
                    *shape_slot = shape.unwrap_or_else(|| Shape::from_parts(word_shape(tok.as_str(text))));
                }
                // Past 4 billion tokens or key bytes, words count as non-words.
                let (Ok(token), Ok(key_start), Ok(key_len)) =
                    (u32::try_from(token), u32::try_from(key_start), u32::try_from(len))
                else {
                    continue;
                };
                pending.push(Pending { token, hash, head, key_start, key_len });
            }
            std::hint::black_box(vocab.warm(&pending));
            let keys = std::mem::take(&mut vocab.keys);
            let mut globals: Vec<u32> = Vec::with_capacity(pending.len() / 2);
            for p in &pending {
                let head_bytes = p.head.to_le_bytes();
                let global = vocab.find_or_insert(p.hash, p.head, Vocab::key(p, &keys, &head_bytes));
                let local = match vocab.local.get_mut(global as usize) {
                    Some(slot) if *slot == NONE => {
                        *slot = globals.len() as u32;
                        globals.push(global);
                        *slot
                    }
                    Some(slot) => *slot,
                    None => NONE,
                };
                if let Some(t) = token_type.get_mut(p.token as usize) {
                    *t = local;
                }
            }
            if keys.capacity() <= MAX_KEPT_KEYS {
                vocab.keys = keys;
            }
            if pending.capacity() <= MAX_KEPT_KEYS / std::mem::size_of::<Pending>() {
                vocab.pending = pending;
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
            DocWords { token_type, shapes, info }
        })
    }

    /// Local type id of token `index`, if it is a word token.
    pub(crate) fn type_of(&self, index: usize) -> Option<usize> {
        self.token_type.get(index).filter(|&&t| t != NONE).map(|&t| t as usize)
    }

    /// Shape of token `index`: no letter unless it is a `Word` token.
    pub(crate) fn shape(&self, index: usize) -> Shape {
        self.shapes.get(index).copied().unwrap_or_default()
    }

    /// The near-duplicate word hash of token `index`'s type, if it is a word
    /// token of ASCII letters and digits only.
    pub(crate) fn plain_word_hash(&self, index: usize) -> Option<u64> {
        self.info(self.type_of(index)?)?.plain_hash
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
            assert_eq!(info, Some(type_info(&key)));
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

    #[test]
    fn a_table_growing_mid_document_keeps_first_occurrence_order() {
        // Enough new types to grow the table while one document is interned,
        // after the reads that warm it, mixed with repeats, long forms and
        // forms that are not ASCII.
        let words: Vec<String> = (0..6000)
            .map(|i| match i % 4 {
                0 => format!("w{i}"),
                1 => format!("Longer{i}word"),
                2 => format!("\u{e9}t\u{e9}{i}"),
                _ => "the".to_string(),
            })
            .collect();
        let text = words.join(" ");
        let tokens = tokenize(&text);
        for _ in 0..2 {
            let doc = DocWords::new(&text, &tokens);
            let mut seen: Vec<String> = Vec::new();
            let mut buf = String::new();
            for (i, tok) in tokens.iter().enumerate() {
                let Some(id) = doc.type_of(i) else { continue };
                let key = lowercase_into(tok.as_str(&text), &mut buf).into_owned();
                match seen.iter().position(|k| *k == key) {
                    Some(p) => assert_eq!(p, id, "{key}"),
                    None => {
                        assert_eq!(id, seen.len(), "{key}");
                        seen.push(key);
                    }
                }
            }
            assert_eq!(doc.types(), seen.len());
        }
    }

    #[test]
    fn word_shapes() {
        for (word, shape) in [
            ("pier", Some((false, false))),
            ("Pier", Some((true, false))),
            ("UN", Some((true, true))),
            ("U.S.", Some((true, true))),
            ("A", Some((true, false))),
            ("3bn", Some((false, false))),
            ("G7", Some((true, false))),
            ("x-Ray", Some((false, false))),
            ("1990", None),
            ("", None),
            ("\u{c9}LAN", Some((true, true))),
            ("\u{e9}lan", Some((false, false))),
            ("\u{201c}", None),
        ] {
            assert_eq!(word_shape(word), shape, "{word}");
        }
    }

    /// Words across the edges of the eight-byte lanes and of the letter ranges.
    fn ascii_words() -> Vec<String> {
        let mut words: Vec<String> =
            ["", "a", "Z", "@", "[", "`", "{", "AZaz", "@[`{", "O'Neill", "MacDONALD", "NATO-led"]
                .iter()
                .map(|w| w.to_string())
                .collect();
        for len in [7, 8, 9, 15, 16, 17, 33] {
            words.push("A".repeat(len));
            words.push("b".repeat(len));
            words.push(format!("{}{}", "1".repeat(len - 1), "Q"));
            words.push(format!("{}x{}", "-".repeat(len - 1), "YZ"));
            words.push((0..len).map(|i| char::from(b' ' + (i * 13 % 95) as u8)).collect());
        }
        words
    }

    #[test]
    fn ascii_fast_path_equals_the_plain_computation() {
        // The key goes onto the end of what the buffer holds.
        let prefix = b"earlier words".to_vec();
        for word in ascii_words() {
            let lower = word.to_ascii_lowercase();
            // Alone (the word ends the text) and followed by more text, ASCII or not.
            for after in ["", " The rest of the TEXT", "\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}", "Q"] {
                let text = format!("x{word}{after}");
                let mut keys = prefix.clone();
                let lowered = lower_ascii(text.as_bytes(), 1, 1 + word.len(), &mut keys).unwrap();
                assert_eq!(keys, [prefix.as_slice(), lower.as_bytes()].concat(), "{word:?}");
                assert_eq!(lowered.hash, hash_key(lower.as_bytes()), "{word:?}");
                assert_eq!(lowered.shape, Shape::from_parts(word_shape(&word)), "{word:?}");
                assert_eq!(lowered.first, load(lower.as_bytes(), 0, lower.len().min(8)), "{word:?}");
            }
        }
        // Not ASCII (also past the first eight bytes) or an odd span: `None`, and the buffer as it was.
        let text = "Z\u{fc}rich abcdefgh\u{e9}";
        let mut keys = prefix.clone();
        assert_eq!(lower_ascii(text.as_bytes(), 0, 7, &mut keys), None);
        assert_eq!(lower_ascii(text.as_bytes(), 8, text.len(), &mut keys), None);
        assert_eq!(lower_ascii(text.as_bytes(), 3, 1, &mut keys), None);
        assert_eq!(lower_ascii(text.as_bytes(), 8, text.len() + 1, &mut keys), None);
        assert_eq!(keys, prefix);
        assert!(lower_ascii(text.as_bytes(), 8, 16, &mut keys).is_some());
    }

    #[test]
    fn short_word_fast_path_equals_the_general_one() {
        for word in ascii_words().into_iter().chain(["12345678", "Ab-Cd.Ef", "ABCDEFGH", "abcdefgh"].map(String::from))
        {
            for after in ["", " The rest of the TEXT", "\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}", "Q"] {
                let text = format!("x{word}{after}");
                let (start, end) = (1, 1 + word.len());
                let fast = lower_short_ascii(text.as_bytes(), start, end);
                let general = lower_ascii(text.as_bytes(), start, end, &mut Vec::new());
                if word.len() <= 8 && text.len() >= start + 8 {
                    assert_eq!(fast, general, "{word:?}{after:?}");
                } else {
                    assert_eq!(fast, None, "{word:?}{after:?}");
                }
            }
        }
        let text = "Z\u{fc}rich and more text after it";
        assert_eq!(lower_short_ascii(text.as_bytes(), 0, 7), None);
        assert_eq!(lower_short_ascii(text.as_bytes(), 5, 2), None);
    }

    #[test]
    fn colliding_hashes_still_tell_types_apart() {
        // Two bits of hash: nearly every type shares its hash with others,
        // and the table is tiny, so probing and the exact check decide.
        let mut vocab = Vocab { slots: vec![EMPTY; 2], hash_bits: 3, ..Vocab::default() };
        let mut words = ascii_words();
        words
            .extend(["Z\u{fc}rich", "Z\u{dc}RICH", "Don\u{2019}t", "don't", "\u{3a3}\u{39f}\u{3a3}"].map(String::from));
        // Forms that share their slot head: the same first seven bytes and
        // length, or lengths past the 255 the head keeps.
        words.extend(
            ["abcdefg", "abcdefgh", "abcdefgi", "ABCDEFGI", "abcdef", "abcdef\u{e9}", "abcdefg\u{e9}"]
                .map(String::from),
        );
        words.extend([format!("{}x", "q".repeat(300)), format!("{}y", "q".repeat(300)), "q".repeat(556)]);
        let mut seen: Vec<String> = Vec::new();
        for _ in 0..2 {
            for word in &words {
                let (id, _) = vocab.id(word, 0, word.len());
                let mut buf = String::new();
                let key = lowercase_into(word, &mut buf).into_owned();
                match seen.iter().position(|k| *k == key) {
                    Some(p) => assert_eq!(id as usize, p, "{word:?}"),
                    None => {
                        assert_eq!(id as usize, seen.len(), "{word:?}");
                        seen.push(key);
                    }
                }
            }
        }
        assert!(vocab.slots.len() >= 2 * seen.len());
        vocab.clear();
        assert_eq!(vocab.id("pier", 0, 4).0, 0);
    }

    #[test]
    fn shapes_of_word_tokens_only() {
        let text = "NATO met the UN in Z\u{fc}rich at 10am, #Tag 1990 \u{c9}LAN x-Ray.";
        let tokens = tokenize(text);
        let words = DocWords::new(text, &tokens);
        for (i, tok) in tokens.iter().enumerate() {
            let expected = if tok.kind == TokenKind::Word { word_shape(tok.as_str(text)) } else { None };
            assert_eq!(words.shape(i).get(), expected, "{tok:?}");
        }
        assert_eq!(words.shape(tokens.len()).get(), None);
    }
}
