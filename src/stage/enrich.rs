//! The enrich stage: places on the map, keywords, tone and the near-duplicate fingerprint.
//! Language is identified before the extract stage (in `stage::mod`) so that documents in
//! other languages skip the English-only steps; only the fingerprint applies to every language.

use super::Analysis;
use crate::config::EnrichConfig;
use crate::model::{Focus, FocusPlace, Geo};
use crate::text::{gazetteer, keywords, simhash, tone, vocab};

/// Runs the enabled enrichers.
pub fn run(config: &EnrichConfig, english: bool, analysis: &mut Analysis) {
    if english && config.places {
        places(analysis);
    }
    // Keywords and tone read the same words: interned once for both.
    let words = (english && (config.keywords > 0 || config.tone))
        .then(|| vocab::DocWords::new(&analysis.text, &analysis.tokens));
    if let Some(words) = words.as_ref().filter(|_| config.keywords > 0) {
        analysis.keywords =
            keywords::keywords_with(&analysis.text, &analysis.tokens, words, &analysis.sentences, config.keywords);
    }
    if let Some(words) = words.as_ref().filter(|_| config.tone) {
        tones(analysis, words);
    }
    if config.near_duplicates {
        analysis.fingerprint = Some(match words.as_ref() {
            Some(words) => simhash::simhash_of_words(&analysis.text, &analysis.tokens, words),
            None => simhash::simhash(&analysis.text),
        });
    }
}

fn geo_of(place: &gazetteer::Place) -> Geo {
    Geo {
        geonames_id: u64::from(place.geonameid),
        country: place.country.to_string(),
        admin1: (!place.admin1.is_empty()).then(|| place.admin1.to_string()),
        lat: f64::from(place.lat),
        lon: f64::from(place.lon),
        population: (place.population > 0).then_some(place.population),
        feature_class: place.feature.class().to_string(),
    }
}

/// Geocodes LOC entities (and nationalities, which point at their country), disambiguated by
/// the other places of the document, and finds the article's focus.
fn places(analysis: &mut Analysis) {
    let candidates: Vec<usize> = analysis
        .entities
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == "LOC" || e.subtype == Some("NORP"))
        .map(|(i, _)| i)
        .collect();
    if candidates.is_empty() {
        return;
    }
    let names: Vec<String> = candidates.iter().map(|&i| analysis.entities[i].name.clone()).collect();
    let queries: Vec<gazetteer::PlaceQuery> = candidates
        .iter()
        .zip(&names)
        .map(|(&i, name)| gazetteer::PlaceQuery { text: name, weight: analysis.entities[i].mentions.len() as f32 })
        .collect();
    let found = gazetteer::geocode(&queries);
    for (&i, place) in candidates.iter().zip(&found) {
        // A nationality names a country, but the entity is not a place: keep its geo only for places.
        if analysis.entities[i].kind == "LOC" {
            analysis.entities[i].geo = place.as_ref().map(geo_of);
        }
    }
    let focus = gazetteer::focus(&queries, &found);
    let convert = |list: &[gazetteer::FocusPlace]| -> Vec<FocusPlace> {
        list.iter()
            .map(|f| FocusPlace { name: f.place.name.to_string(), geo: geo_of(&f.place), score: f.score })
            .collect()
    };
    analysis.focus = Some(Focus { countries: convert(&focus.countries), cities: convert(&focus.cities) });
}

/// Document tone, and the tone of each quote and of the sentences that mention each entity.
fn tones(analysis: &mut Analysis, words: &vocab::DocWords) {
    let text = &analysis.text;
    let looked_up = tone::ToneTokens::with_words(text, &analysis.tokens, words);
    analysis.tone = Some(looked_up.tone(0..text.len()));
    for quote in &mut analysis.quotes {
        quote.tone = Some(looked_up.tone(quote.range.clone()).score);
    }
    let mut sentence_tone: Vec<Option<tone::Tone>> = vec![None; analysis.sentences.len()];
    for entity in &mut analysis.entities {
        let mut positive = 0.0;
        let mut negative = 0.0;
        let mut words = 0usize;
        let mut seen = Vec::new();
        for mention in &entity.mentions {
            let s = analysis.sentences.partition_point(|r| r.end <= mention.start);
            if s >= analysis.sentences.len() || seen.contains(&s) {
                continue;
            }
            seen.push(s);
            let t = *sentence_tone[s].get_or_insert_with(|| looked_up.tone(analysis.sentences[s].clone()));
            positive += t.positive * t.words as f32;
            negative += t.negative * t.words as f32;
            words += t.words;
        }
        if words > 0 {
            entity.tone = Some((positive - negative) / words as f32);
        }
    }
}
