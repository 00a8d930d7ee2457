//! The fast path of language identification: the script decides where it
//! can, and one table lookup per character trigram scores all languages of
//! the script at once.
//!
//! The table (`data/lang/ngrams.bin`, built by `examples/build_lang_model.rs`)
//! holds lingua's conditional probabilities of the n-grams of one to three
//! characters for all 75 languages. Scoring follows lingua's long-text mode:
//! every trigram inside a word contributes its log-probability, backing off
//! to its two- and one-character prefixes when a language lacks it. Lingua
//! keeps a separate model per language and so looks every trigram up once per
//! candidate language; here one lookup returns the scores of every language
//! that knows the n-gram, which is what makes this path fast.

use std::sync::LazyLock;

use super::{Detection, SUPPORTED};

static MODEL_BYTES: &[u8] = include_bytes!("../../../data/lang/ngrams.bin");

/// One quantisation step of the stored log-probabilities, in nats.
const STEP: f32 = 1.0 / 8.0;

/// Score (in steps) of an n-gram a language has never seen, not even its
/// first character: about e^-20.
const UNSEEN: u32 = 160;

/// A script shared by several languages, each scored with its own letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shared {
    Latin,
    Cyrillic,
    Arabic,
    Devanagari,
}

/// What a letter's script says about the language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    /// Only one supported language writes this script.
    Unique(&'static str),
    Shared(Shared),
    Han,
    Kana,
    Other,
}

fn script(c: char) -> Script {
    match u32::from(c) {
        0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F | 0x1E00..=0x1EFF => Script::Shared(Shared::Latin),
        0x370..=0x3FF | 0x1F00..=0x1FFF => Script::Unique("el"),
        0x400..=0x52F => Script::Shared(Shared::Cyrillic),
        0x530..=0x58F => Script::Unique("hy"),
        0x590..=0x5FF => Script::Unique("he"),
        0x600..=0x6FF | 0x750..=0x77F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => Script::Shared(Shared::Arabic),
        0x900..=0x97F => Script::Shared(Shared::Devanagari),
        0x980..=0x9FF => Script::Unique("bn"),
        0xA00..=0xA7F => Script::Unique("pa"),
        0xA80..=0xAFF => Script::Unique("gu"),
        0xB80..=0xBFF => Script::Unique("ta"),
        0xC00..=0xC7F => Script::Unique("te"),
        0xE00..=0xE7F => Script::Unique("th"),
        0x10A0..=0x10FF => Script::Unique("ka"),
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => Script::Unique("ko"),
        0x3040..=0x30FF | 0x31F0..=0x31FF => Script::Kana,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF => Script::Han,
        _ => Script::Other,
    }
}

/// Which supported languages are written in a shared script.
fn languages_of(shared: Shared) -> &'static [&'static str] {
    match shared {
        Shared::Latin => &[
            "af", "az", "bs", "ca", "cs", "cy", "da", "de", "en", "eo", "es", "et", "eu", "fi", "fr", "ga", "hr", "hu",
            "id", "is", "it", "la", "lg", "lt", "lv", "mi", "ms", "nb", "nl", "nn", "pl", "pt", "ro", "sk", "sl", "sn",
            "so", "sq", "st", "sv", "sw", "tl", "tn", "tr", "ts", "vi", "xh", "yo", "zu",
        ],
        Shared::Cyrillic => &["be", "bg", "kk", "mk", "mn", "ru", "sr", "uk"],
        Shared::Arabic => &["ar", "fa", "ur"],
        Shared::Devanagari => &["hi", "mr"],
    }
}

/// What the script alone says about a text.
pub(super) enum ScriptVerdict {
    /// The text has no letters.
    Empty,
    /// The script settles it.
    Decided(Detection),
    /// Most letters are in a script several languages share; `letters` of
    /// them in all.
    Shared(SharedScript),
}

/// The shared script most of a text is written in.
pub(super) struct SharedScript {
    script: Shared,
    /// Letters of that script in the text.
    pub letters: usize,
}

/// The script verdict on `text`: by the script of most of its letters,
/// except that any Kana among Han characters makes it Japanese.
pub(super) fn by_script(text: &str) -> ScriptVerdict {
    by_script_counted(text).0
}

