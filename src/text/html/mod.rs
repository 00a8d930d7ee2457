//! Main-content extraction from HTML pages: the `extract` stage calls
//! [`extract`] on every document that [`looks_like_html`], and joins the
//! returned blocks with a blank line to make the record's `text`.
//!
//! The page is parsed by html5ever (through `scraper`), copied into a small
//! arena ([`dom`]), pruned of chrome, scored for prose and walked to blocks
//! ([`content`]); metadata comes from the head and JSON-LD ([`meta`]).

mod content;
mod dom;
mod meta;

use crate::text::boilerplate::split_credit;
pub use crate::text::boilerplate::MediaItem;
pub(crate) use meta::byline_names;

/// What kind of text a block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// `h1`-`h6` inside the article (the title itself is not repeated).
    Heading,
    /// A paragraph or a bare text block.
    Paragraph,
    /// An item of a list (`li`, `dt`, `dd`).
    ListItem,
    /// Text inside a `blockquote`.
    Quote,
    /// One table row, cells separated by a space.
    TableRow,
    /// Preformatted text (`pre`), whitespace kept.
    Preformatted,
}

/// One block of article text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The block's role.
    pub kind: BlockKind,
    /// The text, whitespace collapsed (line breaks from `<br>` kept as `\n`).
    pub text: String,
    /// Characters of the text inside links.
    pub link_chars: usize,
    /// Characters of the text (whitespace runs counted once).
    pub chars: usize,
}

/// The article read from one HTML page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlArticle {
    /// The headline.
    pub title: Option<String>,
    /// Person names of the authors (desks and agencies left out).
    pub byline: Vec<String>,
    /// Publication date or time as the page states it (ISO 8601 mostly).
    pub published: Option<String>,
    /// The site's name.
    pub site: Option<String>,
    /// The canonical URL, else the given URL.
    pub canonical_url: Option<String>,
    /// The declared language tag (`en`, `de-DE`, ...).
    pub lang: Option<String>,
    /// The page's summary.
    pub description: Option<String>,
    /// The lead image URL.
    pub image: Option<String>,
    /// Figures found in the article body, with captions and credits.
    pub media: Vec<MediaItem>,
    /// The article body in reading order.
    pub blocks: Vec<Block>,
}

impl HtmlArticle {
    /// The body as text: blocks separated by a blank line.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(&b.text);
        }
        out
    }
}

/// Cheap check that a document is HTML rather than plain text or JSON:
/// looks for a doctype or a structural tag near the start.
pub fn looks_like_html(s: &str) -> bool {
    let t = s.trim_start_matches('\u{feff}').trim_start();
    if !t.starts_with('<') {
        return false;
    }
    let head: String = t.chars().take(2048).flat_map(char::to_lowercase).collect();
    ["<!doctype html", "<html", "<head", "<body", "<meta", "<div", "<p>", "<p ", "<article", "<title"]
        .iter()
        .any(|m| head.contains(m))
}

