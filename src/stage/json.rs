//! The record as JSON, written straight from the [`Analysis`].
//!
//! Going through [`Analysis::into_record`] and serde costs an owned copy of every span's text
//! and a generic serialiser call per field, for a line some four times the size of the input.
//! This writer produces the same bytes (field order, escapes, number formats: the tests compare
//! it with `serde_json` on [`Analysis::into_record`]'s output) without the intermediate record.
//! Floats go through `serde_json` itself, so their formatting cannot drift; small, rare parts
//! (the source, paragraph languages, meta) are serialised by `serde_json` into the same buffer.

use std::ops::Range;

use serde::Serialize;

use super::offsets::OffsetMap;
use super::{Analysis, WORDS_PER_MINUTE};
use crate::model::{FocusPlace, Geo, Media};

impl Analysis {
    /// The record's id: the input's, else the start of the content hash.
    pub fn record_id(&self) -> String {
        match &self.id {
            Some(id) => id.clone(),
            None => self.content_hash.get(..16).unwrap_or(&self.content_hash).to_string(),
        }
    }

    /// Writes the record this analysis becomes, exactly `serde_json::to_vec(&self.into_record())`,
    /// to `out`; `id` is [`Analysis::record_id`].
    ///
    /// # Errors
    /// A serialisation error of one of the parts handed to `serde_json` (none is expected: every
    /// map key is a string).
    pub fn write_record_json(&self, id: &str, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        let text = self.text.as_str();
        let map = OffsetMap::new(text);
        out.extend_from_slice(b"{\"id\":");
        write_str(out, id);
        out.extend_from_slice(b",\"source\":");
        write_serde(out, &self.origin)?;
        out.extend_from_slice(b",\"content_hash\":");
        write_str(out, &self.content_hash);
        out.extend_from_slice(b",\"lang\":");
        match &self.lang {
            Some(lang) => {
                out.extend_from_slice(b"{\"code\":");
                write_str(out, &lang.code);
                out.extend_from_slice(b",\"confidence\":");
                write_f32(out, lang.confidence)?;
                out.push(b'}');
            }
            None => out.extend_from_slice(b"null"),
        }
        if !self.paragraph_langs.is_empty() {
            out.extend_from_slice(b",\"paragraph_langs\":");
            write_serde(out, &self.paragraph_langs)?;
        }
        if !self.skipped.is_empty() {
            out.extend_from_slice(b",\"skipped\":");
            write_str_list(out, self.skipped.iter().copied())?;
        }
        write_opt_str(out, b",\"title\":", self.title.as_deref());
        write_opt_str(out, b",\"url\":", self.url.as_deref());
        write_opt_str(out, b",\"site\":", self.site.as_deref());
        write_opt_str(out, b",\"published\":", self.published.as_deref());
        write_opt_str(out, b",\"published_from\":", self.published_from);
        if !self.byline.is_empty() {
            out.extend_from_slice(b",\"byline\":");
            write_str_list(out, self.byline.iter().map(String::as_str))?;
        }
        out.extend_from_slice(b",\"text\":");
        write_str(out, text);
        out.extend_from_slice(b",\"paragraphs\":");
        write_ranges(out, &map, &self.paragraphs)?;
        out.extend_from_slice(b",\"sentences\":");
        write_ranges(out, &map, &self.sentences)?;

        out.extend_from_slice(b",\"entities\":");
        write_array(out, self.entities.iter().enumerate(), |out, (i, entity)| {
            out.extend_from_slice(b"{\"id\":\"E");
            write_usize(out, i + 1);
            out.extend_from_slice(b"\",\"type\":");
            write_str(out, entity.kind);
            write_opt_str(out, b",\"subtype\":", entity.subtype);
            out.extend_from_slice(b",\"name\":");
            write_str(out, &entity.name);
            out.extend_from_slice(b",\"roles\":");
            write_str_list(out, entity.roles.iter().map(String::as_str))?;
            out.extend_from_slice(b",\"mentions\":");
            write_array(out, &entity.mentions, |out, mention| {
                write_span(out, &map, text, mention);
                Ok(())
            })?;
            out.extend_from_slice(b",\"salience\":");
            write_f32(out, entity.salience)?;
            if let Some(geo) = &entity.geo {
                out.extend_from_slice(b",\"geo\":");
                write_geo(out, geo)?;
            }
            if let Some(tone) = entity.tone {
                out.extend_from_slice(b",\"tone\":");
                write_f32(out, tone)?;
            }
            out.push(b'}');
            Ok(())
        })?;

        out.extend_from_slice(b",\"quotes\":");
        write_array(out, &self.quotes, |out, quote| {
            out.push(b'{');
            write_span_fields(out, &map, text, &quote.range);
            out.extend_from_slice(b",\"kind\":");
            write_str(out, quote.kind);
            out.extend_from_slice(b",\"speaker\":");
            match quote.speaker {
                Some(speaker) => {
                    out.extend_from_slice(b"\"E");
                    write_usize(out, speaker + 1);
                    out.push(b'"');
                }
                None => out.extend_from_slice(b"null"),
            }
            if let Some(cue) = &quote.cue {
                out.extend_from_slice(b",\"cue\":");
                write_span(out, &map, text, cue);
            }
            if let Some(tone) = quote.tone {
                out.extend_from_slice(b",\"tone\":");
                write_f32(out, tone)?;
            }
            out.push(b'}');
            Ok(())
        })?;

        out.extend_from_slice(b",\"dates\":");
        write_array(out, &self.dates, |out, date| {
            out.push(b'{');
            write_span_fields(out, &map, text, &(date.start..date.end));
            out.extend_from_slice(b",\"type\":");
            write_str(out, date.kind.as_str());
            out.extend_from_slice(b",\"value\":");
            write_str(out, &date.value);
            out.push(b'}');
            Ok(())
        })?;

        out.extend_from_slice(b",\"amounts\":");
        write_array(out, &self.amounts, |out, amount| {
            out.push(b'{');
            write_span_fields(out, &map, text, &(amount.start..amount.end));
            out.extend_from_slice(b",\"value\":");
            write_f64(out, amount.value)?;
            write_opt_str(out, b",\"unit\":", amount.unit.as_deref());
            let modifier = amount.modifier.map(|m| m.as_str());
            out.extend_from_slice(if modifier == Some("approximate") {
                b",\"approximate\":true"
            } else {
                b",\"approximate\":false"
            });
            write_opt_str(out, b",\"modifier\":", modifier);
            write_opt_str(out, b",\"count_of\":", amount.count_of.map(|c| c.as_str()));
            out.push(b'}');
            Ok(())
        })?;

        out.extend_from_slice(b",\"media\":");
        write_array(out, &self.media, |out, media| {
            write_media(out, media);
            Ok(())
        })?;

        out.extend_from_slice(b",\"keywords\":");
        write_array(out, &self.keywords, |out, keyword| {
            out.extend_from_slice(b"{\"text\":");
            write_str(out, &keyword.text);
            out.extend_from_slice(b",\"score\":");
            write_f32(out, keyword.score)?;
            out.push(b'}');
            Ok(())
        })?;

        out.extend_from_slice(b",\"tone\":");
        match &self.tone {
            Some(tone) => {
                out.extend_from_slice(b"{\"score\":");
                write_f32(out, tone.score)?;
                out.extend_from_slice(b",\"positive\":");
                write_f32(out, tone.positive)?;
                out.extend_from_slice(b",\"negative\":");
                write_f32(out, tone.negative)?;
                out.extend_from_slice(b",\"polarity\":");
                write_f32(out, tone.polarity)?;
                out.push(b'}');
            }
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"focus\":");
        match &self.focus {
            Some(focus) => {
                out.extend_from_slice(b"{\"countries\":");
                write_array(out, &focus.countries, write_focus_place)?;
                out.extend_from_slice(b",\"cities\":");
                write_array(out, &focus.cities, write_focus_place)?;
                out.push(b'}');
            }
            None => out.extend_from_slice(b"null"),
        }

        out.extend_from_slice(b",\"removed\":");
        write_array(out, &self.removed, |out, removed| {
            out.extend_from_slice(b"{\"text\":");
            write_str(out, &removed.text);
            out.extend_from_slice(b",\"reason\":");
            write_str(out, &removed.reason);
            out.push(b'}');
            Ok(())
        })?;

        let words = self.word_count();
        out.extend_from_slice(b",\"stats\":{\"words\":");
        write_usize(out, words);
        out.extend_from_slice(b",\"sentences\":");
        write_usize(out, self.sentences.len());
        out.extend_from_slice(b",\"paragraphs\":");
        write_usize(out, self.paragraphs.len());
        out.extend_from_slice(b",\"characters\":");
        write_usize(out, map.chars(text.len()));
        out.extend_from_slice(b",\"reading_time_seconds\":");
        // The record's field is a `u32`: the same truncating cast.
        write_usize(out, ((words * 60).div_ceil(WORDS_PER_MINUTE)) as u32 as usize);
        out.push(b'}');
        if !self.meta.is_empty() {
            out.extend_from_slice(b",\"meta\":");
            write_serde(out, &self.meta)?;
        }
        out.extend_from_slice(b",\"near_duplicates\":[]}");
        Ok(())
    }
}