/// [`by_script`] and the number of letters of `text` (of any script).
pub(super) fn by_script_counted(text: &str) -> (ScriptVerdict, usize) {
    // Counts per script, in a fixed order so that ties break the same way.
    let mut unique: Vec<(&'static str, usize)> = Vec::new();
    let mut shared = [0usize; 4];
    let (mut han, mut kana, mut letters) = (0usize, 0usize, 0usize);
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        // ASCII letters are Latin: a block of ASCII is counted without
        // decoding, in a loop the compiler turns into a few vector steps.
        if let Some(block) = bytes.get(at..at + ASCII_BLOCK) {
            if block.iter().fold(0, |any, byte| any | byte) < 0x80 {
                let block_letters: usize = block.iter().map(|&byte| usize::from(is_ascii_letter(byte))).sum();
                letters += block_letters;
                shared[Shared::Latin as usize] += block_letters;
                at += ASCII_BLOCK;
                continue;
            }
        }
        if byte.is_ascii() {
            at += 1;
            if byte.is_ascii_alphabetic() {
                letters += 1;
                shared[Shared::Latin as usize] += 1;
            }
            continue;
        }
        let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) else { break };
        at += c.len_utf8();
        if !c.is_alphabetic() {
            continue;
        }
        letters += 1;
        match script(c) {
            Script::Unique(code) => match unique.iter_mut().find(|(seen, _)| *seen == code) {
                Some((_, count)) => *count += 1,
                None => unique.push((code, 1)),
            },
            Script::Shared(script) => shared[script as usize] += 1,
            Script::Han => han += 1,
            Script::Kana => kana += 1,
            Script::Other => {}
        }
    }
    if letters == 0 {
        return (ScriptVerdict::Empty, letters);
    }
    let scripts = [Shared::Latin, Shared::Cyrillic, Shared::Arabic, Shared::Devanagari];
    let (best_shared, shared_count) = scripts
        .iter()
        .zip(shared)
        .max_by_key(|(_, count)| *count)
        .map_or((Shared::Latin, 0), |(script, count)| (*script, count));
    let (best_unique, unique_count) = unique.iter().copied().max_by_key(|(_, count)| *count).unwrap_or(("", 0));
    let cjk = han + kana;
    let decided = |code: &'static str, count: usize| {
        ScriptVerdict::Decided(Detection { code, confidence: count as f32 / letters as f32 })
    };
    if cjk > shared_count && cjk > unique_count {
        return (if kana > 0 { decided("ja", cjk) } else { decided("zh", cjk) }, letters);
    }
    if unique_count > shared_count {
        return (decided(best_unique, unique_count), letters);
    }
    if shared_count == 0 {
        return (ScriptVerdict::Empty, letters);
    }
    (ScriptVerdict::Shared(SharedScript { script: best_shared, letters: shared_count }), letters)
}

/// Bytes of the ASCII blocks [`by_script`] counts at once.
const ASCII_BLOCK: usize = 16;

/// `byte.is_ascii_alphabetic()` for an ASCII byte, without branches.
#[inline]
fn is_ascii_letter(byte: u8) -> bool {
    (byte | 0x20).wrapping_sub(b'a') < 26
}

/// The n-gram table, read in place from the bytes compiled into the binary
/// but for the keys, which are copied once into an array that the standard
/// binary search runs on (about a million instructions): no hash table or
/// per-bigram rows are built, so a process pays little for the 400,000
/// n-grams it never meets (per-thread [`ScoredTrigrams`] caches the rows that
/// are met).
pub(super) struct Model {
    /// The code of each table language.
    codes: Vec<&'static str>,
    /// Table indices of the languages of each shared script, in the order
    /// of [`Shared`].
    candidates: [Vec<usize>; 4],
    /// Per table language, its lane in a [`ScoredTrigrams`] row, or
    /// [`NO_LANE`] for a language no shared script has as a candidate.
    lane_of: Vec<u8>,
    /// The code of the language in each lane.
    lane_codes: Vec<&'static str>,
    /// The lanes of the candidates of each shared script, in the order of
    /// [`Shared`]: consecutive, in the order of `candidates`.
    candidate_lanes: [std::ops::Range<usize>; 4],
    /// The n-gram keys, sorted ascending.
    keys: Vec<u64>,
    /// Per key, then one more, the little-endian u32 start of its postings.
    offsets: &'static [u8],
    /// Pairs of (language index, quantised negative log-probability).
    postings: &'static [u8],
}

static MODEL: LazyLock<Option<Model>> = LazyLock::new(|| Model::parse(MODEL_BYTES));

/// The shared table of one- to three-character n-grams; `None` if the
/// shipped table does not parse.
pub(super) fn table() -> Option<&'static Model> {
    MODEL.as_ref()
}