/// Short lines that are page furniture in any article.
fn is_furniture(text: &str) -> bool {
    let t = text.trim().trim_end_matches([':', '.', '»', '›', '>']).trim();
    let lower = t.to_lowercase();
    let n = t.chars().count();
    if n == 0 {
        return true;
    }
    if n <= 40 {
        const EXACT: &[&str] = &[
            "advertisement",
            "advertising",
            "anzeige",
            "werbung",
            "publicité",
            "publicidad",
            "share",
            "share this",
            "share this article",
            "share this story",
            "tweet",
            "email",
            "print",
            "comments",
            "comment",
            "read more",
            "read next",
            "related",
            "related articles",
            "related stories",
            "related content",
            "more on this story",
            "see also",
            "continue reading",
            "sponsored",
            "sponsored content",
            "sign up",
            "subscribe",
            "follow us",
            "mehr zum thema",
            "lesen sie auch",
            "das könnte sie auch interessieren",
            "lire aussi",
            "à lire aussi",
            "leer más",
            "top stories",
            "most read",
            "most popular",
            "trending",
            "recommended",
            "wird geladen",
            "rezept drucken",
            "drucken",
            "permalink",
            "permalien",
            "teilen",
            "artikel teilen",
            "jetzt teilen",
            "partager",
            "compartir",
            "udostępnij",
            "back to top",
            "skip to content",
            "loading",
            "loading...",
            "close",
            "menu",
        ];
        if EXACT.contains(&lower.as_str()) {
            return true;
        }
    }
    if n <= 120 {
        const PREFIX: &[&str] = &[
            "read more:",
            "read more about",
            "related:",
            "see also:",
            "click here to",
            "sign up for",
            "subscribe to our",
            "follow us on",
            "share on",
            "lesen sie auch:",
            "mehr zum thema:",
            "lire aussi :",
            "lire aussi:",
            "also read:",
            "watch:",
            "more:",
        ];
        if PREFIX.iter().any(|p| lower.starts_with(p)) {
            return true;
        }
    }
    if n <= 300 {
        const RIGHTS: &[&str] = &[
            "all rights reserved",
            "alle rechte vorbehalten",
            "tous droits réservés",
            "todos los derechos reservados",
            "wszelkie prawa zastrzeżone",
            "tutti i diritti riservati",
        ];
        if t.contains('©') || RIGHTS.iter().any(|r| lower.contains(r)) {
            return true;
        }
        const CAPTION_LABELS: &[&str] = &[
            "foto:",
            "fotos:",
            "bild:",
            "photo:",
            "photos:",
            "image:",
            "credit:",
            "crédit",
            "titelbild",
            "bildquelle",
            "photo credit",
        ];
        if n <= 200 && CAPTION_LABELS.iter().any(|p| lower.starts_with(p)) {
            return true;
        }
        // A bare picture credit ("Getty Images", "AFP/Getty Images").
        if n <= 40 && split_credit(t).0.is_empty() {
            return true;
        }
    }
    if n <= 300 {
        // Advertising and affiliate disclosures.
        let bare = lower.trim_start_matches(['*', '-', ' ', '[', '(']);
        if bare.starts_with("anzeige") || bare.starts_with("werbung") || lower.contains("affiliate") {
            return true;
        }
        // Calls to follow, join or subscribe on another channel.
        const CHANNELS: &[&str] = &[
            "twitter",
            "facebook",
            "instagram",
            "telegram",
            "youtube",
            "whatsapp",
            "tiktok",
            "newsletter",
            "podcast",
            "app store",
            "google play",
            "apps for",
            " app ",
        ];
        const CALLS: &[&str] = &[
            "follow",
            "folge",
            "folgen sie",
            "síguenos",
            "suivez",
            "únete",
            "join",
            "subscribe",
            "abonn",
            "suscr",
            "mira ",
            "download",
            "like us",
            "sign up",
            "anmelden",
            "inscri",
            "if you enjoyed",
            "kennt ihr",
        ];
        if CHANNELS.iter().any(|c| lower.contains(c)) && CALLS.iter().any(|c| lower.contains(c)) {
            return true;
        }
        if matches!(
            lower.trim_end_matches([':', '.', '!']),
            "keine kommentare" | "no comments" | "beitragsbild" | "aktualisiert am" | "sin comentarios" | "kommentare"
        ) {
            return true;
        }
    }
    // Consent banners that escaped the class rules.
    if n <= 600 && lower.contains("cookie") {
        return true;
    }
    false
}

/// Whether a short block is a byline or a bare date line.
fn is_byline_or_dateline(text: &str) -> bool {
    let n = text.chars().count();
    if n > 80 {
        return false;
    }
    let lower = text.to_lowercase();
    if (lower.starts_with("by ") || lower.starts_with("von ")) && !meta::byline_names(text).is_empty() {
        return true;
    }
    crate::text::boilerplate::is_dateline(text)
}

/// Whether a heading introduces links to other stories ("Related", "Mehr
/// zum Thema", "También te puede interesar").
fn is_related_heading(text: &str) -> bool {
    if text.chars().count() > 80 {
        return false;
    }
    let lower = text.to_lowercase();
    const STARTS: &[&str] = &[
        "related",
        "more from",
        "more on",
        "more stories",
        "you may also",
        "you might also",
        "recommended",
        "further reading",
        "read next",
        "most read",
        "most popular",
        "top stories",
        "mehr zu",
        "mehr aus",
        "mehr vom",
        "zum weiterlesen",
        "weitere artikel",
        "weitere beiträge",
        "ähnliche",
        "das könnte",
        "lesen sie auch",
        "auch interessant",
        "aktuelle ",
        "neueste",
        "das thema könnte",
        "empfehlungen",
        "también te puede",
        "te puede interesar",
        "leer más",
        "más noticias",
        "relacionad",
        "à lire aussi",
        "lire aussi",
        "sur le même sujet",
        "dans la même rubrique",
        "czytaj także",
        "czytaj też",
        "zobacz też",
        "zobacz także",
        "polecamy",
        "schon gelesen",
        "noch mehr",
        "alle artikel",
        "weitere themen",
        "weitere nachrichten",
        "leggi anche",
        "potrebbe interessarti",
    ];
    STARTS.iter().any(|p| lower.starts_with(p))
}

