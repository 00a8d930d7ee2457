//! Choosing the article body inside the arena and turning it into blocks.
//!
//! Three passes: (1) drop subtrees whose class/id says they are chrome
//! (share bars, comments, related lists, cookie banners ...), guarded so a
//! badly named wrapper holding most of the page's prose survives; (2) score
//! every block by its prose (non-link text with sentence punctuation) and
//! pass the score up to a few ancestors, so the element that directly holds
//! most paragraphs wins; (3) walk the winner and the siblings that look like
//! more of the same, emitting one block per paragraph, heading, list item,
//! quote or table row, and skipping link-heavy lists inside the body.

use super::dom::{is_block, Data, Dom};
use super::meta::collapse;
use super::{Block, BlockKind};
use crate::text::boilerplate::{split_credit, MediaItem};

/// Class/id words of containers that are page chrome wherever they appear.
const STRONG_NEG: &[&str] = &[
    "comment",
    "disqus",
    "cookie",
    "consent",
    "gdpr",
    "share",
    "sharing",
    "social",
    "related",
    "recommend",
    "newsletter",
    "subscri",
    "signup",
    "sign-up",
    "advert",
    "breadcrumb",
    "outbrain",
    "taboola",
    "trending",
    "mostread",
    "most-read",
    "mostpopular",
    "most-popular",
    "navbar",
    "navigation",
    "menu",
    "footer",
    "sr-only",
    "visually-hidden",
    "screen-reader",
    "paywall-prompt",
    "read-more",
    "readmore",
    "more-stories",
    "morestories",
    "sponsor",
    "popup",
    "modal",
    "skip-link",
    "skiplink",
    "jumplink",
    "toolbar",
    "pagination",
    "login",
    "tagcloud",
    "tag-list",
    "taglist",
    "author-bio",
    "authorbio",
    "byline",
    "dateline",
];

/// Exact class/id tokens of chrome (too short to match as substrings).
const NEG_TOKENS: &[&str] = &[
    "ad",
    "ads",
    "adv",
    "advert",
    "adslot",
    "dfp",
    "nav",
    "tags",
    "tag",
    "meta",
    "byline",
    "author",
    "authors",
    "caption",
    "credit",
    "credits",
    "share",
    "social",
    "print",
    "date",
    "time",
    "timestamp",
    "toc",
    "keywords",
    "topics",
    "widget",
    "banner",
    "sidebar",
    "masthead",
    "header",
    "rail",
    "aside",
    "related",
    "newsletter",
    "promo",
    "footnotes-nav",
];

/// Class/id word stems of article bodies (compared with `-` and `_` removed).
const POSITIVE: &[&str] = &[
    "articlebody",
    "articlecontent",
    "articletext",
    "storybody",
    "storycontent",
    "storytext",
    "postcontent",
    "postbody",
    "posttext",
    "entrycontent",
    "entrybody",
    "bodytext",
    "maincontent",
    "contentbody",
    "articleinner",
    "richtext",
    "textcontent",
    "newsbody",
    "newstext",
    "artikel",
    "blogpost",
];

/// What an element's class, id and `itemprop` say about it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum ClassVerdict {
    /// Names an article body.
    Positive,
    /// Names chrome wherever it appears.
    StrongNeg,
    /// Names something that is usually chrome.
    WeakNeg,
    /// Says nothing.
    Neutral,
}

/// Judges an element by its lower-cased class/id string.
pub(crate) fn class_verdict(class_id: &str, itemprop_body: bool) -> ClassVerdict {
    if itemprop_body {
        return ClassVerdict::Positive;
    }
    if class_id.is_empty() {
        return ClassVerdict::Neutral;
    }
    if class_id.split_whitespace().any(|c| matches!(c, "hidden" | "hide" | "d-none" | "invisible" | "offscreen")) {
        return ClassVerdict::StrongNeg;
    }
    let compact: String = class_id.chars().filter(|c| *c != '-' && *c != '_').collect();
    if POSITIVE.iter().any(|p| compact.contains(p)) {
        return ClassVerdict::Positive;
    }
    if STRONG_NEG.iter().any(|n| class_id.contains(n)) {
        return ClassVerdict::StrongNeg;
    }
    if class_id.split(|c: char| !c.is_alphanumeric()).any(|t| NEG_TOKENS.contains(&t)) {
        return ClassVerdict::WeakNeg;
    }
    ClassVerdict::Neutral
}

