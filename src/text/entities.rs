//! Entity resolution: groups the tagged mentions of one document into one entity per
//! real-world referent, with a canonical name, the roles the text gives a person, a likely
//! gender and a salience score.
//!
//! Sits after the tagger ([`crate::text::ner`]) and before quote attribution, which reads
//! each entity's kind and gender. Merging is by name form, longest forms first:
//! "Rex Tillerson" absorbs "Mr Tillerson" and "Tillerson's" (shared name words, nearest
//! candidate on ties), "the United Nations" absorbs "UN" and "U.N." (acronyms of the
//! capitalised words, with or without the function words), and identical names merge
//! whatever their tag. Titles and honorifics stay outside mention spans; titles before a
//! name (or in an apposition before it) become the entity's `roles`.

use std::ops::Range;

use rustc_hash::{FxHashMap, FxHasher};

use super::ner::{subtype, EntityKind, Mention, Subtype};
use super::quotes::{whitespace_words, WordSet};

/// A person's likely gender, when an honorific or a pronoun tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Gender {
    /// "Mr", "Sir", "King", or "he" / "his" after the name.
    Male,
    /// "Mrs", "Ms", "Queen", or "she" / "her" after the name.
    Female,
}

/// One real-world referent of a document.
#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    /// The CoNLL class (the majority over the mentions).
    pub kind: EntityKind,
    /// A finer class, where the name tells it.
    pub subtype: Option<Subtype>,
    /// The fullest proper form of the name in the document ("Rex Tillerson").
    pub name: String,
    /// Titles the text puts before the person's name ("US Secretary of State").
    pub roles: Vec<String>,
    /// Mention spans, byte ranges in text order; each is the name alone.
    pub mentions: Vec<Range<usize>>,
    /// Importance in the document, in `(0, 1]`; the most salient entity has 1.
    pub salience: f32,
    /// Likely gender of a person.
    pub gender: Option<Gender>,
}

/// Groups `mentions` (from [`crate::text::ner`], in any order) into entities, ordered by
/// first mention. `title` is the byte range of the headline within `text`, if it is part
/// of it. Mention spans are cleaned of a possessive ending, a leading "the" and leading
/// honorifics or titles the tagger may have included.
pub fn resolve(text: &str, mentions: &[Mention], title: Option<Range<usize>>) -> Vec<Entity> {
    // Every mention's word keys go into one buffer, and its words are slices of shared
    // lists: a few allocations per document instead of one per word.
    let mut keys = Vec::with_capacity(mentions.iter().map(|m| m.end.saturating_sub(m.start)).sum());
    let mut key_spans: Vec<Range<usize>> = Vec::with_capacity(mentions.len() * 2);
    let mut surface: Vec<&str> = Vec::with_capacity(mentions.len() * 2);
    let raw: Vec<RawCleaned> =
        mentions.iter().filter_map(|m| clean(text, m, &mut keys, &mut key_spans, &mut surface)).collect();
    // Only whole UTF-8 strings were pushed: the check cannot fail.
    let keys = String::from_utf8(keys).unwrap_or_default();
    let key_words: Vec<&str> = key_spans.iter().map(|r| keys.get(r.clone()).unwrap_or("")).collect();
    let mut cleaned: Vec<Cleaned<'_>> = raw
        .into_iter()
        .map(|r| {
            let words = key_words.get(r.words.clone()).unwrap_or(&[]);
            let surface_words = surface.get(r.words).unwrap_or(&[]);
            Cleaned {
                span: r.span,
                kind: r.kind,
                words,
                words_hash: words_hash(words),
                surface_words,
                acronym: is_acronym(surface_words),
                attributive: r.attributive,
            }
        })
        .collect();
    // a title phrase tagged as a name inside a person's role ("US Secretary of Defence"
    // James Mattis) is part of the role, not an entity. The roles found here are kept for
    // the entities, which read them again at the same offsets.
    let mut role_cache: FxHashMap<usize, Option<String>> =
        FxHashMap::with_capacity_and_hasher(cleaned.len(), Default::default());
    let mut roles: Vec<Range<usize>> = Vec::new();
    for c in cleaned.iter().filter(|c| c.kind == EntityKind::Per) {
        let found = role_words_before(text, c.span.start);
        if let Some((s, _)) = &found {
            roles.push(*s..c.span.start);
        }
        role_cache.entry(c.span.start).or_insert_with(|| found.map(|(_, words)| words.join(" ")));
    }
    cleaned.retain(|c| {
        c.kind == EntityKind::Per
            || !c.words.iter().any(|w| is_title(w))
            || !roles.iter().any(|r| r.start <= c.span.start && c.span.end <= r.end)
    });
    cleaned.sort_by_key(|c| c.span.start);
    cleaned.dedup_by(|a, b| a.span == b.span);
    // longest forms first, so short forms find the entity they abbreviate
    let mut order: Vec<usize> = (0..cleaned.len()).collect();
    // people first, so a one-word name tagged otherwise ("the Assad regime") can join them
    order.sort_by_key(|&i| {
        (cleaned[i].kind != EntityKind::Per, std::cmp::Reverse(cleaned[i].words.len()), cleaned[i].span.start)
    });
    let mut groups: Vec<Group> = Vec::new();
    // The acronyms each mention may be written as, found once rather than per look-up.
    // Only groups without a person compare acronyms, and such groups hold no person.
    let acronym_forms: Vec<Vec<String>> = if cleaned.iter().any(|c| c.kind != EntityKind::Per && c.acronym) {
        cleaned.iter().map(|c| if c.kind == EntityKind::Per { Vec::new() } else { acronyms(c.surface_words) }).collect()
    } else {
        Vec::new()
    };
    // The groups holding a member of each name hash: a mention's identical names are looked
    // for there rather than in every member of every group.
    let mut groups_by_name = GroupsByName::with_capacity(cleaned.len());
    for &i in &order {
        let c = &cleaned[i];
        let target = find_group(&groups, &cleaned, &acronym_forms, &groups_by_name, c);
        let g = match target {
            Some(g) => {
                groups[g].add(i, &cleaned);
                g
            }
            None => {
                groups.push(Group::new(i, &cleaned));
                groups.len() - 1
            }
        };
        groups_by_name.insert(c.words_hash, g);
    }
    let mut person_starts: Vec<usize> =
        cleaned.iter().filter(|c| c.kind == EntityKind::Per).map(|c| c.span.start).collect();
    person_starts.sort_unstable();
    let facts = DocFacts {
        title: title.as_ref(),
        lead_end: memchr::memmem::find(text.as_bytes(), b"\n\n").unwrap_or(text.len()),
        person_starts: &person_starts,
        role_cache: &role_cache,
    };
    let mut entities: Vec<Entity> = groups.iter().map(|g| build(text, &cleaned, g, &facts)).collect();
    let max = entities.iter().map(|e| e.salience).fold(0.0f32, f32::max);
    if max > 0.0 {
        for e in &mut entities {
            e.salience /= max;
        }
    }
    entities.sort_by_key(|e| e.mentions.first().map_or(usize::MAX, |m| m.start));
    entities
}

