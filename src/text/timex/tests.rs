use super::*;

fn r(s: &str) -> Option<Reference> {
    Some(Reference::parse(s).expect("test reference"))
}

/// (text, kind, value) of every expression found.
fn all(text: &str, reference: Option<Reference>) -> Vec<(String, TimexKind, String)> {
    find(text, reference).into_iter().map(|t| (text[t.start..t.end].to_string(), t.kind, t.value)).collect()
}

/// The single expression of `text`; fails when there is not exactly one.
fn one(text: &str, reference: &str) -> (String, TimexKind, String) {
    let mut v = all(text, r(reference));
    assert_eq!(v.len(), 1, "{text:?} gave {v:?}");
    v.remove(0)
}

fn check(text: &str, reference: &str, span: &str, value: &str) {
    let (s, _, v) = one(text, reference);
    assert_eq!((s.as_str(), v.as_str()), (span, value), "in {text:?}");
}

use TimexKind::{Date, Duration, Set, Time};

#[test]
fn reference_parses_dates_and_date_times() {
    let d = |y, m, dd| chrono::NaiveDate::from_ymd_opt(y, m, dd).unwrap();
    assert_eq!(Reference::parse("1998-02-27").unwrap().date, d(1998, 2, 27));
    assert_eq!(Reference::parse("19980114").unwrap().date, d(1998, 1, 14));
    let t = Reference::parse("1998-02-27T10:00").unwrap();
    assert_eq!((t.date, t.time), (d(1998, 2, 27), Some((10, 0))));
    let z = Reference::parse("2017-04-12T08:15:00.5+01:00").unwrap();
    assert_eq!(z.time, Some((8, 15)));
    assert!(Reference::parse("yesterday").is_err());
    assert!(Reference::parse("2017-02-30").is_err());
    assert!(Reference::parse("").is_err());
}

#[test]
fn example_article_dates() {
    let text = "interference in the 2016 US presidential election. Despite that the \
                nearly two hour meeting was unscheduled. In response to the 4 April sarin attack.";
    let got = all(text, r("2017-04-12"));
    assert_eq!(
        got,
        vec![
            ("2016".to_string(), Date, "2016".to_string()),
            ("nearly two hour".to_string(), Duration, "PT2H".to_string()),
            ("4 April".to_string(), Date, "2017-04-04".to_string()),
        ]
    );
}

#[test]
fn absolute_and_partial_dates() {
    check("It happened on April 4th.", "2017-04-12", "April 4th", "2017-04-04");
    check("Born 12 April 2017 in Leeds.", "2020-01-01", "12 April 2017", "2017-04-12");
    check("Signed Aug. 7, 1998, in Nairobi.", "2000-01-01", "Aug. 7, 1998", "1998-08-07");
    check("The deal closed in January 1998.", "2000-01-01", "January 1998", "1998-01");
    check("The filing is dated 2017-04-12.", "2020-01-01", "2017-04-12", "2017-04-12");
    check("They met Monday, Oct. 26, to talk.", "1998-10-25", "Monday, Oct. 26", "1998-10-26");
}

#[test]
fn dates_without_reference_stay_unanchored() {
    assert_eq!(all("It happened on 4 April.", None), vec![("4 April".to_string(), Date, "XXXX-04-04".to_string())]);
    assert_eq!(all("He left on Friday.", None)[0].2, "XXXX-WXX-5");
    assert_eq!(all("He left last week.", None)[0].2, "XXXX-WXX");
}

#[test]
fn month_day_takes_the_nearest_year() {
    // Reference 2000-01-05: "Jan. 14" is nine days ahead, not a year back.
    check("He must return by Jan. 14.", "2000-01-05", "Jan. 14", "2000-01-14");
    // Reference late December: early January is next year.
    check("Talks resume Jan. 3.", "1999-12-28", "Jan. 3", "2000-01-03");
    // A past clause moves a date far ahead back a year.
    check("The year ended March 31.", "1989-11-01", "March 31", "1989-03-31");
}