impl Model {
    fn parse(bytes: &'static [u8]) -> Option<Model> {
        let mut reader = Reader { bytes, at: 0 };
        if reader.take(8)? != b"LEDELNG1" {
            return None;
        }
        let languages = reader.u32()? as usize;
        if languages > LANES {
            return None;
        }
        let mut codes = Vec::with_capacity(languages);
        for _ in 0..languages {
            let code = std::str::from_utf8(reader.take(2)?).ok()?;
            codes.push(*SUPPORTED.iter().find(|supported| **supported == code)?);
        }
        let count = reader.u32()? as usize;
        let keys: Vec<u64> = reader
            .take(count.checked_mul(8)?)?
            .chunks_exact(8)
            .map(|bytes| bytes.try_into().map(u64::from_le_bytes).unwrap_or(u64::MAX))
            .collect();
        let postings_count = reader.u32()? as usize;
        let offsets = reader.take(count.checked_add(1)?.checked_mul(4)?)?;
        let postings = reader.take(postings_count.checked_mul(2)?)?;
        // Offsets out of order or language indices out of range are caught
        // where they are read (an empty or skipped posting), not here.
        if read_u32(offsets, count) != Some(postings_count as u32) {
            return None;
        }
        let candidates: [Vec<usize>; 4] =
            [Shared::Latin, Shared::Cyrillic, Shared::Arabic, Shared::Devanagari].map(|script| {
                languages_of(script).iter().filter_map(|code| codes.iter().position(|known| known == code)).collect()
            });
        // Candidates of every script side by side in one short row: no
        // language is a candidate of two scripts, and the languages of the
        // unique scripts are never scored at all.
        let mut lane_of = vec![NO_LANE; codes.len()];
        let mut lane_codes = Vec::new();
        let mut candidate_lanes = [0..0, 0..0, 0..0, 0..0];
        for (lanes, script_candidates) in candidate_lanes.iter_mut().zip(&candidates) {
            let start = lane_codes.len();
            for &language in script_candidates {
                let lane = lane_of.get_mut(language)?;
                if *lane != NO_LANE || lane_codes.len() >= ROW_LANES {
                    return None;
                }
                *lane = lane_codes.len() as u8;
                lane_codes.push(codes[language]);
            }
            *lanes = start..lane_codes.len();
        }
        Some(Model { codes, candidates, lane_of, lane_codes, candidate_lanes, keys, offsets, postings })
    }

    /// The score per lane of `trigram`: lingua's back-off, the trigram's
    /// score where a language has it, else its bigram prefix's, else its
    /// first character's, else [`UNSEEN`]; 0 in the lanes past the
    /// candidates.
    fn scored_row(&self, trigram: u64) -> [u8; ROW_LANES] {
        let mut row = self.back_off_row(trigram >> 21);
        self.overwrite(&mut row, trigram);
        row
    }

    /// The row of `bigram` backing off to its first character: the start
    /// of the row of every trigram it begins.
    fn back_off_row(&self, bigram: u64) -> [u8; ROW_LANES] {
        let mut row = [0u8; ROW_LANES];
        row[..self.lane_codes.len()].fill(UNSEEN as u8);
        self.overwrite(&mut row, bigram >> 21);
        self.overwrite(&mut row, bigram);
        row
    }

    /// Writes the scores of `key`'s postings into the lanes of `row`.
    fn overwrite(&self, row: &mut [u8; ROW_LANES], key: u64) {
        for pair in self.postings(key).chunks_exact(2) {
            let lane = self.lane_of.get(usize::from(pair[0])).copied().unwrap_or(NO_LANE);
            if let Some(score) = row.get_mut(usize::from(lane)) {
                *score = pair[1];
            }
        }
    }

    /// The code of each table language, by table index.
    pub(super) fn codes(&self) -> &[&'static str] {
        &self.codes
    }

    /// Table indices of the languages written in `shared`'s script.
    pub(super) fn candidates(&self, shared: &SharedScript) -> &[usize] {
        self.candidates.get(shared.script as usize).map_or(&[], Vec::as_slice)
    }

    /// The postings of an n-gram (characters packed 21 bits each, the first
    /// highest), pairs of (language index, score in steps); empty when no
    /// language has it.
    pub(super) fn postings(&self, key: u64) -> &[u8] {
        self.index_of(key)
            .and_then(|index| {
                let start = read_u32(self.offsets, index)? as usize;
                let end = read_u32(self.offsets, index + 1)? as usize;
                self.postings.get(start.checked_mul(2)?..end.checked_mul(2)?)
            })
            .unwrap_or(&[])
    }

    /// The position of `key` among the sorted keys.
    fn index_of(&self, key: u64) -> Option<usize> {
        self.keys.binary_search(&key).ok()
    }
}

