//! Boilerplate in plain-text articles: scrapers often flatten a page into
//! text with photo galleries, share prompts, "Read more" links, bylines and
//! copyright lines mixed into the story. The `extract` stage calls
//! [`clean`] on plain-text input and builds the record's `text` from
//! [`CleanText::body`]; gallery captions become [`MediaItem`]s.

/// A picture attached to the article (a gallery slide or a figure).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MediaItem {
    /// Image address, when the source has one (HTML only).
    pub url: Option<String>,
    /// The caption without its credit.
    pub caption: Option<String>,
    /// Who owns the picture ("Getty", "AFP/Getty Images", "PA wire").
    pub credit: Option<String>,
    /// 1-based position in its gallery ("12/30" gives 12).
    pub position: Option<usize>,
    /// Number of slides in its gallery ("12/30" gives 30).
    pub count: Option<usize>,
}

/// Picture agencies and credit words recognised at the end of a caption,
/// longest first so "AFP/Getty Images" wins over "Getty Images".
const AGENCIES: &[&str] = &[
    "AFP via Getty Images",
    "AFP/Getty Images",
    "Getty Images",
    "REX/Shutterstock",
    "Rex Features",
    "Shutterstock",
    "AP Photo",
    "Associated Press",
    "PA Images",
    "PA Wire",
    "PA wire",
    "PA Media",
    "Reuters",
    "REUTERS",
    "Getty",
    "EPA-EFE",
    "EPA",
    "AFP",
    "Alamy",
    "Bloomberg",
    "Xinhua",
    "Anadolu Agency",
    "dpa",
    "Corbis",
    "PA",
    "AP",
];

/// Labels that introduce a credit inside a caption.
const CREDIT_LABELS: &[&str] =
    &["Photograph:", "Photo:", "Photos:", "Picture:", "Image:", "Credit:", "Foto:", "Bild:", "Photo by", "©"];

/// Splits a caption into (caption, credit) when it ends with a credit:
/// a label ("Photo: Jane Roe"), a parenthesised credit ("(AP Photo/Jo Bo)")
/// or a known agency name ("... Aleppo Getty"). Returns sub-slices of `s`.
pub fn split_credit(s: &str) -> (&str, Option<&str>) {
    let t = s.trim();
    // "(Photo: X)" or "(Reuters)" at the end.
    if t.ends_with(')') {
        if let Some(open) = t.rfind('(') {
            let inner = t.get(open + 1..t.len() - 1).unwrap_or("").trim();
            let labelled = CREDIT_LABELS.iter().any(|l| inner.starts_with(l));
            let agency = AGENCIES.iter().any(|a| inner.starts_with(a));
            if (labelled || agency) && inner.chars().count() <= 80 {
                let cap = t.get(..open).unwrap_or("").trim_end();
                return (cap, Some(strip_label(inner)));
            }
        }
    }
    for label in CREDIT_LABELS {
        if let Some(i) = t.rfind(label) {
            let after = t.get(i + label.len()..).unwrap_or("").trim();
            if !after.is_empty() && after.chars().count() <= 80 {
                let cap = t.get(..i).unwrap_or("").trim_end().trim_end_matches(['|', '/', '-']).trim_end();
                return (cap, Some(after));
            }
        }
    }
    for agency in AGENCIES {
        if let Some(head) = t.strip_suffix(agency) {
            let Some(before) = head.chars().last() else {
                return ("", Some(t));
            };
            if !(before.is_whitespace() || matches!(before, '/' | '|' | '.' | ',')) {
                continue;
            }
            // Extend over "AFP/" style co-credits glued to the agency.
            let mut start = head.len();
            if before == '/' {
                let word_start =
                    head.get(..head.len() - 1).and_then(|h| h.rfind(char::is_whitespace).map(|w| w + 1)).unwrap_or(0);
                start = word_start;
            }
            let cap = t.get(..start).unwrap_or("").trim_end();
            let credit = t.get(start..).unwrap_or("").trim();
            return (cap, Some(credit));
        }
    }
    (t, None)
}

fn strip_label(s: &str) -> &str {
    for l in CREDIT_LABELS {
        if let Some(r) = s.strip_prefix(l) {
            return r.trim();
        }
    }
    s
}

use std::ops::Range;

/// Why a paragraph is not part of the story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// A numbered gallery slide caption ("12/30 Syrian soldiers ... EPA").
    GalleryCaption,
    /// A gallery title ("In Pictures: ...", "Gallery: ...").
    GalleryHeader,
    /// A gallery control line ("30 show all", "View gallery").
    GalleryControl,
    /// A share or follow prompt ("Share this article", "Follow us on ...").
    Share,
    /// A newsletter or subscription prompt.
    Subscribe,
    /// A link to other content ("Read more: ...", "Related: ...").
    ReadMore,
    /// An advertisement marker ("Advertisement", "Sponsored").
    Advertisement,
    /// A byline ("By Jane Roe"); its names go to [`CleanText::byline`].
    Byline,
    /// A line holding only a date or time; kept in [`CleanText::dateline`].
    Dateline,
    /// A copyright notice.
    Copyright,
    /// A cookie or consent notice.
    Cookie,
    /// A line that already occurred earlier in the document.
    Repeated,
}