/// Consent dialogs can hold more text than the story; no guard for them.
fn is_consent(class_id: &str) -> bool {
    ["cookie", "consent", "gdpr"].iter().any(|w| class_id.contains(w))
}

/// Link density above which a big chrome-named container is dropped even
/// when it holds much of the page, and the share limits for that rule.
const LD_A: f64 = 0.5;
const LD_S: f64 = 0.8;
const LD_S2: f64 = 0.6;

/// Pass 1: marks chrome subtrees removed and refreshes the statistics.
pub(crate) fn prune(dom: &mut Dom<'_>) {
    let total = dom
        .nodes
        .iter()
        .find(|n| n.name() == "body")
        .map_or_else(|| dom.nodes.first().map_or(0, |n| n.text_len), |n| n.text_len)
        .max(1) as f64;
    // Containers of a marked article body are never chrome, whatever their class.
    let mut holds_body = vec![false; dom.nodes.len()];
    for i in (0..dom.nodes.len()).rev() {
        let n = &dom.nodes[i];
        if n.verdict == ClassVerdict::Positive {
            holds_body[i] = true;
        }
        if holds_body[i] && n.parent < holds_body.len() {
            holds_body[n.parent] = true;
        }
    }
    for (i, &held) in holds_body.iter().enumerate() {
        let n = &dom.nodes[i];
        let Data::Elem { name, .. } = n.data else {
            continue;
        };
        if held {
            continue;
        }
        if matches!(name, "html" | "body" | "main" | "article" | "a") {
            continue;
        }
        let share = n.text_len as f64 / total;
        let ld = n.link_density();
        // Chrome elements are judged like chrome classes, with the same guard
        // against an unclosed tag that swallowed the rest of the page.
        let verdict = match name {
            "nav" | "aside" | "footer" | "menu" => ClassVerdict::StrongNeg,
            _ if n.chrome_role => ClassVerdict::StrongNeg,
            "header" | "form" | "address" => ClassVerdict::WeakNeg,
            _ => n.verdict,
        };
        let remove = match verdict {
            ClassVerdict::StrongNeg => share < 0.5 || (ld > LD_A && share < LD_S) || is_consent(&n.class_id),
            ClassVerdict::WeakNeg => share < 0.25 || (ld > 0.6 && share < LD_S2),
            _ => false,
        };
        if remove && !dom.is_removed(i) {
            dom.nodes[i].removed = true;
        }
    }
    dom.compute_stats();
}

/// `dead[i]`: node `i` or an ancestor is removed (parents precede children).
fn dead_flags(dom: &Dom<'_>) -> Vec<bool> {
    let mut dead = vec![false; dom.nodes.len()];
    for i in 0..dom.nodes.len() {
        let p = dom.nodes[i].parent;
        dead[i] = dom.nodes[i].removed || dead.get(p).copied().unwrap_or(false);
    }
    dead
}

/// The prose weight of a block: its own non-link text, discounted when it
/// has no sentence punctuation (menus, labels) and zero for link lists.
fn prose_weight(dom: &Dom<'_>, i: usize) -> f64 {
    let n = &dom.nodes[i];
    let name = n.name();
    if !is_block(name)
        || matches!(
            name,
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "ul" | "ol" | "table" | "tr" | "dl" | "body" | "html"
        )
        || n.own_len < 15
    {
        return 0.0;
    }
    let nonlink = n.own_len.saturating_sub(n.own_link_len);
    if nonlink * 2 < n.own_len {
        return 0.0;
    }
    let mut w = nonlink as f64;
    if n.own_punct == 0 {
        w *= 0.5;
    }
    if matches!(name, "li" | "td" | "th" | "dd") {
        w *= 0.6;
    }
    w
}

