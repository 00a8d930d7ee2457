//! Page metadata: title, byline, dates, site, canonical URL, language,
//! description and lead image, read from `<meta>`, `<link>`, JSON-LD and
//! the markup. Sources are ranked by how reliably publishers fill them.

use scraper::node::Element;
use scraper::{Html, Node as SNode};
use serde_json::Value;

/// Metadata read from one page, before the body is chosen.
#[derive(Debug, Default, Clone)]
pub(crate) struct Meta {
    pub title: Option<String>,
    pub h1: Vec<String>,
    pub byline: Vec<String>,
    pub published: Option<String>,
    pub site: Option<String>,
    pub canonical_url: Option<String>,
    pub lang: Option<String>,
    pub description: Option<String>,
    pub image: Option<String>,
}

/// Raw values gathered in one sweep over the document.
#[derive(Default)]
struct Raw {
    /// `(key, content)` of `<meta>`; key is the lower-cased name/property/itemprop.
    metas: Vec<(String, String)>,
    canonical: Option<String>,
    title: Option<String>,
    html_lang: Option<String>,
    jsonld: Vec<Value>,
    time: Option<String>,
    h1: Vec<String>,
    author_texts: Vec<String>,
}

/// Text of an element's subtree, whitespace collapsed, capped at `cap` chars.
fn element_text(node: ego_node::NodeRef<'_>, cap: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    for d in node.descendants() {
        if let SNode::Text(t) = d.value() {
            for c in t.chars() {
                if n >= cap {
                    return collapse(&out);
                }
                out.push(c);
                n += 1;
            }
        }
    }
    collapse(&out)
}

/// Collapses whitespace runs to one space and trims.
pub(crate) fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

mod ego_node {
    /// The node handle type of scraper's tree.
    pub type NodeRef<'a> = ego_tree::NodeRef<'a, scraper::Node>;
}

/// ASCII case-insensitive substring test without allocating.
fn contains_ci(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// Whether the element is marked as holding the author's name.
fn is_author_marked(el: &Element) -> bool {
    el.attrs().any(|(name, value)| match name {
        "rel" | "itemprop" => value.trim().eq_ignore_ascii_case("author"),
        "class" | "id" => {
            contains_ci(value, "byline")
                || contains_ci(value, "author-name")
                || contains_ci(value, "authorname")
                || value
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|t| t.eq_ignore_ascii_case("author") || t.eq_ignore_ascii_case("authors"))
        }
        _ => false,
    })
}

/// Lower-cases a meta name and writes `dc.title` as `dc:title`.
fn meta_key(k: &str) -> String {
    k.trim().to_lowercase().replace('.', ":")
}

/// Removes the CDATA or comment wrapper some sites put around JSON-LD.
fn strip_cdata(s: &str) -> &str {
    let mut t = s.trim();
    for (open, close) in [("//<![CDATA[", "//]]>"), ("<![CDATA[", "]]>"), ("<!--", "-->")] {
        if let Some(rest) = t.strip_prefix(open) {
            t = rest.trim();
            t = t.strip_suffix(close).unwrap_or(t).trim();
        }
    }
    t
}

