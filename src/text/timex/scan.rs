//! The token scanner under the temporal grammar: runs of ASCII letters,
//! runs of digits, and single other characters, each with its byte span.
//! Words are matched against an ASCII-lower-cased copy of the text (same
//! byte offsets), made once per call, so matching never allocates.
//!
//! Each token also carries [`Tok::flags`]: which word lists its text is in,
//! looked up once here so that the grammar and the amount parser, which
//! test every token, test a bit instead of comparing strings.

use std::sync::OnceLock;

use super::lexicon as lex;

/// What a token is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// ASCII letters.
    Word,
    /// ASCII digits.
    Num,
    /// One other non-space character (punctuation, symbol, non-ASCII).
    Other,
}

/// The word can start a temporal expression ([`lex::is_trigger`]).
pub const TRIGGER: u16 = 1;
/// A trigger that starts an expression whatever follows ([`lex::is_strong`]).
pub const STRONG: u16 = 2;
/// A token after which a weak trigger still starts an expression ("-", "least", "to", ...).
pub const JOINER: u16 = 4;
/// A word or symbol an amount may start with (`amounts::START_WORDS`, number words,
/// currency symbols); digits are told by their kind.
pub const AMOUNT: u16 = 8;
/// A month name or abbreviation ([`lex::month`]).
pub const MONTH: u16 = 16;
/// A weekday name or abbreviation ([`lex::weekday`]).
pub const WEEKDAY: u16 = 32;
/// A word an approximation ("about", "more than", "at least") starts with.
pub const APPROX: u16 = 64;
/// A unit word ([`lex::unit`]) or a word that may come before one ("trading days").
pub const UNIT: u16 = 128;
/// A word a quantity may start with: a number word, "a", "several", "half", ...
pub const QTY: u16 = 256;
/// A word a quarter or a half year ends with: "quarter", "quarters", "half", "period".
pub const QUARTER: u16 = 512;
/// A word an amount's number can be: a number word, a scale ("million", "bn"), "dozen", or a
/// vague count ("thousands").
pub const NUMERIC: u16 = 1024;

/// One token: `[start, end)` byte offsets into the scanned text.
#[derive(Clone, Copy, Debug)]
pub struct Tok {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    /// Whether the first character is an upper-case letter.
    pub cap: bool,
    /// Whether a line break lies between the previous token and this one.
    pub newline_before: bool,
    /// Which word lists the token is in: [`TRIGGER`], [`AMOUNT`], ... bits.
    pub flags: u16,
}

impl Tok {
    /// The token's text in `low`, the lower-cased copy of the scanned text.
    pub fn w<'a>(&self, low: &'a str) -> &'a str {
        low.get(self.start..self.end).unwrap_or("")
    }
}

/// A text's tokens and its ASCII-lower-cased copy (same byte offsets): what the date grammar
/// and the amount parser both read, so a caller running both scans the article once.
#[derive(Clone, Debug, Default)]
pub struct Scanned {
    /// The text, ASCII-lower-cased.
    pub low: String,
    /// Its tokens.
    pub toks: Vec<Tok>,
}

impl Scanned {
    /// Scans `text`.
    pub fn new(text: &str) -> Scanned {
        let low = text.to_ascii_lowercase();
        let mut toks = Vec::new();
        scan_into(text, &low, &mut toks);
        Scanned { low, toks }
    }

    /// The scan of `text[..cut]`, taken from this scan of `text` (`cut` on a char boundary):
    /// the tokens before the cut, the one across it shortened. Equals `Scanned::new` of the
    /// prefix, as only a run of letters or digits can straddle a char boundary.
    pub(crate) fn prefix_toks(&self, cut: usize) -> Vec<Tok> {
        let n = self.toks.partition_point(|t| t.start < cut);
        let mut toks = self.toks.get(..n).unwrap_or(&[]).to_vec();
        if let Some(last) = toks.last_mut().filter(|t| t.end > cut) {
            last.end = cut;
            last.flags = flags_of(last.kind, self.low.as_bytes().get(last.start..cut).unwrap_or(&[]), word_classes());
        }
        toks
    }
}

/// Splits `text` into tokens.
#[cfg(test)]
pub fn scan(text: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    scan_into(text, &text.to_ascii_lowercase(), &mut out);
    out
}

/// Byte classes of the scanner.
const SPACE: u8 = 0;
const NEWLINE: u8 = 1;
const LETTER: u8 = 2;
const DIGIT: u8 = 3;
const MARK: u8 = 4;
const MULTI: u8 = 5;

