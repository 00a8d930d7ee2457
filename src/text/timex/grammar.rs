//! The temporal grammar: at each token that can start an expression, every
//! pattern is tried and the longest match wins; matched tokens are skipped.
//! Patterns build the TIMEX3 value directly, resolving relative parts
//! against the reference (see the module docs of `timex` for the rules).

use super::lexicon::{self as lex, Unit};
use super::scan::{self, Kind, Tok};
use super::{Reference, Timex, TimexKind};
use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use std::cell::Cell;

/// A quantity before a unit: a number, or a vague one ("several").
#[derive(Clone, Copy, Debug, PartialEq)]
enum Q {
    N(f64),
    Vague,
}

/// A quantity and the token after it, if one starts at a token.
type QtyAt = Option<(Q, usize)>;

/// Tense of the clause around an expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tense {
    Past,
    Future,
    Unknown,
}

/// How far past its first token [`Grammar::p_quarter`] can find its noun: an article (1), the
/// year ("1988's", "this year's": 3), "year-earlier" (3), "fiscal-" (2), "most recent" (2), the
/// ordinal with its suffix, hyphen and "fiscal" ("3rd-fiscal": 4), "quarters" after "two" (1).
const QUARTER_REACH: usize = 16;

/// A match: token end (exclusive), type, value, mod.
struct Hit {
    end: usize,
    kind: TimexKind,
    value: String,
    modifier: Option<&'static str>,
    /// Quarter this match makes the one under discussion.
    topic: Option<(i32, u32)>,
}

fn hit(end: usize, kind: TimexKind, value: String) -> Option<Hit> {
    Some(Hit { end, kind, value, modifier: None, topic: None })
}

/// Keeps `candidate` when it ends later than `best`: of two matches of one length the one
/// found first wins.
#[inline]
fn keep_longer(best: &mut Option<Hit>, candidate: Option<Hit>) {
    if let Some(c) = candidate {
        if best.as_ref().is_none_or(|b| c.end > b.end) {
            *best = Some(c);
        }
    }
}

/// Patterns of [`Grammar::at`] that a word other than a month, weekday or number can start:
/// bits of [`lead_patterns`].
const LEADS_WEEKDAY: u8 = 1;
const LEADS_MONTH: u8 = 2;
const LEADS_DEICTIC: u8 = 4;
const LEADS_RELATIVE: u8 = 8;
const LEADS_YEAR: u8 = 16;
const LEADS_TIME: u8 = 32;
const LEADS_EDGE: u8 = 64;

/// The patterns the lower-case token `w` may start, in one look-up rather than a chain of
/// comparisons per pattern.
fn lead_patterns(w: &str) -> u8 {
    const W: u8 = LEADS_WEEKDAY;
    const M: u8 = LEADS_MONTH;
    const D: u8 = LEADS_DEICTIC;
    const R: u8 = LEADS_RELATIVE;
    const Y: u8 = LEADS_YEAR;
    const E: u8 = LEADS_EDGE;
    match w {
        "the" => M | R | Y | E,
        "last" | "this" => W | M | D | R,
        "next" | "past" | "coming" => W | M | R,
        "early" | "late" => W | M | D | R | Y,
        "mid" => M | R | Y,
        "end" => M | E,
        "earlier" | "later" => D | R,
        "today" | "yesterday" | "tomorrow" | "tonight" => D,
        "current" | "previous" | "latest" | "following" => R,
        "fiscal" | "fy" | "'" | "\u{2019}" => Y,
        "noon" | "midday" | "midnight" => LEADS_TIME,
        "year" | "around" | "beginning" | "start" | "middle" | "close" => E,
        _ => 0,
    }
}

pub(super) struct Grammar<'a> {
    text: &'a str,
    /// `text` with ASCII letters lower-cased: same byte offsets.
    low: &'a str,
    t: &'a [Tok],
    r: Option<Reference>,
    /// Last quarter the document named without a year, for "the quarter",
    /// "the year-ago quarter", "a year ago".
    last_quarter: Option<(i32, u32)>,
    /// The last [`Grammar::qty_at`] asked and its answer.
    last_qty: Cell<Option<(usize, QtyAt)>>,
    /// The last [`Grammar::may_name_quarter`] look-up: the token asked from and the first token
    /// at or after it with the quarter bit (`t.len()` for none). Runs ask from increasing tokens,
    /// so each token is looked at about once.
    next_quarter_word: Cell<Option<(usize, usize)>>,
}

impl<'a> Grammar<'a> {
    /// `low` is `text` with ASCII letters lower-cased, `t` its tokens.
    pub(super) fn new(text: &'a str, low: &'a str, t: &'a [Tok], r: Option<Reference>) -> Self {
        Grammar { text, low, t, r, last_quarter: None, last_qty: Cell::new(None), next_quarter_word: Cell::new(None) }
    }

    pub(super) fn run(self) -> Vec<Timex> {
        let mut out = Vec::new();
        self.first_until(usize::MAX, |t| {
            out.push(t);
            None::<()>
        });
        out
    }

    /// Hands `f` the expressions [`Grammar::run`] finds, in order, while they start at or
    /// before token `last`, and returns the first answer `f` gives: a caller after one
    /// expression need not match the rest of the text.
    pub(super) fn first_until<T>(mut self, last: usize, mut f: impl FnMut(Timex) -> Option<T>) -> Option<T> {
        let mut i = 0;
        while i < self.t.len() && i <= last {
            if !self.trigger(i) {
                i += 1;
                continue;
            }
            match self.at(i) {
                Some(h) if h.end > i => {
                    let start = self.t[i].start;
                    let end = self.t[h.end - 1].end;
                    if let Some(q) = h.topic {
                        self.last_quarter = Some(q);
                    }
                    let found = f(Timex { start, end, kind: h.kind, value: h.value, modifier: h.modifier });
                    if found.is_some() {
                        return found;
                    }
                    i = h.end;
                }
                _ => i += 1,
            }
        }
        let _ = self.text;
        None
    }

    /// Whether an expression may start at token `i` (the grammar's own cheap gate).
    pub(super) fn triggers_at(&self, i: usize) -> bool {
        self.trigger(i)
    }

    // ---- token helpers -------------------------------------------------

    fn w(&self, i: usize) -> &str {
        self.t.get(i).map_or("", |t| t.w(self.low))
    }

    fn is(&self, i: usize, s: &str) -> bool {
        // Most comparisons fail on the length, which needs no slicing.
        match self.t.get(i) {
            Some(t) => t.end.checked_sub(t.start) == Some(s.len()) && t.w(self.low) == s,
            None => s.is_empty(),
        }
    }

    /// Whether token `i` has any of the scanner's word-list `bits`.
    fn has(&self, i: usize, bits: u16) -> bool {
        self.t.get(i).is_some_and(|t| t.flags & bits != 0)
    }

    fn cap(&self, i: usize) -> bool {
        self.t.get(i).is_some_and(|t| t.cap)
    }

    fn kind(&self, i: usize) -> Option<Kind> {
        self.t.get(i).map(|t| t.kind)
    }

    /// Whether token `i` touches token `i - 1` (no space between).
    fn adj(&self, i: usize) -> bool {
        i > 0 && i < self.t.len() && self.t[i - 1].end == self.t[i].start
    }

    fn num(&self, i: usize) -> Option<u32> {
        let t = self.t.get(i)?;
        if t.kind != Kind::Num || t.end - t.start > 9 {
            return None;
        }
        t.w(self.low).parse().ok()
    }

    fn ndigits(&self, i: usize) -> usize {
        self.t.get(i).filter(|t| t.kind == Kind::Num).map_or(0, |t| t.end - t.start)
    }

    /// Whether token `i` is part of a larger number ("1,995", "3.1995").
    fn in_bigger_number(&self, i: usize) -> bool {
        let before = i >= 2
            && self.adj(i)
            && matches!(self.w(i - 1), "," | "." | "$" | "-" | "/")
            && (self.kind(i - 2) == Some(Kind::Num) || self.w(i - 1) == "$")
            && self.adj(i - 1);
        let after = self.adj(i + 1)
            && matches!(self.w(i + 1), "," | "." | "/")
            && self.kind(i + 2) == Some(Kind::Num)
            && self.adj(i + 2);
        before || after
    }

    /// Whether an expression can start at token `i`: a number, a strong trigger word, a weak
    /// one ("the", "two", "last") before a number, a trigger or a joiner, or the apostrophe of
    /// "'90s". Reads the word-list bits the scanner set.
    fn trigger(&self, i: usize) -> bool {
        let Some(t) = self.t.get(i) else {
            return false;
        };
        match t.kind {
            Kind::Num => true,
            // Only the decade pattern ("'90s") starts at an apostrophe, and it needs the digits.
            Kind::Other => t.w(self.low) == "'" && self.kind(i + 1) == Some(Kind::Num),
            Kind::Word => {
                if t.flags & scan::TRIGGER == 0 {
                    return false;
                }
                if t.flags & scan::STRONG != 0 {
                    return true;
                }
                // A weak trigger needs a trigger, a number or a joiner next.
                self.t.get(i + 1).is_some_and(|n| n.kind == Kind::Num || n.flags & (scan::JOINER | scan::TRIGGER) != 0)
            }
        }
    }

    /// Longest match starting at token `i`.
    fn at(&self, i: usize) -> Option<Hit> {
        // Each pattern only where its first token can be: cheap checks that
        // keep the common words ("the", numbers) from running every pattern.
        let num = self.kind(i) == Some(Kind::Num);
        // A number's digits are none of the lead words: skip the look-up for them.
        let lead = if num { 0 } else { lead_patterns(self.w(i)) };
        let flags = self.t.get(i).map_or(0, |t| t.flags);
        let month = flags & scan::MONTH != 0;
        let wday = flags & scan::WEEKDAY != 0;
        let named = month || wday;
        // Patterns in order of preference: a later one wins only by a strictly longer match.
        // Tried one after another rather than collected first, so a pattern whose gate is
        // closed costs a branch and no candidate is moved.
        let mut best: Option<Hit> = None;
        if num || named {
            keep_longer(&mut best, self.p_abs_date(i));
        }
        if wday || lead & LEADS_WEEKDAY != 0 {
            keep_longer(&mut best, self.p_weekday(i));
        }
        if month || lead & LEADS_MONTH != 0 {
            keep_longer(&mut best, self.p_month(i));
        }
        if lead & LEADS_DEICTIC != 0 {
            keep_longer(&mut best, self.p_deictic(i));
        }
        if lead & LEADS_RELATIVE != 0 {
            keep_longer(&mut best, self.p_relative(i));
        }
        if !named {
            keep_longer(&mut best, self.p_ago(i));
            keep_longer(&mut best, self.p_duration(i));
        }
        if num || lead & LEADS_YEAR != 0 {
            keep_longer(&mut best, self.p_year(i));
        }
        if !named && self.may_name_quarter(i) {
            keep_longer(&mut best, self.p_quarter(i));
        }
        if num || lead & LEADS_TIME != 0 {
            keep_longer(&mut best, self.p_time(i));
        }
        if !named && !num {
            keep_longer(&mut best, self.p_set(i));
            keep_longer(&mut best, self.p_ref(i));
        }
        if self.cap(i) && !named {
            keep_longer(&mut best, self.p_holiday(i));
        }
        if lead & LEADS_EDGE != 0 {
            keep_longer(&mut best, self.p_edge(i));
        }
        if !named && (!num || self.ordinal_suffix_after(i)) {
            keep_longer(&mut best, self.p_misc(i));
        }
        best
    }

