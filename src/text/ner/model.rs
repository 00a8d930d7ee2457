//! The trained tagger: weights, transition scores and lexicons, and their compact binary
//! form (`data/ner.model`).
//!
//! Weights are quantised to `i16` with one scale for the whole model; only rows of the
//! hashed table that training touched are stored. Words and phrases are stored as 64-bit
//! hashes, never as text.

use super::features::{DocFeatures, Lexicon, N_GRAN};
use super::tags::{Transitions, N_TAGS};

const MAGIC: &[u8; 8] = b"LEDENER2";

/// Weights per row: one per tag except `O`.
pub const ROW: usize = N_TAGS - 1;

/// The weights of one feature for the 16 entity tags. The `O` tag's weight is folded
/// into the others at training time (subtracting the same amount from every tag of a
/// token shifts every path by the same score, so decoding is unchanged); 16 `i16` make
/// a 32-byte row that never straddles a cache line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C, align(32))]
pub struct Row(pub [i16; ROW]);

/// Why a model file could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ModelError {
    /// The bytes do not start with the model's magic number (empty or another file).
    #[error("not a tagger model (bad magic number)")]
    BadMagic,
    /// The file ends before a section it announces.
    #[error("tagger model is truncated")]
    Truncated,
    /// A size field is out of range.
    #[error("tagger model has an invalid {0}")]
    Invalid(&'static str),
}

/// A trained tagger.
#[derive(Clone)]
pub struct Model {
    /// log2 of the number of rows of the weight table.
    pub bits: u32,
    /// One row per hashed feature; `weights[row].0[tag - 1]`.
    pub weights: Vec<Row>,
    /// Transition, start and end scores, on the weights' scale.
    pub transitions: Transitions,
    /// Clusters and gazetteers the features read.
    pub lexicon: Lexicon,
}

impl Model {
    /// Sums the weight rows of a token's features into per-tag scores.
    #[inline]
    pub fn emission(&self, feats: &[u32], out: &mut [i32; N_TAGS]) {
        let mut acc = [0i32; ROW];
        self.add_rows(feats, &mut acc);
        out[0] = 0;
        out[1..].copy_from_slice(&acc);
    }

    /// Adds the weight row of feature `f` to `acc` (nothing for a row outside the table).
    #[inline]
    pub fn add_row(&self, f: u32, acc: &mut [i32; ROW]) {
        if let Some(row) = self.weights.get(f as usize) {
            for (o, &w) in acc.iter_mut().zip(&row.0) {
                *o += i32::from(w);
            }
        }
    }

    /// Adds the weight rows of every feature of `feats` to `acc`, as [`Model::add_row`] one
    /// after another does.
    #[inline]
    pub fn add_rows(&self, feats: &[u32], acc: &mut [i32; ROW]) {
        #[cfg(target_arch = "x86_64")]
        if has_avx2() {
            // SAFETY: the processor has AVX2 (checked just above), all that the function's
            // `target_feature` asks for
            unsafe { self.add_rows_avx2(feats, acc) };
            return;
        }
        self.add_rows_in(feats, acc);
    }