/// Drops a "related stories" heading and the short teaser blocks after it.
fn cut_related_sections(blocks: &mut Vec<Block>) {
    let mut out = Vec::with_capacity(blocks.len());
    let mut skipping = false;
    for b in blocks.drain(..) {
        let intro = b.kind == BlockKind::Heading
            || (b.chars < 80 && b.text.trim_end().ends_with(':') && is_related_heading(&b.text));
        if intro {
            skipping = is_related_heading(&b.text);
            if skipping {
                continue;
            }
        } else if skipping {
            let ld = if b.chars == 0 { 0.0 } else { b.link_chars as f64 / b.chars as f64 };
            if b.kind == BlockKind::ListItem || b.chars < 150 || ld > 0.3 {
                continue;
            }
            skipping = false;
        }
        out.push(b);
    }
    *blocks = out;
}

fn chars(blocks: &[Block]) -> usize {
    blocks.iter().map(|b| b.chars).sum()
}

/// Chooses and filters the body blocks; `prune` enables the class-based
/// removal of chrome.
fn body(doc: &scraper::Html, title: Option<&str>, prune: bool) -> (Vec<Block>, Vec<MediaItem>) {
    let mut dom = dom::Dom::build(doc);
    if prune {
        content::prune(&mut dom);
    }
    let roots = content::select(&mut dom);
    let (blocks, media) = filtered(&dom, &roots, title, false);
    if chars(&blocks) > 0 {
        return (blocks, media);
    }
    // Nothing but links (a link roll, a list of documents): keep them.
    filtered(&dom, &roots, title, true)
}

/// Emits the roots' blocks and drops furniture; `lenient` keeps link-heavy
/// blocks.
fn filtered(dom: &dom::Dom<'_>, roots: &[usize], title: Option<&str>, lenient: bool) -> (Vec<Block>, Vec<MediaItem>) {
    let (blocks, media) = content::emit_with(dom, roots, title, lenient);
    let blocks = blocks
        .into_iter()
        .filter(|b| {
            let ld = if b.chars == 0 { 0.0 } else { b.link_chars as f64 / b.chars as f64 };
            let link_list = ld > 0.85 || (ld > 0.6 && b.chars < 200);
            (lenient || !link_list) && !is_furniture(&b.text) && !is_byline_or_dateline(&b.text)
        })
        .collect();
    (blocks, media)
}