/// The `index`-th little-endian u32 of `bytes`.
fn read_u32(bytes: &[u8], index: usize) -> Option<u32> {
    let at = index.checked_mul(4)?;
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn hash(key: u64, bits: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
}

struct Reader {
    bytes: &'static [u8],
    at: usize,
}

impl Reader {
    fn take(&mut self, len: usize) -> Option<&'static [u8]> {
        let bytes = self.bytes.get(self.at..self.at.checked_add(len)?)?;
        self.at += len;
        Some(bytes)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
}

/// The language of `text`, among the languages of its shared script, by the
/// summed trigram scores; `None` when the text has no trigram or the table is
/// unusable.
pub(super) fn by_trigrams(text: &str, shared: &SharedScript) -> Option<Detection> {
    by_trigrams_until(text, shared, SETTLED)
}

/// [`by_trigrams`], stopping once the margin of the best language reaches
/// `settled` (see [`margin`]).
pub(super) fn by_trigrams_until(text: &str, shared: &SharedScript, settled: f32) -> Option<Detection> {
    let model = MODEL.as_ref()?;
    let lanes = model.candidate_lanes.get(shared.script as usize)?.clone();
    let (totals, trigrams) = SCORED_TRIGRAMS.with_borrow_mut(|scored| {
        scored.make_room(text.len());
        score_text(scored, model, text, lanes.clone(), settled)
    });
    let (best, margin) = margin(totals.get(lanes.clone())?, trigrams)?;
    Some(Detection { code: model.lane_codes.get(lanes.start + best)?, confidence: 1.0 / (1.0 + (-margin).exp()) })
}

/// The summed scores per lane of the trigrams of `text` and their number, up to the check
/// where the candidates in `lanes` are settled; the copy compiled for AVX2 where the
/// processor has it.
fn score_text(
    scored: &mut ScoredTrigrams,
    model: &Model,
    text: &str,
    lanes: std::ops::Range<usize>,
    settled: f32,
) -> ([u32; ROW_LANES], u32) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2 (checked just above), all that the function's
        // `target_feature` asks for.
        return unsafe { score_text_avx2(scored, model, text, lanes, settled) };
    }
    score_text_in(scored, model, text, lanes, settled)
}

/// [`score_text_in`] compiled for AVX2: a row's widening add is two instructions per 16
/// lanes instead of five.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn score_text_avx2(
    scored: &mut ScoredTrigrams,
    model: &Model,
    text: &str,
    lanes: std::ops::Range<usize>,
    settled: f32,
) -> ([u32; ROW_LANES], u32) {
    score_text_in(scored, model, text, lanes, settled)
}

#[inline(always)]
fn score_text_in(
    scored: &mut ScoredTrigrams,
    model: &Model,
    text: &str,
    lanes: std::ops::Range<usize>,
    settled: f32,
) -> ([u32; ROW_LANES], u32) {
    let mut totals = [0u32; ROW_LANES];
    // Sums since the last check, in u16: twice the lanes per vector addition. A local of this
    // function, so that it stays in vector registers: sums reached through a pointer were
    // loaded and stored again for every trigram (and an array of arrays was split into
    // scalars).
    let mut recent = [0u16; ROW_LANES];
    // Row indices of the trigrams since the last check, and how many.
    let mut pending = [0u32; CHECK_EVERY as usize];
    let mut pending_len = 0usize;
    let mut trigrams = 0u32;
    // u32::MAX in the lanes that are no candidates of this text's script: OR-ed into the totals
    // for the checks, so that they run over the whole fixed-length row (a few vector steps) and
    // those lanes, never below the best, change neither the best nor the runner-up.
    let mut not_candidate = [u32::MAX; ROW_LANES];
    if let Some(candidates) = not_candidate.get_mut(lanes.clone()) {
        candidates.fill(0);
    }
    let bytes = text.as_bytes();
    let mut window = [0u32; 3];
    let mut in_word = 0usize;
    let mut at = 0;
    // One character of the text lowercased, as `chars().flat_map(char::to_lowercase)` gives
    // them; 0 for anything but a letter. Ends the text's loop once the scores are settled.
    macro_rules! take_letter {
        ($text:lifetime, $letter:expr) => {{
            let letter: u32 = $letter;
            if letter == 0 {
                in_word = 0;
            } else {
                window = [window[1], window[2], letter];
                in_word += 1;
                if in_word >= 3 {
                    // Rows are only looked up (and built on first sight) here, and summed at the
                    // check: a row built here calls out of the loop, and the sums kept in vector
                    // registers would have to be saved around every lookup that might.
                    if let Some(slot) = pending.get_mut(pending_len) {
                        *slot = scored.row(model, window);
                    }
                    pending_len += 1;
                    trigrams += 1;
                    if trigrams % CHECK_EVERY == 0 {
                        add_rows(&mut recent, &scored.rows, &pending[..]);
                        pending_len = 0;
                        add_recent(&mut totals, &mut recent);
                        // Most texts are settled long before the sample ends.
                        let mut candidates = totals;
                        for (total, mask) in candidates.iter_mut().zip(&not_candidate) {
                            *total |= mask;
                        }
                        if margin_value(&candidates, trigrams).is_some_and(|m| m >= settled) {
                            break $text;
                        }
                    }
                }
            }
        }};
    }
    'text: while let Some(&byte) = bytes.get(at) {
        // ASCII bytewise.
        if byte.is_ascii() {
            at += 1;
            take_letter!('text, if is_ascii_letter(byte) { u32::from(byte | 0x20) } else { 0 });
            continue;
        }
        let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) else { break };
        at += c.len_utf8();
        let (letters, _, count) = lowercase_letters(c);
        for &letter in letters.get(..count).unwrap_or_default() {
            take_letter!('text, letter);
        }
    }
    add_rows(&mut recent, &scored.rows, pending.get(..pending_len).unwrap_or_default());
    add_recent(&mut totals, &mut recent);
    (totals, trigrams)
}