    // ---- shared pieces -------------------------------------------------

    /// A month name at `i` (capitalised; an abbreviation may take a dot).
    /// Returns the month and the next token.
    fn month_at(&self, i: usize) -> Option<(u32, usize)> {
        let w = self.w(i);
        let m = lex::month(w)?;
        if !self.cap(i) {
            return None;
        }
        let full = lex::month_is_full(w);
        if self.is(i + 1, ".") && self.adj(i + 1) && !full {
            return Some((m, i + 2));
        }
        if !full && self.kind(i + 1) != Some(Kind::Num) {
            return None;
        }
        Some((m, i + 1))
    }

    /// A day of the month at `i` ("7", "7th"), and the next token.
    fn day_at(&self, i: usize) -> Option<(u32, usize)> {
        let d = self.num(i)?;
        if !(1..=31).contains(&d) || self.ndigits(i) > 2 {
            return None;
        }
        if self.adj(i + 1)
            && matches!(self.w(i + 1), ":" | "%" | "." | "," | "-" | "/")
            && self.kind(i + 2) == Some(Kind::Num)
            && self.adj(i + 2)
        {
            return None;
        }
        if self.adj(i + 1) && matches!(self.w(i + 1), "st" | "nd" | "rd" | "th") {
            return Some((d, i + 2));
        }
        if self.adj(i + 1) && self.kind(i + 1) == Some(Kind::Word) {
            return None;
        }
        Some((d, i + 1))
    }

    /// A four-digit year at `i` (1000-2199).
    fn year_at(&self, i: usize) -> Option<(i32, usize)> {
        if self.ndigits(i) != 4 || self.in_bigger_number(i) {
            return None;
        }
        let y = self.num(i)?;
        if !(1000..2200).contains(&y) {
            return None;
        }
        if self.adj(i + 1) && self.kind(i + 1) == Some(Kind::Word) {
            return None;
        }
        Some((y as i32, i + 1))
    }

    /// A quantity at `i`: digits, number words, "a", "several".
    fn qty_at(&self, i: usize) -> Option<(Q, usize)> {
        // Several patterns read the quantity at the same token in turn: keep the last answer.
        if let Some((at, q)) = self.last_qty.get() {
            if at == i {
                return q;
            }
        }
        let q = self.read_qty(i);
        self.last_qty.set(Some((i, q)));
        q
    }

    fn read_qty(&self, i: usize) -> Option<(Q, usize)> {
        if !self.has(i, scan::QTY) && self.kind(i) != Some(Kind::Num) {
            return None;
        }
        let w = self.w(i);
        if self.kind(i) == Some(Kind::Num) {
            if self.ndigits(i) > 7 {
                return None;
            }
            let mut v = f64::from(self.num(i)?);
            let mut j = i + 1;
            // Thousands groups and a decimal part.
            while self.is(j, ",") && self.adj(j) && self.ndigits(j + 1) == 3 && self.adj(j + 1) {
                v = v * 1000.0 + f64::from(self.num(j + 1)?);
                j += 2;
            }
            if self.is(j, ".") && self.adj(j) && self.kind(j + 1) == Some(Kind::Num) && self.adj(j + 1) {
                let frac = self.w(j + 1);
                let f = fraction(frac)?;
                v += f;
                j += 2;
            }
            if self.is(j, ":") && self.adj(j) {
                return None;
            }
            if self.is(j, "-") && self.adj(j) && self.kind(j + 1) == Some(Kind::Num) {
                return None;
            }
            if self.is(j, "and") && self.is(j + 1, "a") && self.is(j + 2, "half") {
                // "1 and a half" is rare with digits; leave it.
            }
            return Some((Q::N(v), j));
        }
        if let Some(n) = lex::small_number(w) {
            let mut v = n;
            let mut j = i + 1;
            if n >= 20 && n % 10 == 0 {
                let (k, unit_next) = if self.is(j, "-") && self.adj(j) { (j + 1, true) } else { (j, false) };
                if let Some(u) = lex::small_number(self.w(k)).filter(|u| (1..10).contains(u)) {
                    v += u;
                    j = k + 1;
                } else {
                    let _ = unit_next;
                }
            }
            if self.is(j, "hundred") {
                v *= 100;
                j += 1;
            }
            let mut val = f64::from(v);
            if self.is(j, "and") && self.is(j + 1, "a") && self.is(j + 2, "half") {
                val += 0.5;
                j += 3;
            }
            return Some((Q::N(val), j));
        }
        match w {
            "a" | "an" => {
                if self.is(i + 1, "couple") && self.is(i + 2, "of") {
                    return Some((Q::N(2.0), i + 3));
                }
                if self.is(i + 1, "few") {
                    return Some((Q::Vague, i + 2));
                }
                if self.is(i + 1, "dozen") {
                    return Some((Q::N(12.0), i + 2));
                }
                if self.is(i + 1, "half") {
                    return Some((Q::N(0.5), i + 2));
                }
                if self.is(i + 1, "number") && self.is(i + 2, "of") {
                    return Some((Q::Vague, i + 3));
                }
                Some((Q::N(1.0), i + 1))
            }
            "couple" if self.is(i + 1, "of") => Some((Q::N(2.0), i + 2)),
            "dozen" => Some((Q::N(12.0), i + 1)),
            "several" | "few" | "many" | "some" => Some((Q::Vague, i + 1)),
            "half" => {
                if matches!(self.w(i + 1), "a" | "an") {
                    Some((Q::N(0.5), i + 2))
                } else {
                    Some((Q::N(0.5), i + 1))
                }
            }
            _ => None,
        }
    }

    /// A unit at `i`, allowing "trading days", "business days".
    fn unit_at(&self, i: usize) -> Option<(Unit, bool, usize)> {
        if !self.has(i, scan::UNIT) {
            return None;
        }
        let mut j = i;
        if matches!(self.w(j), "trading" | "business" | "working" | "calendar" | "school" | "full")
            && lex::unit(self.w(j + 1)).is_some()
        {
            j += 1;
        }
        let (u, pl) = lex::unit(self.w(j))?;
        if u == Unit::Second && self.is(j + 1, "quarter") {
            return None;
        }
        Some((u, pl, j + 1))
    }

    /// Approximation words before a quantity, with their TimeML mod.
    fn approx_at(&self, i: usize) -> (Option<&'static str>, usize) {
        if !self.has(i, scan::APPROX) {
            return (None, i);
        }
        let (m, n) = match (self.w(i), self.w(i + 1)) {
            ("more" | "longer", "than") => (Some("MORE_THAN"), 2),
            ("less" | "fewer" | "shorter", "than") => (Some("LESS_THAN"), 2),
            ("at", "least") => (Some("EQUAL_OR_MORE"), 2),
            ("at", "most") => (Some("EQUAL_OR_LESS"), 2),
            ("up", "to") => (Some("EQUAL_OR_LESS"), 2),
            ("no", "more") if self.is(i + 2, "than") => (Some("EQUAL_OR_LESS"), 3),
            ("well" | "just", "over") => (Some("MORE_THAN"), 2),
            ("just", "under") => (Some("LESS_THAN"), 2),
            ("close", "to") => (Some("APPROX"), 2),
            ("about" | "around" | "roughly" | "approximately" | "some" | "nearly" | "almost", _) => (Some("APPROX"), 1),
            ("over", _) => (Some("MORE_THAN"), 1),
            ("under", _) => (Some("LESS_THAN"), 1),
            _ => (None, 0),
        };
        // Only when a number follows: "over the past year" keeps "over" out.
        if n > 0 {
            let k = i + n;
            let numeric = self.kind(k) == Some(Kind::Num)
                || lex::small_number(self.w(k)).is_some()
                || matches!(self.w(k), "a" | "an" | "half" | "several" | "a few");
            if !numeric {
                return (None, i);
            }
        }
        (m, i + n)
    }

    /// Tense of the clause around tokens `[s, e)`: the nearest marker wins.
    fn tense(&self, s: usize, e: usize) -> Tense {
        let stop = |k: usize| matches!(self.w(k), "." | "!" | "?" | ";" | "\"") || self.t[k].newline_before;
        let classify = |k: usize| -> Tense {
            let w = self.w(k);
            if w == "won" && self.is(k + 1, "'") && self.is(k + 2, "t") {
                return Tense::Future;
            }
            if lex::is_future_marker(w) {
                if w == "ll" && !self.is(k.wrapping_sub(1), "'") {
                    return Tense::Unknown;
                }
                // "fewer than expected" compares with a forecast: no tense.
                if matches!(self.w(k.wrapping_sub(1)), "than" | "as") {
                    return Tense::Unknown;
                }
                return Tense::Future;
            }
            if matches!(w, "planned" | "set") && self.is(k + 1, "to") {
                return Tense::Future;
            }
            if lex::is_past_marker(w) {
                // "was expected", "were planning": a future seen from the past.
                if matches!(w, "was" | "were" | "had") && lex::is_future_marker(self.w(k + 1)) {
                    return Tense::Future;
                }
                return Tense::Past;
            }
            if matches!(w, "would" | "could" | "might" | "may") {
                return Tense::Future;
            }
            if w == "as" && matches!(self.w(k + 1), "early" | "soon" | "late") {
                return Tense::Future;
            }
            if w == "to" && matches!(self.w(k.wrapping_sub(1)), "going" | "is" | "are" | "due") {
                return Tense::Future;
            }
            if w.len() > 4 && w.ends_with("ed") && self.t[k].kind == Kind::Word && !self.cap(k) {
                return Tense::Past;
            }
            Tense::Unknown
        };
        // A deadline ("until Tuesday", "by Friday") lies ahead, unless the
        // clause is in the past perfect ("had filed by Wednesday").
        if s > 0 && matches!(self.w(s - 1), "until" | "till" | "by") {
            let lo = s.saturating_sub(9);
            let hi = (e + 8).min(self.t.len());
            let perfect = (lo..hi).any(|k| self.is(k, "had"));
            if !perfect {
                return Tense::Future;
            }
        }
        for d in 1..=12 {
            // Left side first, then right, at each distance.
            if let Some(k) = s.checked_sub(d) {
                if self.t[k + 1].newline_before && d > 1 {
                    // crossed a line start already
                }
                let crossed = (k + 1..s).any(stop) || (k + 1 < self.t.len() && stop(k + 1) && k + 1 < s);
                if !crossed && !stop(k) {
                    let tn = classify(k);
                    if tn != Tense::Unknown {
                        return tn;
                    }
                }
            }
            let k = e + d - 1;
            if k < self.t.len() && !(e..=k).any(stop) {
                let tn = classify(k);
                if tn != Tense::Unknown {
                    return tn;
                }
            }
        }
        Tense::Unknown
    }

    // ---- patterns ------------------------------------------------------