/// A mention after clean-up, with its normalised name words.
struct Cleaned<'a> {
    span: Range<usize>,
    kind: EntityKind,
    /// Lower-cased words, dots removed ("U.N." -> "un").
    words: &'a [&'a str],
    /// [`words_hash`] of `words`: most name comparisons fail on it.
    words_hash: u64,
    /// Words in their written case, for acronym building.
    surface_words: &'a [&'a str],
    /// [`is_acronym`] of `surface_words`.
    acronym: bool,
    /// Followed by a noun that a person's name modifies ("the Assad regime").
    attributive: bool,
}

/// What [`clean`] finds of a mention; its words are a range of the shared word lists.
struct RawCleaned {
    span: Range<usize>,
    kind: EntityKind,
    words: Range<usize>,
    attributive: bool,
}

struct Group {
    members: Vec<usize>,
    /// Whether a member is a person: then the group is one ([`kind_of`]).
    per: bool,
    /// The member [`longest`] picks, kept up to date as members join, since every
    /// mention's look-up reads it for every group.
    longest: usize,
}

impl Group {
    fn new(i: usize, all: &[Cleaned<'_>]) -> Self {
        let per = all.get(i).is_some_and(|c| c.kind == EntityKind::Per);
        Group { members: vec![i], per, longest: i }
    }

    fn add(&mut self, i: usize, all: &[Cleaned<'_>]) {
        self.members.push(i);
        if let (Some(a), Some(b)) = (all.get(i), all.get(self.longest)) {
            self.per |= a.kind == EntityKind::Per;
            if longer(a, b) {
                self.longest = i;
            }
        }
    }
}

/// Whether `a` is a fuller form than `b`: more words, then more bytes, then earlier.
fn longer(a: &Cleaned<'_>, b: &Cleaned<'_>) -> bool {
    let key = |c: &Cleaned<'_>| (c.words.len(), c.span.end - c.span.start);
    key(a) > key(b) || (key(a) == key(b) && a.span.start < b.span.start)
}

const HONORIFICS: &[&str] = &["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "lord", "lady"];
const MALE: &[&str] = &["mr", "sir", "lord", "king", "prince", "he", "him", "his", "himself"];
const FEMALE: &[&str] = &["mrs", "ms", "miss", "dame", "lady", "queen", "princess", "she", "her", "hers", "herself"];

/// Words that make a phrase before a name a role.
const TITLES: &[&str] = &[
    "president",
    "president-elect",
    "vice-president",
    "minister",
    "secretary",
    "ambassador",
    "chancellor",
    "premier",
    "king",
    "queen",
    "prince",
    "princess",
    "senator",
    "sen",
    "governor",
    "mayor",
    "general",
    "gen",
    "director",
    "chairman",
    "chairwoman",
    "chair",
    "chief",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "leader",
    "envoy",
    "representative",
    "commander",
    "judge",
    "justice",
    "pope",
    "dictator",
    "officer",
    "coach",
    "manager",
    "captain",
    "ceo",
    "executive",
    "founder",
    "editor",
    "correspondent",
    "professor",
    "adviser",
    "advisor",
    "aide",
    "lawmaker",
    "congressman",
    "congresswoman",
    "sheikh",
    "emir",
    "sultan",
    "prosecutor",
    "attorney",
    "counsel",
    "head",
    "commissioner",
    "inspector",
    "colonel",
    "lieutenant",
    "sergeant",
    "admiral",
    "marshal",
    "cardinal",
    "bishop",
    "archbishop",
    "rabbi",
    "imam",
    "ayatollah",
    "chairperson",
    "mp",
    "mep",
    "diplomat",
    "negotiator",
];

/// Lower-case words that may stand inside a role ("former", "deputy").
const MODIFIERS: &[&str] = &[
    "former",
    "then",
    "acting",
    "deputy",
    "vice",
    "senior",
    "foreign",
    "defence",
    "defense",
    "interior",
    "finance",
    "prime",
    "state",
    "interim",
    "incoming",
    "outgoing",
    "late",
    "top",
    "assistant",
    "associate",
    "general",
    "national",
    "security",
    "chief",
    "permanent",
    "special",
    "first",
    "supreme",
    "opposition",
    "party",
];

/// Function words that may link the words of a role ("Secretary of State").
const CONNECTORS: &[&str] = &["of", "to", "the", "for"];

/// Capitalised words that start sentences or clauses rather than roles.
const NOT_ROLE: &[&str] = &[
    "The",
    "A",
    "An",
    "On",
    "In",
    "At",
    "But",
    "And",
    "When",
    "After",
    "Before",
    "Despite",
    "However",
    "Then",
    "While",
    "As",
    "By",
    "From",
    "With",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "It",
    "He",
    "She",
    "They",
    "We",
    "I",
    "This",
    "That",
    "Both",
    "Should",
    "If",
];

/// Nouns a person's family name modifies ("the Obama administration").
const ATTRIBUTIVE: &[&str] = &[
    "regime",
    "administration",
    "government",
    "camp",
    "family",
    "era",
    "presidency",
    "campaign",
    "aides",
    "cabinet",
    "doctrine",
    "loyalists",
    "supporters",
    "forces",
    "years",
];

/// Whether `key` (lower case) is in [`TITLES`]; a word set, as every mention word is looked up.
fn is_title(key: &str) -> bool {
    static SET: WordSet = WordSet::new(TITLES);
    SET.contains(key)
}

/// Whether `key` (lower case) is in [`MODIFIERS`].
fn is_modifier(key: &str) -> bool {
    static SET: WordSet = WordSet::new(MODIFIERS);
    SET.contains(key)
}

/// Whether `w` lower-cased is in [`ACRONYM_SKIP`].
fn is_acronym_skip(w: &str) -> bool {
    if w.is_ascii() {
        ACRONYM_SKIP.iter().any(|s| s.eq_ignore_ascii_case(w))
    } else {
        ACRONYM_SKIP.contains(&w.to_lowercase().as_str())
    }
}

const ACRONYM_SKIP: &[&str] = &["of", "the", "for", "and", "on", "in", "de", "des", "du", "la", "le", "to", "&"];

/// A hash of a mention's name keys: equal keys hash alike.
fn words_hash(words: &[&str]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = FxHasher::default();
    words.hash(&mut h);
    h.finish()
}

/// A word's key: lower case, dots removed, curly apostrophes straightened.
fn normalise_word(w: &str) -> String {
    if w.is_ascii() {
        let mut key = w.to_ascii_lowercase();
        if key.contains('.') {
            key.retain(|c| c != '.');
        }
        return key;
    }
    let w: String = w.chars().filter(|&c| c != '.').collect();
    w.to_lowercase().replace('\u{2019}', "'")
}

/// Appends [`normalise_word`] of `w` to `out`.
fn push_key(w: &str, out: &mut Vec<u8>) {
    if w.is_ascii() {
        // Byte by byte into room reserved up front: cheaper for a short word than copying it
        // and lower-casing the copy.
        out.extend(w.bytes().filter(|&b| b != b'.').map(|b| b.to_ascii_lowercase()));
    } else {
        out.extend_from_slice(normalise_word(w).as_bytes());
    }
}

/// Calls `f` with [`normalise_word`] of `w`, built on the stack for a short ASCII word:
/// most keys are only looked up in a word list.
fn with_key<R>(w: &str, f: impl FnOnce(&str) -> R) -> R {
    let mut buf = [0u8; 32];
    if w.is_ascii() && w.len() <= buf.len() {
        let mut n = 0;
        for b in w.bytes().filter(|&b| b != b'.') {
            if let Some(slot) = buf.get_mut(n) {
                *slot = b.to_ascii_lowercase();
                n += 1;
            }
        }
        if let Some(key) = buf.get(..n).and_then(|k| std::str::from_utf8(k).ok()) {
            return f(key);
        }
    }
    f(&normalise_word(w))
}

/// The name key of a word for matching people: lower case, without an Arabic article
/// prefix ("al-Assad" -> "assad").
fn person_key(w: &str) -> &str {
    for p in ["al-", "el-", " al ", "ad-", "as-"] {
        if let Some(rest) = w.strip_prefix(p) {
            if !rest.is_empty() {
                return rest;
            }
        }
    }
    w
}

/// Pushes the mention's keys onto `keys` (their byte ranges onto `key_spans`) and its
/// written words onto `written`, in step, so one index range names both.
fn clean<'a>(
    text: &'a str,
    m: &Mention,
    keys: &mut Vec<u8>,
    key_spans: &mut Vec<Range<usize>>,
    written: &mut Vec<&'a str>,
) -> Option<RawCleaned> {
    let (mut s, mut e) = (m.start, m.end);
    let surface = text.get(s..e)?.as_bytes();
    // possessive endings (a name ends with at most one of these)
    let possessive = if surface.ends_with(b"'s") {
        2
    } else if surface.ends_with("\u{2019}s".as_bytes()) {
        4
    } else if surface.ends_with(b"'") {
        1
    } else if surface.ends_with("\u{2019}".as_bytes()) {
        3
    } else {
        0
    };
    if possessive > 0 && surface.len() > possessive {
        e -= possessive;
    }
    // a leading "the", honorifics and titles
    loop {
        let cur = text.get(s..e)?;
        let first = whitespace_words(cur).next()?;
        if cur.len() == first.len() {
            break;
        }
        let drop = first == "the"
            || (m.kind == EntityKind::Per && with_key(first, |key| HONORIFICS.contains(&key) || is_title(key)));
        if !drop {
            break;
        }
        let rest = cur[first.len()..].trim_start();
        s = e - rest.len();
    }
    let cur = text.get(s..e)?.trim_end_matches(',');
    e = s + cur.len();
    if cur.is_empty() {
        return None;
    }
    let next = whitespace_words(text.get(e..).unwrap_or("")).next().unwrap_or("");
    let attributive = ATTRIBUTIVE.contains(&next.trim_end_matches(|c: char| !c.is_alphanumeric()));
    let first_word = written.len();
    for w in whitespace_words(cur) {
        let start = keys.len();
        push_key(w, keys);
        key_spans.push(start..keys.len());
        written.push(w);
    }
    Some(RawCleaned { span: s..e, kind: m.kind, words: first_word..written.len(), attributive })
}

/// Acronyms a name may be written as: initials of its capitalised words, without and with
/// the function words.
fn acronyms(words: &[&str]) -> Vec<String> {
    if words.len() < 2 {
        return Vec::new();
    }
    let all = initials(words, false);
    // Most names hold no skipped word: then both forms are the same and one is built.
    if !words.iter().any(|w| is_acronym_skip(w)) {
        return vec![all];
    }
    let kept = initials(words, true);
    if kept == all {
        vec![kept]
    } else {
        vec![kept, all]
    }
}

/// The lower-cased first letters of `words` and of their hyphenated parts, without the
/// [`is_acronym_skip`] words when `skip`.
fn initials(words: &[&str], skip: bool) -> String {
    let mut out = String::with_capacity(words.len() + 2);
    for w in words.iter().filter(|w| !(skip && is_acronym_skip(w))) {
        for c in w.split('-').filter_map(|part| part.chars().next()) {
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        }
    }
    out
}

/// Whether a mention of these written words is an acronym: one word of 2 to 8 capitals
/// (or `&`), dots aside.
fn is_acronym(surface_words: &[&str]) -> bool {
    let [w] = surface_words else {
        return false;
    };
    let mut letters = 0;
    for ch in w.chars().filter(|&ch| ch != '.') {
        letters += 1;
        if letters > 8 || !(ch.is_uppercase() || ch == '&') {
            return false;
        }
    }
    letters >= 2
}

/// `acronym_forms` holds the [`acronyms`] of each of `all`, when some mention is an
/// acronym (only then are they read).
/// `groups_by_name` lists, per [`words_hash`], the groups with a member of that hash.
fn find_group(
    groups: &[Group],
    all: &[Cleaned<'_>],
    acronym_forms: &[Vec<String>],
    groups_by_name: &GroupsByName,
    c: &Cleaned<'_>,
) -> Option<usize> {
    let is_per = |g: &Group| g.per;
    // identical names merge whatever the tag, except people with non-people; a person's
    // short form ("Zorn") is left to the nearest-candidate rule below. The first such group:
    // any has a member of the mention's hash (its longest one, for a person).
    let identical = |g: &Group| {
        let same = |o: &Cleaned<'_>| o.words_hash == c.words_hash && o.words == c.words;
        if c.kind == EntityKind::Per {
            is_per(g) && same(&all[g.longest])
        } else {
            g.members.iter().any(|&m| all[m].kind == c.kind && same(&all[m]))
        }
    };
    let first_identical = groups_by_name.with(c.words_hash).filter(|&g| groups.get(g).is_some_and(identical)).min();
    if let Some(g) = first_identical {
        return Some(g);
    }
    // part of a person's name: "Tillerson" in "Rex Tillerson"; a one-word mention of
    // another class too when it modifies a noun like a person's name does ("the Obama
    // administration")
    if c.kind == EntityKind::Per || (c.words.len() == 1 && c.attributive) {
        let candidates: Vec<usize> = (0..groups.len())
            .filter(|&g| is_per(&groups[g]))
            .filter(|&g| {
                let long = &all[groups[g].longest];
                if c.kind == EntityKind::Per {
                    long.words.len() > c.words.len()
                        && c.words.iter().all(|k| long.words.iter().any(|l| person_key(l) == person_key(k)))
                } else {
                    // a lone word of another class must be the family name
                    long.words.last().map(|w| person_key(w)) == c.words.last().map(|w| person_key(w))
                }
            })
            .collect();
        if let Some(g) = nearest(&candidates, groups, all, c.span.start) {
            return Some(g);
        }
    }
    // acronyms of longer names ("UN", "U.N." for "United Nations")
    if c.kind != EntityKind::Per && c.acronym {
        let a = c.words.first().copied().unwrap_or("");
        let candidates: Vec<usize> = (0..groups.len())
            .filter(|&g| !is_per(&groups[g]))
            .filter(|&g| {
                groups[g].members.iter().any(|&m| acronym_forms.get(m).is_some_and(|f| f.iter().any(|x| x == a)))
            })
            .collect();
        if let Some(g) = nearest(&candidates, groups, all, c.span.start) {
            return Some(g);
        }
    }
    None
}

/// The groups holding a member of each name hash, as lists linked through one shared
/// buffer: no allocation per distinct name.
struct GroupsByName {
    /// Per hash, the index in `links` of its most recently added group.
    heads: FxHashMap<u64, usize>,
    /// A group and the index of the next link of the same hash (`usize::MAX` ends the list).
    links: Vec<(usize, usize)>,
}

impl GroupsByName {
    fn with_capacity(n: usize) -> Self {
        GroupsByName { heads: FxHashMap::with_capacity_and_hasher(n, Default::default()), links: Vec::with_capacity(n) }
    }

    /// The groups listed for `hash`, each once, in no particular order.
    fn with(&self, hash: u64) -> impl Iterator<Item = usize> + '_ {
        let mut at = self.heads.get(&hash).copied().unwrap_or(usize::MAX);
        std::iter::from_fn(move || {
            let &(g, next) = self.links.get(at)?;
            at = next;
            Some(g)
        })
    }

    fn insert(&mut self, hash: u64, g: usize) {
        if self.with(hash).any(|x| x == g) {
            return;
        }
        let next = self.heads.get(&hash).copied().unwrap_or(usize::MAX);
        self.heads.insert(hash, self.links.len());
        self.links.push((g, next));
    }
}

/// The candidate with a mention closest to `pos`, preferring mentions before it.
fn nearest(candidates: &[usize], groups: &[Group], all: &[Cleaned<'_>], pos: usize) -> Option<usize> {
    candidates.iter().copied().min_by_key(|&g| {
        groups[g]
            .members
            .iter()
            .map(|&m| {
                let s = all[m].span.start;
                if s <= pos {
                    (0, pos - s)
                } else {
                    (1, s - pos)
                }
            })
            .min()
            .unwrap_or((2, 0))
    })
}

fn kind_of(g: &Group, all: &[Cleaned<'_>]) -> EntityKind {
    // other classes join a person only through the person's name, so one PER decides
    if g.per {
        return EntityKind::Per;
    }
    let mut counts = [0usize; 4];
    for &m in &g.members {
        counts[all[m].kind as usize] += 1;
    }
    let long_kind = all[g.longest].kind;
    let best = counts.iter().copied().max().unwrap_or(0);
    if counts[long_kind as usize] == best {
        return long_kind;
    }
    EntityKind::ALL.into_iter().find(|&k| counts[k as usize] == best).unwrap_or(long_kind)
}

/// What [`build`] reads of the whole document, found once.
struct DocFacts<'a> {
    title: Option<&'a Range<usize>>,
    /// End of the first paragraph.
    lead_end: usize,
    /// Starts of the person mentions, sorted.
    person_starts: &'a [usize],
    /// [`role_before`] at the starts of the person mentions.
    role_cache: &'a FxHashMap<usize, Option<String>>,
}

fn build(text: &str, all: &[Cleaned<'_>], g: &Group, doc: &DocFacts) -> Entity {
    let title = doc.title;
    let kind = kind_of(g, all);
    let long = &all[g.longest];
    let name = text.get(long.span.clone()).unwrap_or("").to_string();
    let mut mentions: Vec<Range<usize>> = g.members.iter().map(|&m| all[m].span.clone()).collect();
    mentions.sort_by_key(|r| r.start);
    let mut roles = Vec::new();
    let mut gender = None;
    let mut pronoun_votes = (0usize, 0usize);
    if kind == EntityKind::Per {
        for m in &mentions {
            let before = match doc.role_cache.get(&m.start) {
                Some(role) => role.clone(),
                None => role_before(text, m.start),
            };
            if let Some(role) = before.or_else(|| role_in_apposition(text, m)) {
                if !roles.contains(&role) {
                    roles.push(role);
                }
            }
            if gender.is_none() {
                gender = gender_before(text, m.start);
            }
            match pronoun_after(text, m.end, doc.person_starts) {
                Some(Gender::Male) => pronoun_votes.0 += 1,
                Some(Gender::Female) => pronoun_votes.1 += 1,
                None => {}
            }
        }
        if gender.is_none() {
            gender = roles.iter().find_map(|r| gender_of_words(r));
        }
        if gender.is_none() && pronoun_votes.0 != pronoun_votes.1 {
            gender = Some(if pronoun_votes.0 > pronoun_votes.1 { Gender::Male } else { Gender::Female });
        }
    }
    let lead_end = doc.lead_end;
    let first = mentions.first().map_or(0, |m| m.start);
    let mut salience = (1.0 + mentions.len() as f32).ln() + 0.5 * (1.0 - first as f32 / text.len().max(1) as f32);
    if title.is_some_and(|t| mentions.iter().any(|m| t.start <= m.start && m.end <= t.end)) {
        salience += 1.0;
    }
    if mentions.iter().any(|m| m.end <= lead_end) {
        salience += 0.5;
    }
    Entity { kind, subtype: subtype(kind, &name), name, roles, mentions, salience, gender }
}

/// Words of `text` before byte `pos`, nearest first, each with its start; stops at a
/// line break and looks back at most 200 bytes (the farthest word may be cut there).
fn words_before(text: &str, pos: usize, max: usize) -> std::iter::Take<WordsBefore<'_>> {
    let mut from = pos.saturating_sub(200);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let before = text.get(from..pos).unwrap_or("");
    let before = match before.rfind('\n') {
        Some(i) => &before[i + 1..],
        None => before,
    };
    let base = pos.saturating_sub(before.len());
    WordsBefore { before, base, end: before.len() }.take(max)
}

/// The iterator of [`words_before`]: walks back from `end` only as far as the words taken,
/// since most callers stop after a word or two.
struct WordsBefore<'a> {
    before: &'a str,
    /// Byte offset of `before` in the text.
    base: usize,
    /// End of the part of `before` not yet walked.
    end: usize,
}

impl<'a> Iterator for WordsBefore<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let before = self.before;
        while self.end > 0 {
            let rest = before.get(..self.end)?;
            match last_space(rest) {
                Some((i, len)) => {
                    let word_start = i + len;
                    let end = std::mem::replace(&mut self.end, i);
                    if word_start < end {
                        return Some((self.base + word_start, before.get(word_start..end)?));
                    }
                }
                None => {
                    let end = std::mem::replace(&mut self.end, 0);
                    return Some((self.base, rest.get(..end)?));
                }
            }
        }
        None
    }
}