fn sweep(html: &Html) -> Raw {
    let mut raw = Raw::default();
    for node in html.tree.nodes() {
        let SNode::Element(el) = node.value() else {
            continue;
        };
        match el.name() {
            "meta" => {
                let Some(c) = el.attr("content") else {
                    continue;
                };
                let c = collapse(c);
                if c.is_empty() || raw.metas.len() >= 500 {
                    continue;
                }
                // `property` may list several names ("og:title dc:title").
                let mut keys: Vec<&str> =
                    el.attr("property").map(|p| p.split_whitespace().collect()).unwrap_or_default();
                keys.extend(el.attr("name").or_else(|| el.attr("itemprop")).or_else(|| el.attr("http-equiv")));
                for k in keys {
                    raw.metas.push((meta_key(k), c.clone()));
                }
            }
            "link" => {
                let rel = el.attr("rel").unwrap_or("").to_ascii_lowercase();
                if rel.split_whitespace().any(|r| r == "canonical") && raw.canonical.is_none() {
                    raw.canonical = el.attr("href").map(|h| h.trim().to_string());
                }
            }
            "title" if raw.title.is_none() => {
                let t = element_text(node, 1000);
                if !t.is_empty() {
                    raw.title = Some(t);
                }
            }
            "html" if raw.html_lang.is_none() => {
                raw.html_lang = el
                    .attr("lang")
                    .or_else(|| el.attr("xml:lang"))
                    .map(|l| l.trim().to_string())
                    .filter(|l| !l.is_empty());
            }
            "script"
                if raw.jsonld.len() < 20
                    && el.attr("type").is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json")) =>
            {
                let mut src = String::new();
                for c in node.children() {
                    if let SNode::Text(t) = c.value() {
                        src.push_str(t);
                    }
                }
                if let Ok(v) = serde_json::from_str::<Value>(strip_cdata(&src)) {
                    raw.jsonld.push(v);
                }
            }
            "time" if raw.time.is_none() => {
                raw.time = el.attr("datetime").map(|d| d.trim().to_string()).filter(|d| d.len() >= 8);
            }
            "h1" if raw.h1.len() < 5 => {
                let t = element_text(node, 400);
                if !t.is_empty() {
                    raw.h1.push(t);
                }
            }
            _ => {}
        }
        if raw.author_texts.len() < 10 && is_author_marked(el) && el.name() != "meta" {
            let t = element_text(node, 200);
            if !t.is_empty() {
                raw.author_texts.push(t);
            }
        }
    }
    raw
}

/// JSON-LD `@type` values of articles.
fn is_article_type(v: &Value) -> bool {
    let check = |s: &str| {
        let s = s.to_ascii_lowercase();
        s.contains("article") || s == "blogposting" || s == "report" || s == "posting"
    };
    match v.get("@type") {
        Some(Value::String(s)) => check(s),
        Some(Value::Array(a)) => a.iter().any(|t| t.as_str().is_some_and(check)),
        _ => false,
    }
}

/// Collects article objects from JSON-LD (top level, arrays, `@graph`).
fn jsonld_articles<'v>(v: &'v Value, out: &mut Vec<&'v Value>, depth: usize) {
    if depth > 4 || out.len() > 10 {
        return;
    }
    match v {
        Value::Array(a) => {
            for x in a {
                jsonld_articles(x, out, depth + 1);
            }
        }
        Value::Object(o) => {
            if is_article_type(v) {
                out.push(v);
            }
            if let Some(g) = o.get("@graph") {
                jsonld_articles(g, out, depth + 1);
            }
        }
        _ => {}
    }
}

fn json_str(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(collapse(s)).filter(|s| !s.is_empty()),
        Value::Array(a) => a.iter().find_map(|x| json_str(Some(x))),
        Value::Object(o) => json_str(o.get("url").or_else(|| o.get("@id"))),
        _ => None,
    }
}

fn json_names(v: Option<&Value>, out: &mut Vec<String>) {
    match v {
        Some(Value::String(s)) => out.push(collapse(s)),
        Some(Value::Array(a)) => {
            for x in a.iter().take(10) {
                json_names(Some(x), out);
            }
        }
        Some(Value::Object(o)) => {
            let is_org = o.get("@type").and_then(Value::as_str).is_some_and(|t| t.eq_ignore_ascii_case("organization"));
            if !is_org {
                if let Some(Value::String(n)) = o.get("name") {
                    out.push(collapse(n));
                }
            }
        }
        _ => {}
    }
}

impl Raw {
    fn meta(&self, keys: &[&str]) -> Option<String> {
        keys.iter().find_map(|k| {
            let k = meta_key(k);
            self.metas.iter().find(|(mk, _)| *mk == k).map(|(_, c)| c.clone())
        })
    }
}

/// Words that show a byline names a desk or a call to action, not a person.
const NOT_PERSON: &[&str] = &[
    "staff",
    "reporter",
    "reporters",
    "editor",
    "editors",
    "editorial",
    "correspondent",
    "news",
    "agency",
    "agencies",
    "press",
    "associated",
    "team",
    "desk",
    "email",
    "e-mail",
    "author",
    "authors",
    "writer",
    "writers",
    "contributor",
    "contributors",
    "online",
    "digital",
    "newsroom",
    "admin",
    "administrator",
    "redaktion",
    "follow",
    "twitter",
    "updated",
    "published",
    "posted",
    "view",
    "profile",
    "more",
    "articles",
    "by",
    "wire",
    "services",
    "media",
    "group",
    "guest",
    "http",
    "www",
    "read",
    "bio",
    "photo",
    "photos",
    "video",
];