    /// "April 4", "April 4th, 2017", "4 April 2017", "Friday, Oct. 23",
    /// "January 1998", "2017-04-12".
    fn p_abs_date(&self, i: usize) -> Option<Hit> {
        // Weekday prefix: "Monday, Oct. 26".
        if lex::weekday(self.w(i)).is_some() && self.cap(i) {
            let j = if self.is(i + 1, ".") && self.adj(i + 1) { i + 2 } else { i + 1 };
            let j = if self.is(j, ",") { j + 1 } else { j };
            if let Some(mut h) = self.md_date(j) {
                h.end = h.end.max(j);
                return Some(h);
            }
            return None;
        }
        // ISO date.
        if self.ndigits(i) == 4
            && self.is(i + 1, "-")
            && self.ndigits(i + 2) == 2
            && self.is(i + 3, "-")
            && self.ndigits(i + 4) == 2
            && (1..=4).all(|k| self.adj(i + k))
        {
            let (y, m, d) = (self.num(i)? as i32, self.num(i + 2)?, self.num(i + 4)?);
            NaiveDate::from_ymd_opt(y, m, d)?;
            return hit(i + 5, TimexKind::Date, format!("{y:04}-{m:02}-{d:02}"));
        }
        self.md_date(i)
    }

    fn md_date(&self, i: usize) -> Option<Hit> {
        let (m, d, j) = if let Some((m, j)) = self.month_at(i) {
            match self.day_at(j) {
                Some((d, k)) => (m, Some(d), k),
                None => {
                    // "January 1998", "January of 1998".
                    let k = if self.is(j, "of") || self.is(j, ",") { j + 1 } else { j };
                    let (y, k) = self.year_at(k)?;
                    return hit(k, TimexKind::Date, format!("{y:04}-{m:02}"));
                }
            }
        } else {
            let (d, j) = self.day_at(i)?;
            let j = if self.is(j, "of") { j + 1 } else { j };
            let (m, k) = self.month_at(j)?;
            (m, Some(d), k)
        };
        let d = d?;
        if d > days_in_month(2000, m) {
            return None;
        }
        let k = if self.is(j, ",") { j + 1 } else { j };
        if let Some((y, k2)) = self.year_at(k) {
            if NaiveDate::from_ymd_opt(y, m, d).is_some() {
                return hit(k2, TimexKind::Date, format!("{y:04}-{m:02}-{d:02}"));
            }
        }
        let value = match self.r {
            Some(r) => {
                // A deadline ("by Jan. 14", "until May 2") is ahead.
                let tense = if i > 0 && matches!(self.w(i - 1), "by" | "until" | "till") {
                    Tense::Future
                } else {
                    self.tense(i, j)
                };
                match resolve_month_day(r.date, m, d, tense) {
                    Some(dt) => ymd(dt),
                    None => format!("XXXX-{m:02}-{d:02}"),
                }
            }
            None => format!("XXXX-{m:02}-{d:02}"),
        };
        hit(j, TimexKind::Date, value)
    }

    /// "Friday", "last Friday", "Friday morning", "early Tuesday".
    fn p_weekday(&self, i: usize) -> Option<Hit> {
        let mut j = i;
        let mut rel = "";
        let mut modifier = None;
        match self.w(j) {
            "last" | "next" | "this" | "past" | "coming" => {
                rel = self.w(j);
                j += 1;
                if rel == "this" && matches!(self.w(j), "past" | "coming") {
                    rel = self.w(j);
                    j += 1;
                }
            }
            "early" | "late" => {
                modifier = Some(if self.is(j, "early") { "START" } else { "END" });
                j += 1;
            }
            _ => {}
        }
        let wd = lex::weekday(self.w(j))?;
        if !self.cap(j) || !lex::weekday_is_full(self.w(j)) {
            // "Sat" or "Sun" alone are too ambiguous.
            if !(self.is(j + 1, ".") && self.adj(j + 1) && self.cap(j)) {
                return None;
            }
        }
        // "the Sunday Telegraph", "Mail on Sunday" stays: a title follows.
        if matches!(
            self.w(j + 1),
            "times"
                | "telegraph"
                | "mail"
                | "express"
                | "herald"
                | "post"
                | "mirror"
                | "independent"
                | "tribune"
                | "star"
                | "sport"
                | "people"
        ) && self.cap(j + 1)
        {
            return None;
        }
        let mut end = j + 1;
        if self.is(end, ".") && self.adj(end) && !lex::weekday_is_full(self.w(j)) {
            end += 1;
        }
        let mut part = None;
        if let Some(p) = lex::day_part(self.w(end)) {
            part = Some(p);
            end += 1;
        }
        let date = self.r.map(|r| {
            let tense = match rel {
                "last" | "past" => Tense::Past,
                "next" | "coming" => Tense::Future,
                _ => self.tense(i, end),
            };
            resolve_weekday(r.date, wd, rel, tense)
        });
        let base = match date {
            Some(d) => ymd(d),
            None => format!("XXXX-WXX-{wd}"),
        };
        let (kind, value) = match part {
            Some(p) => (TimexKind::Time, format!("{base}T{p}")),
            None => (TimexKind::Date, base),
        };
        Some(Hit { end, kind, value, modifier, topic: None })
    }

    /// "March", "last October", "early September", "mid-April",
    /// "this May".
    fn p_month(&self, i: usize) -> Option<Hit> {
        let mut j = i;
        if self.is(j, "the") {
            j += 1;
        }
        let mut rel = "";
        let mut modifier = None;
        match self.w(j) {
            "last" | "next" | "this" | "past" | "coming" => {
                rel = self.w(j);
                j += 1;
            }
            "early" | "late" | "mid" | "end" => {
                modifier = Some(match self.w(j) {
                    "early" => "START",
                    "mid" => "MID",
                    _ => "END",
                });
                j += 1;
                if self.is(j, "-") && self.adj(j) {
                    j += 1;
                }
                if matches!(self.w(j), "last" | "next" | "this") {
                    rel = self.w(j);
                    j += 1;
                }
            }
            _ => {}
        }
        if j > i && self.is(i, "the") && rel.is_empty() && modifier.is_none() {
            return None;
        }
        let (m, end) = self.month_at(j)?;
        let w = self.w(j);
        // Bare "May", "March" are too often other words: want context.
        if rel.is_empty() && modifier.is_none() && matches!(w, "may" | "march") {
            let prev = self.w(i.wrapping_sub(1));
            if i == 0
                || !matches!(
                    prev,
                    "in" | "since"
                        | "until"
                        | "by"
                        | "of"
                        | "from"
                        | "through"
                        | "before"
                        | "after"
                        | "during"
                        | "early"
                        | "late"
                        | "to"
                )
            {
                return None;
            }
        }
        if self.is(end, ".") && !self.adj(end) {
            // fine
        }
        // "January 1998" and "April 4" are handled by p_abs_date.
        // "June last year", "January this year".
        if let (Some(r), true) = (self.r, self.is(end + 1, "year")) {
            let y = match self.w(end) {
                "this" => Some(r.year()),
                "last" => Some(r.year() - 1),
                "next" => Some(r.year() + 1),
                _ => None,
            };
            if let Some(y) = y {
                return Some(Hit {
                    end: end + 2,
                    kind: TimexKind::Date,
                    value: format!("{y:04}-{m:02}"),
                    modifier,
                    topic: None,
                });
            }
        }
        let value = match self.r {
            Some(r) => {
                let y = match rel {
                    "last" | "past" => {
                        if m < r.date.month() {
                            r.year()
                        } else {
                            r.year() - 1
                        }
                    }
                    "next" | "coming" => {
                        if m > r.date.month() {
                            r.year()
                        } else {
                            r.year() + 1
                        }
                    }
                    "this" => r.year(),
                    _ => resolve_month_year(r.date, m, self.tense(i, end)),
                };
                format!("{y:04}-{m:02}")
            }
            None => format!("XXXX-{m:02}"),
        };
        Some(Hit { end, kind: TimexKind::Date, value, modifier, topic: None })
    }

    /// "today", "yesterday morning", "tonight", "this morning",
    /// "late yesterday", "last night".
    fn p_deictic(&self, i: usize) -> Option<Hit> {
        let mut j = i;
        let mut modifier = None;
        if matches!(self.w(j), "early" | "late" | "earlier" | "later") {
            modifier = Some(if self.w(j).starts_with("early") { "START" } else { "END" });
            j += 1;
        }
        let (offset, implied_part) = match (self.w(j), self.w(j + 1)) {
            ("today", _) => (0i64, None),
            ("yesterday", _) => (-1, None),
            ("tomorrow", _) => (1, None),
            ("tonight", _) => (0, Some("NI")),
            ("this", p) if lex::day_part(p).is_some() && p != "overnight" => (0, lex::day_part(p)),
            ("last", "night") => (-1, Some("NI")),
            _ => return None,
        };
        let mut end = j + 1;
        if implied_part.is_some() && !matches!(self.w(j), "tonight") {
            end = j + 2;
        }
        let mut part = implied_part;
        if part.is_none() {
            if let Some(p) = lex::day_part(self.w(end)) {
                part = Some(p);
                end += 1;
            }
        }
        let base = match self.r {
            Some(r) => ymd(add_days(r.date, offset)),
            None => "XXXX-XX-XX".to_string(),
        };
        let (kind, value) = match part {
            Some(p) => (TimexKind::Time, format!("{base}T{p}")),
            None => (TimexKind::Date, base),
        };
        Some(Hit { end, kind, value, modifier, topic: None })
    }

    /// "this week", "last year", "next month", "earlier this year",
    /// "the past year" (a duration), "last fall", "this weekend".
    fn p_relative(&self, i: usize) -> Option<Hit> {
        let mut j = i;
        let mut modifier = None;
        let the = self.is(j, "the");
        if the {
            j += 1;
        }
        if matches!(self.w(j), "early" | "earlier" | "late" | "later" | "mid") {
            modifier = Some(match self.w(j) {
                "early" | "earlier" => "START",
                "mid" => "MID",
                _ => "END",
            });
            j += 1;
            if self.is(j, "-") && self.adj(j) {
                j += 1;
            }
            if self.is(j, "in") && self.is(j + 1, "the") {
                // "earlier in the year"
                j += 1;
            }
        }
        let rel = self.w(j);
        let shift: i64 = match rel {
            "this" | "current" => 0,
            // "earlier in the year"
            "the" if modifier.is_some() && self.is(j.wrapping_sub(1), "in") => 0,
            "last" | "past" | "previous" | "latest" => -1,
            "next" | "coming" | "following" => 1,
            _ => return None,
        };
        j += 1;
        let w = self.w(j);
        // Seasons.
        if let Some(s) = lex::season(w) {
            let value = match self.r {
                Some(r) => {
                    let cur = season_index(r.date.month());
                    let tgt = season_code_index(s);
                    let y = r.year();
                    let y = match shift {
                        -1 => {
                            if tgt < cur {
                                y
                            } else {
                                y - 1
                            }
                        }
                        1 => {
                            if tgt > cur {
                                y
                            } else {
                                y + 1
                            }
                        }
                        _ => y,
                    };
                    format!("{y:04}-{s}")
                }
                None => format!("XXXX-{s}"),
            };
            return Some(Hit { end: j + 1, kind: TimexKind::Date, value, modifier, topic: None });
        }
        let (u, plural) = lex::unit(w)?;
        if plural {
            return None;
        }
        let end = j + 1;
        // "the past year", "the last week": a stretch of time, not a date.
        if the && matches!(rel, "past" | "last" | "next" | "coming") && modifier.is_none() && u != Unit::Quarter {
            return hit(end, TimexKind::Duration, duration(Q::N(1.0), u));
        }
        if rel == "latest" && u != Unit::Quarter {
            return None;
        }
        let value = match self.r {
            Some(r) => {
                if u == Unit::Quarter {
                    let (y, q) = shift_quarter(r.year(), quarter(r.date.month()), shift);
                    format!("{y:04}-Q{q}")
                } else if u == Unit::Weekend {
                    let d = add_days(r.date, 7 * shift);
                    format!("{}-WE", week_str(d))
                } else {
                    let d = shift_date(r.date, u, shift)?;
                    granular(d, u, r)
                }
            }
            None => unknown_granular(u),
        };
        Some(Hit { end, kind: TimexKind::Date, value, modifier, topic: None })
    }