/// Adds the rows at `indices` to `recent`. Every lane, candidate or not: a loop of fixed length
/// over the whole row compiles to a few vector additions.
#[inline(always)]
fn add_rows(recent: &mut [u16; ROW_LANES], rows: &[[u8; ROW_LANES]], indices: &[u32]) {
    for &index in indices {
        if let Some(row) = rows.get(index as usize) {
            for (sum, score) in recent.iter_mut().zip(row) {
                *sum += u16::from(*score);
            }
        }
    }
}

/// The lowercase form of a non-ASCII character as (letters, 0, how many),
/// 0 standing for a character that is no letter.
#[cold]
fn lowercase_letters(c: char) -> ([u32; 3], usize, usize) {
    let mut letters = [0u32; 3];
    let mut count = 0;
    for (letter, lower) in letters.iter_mut().zip(c.to_lowercase()) {
        *letter = if lower.is_alphabetic() { u32::from(lower) } else { 0 };
        count += 1;
    }
    (letters, 0, count)
}

/// Moves the sums of the last trigrams into `totals`.
#[inline(always)]
fn add_recent(totals: &mut [u32; ROW_LANES], recent: &mut [u16; ROW_LANES]) {
    for (total, sum) in totals.iter_mut().zip(recent.iter_mut()) {
        *total += u32::from(*sum);
        *sum = 0;
    }
}

/// Calls `each` on the characters of `text` lowercased, as
/// `text.chars().flat_map(char::to_lowercase)` gives them: `Some` for a
/// letter, `None` for anything else, until `each` returns true. The
/// reference for [`by_trigrams_until`]'s reading of the text.
#[cfg(test)]
fn letters_lowercased(text: &str, mut each: impl FnMut(Option<char>) -> bool) {
    for c in text.chars() {
        let (letters, _, count) = if c.is_ascii() {
            ([if c.is_ascii_alphabetic() { u32::from(c.to_ascii_lowercase()) } else { 0 }, 0, 0], 0, 1)
        } else {
            lowercase_letters(c)
        };
        for &letter in &letters[..count] {
            if each(char::from_u32(letter).filter(|&letter| letter != '\0')) {
                return;
            }
        }
    }
}

/// Trigram rows met so far, per thread: news text repeats the same few
/// thousand trigrams over and over, and a row of final scores turns the
/// scoring of a trigram into one vector addition.
struct ScoredTrigrams {
    /// For each trigram of the letters `a` to `z` (most trigrams of most
    /// texts), one more than the index of its row in `rows`; 0 = not met.
    ascii: Vec<u32>,
    /// Open-addressing table of (trigram key, index of its row in `rows`)
    /// for the other trigrams; key 0 = empty (no trigram of letters packs
    /// to 0).
    slots: Vec<(u64, u32)>,
    /// One row per trigram, one byte per lane (see [`Model::scored_row`]).
    rows: Vec<[u8; ROW_LANES]>,
    /// For each bigram of `a` to `z`, one more than the index of its row in
    /// `bigram_rows`; 0 = not met. At most 676 rows: never emptied.
    ascii_bigrams: Vec<u32>,
    /// Back-off rows of bigrams (see [`Model::back_off_row`]).
    bigram_rows: Vec<[u8; ROW_LANES]>,
}

/// Languages a table may have: at least [`SUPPORTED`]'s; a table with more
/// is refused.
const LANES: usize = 80;

/// Lanes of a row: room for the candidates of all shared scripts, rounded
/// up to whole 16-byte vectors; a table with more is refused.
const ROW_LANES: usize = 64;

/// The lane of a language that is no candidate.
const NO_LANE: u8 = u8::MAX;

// The u16 sums of a [`Scorer`] cannot overflow between two checks.
const _: () = assert!(CHECK_EVERY as usize * 255 <= u16::MAX as usize && SUPPORTED.len() <= LANES);

/// Slots of [`ScoredTrigrams`]; it is emptied before it could pass half
/// full, which bounds it to about 1.6 MB per thread.
const SCORED_SLOT_BITS: u32 = 15;

/// Trigrams of `a` to `z`.
const ASCII_TRIGRAMS: usize = 26 * 26 * 26;

thread_local! {
    static SCORED_TRIGRAMS: std::cell::RefCell<ScoredTrigrams> = const {
        std::cell::RefCell::new(ScoredTrigrams {
            ascii: Vec::new(),
            slots: Vec::new(),
            rows: Vec::new(),
            ascii_bigrams: Vec::new(),
            bigram_rows: Vec::new(),
        })
    };
}