/// `[[start,end],...]` in code points.
fn write_ranges(out: &mut Vec<u8>, map: &OffsetMap<'_>, ranges: &[Range<usize>]) -> WriteResult {
    write_array(out, ranges, |out, range| {
        let [start, end] = map.range(range);
        out.push(b'[');
        write_usize(out, start);
        out.push(b',');
        write_usize(out, end);
        out.push(b']');
        Ok(())
    })
}

/// A [`crate::model::Span`] object.
fn write_span(out: &mut Vec<u8>, map: &OffsetMap<'_>, text: &str, range: &Range<usize>) {
    out.push(b'{');
    write_span_fields(out, map, text, range);
    out.push(b'}');
}

/// `"start":..,"end":..,"text":..`, the leading fields of every span-like object.
fn write_span_fields(out: &mut Vec<u8>, map: &OffsetMap<'_>, text: &str, range: &Range<usize>) {
    let [start, end] = map.range(range);
    out.extend_from_slice(b"\"start\":");
    write_usize(out, start);
    out.extend_from_slice(b",\"end\":");
    write_usize(out, end);
    out.extend_from_slice(b",\"text\":");
    write_str(out, text.get(range.clone()).unwrap_or(""));
}

fn write_geo(out: &mut Vec<u8>, geo: &Geo) -> Result<(), serde_json::Error> {
    out.extend_from_slice(b"{\"geonames_id\":");
    write_u64(out, geo.geonames_id);
    out.extend_from_slice(b",\"country\":");
    write_str(out, &geo.country);
    write_opt_str(out, b",\"admin1\":", geo.admin1.as_deref());
    out.extend_from_slice(b",\"lat\":");
    write_f64(out, geo.lat)?;
    out.extend_from_slice(b",\"lon\":");
    write_f64(out, geo.lon)?;
    if let Some(population) = geo.population {
        out.extend_from_slice(b",\"population\":");
        write_u64(out, population);
    }
    out.extend_from_slice(b",\"feature_class\":");
    write_str(out, &geo.feature_class);
    out.push(b'}');
    Ok(())
}