#[test]
fn weekday_rule_nearest_past_unless_future_tense() {
    // 2017-04-12 is a Wednesday.
    check("Russia said on Tuesday it would respond.", "2017-04-12", "Tuesday", "2017-04-11");
    check("Russia said on Friday it was ready.", "2017-04-12", "Friday", "2017-04-07");
    check("The minister will travel to Moscow on Friday.", "2017-04-12", "Friday", "2017-04-14");
    check("The vote is next Monday.", "2017-04-12", "next Monday", "2017-04-17");
    check("The vote was last Monday.", "2017-04-12", "last Monday", "2017-04-10");
    // The reference's own weekday is the reference day.
    check("Officials met Wednesday.", "2017-04-12", "Wednesday", "2017-04-12");
}

#[test]
fn bare_month_rule() {
    // Past clause: the latest such month not after the reference.
    check("Prices rose in March.", "2017-04-12", "March", "2017-03");
    // Future clause: the next one.
    check("Prices will rise in February.", "2017-04-12", "February", "2018-02");
    check("He resigned last October.", "1999-02-06", "last October", "1998-10");
    check("Work stalled in early September.", "1989-10-27", "early September", "1989-09");
    check("They came in June last year.", "1998-02-19", "June last year", "1997-06");
}

#[test]
fn relative_dates() {
    check("He spoke yesterday.", "2017-04-12", "yesterday", "2017-04-11");
    check("He spoke yesterday morning.", "2017-04-12", "yesterday morning", "2017-04-11TMO");
    check("We meet tomorrow.", "2017-04-12", "tomorrow", "2017-04-13");
    check("It happened last week.", "1998-01-08", "last week", "1998-W01");
    check("It rose this month.", "1989-10-27", "this month", "1989-10");
    check("Sales fell last year.", "1989-10-27", "last year", "1988");
    check("It happened earlier this year.", "1989-10-27", "earlier this year", "1989");
    check("Gains are seen next year.", "1989-10-27", "next year", "1990");
    check("Voters go to the polls this weekend.", "2017-04-12", "this weekend", "2017-W15-WE");
}

#[test]
fn ago_takes_the_unit_granularity() {
    check("It opened 18 months ago.", "2017-04-12", "18 months ago", "2015-10");
    check("It opened five years ago.", "1989-10-27", "five years ago", "1984");
    check("It opened two days ago.", "1989-10-27", "two days ago", "1989-10-25");
    check("It opened two weeks ago.", "1998-03-22", "two weeks ago", "1998-W10");
    check("It opened years ago.", "1998-03-22", "years ago", "PAST_REF");
}

#[test]
fn years_decades_centuries() {
    check("In the 1990s it grew.", "2017-04-12", "the 1990s", "199");
    check("By the mid-1990s it grew.", "2017-04-12", "the mid-1990s", "199");
    check("Back in the '80s it grew.", "1989-10-27", "the '80s", "198");
    check("Profit in fiscal 1989 rose.", "1989-10-27", "fiscal 1989", "1989");
    check("It dates from the 20th century.", "1989-10-27", "the 20th century", "19");
    check("That was in 2016.", "2017-04-12", "2016", "2016");
    check("In the nineties it grew.", "2017-04-12", "the nineties", "199");
    check("It was nineteen ninety-six.", "2017-04-12", "nineteen ninety-six", "1996");
}

#[test]
fn numbers_that_are_not_years() {
    assert!(all("It cost $1995 and weighed 2,000 tons.", r("2017-04-12")).is_empty());
    assert!(all("Flight 1549 landed; 2017 percent is absurd.", r("2017-04-12")).iter().all(|t| t.0 != "1549"));
    assert!(all("He is a 6-year-old boy.", r("2017-04-12")).is_empty());
    assert!(all("Jan said no. You may go; march on.", r("2017-04-12")).is_empty());
}