impl ScoredTrigrams {
    /// Empties the cache unless `new` more rows fit (a text of `new` bytes
    /// has fewer trigrams), so that [`Self::row`] never has to check.
    fn make_room(&mut self, new: usize) {
        if self.slots.is_empty() || self.rows.len().saturating_add(new) >= (1 << SCORED_SLOT_BITS) / 2 {
            self.ascii.clear();
            self.ascii.resize(ASCII_TRIGRAMS, 0);
            self.slots.clear();
            self.slots.resize(1 << SCORED_SLOT_BITS, (0, 0));
            self.rows.clear();
        }
        if self.ascii_bigrams.is_empty() {
            self.ascii_bigrams.resize(26 * 26, 0);
        }
    }

    /// The index in `rows` of the row of final scores of the trigram of
    /// lowercase letters `window`, computed on first sight.
    #[inline]
    fn row(&mut self, model: &Model, window: [u32; 3]) -> u32 {
        let [a, b, c] = window.map(|letter| letter.wrapping_sub(u32::from(b'a')));
        if a < 26 && b < 26 && c < 26 {
            let at = ((a * 26 + b) * 26 + c) as usize;
            if let Some(&found) = self.ascii.get(at) {
                if found != 0 {
                    return found - 1;
                }
                return self.push_ascii_row(model, window, at);
            }
        }
        self.row_by_hash(model, window)
    }

    /// [`Self::row`] of a trigram of `a` to `z` met for the first time, at `at` in `ascii`.
    #[cold]
    #[inline(never)]
    fn push_ascii_row(&mut self, model: &Model, window: [u32; 3], at: usize) -> u32 {
        let index = self.push_row(model, window) as u32;
        if let Some(entry) = self.ascii.get_mut(at) {
            *entry = index + 1;
        }
        index
    }

    #[cold]
    #[inline(never)]
    fn row_by_hash(&mut self, model: &Model, window: [u32; 3]) -> u32 {
        let trigram = pack(window);
        let mask = self.slots.len().wrapping_sub(1);
        let mut slot = hash(trigram, SCORED_SLOT_BITS);
        let found = loop {
            let Some(&(key, row)) = self.slots.get(slot & mask) else { break None };
            if key == 0 {
                break None;
            }
            if key == trigram {
                break Some(row as usize);
            }
            slot = (slot + 1) & mask;
        };
        if let Some(index) = found.filter(|&index| index < self.rows.len()) {
            return index as u32;
        }
        let index = self.push_row(model, window);
        if let Some(entry) = self.slots.get_mut(slot & mask) {
            *entry = (trigram, index as u32);
        }
        index as u32
    }

    /// Appends the row of `window`, returning its index.
    fn push_row(&mut self, model: &Model, window: [u32; 3]) -> usize {
        let [a, b] = [window[0], window[1]].map(|letter| letter.wrapping_sub(u32::from(b'a')));
        let bigram_at = (a < 26 && b < 26).then_some((a * 26 + b) as usize);
        let row = match bigram_at.and_then(|at| Some((at, *self.ascii_bigrams.get(at)?))) {
            // The many trigrams of one bigram of `a` to `z` share its back-off.
            Some((at, found)) => {
                let index = match (found as usize).checked_sub(1).filter(|&index| index < self.bigram_rows.len()) {
                    Some(index) => index,
                    None => {
                        self.bigram_rows.push(model.back_off_row(pack(window) >> 21));
                        if let Some(entry) = self.ascii_bigrams.get_mut(at) {
                            *entry = self.bigram_rows.len() as u32;
                        }
                        self.bigram_rows.len() - 1
                    }
                };
                let mut row = self.bigram_rows[index];
                model.overwrite(&mut row, pack(window));
                row
            }
            None => model.scored_row(pack(window)),
        };
        self.rows.push(row);
        self.rows.len() - 1
    }
}

/// The table key of a trigram: 21 bits per character, the first highest.
fn pack(window: [u32; 3]) -> u64 {
    (((u64::from(window[0]) << 21) | u64::from(window[1])) << 21) | u64::from(window[2])
}

/// How often (in trigrams) the scoring checks whether the text is settled.
const CHECK_EVERY: u32 = 16;

/// A margin (see [`margin`]) at which the text counts as settled: a
/// confidence above 0.9996, past which more text changes nothing that a
/// caller would act on.
pub(super) const SETTLED: f32 = 8.0;

/// The margin at which a paragraph counts as settled: a confidence of about
/// 0.95, well past [`super::FOREIGN_PARAGRAPH_CONFIDENCE`], so that the
/// typical paragraph is decided on its first few dozen trigrams.
pub(super) const PARAGRAPH_SETTLED: f32 = 3.0;

/// The best candidate by its total (its position in `totals`, the first on
/// a tie) and its margin over the runner-up; `None` before the first trigram.
fn margin(totals: &[u32], trigrams: u32) -> Option<(usize, f32)> {
    if trigrams == 0 {
        return None;
    }
    let (mut best, mut best_total, mut runner_up_total) = (None, u32::MAX, u32::MAX);
    for (candidate, &total) in totals.iter().enumerate() {
        if total < best_total {
            runner_up_total = best_total;
            best_total = total;
            best = Some(candidate);
        } else if total < runner_up_total {
            runner_up_total = total;
        }
    }
    let best = best?;
    Some((best, margin_between(best_total, runner_up_total, trigrams)))
}