    /// "18 months ago", "a year ago", "two days earlier", "years ago".
    fn p_ago(&self, i: usize) -> Option<Hit> {
        let (modifier, j) = self.approx_at(i);
        let (q, j) = match self.qty_at(j) {
            Some(x) => x,
            None => (Q::Vague, j),
        };
        let (u, _, k) = self.unit_at(j)?;
        let dir: i64 = match self.w(k) {
            "ago" => -1,
            "earlier" | "before" if !matches!(self.w(k + 1), "than" | "this" | "that") && self.w(k) == "earlier" => -1,
            // "two days later" is a duration from some other event.
            "hence" => 1,
            _ => return None,
        };
        // "a year ago" in a report on a quarter means that quarter a year
        // before.
        if let (Q::N(n), Unit::Year, Some((y, qq))) = (q, u, self.last_quarter) {
            if n == 1.0 && dir < 0 {
                return hit(k + 1, TimexKind::Date, format!("{:04}-Q{qq}", y - 1));
            }
        }
        let value = match (q, self.r) {
            (Q::Vague, _) => {
                if dir < 0 {
                    "PAST_REF".to_string()
                } else {
                    "FUTURE_REF".to_string()
                }
            }
            (Q::N(n), Some(r)) if n.fract() == 0.0 && n < 10000.0 => {
                let d = shift_date(r.date, u, dir * n as i64)?;
                granular(d, u, r)
            }
            _ => unknown_granular(u),
        };
        Some(Hit { end: k + 1, kind: TimexKind::Date, value, modifier, topic: None })
    }

    /// "two hours", "the past three years", "a nearly two-hour meeting"
    /// ("nearly two-hour"), "five-year", "several months", "for years".
    fn p_duration(&self, i: usize) -> Option<Hit> {
        let mut j = i;
        let the = self.is(j, "the");
        if the {
            j += 1;
        }
        let mut lead = false;
        if matches!(
            self.w(j),
            "past"
                | "last"
                | "next"
                | "coming"
                | "first"
                | "final"
                | "previous"
                | "following"
                | "latest"
                | "entire"
                | "whole"
                | "full"
                | "recent"
                | "initial"
                | "same"
        ) {
            j += 1;
            lead = true;
        } else if matches!(self.w(j), "another" | "further" | "additional") && !the {
            j += 1;
        }
        let (modifier, j2) = self.approx_at(j);
        // "the nearly two-hour meeting": the article is the noun's.
        if the && !lead && j2 > j {
            return None;
        }
        let j = j2;
        let q = self.qty_at(j);
        let (q, k) = match q {
            Some((Q::N(n), k)) if self.is(j, "a") || self.is(j, "an") => {
                // "a year" right after a number or "times" is a set, not
                // a duration ("$5 a year", "twice a week").
                if i == j && self.is_rate_context(i) {
                    return None;
                }
                (Q::N(n), k)
            }
            Some(x) => x,
            None => {
                // Bare plural: "for years", "recent weeks", "coming months".
                let (u, plural, k) = self.unit_at(j)?;
                if !plural || u == Unit::Quarter || u == Unit::Weekend {
                    return None;
                }
                let prev = self.w(i.wrapping_sub(1));
                let ok = lead
                    || (i > 0 && i == j && matches!(prev, "for" | "over"))
                    || (i == j && matches!(self.w(k), "ago"));
                if !ok || self.is(k, "ago") {
                    return None;
                }
                let rel = self.w(j.wrapping_sub(1));
                if rel == "recent" || rel == "past" || rel == "last" || rel == "previous" {
                    let value = format!("PX{}", lex_letter(u));
                    return hit(k, TimexKind::Duration, with_t(value, u));
                }
                return hit(k, TimexKind::Duration, with_t(format!("PX{}", lex_letter(u)), u));
            }
        };
        // "more" in "two more weeks".
        let k = if self.is(k, "more") { k + 1 } else { k };
        // Ranges: "two to three weeks", "12 to 18 months".
        let (q, k) = if matches!(self.w(k), "to" | "or") {
            match self.qty_at(k + 1) {
                Some((Q::N(_), k2)) if lex::unit(self.w(k2)).is_some() => (Q::Vague, k2),
                _ => (q, k),
            }
        } else {
            (q, k)
        };
        // Adjective form "five-year", "two-hour", "16-hour", "day-long":
        // the article belongs to the noun ("the 14-day period").
        if the && self.is(k, "-") && self.adj(k) && !lead {
            return None;
        }
        let k = if self.is(k, "-") && self.adj(k) { k + 1 } else { k };
        let (u, plural, mut end) = self.unit_at(k)?;
        if u == Unit::Weekend || (u == Unit::Quarter && self.is(j, "some")) {
            return None;
        }
        if let Q::N(n) = q {
            if n == 1.0 && plural && self.kind(j) != Some(Kind::Num) {
                return None;
            }
            // Skip "a second" (ordinal sense) and "a quarter" (fraction).
            if n == 1.0 && matches!(u, Unit::Second | Unit::Quarter) && !self.is(j, "one") {
                return None;
            }
        }
        if self.is(end, "ago") || (self.is(end, "earlier") && !self.is(end + 1, "than")) {
            return None;
        }
        // Ages ("40-year-old") are not annotated.
        if self.is(end, "-") && self.adj(end) && self.is(end + 1, "old") {
            return None;
        } else if self.is(end, "-") && self.adj(end) && self.is(end + 1, "long") {
            end += 2;
        }
        // A year before a singular unit is no quantity ("the 1988 quarter").
        if self.ndigits(j) == 4 && !plural {
            return None;
        }
        // "three-quarters" is a fraction.
        if u == Unit::Quarter && self.adj(k) && self.is(k.wrapping_sub(1), "-") {
            return None;
        }
        // "a minute and a half".
        let mut q = q;
        if self.is(end, "and") && self.is(end + 1, "a") && self.is(end + 2, "half") {
            if let Q::N(n) = q {
                q = Q::N(n + 0.5);
            }
            end += 3;
        }
        // "the next two years or so".
        if self.is(end, "or") && self.is(end + 1, "so") {
            end += 2;
        }
        if the && !lead && matches!(q, Q::N(n) if n == 1.0) && !self.is(j, "one") {
            // "the year" alone is not a duration here.
            return None;
        }
        let value = duration(q, u);
        Some(Hit { end, kind: TimexKind::Duration, value, modifier, topic: None })
    }

    /// Whether "a" at `i` follows a rate ("$5 a year", "twice a day", "84
    /// million barrels a day"): a number or a multiplier within the three
    /// tokens before it.
    fn is_rate_context(&self, i: usize) -> bool {
        let rate_word = |k: usize| {
            let p = self.w(k);
            self.kind(k) == Some(Kind::Num)
                || matches!(
                    p,
                    "times"
                        | "once"
                        | "twice"
                        | "million"
                        | "billion"
                        | "thousand"
                        | "hundred"
                        | "percent"
                        | "cents"
                        | "dollars"
                        | "bn"
                        | "m"
                        | "k"
                        | "%"
                )
                || lex::small_number(p).is_some()
        };
        let stop = |k: usize| matches!(self.w(k), "." | ";" | "," | "for" | "in" | "of" | "about" | "over" | "within");
        for d in 1..=3 {
            let Some(k) = i.checked_sub(d) else {
                return false;
            };
            if stop(k) {
                return false;
            }
            if rate_word(k) {
                return true;
            }
        }
        false
    }

    /// "2016", "the 1990s", "the mid-1990s", "the '80s", "fiscal 1989",
    /// "FY2017".
    fn p_year(&self, i: usize) -> Option<Hit> {
        let mut j = i;
        let the = self.is(j, "the");
        if the {
            j += 1;
        }
        let mut modifier = None;
        if matches!(self.w(j), "early" | "late" | "mid") {
            modifier = Some(match self.w(j) {
                "early" => "START",
                "mid" => "MID",
                _ => "END",
            });
            j += 1;
            if self.is(j, "-") && self.adj(j) {
                j += 1;
            }
        }
        let fiscal = matches!(self.w(j), "fiscal" | "fy");
        if fiscal {
            j += 1;
            if self.is(j, "year") {
                j += 1;
            }
            if self.is(j, "-") && self.adj(j) {
                j += 1;
            }
        }
        // Decades: "1990s", "'90s", "90s".
        if self.is(j, "'") || self.is(j, "\u{2019}") {
            let n = self.num(j + 1)?;
            if self.ndigits(j + 1) == 2 && self.is(j + 2, "s") && self.adj(j + 1) && self.adj(j + 2) {
                let century = match self.r {
                    Some(r) => r.year() / 100,
                    None => 19,
                };
                let c = if n as i32 > (self.r.map_or(99, |r| r.year() % 100)) { century - 1 } else { century };
                return Some(Hit {
                    end: j + 3,
                    kind: TimexKind::Date,
                    value: format!("{:02}{}", c, n / 10),
                    modifier,
                    topic: None,
                });
            }
            return None;
        }
        if self.ndigits(j) == 4 && self.is(j + 1, "s") && self.adj(j + 1) {
            let y = self.num(j)?;
            if (1000..2200).contains(&y) && y % 10 == 0 {
                return Some(Hit {
                    end: j + 2,
                    kind: TimexKind::Date,
                    value: format!("{:03}", y / 10),
                    modifier,
                    topic: None,
                });
            }
            return None;
        }
        let (y, end) = self.year_at(j)?;
        if j > i && !fiscal && modifier.is_none() {
            // "the 1988 quarter" and the like are left to p_quarter.
            return None;
        }
        // A bare number: only when it reads as a year.
        if !fiscal && modifier.is_none() {
            if !(1900..=2100).contains(&y)
                && !matches!(
                    self.w(i.wrapping_sub(1)),
                    "in" | "since" | "of" | "by" | "until" | "from" | "to" | "before" | "after"
                )
            {
                return None;
            }
            if i > 0
                && matches!(
                    self.w(i - 1),
                    "$" | "#"
                        | "no"
                        | "number"
                        | "flight"
                        | "route"
                        | "model"
                        | "room"
                        | "page"
                        | "nos"
                        | "\u{a3}"
                        | "\u{20ac}"
                )
            {
                return None;
            }
            if matches!(self.w(end), "%" | "percent") || (lex::is_zone(self.w(end)) && self.cap(end)) {
                return None;
            }
            if self.adj(end)
                && matches!(self.w(end), "-" | "/")
                && self.kind(end + 1) == Some(Kind::Num)
                && self.ndigits(end + 1) != 2
                && self.ndigits(end + 1) != 4
            {
                return None;
            }
        }
        // "1990 and beyond", "1994 or later".
        let mut end = end;
        if (self.is(end, "or") && matches!(self.w(end + 1), "later" | "earlier" | "beyond"))
            || (self.is(end, "and") && self.is(end + 1, "beyond"))
        {
            end += 2;
        }
        Some(Hit { end, kind: TimexKind::Date, value: format!("{y:04}"), modifier, topic: None })
    }