#[test]
fn quarters_halves_weeks() {
    check("Profit rose in the third quarter.", "1989-10-27", "the third quarter", "1989-Q3");
    check("Its third-quarter profit rose.", "1989-10-27", "third-quarter", "1989-Q3");
    check("Sales in the first quarter of 1998 rose.", "2000-01-01", "the first quarter of 1998", "1998-Q1");
    check("Sales in the fourth quarter will rise.", "1989-10-27", "the fourth quarter", "1989-Q4");
    check("Sales in the latest quarter rose.", "1989-10-27", "the latest quarter", "1989-Q3");
    check("Sales in the first half rose.", "1989-10-27", "the first half", "1989-H1");
    let got = all("Net rose in the third quarter, from $5 million a year ago.", r("1989-10-27"));
    assert_eq!(got[1], ("a year ago".to_string(), Date, "1988-Q3".to_string()));
    check("Orders rose in the week ended Friday.", "1998-01-09", "Friday", "1998-01-09");
}

#[test]
fn seasons() {
    check("It opened last fall.", "1999-02-05", "last fall", "1998-FA");
    check("It opened in the summer.", "1989-10-27", "the summer", "1989-SU");
}

#[test]
fn times() {
    let (s, k, v) = one("The blast was at 10:30 GMT.", "2017-04-12");
    assert_eq!((s.as_str(), k, v.as_str()), ("10:30 GMT", Time, "2017-04-12T10:30"));
    check("It left at 10:35 a.m. on the dot.", "1998-08-07", "10:35 a.m.", "1998-08-07T10:35");
    check("The polls will close at 9 p.m. Tuesday.", "2017-04-10", "9 p.m. Tuesday", "2017-04-11T21:00");
    check("They broke for lunch at noon.", "2017-04-12", "noon", "2017-04-12T12:00");
    check("He called this morning.", "2017-04-12", "this morning", "2017-04-12TMO");
    // A price is not a time.
    assert!(all("Shares closed at 4.10, up 2.35.", r("1989-10-27")).is_empty());
}

#[test]
fn durations() {
    let (s, k, v) = one("The talks took two hours.", "2017-04-12");
    assert_eq!((s.as_str(), k, v.as_str()), ("two hours", Duration, "PT2H"));
    check("A nearly two-hour meeting.", "2017-04-12", "nearly two-hour", "PT2H");
    check("Over the past three years it grew.", "2017-04-12", "the past three years", "P3Y");
    check("It has lasted for years.", "2017-04-12", "years", "PXY");
    check("He waited a minute and a half.", "2017-04-12", "a minute and a half", "PT1M30S");
    check("It took 1.5 years.", "2017-04-12", "1.5 years", "P18M");
    check("A five-year plan.", "2017-04-12", "five-year", "P5Y");
    check("It took at least 72 hours.", "2017-04-12", "at least 72 hours", "PT72H");
    check("It took several months.", "2017-04-12", "several months", "PXM");
    check("For the next three quarters it grew.", "2017-04-12", "the next three quarters", "P9M");
    check("It took a decade.", "2017-04-12", "a decade", "P10Y");
    check("In the past year it grew.", "2017-04-12", "the past year", "P1Y");
}

#[test]
fn sets() {
    let (s, k, v) = one("He calls every month.", "2017-04-12");
    assert_eq!((s.as_str(), k, v.as_str()), ("every month", Set, "P1M"));
    check("It is published daily.", "2017-04-12", "daily", "P1D");
    check("It costs $5 a year.", "2017-04-12", "a year", "P1Y");
    check("He runs every Monday.", "2017-04-12", "every Monday", "XXXX-WXX-1");
}

#[test]
fn reference_words() {
    check("He is now in Moscow.", "2017-04-12", "now", "PRESENT_REF");
    check("Tensions flared recently.", "2017-04-12", "recently", "PAST_REF");
    check("It will change in the future.", "2017-04-12", "the future", "FUTURE_REF");
    check("He is currently in Moscow.", "2017-04-12", "currently", "PRESENT_REF");
    check("It will end soon.", "2017-04-12", "soon", "FUTURE_REF");
}

