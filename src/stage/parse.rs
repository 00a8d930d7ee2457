//! The parse stage: a framed [`Document`] (raw bytes) becomes an [`Analysis`] with decoded,
//! normalised text split into paragraphs, and the metadata the input states.
//!
//! JSON lines carry their fields (`id`, `text`, `html`, `title`, `url`, `published`,
//! `source`/`site`, `lang`; anything else goes to `meta`); plain text and HTML are one article
//! per input.

use serde_json::{Map, Value};
use xxhash_rust::xxh3::xxh3_128;

use super::Analysis;
use crate::error::DocError;
use std::borrow::Cow;

use crate::model::{Document, Format, Lang, Media, Removed};
use crate::text::{boilerplate, decode, html, mojibake, normalize};

/// Settings of the parse stage.
#[derive(Clone, Debug)]
pub struct ParseStage {
    /// Documents larger than this many bytes are refused.
    pub max_document_bytes: u64,
    /// Take boilerplate paragraphs out of plain text.
    pub boilerplate: bool,
    /// Repair mojibake.
    pub mojibake: bool,
}

/// The content of one article before normalisation.
enum Content {
    Text(String),
    Html(String),
}

impl ParseStage {
    /// Parses one document. On failure, `id` holds the document's id if it could be read.
    ///
    /// # Errors
    /// [`DocError`] when the bytes are not a usable document: oversize, invalid JSON, a JSON
    /// object without `text` or `html`, or a recognised field of the wrong type.
    pub fn run(&self, doc: &Document, id: &mut Option<String>) -> Result<Analysis, DocError> {
        let size = doc.bytes.len() as u64;
        if size > self.max_document_bytes {
            return Err(DocError::TooLarge { size, limit: self.max_document_bytes });
        }
        let content_hash = hex_128(xxh3_128(&doc.bytes));
        let mut analysis = Analysis::new(doc.origin.clone(), content_hash);
        let content = match doc.format {
            Format::Jsonl => {
                let content = read_json_line(&doc.bytes, &mut analysis);
                id.clone_from(&analysis.id);
                content?
            }
            Format::Text => Content::Text(decode::decode(&doc.bytes, None).text.into_owned()),
            Format::Html => {
                let declared = decode::html_declared_charset(&doc.bytes);
                Content::Html(decode::decode(&doc.bytes, declared.as_deref()).text.into_owned())
            }
        };
        if analysis.published.is_some() {
            analysis.published_from = Some("input");
        }
        match content {
            Content::Text(text) => {
                let text = if self.mojibake { mojibake::repair(&text) } else { Cow::Borrowed(text.as_str()) };
                let paragraphs =
                    if self.boilerplate { self.clean(&text, &mut analysis) } else { normalize::paragraphs(&text) };
                if analysis.title.is_none() {
                    let headline = paragraphs.first().filter(|p| paragraphs.len() > 1 && looks_like_title(p));
                    if let Some(headline) = headline {
                        analysis.title = Some(headline.clone());
                        analysis.title_range = Some(0..headline.len());
                    }
                }
                analysis.set_paragraphs(&paragraphs);
            }
            Content::Html(page) => {
                let page = if self.mojibake { mojibake::repair(&page) } else { Cow::Borrowed(page.as_str()) };
                let article = html::extract(&page, analysis.url.as_deref());
                if analysis.published.is_none() && article.published.is_some() {
                    analysis.published_from = Some("page");
                }
                analysis.media = article.media.iter().map(media).collect();
                if analysis.title.is_none() {
                    analysis.title = article.title.map(|t| normalize::tidy_inline(&t)).filter(|t| !t.is_empty());
                }
                analysis.published = analysis.published.take().or(article.published);
                analysis.site = analysis.site.take().or(article.site);
                analysis.url = analysis.url.take().or(article.canonical_url);
                if analysis.lang.is_none() {
                    analysis.lang = article.lang.map(|code| Lang { code, confidence: 1.0 });
                    analysis.lang_stated = analysis.lang.is_some();
                }
                if analysis.byline.is_empty() {
                    analysis.byline = article.byline;
                }
                let paragraphs: Vec<String> =
                    article.blocks.iter().flat_map(|block| normalize::paragraphs(&block.text)).collect();
                analysis.set_paragraphs(&paragraphs);
            }
        }
        if analysis.id.is_none() {
            analysis.id = Some(analysis.content_hash[..16].to_string());
        }
        Ok(analysis)
    }
}