static BYTE_CLASS: [u8; 256] = {
    let mut t = [MULTI; 256];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        t[c] = if b == b' ' || b == b'\t' || b == b'\r' {
            SPACE
        } else if b == b'\n' {
            NEWLINE
        } else if b.is_ascii_alphabetic() {
            LETTER
        } else if b.is_ascii_digit() {
            DIGIT
        } else {
            MARK
        };
        c += 1;
    }
    t
};

fn scan_into(text: &str, low: &str, out: &mut Vec<Tok>) {
    let b = text.as_bytes();
    let lb = low.as_bytes();
    let classes = word_classes();
    out.clear();
    // English news runs 4.2 to 6 bytes a token: room for all of them, so the vector never grows.
    out.reserve(b.len() / 4 + 16);
    let mut i = 0;
    let mut newline = false;
    while let Some(&c) = b.get(i) {
        let class = BYTE_CLASS[usize::from(c)];
        let start = i;
        let (kind, flags) = match class {
            SPACE => {
                i += 1;
                continue;
            }
            NEWLINE => {
                newline = true;
                i += 1;
                continue;
            }
            LETTER => {
                // In `low` the letters are the lower-case ones, and so a run of them is found
                // eight at a time.
                let (end, key) = letter_run(lb, start);
                i = end.max(start + 1);
                (Kind::Word, classes.flags_keyed(lb.get(start..i).unwrap_or(&[]), key))
            }
            DIGIT => {
                i += 1;
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                (Kind::Num, 0)
            }
            MARK => {
                i += 1;
                (Kind::Other, mark_flags(&b[start..i]))
            }
            _ => {
                // One whole UTF-8 character; a no-break space counts as space.
                let end = (i + utf8_len(c)).min(b.len());
                let ch = &b[i..end];
                i = end;
                if ch == "\u{a0}".as_bytes() {
                    continue;
                }
                (Kind::Other, mark_flags(ch))
            }
        };
        out.push(Tok { start, end: i, kind, cap: c.is_ascii_uppercase(), newline_before: newline, flags });
        newline = false;
    }
}

/// The flags of a token of `kind` whose lower-cased text is `w`.
fn flags_of(kind: Kind, w: &[u8], classes: &WordClasses) -> u16 {
    match kind {
        Kind::Word => classes.flags(w),
        Kind::Num => 0,
        Kind::Other => mark_flags(w),
    }
}

/// Flags of a one-character token.
fn mark_flags(ch: &[u8]) -> u16 {
    match ch {
        b"-" | b"'" => JOINER,
        b"$" => AMOUNT,
        _ if ch == "\u{2019}".as_bytes() => JOINER,
        _ if ch == "\u{a3}".as_bytes()
            || ch == "\u{20ac}".as_bytes()
            || ch == "\u{a5}".as_bytes()
            || ch == "\u{20b9}".as_bytes() =>
        {
            AMOUNT
        }
        _ => 0,
    }
}

/// Words after which a weak trigger still starts an expression (with "-" and the apostrophes).
const JOINER_WORDS: [&str; 15] = [
    "least",
    "most",
    "than",
    "to",
    "present",
    "near",
    "short",
    "long",
    "estimated",
    "thousand",
    "trading",
    "business",
    "working",
    "calendar",
    "in",
];

/// The first words of the approximations the grammar reads before a quantity.
pub(crate) const APPROX_WORDS: [&str; 20] = [
    "more",
    "longer",
    "less",
    "fewer",
    "shorter",
    "at",
    "up",
    "no",
    "well",
    "just",
    "close",
    "about",
    "around",
    "roughly",
    "approximately",
    "some",
    "nearly",
    "almost",
    "over",
    "under",
];

/// Words that may come before a unit: "trading days", "school year".
pub(crate) const UNIT_PREFIXES: [&str; 6] = ["trading", "business", "working", "calendar", "school", "full"];

/// Words other than the number words a quantity may start with.
pub(crate) const QTY_WORDS: [&str; 9] = ["a", "an", "couple", "dozen", "several", "few", "many", "some", "half"];

/// The nouns the quarter pattern ends with.
pub(crate) const QUARTER_WORDS: [&str; 4] = ["quarter", "quarters", "half", "period"];

const SLOTS: usize = 2048;

/// One slot of [`WordClasses`]: a word by its first eight bytes (zero-padded, little-endian) and
/// its length; `len == 0` marks an empty slot.
#[derive(Clone, Copy, Default)]
struct Slot {
    key: u64,
    len: usize,
    word: &'static [u8],
    flags: u16,
}