/// Lower-case name particles allowed inside a person's name.
const PARTICLES: &[&str] = &[
    "de", "da", "di", "del", "della", "van", "von", "der", "den", "le", "la", "al", "el", "bin", "ibn", "du", "dos",
    "das", "y", "zu", "ter", "ten", "st.",
];

/// Whether `s` reads as one person's name ("Anna van der Berg", "J. R. Smith").
pub(crate) fn is_person_name(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.len() < 2 || words.len() > 5 || s.chars().count() > 60 {
        return false;
    }
    if s.chars().any(|c| c.is_ascii_digit() || matches!(c, '@' | '|' | ':' | '/' | '#' | '(' | ')')) {
        return false;
    }
    let mut capitalised = 0;
    for w in &words {
        let lw = w.to_lowercase();
        let bare: String = lw.chars().filter(|c| c.is_alphanumeric()).collect();
        if NOT_PERSON.contains(&bare.as_str()) {
            return false;
        }
        let first = w.chars().next().unwrap_or(' ');
        if first.is_uppercase() {
            capitalised += 1;
        } else if !PARTICLES.contains(&lw.as_str()) {
            return false;
        }
    }
    capitalised >= 2
}

/// Splits a byline string into person names, dropping "By", roles and desks.
pub(crate) fn byline_names(s: &str) -> Vec<String> {
    let mut s = collapse(s);
    for prefix in ["by ", "von ", "par ", "por ", "door ", "av ", "di "] {
        if s.len() > prefix.len() && s.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix)) {
            s = s.get(prefix.len()..).unwrap_or("").to_string();
            break;
        }
    }
    // Cut at a separator that starts a role, a date or a site name.
    for sep in [" | ", " - ", " – ", " — ", "\u{b7}", " on ", " updated", " published"] {
        if let Some(i) = s.find(sep) {
            s.truncate(i);
        }
    }
    let mut out = Vec::new();
    for part in s
        .split(',')
        .flat_map(|p| p.split(" and "))
        .flat_map(|p| p.split(" & "))
        .flat_map(|p| p.split(" und "))
        .flat_map(|p| p.split(" et "))
    {
        let p = part.trim().trim_matches(|c: char| !c.is_alphanumeric() && c != '.');
        if is_person_name(p) && !out.iter().any(|o: &String| o == p) {
            out.push(p.to_string());
        }
    }
    out
}

/// A date in the URL path: `/2017/04/12/` or `/2017-04-12`.
pub(crate) fn date_from_url(url: &str) -> Option<String> {
    let b = url.as_bytes();
    let digits = |i: usize, n: usize| b.get(i..i + n).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    for i in 0..b.len() {
        if b[i] != b'/' || !digits(i + 1, 4) {
            continue;
        }
        let y = i + 1;
        let sep = b.get(y + 4).copied();
        if !matches!(sep, Some(b'/') | Some(b'-')) || !digits(y + 5, 2) {
            continue;
        }
        let sep = sep.unwrap_or(b'/');
        if b.get(y + 7) != Some(&sep) || !digits(y + 8, 2) {
            continue;
        }
        let year = url.get(y..y + 4)?;
        let month = url.get(y + 5..y + 7)?;
        let day = url.get(y + 8..y + 10)?;
        let (yn, mn, dn) = (year.parse::<u32>().ok()?, month.parse::<u32>().ok()?, day.parse::<u32>().ok()?);
        if (1990..=2100).contains(&yn) && (1..=12).contains(&mn) && (1..=31).contains(&dn) {
            return Some(format!("{year}-{month}-{day}"));
        }
    }
    None
}

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

fn is_separator(c: char) -> bool {
    matches!(c, '|' | '-' | '\\' | '/' | '>' | '»' | '–' | '—')
}

