//! Numbers in news text, in digits or words, with what they count: money
//! ("$3bn", "£2.5m"), shares ("45%"), or things ("nearly 60 missiles",
//! "tens of thousands of people"), with an approximation modifier and, for
//! casualty-style counts, what happened to the people counted ("killed at
//! least 20 people" -> [`CountOf::Killed`]).
//!
//! Sits in the enrich step beside `timex`: the stage passes the temporal
//! expressions' byte ranges as `exclude`, so the numbers inside dates and
//! times ("4 April", "10:30") are not reported. Ordinals ("4th", "third")
//! and list markers ("1." at a line start) are never amounts.
//!
//! A span covers the modifier, the currency, the number, its scale and a
//! percent sign or word ("nearly 60", "$3bn", "45 per cent"); the counted
//! noun is reported in [`Amount::unit`] but left out of the span.

use super::timex::scan::{self, Kind, Scanned, Tok};
use std::ops::Range;

/// How the text qualifies a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Modifier {
    /// "nearly", "about", "some", "an estimated", "tens of".
    Approximate,
    /// "at least", "no fewer than", "thousands of".
    AtLeast,
    /// "at most", "up to", "as many as", "no more than".
    AtMost,
    /// "more than", "over".
    MoreThan,
    /// "less than", "fewer than", "under".
    LessThan,
}

impl Modifier {
    /// The snake_case name used in records.
    pub fn as_str(self) -> &'static str {
        match self {
            Modifier::Approximate => "approximate",
            Modifier::AtLeast => "at_least",
            Modifier::AtMost => "at_most",
            Modifier::MoreThan => "more_than",
            Modifier::LessThan => "less_than",
        }
    }
}

/// What happened to the people a number counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CountOf {
    Killed,
    Injured,
    Arrested,
    Displaced,
    Missing,
    Evacuated,
    Rescued,
}

impl CountOf {
    /// The snake_case name used in records.
    pub fn as_str(self) -> &'static str {
        match self {
            CountOf::Killed => "killed",
            CountOf::Injured => "injured",
            CountOf::Arrested => "arrested",
            CountOf::Displaced => "displaced",
            CountOf::Missing => "missing",
            CountOf::Evacuated => "evacuated",
            CountOf::Rescued => "rescued",
        }
    }
}

/// One number: `[start, end)` byte offsets into the text.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Amount {
    /// Byte offset of the first character (of the modifier when there is one).
    pub start: usize,
    /// Byte offset just past the number (its scale, percent or currency word).
    pub end: usize,
    /// The value, scales applied: "$3bn" is 3e9, "45%" is 45.
    pub value: f64,
    /// ISO 4217 code ("USD", "GBP", "EUR", ...), "percent", or the counted
    /// noun as written in lower case ("missiles", "people").
    pub unit: Option<String>,
    /// Approximation or bound.
    pub modifier: Option<Modifier>,
    /// For counts of people: what happened to them, when the clause says.
    pub count_of: Option<CountOf>,
}

/// Finds the amounts of `text`, skipping any number that overlaps a range
/// of `exclude` (byte ranges, e.g. the spans of `timex::find`).
pub fn find(text: &str, exclude: &[Range<usize>]) -> Vec<Amount> {
    find_scanned(text, &Scanned::new(text), exclude)
}

/// [`find`] over a scan of `text` the caller already has (the one the date grammar read).
pub fn find_scanned(text: &str, scanned: &Scanned, exclude: &[Range<usize>]) -> Vec<Amount> {
    find_in(text, &scanned.low, &scanned.toks, exclude)
}

fn find_in(text: &str, low: &str, t: &[Tok], exclude: &[Range<usize>]) -> Vec<Amount> {
    let p = Parser { text, low, t };
    // Disjoint, sorted copy of the excluded ranges, for binary search.
    let mut sorted: Vec<Range<usize>> = exclude.iter().filter(|r| r.start < r.end).cloned().collect();
    sorted.sort_by_key(|r| r.start);
    let mut excluded: Vec<Range<usize>> = Vec::with_capacity(sorted.len());
    for r in sorted {
        match excluded.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => excluded.push(r),
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        match p.amount_at(i) {
            Some((a, next)) => {
                // First merged range ending after the amount's start.
                let k = excluded.partition_point(|r| r.end <= a.start);
                let overlaps = excluded.get(k).is_some_and(|r| r.start < a.end);
                if !overlaps {
                    out.push(a);
                }
                i = next.max(i + 1);
            }
            None => i += 1,
        }
    }
    out
}

/// How far past its first token an amount's number can be: a modifier ("no more than": 3),
/// a currency ("US$": 2), then the number, or "half a" before a scale or "dozen" (2).
const NUMBER_REACH: usize = 7;

