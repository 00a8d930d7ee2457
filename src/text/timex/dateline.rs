//! The date a plain-text article states for itself, in a dateline
//! ("MOSCOW, April 12 (Reuters) -") or a label ("Published: 12 April
//! 2017"), for when the source gives no publication date.

use super::grammar::Grammar;
use super::scan::{Kind, Scanned, Tok};
use super::{Timex, TimexKind};

/// A date as the text wrote it: the year is `None` when the text did not
/// give one (a dateline usually does not; we never guess it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatedDate {
    /// Year, when written.
    pub year: Option<i32>,
    /// Month, 1-12.
    pub month: u32,
    /// Day of the month.
    pub day: u32,
}

impl StatedDate {
    /// The full date, when the year was written.
    pub fn to_date(self) -> Option<chrono::NaiveDate> {
        chrono::NaiveDate::from_ymd_opt(self.year?, self.month, self.day)
    }
}

/// How far into the text a dateline or a date label may start.
const HEAD: usize = 600;

/// Finds the date stated by a dateline at the start of a paragraph in the
/// first lines ("MOSCOW, April 12 (Reuters) -", "LONDON (AP) April 12 -")
/// or after a label ("Published: 12 April 2017", "Updated on ...",
/// "Date: 2017-04-12"). Returns `None` when the head of the text states
/// no such date; a month and day without a year keep `year: None`.
pub fn infer_dateline_date(text: &str) -> Option<StatedDate> {
    let head = head_of(text);
    let scanned = Scanned::new(head);
    in_head(head, &scanned.low, &scanned.toks)
}

/// [`infer_dateline_date`] reading the head's tokens from `scanned`, a scan of the whole
/// `text` the caller already has, instead of scanning the head again.
pub fn infer_dateline_date_scanned(text: &str, scanned: &Scanned) -> Option<StatedDate> {
    let head = head_of(text);
    match scanned.low.get(..head.len()) {
        Some(low) if scanned.low.len() == text.len() => in_head(head, low, &scanned.prefix_toks(head.len())),
        _ => infer_dateline_date(text),
    }
}

/// The first [`HEAD`] bytes of `text`, cut on a char boundary.
fn head_of(text: &str) -> &str {
    let mut cut = text.len().min(HEAD);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    &text[..cut]
}

/// The stated date of `head`, whose lower-cased copy is `low` and tokens `toks`.
fn in_head(head: &str, low: &str, toks: &[Tok]) -> Option<StatedDate> {
    let grammar = Grammar::new(head, low, toks, None);
    // The grammar runs only as far as a stated date can start: most heads end in running text.
    let last = last_possible_start(head, low, toks, &grammar)?;
    grammar.first_until(last, |t| stated(head, &t))
}

/// The date of `t` if it is one a dateline or a label states.
fn stated(head: &str, t: &Timex) -> Option<StatedDate> {
    if t.kind != TimexKind::Date {
        return None;
    }
    let date = parse_value(&t.value)?;
    let before = &head[..t.start];
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    let line_before = before[line_start..].trim_end();
    let after = head[t.end..].trim_start();
    (is_label(line_before) || is_dateline(line_before, after)).then_some(date)
}

/// Words a label line holds ([`is_label`]): every label holds a token starting with one.
const LABEL_WORDS: [&str; 4] = ["published", "updated", "posted", "date"];

/// The last token an expression [`stated`] accepts may start at, if any: a token the grammar
/// triggers at whose line before it is blank or holds a label word ([`is_label`]), or has a
/// letter and no lower-case one up to its last bracket when it ends with a closing one (a place
/// in capitals, maybe with an agency, as [`is_dateline`] wants; commas and spaces aside). One
/// pass over the tokens, keeping what the current line has shown so far: between two tokens lie
/// only spaces, which change nothing but at a line break. It may name a token no stated date
/// starts at, never one before the last that does.
fn last_possible_start(head: &str, low: &str, toks: &[Tok], grammar: &Grammar<'_>) -> Option<usize> {
    #[derive(Clone, Copy, Default)]
    struct Seen {
        lower: bool,
        letter: bool,
    }
    // `closed`: the line so far ends with a closing bracket, commas and spaces aside.
    let (mut line, mut before_bracket, mut closed) = (Seen::default(), None, false);
    let (mut blank, mut label) = (true, false);
    let (head_bytes, low_bytes) = (head.as_bytes(), low.as_bytes());
    let mut last = None;
    for (k, t) in toks.iter().enumerate() {
        if t.newline_before {
            (line, before_bracket, closed) = (Seen::default(), None, false);
            (blank, label) = (true, false);
        }
        let place = if closed { before_bracket.unwrap_or(line) } else { line };
        if (blank || label || (place.letter && !place.lower)) && grammar.triggers_at(k) {
            last = Some(k);
        }
        match t.kind {
            // ASCII letters or digits: the token ends with no bracket.
            Kind::Word => {
                (blank, closed) = (false, false);
                line.letter = true;
                // The first letter tells most words lower-case.
                line.lower = line.lower
                    || !t.cap
                    || head_bytes.get(t.start..t.end).is_some_and(|w| w.iter().any(u8::is_ascii_lowercase));
                label = label
                    || (matches!(low_bytes.get(t.start), Some(b'p' | b'u' | b'd'))
                        && low_bytes
                            .get(t.start..t.end)
                            .is_some_and(|w| LABEL_WORDS.iter().any(|l| w.starts_with(l.as_bytes()))));
            }
            Kind::Num => (blank, closed) = (false, false),
            Kind::Other => {
                for c in head.get(t.start..t.end).unwrap_or("").chars() {
                    if c == '(' {
                        before_bracket = Some(line);
                    }
                    line.lower |= c.is_lowercase();
                    line.letter |= c.is_alphabetic();
                    if !c.is_whitespace() {
                        blank = false;
                        if c != ',' {
                            closed = c == ')';
                        }
                    }
                }
            }
        }
    }
    last
}

