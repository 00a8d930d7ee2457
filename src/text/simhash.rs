//! Near-duplicate detection: 64-bit SimHash fingerprints and a bounded index.
//!
//! Sits at the end of the enrich stage: the stage computes [`simhash`] of the
//! clean body and asks a [`SimhashIndex`] which earlier documents it nearly
//! duplicates, then inserts it. The index is the only state of lede that
//! grows with the stream, so it has a fixed capacity (oldest documents are
//! evicted first) and can be persisted with [`SimhashIndex::serialize`].
//!
//! Why SimHash (Charikar 2002, as used by Manku et al. 2007 for web pages)
//! and not MinHash + LSH: one `u64` per document is the smallest state that
//! supports a bounded Hamming search, and the banded lookup below answers a
//! query in a handful of hash probes. MinHash needs a hundred or more hashes per
//! document to estimate Jaccard similarity with comparable precision.
//!
//! Features are overlapping word shingles (lowercased alphanumeric words);
//! each feature's 64-bit hash votes +1/-1 per bit and the sign of each sum is
//! the fingerprint bit.
//!
//! Lookup: the 64 bits are split into `k + 1` bands for a maximum distance
//! `k`; two fingerprints within distance `k` agree exactly on at least one
//! band (pigeonhole), so a query probes `k + 1` buckets and compares only
//! against documents sharing a band value. The default `k = 3` gives four
//! bands of 16 bits.

use std::collections::{HashMap, VecDeque};

use thiserror::Error;

use super::tokenize::Token;
use super::vocab::DocWords;

/// Words per shingle used by [`simhash`]. Chosen by measurement on the BBC
/// corpus (see `docs/enrich.md`): single words make unrelated English texts
/// collide (shared function words), trigrams lose recall on small edits.
pub const DEFAULT_SHINGLE: usize = 2;

/// Default maximum Hamming distance for two fingerprints to count as near
/// duplicates. Measured on the BBC corpus with edited copies: 6 finds three
/// in four edited copies with no false pair, 3 only one in three.
pub const DEFAULT_MAX_DISTANCE: u32 = 6;

/// Largest maximum distance accepted: eight bands of eight bits. Beyond it
/// buckets get so wide that a query degenerates into a scan.
pub const MAX_SUPPORTED_DISTANCE: u32 = 7;

/// The 64-bit SimHash of `text` over word shingles of [`DEFAULT_SHINGLE`]
/// words. Empty text (no words) gives 0.
pub fn simhash(text: &str) -> u64 {
    simhash_with(text, DEFAULT_SHINGLE)
}

/// The 64-bit SimHash of `text` over shingles of `shingle` consecutive words
/// (`0` is treated as `1`). A text shorter than one shingle is hashed as a
/// single shingle of all its words.
pub fn simhash_with(text: &str, shingle: usize) -> u64 {
    simhash_known(text, shingle, |_| None)
}

/// [`simhash`] of `text` with its words interned: `words` is
/// `DocWords::new(text, tokens)`. A token that is a whole word of plain ASCII
/// letters and digits gets the hash of its type, worked out once per type,
/// instead of being hashed byte by byte; the fingerprint is the same.
pub(crate) fn simhash_of_words(text: &str, tokens: &[Token], words: &DocWords) -> u64 {
    let mut next = 0;
    simhash_known(text, DEFAULT_SHINGLE, |at| {
        // Words come in text order, so the cursor only moves forward.
        while tokens.get(next).is_some_and(|t| t.start < at) {
            next += 1;
        }
        let token = tokens.get(next).filter(|t| t.start == at)?;
        Some((token.end, words.plain_word_hash(next)?))
    })
}

/// The word hash of `form` (a lowercased form) if it is all ASCII letters
/// and digits: what [`for_each_word_hash`] gives such a word.
pub(crate) fn plain_word_hash(form: &[u8]) -> Option<u64> {
    let mut h = FNV_OFFSET;
    for &b in form {
        if !(b.is_ascii_digit() || b.is_ascii_lowercase()) {
            return None;
        }
        feed(&mut h, b);
    }
    (!form.is_empty()).then(|| mix(h))
}

/// [`simhash_with`], where `known(at)`, for a word that starts at byte `at`,
/// may tell where it ends and its hash, if it is all ASCII letters and
/// digits up to there.
#[inline(always)]
fn simhash_known(text: &str, shingle: usize, known: impl FnMut(usize) -> Option<(usize, u64)>) -> u64 {
    let shingle = shingle.max(1);
    let mut words: Vec<u64> = Vec::with_capacity(text.len() / 6 + 1);
    for_each_word_hash(text, known, |h| words.push(h));
    if words.is_empty() {
        return 0;
    }
    let mut votes = BitVotes::default();
    if words.len() <= shingle {
        votes.add(combine(&words));
    } else {
        for window in words.windows(shingle) {
            votes.add(combine(window));
        }
    }
    votes.fingerprint()
}