    /// [`Model::add_rows`] compiled for AVX2: a row's widening add is two instructions
    /// instead of eight.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn add_rows_avx2(&self, feats: &[u32], acc: &mut [i32; ROW]) {
        self.add_rows_in(feats, acc);
    }

    #[inline(always)]
    fn add_rows_in(&self, feats: &[u32], acc: &mut [i32; ROW]) {
        // accumulators of four lanes, each one vector register (two with AVX2), summed into
        // `acc` at the end: with one `[i32; ROW]` (or `acc` itself) the compiler kept the
        // sums in memory, loading and storing them for every row
        let mut lanes = [[0i32; 4]; ROW / 4];
        for &f in feats {
            if let Some(row) = self.weights.get(f as usize) {
                for (lane, w) in lanes.iter_mut().zip(row.0.chunks_exact(4)) {
                    for (o, &w) in lane.iter_mut().zip(w) {
                        *o += i32::from(w);
                    }
                }
            }
        }
        for (o, &s) in acc.iter_mut().zip(lanes.as_flattened()) {
            *o += s;
        }
    }

    /// The scores of a token's entity tags (`O`'s is 0): the weight rows of `feats` and the
    /// summed rows of `fixed` (its word's and its neighbours').
    #[inline]
    pub(crate) fn emission_with(&self, feats: &[u32], fixed: &[&[i32; ROW]; 5]) -> [i32; ROW] {
        #[cfg(target_arch = "x86_64")]
        if has_avx2() {
            // SAFETY: the processor has AVX2 (checked just above), all that the function's
            // `target_feature` asks for
            return unsafe { self.emission_with_avx2(feats, fixed) };
        }
        self.emission_with_in(feats, fixed)
    }

    /// [`Model::emission_with`] compiled for AVX2: eight lanes to an add.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn emission_with_avx2(&self, feats: &[u32], fixed: &[&[i32; ROW]; 5]) -> [i32; ROW] {
        self.emission_with_in(feats, fixed)
    }

    #[inline(always)]
    fn emission_with_in(&self, feats: &[u32], fixed: &[&[i32; ROW]; 5]) -> [i32; ROW] {
        let mut acc = [0i32; ROW];
        self.add_rows_in(feats, &mut acc);
        for row in fixed {
            for (a, &r) in acc.iter_mut().zip(row.iter()) {
                *a += r;
            }
        }
        acc
    }

    /// Asks the processor to start loading the weight row of feature `f` (nothing for a row
    /// outside the table), so that a later [`Model::add_row`] of it finds it cached: the
    /// rows are random reads in a table larger than the caches, and hinting a batch of them
    /// first lets their misses overlap instead of waiting for one after another.
    #[inline]
    pub fn prefetch_row(&self, f: u32) {
        // the address is computed, not checked: a row outside the table is only a useless
        // hint (a prefetch never faults), and the check cost more than the hint
        prefetch_address(self.weights.as_ptr().wrapping_add(f as usize));
    }

    /// Emission scores of every token of a document, `N_TAGS` per token.
    pub fn emissions(&self, doc: &DocFeatures, n_tokens: usize, out: &mut Vec<i32>) {
        out.clear();
        out.reserve(n_tokens * N_TAGS);
        let mut e = [0i32; N_TAGS];
        for i in 0..n_tokens {
            self.emission(doc.token(i), &mut e);
            out.extend_from_slice(&e);
        }
    }

    /// Serialises the model.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        put_u32(&mut out, self.bits);
        put_u32(&mut out, N_TAGS as u32);
        for v in self.transitions.trans.iter().chain(&self.transitions.start).chain(&self.transitions.end) {
            out.extend_from_slice(&v.to_le_bytes());
        }
        // sparse rows: a count, then (row delta, row) pairs
        let rows: Vec<usize> = (0..self.weights.len()).filter(|&r| self.weights[r].0.iter().any(|&w| w != 0)).collect();
        put_u32(&mut out, rows.len() as u32);
        let mut prev = 0usize;
        for &r in &rows {
            put_varint(&mut out, (r - prev) as u64);
            prev = r;
            // per row: a mask of non-zero tags, then those weights
            let row = &self.weights[r].0;
            let mask = row.iter().enumerate().fold(0u32, |m, (t, &w)| if w != 0 { m | 1 << t } else { m });
            put_varint(&mut out, u64::from(mask));
            for &w in row.iter().filter(|&&w| w != 0) {
                put_varint(&mut out, zigzag(w));
            }
        }
        let mut clusters: Vec<(&u64, &[u16; N_GRAN])> = self.lexicon.clusters.iter().collect();
        clusters.sort();
        put_u32(&mut out, clusters.len() as u32);
        for (h, c) in clusters {
            out.extend_from_slice(&h.to_le_bytes());
            for v in c {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        for map in [&self.lexicon.phrases, &self.lexicon.words] {
            let mut v: Vec<(&u64, &u8)> = map.iter().collect();
            v.sort();
            put_u32(&mut out, v.len() as u32);
            for (h, m) in v {
                out.extend_from_slice(&h.to_le_bytes());
                out.push(*m);
            }
        }
        out
    }

    /// Reads a model written by [`Model::to_bytes`].
    ///
    /// # Errors
    /// [`ModelError`] when the bytes are not a complete model.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        let mut r = Reader { b: bytes, pos: 0 };
        if r.take(8)? != MAGIC {
            return Err(ModelError::BadMagic);
        }
        let bits = r.u32()?;
        if !(8..=24).contains(&bits) {
            return Err(ModelError::Invalid("table size"));
        }
        if r.u32()? as usize != N_TAGS {
            return Err(ModelError::Invalid("tag count"));
        }
        let mut tr = Transitions::zero();
        for v in tr.trans.iter_mut().chain(tr.start.iter_mut()).chain(tr.end.iter_mut()) {
            *v = r.i32()?;
        }
        let n_rows = 1usize << bits;
        let mut weights = vec![Row::default(); n_rows];
        let stored = r.u32()? as usize;
        r.pos = read_rows(r.b, r.pos, stored, &mut weights)?;
        let mut lexicon = Lexicon::default();
        let n = r.u32()? as usize;
        lexicon.clusters.reserve(n.min(bytes.len()));
        for _ in 0..n {
            let h = r.u64()?;
            let mut c = [0u16; N_GRAN];
            for v in &mut c {
                *v = r.u16()?;
            }
            lexicon.clusters.insert(h, c);
        }
        for which in 0..2 {
            let n = r.u32()? as usize;
            // an entry takes 9 bytes: a count beyond the bytes left is cut to them
            let room = n.min(bytes.len().saturating_sub(r.pos) / 9);
            if which == 0 {
                lexicon.phrases.reserve(room);
            } else {
                lexicon.words.reserve(room);
            }
            for _ in 0..n {
                let h = r.u64()?;
                let m = r.take(1)?[0];
                if which == 0 {
                    lexicon.phrases.insert(h, m);
                } else {
                    lexicon.words.insert(h, m);
                }
            }
        }
        Ok(Model { bits, weights, transitions: tr, lexicon })
    }
}

