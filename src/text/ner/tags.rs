//! The BILOU tag set and Viterbi decoding over it.
//!
//! The tagger scores 17 tags per token: `O`, and `B`/`I`/`L`/`U` (begin, inside, last,
//! unit-length) for each of the four CoNLL classes. BILOU tells the model more about phrase
//! boundaries than BIO does; the decoder only ever walks legal tag sequences, so every output
//! is a well-formed set of spans.

// Index loops over the tag lattice read more plainly than zipped iterators.
#![allow(clippy::needless_range_loop)]

use std::ops::Range;

/// The four CoNLL entity classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    /// A person.
    Per,
    /// An organisation.
    Org,
    /// A location (including geo-political entities).
    Loc,
    /// Anything else with a name: nationalities, events, works, products.
    Misc,
}

impl EntityKind {
    /// All classes in tag order.
    pub const ALL: [EntityKind; 4] = [EntityKind::Per, EntityKind::Org, EntityKind::Loc, EntityKind::Misc];

    /// The CoNLL label: `PER`, `ORG`, `LOC` or `MISC`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Per => "PER",
            EntityKind::Org => "ORG",
            EntityKind::Loc => "LOC",
            EntityKind::Misc => "MISC",
        }
    }

    /// Parses a CoNLL label (`PER`, `ORG`, `LOC`, `MISC`).
    pub fn from_label(s: &str) -> Option<EntityKind> {
        match s {
            "PER" => Some(EntityKind::Per),
            "ORG" => Some(EntityKind::Org),
            "LOC" => Some(EntityKind::Loc),
            "MISC" => Some(EntityKind::Misc),
            _ => None,
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// Number of tags: `O` plus B, I, L, U for each class.
pub const N_TAGS: usize = 17;
/// The `O` tag.
pub const O: usize = 0;

/// Position of a token inside its phrase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pos {
    /// First token of a phrase of two or more.
    B = 0,
    /// Inner token.
    I = 1,
    /// Last token of a phrase of two or more.
    L = 2,
    /// A one-token phrase.
    U = 3,
}

/// The tag index of `pos` for class `kind`.
pub fn tag(kind: EntityKind, pos: Pos) -> usize {
    1 + kind.index() * 4 + pos as usize
}

/// Class and position of a tag, `None` for `O`.
pub fn split(t: usize) -> Option<(EntityKind, Pos)> {
    if t == O || t >= N_TAGS {
        return None;
    }
    let k = EntityKind::ALL[(t - 1) / 4];
    let p = match (t - 1) % 4 {
        0 => Pos::B,
        1 => Pos::I,
        2 => Pos::L,
        _ => Pos::U,
    };
    Some((k, p))
}

/// Whether tag `b` may follow tag `a`.
pub fn allowed(a: usize, b: usize) -> bool {
    let open = |t: usize| matches!(split(t), Some((_, Pos::B | Pos::I)));
    match (split(a), split(b)) {
        // after O, L or U: anything that starts fresh
        _ if !open(a) => !matches!(split(b), Some((_, Pos::I | Pos::L))),
        // after B or I: continue the same class
        (Some((ka, _)), Some((kb, Pos::I | Pos::L))) => ka == kb,
        _ => false,
    }
}

/// Whether a sentence may start with `t`.
pub fn allowed_start(t: usize) -> bool {
    !matches!(split(t), Some((_, Pos::I | Pos::L)))
}

/// Whether a sentence may end with `t`.
pub fn allowed_end(t: usize) -> bool {
    !matches!(split(t), Some((_, Pos::B | Pos::I)))
}

/// BILOU tags for phrases `(token range, class)` over `n` tokens. Overlapping phrases keep
/// the first.
pub fn encode(n: usize, phrases: &[(Range<usize>, EntityKind)]) -> Vec<usize> {
    let mut tags = vec![O; n];
    for (r, k) in phrases {
        if r.start >= r.end || r.end > n || tags[r.clone()].iter().any(|&t| t != O) {
            continue;
        }
        if r.end - r.start == 1 {
            tags[r.start] = tag(*k, Pos::U);
        } else {
            tags[r.start] = tag(*k, Pos::B);
            for t in &mut tags[r.start + 1..r.end - 1] {
                *t = tag(*k, Pos::I);
            }
            tags[r.end - 1] = tag(*k, Pos::L);
        }
    }
    tags
}

/// Phrases `(token range, class)` of a tag sequence. Ill-formed runs (which the decoder
/// never produces) are read leniently: a class change or `O` closes a phrase.
pub fn decode(tags: &[usize]) -> Vec<(Range<usize>, EntityKind)> {
    let mut out = Vec::new();
    decode_into(tags, 0, &mut out);
    out
}

/// [`decode`] appending to `out`, with every range shifted by `offset`.
pub fn decode_into(tags: &[usize], offset: usize, out: &mut Vec<(Range<usize>, EntityKind)>) {
    let mut push = |r: Range<usize>, k: EntityKind| out.push((offset + r.start..offset + r.end, k));
    let mut open: Option<(usize, EntityKind)> = None;
    for (i, &t) in tags.iter().enumerate() {
        match split(t) {
            None => {
                if let Some((s, k)) = open.take() {
                    push(s..i, k);
                }
            }
            Some((k, p)) => {
                if let Some((s, ok)) = open {
                    if ok != k || matches!(p, Pos::B | Pos::U) {
                        push(s..i, ok);
                        open = None;
                    }
                }
                let start = open.map_or(i, |(s, _)| s);
                match p {
                    Pos::L | Pos::U => {
                        push(start..i + 1, k);
                        open = None;
                    }
                    Pos::B | Pos::I => open = Some((start, k)),
                }
            }
        }
    }
    if let Some((s, k)) = open {
        push(s..tags.len(), k);
    }
}

/// Scores the Viterbi decoder needs, in integer units.
#[derive(Clone, Debug)]
pub struct Transitions {
    /// `trans[a * N_TAGS + b]`: score of tag `b` following tag `a`.
    pub trans: Vec<i32>,
    /// Score of starting a sentence with each tag.
    pub start: Vec<i32>,
    /// Score of ending a sentence with each tag.
    pub end: Vec<i32>,
}

impl Transitions {
    /// All-zero transition scores.
    pub fn zero() -> Transitions {
        Transitions { trans: vec![0; N_TAGS * N_TAGS], start: vec![0; N_TAGS], end: vec![0; N_TAGS] }
    }
}

const NEG: i64 = i64::MIN / 4;

/// The best legal tag sequence for `n` tokens whose per-tag emission scores are
/// `emit[i * N_TAGS + t]`. `back` is scratch space, reused between calls.
pub fn viterbi(emit: &[i32], n: usize, tr: &Transitions, back: &mut Vec<u8>, out: &mut Vec<usize>) {
    Decoder::new(tr).viterbi(emit, n, back, out);
}

/// Largest score magnitude (emission, transition, start or end) the narrow decoder takes.
/// With every score within it, a column's path scores stay within 16 times it of the
/// column's best and within 8 times it below that best for the `O` state (each state is
/// reachable from the best of three columns back), so renormalised to `O` they and
/// [`NARROW_NEG`] fit in an `i32` with [`ARG_BITS`] bits to spare.
const NARROW_LIMIT: i32 = 1 << 21;
/// The score of a state no path reaches (only at the first token), far below any reachable
/// one and still safe to shift and add to.
const NARROW_NEG: i32 = -(1 << 26);
/// Low bits of a packed score that carry which predecessor it came from.
const ARG_BITS: u32 = 4;
/// The fresh targets padded to whole vectors of four lanes (which the compiler turns into
/// SIMD registers).
const VECS: usize = 3;

/// Viterbi decoding over one set of transition scores, prepared once.
///
/// The hot step is the (max, +) product of the nine closed tags into the nine fresh ones.
/// It runs on packed `i32` keys `score << ARG_BITS | (15 - source)`: the largest key is the
/// best score with ties to the lowest source, exactly as a scan with `>` finds it, and a
/// plain `max` over fixed-size arrays vectorises. Scores are renormalised every token
/// (the column's best becomes 0), which changes no comparison. Inputs with scores too
/// large for that bound take the `i64` decoder instead. A fresh tag's back pointer is kept
/// as the packed key's low bits and turned into a tag when the path is read back.
#[derive(Clone, Debug)]
pub struct Decoder {
    /// `from_closed[j][b]`: score of `FRESH[b]` following `CLOSED[j]`, shifted by
    /// `ARG_BITS`; the padding lanes are 0.
    from_closed: [[[i32; 4]; VECS]; CLOSED.len()],
    /// The score of each of [`INNER`] following the `B` of its class, and following the `I`.
    inner_from_b: [i32; INNER.len()],
    inner_from_i: [i32; INNER.len()],
    start: [i32; N_TAGS],
    end: [i32; N_TAGS],
    /// Whether every transition score is within [`NARROW_LIMIT`].
    narrow: bool,
    wide: Transitions,
}

impl Decoder {
    /// A decoder for transition scores `tr` (missing scores read as 0).
    pub fn new(tr: &Transitions) -> Decoder {
        let trans = |a: usize, b: usize| tr.trans.get(a * N_TAGS + b).copied().unwrap_or(0);
        let mut from_closed = [[[0i32; 4]; VECS]; CLOSED.len()];
        for (w, &a) in from_closed.iter_mut().zip(&CLOSED) {
            for (w, &b) in w.as_flattened_mut().iter_mut().zip(&FRESH) {
                *w = trans(a, b).wrapping_shl(ARG_BITS);
            }
        }
        let inner_from_b = INNER.map(|t| trans(inner_b(t), t));
        let inner_from_i = INNER.map(|t| trans(inner_b(t) + 1, t));
        let mut start = [0i32; N_TAGS];
        let mut end = [0i32; N_TAGS];
        for t in 0..N_TAGS {
            start[t] = tr.start.get(t).copied().unwrap_or(0);
            end[t] = tr.end.get(t).copied().unwrap_or(0);
        }
        let within = |v: &i32| (-NARROW_LIMIT..=NARROW_LIMIT).contains(v);
        let narrow = tr.trans.len() >= N_TAGS * N_TAGS
            && tr.start.len() >= N_TAGS
            && tr.end.len() >= N_TAGS
            && tr.trans[..N_TAGS * N_TAGS].iter().chain(&start).chain(&end).all(within);
        Decoder { from_closed, inner_from_b, inner_from_i, start, end, narrow, wide: tr.clone() }
    }

    /// The best legal tag sequence for `n` tokens whose per-tag emission scores are
    /// `emit[i * N_TAGS + t]`, as [`viterbi`] finds it. `back` is scratch space.
    pub fn viterbi(&self, emit: &[i32], n: usize, back: &mut Vec<u8>, out: &mut Vec<usize>) {
        #[cfg(target_arch = "x86_64")]
        if super::model::has_avx2() {
            // SAFETY: the processor has AVX2 (checked just above), all that the function's
            // `target_feature` asks for
            unsafe { self.viterbi_avx2(emit, n, back, out) };
            return;
        }
        self.viterbi_in(emit, n, back, out);
    }

    /// [`Decoder::viterbi`] compiled for AVX2, which has a vector `max` and twice the lanes.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn viterbi_avx2(&self, emit: &[i32], n: usize, back: &mut Vec<u8>, out: &mut Vec<usize>) {
        self.viterbi_in(emit, n, back, out);
    }

    #[inline(always)]
    fn viterbi_in(&self, emit: &[i32], n: usize, back: &mut Vec<u8>, out: &mut Vec<usize>) {
        out.clear();
        let Some(emit) = emit.get(..n * N_TAGS) else {
            return;
        };
        if n == 0 {
            return;
        }
        // every score in [-NARROW_LIMIT, NARROW_LIMIT) leaves the bits above the limit's of
        // `score + NARROW_LIMIT` clear (an OR over the scores vectorises; a min and max did not)
        let spread = emit.iter().fold(0u32, |acc, &e| acc | e.wrapping_add(NARROW_LIMIT) as u32);
        if !self.narrow || spread >= 2 * NARROW_LIMIT as u32 {
            viterbi_wide(emit, n, &self.wide, back, out);
            return;
        }
        back.clear();
        back.resize(n * BACK_ROW, 0);
        let mut prev = [NARROW_NEG; N_TAGS];
        for t in 0..N_TAGS {
            if allowed_start(t) {
                prev[t] = self.start[t] + emit[t];
            }
        }
        let base = prev[O];
        for v in &mut prev {
            *v -= base;
        }
        for (e, bk) in emit[N_TAGS..].chunks_exact(N_TAGS).zip(back[BACK_ROW..].chunks_exact_mut(BACK_ROW)) {
            let (Ok(e), Ok(bk)) = (<&[i32; N_TAGS]>::try_from(e), <&mut [u8; BACK_ROW]>::try_from(bk)) else {
                break;
            };
            let mut cur = [0i32; N_TAGS];
            // `prev` is at most 0 and far above i32::MIN >> ARG_BITS: the shift is exact
            let keys: [i32; CLOSED.len()] =
                std::array::from_fn(|j| prev[CLOSED[j]].wrapping_shl(ARG_BITS) | (15 - j as i32));
            let mut best = [[i32::MIN; 4]; VECS];
            for (&key, w) in keys.iter().zip(&self.from_closed) {
                for (bv, wv) in best.iter_mut().zip(w) {
                    for (b, &w) in bv.iter_mut().zip(wv) {
                        *b = (*b).max(key + w);
                    }
                }
            }
            let best = best.as_flattened();
            // the fresh tags' predecessors, every lane at once (the padding lanes too)
            for (code, &key) in bk.iter_mut().zip(best) {
                *code = (key & 15) as u8;
            }
            for (bi, &b) in FRESH.iter().enumerate() {
                cur[b] = (best[bi] >> ARG_BITS) + e[b];
            }
            // an I or L follows the B or the I of its class: one bit says which
            let mut took_i = 0u8;
            for k in 0..4 {
                let (bt, it, lt) = (1 + 4 * k, 2 + 4 * k, 3 + 4 * k);
                for (l, t) in [(2 * k, it), (2 * k + 1, lt)] {
                    let (sb, si) = (prev[bt] + self.inner_from_b[l], prev[it] + self.inner_from_i[l]);
                    took_i |= u8::from(si > sb) << l;
                    cur[t] = if si > sb { si } else { sb } + e[t];
                }
            }
            bk[INNER_BITS] = took_i;
            let base = cur[O];
            for v in &mut cur {
                *v -= base;
            }
            prev = cur;
        }
        // a state unreachable at the first token stays far below every reachable one, so
        // it never wins here
        let mut best = i32::MIN;
        let mut arg = O;
        for t in 0..N_TAGS {
            if allowed_end(t) && (n > 1 || allowed_start(t)) {
                let s = prev[t] + self.end[t];
                if s > best {
                    best = s;
                    arg = t;
                }
            }
        }
        out.resize(n, O);
        out[n - 1] = arg;
        for i in (1..n).rev() {
            let Some(row) = back.get(i * BACK_ROW..(i + 1) * BACK_ROW) else {
                break;
            };
            arg = match FRESH_SLOT.get(arg) {
                Some(&slot) if slot < FRESH.len() as u8 => {
                    let code = row.get(usize::from(slot)).map_or(0, |&c| usize::from(c));
                    CLOSED.get(15usize.wrapping_sub(code)).copied().unwrap_or(O)
                }
                _ => {
                    let lane = INNER.iter().position(|&t| t == arg).unwrap_or(0);
                    let took_i = row.get(INNER_BITS).is_some_and(|&bits| bits >> lane & 1 == 1);
                    inner_b(arg) + usize::from(took_i)
                }
            };
            out[i - 1] = arg;
        }
    }
}