/// Per-bit counts of set bits over a stream of hashes. Bit `b` of the
/// fingerprint is set when more hashes have it set than clear, i.e. when the
/// +1/-1 votes sum to a positive number.
///
/// Counting is bit-sliced: hashes are taken eight at a time and summed by a
/// tree of carry-save adders into three bit planes (`ones`, `twos`, `fours`:
/// bit `b` of each is one binary digit of the running count of bit `b`), and
/// only the carry out of `fours` (one per eight hashes and bit at most) is
/// spread over byte lanes: lane `k` (byte `k`) of `lanes[j]` counts eights of
/// bit `8 * k + j`. That is a few word operations per hash instead of a shift,
/// mask and add per byte lane for every hash.
struct BitVotes {
    /// Hashes not folded in yet: the first `batched`.
    batch: [u64; 8],
    batched: usize,
    ones: u64,
    twos: u64,
    fours: u64,
    lanes: [u64; 8],
    /// Eights in `lanes` since the last flush; a byte lane holds at most 255.
    pending: u32,
    /// Per bit, eights counted (flushed from `lanes`).
    eights: [u32; 64],
    total: u64,
}

impl Default for BitVotes {
    fn default() -> Self {
        BitVotes {
            batch: [0; 8],
            batched: 0,
            ones: 0,
            twos: 0,
            fours: 0,
            lanes: [0; 8],
            pending: 0,
            eights: [0; 64],
            total: 0,
        }
    }
}

/// A carry-save adder over 64 bit positions at once: per bit, `a + b + c`
/// as `(carry, sum)` with the value `2 * carry + sum`.
fn carry_save(a: u64, b: u64, c: u64) -> (u64, u64) {
    let half = a ^ b;
    ((a & b) | (half & c), half ^ c)
}

impl BitVotes {
    const LOW_BITS: u64 = 0x0101_0101_0101_0101;

    #[inline]
    fn add(&mut self, h: u64) {
        if let Some(slot) = self.batch.get_mut(self.batched) {
            *slot = h;
        }
        self.batched += 1;
        self.total += 1;
        if self.batched == self.batch.len() {
            self.fold_batch();
        }
    }

    /// Adds the eight batched hashes to the bit planes, and the carry out of
    /// the planes to the lanes.
    fn fold_batch(&mut self) {
        let [d0, d1, d2, d3, d4, d5, d6, d7] = self.batch;
        let (twos_a, ones) = carry_save(self.ones, d0, d1);
        let (twos_b, ones) = carry_save(ones, d2, d3);
        let (fours_a, twos) = carry_save(self.twos, twos_a, twos_b);
        let (twos_a, ones) = carry_save(ones, d4, d5);
        let (twos_b, ones) = carry_save(ones, d6, d7);
        let (fours_b, twos) = carry_save(twos, twos_a, twos_b);
        let (eights, fours) = carry_save(self.fours, fours_a, fours_b);
        (self.ones, self.twos, self.fours) = (ones, twos, fours);
        self.batched = 0;
        for (j, lane) in self.lanes.iter_mut().enumerate() {
            *lane += (eights >> j) & Self::LOW_BITS;
        }
        self.pending += 1;
        if self.pending == 255 {
            self.flush();
        }
    }

    fn flush(&mut self) {
        for (j, lane) in self.lanes.iter_mut().enumerate() {
            for k in 0..8 {
                self.eights[8 * k + j] += ((*lane >> (8 * k)) & 0xff) as u32;
            }
            *lane = 0;
        }
        self.pending = 0;
    }

    fn fingerprint(mut self) -> u64 {
        self.flush();
        let rest = self.batch.get(..self.batched).unwrap_or(&[]);
        let mut fingerprint = 0u64;
        for (bit, &eights) in self.eights.iter().enumerate() {
            let digit = |plane: u64| (plane >> bit) & 1;
            let count = 8 * u64::from(eights)
                + 4 * digit(self.fours)
                + 2 * digit(self.twos)
                + digit(self.ones)
                + rest.iter().map(|&h| digit(h)).sum::<u64>();
            if 2 * count > self.total {
                fingerprint |= 1 << bit;
            }
        }
        fingerprint
    }
}

/// Hamming distance between two fingerprints.
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Similarity in 0..=1 derived from the Hamming distance: `1 - d / 64`.
pub fn similarity(a: u64, b: u64) -> f32 {
    1.0 - distance(a, b) as f32 / 64.0
}

/// FNV-1a parameters of the word hash.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// One FNV-1a step: the word hash of [`for_each_word_hash`] and [`plain_word_hash`].
#[inline(always)]
fn feed(h: &mut u64, b: u8) {
    *h ^= u64::from(b);
    *h = h.wrapping_mul(FNV_PRIME);
}

