//! The annotated body of one record: the text with every span of the record (entity mentions,
//! quotes, dates, amounts) wrapped in an element, built by one walk over the text.
//!
//! Spans are `[start, end)` in code points. They are sorted (outer before inner), and a stack of
//! open elements keeps the HTML well-formed: when a span ends while spans opened inside it are
//! still open (crossing spans), those are closed and reopened as continuation pieces that carry
//! the same `data-s` number, so a reader (or the page's self-check) can join them. A span that
//! falls outside the text, or is empty or reversed, is not drawn; it is counted and reported.

use std::cmp::Reverse;
use std::io::{self, Write};

use super::html::{escape, write_escaped};

/// What a span marks; also the nesting order for spans with the same bounds (quote outermost).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A quotation.
    Quote,
    /// An entity mention.
    Entity,
    /// A temporal expression.
    Date,
    /// A number with what it counts.
    Amount,
}

/// One span to draw.
#[derive(Clone, Debug)]
pub struct Annotation {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// What it marks.
    pub kind: Kind,
    /// CSS classes besides the kind's own (e.g. `t-PER`).
    pub class: String,
    /// The tooltip: shown on hover (`title`) and on keyboard focus.
    pub tip: String,
    /// A short visible label written after the span (`PER`, the speaker's name), so the type is
    /// told in text and not by colour alone.
    pub label: String,
    /// The surface text the record claims for the span (`data-x`, checked by the page).
    pub expect: String,
}

/// What the walk found wrong.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Warnings {
    /// Spans not drawn: outside the text, empty or reversed.
    pub out_of_range: usize,
    /// Spans drawn whose surface text in the record differs from the text at their offsets.
    pub mismatched: usize,
}

impl Kind {
    fn class(self) -> &'static str {
        match self {
            Kind::Quote => "quote",
            Kind::Entity => "ent",
            Kind::Date => "date",
            Kind::Amount => "amt",
        }
    }

    fn tag(self) -> &'static str {
        match self {
            Kind::Entity => "mark",
            _ => "span",
        }
    }

    fn label_class(self) -> &'static str {
        match self {
            Kind::Quote => "spk",
            _ => "lbl",
        }
    }
}

/// Writes `text` with `annotations` drawn as nested elements, each piece escaped.
///
/// # Errors
/// When `out` fails.
pub fn write_annotated<W: Write + ?Sized>(
    out: &mut W,
    text: &str,
    annotations: &mut [Annotation],
) -> io::Result<Warnings> {
    let chars = text.chars().count();
    let mut warnings = Warnings::default();
    // Drawn spans first, sorted by start, longer (outer) first, then by kind.
    annotations.sort_by_key(|a| (a.start >= a.end || a.end > chars, a.start, Reverse(a.end), a.kind));
    let valid = annotations.iter().take_while(|a| a.start < a.end && a.end <= chars).count();
    warnings.out_of_range = annotations.len() - valid;
    let anns = &annotations[..valid];

    // Every position where an element opens or closes, with its byte offset, in one pass.
    let mut points: Vec<usize> = anns.iter().flat_map(|a| [a.start, a.end]).collect();
    points.sort_unstable();
    points.dedup();
    let mut bytes = Vec::with_capacity(points.len());
    let mut next = 0;
    for (cp, (byte, _)) in text.char_indices().enumerate() {
        while next < points.len() && points[next] == cp {
            bytes.push(byte);
            next += 1;
        }
    }
    // Positions equal to the length map to the end of the text.
    bytes.resize(points.len(), text.len());

    let mut stack: Vec<usize> = Vec::new();
    let mut opened = 0;
    let mut cursor = 0;
    for (&p, &byte) in points.iter().zip(&bytes) {
        write_escaped(out, text.get(cursor..byte).unwrap_or_default())?;
        cursor = byte;
        if let Some(lowest) = stack.iter().position(|&i| anns[i].end == p) {
            let popped: Vec<usize> = stack.drain(lowest..).collect();
            for &i in popped.iter().rev() {
                write!(out, "</{}>", anns[i].kind.tag())?;
                if anns[i].end == p {
                    write_label(out, &anns[i])?;
                }
            }
            for &i in popped.iter().filter(|&&i| anns[i].end > p) {
                write_open(out, &anns[i], i, Piece::Continued)?;
                stack.push(i);
            }
        }
        while opened < anns.len() && anns[opened].start == p {
            let a = &anns[opened];
            let surface: String = text.get(byte..).unwrap_or_default().chars().take(a.end - a.start).collect();
            let piece = if surface == a.expect {
                Piece::First
            } else {
                warnings.mismatched += 1;
                Piece::FirstMismatched
            };
            write_open(out, a, opened, piece)?;
            stack.push(opened);
            opened += 1;
        }
    }
    write_escaped(out, text.get(cursor..).unwrap_or_default())?;
    Ok(warnings)
}

