//! The stages: plain, synchronous, deterministic steps from a framed [`Document`] to a record.
//!
//! `stage/` decides *what* a record holds; `crate::text` knows *how* to find it. Each step has
//! a stable snake_case name used in logs and error records; [`Stages::process`] runs them in
//! order on one document, isolates panics, and turns every failure into an [`ErrorRecord`] that
//! names the document, the step and the reason. The pipeline runs `process` on its worker pool,
//! never on the async runtime's own threads.

pub mod dedup;
pub mod enrich;
pub mod extract;
mod json;
pub mod offsets;
pub mod parse;

use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe};

use serde_json::Map;

use crate::config::Config;
use crate::error::DocError;
use crate::model::{
    Amount, DateMention, Document, Entity, ErrorRecord, Focus, Keyword, Lang, Media, Origin, Quote, Record, Removed,
    Stats, Tone,
};
use crate::text::sentences::split_sentences;
use crate::text::tokenize::{tokenize, Token, TokenKind};
use crate::text::{amounts, keywords, timex, tone};
use offsets::OffsetMap;

/// Reading speed for `stats.reading_time_seconds`, in words a minute.
const WORDS_PER_MINUTE: usize = 230;

/// Everything known about one document while the stages run. Offsets are bytes into `text`.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    /// The input's id, or one derived from the content hash.
    pub id: Option<String>,
    /// Where the document came from.
    pub origin: Origin,
    /// Hash of the raw input bytes.
    pub content_hash: String,
    /// Headline.
    pub title: Option<String>,
    /// Address.
    pub url: Option<String>,
    /// Publisher.
    pub site: Option<String>,
    /// Publication date as given.
    pub published: Option<String>,
    /// Authors.
    pub byline: Vec<String>,
    /// Language.
    pub lang: Option<Lang>,
    /// `lang` was given by the input, not detected.
    pub lang_stated: bool,
    /// Unknown input fields, carried through.
    pub meta: Map<String, serde_json::Value>,
    /// The clean text.
    pub text: String,
    /// Paragraph ranges in `text`.
    pub paragraphs: Vec<Range<usize>>,
    /// Tokens of `text`.
    pub tokens: Vec<Token>,
    /// Sentence ranges in `text`.
    pub sentences: Vec<Range<usize>>,
    /// Images and gallery items.
    pub media: Vec<Media>,
    /// Paragraphs taken out as boilerplate.
    pub removed: Vec<Removed>,
    /// Where `published` came from.
    pub published_from: Option<&'static str>,
    /// The headline's range in `text`, when the headline is part of it.
    pub title_range: Option<Range<usize>>,
    /// Entities, one per referent.
    pub entities: Vec<extract::EntityData>,
    /// Quotes.
    pub quotes: Vec<extract::QuoteData>,
    /// Temporal expressions.
    pub dates: Vec<timex::Timex>,
    /// Amounts.
    pub amounts: Vec<amounts::Amount>,
    /// Keyphrases.
    pub keywords: Vec<keywords::Keyword>,
    /// Document tone.
    pub tone: Option<tone::Tone>,
    /// Focus countries and cities.
    pub focus: Option<Focus>,
    /// SimHash of the text, for the in-order near-duplicate step.
    pub fingerprint: Option<u64>,
    /// Paragraphs in another language.
    pub paragraph_langs: Vec<crate::model::ParagraphLang>,
    /// Steps skipped (English-only steps on other languages).
    pub skipped: Vec<&'static str>,
}

impl Analysis {
    /// An empty analysis of a document from `origin`.
    pub fn new(origin: Origin, content_hash: String) -> Self {
        Analysis { origin, content_hash, ..Analysis::default() }
    }

    /// Sets the text from paragraphs, joined by blank lines.
    pub fn set_paragraphs<S: AsRef<str>>(&mut self, paragraphs: &[S]) {
        let (text, ranges) = crate::text::normalize::join_paragraphs(paragraphs);
        self.text = text;
        self.paragraphs = ranges;
    }

    /// Words (word and number tokens) in the text.
    pub fn word_count(&self) -> usize {
        self.tokens.iter().filter(|t| matches!(t.kind, TokenKind::Word | TokenKind::Number)).count()
    }