    /// Whether [`Grammar::p_quarter`] may match at `i`: it ends on "quarter", "half" or
    /// "period" (or "quarters" after "two") at most [`QUARTER_REACH`] tokens on.
    fn may_name_quarter(&self, i: usize) -> bool {
        let found = match self.next_quarter_word.get() {
            // No token in `asked..found` has the bit, so none in `i..found` either.
            Some((asked, found)) if asked <= i && i <= found => found,
            _ => {
                let rest = self.t.get(i..).unwrap_or(&[]);
                let found = i + rest.iter().position(|t| t.flags & scan::QUARTER != 0).unwrap_or(rest.len());
                self.next_quarter_word.set(Some((i, found)));
                found
            }
        };
        found < self.t.len() && found <= i + QUARTER_REACH
    }

    /// Whether a number at `i` is written as an ordinal ("20th"): the only way
    /// [`Grammar::p_misc`] can start at a number.
    fn ordinal_suffix_after(&self, i: usize) -> bool {
        self.adj(i + 1) && matches!(self.w(i + 1), "st" | "nd" | "rd" | "th")
    }

    /// "the third quarter", "third-quarter", "the fiscal first quarter",
    /// "the fourth quarter of 1984", "the first half", "the latest quarter",
    /// "the year-earlier quarter", "this year's third quarter".
    fn p_quarter(&self, i: usize) -> Option<Hit> {
        let mut j = i;
        if matches!(self.w(j), "the" | "its" | "their" | "this" | "that" | "last" | "next") {
            j += 1;
        }
        let mut year_shift = 0i32;
        let mut explicit_year = None;
        // "this year's third quarter", "1988's".
        if self.is(j, "year") && self.is(j + 1, "'") && self.is(j + 2, "s") {
            j += 3;
        } else if let Some((y, k)) = self.year_at(j) {
            explicit_year = Some(y);
            j = k;
            if self.is(j, "'") && self.is(j + 1, "s") {
                j += 2;
            }
        }
        if (self.is(j, "year") && self.is(j + 1, "-") && matches!(self.w(j + 2), "earlier" | "ago"))
            || (self.is(j, "year") && matches!(self.w(j + 1), "earlier" | "ago"))
        {
            year_shift = -1;
            j += if self.is(j + 1, "-") { 3 } else { 2 };
        }
        if matches!(self.w(j), "fiscal") {
            j += 1;
            if self.is(j, "-") && self.adj(j) {
                j += 1;
            }
        }
        let latest = matches!(self.w(j), "latest" | "previous" | "recent" | "current" | "same" | "comparable" | "past")
            || (self.is(j, "most") && self.is(j + 1, "recent"));
        let latest_word = self.w(j);
        if self.is(j, "most") {
            j += 1;
        }
        if latest {
            j += 1;
        }
        let ord = if latest {
            None
        } else {
            let w = self.w(j);
            let o = match w {
                "first" | "1st" => Some(1),
                // "the last half of 1989"
                "last" | "latter" if self.is(j + 1, "half") => Some(2),
                "second" | "2nd" => Some(2),
                "third" | "3rd" => Some(3),
                "fourth" | "4th" | "final" => Some(4),
                _ => {
                    if let Some(n) = self.num(j) {
                        if matches!(self.w(j + 1), "st" | "nd" | "rd" | "th") && self.adj(j + 1) && (1..=4).contains(&n)
                        {
                            j += 1;
                            Some(n)
                        } else {
                            None
                        }
                    } else {
                        None
                    }
                }
            };
            if o.is_some() {
                j += 1;
                if self.is(j, "-") && self.adj(j) {
                    // "the third-quarter loss": the article is the noun's.
                    if matches!(self.w(i), "the" | "its" | "their" | "that") && self.is(j + 1, "quarter") {
                        return None;
                    }
                    j += 1;
                }
                if self.is(j, "fiscal") {
                    j += 1;
                }
            }
            o
        };
        let w = self.w(j);
        let half = w == "half";
        // "first two quarters" = H1.
        let two_q = ord == Some(1) && self.is(j, "two") && self.is(j + 1, "quarters");
        if two_q {
            j += 1;
        }
        if !(w == "quarter"
            || half
            || two_q
            || (w == "period" && (year_shift != 0 || explicit_year.is_some() || latest)))
        {
            return None;
        }
        if ord.is_none() && !latest && year_shift == 0 && explicit_year.is_none() {
            // "the quarter": the quarter being discussed.
            if !(self.is(i, "the") || self.is(i, "its")) || half {
                return None;
            }
        }
        if ord.is_none() && latest_word == "past" {
            return None;
        }
        let mut end = j + 1;
        // "of 1990", "of fiscal 1990", "of the year", "of this year", "of next year".
        if self.is(end, "of") {
            let mut k = end + 1;
            if self.is(k, "fiscal") {
                k += 1;
            }
            if let Some((y, k2)) = self.year_at(k) {
                explicit_year = Some(y);
                end = k2;
            } else if matches!(self.w(k), "the" | "this" | "next" | "last") && self.is(k + 1, "year") {
                if let Some(r) = self.r {
                    explicit_year = Some(match self.w(k) {
                        "next" => r.year() + 1,
                        "last" => r.year() - 1,
                        _ => r.year(),
                    });
                }
                end = k + 2;
            }
        }
        let lead = self.w(i);
        let tense = self.tense(i, end);
        let Some(r) = self.r else {
            let v = match (ord, half || two_q) {
                (Some(o), true) => format!("XXXX-H{}", o.min(2)),
                (Some(o), false) => format!("XXXX-Q{o}"),
                _ => "XXXX-QX".to_string(),
            };
            return hit(end, TimexKind::Date, v);
        };
        let cur_q = quarter(r.date.month());
        let (mut y, q) = match ord {
            Some(o) => {
                let y = explicit_year.unwrap_or_else(|| {
                    if lead == "next" {
                        r.year() + 1
                    } else if lead == "last" || (o > cur_q && tense != Tense::Future && !half) {
                        r.year() - 1
                    } else {
                        r.year()
                    }
                });
                (y, o)
            }
            None => {
                if latest_word == "current" {
                    (r.year(), cur_q)
                } else if !latest && year_shift != 0 {
                    match self.last_quarter {
                        Some((y, q)) => (y, q),
                        None => shift_quarter(r.year(), cur_q, -1),
                    }
                } else if let (Some(y), Some((_, q))) = (explicit_year, self.last_quarter) {
                    (y, q)
                } else if latest_word == "latest"
                    || latest_word == "previous"
                    || latest_word == "recent"
                    || latest_word == "most"
                {
                    shift_quarter(r.year(), cur_q, -1)
                } else {
                    match self.last_quarter {
                        Some(x) => x,
                        None => shift_quarter(r.year(), cur_q, -1),
                    }
                }
            }
        };
        if explicit_year.is_none() || ord.is_none() {
            y += year_shift;
        }
        if half || two_q {
            return hit(end, TimexKind::Date, format!("{y:04}-H{}", q.min(2)));
        }
        let mut h = hit(end, TimexKind::Date, format!("{y:04}-Q{q}"))?;
        if ord.is_some() && year_shift == 0 && explicit_year.is_none() {
            h.topic = Some((y, q));
        }
        Some(h)
    }

    /// "10:30 GMT", "10:35 a.m.", "9 a.m. Tuesday", "noon", "midnight".
    fn p_time(&self, i: usize) -> Option<Hit> {
        let (h, mi, mut j) = match self.w(i) {
            "noon" | "midday" => (12, 0, i + 1),
            "midnight" => (24, 0, i + 1),
            // Military style "1200 GMT", "0930 GMT".
            _ if self.ndigits(i) == 4
                && lex::is_zone(self.w(i + 1))
                && self.cap(i + 1)
                && self.num(i).is_some_and(|n| n / 100 < 24 && n % 100 < 60) =>
            {
                let n = self.num(i)?;
                (n / 100, n % 100, i + 1)
            }
            _ => {
                let h = self.num(i)?;
                if self.ndigits(i) > 2 || h > 24 {
                    return None;
                }
                if self.adj(i) && matches!(self.w(i.wrapping_sub(1)), ":" | "." | "," | "$") {
                    return None;
                }
                let mut j = i + 1;
                let mut mi = None;
                if matches!(self.w(j), ":" | ".") && self.adj(j) && self.ndigits(j + 1) == 2 && self.adj(j + 1) {
                    let m = self.num(j + 1)?;
                    if m < 60 {
                        mi = Some(m);
                        j += 2;
                        if self.is(j, ":") && self.adj(j) && self.ndigits(j + 1) == 2 {
                            j += 2;
                        }
                    }
                }
                // a.m. / p.m. / am / pm
                let mut h = h;
                let mut ampm = false;
                let (a, n) = match (self.w(j), self.w(j + 1), self.w(j + 2)) {
                    ("a", ".", "m") => (Some(false), 3),
                    ("p", ".", "m") => (Some(true), 3),
                    ("am", _, _) => (Some(false), 1),
                    ("pm", _, _) => (Some(true), 1),
                    _ => (None, 0),
                };
                if let Some(pm) = a {
                    if h == 0 || h > 12 {
                        return None;
                    }
                    ampm = true;
                    j += n;
                    if n == 3 && self.is(j, ".") && self.adj(j) {
                        j += 1;
                    }
                    if pm && h < 12 {
                        h += 12;
                    } else if !pm && h == 12 {
                        h = 0;
                    }
                } else if self.is(j, "o") && self.is(j + 1, "'") && self.is(j + 2, "clock") {
                    ampm = true;
                    j += 3;
                }
                if mi.is_none() && !ampm {
                    return None;
                }
                // "4.10" is a price unless a clock word follows.
                if !ampm && self.is(i + 1, ".") && !lex::is_zone(self.w(j)) {
                    return None;
                }
                if mi.is_some() && !ampm && self.kind(i.wrapping_sub(1)) == Some(Kind::Num) {
                    return None;
                }
                (h, mi.unwrap_or(0), j)
            }
        };
        if lex::is_zone(self.w(j)) && self.cap(j) {
            j += 1;
        } else if self.is(j, "local") && self.is(j + 1, "time") {
            j += 2;
        }
        // An attached day: "9 a.m. Tuesday", "10 p.m. yesterday".
        let mut date = self.r.map(|r| r.date);
        let mut kind = TimexKind::Time;
        let mut k = j;
        if self.is(k, "on") || self.is(k, ",") {
            k += 1;
        }
        if let Some(wd) = lex::weekday(self.w(k)).filter(|_| self.cap(k) && lex::weekday_is_full(self.w(k))) {
            date = self.r.map(|r| resolve_weekday(r.date, wd, "", self.tense(i, k + 1)));
            j = k + 1;
            kind = TimexKind::Date;
            if date.is_none() {
                return hit(j, kind, format!("XXXX-WXX-{wd}T{h:02}:{mi:02}"));
            }
        } else if let Some(off) = match self.w(k) {
            "today" => Some(0),
            "yesterday" => Some(-1),
            "tomorrow" => Some(1),
            _ => None,
        } {
            date = self.r.map(|r| add_days(r.date, off));
            j = k + 1;
        } else if let Some(h2) = self.md_date(k) {
            // "5 p.m. EST, Nov. 6"
            if h2.value.len() == 10 {
                return hit(h2.end, TimexKind::Date, format!("{}T{h:02}:{mi:02}", h2.value));
            }
        }
        let base = date.map_or_else(|| "XXXX-XX-XX".to_string(), ymd);
        hit(j, kind, format!("{base}T{h:02}:{mi:02}"))
    }