/// How a piece of a span opens.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Piece {
    /// The first piece, whose surface text matches the record.
    First,
    /// The first piece, whose surface text differs from the record's.
    FirstMismatched,
    /// A piece reopened after a crossing span closed.
    Continued,
}

/// The opening tag; the first piece of a span carries the tooltip, focus and expected text.
fn write_open<W: Write + ?Sized>(out: &mut W, a: &Annotation, n: usize, piece: Piece) -> io::Result<()> {
    let (tag, kind, extra) = (a.kind.tag(), a.kind.class(), &a.class);
    let more = match piece {
        Piece::First => "",
        Piece::FirstMismatched => " mismatch",
        Piece::Continued => " cont",
    };
    write!(out, "<{tag} class=\"a {kind} {extra}{more}\" data-s=\"{n}\"")?;
    if piece == Piece::Continued {
        return out.write_all(b">");
    }
    let tip = escape(&a.tip);
    write!(out, " tabindex=\"0\" title=\"{tip}\" data-x=\"{}\">", escape(&a.expect))
}

fn write_label<W: Write + ?Sized>(out: &mut W, a: &Annotation) -> io::Result<()> {
    if a.label.is_empty() {
        return Ok(());
    }
    write!(out, "<small class=\"{}\">{}</small>", a.kind.label_class(), escape(&a.label))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann(start: usize, end: usize, kind: Kind, expect: &str) -> Annotation {
        Annotation {
            start,
            end,
            kind,
            class: String::new(),
            tip: format!("tip {expect}"),
            label: String::new(),
            expect: expect.into(),
        }
    }

    fn render(text: &str, anns: &mut [Annotation]) -> (String, Warnings) {
        let mut out = Vec::new();
        let w = write_annotated(&mut out, text, anns).unwrap();
        (String::from_utf8(out).unwrap(), w)
    }

    /// The text with every tag removed and the label elements dropped, entities decoded.
    fn plain(html: &str) -> String {
        let mut s = String::new();
        let mut rest = html;
        while let Some(at) = rest.find("<small") {
            s.push_str(&rest[..at]);
            let close = rest[at..].find("</small>").unwrap() + at + "</small>".len();
            rest = &rest[close..];
        }
        s.push_str(rest);
        let mut out = String::new();
        let mut in_tag = false;
        for c in s.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                _ if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    /// Tags open and close in LIFO order.
    fn well_formed(html: &str) -> bool {
        let mut stack = Vec::new();
        let mut rest = html;
        while let Some(at) = rest.find('<') {
            let end = rest[at..].find('>').unwrap() + at;
            let tag = &rest[at + 1..end];
            if let Some(name) = tag.strip_prefix('/') {
                if stack.pop() != Some(name.to_string()) {
                    return false;
                }
            } else {
                stack.push(tag.split(' ').next().unwrap().to_string());
            }
            rest = &rest[end + 1..];
        }
        stack.is_empty()
    }

    #[test]
    fn offsets_are_code_points_not_bytes() {
        let text = "“Grüße” from Zürich";
        let (html, w) = render(text, &mut [ann(13, 19, Kind::Entity, "Zürich")]);
        assert_eq!(w, Warnings::default());
        assert!(html.contains(">Zürich</mark>"), "{html}");
        assert_eq!(plain(&html), text);
    }

    #[test]
    fn mention_inside_quote_nests() {
        let text = "He said “Moscow is far” today.";
        let mut anns = [ann(9, 22, Kind::Quote, "Moscow is far"), ann(9, 15, Kind::Entity, "Moscow")];
        anns[0].label = "Lavrov".into();
        anns[1].label = "LOC".into();
        let (html, _) = render(text, &mut anns);
        assert!(well_formed(&html), "{html}");
        let quote = html.find("class=\"a quote").unwrap();
        let mention = html.find("class=\"a ent").unwrap();
        assert!(quote < mention, "quote must be the outer element: {html}");
        assert!(
            html.contains(
                "Moscow</mark><small class=\"lbl\">LOC</small> is far</span><small class=\"spk\">Lavrov</small>"
            ),
            "{html}"
        );
        assert_eq!(plain(&html), text);
    }

    #[test]
    fn crossing_spans_are_split_and_stay_well_formed() {
        let text = "abcdefghij";
        // [2,6) and [4,8) cross; [4,8) is closed at 6 and reopened as a continuation.
        let (html, w) = render(text, &mut [ann(2, 6, Kind::Date, "cdef"), ann(4, 8, Kind::Amount, "efgh")]);
        assert_eq!(w, Warnings::default());
        assert!(well_formed(&html), "{html}");
        assert!(html.contains("class=\"a amt  cont\" data-s=\"1\">gh</span>"), "{html}");
        assert_eq!(plain(&html), text);
    }

    #[test]
    fn spans_ending_together_close_innermost_first() {
        let text = "one two three";
        let (html, _) = render(text, &mut [ann(4, 13, Kind::Quote, "two three"), ann(8, 13, Kind::Entity, "three")]);
        assert!(well_formed(&html), "{html}");
        assert!(html.ends_with("three</mark></span>"), "{html}");
    }

    #[test]
    fn out_of_range_and_empty_spans_are_skipped_and_counted() {
        let text = "short";
        let (html, w) = render(
            text,
            &mut [
                ann(2, 40, Kind::Entity, "x"),
                ann(3, 3, Kind::Date, ""),
                ann(4, 2, Kind::Date, ""),
                ann(0, 5, Kind::Quote, "short"),
            ],
        );
        assert_eq!(w.out_of_range, 3);
        assert!(well_formed(&html), "{html}");
        assert_eq!(plain(&html), text);
        assert_eq!(html.matches("class=\"a ").count(), 1);
    }

    #[test]
    fn surface_mismatch_is_flagged() {
        let (html, w) = render("Paris and Rome", &mut [ann(0, 5, Kind::Entity, "Rome")]);
        assert_eq!(w.mismatched, 1);
        assert!(html.contains("mismatch"), "{html}");
    }

    #[test]
    fn markup_in_text_and_tooltips_is_escaped() {
        let text = "<script>alert(1)</script> & Bob";
        let mut anns = [ann(28, 31, Kind::Entity, "Bob")];
        anns[0].tip = "\"><img src=x onerror=alert(1)>".into();
        let (html, _) = render(text, &mut anns);
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.starts_with("&lt;script&gt;alert(1)&lt;/script&gt; &amp; <mark"), "{html}");
        assert_eq!(plain(&html), text);
    }

    proptest::proptest! {
        /// Any spans, in range or not, crossing or not, give well-formed HTML that holds the
        /// text unchanged.
        #[test]
        fn any_spans_give_well_formed_html(
            text in "[a-zü“” <&>🚢]{0,40}",
            spans in proptest::collection::vec((0usize..45, 0usize..45, 0u8..4), 0..12),
        ) {
            let kinds = [Kind::Quote, Kind::Entity, Kind::Date, Kind::Amount];
            let mut anns: Vec<Annotation> =
                spans.iter().map(|&(s, e, k)| ann(s, e, kinds[usize::from(k)], "")).collect();
            let (html, w) = render(&text, &mut anns);
            proptest::prop_assert!(well_formed(&html), "{}", html);
            proptest::prop_assert_eq!(plain(&html), text.clone());
            let n = text.chars().count();
            let bad = spans.iter().filter(|&&(s, e, _)| s >= e || e > n).count();
            proptest::prop_assert_eq!(w.out_of_range, bad);
        }
    }
}