#[test]
fn holidays_and_edges() {
    check("We shop before Christmas.", "2017-12-01", "Christmas", "2017-12-25");
    check("They met on Thanksgiving Day.", "1999-12-01", "Thanksgiving Day", "1999-11-25");
    let t = find("Sales slow at the end of the year.", r("1989-10-27"));
    assert_eq!((t[0].value.as_str(), t[0].modifier), ("1989", Some("END")));
}

#[test]
fn offsets_are_byte_offsets_on_char_boundaries() {
    let text = "Café – “4 April”, naïve 10:30 GMT";
    for t in find(text, r("2017-04-12")) {
        assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
        assert!(t.start < t.end);
    }
    assert_eq!(all(text, r("2017-04-12")).len(), 2);
}

#[test]
fn odd_input_does_not_panic() {
    for s in [
        "",
        "'",
        "the",
        "9999999999999999 years ago",
        "31 February",
        "Feb. 30, 2017",
        "every",
        "a",
        "10:",
        "12:99 p.m.",
        "99 a.m.",
        "the 0th century",
        "'9",
        "1990s",
        "\u{0}\u{ffff}\u{10ffff}",
        "mid-",
        "year-",
        "the last half of",
    ] {
        let _ = find(s, r("2017-04-12"));
        let _ = find(s, None);
    }
}

#[test]
fn small_timeml_fixture() {
    // tests/fixtures/timex/sample.tml: TIMEX3 tags in a short article of our own.
    let tml = include_str!("../../../tests/fixtures/timex/sample.tml");
    let (text, gold) = strip_timeml(tml);
    let got = find(&text, r("2017-04-12"));
    let got: Vec<(String, String)> = got.iter().map(|t| (text[t.start..t.end].to_string(), t.value.clone())).collect();
    assert_eq!(got, gold);
}

/// Removes `<TIMEX3 value="...">...</TIMEX3>` tags, keeping (text, value).
fn strip_timeml(tml: &str) -> (String, Vec<(String, String)>) {
    let mut text = String::new();
    let mut gold = Vec::new();
    let mut rest = tml;
    while let Some(p) = rest.find("<TIMEX3") {
        text.push_str(&rest[..p]);
        let tag_end = rest[p..].find('>').unwrap() + p;
        let tag = &rest[p..tag_end];
        let v = tag.split("value=\"").nth(1).unwrap().split('"').next().unwrap();
        let close = rest[tag_end..].find("</TIMEX3>").unwrap() + tag_end;
        let inner = &rest[tag_end + 1..close];
        text.push_str(inner);
        gold.push((inner.to_string(), v.to_string()));
        rest = &rest[close + "</TIMEX3>".len()..];
    }
    text.push_str(rest);
    (text, gold)
}

#[test]
fn example_article_fixture() {
    let text = include_str!("../../../tests/fixtures/article.txt");
    let got = all(text, r("2017-04-12"));
    assert!(got.contains(&("4 April".to_string(), Date, "2017-04-04".to_string())), "{got:?}");
    assert!(got.contains(&("2016".to_string(), Date, "2016".to_string())), "{got:?}");
    assert!(got.contains(&("recently".to_string(), Date, "PAST_REF".to_string())), "{got:?}");
}

proptest::proptest! {
    #[test]
    fn any_text_gives_ordered_spans_on_char_boundaries(s in "(\\PC|[0-9 .,:'-]|April|the|last|ago|a\\.m\\.){0,40}") {
        let mut prev_end = 0;
        for t in find(&s, r("2017-04-12")) {
            proptest::prop_assert!(t.start < t.end && t.end <= s.len());
            proptest::prop_assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end));
            proptest::prop_assert!(t.start >= prev_end);
            prev_end = t.end;
        }
        let _ = find(&s, None);
        let _ = infer_dateline_date(&s);
    }
}