/// Bytes of a token's back pointers in the narrow decoder: a code per lane of the fresh
/// targets (`15 - ` the index in [`CLOSED`] of the predecessor), then at [`INNER_BITS`]
/// one bit per [`INNER`] tag, set when its predecessor is the `I` rather than the `B`.
/// Sixteen bytes, one store each, where one byte per tag took a store per tag.
const BACK_ROW: usize = 16;
const INNER_BITS: usize = VECS * 4;

/// The tags that may follow only the `B` or `I` of their class: every `I` and `L`.
const INNER: [usize; 8] = [2, 3, 6, 7, 10, 11, 14, 15];

/// The `B` tag of the class of `t` (an `I` or `L`).
#[inline]
fn inner_b(t: usize) -> usize {
    1 + (t.saturating_sub(1) / 4) * 4
}

/// For each tag, its index in [`FRESH`], or `u8::MAX` for one not there.
const FRESH_SLOT: [u8; N_TAGS] = {
    let mut m = [u8::MAX; N_TAGS];
    let mut i = 0;
    while i < FRESH.len() {
        m[FRESH[i]] = i as u8;
        i += 1;
    }
    m
};

/// [`viterbi`] in `i64`, for any scores.
fn viterbi_wide(emit: &[i32], n: usize, tr: &Transitions, back: &mut Vec<u8>, out: &mut Vec<usize>) {
    out.clear();
    let (Some(emit), Some(trans), Some(start), Some(end)) =
        (emit.get(..n * N_TAGS), tr.trans.get(..N_TAGS * N_TAGS), tr.start.get(..N_TAGS), tr.end.get(..N_TAGS))
    else {
        return;
    };
    if n == 0 {
        return;
    }
    // The lattice has two kinds of column: a tag that starts fresh (O, B, U) may follow any
    // closed tag (O, L, U), and an I or L only the B or I of its class. Both loops have a
    // fixed length and read the transition scores in their order.
    let mut from_closed = [[0i64; CLOSED.len()]; FRESH.len()];
    for (w, &b) in from_closed.iter_mut().zip(&FRESH) {
        for (w, &a) in w.iter_mut().zip(&CLOSED) {
            *w = i64::from(trans[a * N_TAGS + b]);
        }
    }
    // per class: (B -> I, I -> I, B -> L, I -> L)
    let mut inner = [[0i64; 4]; 4];
    for (k, w) in inner.iter_mut().enumerate() {
        let (bt, it, lt) = (1 + 4 * k, 2 + 4 * k, 3 + 4 * k);
        *w = [trans[bt * N_TAGS + it], trans[it * N_TAGS + it], trans[bt * N_TAGS + lt], trans[it * N_TAGS + lt]]
            .map(i64::from);
    }
    back.clear();
    back.resize(n * N_TAGS, 0);
    let mut prev = [NEG; N_TAGS];
    for t in 0..N_TAGS {
        if allowed_start(t) {
            prev[t] = i64::from(start[t]) + i64::from(emit[t]);
        }
    }
    // Every tag has a predecessor allowed at the start (O or B of its class), so from the
    // second token on every state is reachable and an unreachable one (at NEG) never wins a
    // maximum: no test for it is needed. Ties go to the lowest predecessor.
    for (e, bk) in emit[N_TAGS..].chunks_exact(N_TAGS).zip(back[N_TAGS..].chunks_exact_mut(N_TAGS)) {
        let mut cur = [NEG; N_TAGS];
        let closed = CLOSED.map(|a| prev[a]);
        for (&b, w) in FRESH.iter().zip(&from_closed) {
            let mut best = closed[0] + w[0];
            let mut arg = 0usize;
            for j in 1..CLOSED.len() {
                let s = closed[j] + w[j];
                if s > best {
                    best = s;
                    arg = j;
                }
            }
            cur[b] = best + i64::from(e[b]);
            bk[b] = CLOSED[arg] as u8;
        }
        for (k, w) in inner.iter().enumerate() {
            let (bt, it, lt) = (1 + 4 * k, 2 + 4 * k, 3 + 4 * k);
            for (t, wb, wi) in [(it, w[0], w[1]), (lt, w[2], w[3])] {
                let (sb, si) = (prev[bt] + wb, prev[it] + wi);
                let (best, arg) = if si > sb { (si, it) } else { (sb, bt) };
                cur[t] = best + i64::from(e[t]);
                bk[t] = arg as u8;
            }
        }
        prev = cur;
    }
    let mut best = NEG;
    let mut arg = O;
    for t in 0..N_TAGS {
        if allowed_end(t) && prev[t] > NEG {
            let s = prev[t] + i64::from(end[t]);
            if s > best {
                best = s;
                arg = t;
            }
        }
    }
    out.resize(n, O);
    out[n - 1] = arg;
    for i in (1..n).rev() {
        arg = back[i * N_TAGS + arg] as usize;
        out[i - 1] = arg;
    }
}

