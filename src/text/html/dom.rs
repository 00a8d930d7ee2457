//! A compact arena copy of the parsed page, holding only what the content
//! heuristics look at: element names, the lower-cased `class`/`id` string,
//! text, and per-node statistics filled in bottom-up.
//!
//! Scripts, styles, forms controls and hidden elements never enter the arena,
//! so later passes do not have to skip them again.

use super::content::{class_verdict, ClassVerdict};
use scraper::node::Element;
use scraper::{Html, Node as SNode};

/// Marker for "no parent".
pub(crate) const NONE: usize = usize::MAX;

/// What an arena node holds.
pub(crate) enum Data<'a> {
    /// An element with its (lower-case) local name.
    Elem { name: &'a str, el: &'a Element },
    /// A text node, raw (whitespace not yet collapsed).
    Text(&'a str),
}

/// One node of the arena; children are stored in document order.
pub(crate) struct Node<'a> {
    pub data: Data<'a>,
    pub parent: usize,
    pub children: Vec<usize>,
    /// Lower-cased `class` and `id` attribute values joined by a space.
    pub class_id: String,
    /// The element's ARIA role marks chrome (navigation, banner, ...).
    pub chrome_role: bool,
    /// What the class, id and `itemprop` say about the element.
    pub verdict: ClassVerdict,
    /// Characters of text in the subtree (whitespace runs count as one).
    pub text_len: usize,
    /// Characters of text inside links in the subtree.
    pub link_len: usize,
    /// Characters of text belonging to this block itself (not to a nested block).
    pub own_len: usize,
    /// Of `own_len`, the characters inside links.
    pub own_link_len: usize,
    /// Sentence punctuation marks in `own` text.
    pub own_punct: usize,
    /// Set when a heuristic drops the whole subtree.
    pub removed: bool,
    /// Accumulated content score.
    pub score: f64,
}

impl<'a> Node<'a> {
    /// The element name, or `""` for text.
    pub fn name(&self) -> &'a str {
        match self.data {
            Data::Elem { name, .. } => name,
            Data::Text(_) => "",
        }
    }

    /// The element, for attribute look-ups.
    pub fn element(&self) -> Option<&'a Element> {
        match self.data {
            Data::Elem { el, .. } => Some(el),
            Data::Text(_) => None,
        }
    }

    /// Share of the subtree's text inside links.
    pub fn link_density(&self) -> f64 {
        if self.text_len == 0 {
            0.0
        } else {
            self.link_len as f64 / self.text_len as f64
        }
    }
}

/// Elements whose whole subtree never holds article text.
fn is_skipped_tag(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "button"
            | "input"
            | "select"
            | "textarea"
            | "option"
            | "head"
            | "link"
            | "meta"
            | "title"
            | "audio"
            | "video"
            | "map"
            | "dialog"
            | "label"
    )
}

/// Whether an element is a block (breaks the flow of text) rather than inline.
pub(crate) fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "body"
            | "html"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "ul"
            | "ol"
            | "li"
            | "dl"
            | "dt"
            | "dd"
            | "blockquote"
            | "pre"
            | "table"
            | "tr"
            | "td"
            | "th"
            | "thead"
            | "tbody"
            | "tfoot"
            | "caption"
            | "figure"
            | "figcaption"
            | "header"
            | "hr"
            | "form"
            | "fieldset"
            | "address"
            | "details"
            | "summary"
            | "center"
            | "picture"
            | "hgroup"
    )
}

/// Whether an ARIA role marks page chrome rather than content.
fn is_chrome_role(role: &str) -> bool {
    matches!(
        role.trim().to_ascii_lowercase().as_str(),
        "navigation"
            | "menu"
            | "menubar"
            | "complementary"
            | "banner"
            | "contentinfo"
            | "dialog"
            | "alertdialog"
            | "search"
    )
}

/// Whether an inline style hides the element.
fn style_hides(style: &str) -> bool {
    let s: String = style.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect();
    s.contains("display:none") || s.contains("visibility:hidden")
}

/// What the heuristics need from an element's attributes, read in one pass
/// (looking attributes up one by one costs an atom lookup each).
struct AttrFacts {
    class_id: String,
    hidden: bool,
    chrome_role: bool,
    itemprop_body: bool,
}