impl Reason {
    /// A stable snake_case name for logs and records.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::GalleryCaption => "gallery_caption",
            Reason::GalleryHeader => "gallery_header",
            Reason::GalleryControl => "gallery_control",
            Reason::Share => "share",
            Reason::Subscribe => "subscribe",
            Reason::ReadMore => "read_more",
            Reason::Advertisement => "advertisement",
            Reason::Byline => "byline",
            Reason::Dateline => "dateline",
            Reason::Copyright => "copyright",
            Reason::Cookie => "cookie",
            Reason::Repeated => "repeated",
        }
    }
}

/// The verdict on one paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Part of the story.
    Body,
    /// Not part of the story, for this reason.
    Boilerplate(Reason),
}

/// One paragraph of the input and its verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// Byte range of the paragraph in the input, whitespace trimmed.
    pub range: Range<usize>,
    /// Body or boilerplate.
    pub verdict: Verdict,
}

/// The result of [`clean`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CleanText {
    /// Every paragraph in input order with its verdict.
    pub paragraphs: Vec<Paragraph>,
    /// Gallery slides found among the paragraphs, in input order.
    pub media: Vec<MediaItem>,
    /// Person names from byline paragraphs.
    pub byline: Vec<String>,
    /// The first date line, as written.
    pub dateline: Option<String>,
}

impl CleanText {
    /// Byte ranges of the body paragraphs.
    pub fn body_ranges(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.paragraphs.iter().filter(|p| p.verdict == Verdict::Body).map(|p| p.range.clone())
    }

    /// The boilerplate paragraphs with their reasons.
    pub fn removed(&self) -> impl Iterator<Item = (Range<usize>, Reason)> + '_ {
        self.paragraphs.iter().filter_map(|p| match p.verdict {
            Verdict::Boilerplate(r) => Some((p.range.clone(), r)),
            Verdict::Body => None,
        })
    }

    /// The body text: the kept paragraphs of `text` (the same input given
    /// to [`clean`]) joined by a blank line.
    pub fn body(&self, text: &str) -> String {
        let mut out = String::new();
        for r in self.body_ranges() {
            if let Some(p) = text.get(r) {
                if !out.is_empty() {
                    out.push_str("\n\n");
                }
                out.push_str(p);
            }
        }
        out
    }
}

/// Splits text into paragraphs: blocks between blank lines, or single lines
/// when the text has no blank line at all. Ranges are trimmed byte ranges.
pub fn split_paragraphs(text: &str) -> Vec<Range<usize>> {
    let has_blank = text.contains("\n\n") || text.contains("\n\r\n") || lines_with_blank(text);
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let line_start = pos;
        pos += line.len();
        let trimmed = line.trim();
        if trimmed.is_empty() || !has_blank {
            if let Some(s) = start.take() {
                out.push(s..end);
            }
            if trimmed.is_empty() {
                continue;
            }
        }
        let lead = line.len() - line.trim_start().len();
        if start.is_none() {
            start = Some(line_start + lead);
        }
        end = line_start + line.trim_end().len();
        if !has_blank {
            if let Some(s) = start.take() {
                out.push(s..end);
            }
        }
    }
    if let Some(s) = start {
        out.push(s..end);
    }
    out
}

/// Whether some line consists of whitespace only.
fn lines_with_blank(text: &str) -> bool {
    let mut lines = text.lines();
    lines.next();
    lines.any(|l| l.trim().is_empty())
}

/// Reads "N/M rest" at the start of a caption: position, count and the rest.
fn slide_number(t: &str) -> Option<(usize, usize, &str)> {
    let (num, rest) = t.split_once(char::is_whitespace)?;
    let (a, b) = num.split_once('/')?;
    let pos: usize = a.parse().ok()?;
    let count: usize = b.parse().ok()?;
    if pos == 0 || pos > count || count > 1000 {
        return None;
    }
    Some((pos, count, rest.trim()))
}

fn starts_with_ci(t: &str, prefix: &str) -> bool {
    t.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "januar",
    "februar",
    "märz",
    "mai",
    "juni",
    "juli",
    "oktober",
    "dezember",
    "janvier",
    "février",
    "mars",
    "avril",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];
const DAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "lunes",
    "martes",
    "miércoles",
    "jueves",
    "viernes",
    "sábado",
    "domingo",
];
const DATE_WORDS: &[&str] = &[
    "published",
    "updated",
    "posted",
    "last",
    "modified",
    "on",
    "at",
    "am",
    "pm",
    "bst",
    "gmt",
    "utc",
    "cet",
    "cest",
    "est",
    "edt",
    "pst",
    "pdt",
    "et",
    "erstellt",
    "aktualisiert",
    "veröffentlicht",
    "zuletzt",
    "um",
    "uhr",
    "publié",
    "le",
    "mis",
    "à",
    "jour",
    "publicado",
    "actualizado",
    "el",
    "de",
    "del",
    "a",
    "las",
];