    /// Builds the output record, converting every byte offset to code points.
    pub fn into_record(mut self) -> Record {
        // The analysis is consumed: its strings move into the record rather than being copied.
        let text = std::mem::take(&mut self.text);
        let map = OffsetMap::new(&text);
        let words = self.word_count();
        let stats = Stats {
            words,
            sentences: self.sentences.len(),
            paragraphs: self.paragraphs.len(),
            characters: map.chars(text.len()),
            reading_time_seconds: ((words * 60).div_ceil(WORDS_PER_MINUTE)) as u32,
        };
        let paragraphs = self.paragraphs.iter().map(|r| map.range(r)).collect();
        let sentences = self.sentences.iter().map(|r| map.range(r)).collect();
        let entities: Vec<Entity> = std::mem::take(&mut self.entities)
            .into_iter()
            .enumerate()
            .map(|(i, e)| Entity {
                id: format!("E{}", i + 1),
                kind: e.kind.to_string(),
                subtype: e.subtype.map(str::to_string),
                mentions: e.mentions.iter().map(|m| map.span(m)).collect(),
                name: e.name,
                roles: e.roles,
                salience: e.salience,
                geo: e.geo,
                tone: e.tone,
            })
            .collect();
        let quotes = self
            .quotes
            .iter()
            .map(|q| {
                let span = map.span(&q.range);
                Quote {
                    start: span.start,
                    end: span.end,
                    text: span.text,
                    kind: q.kind.to_string(),
                    speaker: q.speaker.map(|i| format!("E{}", i + 1)),
                    cue: q.cue.as_ref().map(|c| map.span(c)),
                    tone: q.tone,
                }
            })
            .collect();
        let dates = std::mem::take(&mut self.dates)
            .into_iter()
            .map(|d| {
                let span = map.span(&(d.start..d.end));
                DateMention {
                    start: span.start,
                    end: span.end,
                    text: span.text,
                    kind: d.kind.as_str().to_string(),
                    value: d.value,
                }
            })
            .collect();
        let amounts = std::mem::take(&mut self.amounts)
            .into_iter()
            .map(|a| {
                let span = map.span(&(a.start..a.end));
                let modifier = a.modifier.map(|m| m.as_str().to_string());
                Amount {
                    start: span.start,
                    end: span.end,
                    text: span.text,
                    value: a.value,
                    unit: a.unit,
                    approximate: modifier.as_deref() == Some("approximate"),
                    modifier,
                    count_of: a.count_of.map(|c| c.as_str().to_string()),
                }
            })
            .collect();
        let keywords =
            std::mem::take(&mut self.keywords).into_iter().map(|k| Keyword { text: k.text, score: k.score }).collect();
        let tone = self.tone.map(|t| Tone {
            score: t.score,
            positive: t.positive,
            negative: t.negative,
            polarity: t.polarity,
        });
        drop(map);
        Record {
            id: self.id.unwrap_or_else(|| self.content_hash[..16].to_string()),
            source: self.origin,
            content_hash: self.content_hash,
            lang: self.lang,
            paragraph_langs: self.paragraph_langs,
            skipped: self.skipped.iter().map(|s| s.to_string()).collect(),
            title: self.title,
            url: self.url,
            site: self.site,
            published: self.published,
            published_from: self.published_from.map(str::to_string),
            byline: self.byline,
            entities,
            quotes,
            dates,
            amounts,
            keywords,
            tone,
            focus: self.focus,
            paragraphs,
            sentences,
            media: self.media,
            removed: self.removed,
            stats,
            meta: self.meta,
            text,
            ..Record::default()
        }
    }
}

/// A serialised record waiting for its near-duplicate links.
#[derive(Debug)]
pub struct Written {
    /// The record's id.
    pub id: String,
    /// The record as JSON, ending in `"near_duplicates":[]}` (the field is last by design).
    pub json: Vec<u8>,
    /// SimHash of its text, when near-duplicate detection is on.
    pub fingerprint: Option<u64>,
}

impl Written {
    /// The output line: the record with `near_duplicates` filled in, and a line break.
    pub fn into_line(mut self, near: &[crate::model::NearDuplicate]) -> Vec<u8> {
        const EMPTY_TAIL: &[u8] = b"[]}";
        if !near.is_empty() && self.json.ends_with(EMPTY_TAIL) {
            self.json.truncate(self.json.len() - EMPTY_TAIL.len());
            let list = serde_json::to_vec(near).unwrap_or_else(|_| b"[]".to_vec());
            self.json.extend_from_slice(&list);
            self.json.push(b'}');
        }
        self.json.push(b'\n');
        self.json
    }
}