/// Pass 2 and the choice: scores blocks and returns the content roots in
/// document order.
pub(crate) fn select(dom: &mut Dom<'_>) -> Vec<usize> {
    let dead = dead_flags(dom);
    const DECAY: [f64; 4] = [0.8, 1.0, 0.5, 0.25];
    for (i, &is_dead) in dead.iter().enumerate() {
        if is_dead {
            continue;
        }
        let w = prose_weight(dom, i);
        if w == 0.0 {
            continue;
        }
        let mut j = i;
        for d in DECAY {
            let Some(n) = dom.nodes.get_mut(j) else {
                break;
            };
            n.score += w * d;
            j = n.parent;
        }
    }
    let mut best = None;
    let mut best_score = 0.0;
    let finals: Vec<f64> = (0..dom.nodes.len())
        .map(|i| {
            let n = &dom.nodes[i];
            if dead[i] || n.score == 0.0 {
                return 0.0;
            }
            let factor = match n.verdict {
                ClassVerdict::Positive => 1.3,
                ClassVerdict::WeakNeg | ClassVerdict::StrongNeg => 0.7,
                ClassVerdict::Neutral => 1.0,
            } * if n.name() == "article" { 1.1 } else { 1.0 };
            n.score * (1.0 - n.link_density()) * factor
        })
        .collect();
    for (i, &s) in finals.iter().enumerate() {
        if s > best_score {
            best_score = s;
            best = Some(i);
        }
    }
    let Some(mut top) = best else {
        return Vec::new();
    };
    if matches!(dom.nodes[top].name(), "p" | "li" | "td" | "th" | "blockquote" | "pre" | "dd")
        && dom.nodes[top].parent < dom.nodes.len()
    {
        top = dom.nodes[top].parent;
    }
    // Climb to the ancestor that gains the most prose for the least other
    // text: articles split into sibling wrappers (one per paragraph group)
    // are gathered, a page column full of teasers is not.
    // Blocks nested inside list items are teaser cards far more often than
    // article text, so they count little towards a climb.
    let mut in_li = vec![false; dom.nodes.len()];
    for i in 0..dom.nodes.len() {
        let p = dom.nodes[i].parent;
        if let Some(&pl) = in_li.get(p) {
            in_li[i] = pl || dom.nodes[p].name() == "li";
        }
    }
    let mut prose_sum = vec![0.0f64; dom.nodes.len()];
    for i in (0..dom.nodes.len()).rev() {
        if dead[i] {
            continue;
        }
        prose_sum[i] += prose_weight(dom, i) * if in_li[i] { 0.3 } else { 1.0 };
        let p = dom.nodes[i].parent;
        if p < prose_sum.len() {
            let v = prose_sum[i];
            prose_sum[p] += v;
        }
    }
    // Weight of non-prose text against prose (tuned on the development pages).
    let lambda = 1.0;
    let objective = |i: usize| {
        let n = &dom.nodes[i];
        let other = (n.text_len as f64 - prose_sum[i]).max(0.0);
        prose_sum[i] - lambda * other
    };
    // Only the outermost `<article>` counts: some sites wrap every section
    // of a story in its own one.
    let is_marked_body = |i: usize| {
        if dom.nodes[i].name() != "article" {
            return false;
        }
        let mut j = dom.nodes[i].parent;
        while let Some(n) = dom.nodes.get(j) {
            if n.name() == "article" {
                return false;
            }
            j = n.parent;
        }
        // Several sibling articles are page components (cards, sections),
        // not the one story.
        let parent = dom.nodes[i].parent;
        let siblings = dom.nodes.get(parent).map_or(0, |p| {
            p.children.iter().filter(|&&c| dom.nodes[c].name() == "article" && prose_sum[c] > 0.0).count()
        });
        siblings < 2
    };
    let mut cur = top;
    let mut best_obj = objective(top);
    let mut anc = dom.nodes[top].parent;
    // An `<article>` element bounds the climb: what lies around it is the
    // page, not more of the story.
    let mut stop = is_marked_body(top);
    while let Some(a) = dom.nodes.get(anc) {
        if matches!(a.name(), "html") || dead[anc] || stop {
            break;
        }
        stop = is_marked_body(anc);
        let o = objective(anc);
        if o > best_obj {
            best_obj = o;
            cur = anc;
        }
        anc = a.parent;
    }
    top = cur;
    let top_score = finals.get(top).copied().unwrap_or(0.0).max(best_score);
    let parent = dom.nodes[top].parent;
    let Some(p) = dom.nodes.get(parent) else {
        return vec![top];
    };
    let threshold = (0.2 * top_score).max(20.0);
    let mut roots = Vec::new();
    for &s in &p.children {
        if s == top {
            roots.push(s);
            continue;
        }
        if dead[s] {
            continue;
        }
        let n = &dom.nodes[s];
        let ld = n.link_density();
        let nonlink = n.own_len.saturating_sub(n.own_link_len);
        let keep = (finals[s] >= threshold && ld < 0.4)
            || (matches!(n.name(), "p" | "blockquote" | "pre" | "h2" | "h3" | "h4" | "ul" | "ol")
                && ((nonlink >= 80 && ld < 0.25) || (nonlink >= 30 && n.own_punct > 0 && ld < 0.05)))
            || (matches!(n.data, Data::Text(_)) && n.text_len >= 80);
        if keep {
            roots.push(s);
        }
    }
    roots
}

