//! The document model: what a source hands to the stages ([`Document`]) and what the sink writes
//! ([`Record`], the output contract of `DESIGN.md` section 3, and [`ErrorRecord`]).
//!
//! Every span in a [`Record`] is a `[start, end)` range of Unicode code points into
//! [`Record::text`]; the stages work in byte offsets and convert once, through
//! [`crate::stage::offsets::OffsetMap`], when they build the record.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Version of the record schema; bumped when a field changes meaning or shape.
pub const SCHEMA_VERSION: &str = "1.0";

/// Where a document came from. Serialised as the record's `source`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Origin {
    /// `stdin`, `file`, `watch` or `kafka`.
    pub kind: OriginKind,
    /// The file, for `file` and `watch`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// 1-based line number, for JSON-lines input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The Kafka topic, for `kafka`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// The Kafka partition, for `kafka`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<i32>,
    /// The message's offset in its partition, for `kafka`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
    /// The message key (lossy UTF-8), for `kafka` messages that have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// The kind of source a document was read from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum OriginKind {
    /// Standard input.
    #[default]
    Stdin,
    /// A file named on the command line.
    File,
    /// A file picked up by `lede watch`.
    Watch,
    /// A message consumed from a Kafka topic.
    Kafka,
}

/// How the bytes of a document are to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One JSON object (one article) per line.
    Jsonl,
    /// The whole input is one plain-text article.
    Text,
    /// The whole input is one HTML page.
    Html,
}

/// A framed document as the source hands it over: raw bytes, not yet decoded or parsed, so that
/// decoding and JSON parsing run on the worker pool rather than in the reading task.
#[derive(Clone, Debug)]
pub struct Document {
    /// Where it came from.
    pub origin: Origin,
    /// The format of `bytes`.
    pub format: Format,
    /// The raw bytes: one JSON line (without its line break), or a whole text or HTML file.
    pub bytes: Vec<u8>,
}

/// A code-point span of the record's text with its surface form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Span {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// Exactly `text[start..end]`.
    pub text: String,
}

/// The language of a document or passage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Lang {
    /// ISO 639-1 code.
    pub code: String,
    /// 0 to 1; 1 when the input stated the language.
    pub confidence: f32,
}

/// A paragraph whose language differs from the document's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ParagraphLang {
    /// Index into `paragraphs`.
    pub paragraph: usize,
    /// ISO 639-1 code.
    pub code: String,
    /// 0 to 1.
    pub confidence: f32,
}

/// One real-world referent and its mentions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Entity {
    /// `E1`, `E2`, ... unique within the record; quotes refer to it.
    pub id: String,
    /// `PER`, `ORG`, `LOC` or `MISC`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A finer class where it can be told: `GPE`, `NORP`, ...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtype: Option<String>,
    /// The fullest proper form in the document.
    pub name: String,
    /// Titles and roles the text gives ("US Secretary of State").
    pub roles: Vec<String>,
    /// Every mention, the name alone (no honorifics).
    pub mentions: Vec<Span>,
    /// 0 to 1: how central the entity is to the article.
    pub salience: f32,
    /// Where a place is, from the offline gazetteer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub geo: Option<Geo>,
    /// Tone score of the sentences that mention the entity (positive minus negative, in percent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tone: Option<f32>,
}

/// A place the article is about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FocusPlace {
    /// The place's name.
    pub name: String,
    /// Where it is.
    pub geo: Geo,
    /// 0 to 1, relative to the strongest place of its list.
    pub score: f32,
}

/// The countries and cities an article is about.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Focus {
    /// Focus countries, strongest first.
    pub countries: Vec<FocusPlace>,
    /// Focus cities, strongest first.
    pub cities: Vec<FocusPlace>,
}

/// A geocoded place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Geo {
    /// GeoNames id.
    pub geonames_id: u64,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// First-level administrative division code, where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin1: Option<String>,
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
    /// Population, where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub population: Option<u64>,
    /// GeoNames feature class: `A` (country, region), `P` (city), ...
    pub feature_class: String,
}

/// A quotation and who said it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Quote {
    /// First code point of the quoted words (inside the quotation marks).
    pub start: usize,
    /// One past the last quoted code point.
    pub end: usize,
    /// The quoted words.
    pub text: String,
    /// `direct`, `partial` or `scare`.
    pub kind: String,
    /// The `id` of the speaking entity, or null when unknown.
    pub speaker: Option<String>,
    /// The verb of saying.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cue: Option<Span>,
    /// Tone score of the quoted words (positive minus negative, in percent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tone: Option<f32>,
}

/// A temporal expression with its TimeML value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DateMention {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The expression as written.
    pub text: String,
    /// `date`, `time`, `duration` or `set`.
    #[serde(rename = "type")]
    pub kind: String,
    /// TimeML value: `2017-04-04`, `P18M`, `XXXX-04-04`, `PAST_REF`.
    pub value: String,
}