struct Parser<'a> {
    text: &'a str,
    /// `text` with ASCII letters lower-cased: same byte offsets.
    low: &'a str,
    t: &'a [Tok],
}

/// Scale words and suffixes.
fn scale(w: &str) -> Option<f64> {
    Some(match w {
        "hundred" => 1e2,
        "thousand" | "k" => 1e3,
        "million" | "m" | "mn" | "mln" => 1e6,
        "billion" | "bn" | "b" | "bln" => 1e9,
        "trillion" | "tn" | "trn" => 1e12,
        _ => return None,
    })
}

/// The words an amount's number can be besides the number words: the scales of [`scale`],
/// "dozen", and the vague counts ("tens of", "thousands of").
pub(crate) const NUMBER_WORDS: [&str; 21] = [
    "hundred",
    "thousand",
    "k",
    "million",
    "m",
    "mn",
    "mln",
    "billion",
    "bn",
    "b",
    "bln",
    "trillion",
    "tn",
    "trn",
    "dozen",
    "dozens",
    "tens",
    "hundreds",
    "thousands",
    "millions",
    "billions",
];

/// Currency written as a word after the number.
fn currency_word(w: &str) -> Option<&'static str> {
    Some(match w {
        "dollars" | "dollar" | "usd" | "dlrs" => "USD",
        "pounds" | "pound" | "gbp" | "sterling" => "GBP",
        "euros" | "euro" | "eur" => "EUR",
        "yen" | "jpy" => "JPY",
        "yuan" | "renminbi" | "cny" => "CNY",
        "rupees" | "rupee" | "inr" => "INR",
        "roubles" | "rubles" | "rouble" | "ruble" | "rub" => "RUB",
        "francs" | "chf" => "CHF",
        _ => return None,
    })
}

/// Words that end a noun search: function words and verbs that often
/// follow a number.
fn is_stop(w: &str) -> bool {
    matches!(
        w,
        "of" | "to"
            | "in"
            | "on"
            | "at"
            | "for"
            | "by"
            | "and"
            | "or"
            | "but"
            | "the"
            | "a"
            | "an"
            | "per"
            | "from"
            | "with"
            | "than"
            | "as"
            | "is"
            | "are"
            | "was"
            | "were"
            | "be"
            | "been"
            | "have"
            | "has"
            | "had"
            | "will"
            | "would"
            | "could"
            | "can"
            | "may"
            | "might"
            | "should"
            | "said"
            | "says"
            | "who"
            | "which"
            | "that"
            | "this"
            | "these"
            | "those"
            | "it"
            | "its"
            | "their"
            | "his"
            | "her"
            | "more"
            | "less"
            | "over"
            | "under"
            | "up"
            | "down"
            | "out"
            | "into"
            | "after"
            | "before"
            | "during"
            | "since"
            | "until"
            | "while"
            | "when"
            | "where"
            | "if"
            | "so"
            | "not"
            | "no"
            | "all"
            | "other"
            | "others"
            | "each"
            | "percent"
            | "cent"
            | "times"
            | "year"
            | "years"
            | "old"
            | "also"
            | "then"
            | "there"
            | "here"
            | "we"
            | "they"
            | "he"
            | "she"
            | "i"
            | "you"
            | "s"
            | "t"
            | "did"
            | "do"
            | "does"
    )
}

/// Nouns for people, whose counts take a [`CountOf`].
fn is_people(w: &str) -> bool {
    matches!(
        w,
        "people"
            | "persons"
            | "person"
            | "civilians"
            | "civilian"
            | "soldiers"
            | "troops"
            | "children"
            | "women"
            | "men"
            | "residents"
            | "villagers"
            | "protesters"
            | "demonstrators"
            | "militants"
            | "fighters"
            | "rebels"
            | "police"
            | "officers"
            | "policemen"
            | "passengers"
            | "workers"
            | "students"
            | "migrants"
            | "refugees"
            | "tourists"
            | "pilgrims"
            | "victims"
            | "others"
            | "members"
            | "insurgents"
            | "suspects"
            | "journalists"
            | "miners"
            | "crew"
            | "sailors"
            | "citizens"
            | "inmates"
            | "prisoners"
            | "staff"
            | "patients"
            | "family"
            | "families"
    )
}