/// The offset and length of the last whitespace character of `s`, reading ASCII bytes
/// without decoding.
fn last_space(s: &str) -> Option<(usize, usize)> {
    let bytes = s.as_bytes();
    let mut end = bytes.len();
    while let Some(&b) = end.checked_sub(1).and_then(|i| bytes.get(i)) {
        if b.is_ascii() {
            end -= 1;
            if matches!(b, b'\t'..=b'\r' | b' ') {
                return Some((end, 1));
            }
            continue;
        }
        let c = s.get(..end)?.chars().next_back()?;
        end -= c.len_utf8();
        if c.is_whitespace() {
            return Some((end, c.len_utf8()));
        }
    }
    None
}

/// A role written right before a name: capitalised words, titles, modifiers and
/// connectors back to the first word that is none of these ("US Ambassador to the United
/// Nations" Nikki Haley, "former President" Obama).
fn role_before(text: &str, start: usize) -> Option<String> {
    role_words_before(text, start).map(|(_, words)| words.join(" "))
}

/// The words of [`role_before`], with the byte offset where the scanned words begin.
fn role_words_before(text: &str, start: usize) -> Option<(usize, Vec<&str>)> {
    let mut taken: Vec<&str> = Vec::new();
    let mut role_start = start;
    for (i, (ws, w)) in words_before(text, start, 12).enumerate() {
        let key = with_key(w, KeyClass::of);
        if i == 0 && key.honorific {
            return None;
        }
        // punctuation or a possessive ends the role
        let ends_clause = w.ends_with(|c: char| !c.is_alphanumeric() && c != '.')
            || w.starts_with(|c: char| !c.is_alphanumeric())
            || key.possessive;
        if ends_clause {
            break;
        }
        let capital = w.chars().next().is_some_and(char::is_uppercase);
        let ok = key.role_word || CONNECTORS.contains(&w) || (capital && !NOT_ROLE.contains(&w));
        if !ok {
            break;
        }
        taken.push(w);
        role_start = ws;
    }
    finish_role_words(taken).map(|r| (role_start, r))
}