/// A number with what it counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Amount {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The amount as written ("nearly 60 missiles").
    pub text: String,
    /// The number.
    pub value: f64,
    /// A currency code, `percent`, or the counted noun.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Whether the text hedges the number ("nearly", "about").
    pub approximate: bool,
    /// `approximate`, `at_least`, `at_most`, `more_than` or `less_than`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modifier: Option<String>,
    /// What happened to the people counted: `killed`, `injured`, `arrested`, ...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count_of: Option<String>,
}

/// An image or gallery item of the article, with its caption.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Media {
    /// The caption text.
    pub caption: String,
    /// Who the image is credited to (Getty, Reuters, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credit: Option<String>,
    /// Position in its gallery, from 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<u32>,
    /// Size of its gallery.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// The image address, for HTML input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A scored keyphrase.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Keyword {
    /// The phrase.
    pub text: String,
    /// 0 to 1, higher is more relevant.
    pub score: f32,
}

/// Lexicon-based tone, in the manner of GDELT's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Tone {
    /// Positive minus negative.
    pub score: f32,
    /// Share of words that are positive, in percent.
    pub positive: f32,
    /// Share of words that are negative, in percent.
    pub negative: f32,
    /// Share of words that carry tone at all, in percent.
    pub polarity: f32,
}

/// An earlier document of the stream that this one nearly duplicates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NearDuplicate {
    /// The earlier document's `id`.
    pub id: String,
    /// 0 to 1.
    pub similarity: f32,
}

/// A paragraph that was taken out of the text, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Removed {
    /// The paragraph as it was.
    pub text: String,
    /// A reason code: `gallery`, `share`, `related`, `byline`, `copyright`, ...
    pub reason: String,
}

/// Counts over the clean text.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Stats {
    /// Word tokens (words and numbers).
    pub words: usize,
    /// Sentences.
    pub sentences: usize,
    /// Paragraphs.
    pub paragraphs: usize,
    /// Code points of `text`.
    pub characters: usize,
    /// Estimated reading time at 230 words a minute, in seconds.
    pub reading_time_seconds: u32,
}

/// One output record: the contract of `DESIGN.md` section 3.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Record {
    /// The input's id, else one derived from the content hash.
    pub id: String,
    /// Where the document came from.
    pub source: Origin,
    /// XXH3-128 of the raw input bytes, as 32 hex digits.
    pub content_hash: String,
    /// Language of the document.
    pub lang: Option<Lang>,
    /// Paragraphs in another language than the document's: `[paragraph index, language]`.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub paragraph_langs: Vec<ParagraphLang>,
    /// Stages skipped because they need English text (`entities`, `quotes`, `dates`, ...).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub skipped: Vec<String>,
    /// Headline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Address of the article.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Publisher or site name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// Publication date or date-time, as given or read from the page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Where `published` came from: `input`, `page` (HTML metadata) or `dateline` (the text
    /// states its own date).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_from: Option<String>,
    /// Authors.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub byline: Vec<String>,
    /// The clean article body; paragraphs separated by a blank line.
    pub text: String,
    /// Paragraph spans `[start, end)` in code points.
    pub paragraphs: Vec<[usize; 2]>,
    /// Sentence spans `[start, end)` in code points.
    pub sentences: Vec<[usize; 2]>,
    /// Named entities, one per referent.
    pub entities: Vec<Entity>,
    /// Quotations with their speakers.
    pub quotes: Vec<Quote>,
    /// Temporal expressions.
    pub dates: Vec<DateMention>,
    /// Numbers and what they count.
    pub amounts: Vec<Amount>,
    /// Images and gallery items.
    pub media: Vec<Media>,
    /// Keyphrases.
    pub keywords: Vec<Keyword>,
    /// Tone of the document.
    pub tone: Option<Tone>,
    /// The countries and cities the article is about.
    pub focus: Option<Focus>,
    /// Paragraphs removed as boilerplate.
    pub removed: Vec<Removed>,
    /// Counts.
    pub stats: Stats,
    /// Input fields lede does not know, carried through.
    #[serde(skip_serializing_if = "serde_json::Map::is_empty", default)]
    pub meta: serde_json::Map<String, serde_json::Value>,
    /// Earlier documents this one nearly duplicates. Always the last field: the in-order
    /// deduplication step fills it in after the record is serialised.
    pub near_duplicates: Vec<NearDuplicate>,
}

/// A document that failed: which one, in which stage, and why. Written to the error sink.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorRecord {
    /// The document's id, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Where the document came from.
    pub source: Origin,
    /// The stage that failed: `read`, `parse`, `extract`, `enrich`, `write`.
    pub stage: String,
    /// What went wrong, in a sentence a person can act on.
    pub error: String,
}