/// Calls `emit` with the hash of each word of `text`, in order. A word is a
/// run of alphanumeric chars and apostrophes (straight or curly) with the
/// apostrophes at either end trimmed, so "don't" is one word and "'quoted'"
/// is "quoted". Its hash is FNV-1a over the UTF-8 bytes of its chars, each
/// lowercased, then a 64-bit finaliser so that every output bit depends on
/// every input bit (FNV alone leaves the high bits weak for short words).
///
/// One pass over the bytes, hashing as it goes: no word is sliced out,
/// trimmed or lowercased into a buffer. ASCII bytes are classified by one
/// table look-up; only other chars are decoded.
///
/// `known(at)`, asked where a word starts with an ASCII letter or digit, may
/// give where the run of ASCII letters and digits from `at` ends and the hash
/// of that run; it is the word's if an ASCII separator (or the end of the
/// text) follows.
fn for_each_word_hash(text: &str, mut known: impl FnMut(usize) -> Option<(usize, u64)>, mut emit: impl FnMut(u64)) {
    fn feed_lowercase(h: &mut u64, c: char) {
        for lower in c.to_lowercase() {
            let mut buf = [0u8; 4];
            lower.encode_utf8(&mut buf).bytes().for_each(|b| feed(h, b));
        }
    }
    /// The char at `i` (not ASCII) and its class.
    fn decode(text: &str, i: usize) -> Option<(char, CharClass)> {
        let c = text.get(i..)?.chars().next()?;
        let class = if c.is_alphanumeric() {
            CharClass::Alphanumeric
        } else if c == '\u{2019}' {
            CharClass::Apostrophe
        } else {
            CharClass::Separator
        };
        Some((c, class))
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    'words: loop {
        // Between words: skip to the first alphanumeric char; apostrophes
        // before it are trimmed.
        let mut h = FNV_OFFSET;
        loop {
            let Some(&b) = bytes.get(i) else { return };
            match ASCII_CLASS[usize::from(b)] {
                SEPARATOR | APOSTROPHE => i += 1,
                OTHER => {
                    let Some((c, class)) = decode(text, i) else { return };
                    i += c.len_utf8();
                    if let CharClass::Alphanumeric = class {
                        feed_lowercase(&mut h, c);
                        break;
                    }
                }
                lower => {
                    if let Some((end, hash)) = known(i) {
                        let ends_here =
                            bytes.get(end).map_or(end == bytes.len(), |&b| ASCII_CLASS[usize::from(b)] == SEPARATOR);
                        if end > i && ends_here {
                            emit(hash);
                            i = end;
                            continue 'words;
                        }
                    }
                    feed(&mut h, lower);
                    i += 1;
                    break;
                }
            }
        }
        // In a word.
        loop {
            // The rest of an ASCII run, the common case, in a tight loop.
            while let Some(&lower) = bytes.get(i).map(|&b| &ASCII_CLASS[usize::from(b)]) {
                if lower < FIRST_ALPHANUMERIC {
                    break;
                }
                feed(&mut h, lower);
                i += 1;
            }
            let Some(&b) = bytes.get(i) else {
                emit(mix(h));
                return;
            };
            match ASCII_CLASS[usize::from(b)] {
                SEPARATOR => {
                    emit(mix(h));
                    i += 1;
                    continue 'words;
                }
                APOSTROPHE => {}
                _ => match decode(text, i) {
                    Some((c, CharClass::Alphanumeric)) => {
                        feed_lowercase(&mut h, c);
                        i += c.len_utf8();
                        continue;
                    }
                    Some((_, CharClass::Apostrophe)) => {}
                    // A separator that is not ASCII: skipped between words.
                    _ => {
                        emit(mix(h));
                        continue 'words;
                    }
                },
            }
            // A run of apostrophes: inside the word if an alphanumeric char
            // follows, hashed as written; else trimmed.
            let from = i;
            let next = loop {
                let Some(&b) = bytes.get(i) else { break None };
                match ASCII_CLASS[usize::from(b)] {
                    APOSTROPHE => i += 1,
                    SEPARATOR => break None,
                    OTHER => match decode(text, i) {
                        Some((c, CharClass::Apostrophe)) => i += c.len_utf8(),
                        Some((c, CharClass::Alphanumeric)) => break Some(c),
                        _ => break None,
                    },
                    lower => break Some(char::from(lower)),
                }
            };
            let Some(c) = next else {
                // The word ends before the apostrophes; what follows them is
                // looked at between words.
                emit(mix(h));
                continue 'words;
            };
            bytes.get(from..i).unwrap_or(&[]).iter().for_each(|&b| feed(&mut h, b));
            if c.is_ascii() {
                // The ASCII run loop above takes it.
                continue;
            }
            feed_lowercase(&mut h, c);
            i += c.len_utf8();
        }
    }
}

/// Classes of bytes in [`ASCII_CLASS`]; an alphanumeric byte is its
/// lowercase form, which is at least `FIRST_ALPHANUMERIC`.
const SEPARATOR: u8 = 0;
const APOSTROPHE: u8 = 1;
/// Part of a char that is not ASCII.
const OTHER: u8 = 2;
const FIRST_ALPHANUMERIC: u8 = b'0';

/// Per byte: its lowercase form if it is an ASCII letter or digit, else its class.
static ASCII_CLASS: [u8; 256] = {
    let mut table = [SEPARATOR; 256];
    let mut b = 0usize;
    while b < 256 {
        let byte = b as u8;
        table[b] = if byte.is_ascii_alphanumeric() {
            byte.to_ascii_lowercase()
        } else if byte == b'\'' {
            APOSTROPHE
        } else if !byte.is_ascii() {
            OTHER
        } else {
            SEPARATOR
        };
        b += 1;
    }
    table
};

/// What a char is to [`for_each_word_hash`].
#[derive(Clone, Copy)]
enum CharClass {
    Alphanumeric,
    Apostrophe,
    Separator,
}

/// Order-sensitive combination of word hashes into one shingle hash.
fn combine(hashes: &[u64]) -> u64 {
    hashes.iter().fold(0x9e37_79b9_7f4a_7c15u64, |acc, h| mix(acc.rotate_left(5) ^ h))
}

/// The splitmix64 finaliser.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// An earlier document that a query nearly duplicates; serialises as the
/// record's `near_duplicates` items.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NearDuplicate {
    /// The id the earlier document was inserted with.
    pub id: String,
    /// Hamming distance between the two fingerprints.
    pub distance: u32,
    /// `1 - distance / 64`.
    pub similarity: f32,
}

