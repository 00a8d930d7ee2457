//! Word lists of the temporal grammar: month and weekday names, number
//! words, calendar units. Every lookup takes a lower-case ASCII word.

/// A calendar or clock unit as TimeML writes it in a duration value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
    Decade,
    Century,
    Weekend,
}

impl Unit {
    /// The duration letter and whether it belongs after the `T` of a
    /// duration (`PT2H`) or before it (`P2D`).
    pub fn letter(self) -> (&'static str, bool) {
        match self {
            Unit::Second => ("S", true),
            Unit::Minute => ("M", true),
            Unit::Hour => ("H", true),
            Unit::Day => ("D", false),
            Unit::Week => ("W", false),
            Unit::Month => ("M", false),
            Unit::Quarter => ("Q", false),
            Unit::Year => ("Y", false),
            Unit::Decade => ("DE", false),
            Unit::Century => ("CE", false),
            Unit::Weekend => ("WE", false),
        }
    }
}

/// Unit named by a word, and whether the word is plural.
pub fn unit(w: &str) -> Option<(Unit, bool)> {
    Some(match w {
        "second" => (Unit::Second, false),
        "seconds" => (Unit::Second, true),
        "minute" | "min" => (Unit::Minute, false),
        "minutes" | "mins" => (Unit::Minute, true),
        "hour" | "hr" => (Unit::Hour, false),
        "hours" | "hrs" => (Unit::Hour, true),
        "day" => (Unit::Day, false),
        "days" => (Unit::Day, true),
        "week" => (Unit::Week, false),
        "weeks" => (Unit::Week, true),
        "month" => (Unit::Month, false),
        "months" => (Unit::Month, true),
        "quarter" => (Unit::Quarter, false),
        "quarters" => (Unit::Quarter, true),
        "year" => (Unit::Year, false),
        "years" => (Unit::Year, true),
        "decade" => (Unit::Decade, false),
        "decades" => (Unit::Decade, true),
        "century" => (Unit::Century, false),
        "centuries" => (Unit::Century, true),
        "weekend" => (Unit::Weekend, false),
        "weekends" => (Unit::Weekend, true),
        _ => return None,
    })
}

/// The words [`unit`] knows (keep the two in step).
pub const UNIT_WORDS: [&str; 26] = [
    "second",
    "seconds",
    "minute",
    "min",
    "minutes",
    "mins",
    "hour",
    "hr",
    "hours",
    "hrs",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "quarter",
    "quarters",
    "year",
    "years",
    "decade",
    "decades",
    "century",
    "centuries",
    "weekend",
    "weekends",
];

/// Month number of a full or abbreviated month name.
pub fn month(w: &str) -> Option<u32> {
    Some(match w {
        "january" | "jan" => 1,
        "february" | "feb" => 2,
        "march" | "mar" => 3,
        "april" | "apr" => 4,
        "may" => 5,
        "june" | "jun" => 6,
        "july" | "jul" => 7,
        "august" | "aug" => 8,
        "september" | "sep" | "sept" => 9,
        "october" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    })
}

/// Whether a month word is the full name (abbreviations want a dot or a
/// following number to count).
pub fn month_is_full(w: &str) -> bool {
    w.len() > 4 || matches!(w, "may" | "june" | "july")
}

/// ISO weekday number (Monday = 1) of a weekday name or abbreviation.
pub fn weekday(w: &str) -> Option<u32> {
    Some(match w {
        "monday" | "mon" => 1,
        "tuesday" | "tue" | "tues" => 2,
        "wednesday" | "wed" => 3,
        "thursday" | "thu" | "thur" | "thurs" => 4,
        "friday" | "fri" => 5,
        "saturday" | "sat" => 6,
        "sunday" | "sun" => 7,
        _ => return None,
    })
}

/// Whether a weekday word is the full name.
pub fn weekday_is_full(w: &str) -> bool {
    w.ends_with("day")
}

