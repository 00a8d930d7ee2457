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
            | "until"
            | "till"
            | "tomorrow"
            | "coming"
            | "forecast"
            | "forecasts"
            | "set"
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