fn write_focus_place(out: &mut Vec<u8>, place: &FocusPlace) -> WriteResult {
    out.extend_from_slice(b"{\"name\":");
    write_str(out, &place.name);
    out.extend_from_slice(b",\"geo\":");
    write_geo(out, &place.geo)?;
    out.extend_from_slice(b",\"score\":");
    write_f32(out, place.score)?;
    out.push(b'}');
    Ok(())
}

fn write_media(out: &mut Vec<u8>, media: &Media) {
    out.extend_from_slice(b"{\"caption\":");
    write_str(out, &media.caption);
    write_opt_str(out, b",\"credit\":", media.credit.as_deref());
    if let Some(position) = media.position {
        out.extend_from_slice(b",\"position\":");
        write_u64(out, u64::from(position));
    }
    if let Some(count) = media.count {
        out.extend_from_slice(b",\"count\":");
        write_u64(out, u64::from(count));
    }
    write_opt_str(out, b",\"url\":", media.url.as_deref());
    out.push(b'}');
}

/// `key` (with its leading comma and colon) and the string, when there is one.
fn write_opt_str(out: &mut Vec<u8>, key: &[u8], value: Option<&str>) {
    if let Some(value) = value {
        out.extend_from_slice(key);
        write_str(out, value);
    }
}