/// A casualty word and what it says happened.
fn casualty(w: &str) -> Option<CountOf> {
    Some(match w {
        "killed" | "kill" | "kills" | "killing" | "dead" | "died" | "die" | "deaths" | "death" | "fatalities"
        | "lives" | "bodies" | "massacred" | "slain" | "executed" | "perished" | "drowned" | "toll" => CountOf::Killed,
        "injured" | "injuring" | "injuries" | "wounded" | "wounding" | "hurt" | "casualties" => CountOf::Injured,
        "arrested" | "arrests" | "arresting" | "detained" | "detaining" | "custody" | "jailed" | "captured"
        | "kidnapped" | "abducted" | "hostages" => CountOf::Arrested,
        "displaced" | "homeless" | "fled" | "uprooted" | "refugees" => CountOf::Displaced,
        "missing" | "unaccounted" => CountOf::Missing,
        "evacuated" | "evacuate" | "evacuation" | "evacuating" => CountOf::Evacuated,
        "rescued" | "saved" => CountOf::Rescued,
        _ => return None,
    })
}

/// The words that can start an amount (the `can_start` list of `Parser::amount_at`, the
/// currency codes lower-cased, and the number words).
pub(crate) const START_WORDS: [&str; 42] = [
    "at",
    "no",
    "not",
    "as",
    "up",
    "more",
    "less",
    "fewer",
    "well",
    "just",
    "close",
    "an",
    "nearly",
    "almost",
    "about",
    "around",
    "approximately",
    "roughly",
    "some",
    "circa",
    "estimated",
    "over",
    "under",
    "a",
    "us",
    "c",
    "au",
    "hk",
    "nz",
    "dozens",
    "hundreds",
    "thousands",
    "millions",
    "tens",
    "billions",
    "half",
    "dozen",
    "usd",
    "gbp",
    "eur",
    "jpy",
    "chf",
];

/// The digits of a number as written, without its thousands separators, built on the stack:
/// at most [`Digits::MAX`] bytes, longer numbers are not read.
#[derive(Default)]
struct Digits {
    buf: [u8; Digits::MAX],
    len: usize,
    too_long: bool,
}

impl Digits {
    const MAX: usize = 20;

    fn push(&mut self, part: &str) {
        match self.buf.get_mut(self.len..self.len + part.len()) {
            Some(dst) if !self.too_long => {
                dst.copy_from_slice(part.as_bytes());
                self.len += part.len();
            }
            _ => self.too_long = true,
        }
    }

    /// The number's text; `None` when empty or too long.
    fn as_str(&self) -> Option<&str> {
        if self.too_long || self.len == 0 {
            return None;
        }
        std::str::from_utf8(self.buf.get(..self.len)?).ok()
    }
}

/// Value of a number word below a hundred: the same table the date grammar reads.
fn small(w: &str) -> Option<u32> {
    super::timex::lexicon::small_number(w)
}