/// What became of one document.
#[derive(Debug)]
pub enum Outcome {
    /// A record.
    Written(Written),
    /// An error record.
    Failed(ErrorRecord),
    /// Dropped on purpose by a filter.
    Filtered,
}

/// The chain of stages, built once per run from the configuration.
#[derive(Clone, Debug)]
pub struct Stages {
    parse: parse::ParseStage,
    extract: crate::config::ExtractConfig,
    enrich: crate::config::EnrichConfig,
    reference_date: Option<String>,
    min_words: usize,
}

impl Stages {
    /// Builds the stages from a validated configuration.
    pub fn new(config: &Config) -> Self {
        Stages {
            parse: parse::ParseStage {
                max_document_bytes: config.input.max_document_bytes,
                boilerplate: config.extract.boilerplate,
                mojibake: config.extract.mojibake,
            },
            extract: config.extract.clone(),
            enrich: config.enrich.clone(),
            reference_date: (!config.input.reference_date.is_empty()).then(|| config.input.reference_date.clone()),
            min_words: config.filter.min_words,
        }
    }

    /// Runs every stage on one document. Never panics: a panic inside a stage becomes an
    /// error record naming that stage.
    pub fn process(&self, doc: Document) -> Outcome {
        let origin = doc.origin.clone();
        let fail = |id: Option<String>, stage: &str, error: DocError| {
            Outcome::Failed(ErrorRecord {
                id,
                source: origin.clone(),
                stage: stage.to_string(),
                error: error.to_string(),
            })
        };
        let mut id = None;
        let mut analysis = match guarded("parse", || self.parse.run(&doc, &mut id)) {
            Ok(analysis) => analysis,
            Err(error) => return fail(id, "parse", error),
        };
        drop(doc);
        if let Err(error) = guarded("segment", || segment(&mut analysis)) {
            return fail(analysis.id.clone(), "segment", error);
        }
        if self.enrich.language {
            identify_language(&mut analysis);
        }
        let english = is_english(&analysis);
        if !english {
            analysis.skipped = ENGLISH_ONLY.to_vec();
        }
        let extracted = guarded("extract", || {
            if english {
                extract::run(&self.extract, self.reference_date.as_deref(), &mut analysis);
            }
            Ok(())
        });
        if let Err(error) = extracted {
            return fail(analysis.id.clone(), "extract", error);
        }
        let enriched = guarded("enrich", || {
            enrich::run(&self.enrich, english, &mut analysis);
            Ok(())
        });
        if let Err(error) = enriched {
            return fail(analysis.id.clone(), "enrich", error);
        }
        if analysis.word_count() < self.min_words {
            return Outcome::Filtered;
        }
        let fingerprint = analysis.fingerprint;
        // Room for the whole line up front: the JSON is a few times the text's size, and growing
        // the buffer step by step copies it over and over.
        let mut json = Vec::with_capacity(analysis.text.len() * 4 + 4096);
        let id = analysis.record_id();
        match analysis.write_record_json(&id, &mut json) {
            Ok(()) => Outcome::Written(Written { id, json, fingerprint }),
            Err(e) => fail(Some(id), "write", DocError::Read(e.to_string())),
        }
    }
}

/// The steps that need English text; other languages skip them.
const ENGLISH_ONLY: [&str; 7] = ["entities", "quotes", "dates", "amounts", "places", "keywords", "tone"];

/// Whether the English-only steps apply: the input says English or nothing, or detection is not
/// sure enough. A detected language counts only with high confidence, enough words, and few
/// English function words: tables of names and scores fool any detector, and running the
/// English steps on them costs little.
fn is_english(analysis: &Analysis) -> bool {
    let Some(lang) = analysis.lang.as_ref() else { return true };
    if lang.code == "en" || lang.code.starts_with("en-") {
        return true;
    }
    if analysis.lang_stated {
        return false;
    }
    let words: Vec<&str> = analysis
        .tokens
        .iter()
        .filter(|t| t.kind == crate::text::tokenize::TokenKind::Word)
        .map(|t| t.as_str(&analysis.text))
        .collect();
    let function_words = words.iter().filter(|w| keywords::is_stopword(&w.to_lowercase())).count();
    lang.confidence < 0.95 || words.len() < 50 || function_words * 20 >= words.len()
}