fn attr_facts(el: &Element) -> AttrFacts {
    let mut f = AttrFacts { class_id: String::new(), hidden: false, chrome_role: false, itemprop_body: false };
    for (name, value) in el.attrs() {
        match name {
            "class" | "id" => {
                if !f.class_id.is_empty() {
                    f.class_id.push(' ');
                }
                f.class_id.extend(value.chars().flat_map(char::to_lowercase));
            }
            "hidden" => f.hidden = true,
            "aria-hidden" => f.hidden |= value.trim().eq_ignore_ascii_case("true"),
            "style" => f.hidden |= style_hides(value),
            "role" => f.chrome_role = is_chrome_role(value),
            "itemprop" => f.itemprop_body = value.to_ascii_lowercase().contains("articlebody"),
            _ => {}
        }
    }
    f
}

/// Counts characters with whitespace runs counted once, and sentence marks.
fn measure(text: &str) -> (usize, usize) {
    let mut len = 0;
    let mut punct = 0;
    let mut in_space = true;
    for c in text.chars() {
        if c.is_whitespace() {
            if !in_space {
                len += 1;
                in_space = true;
            }
        } else {
            len += 1;
            in_space = false;
            if matches!(c, '.' | ',' | '!' | '?' | ';' | '。' | '，' | '、' | '،' | '۔' | '।') {
                punct += 1;
            }
        }
    }
    (len, punct)
}

/// The arena of one page.
pub(crate) struct Dom<'a> {
    pub nodes: Vec<Node<'a>>,
}

impl<'a> Dom<'a> {
    /// Copies the body of `html` into the arena and fills the statistics.
    pub fn build(html: &'a Html) -> Dom<'a> {
        let mut nodes: Vec<Node<'a>> = Vec::new();
        // Explicit stack: deep documents must not overflow the call stack.
        let mut stack = vec![(html.tree.root(), NONE)];
        while let Some((node, parent)) = stack.pop() {
            let (data, facts) = match node.value() {
                SNode::Element(el) => {
                    let name = el.name();
                    if is_skipped_tag(name) {
                        continue;
                    }
                    let facts = attr_facts(el);
                    if facts.hidden {
                        continue;
                    }
                    (Data::Elem { name, el }, Some(facts))
                }
                SNode::Text(t) => (Data::Text(&t.text), None),
                SNode::Document | SNode::Fragment => {
                    for child in node.children().rev() {
                        stack.push((child, parent));
                    }
                    continue;
                }
                _ => continue,
            };
            let (class_id, chrome_role, itemprop_body) = match facts {
                Some(f) => (f.class_id, f.chrome_role, f.itemprop_body),
                None => (String::new(), false, false),
            };
            let verdict = if matches!(data, Data::Elem { .. }) {
                class_verdict(&class_id, itemprop_body)
            } else {
                ClassVerdict::Neutral
            };
            let idx = nodes.len();
            nodes.push(Node {
                data,
                parent,
                children: Vec::new(),
                class_id,
                chrome_role,
                verdict,
                text_len: 0,
                link_len: 0,
                own_len: 0,
                own_link_len: 0,
                own_punct: 0,
                removed: false,
                score: 0.0,
            });
            if let Some(p) = nodes.get_mut(parent) {
                p.children.push(idx);
            }
            if matches!(nodes[idx].data, Data::Elem { .. }) {
                for child in node.children().rev() {
                    stack.push((child, idx));
                }
            }
        }
        let mut dom = Dom { nodes };
        dom.compute_stats();
        dom
    }

    /// Fills the length statistics bottom-up. Nodes are in preorder, so a
    /// reverse sweep sees every child before its parent.
    pub fn compute_stats(&mut self) {
        for i in (0..self.nodes.len()).rev() {
            let (mut text, mut link, mut own, mut own_link, mut punct) = (0, 0, 0, 0, 0);
            let name = self.nodes[i].name();
            if let Data::Text(t) = self.nodes[i].data {
                let (l, p) = measure(t);
                text = l;
                own = l;
                punct = p;
            } else {
                for &c in &self.nodes[i].children {
                    let ch = &self.nodes[c];
                    if ch.removed {
                        continue;
                    }
                    text += ch.text_len;
                    link += ch.link_len;
                    if !is_block(ch.name()) {
                        own += ch.own_len;
                        own_link += ch.own_link_len;
                        punct += ch.own_punct;
                    }
                }
                if name == "a" {
                    link = text;
                    own_link = own;
                }
            }
            let n = &mut self.nodes[i];
            n.text_len = text;
            n.link_len = link;
            n.own_len = own;
            n.own_link_len = own_link;
            n.own_punct = punct;
        }
    }

    /// Whether `i` or one of its ancestors is removed.
    pub fn is_removed(&self, mut i: usize) -> bool {
        while let Some(n) = self.nodes.get(i) {
            if n.removed {
                return true;
            }
            i = n.parent;
        }
        false
    }
}