    /// "every month", "each year", "daily", "weekly", "a year" after a
    /// number, "per day", "every Monday".
    fn p_set(&self, i: usize) -> Option<Hit> {
        let w = self.w(i);
        // "The Daily Telegraph": a name inside a sentence.
        if self.cap(i)
            && i > 0
            && !matches!(self.w(i - 1), "." | "\"" | ":")
            && !self.t[i].newline_before
            && matches!(w, "daily" | "weekly" | "monthly")
        {
            return None;
        }
        let v = match w {
            "daily" | "nightly" => "P1D",
            "weekly" => "P1W",
            "biweekly" | "fortnightly" => "P2W",
            "monthly" => "P1M",
            "yearly" | "annually" => "P1Y",
            "hourly" => "PT1H",
            _ => "",
        };
        if !v.is_empty() {
            return hit(i + 1, TimexKind::Set, v.to_string());
        }
        if matches!(w, "every" | "each" | "per" | "a" | "an") {
            if matches!(w, "a" | "an") && !self.is_rate_context(i) {
                return None;
            }
            let mut j = i + 1;
            if self.is(j, "other") {
                j += 1;
            }
            if let Some(wd) = lex::weekday(self.w(j)).filter(|_| w == "every" || w == "each") {
                return hit(j + 1, TimexKind::Set, format!("XXXX-WXX-{wd}"));
            }
            if let Some((m, e)) = self.month_at(j).filter(|_| w == "every" || w == "each") {
                return hit(e, TimexKind::Set, format!("XXXX-{m:02}"));
            }
            let (n, k) = match self.qty_at(j) {
                Some((Q::N(n), k)) if !matches!(self.w(j), "a" | "an") && n.fract() == 0.0 => (n as u32, k),
                _ => (if self.is(i + 1, "other") { 2 } else { 1 }, j),
            };
            let (u, _, end) = self.unit_at(k)?;
            if u == Unit::Weekend {
                return hit(end, TimexKind::Set, "XXXX-WXX-WE".to_string());
            }
            return hit(end, TimexKind::Set, duration(Q::N(f64::from(n)), u));
        }
        None
    }

    /// "now", "currently", "recently", "soon", "the future", "the past",
    /// "these days".
    fn p_ref(&self, i: usize) -> Option<Hit> {
        let (v, end) = match (self.w(i), self.w(i + 1)) {
            ("right", "now") => ("PRESENT_REF", i + 2),
            ("now", _) => ("PRESENT_REF", i + 1),
            ("currently" | "nowadays" | "presently", _) => ("PRESENT_REF", i + 1),
            ("these", "days") => ("PRESENT_REF", i + 2),
            ("at", "present") => ("PRESENT_REF", i + 2),
            ("recently" | "lately", _) => ("PAST_REF", i + 1),
            ("soon", _) if !self.is(i + 1, "after") && !self.is(i.wrapping_sub(1), "as") => ("FUTURE_REF", i + 1),
            ("as", "soon") if self.is(i + 2, "as") && self.is(i + 3, "possible") => ("FUTURE_REF", i + 4),
            ("the", "future") => ("FUTURE_REF", i + 2),
            ("the", "past") => {
                if self.unit_at(i + 2).is_some() || self.qty_at(i + 2).is_some() {
                    return None;
                }
                ("PAST_REF", i + 2)
            }
            ("the", "near" | "short") if matches!(self.w(i + 2), "term" | "future") => ("FUTURE_REF", i + 3),
            ("future", _) if self.unit_at(i + 1).is_none_or(|(_, pl, _)| pl) => {
                if let Some((_, true, k)) = self.unit_at(i + 1) {
                    ("FUTURE_REF", k)
                } else {
                    // The adjective alone ("future growth") is not annotated.
                    return None;
                }
            }
            // Not "current account" (the balance of payments).
            ("current", w2) if self.unit_at(i + 1).is_none() && !w2.starts_with("account") => ("PRESENT_REF", i + 1),
            ("recent", _) => {
                if let Some((_, true, k)) = self.unit_at(i + 1) {
                    ("PAST_REF", k)
                } else {
                    return None;
                }
            }
            _ => return None,
        };
        hit(end, TimexKind::Date, v.to_string())
    }

    /// "Christmas", "Thanksgiving Day", "Election Day", "New Year's Day",
    /// "Easter", "Halloween".
    fn p_holiday(&self, i: usize) -> Option<Hit> {
        if !self.cap(i) {
            return None;
        }
        let (md, end): (Option<(u32, u32)>, usize) = match (self.w(i), self.w(i + 1)) {
            ("christmas", "eve") => (Some((12, 24)), i + 2),
            ("christmas", "day") => (Some((12, 25)), i + 2),
            ("christmas", _) => (Some((12, 25)), i + 1),
            ("new", "year") if self.is(i + 2, "'") && self.is(i + 3, "s") => {
                if self.is(i + 4, "eve") && self.cap(i + 4) {
                    (Some((12, 31)), i + 5)
                } else if self.is(i + 4, "day") && self.cap(i + 4) {
                    (Some((1, 1)), i + 5)
                } else {
                    return None;
                }
            }
            ("halloween", _) => (Some((10, 31)), i + 1),
            ("thanksgiving", _) => (None, if self.is(i + 1, "day") { i + 2 } else { i + 1 }),
            ("election", "day") if self.cap(i + 1) => (None, i + 2),
            ("easter", _) => (None, if self.is(i + 1, "sunday") { i + 2 } else { i + 1 }),
            _ => return None,
        };
        let w = self.w(i);
        let Some(r) = self.r else {
            return hit(
                end,
                TimexKind::Date,
                match md {
                    Some((m, d)) => format!("XXXX-{m:02}-{d:02}"),
                    None => "XXXX-XX-XX".to_string(),
                },
            );
        };
        let tense = self.tense(i, end);
        let pick = |f: &dyn Fn(i32) -> Option<NaiveDate>| -> Option<NaiveDate> {
            let cands: Vec<NaiveDate> = [r.year() - 1, r.year(), r.year() + 1].iter().filter_map(|&y| f(y)).collect();
            choose(r.date, &cands, tense)
        };
        let date = match (md, w) {
            (Some((m, d)), _) => pick(&|y| NaiveDate::from_ymd_opt(y, m, d)),
            (None, "thanksgiving") => pick(&|y| NaiveDate::from_weekday_of_month_opt(y, 11, Weekday::Thu, 4)),
            (None, "election") => {
                pick(&|y| NaiveDate::from_weekday_of_month_opt(y, 11, Weekday::Mon, 1).map(|d| add_days(d, 1)))
            }
            (None, _) => pick(&easter),
        }?;
        hit(end, TimexKind::Date, ymd(date))
    }

    /// The rarer forms: "the weekend", "the summer", "the 20th century",
    /// "the nineties", spoken years ("nineteen ninety-six"), "day-long",
    /// "the current fiscal year", "the fiscal year", "year-earlier".
    fn p_misc(&self, i: usize) -> Option<Hit> {
        let w = self.w(i);
        let r = self.r;
        // "year-earlier", "year-ago" used as adjectives.
        if w == "year" && self.is(i + 1, "-") && self.adj(i + 1) && matches!(self.w(i + 2), "earlier" | "ago") {
            if let Some((y, q)) = self.last_quarter {
                if matches!(self.w(i + 3), "quarter" | "period") {
                    return None;
                }
                return hit(i + 3, TimexKind::Date, format!("{:04}-Q{q}", y - 1));
            }
            let v = r.map_or_else(|| "XXXX".to_string(), |r| format!("{:04}", r.year() - 1));
            return hit(i + 3, TimexKind::Date, v);
        }
        // "day-long", "year-long", "daylong".
        if let Some((u, false)) = lex::unit(w) {
            if self.is(i + 1, "-") && self.adj(i + 1) && self.is(i + 2, "long") {
                return hit(i + 3, TimexKind::Duration, duration(Q::N(1.0), u));
            }
        }
        let long = match w {
            "daylong" => Some(Unit::Day),
            "weeklong" => Some(Unit::Week),
            "monthlong" => Some(Unit::Month),
            "yearlong" => Some(Unit::Year),
            _ => None,
        };
        if let Some(u) = long {
            return hit(i + 1, TimexKind::Duration, duration(Q::N(1.0), u));
        }
        // Spoken years: "nineteen ninety-six", "two thousand".
        if let Some(y) = self.spoken_year(i) {
            return hit(y.1, TimexKind::Date, format!("{:04}", y.0));
        }
        let mut j = i;
        let the = w == "the";
        if the {
            j += 1;
        }
        let mut modifier = None;
        if matches!(self.w(j), "early" | "late" | "mid") {
            modifier = Some(match self.w(j) {
                "early" => "START",
                "mid" => "MID",
                _ => "END",
            });
            j += 1;
            if self.is(j, "-") && self.adj(j) {
                j += 1;
            }
        }
        // "the weekend": the most recent one, or the next when the
        // clause is in the future.
        if the && self.is(j, "weekend") && modifier.is_none() {
            let v = match r {
                Some(r) => {
                    let sat = resolve_weekday(r.date, 6, "", self.tense(i, j + 1));
                    format!("{}-WE", week_str(sat))
                }
                None => "XXXX-WXX-WE".to_string(),
            };
            return hit(j + 1, TimexKind::Date, v);
        }
        // "the summer", "early summer", "in spring".
        if let Some(sc) = lex::season(self.w(j)) {
            let prev = self.w(i.wrapping_sub(1));
            if !(the
                || modifier.is_some()
                || (i > 0 && matches!(prev, "in" | "this" | "during" | "by" | "until" | "since")))
            {
                return None;
            }
            if self.w(j) == "fall" && !(the || modifier.is_some()) {
                return None;
            }
            let v = match r {
                Some(r) => {
                    let cur = season_index(r.date.month());
                    let tgt = season_code_index(sc);
                    let y = match self.tense(i, j + 1) {
                        Tense::Future if tgt < cur => r.year() + 1,
                        Tense::Past if tgt > cur => r.year() - 1,
                        _ => r.year(),
                    };
                    format!("{y:04}-{sc}")
                }
                None => format!("XXXX-{sc}"),
            };
            return Some(Hit { end: j + 1, kind: TimexKind::Date, value: v, modifier, topic: None });
        }
        // "the 20th century", "the twentieth century".
        let ord = match self.num(j) {
            Some(n) if self.adj(j + 1) && matches!(self.w(j + 1), "st" | "nd" | "rd" | "th") => Some((n, j + 2)),
            _ => lex::ordinal(self.w(j)).map(|n| (n, j + 1)).or_else(|| {
                // "twenty-first"
                let t = lex::small_number(self.w(j))?;
                if t == 20 && self.is(j + 1, "-") && self.adj(j + 1) && self.is(j + 2, "first") {
                    Some((21, j + 3))
                } else {
                    None
                }
            }),
        };
        if let Some((n, k)) = ord {
            if self.is(k, "-") && self.adj(k) && self.is(k + 1, "century") {
                // adjective "20th-century"
                if (1..=30).contains(&n) {
                    return Some(Hit {
                        end: k + 2,
                        kind: TimexKind::Date,
                        value: format!("{:02}", n - 1),
                        modifier,
                        topic: None,
                    });
                }
            }
            if self.is(k, "century") && (1..=30).contains(&n) {
                return Some(Hit {
                    end: k + 1,
                    kind: TimexKind::Date,
                    value: format!("{:02}", n - 1),
                    modifier,
                    topic: None,
                });
            }
        }
        // "the nineties", "the eighties".
        if the || modifier.is_some() {
            let dec = match self.w(j) {
                "twenties" => Some(2),
                "thirties" => Some(3),
                "forties" => Some(4),
                "fifties" => Some(5),
                "sixties" => Some(6),
                "seventies" => Some(7),
                "eighties" => Some(8),
                "nineties" => Some(9),
                _ => None,
            };
            if let Some(d) = dec {
                return Some(Hit { end: j + 1, kind: TimexKind::Date, value: format!("19{d}"), modifier, topic: None });
            }
        }
        // "the current fiscal year", "last fiscal year", "the fiscal year".
        let mut k = j;
        let rel = self.w(k);
        let shift = match rel {
            "this" | "current" => Some(0),
            "last" | "previous" | "latest" => Some(-1),
            "next" | "coming" => Some(1),
            _ => None,
        };
        if shift.is_some() {
            k += 1;
        }
        if self.is(k, "fiscal") && self.is(k + 1, "year") && !self.is(k + 2, "'") {
            if let Some((y, _)) = self.year_at(k + 2) {
                return hit(k + 3, TimexKind::Date, format!("{y:04}"));
            }
            return match (shift, r) {
                (Some(sh), Some(r)) => hit(k + 2, TimexKind::Date, format!("{:04}", r.year() + sh)),
                (Some(_), None) => hit(k + 2, TimexKind::Date, "XXXX".to_string()),
                (None, _) if the => hit(k + 2, TimexKind::Duration, "P1Y".to_string()),
                _ => None,
            };
        }
        None
    }