impl<'a> Parser<'a> {
    fn w(&self, i: usize) -> &str {
        self.t.get(i).map_or("", |t| t.w(self.low))
    }
    fn is(&self, i: usize, s: &str) -> bool {
        self.w(i) == s
    }
    fn kind(&self, i: usize) -> Option<Kind> {
        self.t.get(i).map(|t| t.kind)
    }
    fn adj(&self, i: usize) -> bool {
        i > 0 && i < self.t.len() && self.t[i - 1].end == self.t[i].start
    }
    fn raw(&self, i: usize) -> &'a str {
        self.t.get(i).map_or("", |t| self.text.get(t.start..t.end).unwrap_or(""))
    }

    /// Whether a digit token or a [`scan::NUMERIC`] word lies within [`NUMBER_REACH`] tokens
    /// from `i` on.
    fn number_within_reach(&self, i: usize) -> bool {
        let reach = self.t.get(i..).unwrap_or(&[]).iter().take(NUMBER_REACH + 1);
        reach.into_iter().any(|t| t.kind == Kind::Num || t.flags & scan::NUMERIC != 0)
    }

    /// Modifier words at `i`: (modifier, next token).
    fn modifier_at(&self, i: usize) -> (Option<Modifier>, usize) {
        use Modifier::*;
        let (m, n) = match (self.w(i), self.w(i + 1), self.w(i + 2)) {
            ("at", "least", _) => (Some(AtLeast), 2),
            ("at", "most", _) => (Some(AtMost), 2),
            ("no", "fewer" | "less", "than") => (Some(AtLeast), 3),
            ("no", "more", "than") => (Some(AtMost), 3),
            ("not", "more", "than") => (Some(AtMost), 3),
            ("as", "many" | "much", "as") => (Some(AtMost), 3),
            ("up", "to", _) => (Some(AtMost), 2),
            ("more", "than", _) => (Some(MoreThan), 2),
            ("less" | "fewer", "than", _) => (Some(LessThan), 2),
            ("well" | "just", "over", _) => (Some(MoreThan), 2),
            ("well" | "just", "under", _) => (Some(LessThan), 2),
            ("close", "to", _) => (Some(Approximate), 2),
            ("an", "estimated", _) => (Some(Approximate), 2),
            (
                "nearly" | "almost" | "about" | "around" | "approximately" | "roughly" | "some" | "circa" | "estimated",
                _,
                _,
            ) => (Some(Approximate), 1),
            ("over", _, _) => (Some(MoreThan), 1),
            ("under", _, _) => (Some(LessThan), 1),
            _ => (None, 0),
        };
        (m, i + n)
    }

    /// A currency symbol or code before the number: (code, next token).
    fn currency_before(&self, i: usize) -> Option<(&'static str, usize)> {
        let raw = self.raw(i);
        let code = match raw {
            "$" => "USD",
            "\u{a3}" => "GBP",
            "\u{20ac}" => "EUR",
            "\u{a5}" => "JPY",
            "\u{20b9}" => "INR",
            _ => {
                // "US$", "C$", "A$", "HK$"
                let pre = match self.w(i) {
                    "us" => Some("USD"),
                    "c" => Some("CAD"),
                    "a" | "au" => Some("AUD"),
                    "hk" => Some("HKD"),
                    "nz" => Some("NZD"),
                    _ => None,
                };
                if let Some(c) = pre {
                    if self.raw(i + 1) == "$" && self.adj(i + 1) {
                        return Some((c, i + 2));
                    }
                }
                let code = match raw {
                    "USD" => "USD",
                    "GBP" => "GBP",
                    "EUR" => "EUR",
                    "JPY" => "JPY",
                    "CHF" => "CHF",
                    _ => return None,
                };
                if self.kind(i + 1) == Some(Kind::Num) {
                    return Some((code, i + 1));
                }
                return None;
            }
        };
        Some((code, i + 1))
    }

    /// A bare number at `i`: digits (with separators and decimals) or
    /// number words. Returns (value, next, written in words).
    fn number_at(&self, i: usize) -> Option<(f64, usize, bool)> {
        if self.kind(i) == Some(Kind::Num) {
            // Part of a token like "F-16", "G20", "COVID-19": not a count.
            if self.adj(i) && self.kind(i - 1) == Some(Kind::Word) {
                return None;
            }
            if self.adj(i) && self.is(i - 1, "-") && i >= 2 && self.adj(i - 1) && self.kind(i - 2) == Some(Kind::Word) {
                return None;
            }
            let mut s = Digits::default();
            s.push(self.w(i));
            let mut j = i + 1;
            while self.is(j, ",")
                && self.adj(j)
                && self.adj(j + 1)
                && self.kind(j + 1) == Some(Kind::Num)
                && self.raw(j + 1).len() == 3
            {
                s.push(self.w(j + 1));
                j += 2;
            }
            if self.is(j, ".") && self.adj(j) && self.adj(j + 1) && self.kind(j + 1) == Some(Kind::Num) {
                s.push(".");
                s.push(self.w(j + 1));
                j += 2;
            }
            let v: f64 = s.as_str()?.parse().ok()?;
            return Some((v, j, false));
        }
        let w = self.w(i);
        let mut v = f64::from(small(w)?);
        let mut j = i + 1;
        if v >= 20.0 && v % 10.0 == 0.0 {
            let k = if self.is(j, "-") && self.adj(j) { j + 1 } else { j };
            if let Some(u) = small(self.w(k)).filter(|u| (1..10).contains(u)) {
                v += f64::from(u);
                j = k + 1;
            }
        }
        Some((v, j, true))
    }

    /// The amount starting at token `i`, and the token after it.
    fn amount_at(&self, i: usize) -> Option<(Amount, usize)> {
        // Most tokens cannot start an amount: the scanner marked the words and symbols that
        // can, so the others are ruled out before the string comparisons below.
        let tok = self.t.get(i)?;
        if tok.kind != Kind::Num && tok.flags & scan::AMOUNT == 0 {
            return None;
        }
        // An amount holds a number: digits, a number word, a scale or a vague count, within
        // NUMBER_REACH tokens of its start.
        if tok.kind != Kind::Num && !self.number_within_reach(i) {
            return None;
        }
        self.parse_amount_at(i)
    }

    /// [`Parser::amount_at`] without the cheap tests on the tokens' bits.
    fn parse_amount_at(&self, i: usize) -> Option<(Amount, usize)> {
        let first = self.w(i);
        // Quick rejection: only tokens that can start an amount.
        let can_start = matches!(self.kind(i), Some(Kind::Num))
            || matches!(
                self.raw(i),
                "$" | "\u{a3}" | "\u{20ac}" | "\u{a5}" | "\u{20b9}" | "USD" | "GBP" | "EUR" | "JPY" | "CHF"
            )
            || small(first).is_some()
            || matches!(
                first,
                "at" | "no"
                    | "not"
                    | "as"
                    | "up"
                    | "more"
                    | "less"
                    | "fewer"
                    | "well"
                    | "just"
                    | "close"
                    | "an"
                    | "nearly"
                    | "almost"
                    | "about"
                    | "around"
                    | "approximately"
                    | "roughly"
                    | "some"
                    | "circa"
                    | "estimated"
                    | "over"
                    | "under"
                    | "a"
                    | "us"
                    | "c"
                    | "au"
                    | "hk"
                    | "nz"
                    | "dozens"
                    | "hundreds"
                    | "thousands"
                    | "millions"
                    | "tens"
                    | "billions"
                    | "half"
                    | "dozen"
            );
        if !can_start {
            return None;
        }
        let (mut modifier, mut j) = self.modifier_at(i);
        let mut unit: Option<String> = None;
        if let Some((code, k)) = self.currency_before(j) {
            unit = Some(code.to_string());
            j = k;
        }
        // Vague large numbers: "tens of thousands", "hundreds of", "dozens of".
        let vague = match (self.w(j), self.w(j + 1), self.w(j + 2)) {
            ("tens", "of", "thousands") => Some((1e4, 3)),
            ("hundreds", "of", "thousands") => Some((1e5, 3)),
            ("tens", "of", "millions") => Some((1e7, 3)),
            ("hundreds", "of", "millions") => Some((1e8, 3)),
            ("dozens", _, _) => Some((12.0, 1)),
            ("hundreds", _, _) => Some((100.0, 1)),
            ("thousands", _, _) => Some((1000.0, 1)),
            ("millions", _, _) => Some((1e6, 1)),
            ("billions", _, _) => Some((1e9, 1)),
            _ => None,
        };
        let (mut value, mut k, words) = if let Some((v, n)) = vague {
            if !self.is(j + n, "of") {
                return None;
            }
            if modifier.is_none() {
                modifier = Some(if n == 3 { Modifier::Approximate } else { Modifier::AtLeast });
            }
            (v, j + n, true)
        } else if matches!(self.w(j), "a" | "an") || self.is(j, "half") {
            // "a dozen", "a hundred", "a million", "half a million".
            let (mult, k) = if self.is(j, "half") {
                let k = if matches!(self.w(j + 1), "a" | "an") { j + 2 } else { j + 1 };
                (0.5, k)
            } else {
                (1.0, j + 1)
            };
            match self.w(k) {
                "dozen" => (12.0 * mult, k + 1, true),
                w => {
                    let s = scale(w).filter(|_| w.len() > 2)?;
                    (s * mult, k + 1, true)
                }
            }
        } else if self.is(j, "dozen") {
            (12.0, j + 1, true)
        } else {
            self.number_at(j)?
        };
        // Ordinals ("4th") are never amounts.
        if self.adj(k) && matches!(self.w(k), "st" | "nd" | "rd" | "th") && !words {
            return None;
        }
        // List markers: a number alone at a line start before "." or ")".
        let t0 = &self.t[j];
        if (j == 0 || t0.newline_before)
            && !words
            && self.adj(k)
            && matches!(self.w(k), "." | ")")
            && !(self.kind(k + 1) == Some(Kind::Num) && self.adj(k + 1))
        {
            return None;
        }
        // Times and scores ("10:30", "2-1") belong to other extractors.
        if self.adj(k) && matches!(self.w(k), ":" | "/") && self.kind(k + 1) == Some(Kind::Num) {
            return None;
        }
        // Scale: "1.5 million", "3bn", "2.5m", "two thousand".
        let mut scaled = false;
        loop {
            let w = self.w(k);
            let attached = self.adj(k) && self.kind(k) == Some(Kind::Word);
            match scale(w) {
                Some(s) if (w.len() > 2 && !attached) || (attached && !words) => {
                    // "m" alone after a space is a metre, not a million.
                    value *= s;
                    k += 1;
                    scaled = true;
                }
                _ => break,
            }
        }
        if scaled {
            // 8.2 * 1e9 is 8199999999.999999 in binary: snap to the integer.
            let r = value.round();
            if (value - r).abs() < 1e-6 * value.abs().max(1.0) {
                value = r;
            }
        }
        if !scaled && self.adj(k) && self.kind(k) == Some(Kind::Word) && !words {
            // "3D", "4x4", "5G": a name, not a number.
            return None;
        }
        // Percent.
        if self.is(k, "%") || self.is(k, "percent") || self.is(k, "pc") {
            unit = Some("percent".to_string());
            k += 1;
        } else if self.is(k, "per") && self.is(k + 1, "cent") {
            unit = Some("percent".to_string());
            k += 2;
        } else if unit.is_none() {
            if let Some(c) = currency_word(self.w(k)) {
                unit = Some(c.to_string());
                k += 1;
            } else if let Some(c) = self.currency_code_after(k) {
                unit = Some(c.to_string());
                k += 1;
            }
        }
        let end_tok = k;
        // "one" alone is mostly a pronoun ("one of them", "one could say").
        let first_num = self.w(j);
        let mut noun_idx = None;
        if unit.is_none() {
            // "of" after a vague number: "tens of thousands of people".
            let mut n = k;
            if vague.is_some() && self.is(n, "of") {
                n += 1;
            }
            if let Some(idx) = self.noun_after(n) {
                unit = Some(self.w(idx).to_string());
                noun_idx = Some(idx);
            }
        }
        if first_num == "one" && noun_idx.is_none() && !scaled {
            return None;
        }
        if first_num == "one" && matches!(self.w(k), "of" | "another") {
            return None;
        }
        let start = self.t[i].start;
        let end = self.t[end_tok - 1].end;
        let measure = unit
            .as_deref()
            .is_some_and(|u| u == "percent" || (u.len() == 3 && u.bytes().all(|b| b.is_ascii_uppercase())));
        let count_of = if !measure { self.count_of(i, end_tok, noun_idx) } else { None };
        Some((Amount { start, end, value, unit, modifier, count_of }, end_tok))
    }

    fn currency_code_after(&self, k: usize) -> Option<&'static str> {
        match self.raw(k) {
            "USD" => Some("USD"),
            "GBP" => Some("GBP"),
            "EUR" => Some("EUR"),
            _ => None,
        }
    }

    /// The counted noun after a number: the first plural among the next
    /// three words ("two foremost nuclear powers", "30 Syrian rebels"), else
    /// the next word when it is in lower case.
    fn noun_after(&self, k: usize) -> Option<usize> {
        let is_word = |i: usize| self.kind(i) == Some(Kind::Word) && !self.w(i).is_empty() && !is_stop(self.w(i));
        let mut first = None;
        let mut i = k;
        for _ in 0..3 {
            if !is_word(i) {
                break;
            }
            // A hyphenated compound counts as its last part: "pro-government".
            while self.is(i + 1, "-") && self.adj(i + 1) && self.adj(i + 2) && self.kind(i + 2) == Some(Kind::Word) {
                i += 2;
            }
            let w = self.w(i);
            let cap = self.t[i].cap;
            if first.is_none() && !cap {
                first = Some(i);
            }
            if !cap && (w.len() > 2 && w.ends_with('s') && !w.ends_with("ss") || casualty(w).is_some()) {
                return Some(i);
            }
            i += 1;
        }
        first
    }

    /// Casualty category from the clause around tokens `[s, e)`.
    fn count_of(&self, s: usize, e: usize, noun: Option<usize>) -> Option<CountOf> {
        // The noun itself may say it: "100 deaths", "20 dead".
        if let Some(n) = noun {
            if let Some(c) = casualty(self.w(n)) {
                return Some(c);
            }
            let w = self.w(n);
            // Agent nouns are mostly people: "climbers", "activists".
            let agent = ["ers", "ists", "ians", "ants", "ees"].iter().any(|s| w.ends_with(s));
            if !is_people(w) && !agent {
                return None;
            }
        }
        // "killed at least 20", "20 people were killed", "20 others injured".
        let stop = |k: usize| matches!(self.w(k), "." | ";" | "!" | "?") || self.t[k].newline_before;
        let after = noun.map_or(e, |n| n + 1);
        for d in 1..=6 {
            if let Some(k) = s.checked_sub(d) {
                if (k..s).any(stop) {
                    break;
                }
                if let Some(c) = casualty(self.w(k)) {
                    return Some(c);
                }
            }
        }
        for k in after..(after + 6).min(self.t.len()) {
            if stop(k) {
                break;
            }
            if let Some(c) = casualty(self.w(k)) {
                return Some(c);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_prefilter_admits_every_start_word() {
        let bit = |text: &str| Scanned::new(text).toks.first().is_some_and(|t| t.flags & scan::AMOUNT != 0);
        for w in START_WORDS.iter().chain(&super::super::timex::lexicon::SMALL_NUMBER_WORDS) {
            assert!(bit(w) && bit(&w.to_ascii_uppercase()), "{w}");
        }
        for symbol in ["$", "\u{a3}", "\u{20ac}", "\u{a5}", "\u{20b9}"] {
            assert!(bit(symbol), "{symbol}");
        }
        assert!(!bit("profits") && !bit("market") && !bit("") && !bit(&"x".repeat(40)) && !bit("%"));
        // Words the prefilter lets through still go through the full test.
        assert!(find("It was at the bank.", &[]).is_empty());
        assert_eq!(one("up to 40 people").value, 40.0);
        assert_eq!(one("USD 5 million").unit.as_deref(), Some("USD"));
    }

    #[test]
    fn number_words_cover_the_scales() {
        let scales: Vec<&str> = NUMBER_WORDS.iter().copied().filter(|w| scale(w).is_some()).collect();
        assert_eq!(scales.len(), 14);
        let bit = |text: &str| Scanned::new(text).toks.first().is_some_and(|t| t.flags & scan::NUMERIC != 0);
        for w in NUMBER_WORDS.iter().chain(&super::super::timex::lexicon::SMALL_NUMBER_WORDS) {
            assert!(bit(w), "{w}");
        }
        assert!(!bit("a") && !bit("half") && !bit("of") && !bit("5"));
    }

    #[test]
    fn reach_gate_keeps_the_longest_starts() {
        assert_eq!(one("no more than US$5").value, 5.0);
        assert_eq!(one("no more than half a million people").value, 500_000.0);
        assert_eq!(one("no fewer than tens of thousands of people").value, 1e4);
        assert!(find("at the bank of the river by the sea 5", &[]).iter().all(|a| a.value == 5.0));
        let texts = [
            "up to a dozen, as many as C$ 7, about half a billion, some two-thirds",
            "no fewer than US $ 5, well under a hundred, close to a dozen, not more than half a million",
            "at least as many as a few, the A$ x, USD x x x x x 5, tens of x x x x thousands",
            include_str!("../../tests/fixtures/article.txt"),
        ];
        for text in texts {
            let s = Scanned::new(text);
            let p = Parser { text, low: &s.low, t: &s.toks };
            for i in 0..s.toks.len() {
                if s.toks[i].kind != Kind::Num && !p.number_within_reach(i) {
                    assert!(p.parse_amount_at(i).is_none(), "{text:?} at token {i}");
                }
            }
        }
    }

    fn one(text: &str) -> Amount {
        let v = find(text, &[]);
        assert_eq!(v.len(), 1, "{text:?}: {v:?}");
        v.into_iter().next().unwrap_or_else(|| unreachable!())
    }

    fn span(text: &str, a: &Amount) -> String {
        text[a.start..a.end].to_string()
    }

    #[test]
    fn example_article_counts() {
        let text = "launched nearly 60 missiles into Syria. The attack resulted in nearly 100 deaths.";
        let v = find(text, &[]);
        assert_eq!(v.len(), 2);
        assert_eq!(
            (v[0].value, v[0].unit.as_deref(), v[0].modifier),
            (60.0, Some("missiles"), Some(Modifier::Approximate))
        );
        assert_eq!(span(text, &v[0]), "nearly 60");
        assert_eq!(v[0].count_of, None);
        assert_eq!((v[1].value, v[1].unit.as_deref(), v[1].count_of), (100.0, Some("deaths"), Some(CountOf::Killed)));
    }

    #[test]
    fn money_and_percent() {
        let a = one("It raised $3bn last year.");
        assert_eq!((a.value, a.unit.as_deref()), (3e9, Some("USD")));
        let a = one("A bill of £2.5m was paid.");
        assert_eq!((a.value, a.unit.as_deref()), (2.5e6, Some("GBP")));
        let t = "Turnout was 45% overall.";
        let a = one(t);
        assert_eq!((a.value, a.unit.as_deref(), span(t, &a).as_str()), (45.0, Some("percent"), "45%"));
        let a = one("Prices rose 3.5 per cent.");
        assert_eq!((a.value, a.unit.as_deref()), (3.5, Some("percent")));
        assert_eq!(one("It cost 8.2bn euros.").value, 8.2e9);
        let a = one("It cost 1.5 million euros.");
        assert_eq!((a.value, a.unit.as_deref()), (1.5e6, Some("EUR")));
        let a = one("He paid US$40,000.50 in cash.");
        assert_eq!((a.value, a.unit.as_deref()), (40000.5, Some("USD")));
    }

    #[test]
    fn word_numbers_and_vague_numbers() {
        let a = one("Two soldiers stood guard.");
        assert_eq!((a.value, a.unit.as_deref()), (2.0, Some("soldiers")));
        let a = one("A dozen eggs.");
        assert_eq!(a.value, 12.0);
        let a = one("There were twenty-five cars.");
        assert_eq!((a.value, a.unit.as_deref()), (25.0, Some("cars")));
        let a = one("Tens of thousands of people marched.");
        assert_eq!((a.value, a.unit.as_deref(), a.modifier), (1e4, Some("people"), Some(Modifier::Approximate)));
        let a = one("Thousands of people marched.");
        assert_eq!((a.value, a.modifier), (1000.0, Some(Modifier::AtLeast)));
        let a = one("Half a million people marched.");
        assert_eq!(a.value, 5e5);
    }

    #[test]
    fn modifiers() {
        assert_eq!(one("at least 20 people").modifier, Some(Modifier::AtLeast));
        assert_eq!(one("up to 300 jobs").modifier, Some(Modifier::AtMost));
        assert_eq!(one("more than 1,000 homes").modifier, Some(Modifier::MoreThan));
        assert_eq!(one("fewer than 50 seats").modifier, Some(Modifier::LessThan));
        assert_eq!(one("about 40 tanks").modifier, Some(Modifier::Approximate));
        assert_eq!(one("an estimated 5,000 troops").value, 5000.0);
    }

    #[test]
    fn casualty_counts() {
        let a = one("The blast killed at least 20 people.");
        assert_eq!((a.value, a.count_of, a.modifier), (20.0, Some(CountOf::Killed), Some(Modifier::AtLeast)));
        assert_eq!(one("Some 300 people were injured.").count_of, Some(CountOf::Injured));
        assert_eq!(one("Police arrested 12 protesters.").count_of, Some(CountOf::Arrested));
        assert_eq!(one("About 5,000 residents were evacuated.").count_of, Some(CountOf::Evacuated));
        assert_eq!(one("Three climbers are missing.").count_of, Some(CountOf::Missing));
        assert_eq!(one("The floods displaced 40,000 villagers.").count_of, Some(CountOf::Displaced));
        // Not people: no category.
        assert_eq!(one("The strike killed the plan for 60 missiles.").count_of, None);
        // Another sentence does not count.
        assert_eq!(one("Many were killed. 20 buses arrived.").count_of, None);
    }

    #[test]
    fn excluded_and_non_amounts() {
        let text = "On 4 April at 10:30 the 4th convoy left.";
        // The caller excludes "4 April" and "10:30" (timex spans).
        let ex = [3..10, 14..19];
        assert!(find(text, &ex).is_empty(), "{:?}", find(text, &ex));
        assert!(find("1. First item\n2. Second item", &[]).is_empty());
        // Unsorted, overlapping ranges work too.
        assert!(find(text, &[14..19, 5..8, 3..6]).is_empty());
        assert_eq!(find("5 cats and 6 dogs", &[11..12, 40..41]).len(), 1);
        assert!(find("An F-16 and a G20 summit on COVID-19.", &[]).is_empty());
        assert!(find("one of them said one could go", &[]).is_empty());
    }

    #[test]
    fn odd_input_does_not_panic() {
        for s in ["", "$", "$.", "99999999999999999999999999", "1.", "1,", "tens of", "a", "half", "\u{a3}\u{20ac}1"] {
            let _ = find(s, &[]);
            let _ = find(s, &[0..1, 2..9]);
        }
    }
}

#[cfg(test)]
mod article_tests {
    use super::*;

    #[test]
    fn example_article_fixture() {
        let text = include_str!("../../tests/fixtures/article.txt");
        let ex: Vec<Range<usize>> = crate::text::timex::find(text, None).iter().map(|t| t.start..t.end).collect();
        let got = find(text, &ex);
        let missiles = got.iter().find(|a| a.unit.as_deref() == Some("missiles"));
        let m = missiles.expect("60 missiles");
        assert_eq!((m.value, m.modifier), (60.0, Some(Modifier::Approximate)));
        let deaths = got.iter().find(|a| a.unit.as_deref() == Some("deaths"));
        let d = deaths.expect("100 deaths");
        assert_eq!((d.value, d.modifier, d.count_of), (100.0, Some(Modifier::Approximate), Some(CountOf::Killed)));
        // "4 April" and "2016" are dates, not amounts.
        assert!(got.iter().all(|a| a.value != 4.0 && a.value != 2016.0), "{got:?}");
    }
}

#[cfg(test)]
mod property_tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn any_text_gives_spans_on_char_boundaries(s in "(\\PC|[0-9 .,%$£-]|million|bn|at least|killed){0,40}") {
            for a in find(&s, &[0..3, 7..9]) {
                proptest::prop_assert!(a.start < a.end && a.end <= s.len());
                proptest::prop_assert!(s.is_char_boundary(a.start) && s.is_char_boundary(a.end));
                proptest::prop_assert!(a.value.is_finite());
            }
        }
    }
}
