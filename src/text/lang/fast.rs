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
    // Counts per script, in a fixed order so that ties break the same way.
    let mut unique: Vec<(&'static str, usize)> = Vec::new();
    let mut shared = [0usize; 4];
    let (mut han, mut kana, mut letters) = (0usize, 0usize, 0usize);
    for c in text.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphabetic() {
                letters += 1;
                shared[Shared::Latin as usize] += 1;
            }
            continue;
        }
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
        return ScriptVerdict::Empty;
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
        return if kana > 0 { decided("ja", cjk) } else { decided("zh", cjk) };
    }
    if unique_count > shared_count {
        return decided(best_unique, unique_count);
    }
    if shared_count == 0 {
        return ScriptVerdict::Empty;
    }
    ScriptVerdict::Shared(SharedScript { script: best_shared, letters: shared_count })
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
        let candidates = [Shared::Latin, Shared::Cyrillic, Shared::Arabic, Shared::Devanagari].map(|script| {
            languages_of(script).iter().filter_map(|code| codes.iter().position(|known| known == code)).collect()
        });
        Some(Model { codes, candidates, keys, offsets, postings })
    }

    /// Writes into `row` the score per language of `bigram` backing off to
    /// its first character, computed from the postings.
    fn back_off_row(&self, bigram: u64, row: &mut [u8]) {
        row.fill(UNSEEN as u8);
        for key in [bigram >> 21, bigram] {
            for pair in self.postings(key).chunks_exact(2) {
                if let Some(score) = row.get_mut(usize::from(pair[0])) {
                    *score = pair[1];
                }
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
    let candidates = model.candidates.get(shared.script as usize)?;
    let mut totals = [0u32; LANES];
    // Sums since the last check, in u16: twice the lanes per vector addition.
    let mut recent = [0u16; LANES];
    let mut window = [0u64; 3];
    let mut in_word = 0usize;
    let mut trigrams = 0u32;
    let mut lowered = Lowercase::new(text);
    SCORED_TRIGRAMS.with_borrow_mut(|scored| {
        while let Some(c) = lowered.next() {
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
            // Every lane, candidate or not: a loop of fixed length over the
            // whole row compiles to a few vector additions.
            for (sum, score) in recent.iter_mut().zip(scored.row(model, trigram)) {
                *sum += u16::from(*score);
            }
            if trigrams % CHECK_EVERY == 0 {
                add_recent(&mut totals, &mut recent);
                // Most texts are settled long before the sample ends.
                if margin(&totals, candidates, trigrams).is_some_and(|(_, m)| m >= settled) {
                    break;
                }
            }
        }
    });
    add_recent(&mut totals, &mut recent);
    let (best, margin) = margin(&totals, candidates, trigrams)?;
    Some(Detection { code: model.codes.get(best)?, confidence: 1.0 / (1.0 + (-margin).exp()) })
}

/// Moves the sums of the last trigrams into `totals`.
fn add_recent(totals: &mut [u32; LANES], recent: &mut [u16; LANES]) {
    for (total, sum) in totals.iter_mut().zip(recent.iter_mut()) {
        *total += u32::from(*sum);
        *sum = 0;
    }
}

/// The characters of a text lowercased, as `text.chars().flat_map(char::to_lowercase)`
/// gives them, with a shortcut for ASCII.
struct Lowercase<'a> {
    chars: std::str::Chars<'a>,
    /// The rest of a character that lowercases to several.
    pending: Option<std::char::ToLowercase>,
}

impl<'a> Lowercase<'a> {
    fn new(text: &'a str) -> Self {
        Lowercase { chars: text.chars(), pending: None }
    }

    #[inline]
    fn next(&mut self) -> Option<char> {
        if let Some(pending) = &mut self.pending {
            if let Some(c) = pending.next() {
                return Some(c);
            }
            self.pending = None;
        }
        let c = self.chars.next()?;
        if c.is_ascii() {
            return Some(c.to_ascii_lowercase());
        }
        let mut lower = c.to_lowercase();
        let first = lower.next();
        self.pending = Some(lower);
        first
    }
}

/// Trigram rows met so far, per thread: news text repeats the same few
/// thousand trigrams over and over, and a row of final scores turns the
/// scoring of a trigram into one vector addition.
struct ScoredTrigrams {
    /// Open-addressing table of (trigram key, index of its row in `rows`);
    /// key 0 = empty (no trigram of letters packs to 0).
    slots: Vec<(u64, u32)>,
    /// One row per trigram, one byte per language: the score of the
    /// trigram, else of its bigram prefix, else of its first character,
    /// else [`UNSEEN`]; 0 in the lanes past the table's languages.
    rows: Vec<[u8; LANES]>,
}

/// Languages a row has room for: at least [`SUPPORTED`]'s, rounded up to
/// whole 16-byte vectors; a table with more is refused.
const LANES: usize = 80;

// The u16 sums of [`by_trigrams_until`] cannot overflow between two checks.
const _: () = assert!(CHECK_EVERY as usize * 255 <= u16::MAX as usize && SUPPORTED.len() <= LANES);

/// Slots of [`ScoredTrigrams`]; it is emptied when half full, which bounds
/// it to about 1.8 MB per thread.
const SCORED_SLOT_BITS: u32 = 15;

thread_local! {
    static SCORED_TRIGRAMS: std::cell::RefCell<ScoredTrigrams> = const {
        std::cell::RefCell::new(ScoredTrigrams { slots: Vec::new(), rows: Vec::new() })
    };
}

impl ScoredTrigrams {
    /// The row of final scores of `trigram`, computed on first sight.
    fn row(&mut self, model: &Model, trigram: u64) -> &[u8; LANES] {
        if self.slots.is_empty() || self.rows.len() >= (1 << SCORED_SLOT_BITS) / 2 {
            self.slots.clear();
            self.slots.resize(1 << SCORED_SLOT_BITS, (0, 0));
            self.rows.clear();
        }
        let mask = self.slots.len() - 1;
        let mut slot = hash(trigram, SCORED_SLOT_BITS);
        let found = loop {
            let (key, row) = self.slots[slot & mask];
            if key == 0 {
                break None;
            }
            if key == trigram {
                break Some(row as usize);
            }
            slot = (slot + 1) & mask;
        };
        if let Some(index) = found.filter(|&index| index < self.rows.len()) {
            return &self.rows[index];
        }
        // Lingua's back-off: the trigram's score where a language has it,
        // else its bigram prefix's, else its first character's.
        let languages = model.codes.len().min(LANES);
        let mut row = [0u8; LANES];
        model.back_off_row(trigram >> 21, &mut row[..languages]);
        for pair in model.postings(trigram).chunks_exact(2) {
            if let Some(score) = row[..languages].get_mut(usize::from(pair[0])) {
                *score = pair[1];
            }
        }
        self.slots[slot & mask] = (trigram, self.rows.len() as u32);
        self.rows.push(row);
        &self.rows[self.rows.len() - 1]
    }
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

/// The best candidate by `totals` and its margin over the runner-up; `None`
/// before the first trigram.
fn margin(totals: &[u32], candidates: &[usize], trigrams: u32) -> Option<(usize, f32)> {
    if trigrams == 0 {
        return None;
    }
    let (mut best, mut best_total, mut runner_up_total) = (None, u32::MAX, u32::MAX);
    for &language in candidates {
        let total = *totals.get(language)?;
        if total < best_total {
            runner_up_total = best_total;
            best_total = total;
            best = Some(language);
        } else if total < runner_up_total {
            runner_up_total = total;
        }
    }
    let best = best?;
    // The head-to-head share of the two best as a logistic of their mean
    // difference per trigram (what lingua's softmax gives), with the mean
    // scaled by the square root of the number of trigrams: the evidence of a
    // long text is worth more than that of a short one, but the trigrams of
    // one text are far from independent, so not linearly more.
    let mean = (runner_up_total.saturating_sub(best_total)) as f32 * STEP / trigrams as f32;
    Some((best, mean * (trigrams as f32).sqrt()))
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

    #[test]
    fn lowercasing_matches_the_standard_library() {
        let text = "Ünïcode İstanbul ΣΑΣ ABC xyz ǅ 123";
        let mut lowered = Lowercase::new(text);
        let ours: String = std::iter::from_fn(|| lowered.next()).collect();
        assert_eq!(ours, text.chars().flat_map(char::to_lowercase).collect::<String>());
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
