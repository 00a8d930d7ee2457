//! Minimal HTML to text: block elements become paragraphs, scripts and styles are dropped.
//! (Replaced by the main-content extractor.)

/// One block of article text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The text.
    pub text: String,
}

/// The article read from one HTML page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlArticle {
    /// The headline.
    pub title: Option<String>,
    /// Authors.
    pub byline: Vec<String>,
    /// Publication date.
    pub published: Option<String>,
    /// Site name.
    pub site: Option<String>,
    /// Canonical URL.
    pub canonical_url: Option<String>,
    /// Declared language.
    pub lang: Option<String>,
    /// Body blocks.
    pub blocks: Vec<Block>,
}

/// Converts a page to blocks of text.
pub fn extract(html: &str, _url: Option<&str>) -> HtmlArticle {
    let mut article = HtmlArticle::default();
    let mut current = String::new();
    let mut rest = html;
    let mut skip_until: Option<&str> = None;
    while let Some(lt) = rest.find('<') {
        if skip_until.is_none() {
            current.push_str(&rest[..lt]);
        }
        let Some(gt) = rest[lt..].find('>') else { break };
        let tag = rest[lt + 1..lt + gt].to_ascii_lowercase();
        rest = &rest[lt + gt + 1..];
        let name: String = tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        if let Some(end) = skip_until {
            if tag.starts_with('/') && name == end {
                skip_until = None;
            }
            continue;
        }
        match name.as_str() {
            "script" | "style" | "noscript" | "template" if !tag.starts_with('/') => {
                skip_until = Some(if name == "script" {
                    "script"
                } else if name == "style" {
                    "style"
                } else {
                    "noscript"
                });
            }
            "p" | "div" | "br" | "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "tr" | "article" | "section"
            | "blockquote" | "title" => {
                if tag.starts_with("/title") {
                    article.title = Some(unescape(current.trim()));
                    current.clear();
                } else {
                    let text = unescape(current.trim());
                    if !text.is_empty() && article.title.as_deref() != Some(text.as_str()) {
                        article.blocks.push(Block { text });
                    }
                    current.clear();
                }
            }
            _ => {}
        }
    }
    current.push_str(rest);
    let text = unescape(current.trim());
    if !text.is_empty() {
        article.blocks.push(Block { text });
    }
    article
}

fn unescape(s: &str) -> String {
    s.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