/// The words [`small_number`] knows (keep the two in step), for cheap prefilters elsewhere.
pub const SMALL_NUMBER_WORDS: [&str; 28] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
];

/// Value of a number word below a hundred ("seven", "twenty").
pub fn small_number(w: &str) -> Option<u32> {
    Some(match w {
        "zero" => 0,
        "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        "twenty" => 20,
        "thirty" => 30,
        "forty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        _ => return None,
    })
}

/// Value of an ordinal word ("third" = 3) up to thirty-first.
pub fn ordinal(w: &str) -> Option<u32> {
    Some(match w {
        "first" => 1,
        "second" => 2,
        "third" => 3,
        "fourth" => 4,
        "fifth" => 5,
        "sixth" => 6,
        "seventh" => 7,
        "eighth" => 8,
        "ninth" => 9,
        "tenth" => 10,
        "eleventh" => 11,
        "twelfth" => 12,
        "thirteenth" => 13,
        "fourteenth" => 14,
        "fifteenth" => 15,
        "sixteenth" => 16,
        "seventeenth" => 17,
        "eighteenth" => 18,
        "nineteenth" => 19,
        "twentieth" => 20,
        "thirtieth" => 30,
        _ => return None,
    })
}

/// Part of the day: TimeML's `TMO`, `TAF`, `TEV`, `TNI`.
pub fn day_part(w: &str) -> Option<&'static str> {
    Some(match w {
        "morning" => "MO",
        "afternoon" => "AF",
        "evening" => "EV",
        "night" | "overnight" => "NI",
        _ => return None,
    })
}

/// Season code of a season word.
pub fn season(w: &str) -> Option<&'static str> {
    Some(match w {
        "spring" => "SP",
        "summer" => "SU",
        "fall" | "autumn" => "FA",
        "winter" => "WI",
        _ => return None,
    })
}

/// Time-zone abbreviations that may follow a clock time.
pub fn is_zone(w: &str) -> bool {
    matches!(
        w,
        "gmt"
            | "utc"
            | "bst"
            | "cet"
            | "cest"
            | "eet"
            | "est"
            | "edt"
            | "cst"
            | "cdt"
            | "mst"
            | "mdt"
            | "pst"
            | "pdt"
            | "et"
            | "pt"
            | "jst"
            | "ist"
            | "aest"
            | "msk"
            | "hkt"
            | "sgt"
    )
}

/// Words that mark a verb group as future (for resolving "Friday" or
/// "March" without a year).
pub fn is_future_marker(w: &str) -> bool {
    matches!(
        w,
        "will"
            | "ll"
            | "shall"
            | "wo"
            | "next"
            | "upcoming"
            | "scheduled"
            | "expected"
            | "expects"
            | "expect"
            | "due"
            | "plans"
            | "plan"
            | "planning"
            | "intends"
            | "aims"
            | "hopes"
            | "tomorrow"
            | "coming"
            | "forecast"
            | "forecasts"
            | "begins"
            | "starts"
            | "opens"
            | "meets"
            | "travels"
            | "visits"
            | "heads"
            | "payable"
            | "record"
            | "effective"
            | "convene"
            | "vote"
    )
}

/// Words that mark a verb group as past.
pub fn is_past_marker(w: &str) -> bool {
    matches!(
        w,
        "was"
            | "were"
            | "had"
            | "did"
            | "said"
            | "told"
            | "ago"
            | "last"
            | "yesterday"
            | "came"
            | "went"
            | "took"
            | "made"
            | "gave"
            | "began"
            | "met"
            | "left"
            | "won"
            | "lost"
            | "held"
            | "fell"
            | "rose"
            | "sold"
            | "paid"
            | "got"
            | "saw"
            | "found"
            | "became"
            | "brought"
            | "spoke"
            | "wrote"
            | "ran"
            | "struck"
            | "shot"
            | "hit"
            | "killed"
            | "earlier"
            | "since"
    )
}