/// A role in an apposition before the name: "the Russian representative to the UN,
/// Vladimir Safronov, said".
fn role_in_apposition(text: &str, m: &Range<usize>) -> Option<String> {
    let before = text.get(..m.start)?.trim_end_matches(' ');
    let after = text.get(m.end..)?;
    if !before.ends_with(',') || !after.starts_with(',') {
        return None;
    }
    let comma = before.len() - 1;
    let mut taken = Vec::new();
    for (i, (_, w)) in words_before(text, comma, 12).enumerate() {
        let w = if i == 0 { w.trim_end_matches(',') } else { w };
        let key = with_key(w, KeyClass::of);
        if w.ends_with(|c: char| !c.is_alphanumeric() && c != '.') || key.possessive {
            break;
        }
        let capital = w.chars().next().is_some_and(char::is_uppercase);
        let ok = key.role_word || CONNECTORS.contains(&w) || (capital && !NOT_ROLE.contains(&w));
        if !ok {
            break;
        }
        taken.push(w);
    }
    finish_role(taken)
}

/// What a word's key says about its place in a role.
struct KeyClass {
    honorific: bool,
    /// Ends with a possessive "'s".
    possessive: bool,
    /// A title or a modifier.
    role_word: bool,
}

impl KeyClass {
    fn of(key: &str) -> Self {
        KeyClass {
            honorific: HONORIFICS.contains(&key),
            possessive: key.ends_with("'s"),
            role_word: is_title(key) || is_modifier(key),
        }
    }
}

