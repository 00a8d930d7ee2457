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
const CREDIT_LABELS: &[&str] = &[
    "Photograph:",
    "Photo:",
    "Photos:",
    "Picture:",
    "Image:",
    "Credit:",
    "Foto:",
    "Bild:",
    "Photo by",
    "©",
];

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
                let cap = t
                    .get(..i)
                    .unwrap_or("")
                    .trim_end()
                    .trim_end_matches(['|', '/', '-'])
                    .trim_end();
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
                let word_start = head
                    .get(..head.len() - 1)
                    .and_then(|h| h.rfind(char::is_whitespace).map(|w| w + 1))
                    .unwrap_or(0);
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