/// Whether the processor has AVX2, for the few hot loops that have a copy compiled for it
/// (the baseline target has only SSE2). The answer is cached by the standard library.
#[cfg(target_arch = "x86_64")]
#[inline]
pub(crate) fn has_avx2() -> bool {
    std::is_x86_feature_detected!("avx2")
}

/// Hints the processor to start loading the cache line holding `value` (no effect on
/// what the program computes).
#[inline]
pub(crate) fn prefetch<T>(value: &T) {
    prefetch_address(std::ptr::from_ref(value));
}

/// Hints the processor to start loading the cache line at `address`, which need not point
/// to anything: the processor drops a hint it cannot follow.
#[inline]
pub(crate) fn prefetch_address<T>(address: *const T) {
    #[cfg(target_arch = "x86_64")]
    {
        use core::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: a prefetch only hints the cache; it never faults, reads nothing the
        // program sees and changes no memory, whatever the address
        unsafe { _mm_prefetch::<_MM_HINT_T0>(address.cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = address;
}

/// [`prefetch`] of every cache line `value` spans (a value larger than a line, or one that
/// straddles two).
#[inline]
pub(crate) fn prefetch_all<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use core::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let start = std::ptr::from_ref(value).cast::<i8>();
        let last = std::mem::size_of::<T>().saturating_sub(1);
        // the first byte of each line after the first, then the last byte
        let mut at = 0usize;
        while at < last {
            // SAFETY: as in `prefetch`; the address lies within `value` (`at` < its size),
            // and `wrapping_add` computes it without any access
            unsafe { _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(at)) };
            at += 64;
        }
        // SAFETY: as above, `last` is within `value`
        unsafe { _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(last)) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// Reads `stored` sparse weight rows from `b` at `pos` into `weights`; returns the position
/// after them. A loop of its own with the position in a register: the weights are most of
/// the file, and decoding them through [`Reader`] kept its state in memory.
fn read_rows(b: &[u8], mut pos: usize, stored: usize, weights: &mut [Row]) -> Result<usize, ModelError> {
    const FULL: u64 = (1 << ROW) - 1;
    let mut row = 0usize;
    for _ in 0..stored {
        row = row.checked_add(varint_at(b, &mut pos)? as usize).ok_or(ModelError::Invalid("weight row"))?;
        let stored_row = &mut weights.get_mut(row).ok_or(ModelError::Invalid("weight row"))?.0;
        let mut mask = varint_at(b, &mut pos)? & FULL;
        // most rows carry every tag's weight, nearly all of them two bytes long: such a row
        // is decoded in one fixed-size pass
        if mask == FULL {
            if let Some(decoded) = b.get(pos..pos + 2 * ROW).and_then(two_byte_row) {
                *stored_row = decoded;
                pos += 2 * ROW;
                continue;
            }
        }
        // only the tags in the mask carry a weight: visit its set bits
        while mask != 0 {
            let t = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            let w = unzigzag(varint_at(b, &mut pos)?);
            if let Some(slot) = stored_row.get_mut(t) {
                *slot = w;
            }
        }
    }
    Ok(pos)
}

/// The `ROW` weights of a full row if all of them are two-byte varints in `b` (which then
/// holds exactly their `2 * ROW` bytes), as [`varint_at`] and [`unzigzag`] one after
/// another read them; `None` otherwise. A branch-free loop over fixed-size arrays, which
/// the compiler vectorises.
#[inline]
fn two_byte_row(b: &[u8]) -> Option<[i16; ROW]> {
    let pairs: &[u8; 2 * ROW] = b.try_into().ok()?;
    // one load of all the pairs (byte by byte, the compiler gathered them one at a time)
    let words: [u16; ROW] = std::array::from_fn(|i| u16::from_le_bytes([pairs[2 * i], pairs[2 * i + 1]]));
    let mut out = [0i16; ROW];
    // a two-byte varint: its first byte has the continuation bit set, its second not
    let mut bad = 0u16;
    for (o, &w) in out.iter_mut().zip(&words) {
        bad |= (w & 0x8080) ^ 0x0080;
        let v = (w & 0x7f) | (w >> 1) & 0x3f80;
        *o = (v >> 1) as i16 ^ -((v & 1) as i16);
    }
    (bad == 0).then_some(out)
}

/// The varint at `*pos` in `b`, moving `*pos` past it.
#[inline(always)]
fn varint_at(b: &[u8], pos: &mut usize) -> Result<u64, ModelError> {
    // nearly every number of the file (row deltas, weights) has one or two bytes
    let p = *pos;
    match (b.get(p), b.get(p.wrapping_add(1)), b.get(p.wrapping_add(2))) {
        (Some(&b0), _, _) if b0 < 0x80 => {
            *pos = p + 1;
            Ok(u64::from(b0))
        }
        (Some(&b0), Some(&b1), _) if b1 < 0x80 => {
            *pos = p + 2;
            Ok(u64::from(b0 & 0x7f) | u64::from(b1) << 7)
        }
        // the mask of a full row
        (Some(&b0), Some(&b1), Some(&b2)) if b2 < 0x80 => {
            *pos = p + 3;
            Ok(u64::from(b0 & 0x7f) | u64::from(b1 & 0x7f) << 7 | u64::from(b2) << 14)
        }
        _ => {
            let mut r = Reader { b, pos: p };
            let v = r.varint_long();
            *pos = r.pos;
            v
        }
    }
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(w: i16) -> u64 {
    let w = i64::from(w);
    ((w << 1) ^ (w >> 63)) as u64
}

fn unzigzag(v: u64) -> i16 {
    (((v >> 1) as i64) ^ -((v & 1) as i64)) as i16
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let s = self.b.get(self.pos..self.pos + n).ok_or(ModelError::Truncated)?;
        self.pos += n;
        Ok(s)
    }
    fn u16(&mut self) -> Result<u16, ModelError> {
        let s = self.take(2)?;
        Ok(u16::from_le_bytes([s[0], s[1]]))
    }
    fn u32(&mut self) -> Result<u32, ModelError> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn i32(&mut self) -> Result<i32, ModelError> {
        Ok(self.u32()? as i32)
    }
    fn u64(&mut self) -> Result<u64, ModelError> {
        let s = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Ok(u64::from_le_bytes(a))
    }
    #[cold]
    fn varint_long(&mut self) -> Result<u64, ModelError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.take(1)?[0];
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(ModelError::Invalid("number"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small_model() -> Model {
        let bits = 8;
        let mut weights = vec![Row::default(); 1 << bits];
        weights[3].0[1] = 1234;
        weights[3].0[15] = -7;
        weights[200].0[0] = i16::MIN;
        let mut transitions = Transitions::zero();
        transitions.trans[5] = -99;
        transitions.end[1] = 42;
        let mut lexicon = Lexicon::default();
        lexicon.clusters.insert(77, [1, 2, 3, 4]);
        lexicon.phrases.insert(88, 5);
        lexicon.words.insert(99, 2);
        Model { bits, weights, transitions, lexicon }
    }

    #[test]
    fn round_trip_keeps_everything() {
        let m = small_model();
        let back = Model::from_bytes(&m.to_bytes()).expect("model reads back");
        assert_eq!(back.bits, m.bits);
        assert_eq!(back.weights, m.weights);
        assert_eq!(back.transitions.trans, m.transitions.trans);
        assert_eq!(back.transitions.end, m.transitions.end);
        assert_eq!(back.lexicon.clusters.get(&77), Some(&[1, 2, 3, 4]));
        assert_eq!(back.lexicon.phrases.get(&88), Some(&5));
        assert_eq!(back.lexicon.words.get(&99), Some(&2));
    }

    #[test]
    fn damaged_bytes_are_errors_not_panics() {
        assert_eq!(Model::from_bytes(b"").err(), Some(ModelError::Truncated));
        assert_eq!(Model::from_bytes(b"NOTAMODEL").err(), Some(ModelError::BadMagic));
        let bytes = small_model().to_bytes();
        for cut in [9, 20, bytes.len() / 2, bytes.len() - 1] {
            assert!(Model::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn full_rows_decode_as_one_varint_after_another() {
        // full rows of two-byte weights (the fast path), and full rows with one weight of
        // one or three bytes among them (the general path), at the extremes of `i16`
        let mut m = small_model();
        let mut expected = Vec::new();
        for (r, odd) in [(5usize, None), (6, Some(1i16)), (7, Some(i16::MAX)), (8, None), (9, Some(-1))] {
            let mut row = [0i16; ROW];
            for (t, w) in row.iter_mut().enumerate() {
                *w = [64i16, -65, 1000, -8192, 8191, 300, -300, 64][t % 8] * if t % 2 == 0 { 1 } else { -1 };
            }
            if let Some(v) = odd {
                row[r % ROW] = v;
            }
            m.weights[r] = Row(row);
            expected.push((r, row));
        }
        let back = Model::from_bytes(&m.to_bytes()).expect("model reads back");
        assert_eq!(back.weights, m.weights);
        for (r, row) in expected {
            assert_eq!(back.weights[r].0, row, "row {r}");
        }
    }

    #[test]
    fn two_byte_rows_equal_the_varint_reader() {
        // byte patterns from a small generator, biased to valid two-byte varints, plus
        // slices of the wrong length
        let mut x = 0x9e37_79b9_u64;
        for round in 0..2000 {
            let mut bytes = [0u8; 2 * ROW];
            for (i, b) in bytes.iter_mut().enumerate() {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                let v = (x >> 40) as u8;
                *b = if round % 3 == 0 {
                    v
                } else if i % 2 == 0 {
                    v | 0x80
                } else {
                    v & 0x7f
                };
            }
            let mut pos = 0;
            let slow: Option<Vec<i16>> = (0..ROW)
                .map(|_| {
                    let start = pos;
                    let v = varint_at(&bytes, &mut pos).ok()?;
                    (pos == start + 2).then(|| unzigzag(v))
                })
                .collect();
            let fast = two_byte_row(&bytes).map(|r| r.to_vec());
            assert_eq!(fast, slow, "{bytes:?}");
        }
        assert_eq!(two_byte_row(&[0x80u8; 2 * ROW - 2]), None);
        assert_eq!(two_byte_row(&[]), None);
    }

    #[test]
    fn emission_sums_rows() {
        let m = small_model();
        let mut e = [0i32; N_TAGS];
        m.emission(&[3, 3, 200], &mut e);
        assert_eq!(e[2], 2468);
        assert_eq!(e[16], -14);
        assert_eq!(e[1], i32::from(i16::MIN));
        assert_eq!(e[0], 0);
    }
}