/// Turns the words collected backwards into a role: trims connectors at either end and
/// requires a title word.
fn finish_role(taken: Vec<&str>) -> Option<String> {
    finish_role_words(taken).map(|words| words.join(" "))
}

/// [`finish_role`] before the words are joined.
fn finish_role_words(mut taken: Vec<&str>) -> Option<Vec<&str>> {
    taken.reverse();
    while taken.first().is_some_and(|w| CONNECTORS.contains(w) || NOT_ROLE.contains(w)) {
        taken.remove(0);
    }
    while taken.last().is_some_and(|w| CONNECTORS.contains(w)) {
        taken.pop();
    }
    let has_title = taken.iter().any(|w| with_key(w, is_title));
    (has_title && !taken.is_empty()).then_some(taken)
}

fn gender_of_words(s: &str) -> Option<Gender> {
    s.split_whitespace().find_map(|w| {
        with_key(w, |k| {
            if MALE.contains(&k) {
                Some(Gender::Male)
            } else if FEMALE.contains(&k) {
                Some(Gender::Female)
            } else {
                None
            }
        })
    })
}

/// Gender from an honorific right before the name ("Mr", "Ms").
fn gender_before(text: &str, start: usize) -> Option<Gender> {
    let (_, w) = words_before(text, start, 1).next()?;
    let titled = with_key(w, |k| HONORIFICS.contains(&k) || ["king", "queen", "prince", "princess"].contains(&k));
    if !titled {
        return None;
    }
    gender_of_words(w)
}