/// Why [`SimhashIndex::try_new`] or [`SimhashIndex::deserialize`] refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum SimhashError {
    /// The capacity was zero.
    #[error("simhash index capacity must be at least 1")]
    ZeroCapacity,
    /// The maximum distance exceeds [`MAX_SUPPORTED_DISTANCE`].
    #[error("simhash max distance {0} is above the supported {MAX_SUPPORTED_DISTANCE}")]
    DistanceTooLarge(u32),
    /// The bytes do not start with the index's magic and version.
    #[error("simhash index snapshot has an unknown header")]
    BadHeader,
    /// The bytes end before the data they announce.
    #[error("simhash index snapshot is truncated")]
    Truncated,
    /// An id in the snapshot is not UTF-8.
    #[error("simhash index snapshot holds an id that is not UTF-8")]
    BadId,
}

/// One indexed document.
#[derive(Debug, Clone)]
struct Entry {
    id: String,
    hash: u64,
}

/// A bounded index of fingerprints answering "which earlier documents are
/// within the maximum Hamming distance of this one".
///
/// Insertion order is kept; when full, inserting evicts the oldest document.
/// Memory is about `capacity * (id length + 56)` bytes.
#[derive(Debug, Clone)]
pub struct SimhashIndex {
    capacity: usize,
    max_distance: u32,
    /// Documents in insertion order; `entries[i]` has sequence number
    /// `first_seq + i`.
    entries: VecDeque<Entry>,
    first_seq: u64,
    /// Per band: band value -> the entries having it.
    /// There are `max_distance + 1` bands.
    bands: Vec<HashMap<u64, Bucket>>,
}

/// The entries sharing one band value, oldest first. The fingerprints are
/// kept apart from the sequence numbers, which only a match needs: a query
/// reads nothing but a run of fingerprints, half the memory of pairs.
#[derive(Debug, Clone, Default)]
struct Bucket {
    hashes: VecDeque<u64>,
    seqs: VecDeque<u64>,
}

impl Bucket {
    fn len(&self) -> usize {
        self.hashes.len()
    }

    fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    fn push_back(&mut self, seq: u64, hash: u64) {
        self.hashes.push_back(hash);
        self.seqs.push_back(seq);
    }

    fn pop_front(&mut self) {
        self.hashes.pop_front();
        self.seqs.pop_front();
    }

    /// Pushes `(distance, seq)` of each entry within `max_distance` of `hash` onto `hits`.
    fn matches(&self, hash: u64, max_distance: u32, hits: &mut Vec<(u32, u64)>) {
        let (front, back) = self.hashes.as_slices();
        for (offset, part) in [(0, front), (front.len(), back)] {
            for (i, &other) in part.iter().enumerate() {
                let d = distance(hash, other);
                if d <= max_distance {
                    if let Some(&seq) = self.seqs.get(offset + i) {
                        hits.push((d, seq));
                    }
                }
            }
        }
    }
}

/// Most entries a bucket keeps; past it the bucket forgets its oldest. Random fingerprints put
/// about `capacity / 2^(64 / bands)` entries in a bucket (under 200 at the default capacity),
/// but a story re-posted thousands of times fills one bucket per band with copies, and every
/// query landing there would scan them all. The copies a bucket forgets are still reachable
/// through their other bands, and the newest copies, which are kept, match as well.
const MAX_BUCKET: usize = 2048;

/// Snapshot header: magic and format version.
const MAGIC: &[u8; 8] = b"LEDESH01";

impl SimhashIndex {
    /// An empty index holding at most `capacity` documents, reporting
    /// matches within `max_distance` bits.
    ///
    /// # Errors
    /// [`SimhashError::ZeroCapacity`] for a zero capacity,
    /// [`SimhashError::DistanceTooLarge`] above [`MAX_SUPPORTED_DISTANCE`].
    pub fn try_new(capacity: usize, max_distance: u32) -> Result<Self, SimhashError> {
        if capacity == 0 {
            return Err(SimhashError::ZeroCapacity);
        }
        if max_distance > MAX_SUPPORTED_DISTANCE {
            return Err(SimhashError::DistanceTooLarge(max_distance));
        }
        Ok(Self {
            capacity,
            max_distance,
            entries: VecDeque::new(),
            first_seq: 0,
            bands: vec![HashMap::new(); max_distance as usize + 1],
        })
    }

    /// Number of documents held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the index holds no document.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The configured capacity.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The configured maximum distance.
    pub fn max_distance(&self) -> u32 {
        self.max_distance
    }

    /// Earlier documents within the maximum distance of `hash`, closest
    /// first (ties: oldest first). Does not modify the index.
    pub fn query(&self, hash: u64) -> Vec<NearDuplicate> {
        self.query_closest(hash, usize::MAX)
    }

    /// The first `limit` of [`query`](Self::query)'s answer, without copying
    /// the ids of the matches past it.
    pub fn query_closest(&self, hash: u64, limit: usize) -> Vec<NearDuplicate> {
        // Filter by distance first: matches are few, candidates are not, so
        // only the matches need deduplicating across bands.
        let mut hits: Vec<(u32, u64)> = Vec::new();
        let n = self.bands.len();
        for (band, map) in self.bands.iter().enumerate() {
            if let Some(bucket) = map.get(&band_value(hash, band, n)) {
                bucket.matches(hash, self.max_distance, &mut hits);
            }
        }
        // (distance, sequence number) pairs sort into the answer's order
        hits.sort_unstable();
        hits.dedup();
        hits.into_iter()
            .filter_map(|(d, seq)| {
                let entry = self.entry(seq)?;
                Some(NearDuplicate { id: entry.id.clone(), distance: d, similarity: 1.0 - d as f32 / 64.0 })
            })
            .take(limit)
            .collect()
    }