/// Every word that can start a temporal expression, sorted: the grammar
/// tries its patterns only at these (and at numbers), which keeps the scan
/// fast. A word added to a lookup above that can start an expression
/// belongs here too.
pub const TRIGGERS: &[&str] = &[
    "a",
    "about",
    "afternoon",
    "almost",
    "an",
    "annually",
    "approximately",
    "apr",
    "april",
    "around",
    "as",
    "at",
    "aug",
    "august",
    "autumn",
    "beginning",
    "biweekly",
    "centuries",
    "century",
    "christmas",
    "close",
    "coming",
    "couple",
    "current",
    "currently",
    "daily",
    "day",
    "daylong",
    "days",
    "dec",
    "decade",
    "decades",
    "december",
    "dozen",
    "each",
    "earlier",
    "early",
    "easter",
    "eight",
    "eighteen",
    "eighteenth",
    "eighth",
    "eighties",
    "eighty",
    "election",
    "eleven",
    "eleventh",
    "end",
    "evening",
    "every",
    "fall",
    "feb",
    "february",
    "few",
    "fewer",
    "fifteen",
    "fifteenth",
    "fifth",
    "fifties",
    "fifty",
    "final",
    "first",
    "fiscal",
    "five",
    "following",
    "former",
    "forties",
    "fortnightly",
    "forty",
    "four",
    "fourteen",
    "fourteenth",
    "fourth",
    "fri",
    "friday",
    "future",
    "fy",
    "half",
    "halloween",
    "hour",
    "hourly",
    "hours",
    "hr",
    "hrs",
    "its",
    "jan",
    "january",
    "jul",
    "july",
    "jun",
    "june",
    "last",
    "late",
    "lately",
    "later",
    "latest",
    "less",
    "many",
    "mar",
    "march",
    "may",
    "mid",
    "midday",
    "middle",
    "midnight",
    "min",
    "mins",
    "minute",
    "minutes",
    "mon",
    "monday",
    "month",
    "monthly",
    "months",
    "more",
    "morning",
    "nearly",
    "new",
    "next",
    "night",
    "nightly",
    "nine",
    "nineteen",
    "nineteenth",
    "nineties",
    "ninety",
    "ninth",
    "noon",
    "nov",
    "november",
    "now",
    "nowadays",
    "oct",
    "october",
    "one",
    "over",
    "overnight",
    "past",
    "per",
    "presently",
    "previous",
    "quarter",
    "quarterly",
    "quarters",
    "recent",
    "recently",
    "right",
    "roughly",
    "sat",
    "saturday",
    "second",
    "seconds",
    "sep",
    "sept",
    "september",
    "seven",
    "seventeen",
    "seventeenth",
    "seventh",
    "seventies",
    "seventy",
    "several",
    "six",
    "sixteen",
    "sixteenth",
    "sixth",
    "sixties",
    "sixty",
    "some",
    "soon",
    "spring",
    "start",
    "summer",
    "sun",
    "sunday",
    "ten",
    "tenth",
    "thanksgiving",
    "that",
    "the",
    "their",
    "these",
    "third",
    "thirteen",
    "thirteenth",
    "thirties",
    "thirtieth",
    "thirty",
    "this",
    "three",
    "thu",
    "thur",
    "thurs",
    "thursday",
    "today",
    "tomorrow",
    "tonight",
    "tue",
    "tues",
    "tuesday",
    "twelfth",
    "twelve",
    "twenties",
    "twentieth",
    "twenty",
    "two",
    "under",
    "up",
    "wed",
    "wednesday",
    "week",
    "weekend",
    "weekends",
    "weeklong",
    "weekly",
    "weeks",
    "winter",
    "within",
    "year",
    "yearlong",
    "yearly",
    "years",
    "yesterday",
    "zero",
];

/// A hash of a word from its length and first, second and last bytes:
/// constant time, which is all the filter below needs.
const fn word_hash(w: &[u8]) -> u64 {
    let n = w.len();
    if n == 0 {
        return 0;
    }
    let a = w[0] as u64;
    let b = if n > 1 { w[1] as u64 } else { 0 };
    let c = w[n - 1] as u64;
    let h = (a << 24) ^ (b << 16) ^ (c << 8) ^ n as u64;
    h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40
}