fn write_str_list<'s>(out: &mut Vec<u8>, items: impl Iterator<Item = &'s str>) -> WriteResult {
    write_array(out, items, |out, item| {
        write_str(out, item);
        Ok(())
    })
}

/// What the writers return: only the parts handed to `serde_json` can fail.
type WriteResult = Result<(), serde_json::Error>;

/// `[...]`, with `each` writing one element.
fn write_array<T>(
    out: &mut Vec<u8>,
    items: impl IntoIterator<Item = T>,
    mut each: impl FnMut(&mut Vec<u8>, T) -> WriteResult,
) -> WriteResult {
    out.push(b'[');
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        each(out, item)?;
    }
    out.push(b']');
    Ok(())
}

fn write_serde<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), serde_json::Error> {
    serde_json::to_writer(out, value)
}

fn write_f32(out: &mut Vec<u8>, value: f32) -> Result<(), serde_json::Error> {
    value.serialize(&mut serde_json::Serializer::new(out))
}

fn write_f64(out: &mut Vec<u8>, value: f64) -> Result<(), serde_json::Error> {
    value.serialize(&mut serde_json::Serializer::new(out))
}

fn write_usize(out: &mut Vec<u8>, value: usize) {
    write_u64(out, value as u64);
}

/// Decimal digits, with the `itoa` formatter `serde_json` itself writes integers with.
fn write_u64(out: &mut Vec<u8>, value: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

/// What a byte becomes inside a JSON string: 0 for itself, else the letter after the
/// backslash (`u` for `\u00XX`). The same escapes as `serde_json`.
static ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0A] = b'n';
    table[0x0C] = b'f';
    table[0x0D] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// Whether any byte of the chunk needs an escape; branch-free so that it is vectorised, and
/// inlined: a call costs more than the test, which runs once per 16 bytes of every string.
#[inline(always)]
fn needs_escape(chunk: &[u8; ESCAPE_CHUNK]) -> bool {
    chunk.iter().fold(false, |any, &b| any | (b < 0x20) | (b == b'"') | (b == b'\\'))
}

/// Bytes tested at once for escapes: most runs of news text have none for far longer.
const ESCAPE_CHUNK: usize = 16;

/// A JSON string literal of `s`.
fn write_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    // Room for the padded tail too (see below).
    out.reserve(bytes.len() + 2 + ESCAPE_CHUNK);
    out.push(b'"');
    // Bytes before `run_start` are written; the clean run up to an escape is copied at once.
    let mut run_start = 0;
    let mut chunks = bytes.chunks_exact(ESCAPE_CHUNK);
    for (n, chunk) in chunks.by_ref().enumerate() {
        let clean = <&[u8; ESCAPE_CHUNK]>::try_from(chunk).is_ok_and(|chunk| !needs_escape(chunk));
        if !clean {
            escape_chunk(out, bytes, &mut run_start, n * ESCAPE_CHUNK, chunk);
        }
    }
    // The short tail (all of most strings: names, mentions) is tested padded with spaces.
    let tail = chunks.remainder();
    let mut padded = [b' '; ESCAPE_CHUNK];
    if let Some(head) = padded.get_mut(..tail.len()) {
        head.copy_from_slice(tail);
    }
    if needs_escape(&padded) {
        escape_chunk(out, bytes, &mut run_start, bytes.len() - tail.len(), tail);
    } else if run_start == 0 && tail.len() == bytes.len() {
        // A short string without escapes, most of them: the padded copy is written whole (a
        // fixed-size store) and its padding cut off again, in place of a copy of variable length.
        out.extend_from_slice(&padded);
        out.truncate(out.len() - (ESCAPE_CHUNK - tail.len()));
        out.push(b'"');
        return;
    }
    out.extend_from_slice(bytes.get(run_start..).unwrap_or_default());
    out.push(b'"');
}