/// The tags after which a new phrase (or `O`) may start: `O`, every `L` and `U`, in order.
const CLOSED: [usize; 9] = [0, 3, 4, 7, 8, 11, 12, 15, 16];
/// The tags that may follow exactly the [`CLOSED`] ones: `O`, every `B` and `U`.
const FRESH: [usize; 9] = [0, 1, 4, 5, 8, 9, 12, 13, 16];

/// `allowed` as a table, computed once at compile time.
#[cfg(test)]
const ALLOWED: [[bool; N_TAGS]; N_TAGS] = {
    let mut m = [[false; N_TAGS]; N_TAGS];
    let mut a = 0;
    while a < N_TAGS {
        let mut b = 0;
        while b < N_TAGS {
            // mirror of `allowed`, written with const-friendly arithmetic
            let a_open = a != O && ((a - 1) % 4 == 0 || (a - 1) % 4 == 1);
            let b_cont = b != O && ((b - 1) % 4 == 1 || (b - 1) % 4 == 2);
            m[a][b] = if a_open { b_cont && (a - 1) / 4 == (b - 1) / 4 } else { !b_cont };
            b += 1;
        }
        a += 1;
    }
    m
};

/// For each tag, the tags that may precede it (`ALLOWED` by column), which the decoder's
/// two kinds of column must match.
#[cfg(test)]
const PREDECESSORS: [([u8; N_TAGS], usize); N_TAGS] = {
    let mut m = [([0u8; N_TAGS], 0usize); N_TAGS];
    let mut b = 0;
    while b < N_TAGS {
        let mut a = 0;
        while a < N_TAGS {
            if ALLOWED[a][b] {
                m[b].0[m[b].1] = a as u8;
                m[b].1 += 1;
            }
            a += 1;
        }
        b += 1;
    }
    m
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_rule() {
        for a in 0..N_TAGS {
            for b in 0..N_TAGS {
                assert_eq!(ALLOWED[a][b], allowed(a, b), "{a} -> {b}");
            }
        }
        assert!(allowed(tag(EntityKind::Per, Pos::B), tag(EntityKind::Per, Pos::L)));
        assert!(!allowed(tag(EntityKind::Per, Pos::B), tag(EntityKind::Org, Pos::L)));
        assert!(!allowed(O, tag(EntityKind::Loc, Pos::I)));
    }

    #[test]
    fn lattice_columns_match_the_rule() {
        for &b in &FRESH {
            let (preds, np) = &PREDECESSORS[b];
            assert_eq!(preds[..*np].iter().map(|&a| a as usize).collect::<Vec<_>>(), CLOSED, "{b}");
        }
        for k in EntityKind::ALL {
            let (bt, it) = (tag(k, Pos::B), tag(k, Pos::I));
            for t in [it, tag(k, Pos::L)] {
                let (preds, np) = &PREDECESSORS[t];
                assert_eq!(preds[..*np].iter().map(|&a| a as usize).collect::<Vec<_>>(), vec![bt, it]);
            }
        }
        assert_eq!(FRESH.len() + INNER.len(), N_TAGS);
        for k in EntityKind::ALL {
            for pos in [Pos::I, Pos::L] {
                assert!(INNER.contains(&tag(k, pos)));
                assert_eq!(inner_b(tag(k, pos)), tag(k, Pos::B));
            }
        }
        for t in 0..N_TAGS {
            let slot = FRESH_SLOT[t];
            assert_eq!(FRESH.get(usize::from(slot)) == Some(&t), FRESH.contains(&t), "{t}");
        }
        assert!(INNER_BITS >= FRESH.len() && INNER_BITS < BACK_ROW);
    }

    #[test]
    fn encode_decode_round_trip() {
        let phrases = vec![(0..2, EntityKind::Per), (3..4, EntityKind::Loc), (5..8, EntityKind::Org)];
        let tags = encode(9, &phrases);
        assert_eq!(tags[0], tag(EntityKind::Per, Pos::B));
        assert_eq!(tags[1], tag(EntityKind::Per, Pos::L));
        assert_eq!(tags[3], tag(EntityKind::Loc, Pos::U));
        assert_eq!(tags[6], tag(EntityKind::Org, Pos::I));
        assert_eq!(decode(&tags), phrases);
    }

    #[test]
    fn viterbi_follows_emissions_within_legal_paths() {
        // Token 0 prefers B-PER, token 1 prefers I-ORG (illegal after B-PER) but L-PER is
        // second best: the decoder must pick the legal path B-PER L-PER.
        let n = 2;
        let mut emit = vec![0i32; n * N_TAGS];
        emit[tag(EntityKind::Per, Pos::B)] = 10;
        emit[N_TAGS + tag(EntityKind::Org, Pos::I)] = 20;
        emit[N_TAGS + tag(EntityKind::Per, Pos::L)] = 5;
        let mut back = Vec::new();
        let mut out = Vec::new();
        viterbi(&emit, n, &Transitions::zero(), &mut back, &mut out);
        assert_eq!(out, vec![tag(EntityKind::Per, Pos::B), tag(EntityKind::Per, Pos::L)]);
        // a dangling B is never produced at the end of a sentence
        let mut emit = vec![0i32; N_TAGS];
        emit[tag(EntityKind::Per, Pos::B)] = 10;
        viterbi(&emit, 1, &Transitions::zero(), &mut back, &mut out);
        assert!(allowed_end(out[0]));
    }

    /// Transition scores and emissions from a small linear congruential generator, in
    /// `[-range, range]` (a small range makes many ties).
    fn random_scores(seed: u64, n: usize, range: i64) -> (Transitions, Vec<i32>) {
        let mut x = seed;
        let mut next = move || {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            ((x >> 33) as i64 % (2 * range + 1) - range) as i32
        };
        let mut tr = Transitions::zero();
        for v in tr.trans.iter_mut().chain(tr.start.iter_mut()).chain(tr.end.iter_mut()) {
            *v = next();
        }
        let emit = (0..n * N_TAGS).map(|_| next()).collect();
        (tr, emit)
    }

    #[test]
    fn narrow_decoder_equals_wide_one() {
        let (mut back, mut out, mut wide) = (Vec::new(), Vec::new(), Vec::new());
        for seed in 0..300u64 {
            let n = (seed as usize * 7) % 90 + 1;
            // tiny ranges force ties, large ones long sentences near the narrow limit
            let range = [0, 1, 3, 1000, i64::from(NARROW_LIMIT) - 1][seed as usize % 5];
            let (tr, emit) = random_scores(seed, n, range);
            let dec = Decoder::new(&tr);
            assert!(dec.narrow);
            dec.viterbi(&emit, n, &mut back, &mut out);
            viterbi_wide(&emit, n, &tr, &mut back, &mut wide);
            assert_eq!(out, wide, "seed {seed}, n {n}, range {range}");
        }
    }

    #[test]
    fn scores_beyond_the_narrow_limit_decode_wide() {
        let (mut back, mut out, mut wide) = (Vec::new(), Vec::new(), Vec::new());
        for seed in 0..40u64 {
            let n = 1 + seed as usize % 30;
            let (tr, mut emit) = random_scores(seed, n, i64::from(i32::MAX));
            if seed % 2 == 0 {
                emit.iter_mut().for_each(|e| *e /= 4096);
            }
            viterbi(&emit, n, &tr, &mut back, &mut out);
            viterbi_wide(&emit, n, &tr, &mut back, &mut wide);
            assert_eq!(out, wide, "seed {seed}");
            assert_eq!(out.len(), n);
        }
        // short transition tables decode nothing, as before
        let tr = Transitions { trans: vec![0; 3], start: vec![0; N_TAGS], end: vec![0; N_TAGS] };
        viterbi(&[0; N_TAGS], 1, &tr, &mut back, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn viterbi_handles_empty_input() {
        let mut back = Vec::new();
        let mut out = vec![3];
        viterbi(&[], 0, &Transitions::zero(), &mut back, &mut out);
        assert!(out.is_empty());
    }
}