impl ParseStage {
    /// Splits plain text into paragraphs and keeps the story: boilerplate paragraphs go to
    /// `removed` with their reason, gallery captions become media items, bylines metadata.
    fn clean(&self, text: &str, analysis: &mut Analysis) -> Vec<String> {
        let cleaned = boilerplate::clean(text);
        let mut paragraphs = Vec::new();
        for range in cleaned.body_ranges() {
            paragraphs.extend(normalize::paragraphs(text.get(range).unwrap_or("")));
        }
        analysis.removed = cleaned
            .removed()
            .map(|(range, reason)| Removed {
                text: normalize::tidy_inline(text.get(range).unwrap_or("")),
                reason: reason.as_str().to_string(),
            })
            .collect();
        analysis.media = cleaned.media.iter().map(media).collect();
        if analysis.byline.is_empty() {
            analysis.byline = cleaned.byline;
        }
        paragraphs
    }
}

/// A media item of the record from one found by the extractors.
fn media(item: &boilerplate::MediaItem) -> Media {
    Media {
        caption: item.caption.as_deref().map(normalize::tidy_inline).unwrap_or_default(),
        credit: item.credit.clone(),
        position: item.position.and_then(|p| u32::try_from(p).ok()),
        count: item.count.and_then(|c| u32::try_from(c).ok()),
        url: item.url.clone(),
    }
}

/// Reads one JSON line into `analysis`, returning the article content.
fn read_json_line(bytes: &[u8], analysis: &mut Analysis) -> Result<Content, DocError> {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let value: Value = match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text),
        // JSON is UTF-8 by definition; a line in a legacy encoding is decoded rather than lost.
        Err(_) => serde_json::from_str(&decode::decode(bytes, None).text),
    }
    .map_err(|e| DocError::InvalidJson(e.to_string()))?;
    let Value::Object(mut object) = value else { return Err(DocError::NotAnObject) };
    analysis.id = match object.remove("id") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(_) => return Err(DocError::FieldType { field: "id", expected: "a string or a number" }),
    };
    analysis.title = take_string(&mut object, "title")?.map(|t| normalize::tidy_inline(&t)).filter(|t| !t.is_empty());
    analysis.url = take_string(&mut object, "url")?;
    analysis.published = take_string(&mut object, "published")?.map(|p| p.trim().to_string());
    let site = take_string(&mut object, "site")?;
    let source = take_string(&mut object, "source")?;
    analysis.site = site.or(source);
    analysis.lang =
        take_string(&mut object, "lang")?.filter(|l| !l.is_empty()).map(|code| Lang { code, confidence: 1.0 });
    analysis.lang_stated = analysis.lang.is_some();
    let html = take_string(&mut object, "html")?;
    let text = take_string(&mut object, "text")?;
    analysis.meta = object;
    // A page's HTML holds more than a scraper's flattened text (metadata, structure), so it wins.
    match (html, text) {
        (Some(html), _) => Ok(Content::Html(html)),
        (None, Some(text)) => Ok(Content::Text(text)),
        (None, None) => Err(DocError::NoContent),
    }
}

fn take_string(object: &mut Map<String, Value>, field: &'static str) -> Result<Option<String>, DocError> {
    match object.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(DocError::FieldType { field, expected: "a string" }),
    }
}

/// `format!("{:032x}", value)`, without the formatting machinery (a few hundred instructions
/// per document).
fn hex_128(value: u128) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digits: Vec<u8> = (0..32).rev().map(|nibble| HEX[((value >> (nibble * 4)) & 0xF) as usize]).collect();
    String::from_utf8(digits).unwrap_or_default()
}