/// "2017-04-12" or "XXXX-04-12".
fn parse_value(v: &str) -> Option<StatedDate> {
    let b = v.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = v.get(..4)?.parse().ok();
    let month = v.get(5..7)?.parse().ok()?;
    let day = v.get(8..10)?.parse().ok()?;
    Some(StatedDate { year, month, day })
}

/// A label line ending just before the date: "Published:", "Updated on".
fn is_label(before: &str) -> bool {
    let low = before.to_ascii_lowercase();
    let low = low.trim_end_matches([':', ',', ' ']).trim_end();
    let low = low.strip_suffix(" on").unwrap_or(low).trim_end();
    let low = low.rsplit(['|', '\u{2022}']).next().unwrap_or(low).trim();
    matches!(low, "published" | "updated" | "posted" | "date" | "first published" | "last updated" | "dated")
        || (low.is_empty() && before.is_empty())
}

/// A dateline: a place in capitals (and maybe an agency in parentheses)
/// before the date, a dash or an agency after it.
fn is_dateline(before: &str, after: &str) -> bool {
    let place = before.trim_end_matches([',', ' ']);
    let place = match place.rfind(')') {
        Some(p) if place.ends_with(')') => place[..place[..p].rfind('(').unwrap_or(p)].trim_end(),
        _ => place,
    };
    let place = place.trim_end_matches([',', ' ']);
    let upper_place = !place.is_empty()
        && place.len() <= 40
        && place.chars().any(|c| c.is_alphabetic())
        && place.chars().all(|c| !c.is_lowercase());
    let after_ok = after.starts_with('(')
        || after.starts_with('-')
        || after.starts_with('\u{2013}')
        || after.starts_with('\u{2014}')
        || after.starts_with(':')
        || before.trim_end().ends_with(')');
    upper_place && after_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::timex::find;

    #[test]
    fn reads_a_date_that_starts_a_later_line() {
        let d = infer_dateline_date("Syria talks\n\n12 April 2017 - Talks resumed in Geneva.");
        assert_eq!(d, Some(StatedDate { year: Some(2017), month: 4, day: 12 }));
        // the same date inside a line is no dateline
        assert_eq!(infer_dateline_date("Syria talks\n\nOn 12 April 2017 talks resumed."), None);
    }

    #[test]
    fn reads_agency_dateline_without_inventing_a_year() {
        let d = infer_dateline_date("MOSCOW, April 12 (Reuters) - Russia said on Wednesday...");
        assert_eq!(d, Some(StatedDate { year: None, month: 4, day: 12 }));
        assert_eq!(d.and_then(StatedDate::to_date), None);
    }

    #[test]
    fn reads_published_label() {
        let d = infer_dateline_date("Syria strikes\nPublished: 12 April 2017\n\nThe US said...");
        assert_eq!(d, Some(StatedDate { year: Some(2017), month: 4, day: 12 }));
    }

    #[test]
    fn reads_dateline_after_agency() {
        let d = infer_dateline_date("WASHINGTON (AP) Jan. 5, 2000 - The Senate voted...");
        assert_eq!(d, Some(StatedDate { year: Some(2000), month: 1, day: 5 }));
    }

    /// The whole-head search without the shortcut.
    fn slow(text: &str) -> Option<StatedDate> {
        let mut cut = text.len().min(HEAD);
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let head = &text[..cut];
        find(head, None).iter().find_map(|t| stated(head, t))
    }

    #[test]
    fn shortcut_agrees_with_the_whole_search() {
        let texts = [
            "",
            "April 12, 2017 - The talks began.",
            "12 April 2017\nThe talks began.",
            "Syria talks\n\nLONDON, April 12 (Reuters) - Talks stalled.",
            "Syria talks\nBy Jane Doe (bbc news), April 12 - Talks stalled.",
            "Talks on April 4 ended in May (Reuters) April 5 - more.",
            "Ad sales boost profit\n\nQuarterly profits rose on 4 April 2004.",
            "Last updated: 3 March 2005\nText.",
            "Posted on 3 March 2005 | News",
            "ÉTATS-UNIS, 12 avril - texte",
            "  MOSCOW, April 12 (AP) - Russia said...",
            "Tuesday, 5 April 2005 \u{2013} News",
            "café (Reuters) 12 April: text",
            "1998-02-27 - text",
            "123 456, May 4 - text",
            "PARIS (AFP) (Reuters) 12 April - text",
            "Paris (AFP) 12 April - text",
            "The update on 12 April 2005 said\nUpdate: 12 April 2005",
            "News | Date: 12 April 2005",
            "A \u{2022}Posted 12 April 2005",
            "Profits (£600m) for 12 April - text",
        ];
        for text in texts {
            assert_eq!(infer_dateline_date(text), slow(text), "{text:?}");
        }
    }

    #[test]
    fn scan_of_the_whole_text_gives_the_same_date() {
        let long_head = format!("{}\nLONDON, April 12 - x", "word ".repeat(110));
        let mut texts = vec![
            String::new(),
            "MOSCOW, April 12 (Reuters) - Russia said on Wednesday...".to_string(),
            "Syria strikes\nPublished: 12 April 2017\n\nThe US said...".to_string(),
            "ÉTATS-UNIS, 12 avril - texte".to_string(),
            long_head,
        ];
        // A date, a word or a number across the cut, and a multi-byte character at it.
        for filler in ["", "a", "ab", "é", "1", "12"] {
            texts.push(format!("{}{filler}December 12, 2004 - text", "x".repeat(HEAD - 10)));
            texts.push(format!("Published: {}{filler}2004 12 April", "1".repeat(HEAD - 14)));
            texts.push(format!("{}\u{e9}\u{e9}April 12 2005 more", "A ".repeat(HEAD / 2 - 1)));
        }
        for text in &texts {
            let scanned = Scanned::new(text);
            assert_eq!(infer_dateline_date_scanned(text, &scanned), infer_dateline_date(text), "{text:?}");
        }
        // A scan of some other text is not trusted.
        assert_eq!(
            infer_dateline_date_scanned("Date: 12 April 2017", &Scanned::new("")),
            infer_dateline_date("Date: 12 April 2017")
        );
    }

    /// Heads with every kind of line before a date, for the checks of the bound.
    fn bound_texts() -> Vec<String> {
        let mut texts: Vec<String> = [
            "",
            "MOSCOW, April 12 (Reuters) - Russia said",
            "Syria talks\nBy Jane Doe (bbc news), April 12 - Talks stalled.",
            "PARIS (AFP) (Reuters) 12 April - text",
            "Paris (AFP) 12 April - text",
            "ÉTATS-UNIS, 12 avril - texte",
            "ÉTATS-UNIS (ÀFP), 12 avril",
            "US \u{2003}UK, 12\u{a0}(X)\n  café (Reuters) 12 April: text",
            "A \u{2022}Posted 12 April 2005 |updated x\tdated\u{a0}date\u{2028}published",
            "News | Date: 12 April 2005",
            "update: undated postedx Xposted",
            "ABC,,, (DEF) , 5\n(G) h\r\nI",
            "123 456, May 4 - text",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        texts.push(format!("{}TOKYO, 5 May", "x ".repeat(300)));
        let befores = [
            "",
            "  ",
            "\u{2003}",
            "\u{b}",
            "LONDON, ",
            "LONDON (Reuters) ",
            "LONDON (reuters), ",
            "Published: ",
            "x | Updated on ",
            "first published ",
            "Dated ",
            "Paris ",
            "(AFP) ",
            "ÉTATS ",
            "123 ",
            "US: ",
            "the ",
        ];
        let dates =
            ["12 April 2017 - x", "April 12 (Reuters) - x", "2017-04-12 text", "Tuesday, 5 April 2005 \u{2013} x"];
        for before in befores {
            for date in dates {
                texts.push(format!("{before}{date}"));
                texts.push(format!("Title here\n\n{before}{date}"));
                texts.push(format!("Title here\n\nSome text on 4 May.\n{before}{date} and 5 May 2004"));
            }
        }
        texts
    }

    #[test]
    fn no_stated_date_starts_after_the_bound() {
        for text in bound_texts() {
            let head = head_of(&text);
            let s = Scanned::new(head);
            let bound = last_possible_start(head, &s.low, &s.toks, &Grammar::new(head, &s.low, &s.toks, None));
            for t in Grammar::new(head, &s.low, &s.toks, None).run() {
                if stated(head, &t).is_some() {
                    let k = s.toks.partition_point(|x| x.start < t.start);
                    assert!(bound.is_some_and(|b| k <= b), "{text:?} {t:?} {bound:?}");
                }
            }
            assert_eq!(infer_dateline_date(&text), slow(&text), "{text:?}");
        }
    }

    #[test]
    fn ignores_dates_in_running_text() {
        assert_eq!(infer_dateline_date("The talks began on April 4 and ended in May."), None);
        assert_eq!(infer_dateline_date(""), None);
    }
}