/// [`margin`]'s margin alone, for the checks while scoring: folds without branches, which
/// the compiler vectorises, instead of the search for the best candidate's position.
#[inline(always)]
fn margin_value(totals: &[u32], trigrams: u32) -> Option<f32> {
    if trigrams == 0 {
        return None;
    }
    let best_total = totals.iter().fold(u32::MAX, |least, &total| least.min(total));
    if best_total == u32::MAX {
        return None;
    }
    // The runner-up is the best total itself when two candidates share it, else the least
    // total above it.
    let ties: u32 = totals.iter().map(|&total| u32::from(total == best_total)).sum();
    let runner_up_total = if ties > 1 {
        best_total
    } else {
        // The least total but the best's, whose lane is OR-ed to u32::MAX. Eight running
        // minima, lane by lane, so that each step is a vector compare, OR and min: as a single
        // fold the compiler turned it into a conditional update and kept it scalar (seven
        // instructions a lane).
        let mut least = [u32::MAX; 8];
        let chunks = totals.chunks_exact(least.len());
        let rest = chunks.remainder();
        for chunk in chunks {
            for (least, &total) in least.iter_mut().zip(chunk) {
                *least = (*least).min(total | u32::from(total == best_total).wrapping_neg());
            }
        }
        for &total in rest {
            least[0] = least[0].min(total | u32::from(total == best_total).wrapping_neg());
        }
        least.iter().fold(u32::MAX, |least, &total| least.min(total))
    };
    Some(margin_between(best_total, runner_up_total, trigrams))
}