    fn entry(&self, seq: u64) -> Option<&Entry> {
        self.entries.get(usize::try_from(seq.checked_sub(self.first_seq)?).ok()?)
    }

    /// Adds a document, evicting the oldest one when the index is full.
    pub fn insert(&mut self, id: impl Into<String>, hash: u64) {
        if self.entries.len() >= self.capacity {
            self.evict_oldest();
        }
        let seq = self.first_seq + self.entries.len() as u64;
        let n = self.bands.len();
        for (band, map) in self.bands.iter_mut().enumerate() {
            let bucket = map.entry(band_value(hash, band, n)).or_default();
            if bucket.len() >= MAX_BUCKET {
                bucket.pop_front();
            }
            bucket.push_back(seq, hash);
        }
        self.entries.push_back(Entry { id: id.into(), hash });
    }

    /// [`query`](Self::query) then [`insert`](Self::insert): the call the
    /// enrich stage makes per document.
    pub fn check_and_insert(&mut self, id: impl Into<String>, hash: u64) -> Vec<NearDuplicate> {
        self.check_and_insert_closest(id, hash, usize::MAX)
    }

    /// [`check_and_insert`](Self::check_and_insert) answering with at most
    /// `limit` documents, the closest.
    pub fn check_and_insert_closest(&mut self, id: impl Into<String>, hash: u64, limit: usize) -> Vec<NearDuplicate> {
        let found = self.query_closest(hash, limit);
        self.insert(id, hash);
        found
    }

    fn evict_oldest(&mut self) {
        let Some(entry) = self.entries.pop_front() else {
            return;
        };
        let seq = self.first_seq;
        self.first_seq += 1;
        let n = self.bands.len();
        for (band, map) in self.bands.iter_mut().enumerate() {
            let key = band_value(entry.hash, band, n);
            if let Some(bucket) = map.get_mut(&key) {
                // Buckets are filled in insertion order and the evicted entry is the
                // oldest of all, so it is at the front of its bucket, unless the bucket
                // already forgot it.
                if bucket.seqs.front() == Some(&seq) {
                    bucket.pop_front();
                }
                if bucket.is_empty() {
                    map.remove(&key);
                }
            }
        }
    }

    /// A compact binary snapshot: header, capacity, max distance, then each
    /// document (oldest first) as hash and length-prefixed UTF-8 id, all
    /// integers little-endian.
    pub fn serialize(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(24 + self.entries.len() * 24);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(self.capacity as u64).to_le_bytes());
        out.extend_from_slice(&self.max_distance.to_le_bytes());
        out.extend_from_slice(&(self.entries.len() as u64).to_le_bytes());
        for e in &self.entries {
            out.extend_from_slice(&e.hash.to_le_bytes());
            out.extend_from_slice(&(e.id.len() as u32).to_le_bytes());
            out.extend_from_slice(e.id.as_bytes());
        }
        out
    }

    /// Rebuilds an index from [`serialize`](Self::serialize) output.
    ///
    /// # Errors
    /// A [`SimhashError`] saying what is wrong with the bytes; the
    /// capacity/distance checks of [`try_new`](Self::try_new) apply too.
    pub fn deserialize(bytes: &[u8]) -> Result<Self, SimhashError> {
        let mut r = Reader { bytes, pos: 0 };
        if r.take(MAGIC.len())? != MAGIC {
            return Err(SimhashError::BadHeader);
        }
        let capacity = usize::try_from(r.u64()?).map_err(|_| SimhashError::Truncated)?;
        let max_distance = r.u32()?;
        let count = r.u64()?;
        let mut index = Self::try_new(capacity, max_distance)?;
        for _ in 0..count {
            let hash = r.u64()?;
            let len = r.u32()? as usize;
            let id = std::str::from_utf8(r.take(len)?).map_err(|_| SimhashError::BadId)?;
            index.insert(id, hash);
        }
        Ok(index)
    }
}

/// The bits of `hash` in band `band` of `n` (1 ..= 64) near-equal bands.
fn band_value(hash: u64, band: usize, n: usize) -> u64 {
    let n = n.clamp(1, 64);
    let lo = band * 64 / n;
    let hi = (band + 1) * 64 / n;
    let width = hi.saturating_sub(lo);
    if width >= 64 {
        hash
    } else {
        (hash >> lo) & ((1u64 << width) - 1)
    }
}