/// The first personal pronoun within a short stretch after a mention, unless another
/// name comes first.
/// `person_starts` are the starts of the person mentions, sorted.
fn pronoun_after(text: &str, end: usize, person_starts: &[usize]) -> Option<Gender> {
    let mut stop = (end + 160).min(text.len());
    while !text.is_char_boundary(stop) {
        stop -= 1;
    }
    if let Some(&next) = person_starts.get(person_starts.partition_point(|&s| s < end)) {
        stop = stop.min(next);
    }
    let after = text.get(end..stop)?;
    if after.is_ascii() {
        return ascii_pronoun_gender(after.as_bytes());
    }
    after.split(|c: char| !c.is_alphabetic()).find_map(|w| pronoun_gender(w.as_bytes()))
}

/// The gender of the first pronoun among the words (runs of letters) of the ASCII bytes
/// `after`. Every pronoun of [`pronoun_gender`] has 2 to 7 letters and starts with h or s,
/// so eight bytes at a time only the words starting with one of those letters are found
/// (with bit masks, as in [`crate::text::tokenize`]) and looked at.
fn ascii_pronoun_gender(after: &[u8]) -> Option<Gender> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const fn each(b: u8) -> u64 {
        u64::from_le_bytes([b; 8])
    }
    // Bit 7 of each byte set where the byte of `x` (7 bits, no carry crosses a byte) is zero.
    let zero = |y: u64| !(y + each(0x7F)) & HIGH;
    // Whether the byte before the current chunk was a letter.
    let mut letter_before = false;
    for (n, chunk) in after.chunks(8).enumerate() {
        let mut padded = [0u8; 8];
        if let Some(head) = padded.get_mut(..chunk.len()) {
            head.copy_from_slice(chunk);
        }
        let x = u64::from_le_bytes(padded);
        // Lower case folded onto upper case letters; bytes of 0x80 and up are no letters.
        let folded = (x & each(0x7F)) | each(0x20);
        let letter = (folded + each(0x80 - b'a')) & !(folded + each(0x7F - b'z')) & !x & HIGH;
        let starts = letter & !((letter << 8) | (u64::from(letter_before) << 7));
        letter_before = letter >> 63 != 0;
        let mut candidates = starts & (zero(folded ^ each(b'h')) | zero(folded ^ each(b's')));
        while candidates != 0 {
            let at = n * 8 + (candidates.trailing_zeros() / 8) as usize;
            candidates &= candidates - 1;
            let word = after.get(at..).unwrap_or(&[]);
            let len = word.iter().take(8).take_while(|b| b.is_ascii_alphabetic()).count();
            if (2..=7).contains(&len) {
                if let Some(g) = word.get(..len).and_then(pronoun_gender) {
                    return Some(g);
                }
            }
        }
    }
    None
}