/// Whether a short line holds only a date or time ("Wednesday 12 April 2017
/// 18:30 BST", "Updated: 4/12/2017").
pub(crate) fn is_dateline(t: &str) -> bool {
    // A character takes at most four bytes: a longer text has more than 70 without counting.
    if t.len() > 70 * 4 || t.chars().count() > 70 {
        return false;
    }
    let words = || {
        t.split(|c: char| c.is_whitespace() || c == ',')
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
            .filter(|w| !w.is_empty())
    };
    // At most a fifth of the words may be other than date-like: counting them first lets most
    // short paragraphs ("Share this article") stop at their first word.
    let words_in_all = words().count();
    let mut date_like = 0;
    let mut total = 0;
    let mut has_anchor = false;
    for w in words() {
        total += 1;
        // Most words are short and ASCII: lower-cased on the stack rather than into a String.
        let mut stack = [0u8; 24];
        let heap;
        let lw: &str = match stack.get_mut(..w.len()).filter(|_| w.is_ascii()) {
            Some(buf) => {
                buf.copy_from_slice(w.as_bytes());
                buf.make_ascii_lowercase();
                std::str::from_utf8(buf).unwrap_or_default()
            }
            None => {
                heap = w.to_lowercase();
                &heap
            }
        };
        let numeric = w.chars().all(|c| c.is_ascii_digit() || matches!(c, ':' | '/' | '.' | '-'));
        let ordinal = ["st", "nd", "rd", "th"]
            .iter()
            .any(|s| lw.strip_suffix(s).is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit())));
        if MONTHS.contains(&lw) || numeric && w.len() == 4 {
            has_anchor = true;
        }
        // "23.10.2018": a day-first date with dots.
        if numeric && (w.contains(['/', '-']) || w.matches('.').count() == 2) && w.len() >= 6 {
            has_anchor = true;
        }
        if numeric || ordinal || MONTHS.contains(&lw) || DAYS.contains(&lw) || DATE_WORDS.contains(&lw) {
            date_like += 1;
        } else if (total - date_like) * 10 > words_in_all * 2 {
            return false;
        }
    }
    has_anchor && total > 0 && date_like * 10 >= total * 8
}

/// Classifies one trimmed paragraph on its own (repetition is handled by
/// the caller).
fn classify_one(t: &str) -> Verdict {
    use Verdict::Boilerplate as B;
    let lower = Lowered::new(t);
    // The characters: as many as the bytes in ASCII. Only compared with limits of at most 500,
    // which a text of more than four times as many bytes exceeds whatever its characters: such
    // a text is not counted.
    let n = if lower.ascii {
        t.len()
    } else if t.len() > 4 * 500 {
        usize::MAX
    } else {
        t.chars().count()
    };
    if slide_number(t).is_some() {
        return B(Reason::GalleryCaption);
    }
    // "30 show all ...", "View gallery", "Show all 12 photos".
    if let Some((num, rest)) = t.split_once(' ') {
        if num.chars().all(|c| c.is_ascii_digit()) && starts_with_ci(rest, "show all") {
            return B(Reason::GalleryControl);
        }
    }
    if n <= 60
        && ["view gallery", "show all", "enlarge", "open gallery", "launch gallery", "next slide", "previous slide"]
            .iter()
            .any(|p| starts_with_ci(t, p))
    {
        return B(Reason::GalleryControl);
    }
    if n <= 150
        && [
            "in pictures:",
            "in pictures -",
            "gallery:",
            "photo gallery",
            "in photos:",
            "pictures:",
            "photos:",
            "bildergalerie",
        ]
        .iter()
        .any(|p| starts_with_ci(t, p))
    {
        return B(Reason::GalleryHeader);
    }
    if n <= 40
        && ["advertisement", "sponsored", "sponsored content", "anzeige", "werbung", "publicité", "ad"]
            .contains(&lower.get().trim_end_matches([':', '.']))
    {
        return B(Reason::Advertisement);
    }
    if n <= 120 {
        if [
            "share this",
            "share on",
            "share via",
            "share:",
            "click to share",
            "tweet this",
            "follow us",
            "follow @",
            "like us on",
        ]
        .iter()
        .any(|p| lower.starts_with(p))
            || [
                "share",
                "tweet",
                "email",
                "print",
                "whatsapp",
                "facebook",
                "twitter",
                "pinterest",
                "linkedin",
                "comments",
            ]
            .contains(&lower.get().trim_end_matches([':', '.']))
        {
            return B(Reason::Share);
        }
        if ["sign up", "subscribe", "get our newsletter", "join our newsletter", "newsletter"]
            .iter()
            .any(|p| lower.starts_with(p))
        {
            return B(Reason::Subscribe);
        }
    }
    if n <= 200
        && [
            "read more",
            "related:",
            "related articles",
            "related stories",
            "related content",
            "more:",
            "see also",
            "click here",
            "also read",
            "read next",
            "more on this",
            "recommended:",
        ]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        return B(Reason::ReadMore);
    }
    if n <= 300 && (t.contains('©') || lower.starts_with("copyright") || lower.contains("all rights reserved")) {
        return B(Reason::Copyright);
    }
    if n <= 500
        && lower.contains("cookie")
        && ["use", "accept", "consent", "agree", "policy", "browsing"].iter().any(|w| lower.contains(w))
    {
        return B(Reason::Cookie);
    }
    if n <= 100
        && (starts_with_ci(t, "by ") || starts_with_ci(t, "written by "))
        && !crate::text::html::byline_names(t).is_empty()
    {
        return B(Reason::Byline);
    }
    if is_dateline(t) {
        return B(Reason::Dateline);
    }
    Verdict::Body
}

