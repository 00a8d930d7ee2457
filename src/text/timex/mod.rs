//! Temporal expressions in English news text, found and normalised the way
//! TimeML's TIMEX3 annotation (TempEval-3) does it.
//!
//! Sits in the enrich step: the stage calls [`find`] on an article's text
//! with the article's publication date as the [`Reference`], and gets spans
//! (byte offsets) with a type and an ISO-8601-style value: `2017-04-04`,
//! `2015-10` ("18 months ago"), `199` ("the 1990s"), `PT2H` ("two hours"),
//! `P1M` ("every month"), `PRESENT_REF` ("now"), `1998-Q1`, `1998-W02`.
//!
//! The grammar is hand-written over a small token scanner of its own (no
//! regular expressions), so one pass costs little more than tokenising.
//!
//! # Anchoring
//!
//! Relative expressions ("yesterday", "last week", "18 months ago") are
//! resolved against the reference. A weekday, a month, a month and day or a
//! season written without a year is resolved by the tense of its sentence:
//! future markers ("will", "next", "expected", "until", ...) take the next
//! occurrence after the reference, past markers ("said", "was", "ago", ...)
//! the latest one on or before it; with no marker a weekday takes the most
//! recent past one (news reports what happened), a month or a date the
//! nearest one. The weekday of the reference itself is the reference day.
//! Without a reference the unknown parts are left as `X` (`XXXX-04-04`,
//! `XXXX-WXX-5`).

mod dateline;
mod grammar;
pub(crate) mod lexicon;
pub(crate) mod scan;

pub use dateline::{infer_dateline_date, infer_dateline_date_scanned};
pub use scan::Scanned;

use chrono::{Datelike, NaiveDate};

/// The four TIMEX3 types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimexKind {
    /// A calendar date or period: `2017-04-04`, `2017-W15`, `1998-Q1`.
    Date,
    /// A clock time or part of a day: `2017-04-11T10:30`, `2017-04-11TMO`.
    Time,
    /// A length of time: `PT2H`, `P3Y`.
    Duration,
    /// A recurrence: `P1M` ("every month"), `P1D` ("daily").
    Set,
}

impl TimexKind {
    /// Lower-case name as the output contract writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            TimexKind::Date => "date",
            TimexKind::Time => "time",
            TimexKind::Duration => "duration",
            TimexKind::Set => "set",
        }
    }
}

/// One temporal expression: `[start, end)` byte offsets into the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timex {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
    /// TIMEX3 type.
    pub kind: TimexKind,
    /// TIMEX3 value (upper case, ISO-8601 style).
    pub value: String,
    /// TIMEX3 `mod` when the expression carries one: `APPROX`, `START`,
    /// `END`, `MID`, `EQUAL_OR_MORE`, `EQUAL_OR_LESS`, `MORE_THAN`,
    /// `LESS_THAN`.
    pub modifier: Option<&'static str>,
}

/// The moment relative expressions are resolved against: a document's
/// publication date and, when known, its time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reference {
    /// Calendar date.
    pub date: NaiveDate,
    /// Hour and minute, when the source gave them.
    pub time: Option<(u32, u32)>,
}

/// Why a reference string could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReferenceError {
    /// The string does not start with a date in a form we know.
    #[error("not an ISO 8601 / RFC 3339 date: {0:?}")]
    NotADate(String),
}

impl Reference {
    /// A reference at midnight of `date`.
    pub fn from_date(date: NaiveDate) -> Self {
        Reference { date, time: None }
    }

    /// Reads `1998-02-27`, `19980227`, `1998-02-27T10:00`,
    /// `1989-10-30T12:00:00`, or an RFC 3339 date-time with fraction and
    /// offset (`2017-04-12T08:15:00.5+01:00`; the local date and time are
    /// kept as written, the offset is ignored).
    pub fn parse(s: &str) -> Result<Self, ReferenceError> {
        let err = || ReferenceError::NotADate(s.chars().take(40).collect());
        let b = s.trim().as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = b.get(r)?;
            if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
                return None;
            }
            part.iter().try_fold(0u32, |n, d| n.checked_mul(10)?.checked_add(u32::from(d - b'0')))
        };
        let (y, m, d, rest) = if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
            (digits(0..4), digits(5..7), digits(8..10), 10)
        } else if b.len() >= 8 && b[..8].iter().all(u8::is_ascii_digit) {
            (digits(0..4), digits(4..6), digits(6..8), 8)
        } else {
            return Err(err());
        };
        let (Some(y), Some(m), Some(d)) = (y, m, d) else {
            return Err(err());
        };
        let date = i32::try_from(y).ok().and_then(|y| NaiveDate::from_ymd_opt(y, m, d)).ok_or_else(err)?;
        let mut time = None;
        if matches!(b.get(rest), Some(b'T' | b't' | b' ')) {
            if let (Some(h), Some(b':'), Some(mi)) =
                (digits(rest + 1..rest + 3), b.get(rest + 3), digits(rest + 4..rest + 6))
            {
                if h < 24 && mi < 60 {
                    time = Some((h, mi));
                }
            }
        }
        Ok(Reference { date, time })
    }

    /// The calendar year.
    pub fn year(&self) -> i32 {
        self.date.year()
    }
}

impl std::str::FromStr for Reference {
    type Err = ReferenceError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Reference::parse(s)
    }
}

/// Finds the temporal expressions of `text`, in text order, without
/// overlaps. Relative values are resolved against `reference`; without one
/// they are left partly unknown (`XXXX-04-04`).
pub fn find(text: &str, reference: Option<Reference>) -> Vec<Timex> {
    find_scanned(text, &Scanned::new(text), reference)
}

/// [`find`] over a scan of `text` the caller already has (and may hand to
/// [`crate::text::amounts::find_scanned`] too).
pub fn find_scanned(text: &str, scanned: &Scanned, reference: Option<Reference>) -> Vec<Timex> {
    grammar::Grammar::new(text, &scanned.low, &scanned.toks, reference).run()
}

#[cfg(test)]
mod tests;