/// State of the block walk.
struct Emitter {
    blocks: Vec<Block>,
    media: Vec<MediaItem>,
    buf: String,
    buf_link: usize,
    buf_len: usize,
    /// Open block elements (names), innermost last.
    stack: Vec<&'static str>,
    link_depth: usize,
    pre_depth: usize,
}

fn static_name(name: &str) -> &'static str {
    match name {
        "h1" => "h1",
        "h2" => "h2",
        "h3" => "h3",
        "h4" => "h4",
        "h5" => "h5",
        "h6" => "h6",
        "li" => "li",
        "dt" => "dt",
        "dd" => "dd",
        "tr" => "tr",
        "pre" => "pre",
        "blockquote" => "blockquote",
        _ => "p",
    }
}

impl Emitter {
    fn push_text(&mut self, t: &str) {
        let mut n = 0;
        if self.pre_depth > 0 {
            self.buf.push_str(t);
            n = t.chars().filter(|c| !c.is_whitespace()).count();
        } else {
            for c in t.chars() {
                if c.is_whitespace() {
                    if !self.buf.is_empty() && !self.buf.ends_with([' ', '\n']) {
                        self.buf.push(' ');
                        n += 1;
                    }
                } else {
                    self.buf.push(c);
                    n += 1;
                }
            }
        }
        self.buf_len += n;
        if self.link_depth > 0 {
            self.buf_link += n;
        }
    }

    fn kind(&self) -> BlockKind {
        for name in self.stack.iter().rev() {
            match *name {
                "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => return BlockKind::Heading,
                "li" | "dt" | "dd" => return BlockKind::ListItem,
                "tr" => return BlockKind::TableRow,
                "pre" => return BlockKind::Preformatted,
                _ => {}
            }
        }
        if self.stack.contains(&"blockquote") {
            BlockKind::Quote
        } else {
            BlockKind::Paragraph
        }
    }

    fn flush(&mut self) {
        let text = if self.pre_depth > 0 {
            self.buf.trim_matches('\n').trim_end().to_string()
        } else {
            self.buf.split('\n').map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
        };
        if !text.is_empty() {
            let kind = self.kind();
            self.blocks.push(Block { kind, text, link_chars: self.buf_link, chars: self.buf_len });
        }
        self.buf.clear();
        self.buf_len = 0;
        self.buf_link = 0;
    }
}

