//! The short-text path of language identification: n-grams of one to five
//! characters, for samples too short for the trigram table alone.
//!
//! Follows the scoring of lingua's high-accuracy mode: for each n-gram
//! length from one to five, every n-gram inside a word adds, per candidate
//! language, the log-probability of its longest prefix (itself included)
//! that the language knows; the sums over all lengths are divided by the
//! number of the text's letters that the language knows at all. The one- to
//! three-character n-grams come from the table of the fast path
//! (`data/lang/ngrams.bin`), the four- and five-character ones from
//! `data/lang/ngrams45.bin` (the most frequent ones per language, built by
//! `examples/build_lang_model.rs`). That second table is read in place,
//! by binary search over its sorted keys, so it costs nothing at start-up.

use std::sync::LazyLock;

use super::fast::{self, SharedScript};
use super::Detection;

static LONG_BYTES: &[u8] = include_bytes!("../../../data/lang/ngrams45.bin");

/// One quantisation step of the stored log-probabilities, in nats (the same
/// as the fast table's).
const STEP: f32 = 1.0 / 8.0;

/// Score (in steps) of a letter a candidate language has never seen, about
/// e^-25: lingua adds nothing for it, which lets a language that lacks a
/// text's distinctive letters win on the letters it has; a fixed penalty
/// instead works like lingua's hand-written letter rules, from the data.
const UNKNOWN_LETTER: u32 = 200;

/// The longest n-gram scored.
const MAX_ORDER: usize = 5;

/// The table of 4- and 5-grams, as views into the shipped bytes.
struct LongTable {
    /// Number of keys.
    count: usize,
    /// `count` little-endian u32 keys, sorted.
    keys: &'static [u8],
    /// Per key, the number of its postings.
    counts: &'static [u8],
    /// Per block of [`BLOCK`] keys, the little-endian u32 index of the
    /// block's first posting.
    blocks: &'static [u8],
    /// Pairs of (language index, quantised negative log-probability).
    postings: &'static [u8],
}

/// Keys per block of the offset index.
const BLOCK: usize = 64;

static LONG: LazyLock<Option<LongTable>> = LazyLock::new(|| LongTable::parse(LONG_BYTES));

impl LongTable {
    fn parse(bytes: &'static [u8]) -> Option<LongTable> {
        let rest = bytes.strip_prefix(b"LEDELNG5")?;
        let (languages, rest) = split_u32(rest)?;
        // The language order must be the fast table's, whose indices the
        // postings share.
        let codes = rest.get(..languages.checked_mul(2)?)?;
        let table = fast::table()?;
        if table.codes().len() != languages
            || codes.chunks_exact(2).zip(table.codes()).any(|(code, known)| code != known.as_bytes())
        {
            return None;
        }
        let rest = rest.get(languages * 2..)?;
        let (count, rest) = split_u32(rest)?;
        let keys_len = count.checked_mul(4)?;
        let blocks_len = count.div_ceil(BLOCK).checked_mul(4)?;
        let keys = rest.get(..keys_len)?;
        let counts = rest.get(keys_len..keys_len.checked_add(count)?)?;
        let rest = rest.get(keys_len + count..)?;
        let blocks = rest.get(..blocks_len)?;
        let postings = rest.get(blocks_len..)?;
        let total: usize = counts.iter().map(|&n| usize::from(n)).sum();
        // Language indices are not checked here (that would page in the
        // whole table at start-up); scoring ignores any outside its
        // candidates.
        if total * 2 != postings.len() {
            return None;
        }
        // Every block offset must be the running sum of the counts.
        let mut running = 0usize;
        for (block, chunk) in counts.chunks(BLOCK).enumerate() {
            let bytes = blocks.get(block * 4..block * 4 + 4)?;
            if u32::from_le_bytes(bytes.try_into().ok()?) as usize != running {
                return None;
            }
            running += chunk.iter().map(|&n| usize::from(n)).sum::<usize>();
        }
        Some(LongTable { count, keys, counts, blocks, postings })
    }

    fn key(&self, index: usize) -> Option<u32> {
        let bytes = self.keys.get(index * 4..index * 4 + 4)?;
        Some(u32::from_le_bytes(bytes.try_into().ok()?))
    }