/// A paragraph and, made on first need, its lowercase form. The tests on the lowercase form
/// look for lowercase ASCII, which a paragraph answers without lowercasing it unless it holds
/// one of the few characters whose lowercase form adds ASCII ([`LOWERCASE_ADDS_ASCII`]): any
/// other character lowercases to characters outside ASCII, which no ASCII needle matches.
struct Lowered<'a> {
    text: &'a str,
    ascii: bool,
    /// Whether the text holds a character of [`LOWERCASE_ADDS_ASCII`], looked up on first need.
    adds_ascii: std::cell::OnceCell<bool>,
    lower: std::cell::OnceCell<String>,
}

impl<'a> Lowered<'a> {
    fn new(text: &'a str) -> Self {
        Lowered {
            text,
            ascii: text.is_ascii(),
            adds_ascii: std::cell::OnceCell::new(),
            lower: std::cell::OnceCell::new(),
        }
    }

    fn get(&self) -> &str {
        self.lower.get_or_init(|| if self.ascii { self.text.to_ascii_lowercase() } else { self.text.to_lowercase() })
    }

    /// Whether a test for lowercase ASCII can read the text itself, case-blind.
    fn ascii_tests_hold(&self) -> bool {
        self.ascii || !*self.adds_ascii.get_or_init(|| holds_lowercase_adding_ascii(self.text))
    }

    /// `to_lowercase(text).starts_with(prefix)` for a lowercase ASCII `prefix`.
    fn starts_with(&self, prefix: &str) -> bool {
        if self.ascii_tests_hold() {
            starts_with_ci(self.text, prefix)
        } else {
            self.get().starts_with(prefix)
        }
    }

    /// `to_lowercase(text).contains(needle)` for a lowercase ASCII `needle`.
    fn contains(&self, needle: &str) -> bool {
        if self.ascii_tests_hold() {
            contains_ascii_ci(self.text.as_bytes(), needle.as_bytes())
        } else {
            self.get().contains(needle)
        }
    }
}

/// Lowercase ASCII letters from the rarest to the most common in English text: the rarest
/// letter of a needle finds the fewest places to compare.
const LETTERS_RAREST_FIRST: &[u8; 26] = b"zqxjkvbpygfwmucldrhsnioate";

/// `haystack.to_ascii_lowercase()` contains `needle` (lowercase ASCII), without building the
/// lowercase copy: only where the needle's rarest letter occurs, in either case, is it compared.
fn contains_ascii_ci(haystack: &[u8], needle: &[u8]) -> bool {
    let Some(anchor) = LETTERS_RAREST_FIRST.iter().find_map(|letter| needle.iter().position(|byte| byte == letter))
    else {
        return needle.is_empty() || haystack.windows(needle.len()).any(|window| window.eq_ignore_ascii_case(needle));
    };
    let letter = needle[anchor];
    memchr::memchr2_iter(letter, letter.to_ascii_uppercase(), haystack).any(|at| {
        at.checked_sub(anchor)
            .and_then(|start| haystack.get(start..start + needle.len()))
            .is_some_and(|window| window.eq_ignore_ascii_case(needle))
    })
}

/// What two paragraphs share when one repeats the other: the words lowercased, single spaced.
fn repeat_key(t: &str) -> String {
    if !t.is_ascii() {
        // `str::to_lowercase` differs from lowercasing char by char only for a capital sigma,
        // whose lowercase depends on its neighbours.
        if t.contains('Σ') {
            return t.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        }
        let mut key = String::with_capacity(t.len());
        for word in t.split_whitespace() {
            if !key.is_empty() {
                key.push(' ');
            }
            for c in word.chars() {
                if c.is_ascii() {
                    key.push(c.to_ascii_lowercase());
                } else {
                    key.extend(c.to_lowercase());
                }
            }
        }
        return key;
    }
    // ASCII whitespace as `char::is_whitespace` has it: tab to carriage return, and space.
    let is_space = |byte: u8| matches!(byte, b'\t'..=b'\r' | b' ');
    let bytes = t.as_bytes();
    let mut key = Vec::with_capacity(t.len());
    let mut at = 0;
    while at < bytes.len() {
        if is_space(bytes[at]) {
            at += 1;
            continue;
        }
        // A run of words each separated by one plain space is copied whole.
        let start = at;
        at += 1;
        while at < bytes.len() {
            if !is_space(bytes[at]) {
                at += 1;
            } else if bytes[at] == b' ' && bytes.get(at + 1).is_some_and(|&next| !is_space(next)) {
                at += 2;
            } else {
                break;
            }
        }
        if !key.is_empty() {
            key.push(b' ');
        }
        key.extend_from_slice(&bytes[start..at]);
    }
    key.make_ascii_lowercase();
    String::from_utf8(key).unwrap_or_default()
}