    /// "nineteen ninety-six", "nineteen eighty", "two thousand".
    fn spoken_year(&self, i: usize) -> Option<(i32, usize)> {
        let w = self.w(i);
        if w == "two" && self.is(i + 1, "thousand") {
            let mut end = i + 2;
            let mut y = 2000;
            if self.is(end, "and") {
                if let Some(n) = lex::small_number(self.w(end + 1)).filter(|n| *n < 20) {
                    y += n as i32;
                    end += 2;
                }
            } else if let Some(n) = lex::small_number(self.w(end)).filter(|n| *n < 20) {
                y += n as i32;
                end += 1;
            }
            // Only with a year word nearby: "the year two thousand", "in".
            if matches!(self.w(i.wrapping_sub(1)), "year" | "in" | "by" | "since" | "until") {
                return Some((y, end));
            }
            return None;
        }
        let hi = lex::small_number(w)?;
        if !(11..=20).contains(&hi) {
            return None;
        }
        let t = lex::small_number(self.w(i + 1))?;
        if !(20..=90).contains(&t) || t % 10 != 0 {
            return None;
        }
        let mut end = i + 2;
        let mut lo = t;
        if self.is(end, "-") && self.adj(end) {
            if let Some(u) = lex::small_number(self.w(end + 1)).filter(|u| (1..10).contains(u)) {
                lo += u;
                end += 2;
            }
        } else if let Some(u) = lex::small_number(self.w(end)).filter(|u| (1..10).contains(u)) {
            lo += u;
            end += 1;
        }
        Some((hi as i32 * 100 + lo as i32, end))
    }

    /// "the end of the year", "the beginning of 1994", "year end",
    /// "the end of this month", "the middle of next week".
    fn p_edge(&self, i: usize) -> Option<Hit> {
        let w = self.w(i);
        // "year end", "year-end", "year's end".
        if w == "year" {
            let k = if self.is(i + 1, "-") && self.adj(i + 1) {
                i + 2
            } else if self.is(i + 1, "'") && self.is(i + 2, "s") {
                i + 3
            } else {
                i + 1
            };
            if self.is(k, "end") {
                let v = self.r.map_or_else(|| "XXXX".to_string(), |r| format!("{:04}", r.year()));
                return Some(Hit { end: k + 1, kind: TimexKind::Date, value: v, modifier: Some("END"), topic: None });
            }
            return None;
        }
        let mut j = i;
        if matches!(w, "the" | "around") {
            j += 1;
        }
        let modifier = match self.w(j) {
            "end" | "close" => "END",
            "beginning" | "start" => "START",
            "middle" => "MID",
            _ => return None,
        };
        if !self.is(j + 1, "of") {
            return None;
        }
        let k = j + 2;
        if let Some((y, e)) = self.year_at(k) {
            return Some(Hit {
                end: e,
                kind: TimexKind::Date,
                value: format!("{y:04}"),
                modifier: Some(modifier),
                topic: None,
            });
        }
        if let Some((m, e)) = self.month_at(k) {
            let value = self.r.map_or_else(
                || format!("XXXX-{m:02}"),
                |r| format!("{:04}-{m:02}", resolve_month_year(r.date, m, self.tense(i, e))),
            );
            return Some(Hit { end: e, kind: TimexKind::Date, value, modifier: Some(modifier), topic: None });
        }
        let rel = self.w(k);
        let shift: i64 = match rel {
            "the" | "this" => 0,
            "next" => 1,
            "last" => -1,
            _ => return None,
        };
        let (u, false, e) = self.unit_at(k + 1)? else {
            return None;
        };
        if matches!(u, Unit::Weekend | Unit::Second | Unit::Minute | Unit::Hour) {
            return None;
        }
        let value = match self.r {
            Some(r) if u == Unit::Quarter => {
                let (y, q) = shift_quarter(r.year(), quarter(r.date.month()), shift);
                format!("{y:04}-Q{q}")
            }
            Some(r) => granular(shift_date(r.date, u, shift)?, u, r),
            None => unknown_granular(u),
        };
        Some(Hit { end: e, kind: TimexKind::Date, value, modifier: Some(modifier), topic: None })
    }
}

// ---- calendar helpers ------------------------------------------------------

/// `0.digits` read as a number, built on the stack for the usual short fraction.
fn fraction(digits: &str) -> Option<f64> {
    let mut buf = [0u8; 40];
    let Some(room) = buf.get_mut(2..2 + digits.len()) else {
        return format!("0.{digits}").parse().ok();
    };
    room.copy_from_slice(digits.as_bytes());
    buf[0] = b'0';
    buf[1] = b'.';
    std::str::from_utf8(buf.get(..2 + digits.len())?).ok()?.parse().ok()
}

fn lex_letter(u: Unit) -> &'static str {
    u.letter().0
}

fn with_t(v: String, u: Unit) -> String {
    if u.letter().1 {
        format!("PT{}", &v[1..])
    } else {
        v
    }
}

/// Duration value of a quantity of units: `P3Y`, `PT2H`, `PXM`, `P18M`.
fn duration(q: Q, u: Unit) -> String {
    let (letter, time) = u.letter();
    let p = if time { "PT" } else { "P" };
    let n = match q {
        Q::Vague => return format!("{p}X{letter}"),
        Q::N(n) => n,
    };
    let (n, letter, p) = match u {
        Unit::Quarter => (n * 3.0, "M", "P"),
        Unit::Decade => (n * 10.0, "Y", "P"),
        Unit::Century => (n * 100.0, "Y", "P"),
        Unit::Weekend => (n * 2.0, "D", "P"),
        _ => (n, letter, p),
    };
    if n.fract() == 0.0 {
        return format!("{p}{}{letter}", n as u64);
    }
    // Halves go down a unit: 1.5 years = P18M, half an hour = PT30M.
    let smaller = match u {
        Unit::Year => Some((12.0, "M", "P")),
        Unit::Month => Some((30.0, "D", "P")),
        Unit::Week => Some((7.0, "D", "P")),
        Unit::Day => Some((24.0, "H", "PT")),
        Unit::Hour => Some((60.0, "M", "PT")),
        Unit::Minute => Some((60.0, "S", "PT")),
        _ => None,
    };
    if let Some((f, l, p2)) = smaller {
        let m = n * f;
        if m.fract() == 0.0 {
            if u == Unit::Minute && n >= 1.0 {
                return format!("PT{}M{}S", n.trunc() as u64, ((n.fract()) * 60.0) as u64);
            }
            return format!("{p2}{}{l}", m as u64);
        }
    }
    format!("{p}{n}{letter}")
}

fn ymd(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

fn week_str(d: NaiveDate) -> String {
    let w = d.iso_week();
    format!("{:04}-W{:02}", w.year(), w.week())
}

fn add_days(d: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 {
        d.checked_add_days(Days::new(n as u64)).unwrap_or(d)
    } else {
        d.checked_sub_days(Days::new(n.unsigned_abs())).unwrap_or(d)
    }
}

fn shift_date(d: NaiveDate, u: Unit, n: i64) -> Option<NaiveDate> {
    let months = |m: i64| -> Option<NaiveDate> {
        let m32 = u32::try_from(m.unsigned_abs()).ok()?;
        if m >= 0 {
            d.checked_add_months(Months::new(m32))
        } else {
            d.checked_sub_months(Months::new(m32))
        }
    };
    match u {
        Unit::Second | Unit::Minute | Unit::Hour => Some(d),
        Unit::Day => Some(add_days(d, n)),
        Unit::Week | Unit::Weekend => Some(add_days(d, n.checked_mul(7)?)),
        Unit::Month => months(n),
        Unit::Quarter => months(n.checked_mul(3)?),
        Unit::Year => months(n.checked_mul(12)?),
        Unit::Decade => months(n.checked_mul(120)?),
        Unit::Century => months(n.checked_mul(1200)?),
    }
}

/// A date written at the granularity of a unit: `1998`, `1998-02`,
/// `1998-W09`, `1998-02-27`.
fn granular(d: NaiveDate, u: Unit, r: Reference) -> String {
    match u {
        Unit::Year => format!("{:04}", d.year()),
        Unit::Month => format!("{:04}-{:02}", d.year(), d.month()),
        Unit::Week | Unit::Weekend => week_str(d),
        Unit::Day => ymd(d),
        Unit::Quarter => format!("{:04}-Q{}", d.year(), quarter(d.month())),
        Unit::Decade => format!("{:03}", d.year() / 10),
        Unit::Century => format!("{:02}", d.year() / 100),
        Unit::Hour | Unit::Minute | Unit::Second => match r.time {
            Some((h, m)) => format!("{}T{h:02}:{m:02}", ymd(d)),
            None => ymd(d),
        },
    }
}

fn unknown_granular(u: Unit) -> String {
    match u {
        Unit::Year => "XXXX",
        Unit::Month => "XXXX-XX",
        Unit::Week | Unit::Weekend => "XXXX-WXX",
        Unit::Quarter => "XXXX-QX",
        Unit::Decade => "XXX",
        Unit::Century => "XX",
        _ => "XXXX-XX-XX",
    }
    .to_string()
}

fn quarter(month: u32) -> u32 {
    month.div_ceil(3)
}

fn shift_quarter(y: i32, q: u32, n: i64) -> (i32, u32) {
    let idx = i64::from(y) * 4 + i64::from(q) - 1 + n;
    ((idx.div_euclid(4)) as i32, (idx.rem_euclid(4) + 1) as u32)
}

fn season_index(month: u32) -> u32 {
    match month {
        3..=5 => 1,
        6..=8 => 2,
        9..=11 => 3,
        _ => 0,
    }
}

fn season_code_index(s: &str) -> u32 {
    match s {
        "SP" => 1,
        "SU" => 2,
        "FA" => 3,
        _ => 0,
    }
}

fn days_in_month(y: i32, m: u32) -> u32 {
    let next = if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, m + 1, 1) };
    next.and_then(|n| n.pred_opt()).map_or(31, |d| d.day())
}