    /// The postings of the key at `index`.
    fn postings_at(&self, index: usize) -> Option<&[u8]> {
        let block = index / BLOCK;
        let bytes = self.blocks.get(block * 4..block * 4 + 4)?;
        let skipped: usize = self.counts.get(block * BLOCK..index)?.iter().map(|&n| usize::from(n)).sum();
        let start = u32::from_le_bytes(bytes.try_into().ok()?) as usize + skipped;
        let end = start + usize::from(*self.counts.get(index)?);
        self.postings.get(start * 2..end * 2)
    }

    /// The postings of a 4- or 5-gram key, empty when no language has it.
    fn postings(&self, key: u32) -> &[u8] {
        let (mut low, mut high) = (0usize, self.count);
        while low < high {
            let middle = low + (high - low) / 2;
            match self.key(middle) {
                Some(found) if found < key => low = middle + 1,
                Some(found) if found > key => high = middle,
                Some(_) => return self.postings_at(middle).unwrap_or(&[]),
                None => return &[],
            }
        }
        &[]
    }
}

fn split_u32(bytes: &[u8]) -> Option<(usize, &[u8])> {
    let (head, rest) = bytes.split_first_chunk::<4>()?;
    Some((u32::from_le_bytes(*head) as usize, rest))
}

/// The key of a 4- or 5-gram in the long table: the high half of a 64-bit
/// hash of its characters (the same function as in
/// `examples/build_lang_model.rs`). Two n-grams may share a key; with a few
/// million keys, an unknown n-gram borrows a known one's score about once in
/// a thousand lookups, which costs nothing measurable.
fn long_key(chars: &[char]) -> u32 {
    let mut hash = 0xCBF2_9CE4_8422_2325u64;
    for c in chars {
        hash = (hash ^ u64::from(u32::from(*c))).wrapping_mul(0x0000_0100_0000_01B3);
        hash ^= hash >> 29;
    }
    (hash >> 32) as u32
}

/// The bit of a language in a set of languages (none past the 128th).
fn bit(language: usize) -> u128 {
    u32::try_from(language).ok().and_then(|shift| 1u128.checked_shl(shift)).unwrap_or(0)
}

/// The key of an n-gram of one to three characters in the fast table.
fn packed_key(chars: &[char]) -> u64 {
    chars.iter().fold(0u64, |packed, c| (packed << 21) | u64::from(u32::from(*c)))
}