/// Escapes the bytes of `chunk` (at `offset` in `bytes`) that need it, first copying the clean
/// run before each.
fn escape_chunk(out: &mut Vec<u8>, bytes: &[u8], run_start: &mut usize, offset: usize, chunk: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (i, &b) in chunk.iter().enumerate() {
        let escape = ESCAPE[usize::from(b)];
        if escape == 0 {
            continue;
        }
        let at = offset + i;
        out.extend_from_slice(bytes.get(*run_start..at).unwrap_or_default());
        *run_start = at + 1;
        if escape == b'u' {
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xF)]]);
        } else {
            out.extend_from_slice(&[b'\\', escape]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::model::{Document, Focus, FocusPlace, Format, Lang, Origin, OriginKind, ParagraphLang, Removed};
    use crate::stage::extract::{EntityData, QuoteData};
    use crate::text::{amounts, keywords, timex, tone};

    fn serde_string(s: &str) -> Vec<u8> {
        serde_json::to_vec(s).unwrap()
    }

    fn written_string(s: &str) -> Vec<u8> {
        let mut out = Vec::new();
        write_str(&mut out, s);
        out
    }

    #[test]
    fn strings_are_escaped_as_serde_json_does() {
        let mut all_bytes: String = (0u8..0x80).map(char::from).collect();
        all_bytes.push_str("é€😀\u{2028}\u{feff}");
        let long = format!("{}\"{}\\{}\n", "a".repeat(15), "b".repeat(16), "c".repeat(33));
        for s in [
            "",
            "plain",
            "\"",
            "\\",
            "tab\there",
            "\u{0}\u{1f}\u{7f}",
            "sixteen bytes ok",
            "sixteen bytes \"!",
            "Zürich’s “mayor” said\n\nNext",
            all_bytes.as_str(),
            long.as_str(),
        ] {
            assert_eq!(
                String::from_utf8(written_string(s)).unwrap(),
                String::from_utf8(serde_string(s)).unwrap(),
                "{s:?}"
            );
        }
        for len in 0..40 {
            for at in 0..len {
                let mut s = "x".repeat(len);
                s.replace_range(at..at + 1, "\u{8}");
                assert_eq!(written_string(&s), serde_string(&s), "{s:?}");
            }
        }
    }

    #[test]
    fn strings_written_one_after_another_are_each_exact() {
        let strings =
            ["", "a", "fifteen bytes..", "sixteen bytes ok", "é", "\"", "tab\t", "Zürich", "x".repeat(40).leak()];
        let mut out = Vec::new();
        let mut expected = Vec::new();
        for s in strings.iter().chain(strings.iter().rev()) {
            write_str(&mut out, s);
            expected.extend(serde_string(s));
        }
        assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8(expected).unwrap());
    }

    #[test]
    fn integers_are_decimal() {
        for n in [0u64, 7, 10, 99, 100, 12345, u64::from(u32::MAX), u64::MAX] {
            let mut out = Vec::new();
            write_u64(&mut out, n);
            assert_eq!(out, serde_json::to_vec(&n).unwrap());
        }
    }

    fn assert_same_as_serde(analysis: &Analysis) {
        let mut out = Vec::new();
        let id = analysis.record_id();
        analysis.write_record_json(&id, &mut out).unwrap();
        let record = analysis.clone().into_record();
        assert_eq!(id, record.id);
        let expected = serde_json::to_vec(&record).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8(expected).unwrap());
    }

    fn geo(admin1: Option<&str>, population: Option<u64>) -> Geo {
        Geo {
            geonames_id: 2_657_896,
            country: "CH".into(),
            admin1: admin1.map(str::to_string),
            lat: 47.366_67,
            lon: -8.55,
            population,
            feature_class: "P".into(),
        }
    }

    /// An analysis with every field of the record set, odd strings and numbers included.
    fn full_analysis() -> Analysis {
        let text = "Zürich’s mayor \"Ann\" said:\t“Yes.”\n\nCosts rose 5% to £3bn on 4 April.\u{1}".to_string();
        let at = |needle: &str| {
            let start = text.find(needle).unwrap();
            start..start + needle.len()
        };
        let mut meta = serde_json::Map::new();
        meta.insert("category".into(), serde_json::Value::from("business"));
        meta.insert("n".into(), serde_json::Value::from(3));
        Analysis {
            id: None,
            origin: Origin {
                kind: OriginKind::File,
                path: Some("in \"dir\"/a.jsonl".into()),
                line: Some(7),
                ..Origin::default()
            },
            content_hash: "0123456789abcdef0123456789abcdef".into(),
            title: Some("Zürich’s \\ mayor".into()),
            url: Some("https://example.org/a?b=1&c=\u{7f}".into()),
            site: None,
            published: Some("2017-04-04".into()),
            byline: vec!["Ann \"A\" Writer".into(), String::new()],
            lang: Some(Lang { code: "en".into(), confidence: 0.987_654_3 }),
            lang_stated: false,
            meta,
            paragraphs: vec![0..at("“Yes.”").end, at("Costs").start..text.len()],
            sentences: vec![0..at("“Yes.”").end, at("Costs").start..text.len()],
            media: vec![
                Media {
                    caption: "A \"photo\"\n".into(),
                    credit: Some("Getty".into()),
                    position: Some(1),
                    count: Some(3),
                    url: None,
                },
                Media { caption: String::new(), credit: None, position: None, count: None, url: Some("u".into()) },
            ],
            removed: vec![Removed { text: "Share this\twith".into(), reason: "share".into() }],
            published_from: Some("input"),
            title_range: None,
            entities: vec![
                EntityData {
                    kind: "LOC",
                    subtype: Some("GPE"),
                    name: "Zürich".into(),
                    roles: vec![],
                    mentions: vec![at("Zürich"), 1000..1002, 3..4],
                    salience: 1.0,
                    gender: None,
                    geo: Some(geo(Some("25"), Some(341_730))),
                    tone: Some(-2.5),
                },
                EntityData {
                    kind: "PER",
                    subtype: None,
                    name: "Ann".into(),
                    roles: vec!["mayor".into(), "“chief”".into()],
                    mentions: vec![at("Ann")],
                    salience: 0.333_333_34,
                    gender: None,
                    geo: Some(geo(None, None)),
                    tone: None,
                },
                EntityData {
                    kind: "MISC",
                    subtype: None,
                    name: String::new(),
                    roles: vec![],
                    mentions: vec![],
                    salience: f32::NAN,
                    gender: None,
                    geo: None,
                    tone: Some(f32::INFINITY),
                },
            ],
            quotes: vec![
                QuoteData {
                    range: at("Yes."),
                    kind: "direct",
                    speaker: Some(1),
                    cue: Some(at("said")),
                    tone: Some(0.0),
                },
                QuoteData { range: at("Ann"), kind: "scare", speaker: None, cue: None, tone: None },
            ],
            dates: vec![timex::Timex {
                start: at("4 April").start,
                end: at("4 April").end,
                kind: timex::TimexKind::Date,
                value: "XXXX-04-04".into(),
                modifier: None,
            }],
            amounts: vec![
                amounts::Amount {
                    start: at("5%").start,
                    end: at("5%").end,
                    value: 5.0,
                    unit: Some("percent".into()),
                    modifier: Some(amounts::Modifier::Approximate),
                    count_of: None,
                },
                amounts::Amount {
                    start: at("£3bn").start,
                    end: at("£3bn").end,
                    value: 3e9,
                    unit: None,
                    modifier: Some(amounts::Modifier::MoreThan),
                    count_of: Some(amounts::CountOf::Killed),
                },
                amounts::Amount { start: 0, end: 0, value: 0.1, unit: None, modifier: None, count_of: None },
            ],
            keywords: vec![keywords::Keyword { text: "mayor \"Ann\"".into(), score: 0.123_456_79 }],
            tone: Some(tone::Tone {
                score: -1.25,
                positive: 2.0,
                negative: 3.25,
                polarity: 5.25,
                words: 12,
                valence: 1.0,
            }),
            focus: Some(Focus {
                countries: vec![FocusPlace { name: "Switzerland".into(), geo: geo(None, Some(8_000_000)), score: 1.0 }],
                cities: vec![
                    FocusPlace { name: "Zürich \"city\"".into(), geo: geo(Some("ZH"), None), score: 0.333_333_34 },
                    FocusPlace { name: "Bern".into(), geo: geo(None, None), score: f32::NAN },
                ],
            }),
            fingerprint: Some(42),
            paragraph_langs: vec![ParagraphLang { paragraph: 1, code: "de".into(), confidence: 0.5 }],
            skipped: vec!["quotes", "tone"],
            text,
            tokens: Vec::new(),
        }
    }

    #[test]
    fn a_full_analysis_is_written_as_serde_writes_its_record() {
        let mut analysis = full_analysis();
        analysis.tokens = crate::text::tokenize::tokenize(&analysis.text);
        assert_same_as_serde(&analysis);
        analysis.id = Some("my \"id\"".into());
        assert_same_as_serde(&analysis);
    }

    #[test]
    fn an_empty_analysis_is_written_as_serde_writes_its_record() {
        let analysis = Analysis::new(Origin::default(), "0123456789abcdef0123456789abcdef".into());
        assert_same_as_serde(&analysis);
        let mut ascii = full_analysis();
        ascii.text = "plain ASCII text".into();
        ascii.lang = None;
        ascii.tone = None;
        ascii.focus = None;
        ascii.meta.clear();
        ascii.skipped.clear();
        ascii.paragraph_langs.clear();
        ascii.byline.clear();
        assert_same_as_serde(&ascii);
    }

    #[test]
    fn processed_documents_are_written_as_serde_writes_their_records() {
        let stages = crate::stage::Stages::new(&Config::default());
        let line = r#"{"id":"a","title":"Talks","text":"MOSCOW (Reuters) - Russia’s Sergei Lavrov said on Tuesday: “We will not accept this.” About 60 people were killed, costing $3bn.\n\nUS Secretary of State Rex Tillerson met him in Zürich on 4 April 2017.","extra":{"k":[1,2]}}"#;
        for (format, bytes) in [
            (Format::Jsonl, line.as_bytes()),
            (Format::Text, "Grüße aus Köln. Привет, мир! Das ist ein Test.".as_bytes()),
            (Format::Html, b"<html><head><title>T</title></head><body><p>Mr Smith spoke in Paris.</p></body></html>"),
        ] {
            let doc = Document { origin: Origin::default(), format, bytes: bytes.to_vec() };
            let mut id = None;
            let mut analysis = stages.parse.run(&doc, &mut id).unwrap();
            super::super::segment(&mut analysis).unwrap();
            super::super::identify_language(&mut analysis);
            crate::stage::extract::run(&stages.extract, None, &mut analysis);
            crate::stage::enrich::run(&stages.enrich, true, &mut analysis);
            assert_same_as_serde(&analysis);
        }
    }
}