/// Open-addressing hash table over [`TRIGGERS`] (index + 1, 0 = empty),
/// built at compile time: a lookup costs one hash and about one compare.
const TABLE: [u16; 1024] = {
    let mut t = [0u16; 1024];
    let mut i = 0;
    while i < TRIGGERS.len() {
        let mut slot = (word_hash(TRIGGERS[i].as_bytes()) % 1024) as usize;
        while t[slot] != 0 {
            slot = (slot + 1) % 1024;
        }
        t[slot] = (i + 1) as u16;
        i += 1;
    }
    t
};

/// Whether `w` is in [`TRIGGERS`].
pub fn is_trigger(w: &str) -> bool {
    if w.len() > 13 || w.is_empty() {
        return false;
    }
    let mut slot = (word_hash(w.as_bytes()) % 1024) as usize;
    loop {
        match TABLE[slot] {
            0 => return false,
            e => {
                if TRIGGERS.get(usize::from(e) - 1) == Some(&w) {
                    return true;
                }
            }
        }
        slot = (slot + 1) % 1024;
    }
}

/// Whether a trigger word can be a whole expression or start one whatever
/// follows ("March", "years", "today", "now"); the others ("the", "two",
/// "last") start one only before another trigger or a number.
pub fn is_strong(w: &str) -> bool {
    month(w).is_some()
        || weekday(w).is_some()
        || unit(w).is_some()
        || season(w).is_some()
        || day_part(w).is_some()
        || matches!(
            w,
            "now"
                | "today"
                | "tonight"
                | "tomorrow"
                | "yesterday"
                | "currently"
                | "recently"
                | "current"
                | "recent"
                | "soon"
                | "future"
                | "nowadays"
                | "lately"
                | "presently"
                | "daily"
                | "weekly"
                | "monthly"
                | "yearly"
                | "annually"
                | "hourly"
                | "nightly"
                | "biweekly"
                | "fortnightly"
                | "noon"
                | "midday"
                | "midnight"
                | "christmas"
                | "thanksgiving"
                | "easter"
                | "election"
                | "halloween"
                | "new"
                | "daylong"
                | "yearlong"
                | "weeklong"
                | "overnight"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_number_words_list_matches_the_function() {
        for w in SMALL_NUMBER_WORDS {
            assert!(small_number(w).is_some(), "{w}");
        }
        let values: std::collections::BTreeSet<u32> =
            SMALL_NUMBER_WORDS.iter().filter_map(|w| small_number(w)).collect();
        assert_eq!(values.len(), SMALL_NUMBER_WORDS.len());
    }

    #[test]
    fn unit_words_list_matches_the_function() {
        for w in UNIT_WORDS {
            assert!(unit(w).is_some(), "{w}");
        }
        // Every arm of `unit` is in the list: as many distinct words as the function has.
        let distinct: std::collections::BTreeSet<&str> = UNIT_WORDS.iter().copied().collect();
        assert_eq!(distinct.len(), 26);
        for w in ["secs", "sec", "yr", "yrs", "wk", "weekday", "quarterly", "daily", ""] {
            assert!(unit(w).is_none(), "{w}");
        }
    }

    #[test]
    fn table_agrees_with_the_list() {
        for w in TRIGGERS {
            assert!(is_trigger(w), "{w}");
        }
        for w in ["of", "and", "said", "government", "", "thequickbrownfoxjumps"] {
            assert!(!is_trigger(w), "{w}");
        }
    }

    #[test]
    fn triggers_are_sorted_and_cover_the_lookups() {
        assert!(TRIGGERS.windows(2).all(|w| w[0] < w[1]));
        for w in ["january", "sept", "friday", "thurs", "twenty", "third", "years", "fall", "night", "the", "now"] {
            assert!(TRIGGERS.binary_search(&w).is_ok(), "{w}");
        }
    }
}