/// A summary of [`repeat_key`]`(t)`: the first and the last [`SUMMARY_BYTES`] of the key's ASCII
/// bytes other than its spaces. Equal keys have equal summaries, so keys are only built where
/// summaries meet. Those bytes are the ASCII bytes of `t` outside whitespace, lowercased, except
/// for the only characters whose lowercase form adds ASCII ([`LOWERCASE_ADDS_ASCII`]), so most
/// paragraphs are summarised from a few bytes at either end, without building anything or
/// reading the middle.
fn repeat_summary(t: &str) -> Summary {
    if holds_lowercase_adding_ascii(t) {
        return key_summary(&repeat_key(t));
    }
    key_summary(t)
}

/// What [`repeat_summary`] gives: the first and the last bytes it reads, zero-padded.
type Summary = ([u8; SUMMARY_BYTES], [u8; SUMMARY_BYTES]);

/// Bytes read at either end by [`repeat_summary`].
const SUMMARY_BYTES: usize = 16;

/// The non-ASCII characters whose lowercase form holds an ASCII character: İ gives "i" and a
/// combining dot, the Kelvin sign "k".
const LOWERCASE_ADDS_ASCII: [char; 2] = ['\u{130}', '\u{212A}'];

/// `t.contains(LOWERCASE_ADDS_ASCII)`, by a vectorised search for the first bytes of the
/// characters rather than decoding every character.
fn holds_lowercase_adding_ascii(t: &str) -> bool {
    let [a, b] = LOWERCASE_ADDS_ASCII.map(|c| c.encode_utf8(&mut [0; 4]).as_bytes().first().copied().unwrap_or(0));
    memchr::memchr2_iter(a, b, t.as_bytes())
        .any(|at| t.get(at..).is_some_and(|rest| rest.starts_with(LOWERCASE_ADDS_ASCII)))
}

/// The summary of a built key, or of a text whose ASCII bytes outside whitespace, lowercased,
/// are those of its key (see [`repeat_summary`]).
fn key_summary(key: &str) -> Summary {
    let kept = |byte: u8| byte.is_ascii() && !matches!(byte, b'\t'..=b'\r' | b' ');
    let (mut head, mut tail) = ([0u8; SUMMARY_BYTES], [0u8; SUMMARY_BYTES]);
    // Plain loops that stop once the array is full: most of a paragraph is never read.
    let mut n = 0;
    for &byte in key.as_bytes() {
        if kept(byte) {
            let Some(slot) = head.get_mut(n) else { break };
            *slot = byte.to_ascii_lowercase();
            n += 1;
        }
    }
    let mut n = 0;
    for &byte in key.as_bytes().iter().rev() {
        if kept(byte) {
            let Some(slot) = tail.get_mut(n) else { break };
            *slot = byte.to_ascii_lowercase();
            n += 1;
        }
    }
    (head, tail)
}

/// Classifies every paragraph of `text` as body or boilerplate.
pub fn classify(text: &str) -> Vec<Paragraph> {
    let ranges = split_paragraphs(text);
    // Per summary of a repeat key, the last paragraph with it; per paragraph, the one before it
    // with the same summary: the chain of paragraphs whose keys can equal a paragraph's.
    // A fast hash: SipHash's resistance to chosen keys buys nothing for one page's paragraphs.
    let mut last_with = rustc_hash::FxHashMap::<Summary, usize>::default();
    let mut earlier_with: Vec<Option<usize>> = Vec::with_capacity(ranges.len());
    // Repeat keys, built on first need.
    let mut keys: Vec<Option<String>> = vec![None; ranges.len()];
    let mut out = Vec::with_capacity(ranges.len());
    for (index, range) in ranges.into_iter().enumerate() {
        let t = text.get(range.clone()).unwrap_or("");
        let mut verdict = classify_one(t);
        let earlier = last_with.insert(repeat_summary(t), index);
        earlier_with.push(earlier);
        // Repeated lines are page furniture (a second gallery title, a
        // sign-off); long repeated paragraphs keep their first copy.
        if earlier.is_some() && verdict == Verdict::Body {
            let key = repeat_key(t);
            let mut candidate = earlier;
            while let Some(other) = candidate {
                let Some(other_key) = keys.get_mut(other) else { break };
                let other_text = out.get(other).map_or("", |p: &Paragraph| text.get(p.range.clone()).unwrap_or(""));
                if *other_key.get_or_insert_with(|| repeat_key(other_text)) == key {
                    verdict = Verdict::Boilerplate(Reason::Repeated);
                    break;
                }
                candidate = earlier_with.get(other).copied().flatten();
            }
            if let Some(slot) = keys.get_mut(index) {
                *slot = Some(key);
            }
        }
        out.push(Paragraph { range, verdict });
    }
    out
}

/// The media item of a numbered gallery caption ("12/30 ... EPA").
pub fn gallery_media(caption: &str) -> Option<MediaItem> {
    let (position, count, rest) = slide_number(caption.trim())?;
    let (cap, credit) = split_credit(rest);
    Some(MediaItem {
        url: None,
        caption: Some(cap.to_string()).filter(|c| !c.is_empty()),
        credit: credit.map(str::to_string),
        position: Some(position),
        count: Some(count),
    })
}