/// A bounds-checked little-endian reader over a snapshot.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], SimhashError> {
        let end = self.pos.checked_add(n).ok_or(SimhashError::Truncated)?;
        let slice = self.bytes.get(self.pos..end).ok_or(SimhashError::Truncated)?;
        self.pos = end;
        Ok(slice)
    }

    fn u64(&mut self) -> Result<u64, SimhashError> {
        let mut buf = [0u8; 8];
        buf.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(buf))
    }

    fn u32(&mut self) -> Result<u32, SimhashError> {
        let mut buf = [0u8; 4];
        buf.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(buf))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "The harbour council voted on Tuesday to rebuild the old \
        stone pier before the winter storms arrive. Fishermen had asked for \
        repairs for years, saying the cracked wall made landing their catch \
        dangerous at low tide. The mayor said the work would start in October \
        and cost less than the new ferry terminal planned for next spring. \
        Opponents argued the money should go to the school roof instead, but \
        the motion passed by seven votes to three after a long debate.";

    const OTHER: &str = "A small software company in the valley released a \
        new version of its accounting program, promising faster reports and \
        a simpler screen for invoices. Customers who tested the early build \
        praised the export feature but complained about the price of the \
        annual licence, which rose by a fifth compared with last year.";

    #[test]
    fn identical_texts_have_identical_hashes() {
        assert_eq!(simhash(STORY), simhash(String::from(STORY).as_str()));
        assert_eq!(distance(simhash(STORY), simhash(STORY)), 0);
    }

    #[test]
    fn case_and_punctuation_do_not_change_the_hash() {
        let shouted = STORY.to_uppercase().replace('.', " !");
        assert_eq!(simhash(STORY), simhash(&shouted));
    }

    #[test]
    fn small_edit_is_closer_than_unrelated_text() {
        let edited = STORY.replace("seven votes", "eight votes");
        let a = simhash(STORY);
        assert!(distance(a, simhash(&edited)) < distance(a, simhash(OTHER)));
        assert!(distance(a, simhash(OTHER)) > MAX_SUPPORTED_DISTANCE);
    }

    /// The plain +1/-1 vote per bit that [`BitVotes`] must agree with.
    fn reference_fingerprint(hashes: &[u64]) -> u64 {
        let mut votes = [0i64; 64];
        for h in hashes {
            for (bit, vote) in votes.iter_mut().enumerate() {
                *vote += if (h >> bit) & 1 == 1 { 1 } else { -1 };
            }
        }
        votes.iter().enumerate().filter(|(_, v)| **v > 0).fold(0, |acc, (bit, _)| acc | 1 << bit)
    }

    /// The split-and-trim word hashing the single-pass scanner must agree with.
    fn reference_word_hashes(text: &str) -> Vec<u64> {
        text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}'))
            .map(|w| w.trim_matches(|c: char| c == '\'' || c == '\u{2019}'))
            .filter(|w| !w.is_empty())
            .map(|word| {
                let mut h = FNV_OFFSET;
                for c in word.chars().flat_map(char::to_lowercase) {
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        h ^= u64::from(b);
                        h = h.wrapping_mul(FNV_PRIME);
                    }
                }
                mix(h)
            })
            .collect()
    }

    fn reference_simhash(text: &str, shingle: usize) -> u64 {
        let shingle = shingle.max(1);
        let words = reference_word_hashes(text);
        if words.is_empty() {
            return 0;
        }
        let hashes: Vec<u64> =
            if words.len() <= shingle { vec![combine(&words)] } else { words.windows(shingle).map(combine).collect() };
        reference_fingerprint(&hashes)
    }

    #[test]
    fn single_pass_words_match_split_and_trim() {
        for text in [
            "",
            "'",
            "''' \u{2019}\u{2019} '",
            "don't DON\u{2019}T 'quoted' \u{2019}tis rock'n'roll o''clock a'\u{2019}'b end' x'",
            "\u{130}stanbul \u{3a3}\u{38a}\u{3a3}\u{3a5}\u{3a6}\u{39f}\u{3a3} Z\u{fc}rich \u{c6}\u{d8}\u{c5} stra\u{df}e \u{1c5} 1,000.5 U.S.",
            "tab\tnew\nline\u{a0}nbsp\u{2014}dash \u{65e5}\u{672c} \u{1f642} pro-government x",
            "a' 'a a'b' x'\u{e9} \u{e9}'x \u{e9}\u{2019}\u{e9} a\u{2019}.b a'\u{201c}b ab\u{2019}",
            "end\u{e9}",
            "a\u{10b99}a word\u{2014}dash word\u{a0}",
            "x'",
            "\u{2019}",
            STORY,
        ] {
            let mut hashes = Vec::new();
            for_each_word_hash(text, |_| None, |h| hashes.push(h));
            assert_eq!(hashes, reference_word_hashes(text), "{text:?}");
            for shingle in 0..4 {
                assert_eq!(simhash_with(text, shingle), reference_simhash(text, shingle), "{text:?} {shingle}");
            }
        }
    }

    #[test]
    fn interned_words_give_the_same_fingerprint() {
        use crate::text::tokenize::tokenize;
        let texts = [
            "",
            "word",
            "The U.S. and the UK's 3.5bn e-mail deal, don't 'quote' me: 1,000 #tags!",
            "Na\u{ef}ve caf\u{e9} owners\u{2019} ABC\u{2019}s word\u{2014}word x'y 'tis o'",
            "MIXED case Words and numbers 2024 at the very end",
            "trailing apostrophes'' and ''leading ones, GOING on and on and on.",
            "\u{201c}Quoted\u{201d} text\u{2026} and a last word",
        ];
        for text in texts {
            for shingle_text in [text.to_string(), format!("{text} {text}"), text.repeat(40)] {
                let tokens = tokenize(&shingle_text);
                let words = DocWords::new(&shingle_text, &tokens);
                assert_eq!(
                    simhash_of_words(&shingle_text, &tokens, &words),
                    simhash(&shingle_text),
                    "{shingle_text:?}"
                );
            }
        }
        let mut hashes = Vec::new();
        for_each_word_hash("plain", |_| None, |h| hashes.push(h));
        assert_eq!(plain_word_hash(b"plain"), hashes.first().copied());
        assert_eq!(plain_word_hash(b"don't"), None);
        assert_eq!(plain_word_hash(b"Plain"), None);
        assert_eq!(plain_word_hash(b""), None);
    }

    #[test]
    fn bit_votes_match_a_plain_vote_count() {
        let mut seed = 0x1234_5678_9abc_def0u64;
        let mut next = || {
            seed = mix(seed.wrapping_add(0x9e37_79b9_7f4a_7c15));
            seed
        };
        // Around the batches of eight and the flush after 255 of them, ties, skewed bits and long streams.
        for n in [
            1usize, 2, 3, 7, 8, 9, 15, 16, 17, 64, 254, 255, 256, 509, 510, 511, 1000, 2039, 2040, 2041, 4081, 5000,
            20000,
        ] {
            for skew in [0u64, 0x00ff_00ff_00ff_00ff, u64::MAX] {
                let hashes: Vec<u64> =
                    (0..n).map(|i| if i % 3 == 0 { next() | skew } else { next() & !(skew >> 1) }).collect();
                let mut votes = BitVotes::default();
                hashes.iter().for_each(|&h| votes.add(h));
                assert_eq!(votes.fingerprint(), reference_fingerprint(&hashes), "n={n} skew={skew:x}");
            }
        }
        // Exact ties leave the bit clear.
        let mut votes = BitVotes::default();
        votes.add(u64::MAX);
        votes.add(0);
        assert_eq!(votes.fingerprint(), 0);
    }

    #[test]
    fn empty_text_hashes_to_zero() {
        assert_eq!(simhash(""), 0);
        assert_eq!(simhash(" ,.; "), 0);
        assert_ne!(simhash("pier"), 0);
    }

    #[test]
    fn shingle_size_changes_the_hash() {
        assert_ne!(simhash_with(STORY, 1), simhash_with(STORY, 3));
        assert_eq!(simhash_with(STORY, 0), simhash_with(STORY, 1));
    }

    #[test]
    fn index_finds_within_distance_and_not_beyond() {
        let mut index = SimhashIndex::try_new(10, 3).unwrap();
        let base = 0x1234_5678_9abc_def0u64;
        index.insert("a", base);
        index.insert("far", base ^ 0xFF00);
        // distance 3 from "a" (bands 0 and 2 differ), 11 from "far"
        let near = base ^ 0b101 ^ (1 << 40);
        let found = index.query(near);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, "a");
        assert_eq!(found[0].distance, 3);
        assert!((found[0].similarity - 61.0 / 64.0).abs() < 1e-6);
    }

    #[test]
    fn index_finds_distance_three_spread_over_three_bands() {
        let mut index = SimhashIndex::try_new(4, 3).unwrap();
        let base = 0xdead_beef_cafe_f00du64;
        index.insert("x", base);
        // one flipped bit in each of bands 0, 1, 2: band 3 still matches
        let q = base ^ 1 ^ (1 << 17) ^ (1 << 34);
        assert_eq!(index.query(q).len(), 1);
        // four bits in four bands: distance 4 is out of range anyway
        assert!(index.query(q ^ (1 << 51)).is_empty());
    }

    #[test]
    fn wider_distance_uses_more_bands_and_stays_exact() {
        let mut index = SimhashIndex::try_new(4, 7).unwrap();
        let base = 0x0f0f_1234_5678_9abcu64;
        index.insert("x", base);
        // seven bits spread over seven of the eight 8-bit bands
        let q = (0..7).fold(base, |h, b| h ^ (1 << (b * 8 + 3)));
        assert_eq!(index.query(q)[0].distance, 7);
        assert!(index.query(q ^ (1 << 60)).is_empty());
        assert_eq!(band_value(u64::MAX, 7, 8), 0xFF);
        assert_eq!(band_value(u64::MAX, 0, 1), u64::MAX);
    }

    #[test]
    fn banded_lookup_equals_a_full_scan() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state = mix(state);
            state
        };
        for k in [0u32, 3, 5] {
            let mut index = SimhashIndex::try_new(500, k).unwrap();
            let mut all = Vec::new();
            for i in 0..500 {
                // half random, half small perturbations of earlier hashes
                let h = if i % 2 == 0 || all.is_empty() {
                    next()
                } else {
                    let (_, base): &(String, u64) = &all[next() as usize % all.len()];
                    (0..(next() % 8)).fold(*base, |h, _| h ^ (1 << (next() % 64)))
                };
                let mut expected: Vec<String> =
                    all.iter().filter(|(_, e)| distance(*e, h) <= k).map(|(id, _)| id.clone()).collect();
                let mut got: Vec<String> = index.query(h).into_iter().map(|d| d.id).collect();
                expected.sort();
                got.sort();
                assert_eq!(got, expected, "k={k} i={i}");
                index.insert(i.to_string(), h);
                all.push((i.to_string(), h));
            }
        }
    }

    #[test]
    fn banded_lookup_equals_a_scan_of_the_kept_entries_after_evictions() {
        // Evictions and a bucket cap make the buckets' ring buffers wrap around.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state = mix(state);
            state
        };
        let capacity = 60;
        let mut index = SimhashIndex::try_new(capacity, 7).unwrap();
        let mut all: Vec<(String, u64)> = Vec::new();
        for i in 0..400 {
            let h = match all.last() {
                Some(&(_, base)) if i % 3 != 0 => base ^ (1 << (next() % 64)) ^ (1 << (next() % 64)),
                _ => next() & 0x0f0f_0f0f_0f0f_0f0f,
            };
            let kept = &all[all.len().saturating_sub(capacity)..];
            let mut expected: Vec<(u32, String)> = kept
                .iter()
                .filter(|(_, e)| distance(*e, h) <= 7)
                .map(|(id, e)| (distance(*e, h), id.clone()))
                .collect();
            let mut got: Vec<(u32, String)> = index.query(h).into_iter().map(|d| (d.distance, d.id)).collect();
            expected.sort();
            got.sort();
            assert_eq!(got, expected, "i={i}");
            index.insert(i.to_string(), h);
            all.push((i.to_string(), h));
        }
    }

    #[test]
    fn results_are_sorted_closest_first() {
        let mut index = SimhashIndex::try_new(4, 3).unwrap();
        index.insert("two", 0b11);
        index.insert("zero", 0);
        index.insert("one", 0b1);
        let ids: Vec<String> = index.query(0).into_iter().map(|d| d.id).collect();
        assert_eq!(ids, ["zero", "one", "two"]);
    }

    #[test]
    fn closest_answers_are_a_prefix_of_the_whole_answer() {
        let mut index = SimhashIndex::try_new(16, 3).unwrap();
        for (i, hash) in [0b111u64, 0b1, 0, 0b10, 0b1, u64::MAX, 0].into_iter().enumerate() {
            index.insert(format!("d{i}"), hash);
        }
        let whole: Vec<String> = index.query(0).into_iter().map(|d| d.id).collect();
        assert_eq!(whole, ["d2", "d6", "d1", "d3", "d4", "d0"]);
        for limit in 0..=whole.len() + 1 {
            let closest: Vec<String> = index.query_closest(0, limit).into_iter().map(|d| d.id).collect();
            assert_eq!(closest, whole[..limit.min(whole.len())]);
        }
    }

    #[test]
    fn full_index_evicts_oldest() {
        let mut index = SimhashIndex::try_new(2, 0).unwrap();
        assert!(index.check_and_insert("first", 7).is_empty());
        index.insert("second", 8);
        index.insert("third", 9);
        assert_eq!(index.len(), 2);
        assert!(index.query(7).is_empty());
        assert_eq!(index.query(8)[0].id, "second");
        assert_eq!(index.check_and_insert("again", 9)[0].id, "third");
        assert!(index.bands.iter().all(|m| m.values().all(|v| !v.is_empty())));
    }

    #[test]
    fn buckets_of_many_copies_stay_bounded_and_keep_the_newest() {
        let copies = MAX_BUCKET + 500;
        let mut index = SimhashIndex::try_new(copies + 10, 3).unwrap();
        for i in 0..copies {
            index.insert(format!("copy-{i}"), 42);
        }
        assert!(index.bands.iter().all(|m| m.values().all(|b| b.len() <= MAX_BUCKET)));
        let found = index.query(42);
        assert_eq!(found.len(), MAX_BUCKET);
        assert_eq!(found[0].id, format!("copy-{}", copies - MAX_BUCKET), "oldest kept copy first");
        // Evicting entries a bucket already forgot must leave the buckets consistent.
        for i in 0..20 {
            index.insert(format!("other-{i}"), u64::MAX - i);
        }
        assert_eq!(index.len(), copies + 10);
        assert!(index.query(u64::MAX).iter().any(|d| d.id == "other-0"));
    }

    #[test]
    fn rejects_bad_configuration() {
        assert_eq!(SimhashIndex::try_new(0, 3).unwrap_err(), SimhashError::ZeroCapacity);
        assert_eq!(SimhashIndex::try_new(5, 8).unwrap_err(), SimhashError::DistanceTooLarge(8));
    }

    #[test]
    fn snapshot_round_trips() {
        let mut index = SimhashIndex::try_new(3, 2).unwrap();
        for (i, h) in [1u64, 2, 3, 4].iter().enumerate() {
            index.insert(format!("doc-{i}-é"), *h);
        }
        let bytes = index.serialize();
        let back = SimhashIndex::deserialize(&bytes).unwrap();
        assert_eq!(back.len(), 3);
        assert_eq!(back.capacity(), 3);
        assert_eq!(back.max_distance(), 2);
        assert_eq!(back.query(4)[0].id, "doc-3-é");
        assert_eq!(back.serialize(), bytes);
    }

    #[test]
    fn corrupt_snapshots_are_errors_not_panics() {
        let mut index = SimhashIndex::try_new(3, 2).unwrap();
        index.insert("abc", 42);
        let bytes = index.serialize();
        for cut in 0..bytes.len() {
            assert!(SimhashIndex::deserialize(&bytes[..cut]).is_err());
        }
        let mut bad = bytes.clone();
        bad[0] = b'X';
        assert_eq!(SimhashIndex::deserialize(&bad).unwrap_err(), SimhashError::BadHeader);
        let mut bad_id = bytes;
        let last = bad_id.len() - 1;
        bad_id[last] = 0xFF;
        assert_eq!(SimhashIndex::deserialize(&bad_id).unwrap_err(), SimhashError::BadId);
    }

    proptest::proptest! {
        #[test]
        fn any_text_hashes_and_any_bytes_deserialize_without_panic(text in "\\PC{0,200}", bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
            let h = simhash(&text);
            proptest::prop_assert_eq!(h, simhash(&text));
            proptest::prop_assert_eq!(h, reference_simhash(&text, DEFAULT_SHINGLE));
            let _ = SimhashIndex::deserialize(&bytes);
            let mut with_magic = MAGIC.to_vec();
            with_magic.extend_from_slice(&bytes);
            let _ = SimhashIndex::deserialize(&with_magic);
        }
    }
}