/// Normalises for loose title comparison.
fn loose(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

fn figure_media(dom: &Dom<'_>, i: usize) -> Option<MediaItem> {
    let mut url = None;
    let mut alt = None;
    let mut caption = String::new();
    let mut credit = None;
    let mut stack = vec![i];
    while let Some(j) = stack.pop() {
        let n = &dom.nodes[j];
        if let Some(el) = n.element() {
            match n.name() {
                "img" | "source" if url.is_none() => {
                    url = ["src", "data-src", "data-original", "data-lazy-src", "srcset"]
                        .iter()
                        .find_map(|a| el.attr(a))
                        .and_then(|s| s.split_whitespace().next())
                        .filter(|s| !s.starts_with("data:"))
                        .map(str::to_string);
                    if alt.is_none() {
                        alt = el.attr("alt").map(collapse).filter(|a| !a.is_empty());
                    }
                }
                "figcaption" => {
                    caption = subtree_text(dom, j, &mut |k| {
                        let c = &dom.nodes[k].class_id;
                        c.contains("credit") || c.contains("copyright") || c.contains("source")
                    });
                }
                _ => {}
            }
            if credit.is_none() {
                let c = &n.class_id;
                if c.contains("credit") || c.contains("copyright") {
                    let t = subtree_text(dom, j, &mut |_| false);
                    if !t.is_empty() {
                        credit = Some(t);
                    }
                }
            }
        }
        for &c in n.children.iter().rev() {
            stack.push(c);
        }
    }
    let mut caption = if caption.is_empty() { alt.unwrap_or_default() } else { caption };
    if credit.is_none() {
        let (c, cr) = split_credit(&caption);
        if let Some(cr) = cr {
            credit = Some(cr.to_string());
            caption = c.to_string();
        }
    }
    if url.is_none() && caption.is_empty() {
        return None;
    }
    Some(MediaItem { url, caption: Some(caption).filter(|c| !c.is_empty()), credit, position: None, count: None })
}

/// Collapsed text of a subtree, leaving out subtrees for which `skip` holds.
fn subtree_text(dom: &Dom<'_>, i: usize, skip: &mut dyn FnMut(usize) -> bool) -> String {
    let mut out = String::new();
    let mut stack = vec![i];
    while let Some(j) = stack.pop() {
        if j != i && skip(j) {
            continue;
        }
        let n = &dom.nodes[j];
        if let Data::Text(t) = n.data {
            out.push_str(t);
            out.push(' ');
        }
        for &c in n.children.iter().rev() {
            stack.push(c);
        }
    }
    collapse(&out)
}

/// Pass 3: emits the blocks and media of the content roots; `lenient`
/// keeps link-heavy containers.
pub(crate) fn emit_with(
    dom: &Dom<'_>,
    roots: &[usize],
    title: Option<&str>,
    lenient: bool,
) -> (Vec<Block>, Vec<MediaItem>) {
    let dead = dead_flags(dom);
    let title_loose = title.map(loose).unwrap_or_default();
    let mut em = Emitter {
        blocks: Vec::new(),
        media: Vec::new(),
        buf: String::new(),
        buf_link: 0,
        buf_len: 0,
        stack: Vec::new(),
        link_depth: 0,
        pre_depth: 0,
    };
    // (node, entering?)
    let mut work: Vec<(usize, bool)> = roots.iter().rev().map(|&r| (r, true)).collect();
    while let Some((i, enter)) = work.pop() {
        let n = &dom.nodes[i];
        let name = n.name();
        if !enter {
            match name {
                "a" => em.link_depth = em.link_depth.saturating_sub(1),
                "pre" => {
                    em.flush();
                    em.pre_depth = em.pre_depth.saturating_sub(1);
                }
                "td" | "th" => em.push_text(" "),
                _ => {}
            }
            if is_block(name) && !matches!(name, "td" | "th") {
                em.flush();
                em.stack.pop();
            }
            continue;
        }
        if dead.get(i).copied().unwrap_or(true) {
            continue;
        }
        match n.data {
            Data::Text(t) => {
                em.push_text(t);
                continue;
            }
            Data::Elem { .. } => {}
        }
        match name {
            "figure" | "picture" | "img" => {
                if let Some(m) = figure_media(dom, i) {
                    em.media.push(m);
                }
                continue;
            }
            "figcaption" | "caption" => continue,
            "br" => {
                em.buf.push('\n');
                continue;
            }
            "hr" => {
                em.flush();
                continue;
            }
            "h1" => {
                let t = loose(&subtree_text(dom, i, &mut |_| false));
                if !title_loose.is_empty() && (title_loose.contains(&t) || t.contains(&title_loose)) {
                    continue;
                }
            }
            _ => {}
        }
        // Link-heavy containers inside the body: related lists, tag clouds.
        if matches!(name, "ul" | "ol" | "dl" | "div" | "section" | "table" | "p" | "li" | "span") && n.text_len > 0 {
            let ld = n.link_density();
            let short = if matches!(name, "li" | "p" | "span") { 120 } else { 300 };
            // A long paragraph whose names are all linked is still prose.
            let dense = if name == "p" && n.text_len >= 200 { 0.85 } else { 0.6 };
            if !lenient && (ld > dense || (n.text_len < short && ld > 0.35 && name != "p")) {
                continue;
            }
        }
        match name {
            "a" => em.link_depth += 1,
            "pre" => {
                em.flush();
                em.pre_depth += 1;
            }
            _ => {}
        }
        if is_block(name) && !matches!(name, "td" | "th") {
            em.flush();
            em.stack.push(static_name(name));
        }
        work.push((i, false));
        for &c in n.children.iter().rev() {
            work.push((c, true));
        }
    }
    em.flush();
    (em.blocks, em.media)
}