/// The headline inside a document `<title>`: drops the site name after the
/// last separator ("Story | Site"), or before the first when that leaves too
/// little, and keeps the whole title when the result is too short to be a
/// headline. A sole `<h1>` replaces a title that is far too long or short.
pub(crate) fn title_from_document(orig: &str, h1: &[String]) -> String {
    let orig = collapse(orig);
    // Separators count only with a space after them ("Story - Site").
    let seps: Vec<usize> = orig
        .char_indices()
        .filter(|&(i, c)| is_separator(c) && orig.get(i + c.len_utf8()..).is_some_and(|r| r.starts_with(' ')) && i > 0)
        .map(|(i, _)| i)
        .collect();
    let hierarchical = orig.char_indices().any(|(i, c)| {
        matches!(c, '\\' | '/' | '>' | '»') && orig.get(i + c.len_utf8()..).is_some_and(|r| r.starts_with(' '))
    });
    let mut cur = orig.clone();
    if let (Some(&first), Some(&last)) = (seps.first(), seps.last()) {
        cur = orig.get(..last).unwrap_or("").trim().to_string();
        if word_count(&cur) < 3 {
            let skip = orig.get(first..).and_then(|r| r.chars().next()).map_or(1, char::len_utf8);
            cur = orig.get(first + skip..).unwrap_or("").trim().to_string();
        }
    } else if let Some(i) = orig.find(": ") {
        let exact_h1 = h1.iter().any(|h| h.trim() == orig);
        if !exact_h1 {
            let after = orig.get(i + 2..).unwrap_or("").trim().to_string();
            cur = if word_count(&after) < 3 { orig.clone() } else { after };
        }
    } else if (orig.chars().count() > 150 || orig.chars().count() < 15) && h1.len() == 1 {
        cur = h1[0].clone();
    }
    let cur = collapse(&cur);
    let n = word_count(&cur);
    let without_seps = word_count(&orig.replace(is_separator, ""));
    if n <= 4 && (!hierarchical || n + 1 != without_seps) {
        return orig;
    }
    cur
}

/// How much of `b`'s text the words of `a` cover (1.0: all of it).
pub(crate) fn similarity(a: &str, b: &str) -> f64 {
    let tokens = |s: &str| -> Vec<String> {
        s.to_lowercase().split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).map(str::to_string).collect()
    };
    let ta = tokens(a);
    let tb = tokens(b);
    if ta.is_empty() || tb.is_empty() {
        return 0.0;
    }
    let total: usize = tb.iter().map(|t| t.len() + 1).sum();
    let missing: usize = tb.iter().filter(|t| !ta.contains(t)).map(|t| t.len() + 1).sum();
    1.0 - missing as f64 / total as f64
}