/// Open-addressing table from a lower-case word to its flags, over every word that has some:
/// the key is the word's first eight bytes, which the scanner has in a register already, so a
/// lookup costs a multiply and about one integer comparison.
struct WordClasses {
    slots: Vec<Slot>,
    /// One bit per slot, set where the slot holds a word. Most tokens are in no list and their
    /// home slot is empty: this 256-byte map, which stays cached, tells so without loading the
    /// slot from the 80 KiB table, whose loads missed the cache on most words.
    occupied: [u64; SLOTS / 64],
}

/// The first eight bytes of `w`, zero-padded, as one little-endian integer.
fn key_of(w: &[u8]) -> u64 {
    let mut k = [0u8; 8];
    for (d, s) in k.iter_mut().zip(w) {
        *d = *s;
    }
    u64::from_le_bytes(k)
}

impl WordClasses {
    fn build() -> WordClasses {
        let mut words: Vec<&'static str> = lex::TRIGGERS
            .iter()
            .chain(&JOINER_WORDS)
            .chain(crate::text::amounts::START_WORDS.iter())
            .chain(&lex::SMALL_NUMBER_WORDS)
            .chain(&APPROX_WORDS)
            .chain(&lex::UNIT_WORDS)
            .chain(&UNIT_PREFIXES)
            .chain(&QTY_WORDS)
            .chain(&QUARTER_WORDS)
            .chain(&crate::text::amounts::NUMBER_WORDS)
            .copied()
            .collect();
        words.sort_unstable();
        words.dedup();
        let mut table = WordClasses { slots: vec![Slot::default(); SLOTS], occupied: [0; SLOTS / 64] };
        for w in words {
            let mut flags = 0;
            if lex::is_trigger(w) {
                flags |= TRIGGER;
                if lex::is_strong(w) {
                    flags |= STRONG;
                }
            }
            if JOINER_WORDS.contains(&w) {
                flags |= JOINER;
            }
            if crate::text::amounts::START_WORDS.contains(&w) || lex::small_number(w).is_some() {
                flags |= AMOUNT;
            }
            if lex::month(w).is_some() {
                flags |= MONTH;
            }
            if lex::weekday(w).is_some() {
                flags |= WEEKDAY;
            }
            if APPROX_WORDS.contains(&w) {
                flags |= APPROX;
            }
            if lex::unit(w).is_some() || UNIT_PREFIXES.contains(&w) {
                flags |= UNIT;
            }
            if lex::small_number(w).is_some() || QTY_WORDS.contains(&w) {
                flags |= QTY;
            }
            if QUARTER_WORDS.contains(&w) {
                flags |= QUARTER;
            }
            if lex::small_number(w).is_some() || crate::text::amounts::NUMBER_WORDS.contains(&w) {
                flags |= NUMERIC;
            }
            let w = w.as_bytes();
            let key = key_of(w);
            let mut slot = slot_of(key, w.len());
            while table.slots[slot].len != 0 {
                slot = (slot + 1) % SLOTS;
            }
            table.slots[slot] = Slot { key, len: w.len(), word: w, flags };
            table.occupied[slot / 64] |= 1 << (slot % 64);
        }
        table
    }

    /// The flags of the lower-case word `w` (0 for a word in no list), whose first eight bytes
    /// are `key` ([`key_of`]).
    ///
    /// Inlined into the scanner loop: most words stop at the empty-home-slot test, and a call
    /// per word cost more than that test.
    #[inline(always)]
    fn flags_keyed(&self, w: &[u8], key: u64) -> u16 {
        let slot = slot_of(key, w.len());
        // An empty home slot ends the probe at once, as below, but without reading the table.
        if self.occupied.get(slot / 64).is_none_or(|bits| bits >> (slot % 64) & 1 == 0) {
            return 0;
        }
        self.probe(w, key, slot)
    }

    /// The probe of [`WordClasses::flags_keyed`] from the occupied home slot `slot` on.
    #[inline(never)]
    fn probe(&self, w: &[u8], key: u64, mut slot: usize) -> u16 {
        loop {
            let Some(e) = self.slots.get(slot) else {
                return 0;
            };
            if e.len == 0 {
                return 0;
            }
            if e.key == key && e.len == w.len() && (w.len() <= 8 || e.word == w) {
                return e.flags;
            }
            slot = (slot + 1) % SLOTS;
        }
    }

    /// The flags of the lower-case word `w` (0 for a word in no list).
    fn flags(&self, w: &[u8]) -> u16 {
        self.flags_keyed(w, key_of(w))
    }
}