/// Picks among candidate dates by tense: the latest on or before the
/// reference (past), the first on or after it (future), else the nearest.
fn choose(r: NaiveDate, cands: &[NaiveDate], tense: Tense) -> Option<NaiveDate> {
    match tense {
        Tense::Past => cands.iter().filter(|d| **d <= r).max().copied(),
        Tense::Future => cands.iter().filter(|d| **d >= r).min().copied(),
        Tense::Unknown => cands.iter().min_by_key(|d| (d.signed_duration_since(r).num_days()).abs()).copied(),
    }
}

/// Year of "April 4" given the reference and the tense of its sentence.
pub(super) fn resolve_month_day(r: NaiveDate, m: u32, d: u32, tense: Tense) -> Option<NaiveDate> {
    let cands: Vec<NaiveDate> =
        [r.year() - 1, r.year(), r.year() + 1].iter().filter_map(|&y| NaiveDate::from_ymd_opt(y, m, d)).collect();
    let near = choose(r, &cands, Tense::Unknown)?;
    match tense {
        // A future clause moves a date more than two months back ahead.
        Tense::Future if near.signed_duration_since(r).num_days() < -60 => choose(r, &cands, Tense::Future),
        // A past clause moves a date more than two months ahead back a year.
        Tense::Past if near.signed_duration_since(r).num_days() > 60 => choose(r, &cands, Tense::Past),
        _ => Some(near),
    }
}

/// Year of a bare month ("in March"): the reference month counts as this
/// year; the past takes the latest one not after the reference month, the
/// future the next one not before it, no tense the nearest past one.
pub(super) fn resolve_month_year(r: NaiveDate, m: u32, tense: Tense) -> i32 {
    let cm = r.month();
    match tense {
        Tense::Future => {
            if m >= cm {
                r.year()
            } else {
                r.year() + 1
            }
        }
        Tense::Past if m > cm && m - cm > 2 => r.year() - 1,
        Tense::Past if m < cm && cm - m > 6 => r.year(),
        Tense::Past | Tense::Unknown => {
            let d = m as i32 - cm as i32;
            if d > 5 {
                r.year() - 1
            } else if d < -6 {
                r.year() + 1
            } else {
                r.year()
            }
        }
    }
}

/// Date of a weekday: `rel` is "last"/"past", "next"/"coming", "this" or
/// "". The reference's own weekday is the reference day unless "last" or
/// "next" says otherwise; else the tense picks the next one or the most
/// recent one.
pub(super) fn resolve_weekday(r: NaiveDate, wd: u32, rel: &str, tense: Tense) -> NaiveDate {
    let cur = r.weekday().number_from_monday();
    let back = i64::from((cur + 7 - wd) % 7); // days back to the latest wd on/before r
    let fwd = i64::from((wd + 7 - cur) % 7); // days ahead to the next wd on/after r
    match rel {
        "last" | "past" => add_days(r, -(if back == 0 { 7 } else { back })),
        "next" | "coming" => add_days(r, if fwd == 0 { 7 } else { fwd }),
        _ => {
            if back == 0 {
                r
            } else if tense == Tense::Future {
                add_days(r, fwd)
            } else {
                add_days(r, -back)
            }
        }
    }
}

/// Easter Sunday of a year (anonymous Gregorian algorithm).
fn easter(y: i32) -> Option<NaiveDate> {
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(y, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::timex::Scanned;

    #[test]
    fn fraction_reads_as_the_formatted_string_does() {
        let long = "1234567890".repeat(5);
        for digits in ["", "0", "5", "05", "25", "999", "1234567", "000001", long.as_str(), &long[..38], &long[..39]] {
            let reference: Option<f64> = format!("0.{digits}").parse().ok();
            assert_eq!(fraction(digits), reference, "{digits:?}");
        }
    }

    /// [`Grammar::trigger`] as first written, comparing the words themselves.
    fn trigger_by_words(g: &Grammar, i: usize) -> bool {
        let t = &g.t[i];
        match t.kind {
            Kind::Num => true,
            Kind::Other => t.w(g.low) == "'" && g.kind(i + 1) == Some(Kind::Num),
            Kind::Word => {
                let w = t.w(g.low);
                if !lex::is_trigger(w) {
                    return false;
                }
                if lex::is_strong(w) {
                    return true;
                }
                match g.t.get(i + 1) {
                    Some(n) => {
                        let nw = n.w(g.low);
                        n.kind == Kind::Num
                            || matches!(
                                nw,
                                "-" | "'"
                                    | "\u{2019}"
                                    | "least"
                                    | "most"
                                    | "than"
                                    | "to"
                                    | "present"
                                    | "near"
                                    | "short"
                                    | "long"
                                    | "estimated"
                                    | "thousand"
                                    | "trading"
                                    | "business"
                                    | "working"
                                    | "calendar"
                                    | "in"
                            )
                            || lex::is_trigger(nw)
                    }
                    None => false,
                }
            }
        }
    }

    /// The lead-word gates of `Grammar::at` as they were written, one chain per pattern.
    fn lead_patterns_by_chains(w: &str) -> u8 {
        let mut bits = 0;
        if matches!(w, "last" | "next" | "this" | "past" | "coming" | "early" | "late") {
            bits |= LEADS_WEEKDAY;
        }
        if matches!(w, "the" | "last" | "next" | "this" | "past" | "coming" | "early" | "late" | "mid" | "end") {
            bits |= LEADS_MONTH;
        }
        if matches!(
            w,
            "early" | "late" | "earlier" | "later" | "today" | "yesterday" | "tomorrow" | "tonight" | "this" | "last"
        ) {
            bits |= LEADS_DEICTIC;
        }
        if matches!(
            w,
            "the"
                | "early"
                | "earlier"
                | "late"
                | "later"
                | "mid"
                | "this"
                | "current"
                | "last"
                | "past"
                | "previous"
                | "latest"
                | "next"
                | "coming"
                | "following"
        ) {
            bits |= LEADS_RELATIVE;
        }
        if matches!(w, "the" | "early" | "late" | "mid" | "fiscal" | "fy" | "'" | "\u{2019}") {
            bits |= LEADS_YEAR;
        }
        if matches!(w, "noon" | "midday" | "midnight") {
            bits |= LEADS_TIME;
        }
        if matches!(w, "year" | "the" | "around" | "end" | "beginning" | "start" | "middle" | "close") {
            bits |= LEADS_EDGE;
        }
        bits
    }

    #[test]
    fn lead_patterns_match_the_per_pattern_chains() {
        let words = "the last next this past coming early late mid end earlier later today yesterday \
                     tomorrow tonight current previous latest following fiscal fy ' \u{2019} noon midday \
                     midnight year around beginning start middle close The LAST ends years midnights \
                     a 2005 , - \u{a0} caf\u{e9} x";
        for w in words.split(' ').chain(["", "\u{2019}s", "fy'"]) {
            assert_eq!(lead_patterns(w), lead_patterns_by_chains(w), "{w:?}");
        }
    }

    #[test]
    fn trigger_bits_agree_with_the_word_lists() {
        let mut texts: Vec<String> = [
            "",
            "the",
            "The last two weeks of March - at least 5,000 in the '90s and the \u{2019}80s",
            "the - the ' the \u{2019} the least the MOST than To present near short long estimated",
            "a thousand trading business working calendar in the the year a year an hour some 5",
            "naïve café the \u{a0}2005 last\nweek THE\u{a0}NEXT ' 9 '",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for a in lex::TRIGGERS {
            texts.push(format!("{a} x {a} {a} 7 {a}"));
            for b in ["the", "to", "-", "least", "years", "and", "x"] {
                texts.push(format!("{a} {b}"));
            }
        }
        for text in &texts {
            let s = Scanned::new(text);
            let g = Grammar::new(text, &s.low, &s.toks, None);
            for i in 0..s.toks.len() {
                assert_eq!(g.trigger(i), trigger_by_words(&g, i), "{text:?} at token {i}");
            }
        }
    }
}

#[cfg(test)]
mod gate_tests {
    use super::*;
    use crate::text::timex::Scanned;

    /// Texts with every kind of expression the quarter and misc patterns read, stretched as far
    /// as they go, and the repo's example article.
    fn texts() -> Vec<String> {
        let mut v: Vec<String> = [
            "the fourth quarter of 1984, the first half, the latest quarter, the year-earlier quarter",
            "this year's third quarter and 1988's year-earlier fiscal-3rd-fiscal quarter results",
            "its year - earlier fiscal - most recent 1st - fiscal two quarters",
            "its year's year-earlier fiscal-1st-fiscal two quarters, the year's most recent period",
            "the 1988 quarter, the same period a year earlier, the comparable period, the past quarter",
            "the last half of 1989, the latter half, the first two quarters, the 2nd quarter, 4th-quarter",
            "the 20th century, the twentieth century, 19th-century art, the twenty-first century",
            "the 3rd, 21st century, 2nd-century, 12th th century 5 th century",
            "nineteen ninety-six, two thousand and five, the year two thousand, the nineties",
            "the weekend, early summer, in spring, the current fiscal year, last fiscal year 1999",
            "year-earlier, year-ago quarter, day-long, daylong, a year-long fight",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.push(include_str!("../../../tests/fixtures/article.txt").to_string());
        v
    }

    #[test]
    fn quarter_gate_equals_a_scan_of_the_next_tokens() {
        for text in texts() {
            let s = Scanned::new(&text);
            let by_scan = |i: usize| {
                s.toks.get(i..).unwrap_or(&[]).iter().take(QUARTER_REACH + 1).any(|t| t.flags & scan::QUARTER != 0)
            };
            let n = s.toks.len();
            // Forwards (as a run asks), backwards, and jumping about.
            let orders: [Vec<usize>; 3] =
                [(0..n + 2).collect(), (0..n + 2).rev().collect(), (0..n + 2).map(|k| (k * 7919) % (n + 2)).collect()];
            for order in orders {
                let g = Grammar::new(&text, &s.low, &s.toks, None);
                for i in order {
                    assert_eq!(g.may_name_quarter(i), by_scan(i), "{text:?} at token {i}");
                }
            }
        }
    }

    #[test]
    fn quarter_and_misc_gates_never_hide_a_match() {
        for text in texts() {
            let s = Scanned::new(&text);
            for reference in [None, Some(Reference::from_date(NaiveDate::from_ymd_opt(2005, 3, 1).unwrap()))] {
                let mut g = Grammar::new(&text, &s.low, &s.toks, reference);
                for q in [None, Some((2004, 3))] {
                    g.last_quarter = q;
                    for i in 0..s.toks.len() {
                        if !g.may_name_quarter(i) {
                            assert!(g.p_quarter(i).is_none(), "{text:?} at token {i}");
                        }
                        if g.kind(i) == Some(Kind::Num) && !g.ordinal_suffix_after(i) {
                            assert!(g.p_misc(i).is_none(), "{text:?} at token {i}");
                        }
                    }
                }
            }
        }
    }
}