/// Reads the metadata of a parsed page.
pub(crate) fn read(html: &Html, url: Option<&str>) -> Meta {
    let raw = sweep(html);
    let mut articles = Vec::new();
    for v in &raw.jsonld {
        jsonld_articles(v, &mut articles, 0);
    }
    let ld = |key: &str| articles.iter().find_map(|a| json_str(a.get(key)));

    let site = raw
        .meta(&["og:site_name", "application-name", "twitter:site:name"])
        .or_else(|| articles.iter().find_map(|a| a.get("publisher").and_then(|p| json_str(p.get("name")))));
    let doc_title = raw.title.clone();
    let from_doc = doc_title.as_deref().map(|t| title_from_document(t, &raw.h1));
    // JSON-LD first, then the meta names in the order publishers fill them
    // most reliably; an article's `name` and `headline` can differ (one may
    // be a summary), so prefer the one that matches the document title.
    let ld_title = articles.iter().find_map(|a| {
        let name = a.get("name").and_then(Value::as_str).map(collapse);
        let headline = a.get("headline").and_then(Value::as_str).map(collapse);
        match (name, headline) {
            (Some(n), Some(h)) if n != h => {
                let t = from_doc.as_deref().unwrap_or("");
                if similarity(&h, t) > 0.75 && similarity(&n, t) <= 0.75 {
                    Some(h)
                } else {
                    Some(n)
                }
            }
            (n, h) => n.or(h),
        }
        .filter(|t| !t.is_empty())
    });
    let title = ld_title
        .or_else(|| {
            raw.meta(&[
                "dc:title",
                "dcterm:title",
                "og:title",
                "weibo:article:title",
                "weibo:webpage:title",
                "title",
                "twitter:title",
                "parsely-title",
            ])
        })
        .or(from_doc)
        .or_else(|| raw.h1.first().cloned())
        .map(|t| collapse(&t))
        .filter(|t| !t.is_empty());

    let mut byline = Vec::new();
    let mut names = Vec::new();
    for a in &articles {
        json_names(a.get("author"), &mut names);
    }
    if let Some(m) = raw.meta(&["author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl"]) {
        names.push(m);
    }
    names.extend(raw.author_texts.iter().cloned());
    for n in names {
        for p in byline_names(&n) {
            if !byline.contains(&p) {
                byline.push(p);
            }
        }
        if byline.len() >= 6 {
            break;
        }
    }

    let published = ld("datePublished")
        .or_else(|| {
            raw.meta(&[
                "article:published_time",
                "og:article:published_time",
                "og:published_time",
                "published_time",
                "datepublished",
                "article.published",
                "pubdate",
                "publishdate",
                "publish-date",
                "parsely-pub-date",
                "sailthru.date",
                "dc.date.issued",
                "dcterms.issued",
                "dc.date",
                "dcterms.created",
                "date",
            ])
        })
        .or_else(|| raw.time.clone())
        .or_else(|| url.and_then(date_from_url));

    let canonical_url = raw
        .canonical
        .clone()
        .filter(|c| c.starts_with("http"))
        .or_else(|| raw.meta(&["og:url"]))
        .or_else(|| url.map(str::to_string));
    let lang = raw
        .html_lang
        .clone()
        .or_else(|| raw.meta(&["content-language", "og:locale", "language", "dc.language"]))
        .or_else(|| ld("inLanguage"));
    let description = raw
        .meta(&["description", "og:description", "twitter:description", "dc.description"])
        .or_else(|| ld("description"));
    let image = raw.meta(&["og:image", "og:image:url", "twitter:image", "twitter:image:src"]).or_else(|| ld("image"));

    Meta { title, h1: raw.h1, byline, published, site, canonical_url, lang, description, image }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byline_keeps_persons_only() {
        assert_eq!(byline_names("By Anna Schmidt and Jon Doe"), vec!["Anna Schmidt", "Jon Doe"]);
        assert!(byline_names("By Staff Reporter").is_empty());
        assert!(byline_names("Email the author").is_empty());
        assert_eq!(byline_names("Maria de la Cruz | Health Editor"), vec!["Maria de la Cruz"]);
    }

    #[test]
    fn url_dates() {
        assert_eq!(date_from_url("https://x.org/2017/04/12/story").as_deref(), Some("2017-04-12"));
        assert_eq!(date_from_url("https://x.org/news/2019-11-20-cars").as_deref(), Some("2019-11-20"));
        assert_eq!(date_from_url("https://x.org/2017/13/12/story"), None);
        assert_eq!(date_from_url("https://x.org/1234"), None);
    }

    #[test]
    fn metadata_from_head_and_jsonld() {
        let page = r#"<html lang="en-GB"><head><title>Rain falls on the plain | Daily Paper</title>
            <meta property="og:site_name" content="Daily Paper">
            <link rel="canonical" href="https://paper.example/rain">
            <meta name="description" content="A wet day.">
            <script type="application/ld+json">{"@type":"NewsArticle","headline":"Rain falls on the plain",
              "datePublished":"2020-05-01T10:00:00Z","author":{"@type":"Person","name":"Ella Brown"}}</script>
            </head><body><h1>Rain</h1></body></html>"#;
        let html = Html::parse_document(page);
        let m = read(&html, None);
        assert_eq!(m.title.as_deref(), Some("Rain falls on the plain"));
        assert_eq!(m.site.as_deref(), Some("Daily Paper"));
        assert_eq!(m.published.as_deref(), Some("2020-05-01T10:00:00Z"));
        assert_eq!(m.byline, vec!["Ella Brown"]);
        assert_eq!(m.lang.as_deref(), Some("en-GB"));
        assert_eq!(m.canonical_url.as_deref(), Some("https://paper.example/rain"));
        assert_eq!(m.description.as_deref(), Some("A wet day."));
    }

    #[test]
    fn document_title_loses_site_suffix() {
        assert_eq!(
            title_from_document("Rain falls on the plain today | Daily Paper", &[]),
            "Rain falls on the plain today"
        );
        assert_eq!(title_from_document("Short - Site", &[]), "Short - Site");
        assert_eq!(title_from_document("Daily Paper: Rain falls on the plain", &[]), "Rain falls on the plain");
    }
}