/// The language of a short `text` among the languages of its shared script,
/// by n-grams of one to five characters; `None` when no candidate knows any
/// of its letters or a table is unusable.
pub(super) fn by_all_ngrams(text: &str, shared: &SharedScript) -> Option<Detection> {
    let table = fast::table()?;
    let long = LONG.as_ref()?;
    let candidates = table.candidates(shared);
    let languages = table.codes().len();
    let candidate_mask = candidates.iter().fold(0u128, |mask, &language| mask | bit(language));
    // Summed scores in steps (negative log-probabilities).
    let mut totals = vec![0u32; languages];
    let mut letters = 0u32;
    let mut word: Vec<char> = Vec::with_capacity(32);
    let mut lookups: Vec<[&[u8]; MAX_ORDER]> = Vec::with_capacity(32);
    let mut chars = text.chars().flat_map(char::to_lowercase).peekable();
    while chars.peek().is_some() {
        word.clear();
        for c in chars.by_ref() {
            if !c.is_alphabetic() {
                break;
            }
            word.push(c);
        }
        // The postings of the n-grams of every length starting at each
        // position, looked up once: the prefixes of an n-gram are the
        // shorter n-grams at its start.
        lookups.clear();
        for start in 0..word.len() {
            let mut found: [&[u8]; MAX_ORDER] = [&[]; MAX_ORDER];
            for (length, postings) in found.iter_mut().enumerate().map(|(i, p)| (i + 1, p)) {
                let Some(ngram) = word.get(start..start + length) else {
                    break;
                };
                *postings = if length > 3 { long.postings(long_key(ngram)) } else { table.postings(packed_key(ngram)) };
            }
            lookups.push(found);
        }
        for order in 1..=MAX_ORDER.min(word.len()) {
            for start in 0..=word.len() - order {
                let mut scored = 0u128;
                // The longest prefix a language knows gives its score.
                for length in (1..=order).rev() {
                    let postings = lookups.get(start).and_then(|found| found.get(length - 1)).copied().unwrap_or(&[]);
                    for pair in postings.chunks_exact(2) {
                        let language = usize::from(pair[0]);
                        let bit = bit(language);
                        if candidate_mask & bit == 0 || scored & bit != 0 {
                            continue;
                        }
                        scored |= bit;
                        if let Some(total) = totals.get_mut(language) {
                            *total += u32::from(pair[1]);
                        }
                    }
                    if scored == candidate_mask {
                        break;
                    }
                }
                if order == 1 {
                    letters += 1;
                    let mut missing = candidate_mask & !scored;
                    while missing != 0 {
                        let language = missing.trailing_zeros() as usize;
                        missing &= missing - 1;
                        if let Some(total) = totals.get_mut(language) {
                            *total += UNKNOWN_LETTER;
                        }
                    }
                }
            }
        }
    }
    if letters == 0 {
        return None;
    }
    // Lingua's normalisation: the mean score per letter.
    let mut best: Option<(usize, f32)> = None;
    let mut runner_up = f32::NEG_INFINITY;
    for &language in candidates {
        let score = -(*totals.get(language)? as f32) * STEP / letters as f32;
        match best {
            Some((_, best_score)) if score <= best_score => runner_up = runner_up.max(score),
            _ => {
                if let Some((_, previous)) = best {
                    runner_up = previous;
                }
                best = Some((language, score));
            }
        }
    }
    let (best, score) = best?;
    // The difference of the mean scores per letter, scaled by the square
    // root of the number of letters as on the trigram path: a longer text's
    // evidence is worth more, though its letters are far from independent.
    let margin = (score - runner_up) * (letters as f32).sqrt();
    Some(Detection {
        code: table.codes().get(best)?,
        confidence: if margin.is_finite() { 1.0 / (1.0 + (-margin).exp()) } else { 1.0 },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_long_table_parses() {
        let long = LONG.as_ref().expect("the shipped table is valid");
        assert!(long.count > 0);
        assert!(!long.postings(long_key(&['t', 'i', 'o', 'n'])).is_empty());
    }

    fn short_path(text: &str) -> Option<&'static str> {
        match fast::by_script(text) {
            fast::ScriptVerdict::Shared(shared) => by_all_ngrams(text, &shared).map(|d| d.code),
            _ => None,
        }
    }

    #[test]
    fn short_sentences_are_detected() {
        for (expected, text) in [
            ("pl", "Wczoraj w Warszawie przez cały dzień padał deszcz."),
            ("cs", "Včera v Praze celý den pršelo a foukal silný vítr."),
            ("nl", "Gisteren regende het de hele dag in Amsterdam."),
            ("it", "Ieri a Roma ha piovuto per tutto il giorno."),
            ("sv", "Igår regnade det hela dagen i Stockholm."),
            ("uk", "Учора в Києві весь день ішов дощ."),
            ("hi", "कल दिल्ली में पूरे दिन बारिश हुई।"),
            ("de", "Straße"),
        ] {
            assert_eq!(short_path(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn confidence_grows_with_length() {
        let text = "The committee will publish its report on the new railway line next month.";
        let fast::ScriptVerdict::Shared(shared) = fast::by_script(text) else {
            panic!("Latin script expected");
        };
        let short = by_all_ngrams("The committee", &shared).expect("detected");
        let long = by_all_ngrams(text, &shared).expect("detected");
        assert_eq!(long.code, "en");
        assert!(long.confidence > short.confidence, "{short:?} {long:?}");
        assert!(long.confidence <= 1.0);
    }

    #[test]
    fn the_key_matches_the_builder() {
        // The builder computes the same function over the n-gram's string;
        // its value is pinned so that a change on one side shows.
        assert_eq!(long_key(&['a', 'b', 'c', 'd']), 0xd72e_92dd);
    }

    #[test]
    fn a_damaged_long_table_is_refused() {
        assert!(LongTable::parse(b"").is_none());
        assert!(LongTable::parse(b"LEDELNG5\x4b\x00\x00\x00").is_none());
        assert!(LongTable::parse(&LONG_BYTES[..LONG_BYTES.len() - 1]).is_none());
    }
}