/// The document's language, unless the input stated it, and paragraphs in another language.
fn identify_language(analysis: &mut Analysis) {
    use crate::text::lang;
    if analysis.lang.is_none() {
        analysis.lang =
            lang::detect(&analysis.text).map(|d| Lang { code: d.code.to_string(), confidence: d.confidence });
    }
    let Some(document) = analysis.lang.as_ref() else { return };
    if analysis.paragraphs.len() < 2 {
        return;
    }
    let Some(code) = lang::SUPPORTED.iter().find(|c| **c == document.code.get(..2).unwrap_or("")) else { return };
    let doc = lang::Detection { code, confidence: document.confidence };
    let per_paragraph = lang::detect_paragraphs(&analysis.text, &analysis.paragraphs);
    analysis.paragraph_langs = lang::foreign_paragraphs(&doc, &per_paragraph)
        .into_iter()
        .map(|(paragraph, d)| crate::model::ParagraphLang {
            paragraph,
            code: d.code.to_string(),
            confidence: d.confidence,
        })
        .collect();
}

/// Tokens and sentences of the final text.
fn segment(analysis: &mut Analysis) -> Result<(), DocError> {
    analysis.tokens = tokenize(&analysis.text);
    analysis.sentences = split_sentences(&analysis.text, &analysis.tokens);
    Ok(())
}

/// Runs `step`, turning a panic into a [`DocError::Panic`] naming the stage.
fn guarded<T>(stage: &'static str, step: impl FnOnce() -> Result<T, DocError>) -> Result<T, DocError> {
    match catch_unwind(AssertUnwindSafe(step)) {
        Ok(result) => result,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            Err(DocError::Panic { stage, message })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Format;

    fn run(format: Format, bytes: &[u8]) -> Outcome {
        let doc = Document { origin: Origin::default(), format, bytes: bytes.to_vec() };
        Stages::new(&Config::default()).process(doc)
    }

    #[test]
    fn records_have_code_point_offsets() {
        let Outcome::Written(written) = run(Format::Text, "Zürich’s mayor spoke. “Yes,” she said.\n\nNext.".as_bytes())
        else {
            panic!("expected a record")
        };
        let record: Record = serde_json::from_slice(&written.into_line(&[])).unwrap();
        let chars: Vec<char> = record.text.chars().collect();
        let [s, e] = record.sentences[1];
        assert_eq!(chars[s..e].iter().collect::<String>(), "“Yes,” she said.");
        assert_eq!(record.stats.sentences, 3);
        assert_eq!(record.stats.paragraphs, 2);
    }

    #[test]
    fn near_duplicates_are_filled_in_last() {
        let Outcome::Written(written) = run(Format::Text, b"Some text here.") else { panic!("expected a record") };
        let near = [crate::model::NearDuplicate { id: "x".into(), similarity: 0.9 }];
        let record: Record = serde_json::from_slice(&written.into_line(&near)).unwrap();
        assert_eq!(record.near_duplicates, near);
    }

    #[test]
    fn failures_name_the_stage() {
        let Outcome::Failed(error) = run(Format::Jsonl, b"not json") else { panic!("expected an error") };
        assert_eq!(error.stage, "parse");
        assert!(error.error.contains("not valid JSON"));
    }

    #[test]
    fn panics_become_errors() {
        let result: Result<(), DocError> = guarded("boom", || panic!("broken"));
        assert_eq!(result.unwrap_err(), DocError::Panic { stage: "boom", message: "broken".into() });
    }

    #[test]
    fn a_language_stated_by_the_input_decides_the_english_steps() {
        let line = br#"{"id":"x","lang":"de","text":"Mr Smith said the council would meet in Berlin on Tuesday."}"#;
        let Outcome::Written(written) = run(Format::Jsonl, line) else { panic!("expected a record") };
        let record: Record = serde_json::from_slice(&written.into_line(&[])).unwrap();
        assert!(record.skipped.contains(&"entities".to_string()), "{:?}", record.skipped);
        assert!(record.entities.is_empty());
        let line = br#"{"id":"y","text":"Mr Smith said the council would meet in Berlin on Tuesday."}"#;
        let Outcome::Written(written) = run(Format::Jsonl, line) else { panic!("expected a record") };
        let record: Record = serde_json::from_slice(&written.into_line(&[])).unwrap();
        assert!(record.skipped.is_empty(), "{:?}", record.skipped);
        assert!(!record.entities.is_empty());
    }

    #[test]
    fn short_documents_are_filtered_when_asked() {
        let mut config = Config::default();
        config.filter.min_words = 5;
        let doc = Document { origin: Origin::default(), format: Format::Text, bytes: b"Too short.".to_vec() };
        assert!(matches!(Stages::new(&config).process(doc), Outcome::Filtered));
    }
}