/// Whether the first paragraph of a plain-text article is its headline: one short line that does
/// not end like a sentence.
fn looks_like_title(paragraph: &str) -> bool {
    let words = paragraph.split_whitespace().count();
    (1..=20).contains(&words)
        && paragraph.chars().count() <= 150
        && !paragraph.ends_with(['.', ',', ';', ':', '-', '—'])
        && !paragraph.starts_with(['“', '"', '‘', '\''])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Origin, OriginKind};

    impl ParseStage {
        fn run_doc(&self, doc: &Document) -> Result<Analysis, DocError> {
            self.run(doc, &mut None)
        }
    }

    fn stage() -> ParseStage {
        ParseStage { max_document_bytes: 1 << 20, boilerplate: true, mojibake: true }
    }

    fn doc(format: Format, bytes: &[u8]) -> Document {
        Document { origin: Origin { kind: OriginKind::Stdin, ..Origin::default() }, format, bytes: bytes.to_vec() }
    }

    #[test]
    fn json_fields_are_read_and_unknown_ones_kept() {
        let line = br#"{"id": 7, "title": "Hi", "text": "Body one.\n\nBody two.", "category": "x", "site": "S"}"#;
        let a = stage().run_doc(&doc(Format::Jsonl, line)).unwrap();
        assert_eq!(a.id.as_deref(), Some("7"));
        assert_eq!(a.title.as_deref(), Some("Hi"));
        assert_eq!(a.site.as_deref(), Some("S"));
        assert_eq!(a.text, "Body one.\n\nBody two.");
        assert_eq!(a.meta.get("category"), Some(&Value::String("x".into())));
    }

    #[test]
    fn json_without_content_is_an_error() {
        assert_eq!(stage().run_doc(&doc(Format::Jsonl, br#"{"id": "a"}"#)).unwrap_err(), DocError::NoContent);
        assert!(matches!(stage().run_doc(&doc(Format::Jsonl, b"{nope")), Err(DocError::InvalidJson(_))));
        assert_eq!(stage().run_doc(&doc(Format::Jsonl, b"[1]")).unwrap_err(), DocError::NotAnObject);
        assert!(matches!(
            stage().run_doc(&doc(Format::Jsonl, br#"{"text": 5}"#)),
            Err(DocError::FieldType { field: "text", .. })
        ));
    }

    #[test]
    fn oversize_documents_are_refused() {
        let small = ParseStage { max_document_bytes: 4, ..stage() };
        assert!(matches!(small.run_doc(&doc(Format::Text, b"12345")), Err(DocError::TooLarge { size: 5, limit: 4 })));
    }

    #[test]
    fn plain_text_headline_becomes_title() {
        let a = stage().run_doc(&doc(Format::Text, b"Ad sales boost profit\n\nProfits jumped 76%.")).unwrap();
        assert_eq!(a.title.as_deref(), Some("Ad sales boost profit"));
        let b = stage().run_doc(&doc(Format::Text, b"A full sentence opens this.\n\nAnd another.")).unwrap();
        assert_eq!(b.title, None);
    }

    #[test]
    fn hashes_are_written_as_32_hex_digits() {
        for value in [0, 1, 0xabc, u128::from(u64::MAX), u128::MAX - 5, u128::MAX, 0x0123_4567_89ab_cdef << 60] {
            assert_eq!(hex_128(value), format!("{value:032x}"));
        }
    }

    #[test]
    fn ids_derive_from_the_content_hash() {
        let a = stage().run_doc(&doc(Format::Text, b"Same text.")).unwrap();
        let b = stage().run_doc(&doc(Format::Text, b"Same text.")).unwrap();
        assert_eq!(a.id, b.id);
        assert_eq!(a.id.as_deref().map(str::len), Some(16));
        assert_eq!(a.content_hash.len(), 32);
    }
}