fn slot_of(key: u64, len: usize) -> usize {
    ((key ^ len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 53) as usize % SLOTS
}

/// Bit 7 of each byte of the result is set where the byte of `x` is no lower-case ASCII
/// letter (`a`-`z`); the other bits are clear. Per byte, on the low seven bits (no carry can
/// cross a byte): adding 0x1F sets bit 7 from `a` on, adding 0x05 from `{` on.
fn non_letters(x: u64) -> u64 {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let m = x & LOW7;
    let from_a = m + 0x1F1F_1F1F_1F1F_1F1F;
    let past_z = m + 0x0505_0505_0505_0505;
    let letter = from_a & !past_z & !x & HIGH;
    !letter & HIGH
}

/// The end of the run of lower-case letters in `low` starting at `start`, and the run's first
/// eight bytes as a [`key_of`] key: eight bytes at a time while the text lasts.
fn letter_run(low: &[u8], start: usize) -> (usize, u64) {
    let Some(Ok(chunk)) = low.get(start..start + 8).map(<[u8; 8]>::try_from) else {
        let mut end = start;
        while low.get(end).is_some_and(u8::is_ascii_lowercase) {
            end += 1;
        }
        return (end, key_of(low.get(start..end).unwrap_or(&[])));
    };
    let x = u64::from_le_bytes(chunk);
    let stop = non_letters(x);
    if stop != 0 {
        let n = (stop.trailing_zeros() / 8) as usize;
        return (start + n, x & ((1u64 << (8 * n)) - 1));
    }
    let mut end = start + 8;
    while low.get(end).is_some_and(u8::is_ascii_lowercase) {
        end += 1;
    }
    (end, x)
}

fn word_classes() -> &'static WordClasses {
    static CLASSES: OnceLock<WordClasses> = OnceLock::new();
    CLASSES.get_or_init(WordClasses::build)
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_letters_digits_and_marks() {
        let text = "Aug. 7, 1998's 10:35\u{a0}a.m. café";
        let low = text.to_ascii_lowercase();
        let t = scan(text);
        let words: Vec<&str> = t.iter().map(|t| t.w(&low)).collect();
        assert_eq!(words, ["aug", ".", "7", ",", "1998", "'", "s", "10", ":", "35", "a", ".", "m", ".", "caf", "é"]);
        assert!(t[0].cap && !t[2].cap);
    }

    #[test]
    fn marks_line_breaks() {
        let t = scan("one\n\ntwo three");
        assert!(!t[0].newline_before && t[1].newline_before && !t[2].newline_before);
    }

    /// The scanner as first written, one byte test after another, with the flags from the
    /// word-list functions themselves.
    fn reference_scan(text: &str) -> Vec<(usize, usize, Kind, bool, bool, u16)> {
        let b = text.as_bytes();
        let low = text.to_ascii_lowercase();
        let mut out = Vec::new();
        let (mut i, mut newline) = (0, false);
        while i < b.len() {
            let c = b[i];
            if c == b' ' || c == b'\t' || c == b'\r' || c == b'\n' {
                newline |= c == b'\n';
                i += 1;
                continue;
            }
            let start = i;
            let kind = if c.is_ascii_alphabetic() {
                while i < b.len() && b[i].is_ascii_alphabetic() {
                    i += 1;
                }
                Kind::Word
            } else if c.is_ascii_digit() {
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                Kind::Num
            } else if c < 0x80 {
                i += 1;
                Kind::Other
            } else {
                let end = (i + utf8_len(c)).min(b.len());
                if &b[i..end] == "\u{a0}".as_bytes() {
                    i = end;
                    continue;
                }
                i = end;
                Kind::Other
            };
            let w = &low[start..i];
            let mut flags = 0;
            if kind == Kind::Word && lex::is_trigger(w) {
                flags |= TRIGGER;
                if lex::is_strong(w) {
                    flags |= STRONG;
                }
            }
            if matches!(w, "-" | "'" | "\u{2019}") || (kind == Kind::Word && JOINER_WORDS.contains(&w)) {
                flags |= JOINER;
            }
            let amount_word = crate::text::amounts::START_WORDS.contains(&w) || lex::small_number(w).is_some();
            if matches!(w, "$" | "\u{a3}" | "\u{20ac}" | "\u{a5}" | "\u{20b9}") || amount_word {
                flags |= AMOUNT;
            }
            if lex::month(w).is_some() {
                flags |= MONTH;
            }
            if lex::weekday(w).is_some() {
                flags |= WEEKDAY;
            }
            if kind == Kind::Word && APPROX_WORDS.contains(&w) {
                flags |= APPROX;
            }
            if lex::unit(w).is_some() || (kind == Kind::Word && UNIT_PREFIXES.contains(&w)) {
                flags |= UNIT;
            }
            if lex::small_number(w).is_some() || (kind == Kind::Word && QTY_WORDS.contains(&w)) {
                flags |= QTY;
            }
            if kind == Kind::Word && QUARTER_WORDS.contains(&w) {
                flags |= QUARTER;
            }
            if lex::small_number(w).is_some() || (kind == Kind::Word && crate::text::amounts::NUMBER_WORDS.contains(&w))
            {
                flags |= NUMERIC;
            }
            out.push((start, i, kind, c.is_ascii_uppercase(), newline, flags));
            newline = false;
        }
        out
    }

    const TRICKY: [&str; 10] = [
        "",
        " \n\t\r ",
        "Aug. 7, 1998's 10:35\u{a0}a.m. café",
        "The LAST two weeks\n\nof March - at least 5,000 £3bn \u{20ac}4 US$5 USD 7 Twenty-one",
        "naïve Ünïcödé \u{a0}\u{a0}x\u{2019}s 日本語 1990s '90s",
        "least most than to present near short long estimated thousand trading business working calendar in",
        "MONDAY Tues. Sept sept SEPTEMBER weekend Weekends",
        "a an the its their these that one more at as over up some first second new per",
        "abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*()_+-=[]{};':\",./<>?\\|`~",
        "x\u{1F600}y\u{20b9}9\u{a5}8",
    ];

    #[test]
    fn table_scan_equals_the_reference_scan() {
        let mut texts: Vec<String> = TRICKY.iter().map(|s| s.to_string()).collect();
        let lists = [
            lex::TRIGGERS,
            &APPROX_WORDS,
            &lex::UNIT_WORDS,
            &UNIT_PREFIXES,
            &QTY_WORDS,
            &JOINER_WORDS,
            &QUARTER_WORDS,
            &crate::text::amounts::NUMBER_WORDS,
        ];
        for w in lists.iter().flat_map(|l| l.iter()) {
            texts.push(format!("{w} {} x{w} {w}s {}", w.to_ascii_uppercase(), &w[1..]));
        }
        for text in &texts {
            let got: Vec<_> =
                scan(text).iter().map(|t| (t.start, t.end, t.kind, t.cap, t.newline_before, t.flags)).collect();
            assert_eq!(got, reference_scan(text), "{text:?}");
        }
    }

    #[test]
    fn letter_runs_match_a_byte_loop() {
        let by_bytes = |low: &[u8], start: usize| {
            let mut end = start;
            while low.get(end).is_some_and(u8::is_ascii_lowercase) {
                end += 1;
            }
            (end, key_of(&low[start..end]))
        };
        for len in 1..20 {
            for pos in 0..len {
                for b in 0..=255u8 {
                    let mut v: Vec<u8> = (0..len).map(|k| b'a' + (k % 26) as u8).collect();
                    v[pos] = b;
                    for start in (0..len).filter(|&s| v[s].is_ascii_lowercase()) {
                        assert_eq!(letter_run(&v, start), by_bytes(&v, start), "{v:?} from {start}");
                    }
                }
            }
        }
    }

    #[test]
    fn long_and_near_miss_words_get_their_own_flags() {
        let classes = word_classes();
        for w in ["approximately", "approximatelx", "thanksgivings", "septembers", "september", "decades", "decadex"] {
            assert_eq!(classes.flags(w.as_bytes()), reference_scan(w)[0].5, "{w}");
        }
        assert_eq!(classes.flags(b""), 0);
    }

    #[test]
    fn the_occupancy_map_marks_exactly_the_filled_slots() {
        let classes = word_classes();
        for (i, slot) in classes.slots.iter().enumerate() {
            assert_eq!(classes.occupied[i / 64] >> (i % 64) & 1 == 1, slot.len != 0, "slot {i}");
        }
    }

    #[test]
    fn prefix_equals_a_scan_of_the_prefix() {
        for text in TRICKY {
            let full = Scanned::new(text);
            for cut in (0..=text.len()).filter(|&c| text.is_char_boundary(c)) {
                let got: Vec<_> = full
                    .prefix_toks(cut)
                    .iter()
                    .map(|t| (t.start, t.end, t.kind, t.cap, t.newline_before, t.flags))
                    .collect();
                assert_eq!(got, reference_scan(&text[..cut]), "{text:?} cut at {cut}");
            }
        }
    }
}
