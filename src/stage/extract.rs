//! The extract stage: named entities, quotes with their speakers, dates and amounts.
//!
//! Each step reads the segmented text of an [`Analysis`] and adds spans in byte offsets; the
//! record builder converts them to code points.

use std::ops::Range;

use super::Analysis;
use crate::config::ExtractConfig;
use crate::text::{amounts, entities, ner, quotes, timex};

/// An entity while the stages run.
#[derive(Clone, Debug)]
pub struct EntityData {
    /// `PER`, `ORG`, `LOC` or `MISC`.
    pub kind: &'static str,
    /// `GPE`, `LOC`, `NORP`, ...
    pub subtype: Option<&'static str>,
    /// Canonical name.
    pub name: String,
    /// Roles and titles.
    pub roles: Vec<String>,
    /// Mention ranges, in text order.
    pub mentions: Vec<Range<usize>>,
    /// 0 to 1.
    pub salience: f32,
    /// Likely gender of a person.
    pub gender: Option<entities::Gender>,
    /// Geocoded place.
    pub geo: Option<crate::model::Geo>,
    /// Tone of the sentences that mention it.
    pub tone: Option<f32>,
}

/// A quote while the stages run.
#[derive(Clone, Debug)]
pub struct QuoteData {
    /// The quoted words.
    pub range: Range<usize>,
    /// `direct`, `partial` or `scare`.
    pub kind: &'static str,
    /// Index into the entities.
    pub speaker: Option<usize>,
    /// The verb of saying.
    pub cue: Option<Range<usize>>,
    /// Tone of the quoted words.
    pub tone: Option<f32>,
}

/// Runs the enabled extractors.
pub fn run(config: &ExtractConfig, reference_date: Option<&str>, analysis: &mut Analysis) {
    if config.entities {
        find_entities(analysis);
    }
    // Dates and amounts read the same tokens: scan the text once for both. Quotes read its
    // lower-cased copy.
    let scanned = (config.dates || config.amounts).then(|| timex::Scanned::new(&analysis.text));
    if config.quotes {
        find_quotes(analysis, config.scare_quotes, scanned.as_ref().map(|s| s.low.as_str()));
    }
    if let Some(scanned) = &scanned {
        if config.dates {
            find_dates(analysis, scanned, reference_date);
        }
        if config.amounts {
            let exclude: Vec<Range<usize>> = analysis.dates.iter().map(|d| d.start..d.end).collect();
            analysis.amounts = amounts::find_scanned(&analysis.text, scanned, &exclude);
        }
    }
}

fn find_entities(analysis: &mut Analysis) {
    let mentions = ner::recognize(&analysis.text, &analysis.tokens, &analysis.sentences);
    let title = analysis.title_range.clone();
    analysis.entities = entities::resolve(&analysis.text, &mentions, title)
        .into_iter()
        .map(|e| EntityData {
            kind: e.kind.as_str(),
            subtype: e.subtype.map(|s| s.as_str()),
            name: e.name,
            roles: e.roles,
            mentions: e.mentions,
            salience: e.salience,
            gender: e.gender,
            geo: None,
            tone: None,
        })
        .collect();
}

/// `low` is the text with its ASCII letters lower-cased, when the caller has it.
fn find_quotes(analysis: &mut Analysis, keep_scare: bool, low: Option<&str>) {
    let mut mentions = Vec::new();
    for (index, entity) in analysis.entities.iter().enumerate() {
        let kind = match entity.kind {
            "PER" => quotes::EntityKind::Person,
            "ORG" => quotes::EntityKind::Org,
            "LOC" => quotes::EntityKind::Place,
            _ => quotes::EntityKind::Other,
        };
        let gender = entity.gender.map(|g| match g {
            entities::Gender::Male => quotes::Gender::Male,
            entities::Gender::Female => quotes::Gender::Female,
        });
        for m in &entity.mentions {
            mentions.push(quotes::EntityMention { start: m.start, end: m.end, entity: index, kind, gender });
        }
    }
    let roles: Vec<Vec<String>> = analysis.entities.iter().map(|e| e.roles.clone()).collect();
    let found = match low {
        Some(low) => quotes::find_quotes_lowered(&analysis.text, low, &mentions, &roles),
        None => quotes::find_quotes(&analysis.text, &mentions, &roles),
    };
    let mut out = Vec::with_capacity(found.len());
    for quote in found {
        let kind = match quote.kind {
            quotes::QuoteKind::Direct => "direct",
            quotes::QuoteKind::Partial => "partial",
            quotes::QuoteKind::Scare => "scare",
        };
        if kind == "scare" && !keep_scare {
            continue;
        }
        let speaker = quote.speaker.and_then(|speaker| link_speaker(analysis, speaker));
        out.push(QuoteData { range: quote.start..quote.end, kind, speaker, cue: quote.cue, tone: None });
    }
    analysis.quotes = out;
}