/// Extracts the article from an HTML page. `url` is the page address when
/// known (used for the date in the path and as the canonical fallback).
/// Never fails: a page with no recognisable article gives empty blocks.
pub fn extract(html: &str, url: Option<&str>) -> HtmlArticle {
    let doc = scraper::Html::parse_document(html);
    let meta = meta::read(&doc, url);
    let title_for_body = meta.title.as_deref().or(meta.h1.first().map(String::as_str));
    let (mut blocks, mut media) = body(&doc, title_for_body, true);
    // Pages that are all "comments" (forums) or misnamed: try again without
    // the class-based pruning and keep whichever finds more text.
    if chars(&blocks) < 200 {
        let (b2, m2) = body(&doc, title_for_body, false);
        if chars(&b2) > chars(&blocks) {
            blocks = b2;
            media = m2;
        }
    }
    cut_related_sections(&mut blocks);
    // A heading with nothing after it introduces a list that was removed.
    while blocks.last().is_some_and(|b| b.kind == BlockKind::Heading) {
        blocks.pop();
    }
    HtmlArticle {
        title: meta.title,
        byline: meta.byline,
        published: meta.published,
        site: meta.site,
        canonical_url: meta.canonical_url,
        lang: meta.lang,
        description: meta.description,
        image: meta.image,
        media,
        blocks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A page of chrome around a story of `n` paragraphs.
    fn page(story: &str) -> String {
        format!(
            r##"<!DOCTYPE html><html lang="en"><head><title>Bridge over the river opens at last | Valley News</title>
            <meta property="og:site_name" content="Valley News">
            <meta name="author" content="Staff Reporter">
            <meta property="article:published_time" content="2021-03-04T08:00:00Z">
            <style>p {{ color: red }}</style><script>var x = "not text";</script></head>
            <body>
            <nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
            <div class="cookie-banner">We use cookies to improve your experience. Accept all cookies?</div>
            <div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Tweet</a></div>
            <main><article>
              <h1>Bridge over the river opens at last</h1>
              <p class="byline">By Jane Roe</p>
              {story}
              <div class="related-stories"><h3>Related</h3><ul>
                <li><a href="/a">Another story about roads and their long history</a></li>
                <li><a href="/b">A third story about rivers and what they carry</a></li></ul></div>
            </article>
            <section id="comments"><p>First! This comment is long enough to look like a paragraph of prose.</p></section>
            </main>
            <aside><p>Most read: a sidebar teaser with a sentence in it, quite long indeed.</p></aside>
            <footer><p>© 2021 Valley News. All rights reserved.</p></footer>
            </body></html>"##
        )
    }

    const STORY: &str = r#"
        <p>The new bridge over the river opened on Tuesday, two years later than planned, after a long dispute over its cost.</p>
        <p>Engineers said the delay was caused by floods in the spring of 2019, which washed away the temporary supports.</p>
        <h2>What changes for drivers</h2>
        <p>Drivers will save about twenty minutes on the trip to the city, according to the regional transport office.</p>
        <blockquote><p>“It was worth the wait,” said the mayor, who cut the ribbon.</p></blockquote>
        <ul><li>Open daily from six in the morning</li><li>Free for cyclists and walkers</li></ul>
        <table><tr><th>Vehicle</th><th>Toll</th></tr><tr><td>Car</td><td>2 euros</td></tr></table>
        <figure><img src="/img/bridge.jpg" alt="The bridge"><figcaption>The bridge at dawn. Photo: Ann Lee</figcaption></figure>
        <p style="display:none">Hidden text that no reader sees on the page at all, however long it is.</p>
        <p hidden>Another hidden paragraph that is long enough to be scored as prose.</p>
    "#;

    fn extract_story() -> HtmlArticle {
        extract(&page(STORY), Some("https://valley.example/2021/03/04/bridge"))
    }

    #[test]
    fn article_blocks_are_kept_in_order_with_their_kinds() {
        let a = extract_story();
        let kinds: Vec<(BlockKind, &str)> = a.blocks.iter().map(|b| (b.kind, b.text.as_str())).collect();
        assert_eq!(kinds[0].0, BlockKind::Paragraph);
        assert!(kinds[0].1.starts_with("The new bridge over the river"));
        assert!(kinds.contains(&(BlockKind::Heading, "What changes for drivers")));
        assert!(kinds.contains(&(BlockKind::Quote, "“It was worth the wait,” said the mayor, who cut the ribbon.")));
        assert!(kinds.contains(&(BlockKind::ListItem, "Free for cyclists and walkers")));
        assert!(kinds.contains(&(BlockKind::TableRow, "Car 2 euros")));
    }

    #[test]
    fn chrome_is_dropped() {
        let text = extract_story().text();
        for chrome in [
            "Home",
            "cookies",
            "Share on Facebook",
            "Another story",
            "First!",
            "Most read",
            "All rights reserved",
            "not text",
            "color: red",
            "By Jane Roe",
        ] {
            assert!(!text.contains(chrome), "{chrome:?} leaked into {text:?}");
        }
    }

    #[test]
    fn hidden_elements_are_dropped() {
        let text = extract_story().text();
        assert!(!text.contains("Hidden text"));
        assert!(!text.contains("Another hidden paragraph"));
    }

    #[test]
    fn title_is_not_repeated_in_the_body() {
        let a = extract_story();
        assert_eq!(a.title.as_deref(), Some("Bridge over the river opens at last"));
        assert!(!a.text().contains("opens at last"));
    }

    #[test]
    fn metadata_is_read() {
        let a = extract_story();
        assert_eq!(a.site.as_deref(), Some("Valley News"));
        assert_eq!(a.published.as_deref(), Some("2021-03-04T08:00:00Z"));
        assert_eq!(a.lang.as_deref(), Some("en"));
        // "Staff Reporter" in the meta is a desk; the marked byline is a person.
        assert_eq!(a.byline, vec!["Jane Roe"]);
        assert_eq!(a.canonical_url.as_deref(), Some("https://valley.example/2021/03/04/bridge"));
    }

    #[test]
    fn date_falls_back_to_time_then_url() {
        let with_time = r#"<html><body><article><time datetime="2020-01-02">2 Jan</time>
            <p>Some text of the article that is long enough to count as prose here.</p></article></body></html>"#;
        assert_eq!(extract(with_time, None).published.as_deref(), Some("2020-01-02"));
        let bare = "<html><body><p>Some text of the article that is long enough to count.</p></body></html>";
        assert_eq!(extract(bare, Some("https://x.example/news/2019/11/20/a")).published.as_deref(), Some("2019-11-20"));
    }

    #[test]
    fn figures_become_media_with_credits() {
        let a = extract_story();
        assert_eq!(a.media.len(), 1);
        let m = &a.media[0];
        assert_eq!(m.url.as_deref(), Some("/img/bridge.jpg"));
        assert_eq!(m.caption.as_deref(), Some("The bridge at dawn."));
        assert_eq!(m.credit.as_deref(), Some("Ann Lee"));
        assert!(!a.text().contains("The bridge at dawn"));
    }

    #[test]
    fn paragraphs_split_across_wrappers_are_gathered() {
        let story = (0..6)
            .map(|i| format!("<div class=\"block\"><p>Paragraph number {i} of the story, with a full sentence of text in it.</p></div>"))
            .collect::<String>();
        let html = format!(
            "<html><body><div class=\"story\">{story}</div><div class=\"x\"><p>Short teaser.</p></div></body></html>"
        );
        let a = extract(&html, None);
        assert_eq!(a.blocks.len(), 6, "{:?}", a.blocks);
    }

    #[test]
    fn unclosed_banner_does_not_swallow_the_story() {
        // The header is never closed, so the parser nests the page inside it.
        let html = format!("<html><body><header role=\"banner\"><div>Logo</div>{STORY}</body></html>");
        let text = extract(&html, None).text();
        assert!(text.contains("The new bridge over the river opened"));
    }

    #[test]
    fn link_lists_inside_the_article_are_dropped() {
        let html = r#"<html><body><article>
            <p>The first paragraph of the story has enough words to be prose, surely.</p>
            <ul><li><a href="/1">Link one</a></li><li><a href="/2">Link two</a></li><li><a href="/3">Link three</a></li></ul>
            <p>The second paragraph of the story also has enough words to be prose.</p>
            </article></body></html>"#;
        let text = extract(html, None).text();
        assert!(!text.contains("Link one"));
        assert!(text.contains("second paragraph"));
    }

    #[test]
    fn forum_pages_fall_back_to_unpruned_text() {
        let html = r#"<html><body><div class="comments">
            <div class="comment"><p>My phone stopped syncing after the update, has anyone seen this before? It is odd.</p></div>
            <div class="comment"><p>Yes, switching the setting off and on again fixed it for me after a restart.</p></div>
            <div class="comment"><p>Same problem here, and the restart did not help at all, sadly, not even twice.</p></div>
            </div></body></html>"#;
        let text = extract(html, None).text();
        assert!(text.contains("My phone stopped syncing"));
    }

    #[test]
    fn sniffing_html() {
        assert!(looks_like_html("<!DOCTYPE html><html><body></body></html>"));
        assert!(looks_like_html("\u{feff}  <html lang=\"de\">"));
        assert!(looks_like_html("<div><p>x</p></div>"));
        assert!(!looks_like_html("Plain text about <b> tags"));
        assert!(!looks_like_html("{\"id\": 1, \"html\": \"<p>\"}"));
        assert!(!looks_like_html(""));
    }

    #[test]
    fn odd_input_does_not_panic() {
        let deep = "<div>".repeat(20_000) + "text";
        for s in ["", "<", "<html", "</p></p>", "&#xffffff;", "<p>é</p><td>x", &deep] {
            let _ = extract(s, Some("not a url"));
        }
    }

    proptest! {
        #[test]
        fn any_markup_is_extracted_without_panic(s in "(<[a-z/!]{0,6}[ a-z=\"]{0,8}>|[a-zé .,<>&;]{0,12}){0,40}") {
            let a = extract(&s, None);
            let _ = a.text();
        }
    }
}