/// Classifies the paragraphs of a plain-text article and collects the
/// gallery slides, bylines and the first date line.
pub fn clean(text: &str) -> CleanText {
    let paragraphs = classify(text);
    let mut out = CleanText::default();
    for p in &paragraphs {
        let t = text.get(p.range.clone()).unwrap_or("");
        match p.verdict {
            Verdict::Boilerplate(Reason::GalleryCaption) => out.media.extend(gallery_media(t)),
            Verdict::Boilerplate(Reason::Byline) => {
                for name in crate::text::html::byline_names(t) {
                    if !out.byline.contains(&name) {
                        out.byline.push(name);
                    }
                }
            }
            Verdict::Boilerplate(Reason::Dateline) if out.dateline.is_none() => {
                out.dateline = Some(t.to_string());
            }
            _ => {}
        }
    }
    out.paragraphs = paragraphs;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "By Jane Roe\n\nWednesday 12 April 2017 18:30 BST\n\n\
        The council met on Tuesday to discuss the new bridge, which has been delayed twice.\n\n\
        In Pictures: Bridges of the valley\n\n\
        12 show all In Pictures: Bridges of the valley\n\n\
        1/12 The old bridge at dawn, seen from the east bank Getty\n\n\
        2/12 Workers inspect the pillars AFP/Getty Images\n\n\
        Share this article\n\n\
        Read more: Why bridges fall down\n\n\
        “We will open it in May,” the mayor said.\n\n\
        In Pictures: Bridges of the valley\n\n\
        © 2017 Valley News. All rights reserved.";

    fn verdicts(text: &str) -> Vec<(String, Verdict)> {
        classify(text).into_iter().map(|p| (text[p.range].to_string(), p.verdict)).collect()
    }

    #[test]
    fn repeat_summaries_are_those_of_the_keys() {
        for t in [
            "",
            " ",
            "  In  Pictures:\tThe\u{0B}Valley ",
            "Über  ALLES",
            "KELVIN \u{212A} and \u{130}",
            "ΣΑΣ σας",
            "line\r\nbreak",
            "\u{1C}\u{1F}x",
            "a\u{A0}b\u{2003}c",
            "£5 off Ünïcode\u{85}NEL \u{2028} ΣΑΣ",
            &"Long ASCII paragraph, with Capitals and punctuation! ".repeat(5),
            "Ünïcode before the first sixteen ASCII bytes and after the last ones ÄÖÜ",
            "exactly sixteen!",
            "x",
        ] {
            assert_eq!(repeat_summary(t), key_summary(&repeat_key(t)), "{t:?}");
        }
    }

    #[test]
    fn paragraphs_sharing_their_ends_are_compared_whole() {
        let first = "The council met again on Tuesday: one middle, and the same end of it all";
        let second = "The council met again on Tuesday: another middle, and the same end of it all";
        assert_eq!(repeat_summary(first), repeat_summary(second));
        let text =
            format!("{first}\n\n{second}\n\nTHE COUNCIL met again  on Tuesday: one middle, and the same end of it all");
        let verdicts: Vec<Verdict> = classify(&text).into_iter().map(|p| p.verdict).collect();
        assert_eq!(verdicts, [Verdict::Body, Verdict::Body, Verdict::Boilerplate(Reason::Repeated)]);
    }

    #[test]
    fn the_byte_search_finds_the_characters_that_lowercase_to_ascii() {
        for t in
            ["", "plain", "İ", "x\u{212A}", "“quoted” ’ Ä \u{2129}\u{212B}", "\u{131}\u{12F}", "a\u{130}b", "Ünïcode"]
        {
            assert_eq!(holds_lowercase_adding_ascii(t), t.contains(LOWERCASE_ADDS_ASCII), "{t:?}");
        }
    }

    #[test]
    fn only_the_listed_characters_lowercase_to_ascii() {
        let adding: Vec<char> = (0x80..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|c| c.to_lowercase().any(|lower| lower.is_ascii()))
            .collect();
        assert_eq!(adding, LOWERCASE_ADDS_ASCII);
    }

    #[test]
    fn repeats_are_found_as_by_their_keys() {
        let text = "Share this\n\nA story.\n\nB story.\n\nshare  THIS\n\nA   story.\n\n                    A story!\n\nb story.\n\nÜber alles\n\nüBER ALLES\n\nB story.\n\nab story\n\nba story";
        let mut seen = std::collections::HashSet::new();
        let expected: Vec<Verdict> = split_paragraphs(text)
            .into_iter()
            .map(|range| {
                let t = &text[range];
                let verdict = classify_one(t);
                if !seen.insert(repeat_key(t)) && verdict == Verdict::Body {
                    Verdict::Boilerplate(Reason::Repeated)
                } else {
                    verdict
                }
            })
            .collect();
        let found: Vec<Verdict> = classify(text).into_iter().map(|p| p.verdict).collect();
        assert_eq!(found, expected);
        assert!(found.iter().filter(|v| **v == Verdict::Boilerplate(Reason::Repeated)).count() >= 4);
    }

    #[test]
    fn repetition_keys_fold_case_and_space() {
        assert_eq!(repeat_key("  In  Pictures:\tThe\u{0B}Valley "), "in pictures: the valley");
        assert_eq!(repeat_key("Über  ALLES"), "über alles");
        assert_eq!(repeat_key(""), "");
    }

    #[test]
    fn case_blind_search_agrees_with_lowercasing() {
        let haystacks = [
            "",
            "k",
            "Cookie",
            "We use COOKIES to improve browsing.",
            "cooki",
            "okie cookie",
            "All Rights Reserved 2024",
            "all rights reserve",
            "reserved rights all",
            "kkkk cookiecookie",
            "Kelvin: 3 K, 12 km",
        ];
        let needles = ["cookie", "all rights reserved", "use", "agree", "k", "12 k", "3 ", "", "zzz"];
        for haystack in haystacks {
            for needle in needles {
                assert_eq!(
                    contains_ascii_ci(haystack.as_bytes(), needle.as_bytes()),
                    haystack.to_ascii_lowercase().contains(needle),
                    "{haystack:?} {needle:?}"
                );
            }
        }
    }

    #[test]
    fn lowered_contains_agrees_on_ascii_and_other_text() {
        let texts = [
            "Cookie policy",
            "Ünsere Cookie-Richtlinie",
            "KELVIN \u{212A}OOKIE",
            "\u{212A}ookie",
            "plain text",
            "ÉCOPYRIGHT © Über",
            "Copyright © 2017 Zeitung für Ärzte",
            "İstanbul copyright",
            "\u{130}nfo: read more",
            "ΣΑΣ share this ΣΣ",
            "Share\u{a0}this 日本語",
            "",
        ];
        for text in texts {
            let lowered = Lowered::new(text);
            for needle in
                ["cookie", "policy", "richtlinie", "kookie", "copyright", "i", "istanbul", "nfo", "share this", ""]
            {
                let lower = text.to_lowercase();
                assert_eq!(lowered.contains(needle), lower.contains(needle), "{text:?} {needle:?}");
                assert_eq!(lowered.starts_with(needle), lower.starts_with(needle), "{text:?} {needle:?}");
            }
        }
    }

    #[test]
    fn long_texts_classify_as_when_counted() {
        // The character count is skipped past 2000 bytes; such texts meet no length limit.
        for text in ["Share this ".repeat(200), "© ".repeat(700), "é".repeat(1001), "cookie use ".repeat(190)] {
            assert!(text.len() > 2000);
            assert!(text.chars().count() > 500);
            assert_eq!(classify_one(&text), Verdict::Body, "{:?}", &text[..20]);
        }
    }

    #[test]
    fn long_paragraphs_are_no_datelines() {
        let long = "Monday 12 April 2017 ".repeat(20);
        assert!(!is_dateline(&long));
        assert!(is_dateline("Monday 12 April 2017"));
        let wide = "é".repeat(71);
        assert!(!is_dateline(&wide));
    }

    #[test]
    fn story_paragraphs_stay() {
        let c = clean(SAMPLE);
        assert_eq!(
            c.body(SAMPLE),
            "The council met on Tuesday to discuss the new bridge, which has been delayed twice.\n\n\
             “We will open it in May,” the mayor said."
        );
    }

    #[test]
    fn each_boilerplate_kind_has_its_reason() {
        let v = verdicts(SAMPLE);
        let reason = |prefix: &str| v.iter().find(|(t, _)| t.starts_with(prefix)).map(|(_, v)| *v);
        use Verdict::Boilerplate as B;
        assert_eq!(reason("By Jane"), Some(B(Reason::Byline)));
        assert_eq!(reason("Wednesday"), Some(B(Reason::Dateline)));
        assert_eq!(reason("In Pictures"), Some(B(Reason::GalleryHeader)));
        assert_eq!(reason("12 show all"), Some(B(Reason::GalleryControl)));
        assert_eq!(reason("1/12"), Some(B(Reason::GalleryCaption)));
        assert_eq!(reason("Share this"), Some(B(Reason::Share)));
        assert_eq!(reason("Read more"), Some(B(Reason::ReadMore)));
        assert_eq!(reason("©"), Some(B(Reason::Copyright)));
    }

    #[test]
    fn gallery_captions_become_media() {
        let c = clean(SAMPLE);
        assert_eq!(c.media.len(), 2);
        assert_eq!(c.media[0].position, Some(1));
        assert_eq!(c.media[0].count, Some(12));
        assert_eq!(c.media[0].credit.as_deref(), Some("Getty"));
        assert_eq!(c.media[0].caption.as_deref(), Some("The old bridge at dawn, seen from the east bank"));
        assert_eq!(c.media[1].credit.as_deref(), Some("AFP/Getty Images"));
    }

    #[test]
    fn byline_and_dateline_are_kept_as_metadata() {
        let c = clean(SAMPLE);
        assert_eq!(c.byline, vec!["Jane Roe"]);
        assert_eq!(c.dateline.as_deref(), Some("Wednesday 12 April 2017 18:30 BST"));
    }

    #[test]
    fn repeated_lines_are_boilerplate() {
        let text = "Opening line of the story.\n\nA sign-off line\n\nMore story here, with detail.\n\nA sign-off line";
        let v = verdicts(text);
        assert_eq!(v[1].1, Verdict::Body);
        assert_eq!(v[3].1, Verdict::Boilerplate(Reason::Repeated));
    }

    #[test]
    fn credits_split_off_captions() {
        assert_eq!(split_credit("A camp near the border PA wire"), ("A camp near the border", Some("PA wire")));
        assert_eq!(split_credit("Smoke rises over the city Reuters"), ("Smoke rises over the city", Some("Reuters")));
        assert_eq!(split_credit("The square at night (Photo: Ann Lee)"), ("The square at night", Some("Ann Lee")));
        assert_eq!(split_credit("A quiet street"), ("A quiet street", None));
        // An agency name glued to a word is not a credit.
        assert_eq!(split_credit("He met the GAP"), ("He met the GAP", None));
    }

    #[test]
    fn datelines_in_several_languages() {
        assert!(is_dateline("Erstellt am Dienstag 6. Mai 2014"));
        assert!(is_dateline("Publié le 12 mars 2020 à 10:15"));
        assert!(is_dateline("Updated: 4/12/2017"));
        assert!(is_dateline("23.10.2018"));
        assert!(!is_dateline("Grenzwert der Richtlinie 2014/79/EU"));
        assert!(!is_dateline("Die Saison 2014"));
    }

    #[test]
    fn repeat_key_is_the_lowercased_words_single_spaced() {
        for t in [
            "",
            "  ",
            "Plain ASCII  words\there",
            "Zürich’s “Old Town”\u{a0}at  dawn",
            "İstanbul ǅemal ΣΑΣ ΟΔΟΣ. Σ",
            "\u{2003}Ünïcode\n\n TEXT ",
            "ß ẞ ﬁ",
        ] {
            assert_eq!(repeat_key(t), t.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase(), "{t:?}");
        }
    }

    #[test]
    fn dateline_early_exit_agrees_with_counting_every_word() {
        // The share test of `is_dateline` over all words, without stopping early.
        fn counted(t: &str) -> bool {
            if t.chars().count() > 70 {
                return false;
            }
            let (mut date_like, mut total, mut has_anchor) = (0, 0, false);
            for w in t.split(|c: char| c.is_whitespace() || c == ',') {
                let w = w.trim_matches(|c: char| !c.is_alphanumeric());
                if w.is_empty() {
                    continue;
                }
                total += 1;
                let lw = w.to_lowercase();
                let numeric = w.chars().all(|c| c.is_ascii_digit() || matches!(c, ':' | '/' | '.' | '-'));
                let ordinal = ["st", "nd", "rd", "th"].iter().any(|s| {
                    lw.strip_suffix(s).is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
                });
                let month = MONTHS.contains(&lw.as_str());
                if month || numeric && w.len() == 4 {
                    has_anchor = true;
                }
                if numeric && (w.contains(['/', '-']) || w.matches('.').count() == 2) && w.len() >= 6 {
                    has_anchor = true;
                }
                if numeric || ordinal || month || DAYS.contains(&lw.as_str()) || DATE_WORDS.contains(&lw.as_str()) {
                    date_like += 1;
                }
            }
            has_anchor && total > 0 && date_like * 10 >= total * 8
        }
        for t in [
            "",
            ",,, ...",
            "Share this article",
            "12 April 2017",
            "Wednesday 12 April 2017 18:30 BST",
            "Wednesday 12 April 2017 18:30 BST by",
            "by Wednesday 12 April 2017 18:30 BST",
            "Updated 12 April 2017, 18:30 GMT, last",
            "Monday, 3rd March 2014 Monday Monday Monday x",
            "x Monday, 3rd March 2014 Monday Monday Monday Monday",
            "Publié le 12 mars 2020 à 10:15",
            "Ünïcode 12 März 2020 Straße",
            "23.10.2018",
            "WEDNESDAY 12 APRIL 2017 18:30 BST",
            "VERÖFFENTLICHT 12 MÄRZ 2020 UM 10:15 UHR",
            "Aktualisiert: 12.03.2020, 10:15 Uhr",
            "averyveryveryverylongwordhere 2017 12 April",
            "12 April 2017 averyveryveryverylongwordhere",
            "12 APRIL 2017 1234567890123456789012345",
        ] {
            assert_eq!(is_dateline(t), counted(t), "{t:?}");
        }
    }

    #[test]
    fn sentences_mentioning_dates_are_body() {
        let v = verdicts("On 12 April 2017 Russia vetoed the resolution.\n\nShare on Twitter");
        assert_eq!(v[0].1, Verdict::Body);
    }

    #[test]
    fn single_newlines_split_when_no_blank_line() {
        assert_eq!(split_paragraphs("one\ntwo\n  three  \n"), vec![0..3, 4..7, 10..15]);
        assert_eq!(split_paragraphs("one\nstill one\n\ntwo"), vec![0..13, 15..18]);
    }

    #[test]
    fn empty_and_odd_input_does_not_panic() {
        for s in ["", "\n\n\n", "1/0 x", "0/5 y", "99999999999999999999/3 z", "é\n\né"] {
            let c = clean(s);
            let _ = c.body(s);
        }
    }
}