/// The gender of a personal pronoun ("he", "Her"). Words with letters outside ASCII are
/// none: no such letter lower-cases to a letter of these words.
fn pronoun_gender(w: &[u8]) -> Option<Gender> {
    if w.len() > 7 || !w.is_ascii() {
        return None;
    }
    let is = |p: &str| w.eq_ignore_ascii_case(p.as_bytes());
    if is("he") || is("him") || is("his") || is("himself") {
        Some(Gender::Male)
    } else if is("she") || is("her") || is("hers") || is("herself") {
        Some(Gender::Female)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_and_modifier_look_ups_answer_as_the_lists_do() {
        let others = ["", "x", "President", "ceo.", "mr", "é", "chief-of-staff", "secretarys"];
        for w in TITLES.iter().chain(MODIFIERS).copied().chain(others) {
            for key in [w.to_string(), format!("{w}s"), w.get(1..).unwrap_or("").to_string()] {
                assert_eq!(is_title(&key), TITLES.contains(&key.as_str()), "{key:?}");
                assert_eq!(is_modifier(&key), MODIFIERS.contains(&key.as_str()), "{key:?}");
            }
        }
    }

    /// Mentions for every occurrence of each (surface, kind) pair.
    fn mentions(text: &str, names: &[(&str, EntityKind)]) -> Vec<Mention> {
        let mut out = Vec::new();
        for &(n, k) in names {
            let mut from = 0;
            while let Some(i) = text[from..].find(n) {
                let s = from + i;
                let ok_before = text[..s].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
                let ok_after = text[s + n.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
                if ok_before && ok_after {
                    out.push(Mention { start: s, end: s + n.len(), kind: k, subtype: None });
                }
                from = s + n.len();
            }
        }
        out
    }

    fn find<'a>(es: &'a [Entity], name: &str) -> &'a Entity {
        es.iter().find(|e| e.name == name).unwrap_or_else(|| panic!("no entity {name}: {es:#?}"))
    }

    /// The word walk as first written, collecting every word: the reference for the lazy one.
    fn reference_words_before(text: &str, pos: usize, max: usize) -> Vec<(usize, &str)> {
        let mut from = pos.saturating_sub(200);
        while !text.is_char_boundary(from) {
            from -= 1;
        }
        let Some(before) = text.get(from..pos) else {
            return Vec::new();
        };
        let before = match before.rfind('\n') {
            Some(i) => &before[i + 1..],
            None => before,
        };
        let base = pos - before.len();
        let mut out = Vec::new();
        let mut end = before.len();
        for (i, c) in before.char_indices().rev() {
            if c.is_whitespace() {
                if i + c.len_utf8() < end {
                    out.push((base + i + c.len_utf8(), &before[i + c.len_utf8()..end]));
                }
                end = i;
                if out.len() >= max {
                    return out;
                }
            }
        }
        if end > 0 {
            out.push((base, &before[..end]));
        }
        out
    }

    const TRICKY: &[&str] = &[
        "the Ruritanian envoy to the UN, Karl Zorn, said",
        "  lead\u{a0}space\u{2003}and\ttabs \n second line  Mr. O’Neill’s U.N. ",
        "É.T. Müller’S ΣΑΣ \u{212a}ing İnc. He HIS herself, she’s him-self heé",
        "",
        " ",
        "x",
    ];

    #[test]
    fn groups_by_name_lists_each_group_once_per_hash() {
        let mut by_name = GroupsByName::with_capacity(0);
        for (hash, g) in [(7, 0), (7, 2), (9, 1), (7, 0), (7, 2), (9, 3)] {
            by_name.insert(hash, g);
        }
        let sorted = |hash| {
            let mut v: Vec<usize> = by_name.with(hash).collect();
            v.sort_unstable();
            v
        };
        assert_eq!(sorted(7), vec![0, 2]);
        assert_eq!(sorted(9), vec![1, 3]);
        assert!(sorted(8).is_empty());
    }

    #[test]
    fn lazy_word_walk_matches_the_reference() {
        let long = "word ".repeat(60) + "é".repeat(120).as_str() + " tail";
        for text in TRICKY.iter().copied().chain([long.as_str()]) {
            for pos in 0..=text.len() + 1 {
                for max in [1, 2, 12, 100] {
                    let lazy: Vec<(usize, &str)> = words_before(text, pos, max).collect();
                    assert_eq!(lazy, reference_words_before(text, pos, max), "{text:?} at {pos}");
                }
            }
        }
    }

    #[test]
    fn keys_match_the_allocating_normalisation() {
        let reference = |w: &str| -> String {
            let w: String = w.chars().filter(|&c| c != '.').collect();
            w.to_lowercase().replace('\u{2019}', "'")
        };
        for text in TRICKY {
            for w in text.split_whitespace().chain(["", ".", "U.N.", "A".repeat(40).as_str()]) {
                assert_eq!(normalise_word(w), reference(w), "{w:?}");
                assert_eq!(with_key(w, str::to_string), reference(w), "{w:?}");
                let mut pushed = b"x".to_vec();
                push_key(w, &mut pushed);
                assert_eq!(pushed, format!("x{}", reference(w)).into_bytes(), "{w:?}");
            }
        }
    }

    #[test]
    fn pronoun_masks_find_the_first_pronoun_as_a_word_split_does() {
        let reference = |after: &[u8]| {
            after.split(|b| !b.is_ascii_alphabetic()).find_map(|w| match w.to_ascii_lowercase().as_slice() {
                b"he" | b"him" | b"his" | b"himself" => Some(Gender::Male),
                b"she" | b"her" | b"hers" | b"herself" => Some(Gender::Female),
                _ => None,
            })
        };
        let texts = [
            "",
            "h",
            "he",
            "She",
            "xhe he",
            "hershey hers",
            "the shell: HIMSELF",
            "1234567he, 12345678she",
            "abcdefgHIS",
            "abcdefg his",
            "abcdefgh-her",
            "selves himselfx herself",
            "s h e h i m",
            "\u{7f}he@she[him`her{hers",
            "said Smith, adding that his own",
            "Hhe Sshe hHe sShe",
        ];
        for text in texts {
            for start in 0..=text.len() {
                let after = &text.as_bytes()[start..];
                assert_eq!(ascii_pronoun_gender(after), reference(after), "{:?}", &text[start..]);
            }
        }
    }

    #[test]
    fn pronoun_after_reads_ascii_and_other_text_alike() {
        let reference = |after: &str| {
            after.split(|c: char| !c.is_alphabetic()).find_map(|w| match w.to_lowercase().as_str() {
                "he" | "him" | "his" | "himself" => Some(Gender::Male),
                "she" | "her" | "hers" | "herself" => Some(Gender::Female),
                _ => None,
            })
        };
        for text in TRICKY.iter().copied().chain(["x HERSELF", "Ξ heé HIM", "x, HeR"]) {
            for end in 0..=text.len() {
                if text.is_char_boundary(end) {
                    let stop = (end + 160).min(text.len());
                    if text.is_char_boundary(stop) {
                        assert_eq!(pronoun_after(text, end, &[]), reference(&text[end..stop]), "{text:?} {end}");
                    }
                }
            }
        }
        assert_eq!(pronoun_after("Zorn met Ann. She left.", 4, &[9]), None);
        assert_eq!(pronoun_after("Zorn met Ann. She left.", 4, &[0, 30]), Some(Gender::Female));
    }

    #[test]
    fn person_mentions_merge_and_keep_roles() {
        let text = "Foreign Minister Amara Quist met the press. Ms Quist said Quist's plan works. \
                    Later Quist left.";
        let ms = mentions(text, &[("Amara Quist", EntityKind::Per), ("Quist", EntityKind::Per)]);
        // the overlapping short matches inside "Amara Quist" are removed by span dedup
        let ms: Vec<Mention> = ms.into_iter().filter(|m| !(m.start == 23 && m.end == 28)).collect();
        let es = resolve(text, &ms, None);
        assert_eq!(es.len(), 1, "{es:#?}");
        let e = &es[0];
        assert_eq!(e.name, "Amara Quist");
        assert_eq!(e.roles, vec!["Foreign Minister"]);
        assert_eq!(e.gender, Some(Gender::Female));
        assert_eq!(e.mentions.len(), 4);
        assert!(e.mentions.iter().all(|m| !text[m.clone()].ends_with("'s")));
    }

    /// [`acronyms`] as first written: both forms built by char iterators, then deduplicated.
    fn acronyms_by_iterators(words: &[&str]) -> Vec<String> {
        if words.len() < 2 {
            return Vec::new();
        }
        let initials = |skip: bool| -> String {
            words
                .iter()
                .filter(|w| !(skip && is_acronym_skip(w)))
                .flat_map(|w| w.split('-'))
                .filter_map(|w| w.chars().next())
                .flat_map(char::to_lowercase)
                .collect()
        };
        let mut v = vec![initials(true), initials(false)];
        v.dedup();
        v
    }

    #[test]
    fn acronyms_equal_the_iterator_form() {
        let cases: &[&[&str]] = &[
            &[],
            &["Solo"],
            &["United", "Nations"],
            &["Bank", "of", "England"],
            &["OF", "The", "&"],
            &["the", "of"],
            &["Al-Qaeda", "in", "Iraq"],
            &["-lead", "x--y", ""],
            &["\u{c9}cole", "de", "\u{130}stanbul", "\u{df}tra\u{df}e"],
            &["D\u{c9}S", "\u{c9}tats-Unis"],
        ];
        for words in cases {
            assert_eq!(acronyms(words), acronyms_by_iterators(words), "{words:?}");
        }
    }

    #[test]
    fn acronyms_merge_with_their_long_form() {
        let text = "The Organisation for the Banning of Loud Trumpets met. The OBLT said the \
                    United Nations and the U.N. agree, as does the UN.";
        let ms = mentions(
            text,
            &[
                ("Organisation for the Banning of Loud Trumpets", EntityKind::Org),
                ("OBLT", EntityKind::Org),
                ("United Nations", EntityKind::Org),
                ("U.N.", EntityKind::Org),
                ("UN", EntityKind::Org),
            ],
        );
        let es = resolve(text, &ms, None);
        assert_eq!(es.len(), 2, "{es:#?}");
        assert_eq!(find(&es, "Organisation for the Banning of Loud Trumpets").mentions.len(), 2);
        assert_eq!(find(&es, "United Nations").mentions.len(), 3);
    }

    #[test]
    fn same_family_name_goes_to_the_nearest_person() {
        let text = "Bill Zorn spoke. Zorn left. Later Hilda Zorn arrived and Zorn sat down.";
        let ms = mentions(text, &[("Bill Zorn", EntityKind::Per), ("Hilda Zorn", EntityKind::Per)]);
        let mut ms = ms;
        ms.push(Mention { start: 17, end: 21, kind: EntityKind::Per, subtype: None });
        let last = text.rfind("Zorn sat").unwrap_or(0);
        ms.push(Mention { start: last, end: last + 4, kind: EntityKind::Per, subtype: None });
        let es = resolve(text, &ms, None);
        assert_eq!(es.len(), 2);
        assert_eq!(find(&es, "Bill Zorn").mentions, vec![0..9, 17..21]);
        assert_eq!(find(&es, "Hilda Zorn").mentions.len(), 2);
    }

    #[test]
    fn roles_from_the_words_before_the_name() {
        let t = "It came from US Ambassador to the United Nations Nikki Haley today.";
        assert_eq!(
            role_before(t, t.find("Nikki").unwrap_or(0)).as_deref(),
            Some("US Ambassador to the United Nations")
        );
        let t = "relations with former President Obama were cool";
        assert_eq!(role_before(t, t.find("Obama").unwrap_or(0)).as_deref(), Some("former President"));
        let t = "On Tuesday President Zorn spoke";
        assert_eq!(role_before(t, t.find("Zorn").unwrap_or(0)).as_deref(), Some("President"));
        let t = "said Mr Zorn";
        assert_eq!(role_before(t, t.find("Zorn").unwrap_or(0)), None);
        let t = "the death of Libyan dictator Karl Zorn";
        assert_eq!(role_before(t, t.find("Karl").unwrap_or(0)).as_deref(), Some("Libyan dictator"));
        let t = "He met Karl Zorn";
        assert_eq!(role_before(t, t.find("Karl").unwrap_or(0)), None);
        let t = "and the Ruritanian envoy to the UN, Karl Zorn, said";
        let s = t.find("Karl").unwrap_or(0);
        assert_eq!(role_in_apposition(t, &(s..s + 9)).as_deref(), Some("Ruritanian envoy to the UN"));
    }

    #[test]
    fn gender_from_pronouns_when_no_honorific() {
        let text = "Karl Zorn arrived. He said his plan works. Lisa Pym agreed; she left.";
        let ms = mentions(text, &[("Karl Zorn", EntityKind::Per), ("Lisa Pym", EntityKind::Per)]);
        let es = resolve(text, &ms, None);
        assert_eq!(find(&es, "Karl Zorn").gender, Some(Gender::Male));
        assert_eq!(find(&es, "Lisa Pym").gender, Some(Gender::Female));
    }

    #[test]
    fn a_title_tagged_as_a_name_before_a_person_is_dropped() {
        let text = "Ruritanian Secretary of Trade Karl Zorn spoke.";
        let ms = mentions(text, &[("Ruritanian Secretary of Trade", EntityKind::Org), ("Karl Zorn", EntityKind::Per)]);
        let es = resolve(text, &ms, None);
        assert_eq!(es.len(), 1, "{es:#?}");
        assert_eq!(es[0].roles, vec!["Ruritanian Secretary of Trade"]);
    }

    #[test]
    fn salience_favours_title_and_frequency() {
        let text = "Zorn wins\n\nKarl Zorn won. Lisa Pym lost. Zorn smiled. Zorn left.";
        let ms = mentions(text, &[("Karl Zorn", EntityKind::Per), ("Lisa Pym", EntityKind::Per)]);
        let mut ms = ms;
        for (i, _) in text.match_indices("Zorn ") {
            if i == 0 || !text[..i].ends_with("Karl ") {
                ms.push(Mention { start: i, end: i + 4, kind: EntityKind::Per, subtype: None });
            }
        }
        let es = resolve(text, &ms, Some(0..9));
        assert_eq!(find(&es, "Karl Zorn").salience, 1.0);
        assert!(find(&es, "Lisa Pym").salience < 0.6);
    }

    #[test]
    fn odd_mentions_do_not_panic() {
        let text = "é’s Mr";
        let ms = vec![
            Mention { start: 0, end: text.len(), kind: EntityKind::Per, subtype: None },
            Mention { start: 0, end: 100, kind: EntityKind::Org, subtype: None },
            Mention { start: 1, end: 2, kind: EntityKind::Org, subtype: None },
        ];
        let _ = resolve(text, &ms, Some(0..3));
        assert!(resolve("", &[], None).is_empty());
    }
}