/// The margin of a best total over the runner-up's after `trigrams` trigrams.
#[inline(always)]
fn margin_between(best_total: u32, runner_up_total: u32, trigrams: u32) -> f32 {
    // The head-to-head share of the two best as a logistic of their mean
    // difference per trigram (what lingua's softmax gives), with the mean
    // scaled by the square root of the number of trigrams: the evidence of a
    // long text is worth more than that of a short one, but the trigrams of
    // one text are far from independent, so not linearly more.
    let mean = (runner_up_total.saturating_sub(best_total)) as f32 * STEP / trigrams as f32;
    mean * (trigrams as f32).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses() {
        let model = MODEL.as_ref().expect("the shipped table is valid");
        assert_eq!(model.codes.len(), SUPPORTED.len());
        assert!(!model.postings(u64::from(u32::from('e'))).is_empty());
        assert!(model.postings(u64::MAX).is_empty());
    }

    #[test]
    fn a_damaged_table_is_refused() {
        assert!(Model::parse(b"").is_none());
        assert!(Model::parse(b"LEDELNG1\x01\x00\x00\x00en").is_none());
        let truncated = &MODEL_BYTES[..MODEL_BYTES.len() - 1];
        assert!(Model::parse(truncated).is_none());
    }

    const TRICKY: [&str; 9] = [
        "Ünïcode İstanbul ΣΑΣ ABC xyz ǅ 123",
        "",
        "line one\r\nline two\r\n",
        "KELVIN \u{212A} and \u{130}i, ß, ﬁ, Ǆ",
        "Москва and London, القاهرة و बम्बई",
        "a\u{301}b\u{200d}c 🙂 d-e_f 9g",
        "東京は大きい 北京很大",
        "\u{0}\u{7f}\u{80}\u{85} x",
        "The quick brown fox jumps over the lazy dog again and again.",
    ];

    #[test]
    fn lowercasing_matches_the_standard_library() {
        for text in TRICKY {
            let mut ours = Vec::new();
            letters_lowercased(text, |letter| {
                ours.push(letter);
                false
            });
            let expected: Vec<Option<char>> =
                text.chars().flat_map(char::to_lowercase).map(|c| c.is_alphabetic().then_some(c)).collect();
            assert_eq!(ours, expected, "{text:?}");
        }
    }

    /// The scores as first written: the table's own language order, a
    /// row per trigram looked up afresh, totals over all languages.
    fn by_trigrams_reference(text: &str, shared: &SharedScript, settled: f32) -> Option<Detection> {
        let model = MODEL.as_ref()?;
        let candidates = model.candidates.get(shared.script as usize)?;
        let mut totals = vec![0u32; model.codes.len()];
        let (mut trigrams, mut in_word, mut window) = (0u32, 0usize, [0u64; 3]);
        for c in text.chars().flat_map(char::to_lowercase) {
            if !c.is_alphabetic() {
                in_word = 0;
                continue;
            }
            window = [window[1], window[2], u64::from(u32::from(c))];
            in_word += 1;
            if in_word < 3 {
                continue;
            }
            trigrams += 1;
            let trigram = (((window[0] << 21) | window[1]) << 21) | window[2];
            let mut row = vec![UNSEEN as u8; model.codes.len()];
            for key in [trigram >> 42, trigram >> 21, trigram] {
                for pair in model.postings(key).chunks_exact(2) {
                    if let Some(score) = row.get_mut(usize::from(pair[0])) {
                        *score = pair[1];
                    }
                }
            }
            for (total, score) in totals.iter_mut().zip(&row) {
                *total += u32::from(*score);
            }
            if trigrams % CHECK_EVERY == 0 {
                let of_candidates: Vec<u32> = candidates.iter().map(|&c| totals[c]).collect();
                if margin(&of_candidates, trigrams).is_some_and(|(_, m)| m >= settled) {
                    break;
                }
            }
        }
        let of_candidates: Vec<u32> = candidates.iter().map(|&c| totals[c]).collect();
        let (best, margin) = margin(&of_candidates, trigrams)?;
        Some(Detection { code: model.codes[candidates[best]], confidence: 1.0 / (1.0 + (-margin).exp()) })
    }

    #[test]
    fn scoring_matches_the_reference() {
        let long = "The council met on Tuesday. Der Rat traf sich am Dienstag. Совет собрался во вторник. ";
        let mut texts: Vec<String> = TRICKY.iter().map(|t| t.to_string()).collect();
        texts.push(long.repeat(12));
        texts.push("Zażółć gęślą jaźń, Ærø, Þingvellir, İzmir, çok güzel. ".repeat(6));
        texts.push("naïve café résumé ".repeat(40));
        for text in &texts {
            for script in [Shared::Latin, Shared::Cyrillic, Shared::Arabic, Shared::Devanagari] {
                let shared = SharedScript { script, letters: 1 };
                for settled in [PARAGRAPH_SETTLED, SETTLED, f32::INFINITY] {
                    assert_eq!(
                        by_trigrams_until(text, &shared, settled),
                        by_trigrams_reference(text, &shared, settled),
                        "{script:?} {settled} {text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_margin_alone_matches_the_search_for_the_best() {
        let cases: [&[u32]; 9] = [
            &[],
            &[7],
            &[5, 5],
            &[9, 3, 3, 8],
            &[4, 9, 6, 4, 1],
            &[u32::MAX, u32::MAX],
            &[u32::MAX, 12],
            &[30, 20, 10, 20, 30, 10, 40],
            &[100, 90, 80, 70, 60, 50, 40, 30, 20, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
        ];
        for totals in cases {
            for trigrams in [0, 1, 16, 700] {
                assert_eq!(
                    margin_value(totals, trigrams),
                    margin(totals, trigrams).map(|(_, margin)| margin),
                    "{totals:?} {trigrams}"
                );
            }
        }
    }

    /// [`by_script`]'s counts as first written, a character at a time.
    fn script_counts_reference(text: &str) -> ([usize; 4], usize) {
        let mut shared = [0usize; 4];
        let mut letters = 0;
        for c in text.chars().filter(|c| c.is_alphabetic()) {
            letters += 1;
            if let Script::Shared(script) = script(c) {
                shared[script as usize] += 1;
            }
        }
        (shared, letters)
    }

    #[test]
    fn script_counts_match_the_character_loop() {
        let mut texts: Vec<String> = TRICKY.iter().map(|t| t.to_string()).collect();
        texts.push("abcdefghijklmnopqrstuvwxyz0123456789 Ünï ".repeat(5));
        texts.push("x".repeat(33) + "é" + &"y".repeat(15));
        for text in &texts {
            let (shared, letters) = script_counts_reference(text);
            match by_script(text) {
                ScriptVerdict::Empty => assert!(letters == 0 || shared.iter().all(|&n| n == 0), "{text:?}"),
                ScriptVerdict::Decided(_) => {}
                ScriptVerdict::Shared(found) => {
                    assert_eq!(found.letters, shared[found.script as usize], "{text:?}")
                }
            }
        }
    }

    #[test]
    fn unique_scripts_decide() {
        for (text, code) in [
            ("Καλημέρα", "el"),
            ("שלום עולם", "he"),
            ("สวัสดีครับ", "th"),
            ("გამარჯობა", "ka"),
            ("안녕하세요", "ko"),
            ("東京は大きい", "ja"),
            ("北京很大", "zh"),
        ] {
            match by_script(text) {
                ScriptVerdict::Decided(detection) => assert_eq!(detection.code, code, "{text}"),
                _ => panic!("{text} should be decided by its script"),
            }
        }
    }

    #[test]
    fn shared_scripts_are_left_to_the_model() {
        assert!(matches!(
            by_script("Привет, мир"),
            ScriptVerdict::Shared(SharedScript { script: Shared::Cyrillic, letters: 9 })
        ));
        assert!(matches!(by_script("123 !?"), ScriptVerdict::Empty));
    }
}