/// The entity index of a speaker, adding pronoun and description spans to their entity and
/// creating an entity for a name that is none yet.
fn link_speaker(analysis: &mut Analysis, speaker: quotes::Speaker) -> Option<usize> {
    match speaker {
        quotes::Speaker::Entity(index) => (index < analysis.entities.len()).then_some(index),
        quotes::Speaker::Pronoun { entity, start, end } | quotes::Speaker::Described { entity, start, end } => {
            let target = analysis.entities.get_mut(entity)?;
            add_mention(&mut target.mentions, start..end);
            Some(entity)
        }
        quotes::Speaker::Unlinked { start, end } => {
            let name = analysis.text.get(start..end)?.to_string();
            // A span already listed under an entity belongs to it.
            if let Some(index) = analysis.entities.iter().position(|e| e.mentions.contains(&(start..end))) {
                return Some(index);
            }
            if let Some(index) = analysis.entities.iter().position(|e| e.name.eq_ignore_ascii_case(&name)) {
                add_mention(&mut analysis.entities[index].mentions, start..end);
                return Some(index);
            }
            // An unresolved pronoun names nobody. A description ("a State Department
            // official", "the campaign") is an unnamed speaker: it gets an entity of its own,
            // so the quote keeps a speaker that later mentions can join.
            let kind = if looks_like_name(&name) {
                "PER"
            } else if name.split_whitespace().count() == 1 && quotes::is_pronoun(&name) {
                return None;
            } else {
                match quotes::description_speaker_kind(&name) {
                    Some(quotes::EntityKind::Org) => "ORG",
                    Some(_) => "PER",
                    None => return None,
                }
            };
            analysis.entities.push(EntityData {
                kind,
                subtype: None,
                name,
                roles: Vec::new(),
                mentions: std::iter::once(start..end).collect(),
                salience: 0.0,
                gender: None,
                geo: None,
                tone: None,
            });
            Some(analysis.entities.len() - 1)
        }
    }
}

/// Capitalised and not opened by a determiner or a number: "Brian Fallon", not "The attack".
fn looks_like_name(span: &str) -> bool {
    let first = span.split_whitespace().next().unwrap_or("");
    first.chars().next().is_some_and(char::is_uppercase)
        && !matches!(
            first,
            "The"
                | "A"
                | "An"
                | "This"
                | "That"
                | "These"
                | "Those"
                | "Some"
                | "Many"
                | "Most"
                | "Two"
                | "Three"
                | "Several"
                | "Both"
                | "Officials"
                | "Critics"
                | "Experts"
        )
}

fn add_mention(mentions: &mut Vec<Range<usize>>, range: Range<usize>) {
    if !mentions.contains(&range) {
        let at = mentions.partition_point(|m| m.start < range.start);
        mentions.insert(at, range);
    }
}

fn find_dates(analysis: &mut Analysis, scanned: &timex::Scanned, configured: Option<&str>) {
    let mut reference = analysis.published.as_deref().and_then(|p| timex::Reference::parse(p).ok());
    if reference.is_none() {
        reference = configured.and_then(|p| timex::Reference::parse(p).ok());
    }
    if reference.is_none() && analysis.published.is_none() {
        // Plain text that states its own date: infer `published`, and say so.
        if let Some(date) = timex::infer_dateline_date_scanned(&analysis.text, scanned).and_then(|d| d.to_date()) {
            analysis.published = Some(date.format("%Y-%m-%d").to_string());
            analysis.published_from = Some("dateline");
            reference = Some(timex::Reference::from_date(date));
        }
    }
    analysis.dates = timex::find_scanned(&analysis.text, scanned, reference);
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::model::{Document, Format, Origin, Record};
    use crate::stage::{Outcome, Stages};

    fn record(text: &str) -> Record {
        let doc = Document { origin: Origin::default(), format: Format::Text, bytes: text.as_bytes().to_vec() };
        let Outcome::Written(written) = Stages::new(&Config::default()).process(doc) else {
            panic!("expected a record")
        };
        serde_json::from_slice(&written.into_line(&[])).unwrap()
    }

    /// The name of the entity that speaks the first quote, with the texts of its mentions.
    fn first_speaker(record: &Record) -> Option<(String, Vec<String>)> {
        let id = record.quotes.first()?.speaker.as_ref()?;
        let entity = record.entities.iter().find(|e| &e.id == id)?;
        Some((entity.name.clone(), entity.mentions.iter().map(|m| m.text.clone()).collect()))
    }

    #[test]
    fn an_unnamed_speaker_gets_an_entity_of_its_own() {
        let r = record("The talks ended late.\n\n“We expect a second round within weeks,” a senior negotiator said.");
        let (name, mentions) = first_speaker(&r).expect("a speaker");
        assert_eq!(name, "a senior negotiator");
        assert_eq!(mentions, vec!["a senior negotiator".to_string()]);
    }

    #[test]
    fn an_organisation_description_speaks_as_an_organisation() {
        let r = record("Shares fell on Monday.\n\n“We remain confident in our long-term plan,” the company said.");
        let id = r.quotes[0].speaker.clone().expect("a speaker");
        let entity = r.entities.iter().find(|e| e.id == id).unwrap();
        assert_eq!(entity.name, "the company");
        assert_eq!(entity.kind, "ORG");
    }

    #[test]
    fn an_event_is_no_speaker() {
        let r = record(
            "The storm also drew a sharp warning from the coast guard, saying residents were “in real danger tonight.”",
        );
        assert!(r.entities.iter().all(|e| e.name != "The storm"));
    }
}
