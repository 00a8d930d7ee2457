//! Direct quotes and their speakers.
//!
//! Sits in the extract stage after tokenising and entity recognition: it takes the text
//! and the document's entity mentions, finds every quoted span (curly, straight and
//! doubled-apostrophe marks, `„ “`, `« »`, nested quotes, quotes running over several
//! paragraphs), tells direct quotes from partial and scare quotes, and attributes each to
//! a speaker through a cue grammar ("X said", "said X", "according to X", "X told
//! reporters", a speaker named in the sentence before, pronouns resolved to the nearest
//! compatible mention, descriptions linked through entity roles).
//!
//! All spans are byte offsets into the text given. [`candidate_entities`] is a simple
//! capitalised-name finder for use when no recogniser output is at hand.

mod lexicon;
mod marks;
mod names;
mod words;

use std::collections::HashMap;
use std::ops::Range;

pub(crate) use lexicon::WordSet;
use lexicon::{
    is_in, possessive, pronoun, PronounClass, BETWEEN, CUE_NOUNS, CUE_VERBS, DESC_STOP, DETERMINERS, HEARER_VERBS,
    HONORIFICS, INVERTIBLE, NOT_AGENT_NOUNS, NOT_NAMES, NOUN_PHRASE_ENDS, ORG_WORDS, ROLE_SYNONYMS, SPEAKER_HEADS,
    TITLE_MODIFIERS, TITLE_WORDS, WEAK_VERBS,
};
pub use names::{candidate_entities, candidate_names, CandidateEntities};
pub(crate) use words::whitespace_words;
use words::{capitalised, norm, tokens, Tok};

/// Coarse class of an entity, as far as attribution needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityKind {
    /// A person: "he" and "she" may refer to it.
    Person,
    /// An organisation: "it" and "they" may refer to it.
    Org,
    /// A place; never a speaker through a pronoun.
    Place,
    /// Anything else, or unknown.
    Other,
}

/// Grammatical gender of a person, when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    /// Referred to as "he".
    Male,
    /// Referred to as "she".
    Female,
}

/// One mention of an entity of the document (byte offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntityMention {
    /// Start of the mention.
    pub start: usize,
    /// End of the mention (exclusive).
    pub end: usize,
    /// Index of the entity this mention belongs to.
    pub entity: usize,
    /// Class of the entity.
    pub kind: EntityKind,
    /// Gender of the entity, when known.
    pub gender: Option<Gender>,
}

/// What kind of quotation a quoted span is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuoteKind {
    /// A full utterance: the quote is a sentence of its own or introduced by its cue.
    Direct,
    /// A fragment quoted inside the writer's sentence ("trust has plunged to a “low level”").
    Partial,
    /// Scare quotes or a quoted title nobody is said to utter: short and without a cue.
    Scare,
}

/// Who said a quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaker {
    /// An entity named at the cue (index into the entities).
    Entity(usize),
    /// A pronoun at the cue, resolved to an entity; the caller should list the pronoun
    /// span among that entity's mentions.
    Pronoun {
        /// The entity the pronoun refers to.
        entity: usize,
        /// Start of the pronoun.
        start: usize,
        /// End of the pronoun.
        end: usize,
    },
    /// A description at the cue ("America's top diplomat") linked to an entity through
    /// one of its roles; the caller should list the span among that entity's mentions.
    Described {
        /// The entity the description refers to.
        entity: usize,
        /// Start of the description.
        start: usize,
        /// End of the description.
        end: usize,
    },
    /// A name, description or unresolved pronoun at the cue that is no known entity; the
    /// caller may create an entity for it.
    Unlinked {
        /// Start of the span.
        start: usize,
        /// End of the span.
        end: usize,
    },
}

/// A quotation found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// Start of the quoted words (quotation marks and outer whitespace excluded).
    pub start: usize,
    /// End of the quoted words.
    pub end: usize,
    /// Direct, partial or scare quote.
    pub kind: QuoteKind,
    /// Who said it, when the text tells.
    pub speaker: Option<Speaker>,
    /// The reporting verb or phrase ("said", "according to").
    pub cue: Option<Range<usize>>,
}

/// Settings of [`find_quotes_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuoteOptions {
    /// Read single marks (`‘…’`) as quotation marks too. Off by default: in English news
    /// they are mostly apostrophes, and quotes inside quotes.
    pub single_marks: bool,
    /// When a quote of four words or more has no cue, give it the subject of its sentence
    /// (or of the sentence before it) as speaker. On by default: news rarely quotes
    /// without saying whose words they are.
    pub subject_fallback: bool,
}

impl Default for QuoteOptions {
    fn default() -> Self {
        QuoteOptions { single_marks: false, subject_fallback: true }
    }
}

/// Whether `word` is a personal, possessive or relative pronoun ("she", "their", "who"):
/// an unresolved pronoun speaker names nobody.
pub fn is_pronoun(word: &str) -> bool {
    pronoun(word).is_some() || possessive(word).is_some() || matches!(word.to_lowercase().as_str(), "who" | "whom")
}

/// What an unlinked description names, if it can name a speaker: a person ("a Democratic
/// strategist", "the businessman", "one New Hampshire Republican", "the 30-year-old"), an
/// organisation ("the campaign") or a text that speaks for someone ("the memo"), or a lone
/// determiner opening a sentence ("Another said"). `None` for an event or a thing ("The
/// attack also prompted …, saying", "the unverified claim"). Cue phrases may run past the
/// noun ("The spokesman refused"), so any word up to the first preposition can be the head.
pub fn description_speaker_kind(description: &str) -> Option<EntityKind> {
    let words: Vec<&str> =
        description.split(|c: char| !c.is_alphanumeric() && c != '-').filter(|w| !w.is_empty()).collect();
    let first = words.first()?;
    if words.len() == 1 {
        let lw = norm(first);
        if is_in(&DETERMINERS, &lw) || capitalised(first) {
            return Some(EntityKind::Person);
        }
        return speaker_noun(&lw);
    }
    // A part of a group ("one of the witnesses") is named by the group.
    let from = match words.get(1) {
        Some(&"of") if is_in(&DETERMINERS, &norm(first)) => 2,
        _ => 0,
    };
    let mut head = None;
    let mut named_head = false;
    for w in &words[from..] {
        let lw = norm(w);
        if pronoun(&lw).is_some() {
            return None;
        }
        if is_in(&NOUN_PHRASE_ENDS, &lw) {
            break;
        }
        if capitalised(w) && !is_in(&DETERMINERS, &lw) {
            // Party, nationality or place ("a New Hampshire Republican").
            head = Some(EntityKind::Person);
            named_head = true;
        } else if let Some(kind) = speaker_noun(&lw) {
            head = Some(kind);
            named_head = false;
        } else if named_head {
            // The proper noun only modified a common noun ("the Commons motion").
            head = None;
            named_head = false;
        }
    }
    head
}

/// The class of a common noun that can head a speaker description.
fn speaker_noun(lw: &str) -> Option<EntityKind> {
    let singular = lw.strip_suffix('s').filter(|s| s.len() > 2).unwrap_or(lw);
    if is_in(&ORG_WORDS, lw) || is_in(&ORG_WORDS, singular) {
        return Some(EntityKind::Org);
    }
    let known = |w: &str| is_in(&SPEAKER_HEADS, w) || (is_in(&TITLE_WORDS, w) && !is_in(&TITLE_MODIFIERS, w));
    if known(lw) || known(singular) || lw.ends_with("-old") {
        return Some(EntityKind::Person);
    }
    let agent =
        ["man", "woman", "person", "ist", "er", "or", "ian", "eer", "ant"].iter().any(|x| singular.ends_with(x));
    (agent && !is_in(&NOT_AGENT_NOUNS, singular)).then_some(EntityKind::Person)
}

/// Quoted spans of `text` with their quotation marks, outermost only.
pub fn quote_spans(text: &str) -> Vec<Range<usize>> {
    marks::quoted_spans(text, false)
}

/// Quotes of `text` with kinds and speakers, default options. `mentions` are the
/// document's entity mentions (any order), `roles` the roles of each entity by index.
pub fn find_quotes(text: &str, mentions: &[EntityMention], roles: &[Vec<String>]) -> Vec<Quote> {
    find_quotes_with(text, mentions, roles, QuoteOptions::default())
}

/// [`find_quotes`] given `low`, the text with its ASCII letters lower-cased, which the caller
/// may have made already (the date scanner makes the same copy): the text is not copied again.
pub fn find_quotes_lowered(text: &str, low: &str, mentions: &[EntityMention], roles: &[Vec<String>]) -> Vec<Quote> {
    find_quotes_in(text, Some(low), mentions, roles, QuoteOptions::default())
}

/// [`find_quotes`] with explicit options.
pub fn find_quotes_with(
    text: &str,
    mentions: &[EntityMention],
    roles: &[Vec<String>],
    options: QuoteOptions,
) -> Vec<Quote> {
    find_quotes_in(text, None, mentions, roles, options)
}

/// [`find_quotes_with`], with the ASCII-lower-cased text when the caller has it.
fn find_quotes_in(
    text: &str,
    low: Option<&str>,
    mentions: &[EntityMention],
    roles: &[Vec<String>],
    options: QuoteOptions,
) -> Vec<Quote> {
    let paras = marks::paragraphs(text);
    let spans: Vec<Range<usize>> = marks::quoted_spans_in(text, &paras, options.single_marks)
        .into_iter()
        .filter(|o| {
            let i = marks::inner(text, o.clone());
            text.get(i).is_some_and(|s| s.chars().any(char::is_alphanumeric))
        })
        .collect();
    // Without a quoted span there is nothing to attribute.
    if spans.is_empty() {
        return Vec::new();
    }
    let toks = tokens(text);
    let mut sorted: Vec<EntityMention> = mentions.to_vec();
    sorted.sort_by_key(|m| (m.start, m.end));
    // A copy of another length is of another text: its offsets would not be these.
    debug_assert!(low.is_none_or(|low| low.eq_ignore_ascii_case(text)));
    let low = low.filter(|low| low.len() == text.len());
    let lowered = Lowered::new(text, low, &toks);
    let mut doc = Doc {
        text,
        toks: &toks,
        spans: &spans,
        mentions: &sorted,
        roles,
        bounds: Vec::new(),
        genders: HashMap::new(),
        lowered,
    };
    doc.bounds = doc.unit_bounds(&paras);
    let mut out: Vec<Quote> = Vec::with_capacity(spans.len());
    for (qi, outer) in spans.iter().enumerate() {
        let inner = marks::inner(text, outer.clone());
        let unit = doc.unit_of(outer);
        let mut found = doc.attribute(qi, &unit);
        if found.is_none() {
            found = doc.carry_over(qi, &unit, &out);
        }
        if found.is_none() && options.subject_fallback && words_in(text, &inner) >= 4 {
            found = doc.subject_fallback(qi, &unit);
        }
        let (speaker, cue) = match found {
            Some((s, c)) => (s, c),
            None => (None, None),
        };
        let kind = doc.kind(outer, &inner, &unit, speaker.is_some() || cue.is_some());
        let speaker = if kind == QuoteKind::Scare { None } else { speaker };
        out.push(Quote {
            start: inner.start,
            end: inner.end,
            kind,
            speaker,
            cue: if kind == QuoteKind::Scare { None } else { cue },
        });
    }
    out
}

type Found = (Option<Speaker>, Option<Range<usize>>);

/// Lower-cased token texts. ASCII letters are lower-cased in a copy of the whole text, so
/// a token's form sits at its own offsets; a token with other characters (whose lower
/// case may differ in length) has its own string.
struct Lowered<'a> {
    ascii: std::borrow::Cow<'a, str>,
    /// `(token index, lower-cased text)` of the tokens that are not ASCII, by index.
    other: Vec<(usize, String)>,
}

impl<'a> Lowered<'a> {
    /// `low`, when given, is `text` with its ASCII letters lower-cased.
    fn new(text: &str, low: Option<&'a str>, toks: &[Tok]) -> Self {
        let mut other = Vec::new();
        // A token is not ASCII when it holds a byte of 0x80 or more: visit those bytes
        // (rare in English news) rather than every token.
        let bytes = text.as_bytes();
        let mut from = 0;
        while let Some(pos) = next_non_ascii(bytes, from) {
            // Tokens are sorted and disjoint: the first one ending after `pos` may hold it.
            let k = toks.partition_point(|t| t.end <= pos);
            match toks.get(k) {
                Some(t) if t.start <= pos => {
                    other.push((k, t.text(text).to_lowercase()));
                    from = t.end;
                }
                _ => from = pos + 1,
            }
        }
        let ascii = low.map_or_else(|| text.to_ascii_lowercase().into(), std::borrow::Cow::Borrowed);
        Lowered { ascii, other }
    }
}

/// The first byte at or after `from` that is not ASCII: eight bytes at a time while the text
/// lasts, as most of an English text is ASCII.
fn next_non_ascii(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(Ok(chunk)) = bytes.get(at..at + 8).map(<[u8; 8]>::try_from) {
        let high = u64::from_le_bytes(chunk) & 0x8080_8080_8080_8080;
        if high != 0 {
            return Some(at + (high.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    bytes.get(at..)?.iter().position(|b| !b.is_ascii()).map(|k| at + k)
}

/// Longest mention (bytes) looked for around a speaker phrase.
const MAX_MENTION: usize = 400;

/// How far back (bytes) a pronoun looks for its antecedent: a few paragraphs.
const ANTECEDENT_WINDOW: usize = 3000;

/// The most words a quote's tests ever count to: they only ask for none, up to three, or more.
const WORDS_ENOUGH: usize = 4;

/// Words of `text[range]`, up to [`WORDS_ENOUGH`].
fn words_in(text: &str, range: &Range<usize>) -> usize {
    text.get(range.clone()).map_or(0, |s| count_words_up_to(s, WORDS_ENOUGH))
}

/// Whitespace-separated words of `s` holding a letter or digit, counted up to `cap`: long
/// quotes need not be read to their end.
fn count_words_up_to(s: &str, cap: usize) -> usize {
    // One pass over ASCII bytes, counting a word at its first letter or digit. Words found
    // before the first other byte are words of the general split too (ASCII whitespace is
    // whitespace, and what follows cannot undo a counted word), so reaching `cap` there is
    // exact; a non-ASCII byte before that sends the whole text down the general path.
    let mut words = 0;
    let mut counted = false;
    for &b in s.as_bytes() {
        if !b.is_ascii() {
            return whitespace_words(s).filter(|w| w.chars().any(char::is_alphanumeric)).take(cap).count();
        }
        if matches!(b, b'\t'..=b'\r' | b' ') {
            counted = false;
        } else if !counted && b.is_ascii_alphanumeric() {
            words += 1;
            counted = true;
            if words >= cap {
                return cap;
            }
        }
    }
    words
}

/// Words that open an adverbial before the subject of a sentence.
#[rustfmt::skip]
static OPENERS: WordSet = WordSet::new(&[
    "in", "at", "on", "during", "after", "before", "when", "while", "with", "for", "from", "as",
    "since", "speaking", "asked", "addressing", "earlier", "later", "still", "instead", "but",
    "and", "yet", "so", "then", "now", "last", "this", "over", "under", "about", "according",
    "despite", "although", "though", "if", "once", "until", "by", "meanwhile", "however",
    "also", "like", "unlike", "here", "there", "amid", "among", "following", "throughout",
    "without", "within", "upon", "into", "across", "behind", "beyond", "near", "outside",
    "inside", "regarding", "given", "thanks", "ever", "even", "just", "of", "to", "through",
    "against", "toward", "towards", "around", "between", "whether", "alongside", "besides",
]);

/// Words that start another clause: a cue after them is not the quote's.
#[rustfmt::skip]
static CLAUSE_WORDS: WordSet = WordSet::new(&[
    "that", "and", "but", "because", "if", "when", "while", "so", "than", "whereas", "although",
    "though", "which", "who", "where", "after", "before", "since", "until", "unless",
]);

/// Words after which a weak verb is a reporting cue ("called it", "pointed out", "shot
/// back", "put it this way:").
#[rustfmt::skip]
const WEAK_NEXT: &[&str] = &[
    "it", "out", "that", "in", "on", "up", "back", ":", "“", "\"", "this", "them", "him", "her",
    "off",
];

struct Doc<'a> {
    text: &'a str,
    toks: &'a [Tok],
    /// Outer quoted spans (marks included), in text order.
    spans: &'a [Range<usize>],
    mentions: &'a [EntityMention],
    roles: &'a [Vec<String>],
    /// Sentence and paragraph boundaries outside quotes, sorted.
    bounds: Vec<usize>,
    /// Genders learnt from the pronouns already resolved to an entity.
    genders: HashMap<usize, Gender>,
    /// The lower-cased token texts: the grammar looks most tokens up in its word lists
    /// several times, so each is lower-cased once.
    lowered: Lowered<'a>,
}

/// How a speaker phrase was found next to its cue.
enum Phrase {
    Name(Range<usize>),
    Pronoun(Range<usize>, PronounClass),
    Description(Range<usize>),
    /// "who" after a phrase and a comma ("Mike Lee, who declared …"): the relative
    /// pronoun's span and the phrase it refers to.
    Relative(Range<usize>, Box<Phrase>),
}

impl<'a> Doc<'a> {
    fn word(&self, i: usize) -> &'a str {
        self.toks.get(i).map_or("", |t| t.text(self.text))
    }

    /// Token `i` lower-cased (`self.word(i).to_lowercase()`).
    fn lower(&self, i: usize) -> &str {
        let Some(t) = self.toks.get(i) else {
            return "";
        };
        let ascii = self.text.as_bytes().get(t.start..t.end).is_some_and(<[u8]>::is_ascii);
        if !ascii {
            if let Ok(k) = self.lowered.other.binary_search_by_key(&i, |o| o.0) {
                return self.lowered.other[k].1.as_str();
            }
        }
        self.lowered.ascii.get(t.start..t.end).unwrap_or("")
    }

    /// Token `i` as [`norm`] gives it: lower-cased, without a trailing dot (lower-casing
    /// neither makes nor removes dots, so trimming after it is the same).
    fn normed(&self, i: usize) -> &str {
        self.lower(i).trim_end_matches('.')
    }

    /// Spans are sorted and disjoint, so a binary search finds the one that may hold
    /// `pos`.
    fn in_quote(&self, pos: usize) -> bool {
        let k = self.spans.partition_point(|s| s.start <= pos);
        k > 0 && pos < self.spans[k - 1].end
    }

    /// Mentions that may overlap `r` (mentions are sorted by start and short).
    fn mentions_near(&self, r: &Range<usize>) -> &'a [EntityMention] {
        let lo = self.mentions.partition_point(|m| m.start + MAX_MENTION < r.start);
        let hi = self.mentions.partition_point(|m| m.start < r.end);
        &self.mentions[lo..hi.max(lo)]
    }

    /// Index of the first token starting at or after `pos`.
    fn tok_from(&self, pos: usize) -> usize {
        self.toks.partition_point(|t| t.start < pos)
    }

    fn unit_bounds(&self, paras: &[Range<usize>]) -> Vec<usize> {
        let mut b = vec![0, self.text.len()];
        for p in paras {
            b.push(p.start);
            b.push(p.end);
        }
        self.push_sentence_stops(&mut b);
        // A quote ending with a full stop ends its sentence when a capital follows
        // ("… campaign.” Ohio Gov. John Kasich said …"); "…!” Smith said" does not.
        for sp in self.spans {
            let inner = marks::inner(self.text, sp.clone());
            let ends_stop = self.text.get(inner.clone()).is_some_and(|s| s.ends_with('.') && !s.ends_with("..."));
            let rest = self.text.get(sp.end..).unwrap_or("");
            let next = rest.trim_start().chars().next();
            let spaced = rest.starts_with(char::is_whitespace);
            // "“… missing.” Trump said." is still one sentence: a cue follows closely.
            let k = self.tok_from(sp.end);
            let short: Vec<usize> =
                (k..k + 6).take_while(|&i| self.toks.get(i).is_some_and(|t| t.text(self.text) != ".")).collect();
            let closes = short.last().is_some_and(|&i| self.toks.get(i + 1).is_some_and(|t| t.text(self.text) == "."));
            let cue_follows = closes
                && short.len() <= 4
                && short.iter().any(|&i| self.toks[i].word && is_in(&CUE_VERBS, self.toks[i].text(self.text)));
            if ends_stop && spaced && next.is_some_and(char::is_uppercase) && !cue_follows {
                b.push(sp.end);
            }
        }
        // Some archives separate paragraphs by a single line break.
        for i in memchr::memchr_iter(b'\n', self.text.as_bytes()) {
            if !self.in_quote(i) {
                b.push(i);
            }
        }
        b.sort_unstable();
        b.dedup();
        b
    }

    /// Pushes onto `b` the end of every sentence stop outside quotes: a one-byte `.`, `?`
    /// or `!` token followed by whitespace and some other token. Such bytes are far fewer
    /// than tokens; a dot inside a word ("U.S.") starts no token.
    fn push_sentence_stops(&self, b: &mut Vec<usize>) {
        let mut k = 0;
        for at in memchr::memchr3_iter(b'.', b'?', b'!', self.text.as_bytes()) {
            k += self.toks.get(k..).map_or(0, |rest| rest.partition_point(|t| t.start < at));
            let Some(t) = self.toks.get(k) else { break };
            let stop = t.start == at && t.end == at + 1 && !t.word;
            if stop && !self.in_quote(t.start) {
                let next_is_space =
                    self.text.get(t.end..).and_then(|s| s.chars().next()).is_none_or(char::is_whitespace);
                if next_is_space && k + 1 < self.toks.len() {
                    b.push(t.end);
                }
            }
        }
    }

    /// Whether tokens `a` and `b` (in this order) are on one line.
    fn same_line(&self, a: usize, b: usize) -> bool {
        match (self.toks.get(a), self.toks.get(b)) {
            (Some(x), Some(y)) => !self.text.get(x.end..y.start).is_some_and(|g| g.contains('\n')),
            _ => false,
        }
    }

    /// The sentence (between boundaries outside quotes) holding `outer`.
    fn unit_of(&self, outer: &Range<usize>) -> Range<usize> {
        let k = self.bounds.partition_point(|&b| b <= outer.start);
        let lo = k.checked_sub(1).map_or(0, |k| self.bounds[k]);
        let k = self.bounds.partition_point(|&b| b < outer.end);
        let hi = self.bounds.get(k).copied().unwrap_or(self.text.len());
        lo..hi
    }

    /// Token indexes within `range` and outside every quote.
    fn toks_in(&self, range: Range<usize>) -> Vec<usize> {
        let from = self.tok_from(range.start);
        let to = self.tok_from(range.end).max(from);
        let mut out = Vec::with_capacity(to - from);
        let Some(toks) = self.toks.get(from..to) else {
            return out;
        };
        // [`Doc::in_quote`] for increasing positions: the spans are sorted and disjoint, so
        // only the first one not yet passed can hold the next token.
        let first = toks.first().map_or(0, |t| t.start);
        let mut spans = self.spans.get(self.spans.partition_point(|s| s.end <= first)..).unwrap_or(&[]);
        for (i, t) in (from..to).zip(toks) {
            while spans.first().is_some_and(|s| s.end <= t.start) {
                spans = spans.get(1..).unwrap_or(&[]);
            }
            let quoted = spans.first().is_some_and(|s| s.start <= t.start);
            if t.end <= range.end && !quoted {
                out.push(i);
            }
        }
        out
    }

    /// Whether token `i` is a reporting cue; returns the cue's last token.
    fn cue_at(&self, i: usize) -> Option<usize> {
        let t = self.toks.get(i)?;
        if !t.word {
            return None;
        }
        let w = self.lower(i);
        if w == "according" && self.word(i + 1) == "to" {
            return Some(i + 1);
        }
        if !is_in(&CUE_VERBS, w) {
            return None;
        }
        // A capitalised cue only opens a sentence ("Said Smith: …"); elsewhere it is a
        // name ("the United States").
        let opens = i == 0 || self.bounds.binary_search(&t.start).is_ok();
        if capitalised(t.text(self.text)) && !opens {
            return None;
        }
        // A passive ("was called a “redline”") reports no speaker.
        let prev = i.checked_sub(1).map(|p| self.lower(p));
        if !w.ends_with("ing")
            && prev.is_some_and(|p| matches!(p, "was" | "were" | "is" | "are" | "be" | "been" | "being"))
        {
            return None;
        }
        if is_in(&WEAK_VERBS, w) {
            let next = self.word(i + 1);
            let ok = WEAK_NEXT.contains(&next);
            if !ok {
                return None;
            }
        }
        // "a said plan", "to say" in "has yet to say" are still cues; "said" used as an
        // adjective before a capitalised noun ("the said Company") is rare enough.
        Some(i)
    }

    /// Find the cue and speaker of quote `qi` inside its sentence.
    fn attribute(&mut self, qi: usize, unit: &Range<usize>) -> Option<Found> {
        let outer = self.spans.get(qi)?.clone();
        let prev_end = self.spans.iter().take(qi).rev().find(|s| s.end > unit.start).map_or(unit.start, |s| s.end);
        let next_start = self.spans.get(qi + 1).filter(|s| s.start < unit.end).map_or(unit.end, |s| s.start);
        // 1. After the quote: "…,” X said" / "…,” said X".
        let after = self.toks_in(outer.end..next_start);
        for (k, &i) in after.iter().enumerate().take(14) {
            // Right after a quote even a weak verb reports it ("…,” it read.").
            // ("…,” reads a Wednesday editorial").
            let weak_here = k <= 4
                && is_in(&WEAK_VERBS, self.lower(i))
                && (k == 0 || matches!(self.word(i + 1), "." | ","))
                && self.cue_at(i).is_none();
            // A clause boundary before the cue: the verb belongs to another clause
            // ("“…” and that he’d seen continued support", "“…”, while X suggested").
            let w = self.lower(i);
            // Right after the quote, "that"/"which"/"who" may still continue it ("“…” that
            // Sanders can win, said X").
            let continues = k == 0 && matches!(w, "that" | "which" | "who");
            let apposition = w == "who" && i > 0 && self.word(i - 1) == ",";
            if is_in(&CLAUSE_WORDS, w) && !continues && !apposition {
                break;
            }
            let cue = self.cue_at(i).or(weak_here.then_some(i));
            if let Some(last) = cue {
                let first_tok = after.first().copied();
                if let Some(f) = self.resolve_cue(i, last, unit, &outer, first_tok, true) {
                    return Some(f);
                }
                break;
            }
        }
        // 2. Before the quote: "X said: “…”", "according to X, “…”".
        // Between two quotes of one sentence ("“A,” X said, adding “B”") the cue nearest
        // the first quote is the one they share.
        let before = self.toks_in(prev_end..outer.start);
        let order: Vec<usize> =
            if prev_end > unit.start { before.clone() } else { before.iter().rev().copied().collect() };
        for i in order {
            if let Some(last) = self.cue_at(i) {
                if let Some(f) = self.resolve_cue(i, last, unit, &outer, None, false) {
                    return Some(f);
                }
                break;
            }
        }
        // 2b. A noun of saying with a possessive ("her comment that “…”", "Trump's claim").
        if let Some(p) = self.possessive_cue(&before) {
            let speaker = self.link(p.0, outer.start);
            return Some((Some(speaker), Some(p.1)));
        }
        // 3. A colon right before the quote introduces it: the sentence subject speaks
        // ("McConnell delivered a blunt message: “…”").
        if before.last().is_some_and(|&i| self.word(i) == ":") {
            let has_cue = self.toks_in(unit.clone()).iter().any(|&i| self.cue_at(i).is_some());
            if !has_cue {
                // A name making up the whole clause before the colon ("- HuffPollster:").
                let colon = before[before.len() - 1];
                if let Some(p) = self.name_clause_before(colon, unit) {
                    let speaker = self.link(p, outer.start);
                    return Some((Some(speaker), None));
                }
                if let Some(p) = self.phrase_at_start(unit, colon) {
                    let speaker = self.link(p, outer.start);
                    return Some((Some(speaker), None));
                }
            }
        }
        // 4. Anywhere else in the sentence, nearest first.
        let mut all: Vec<usize> = self.toks_in(unit.clone());
        all.sort_by_key(|&i| {
            let t = self.toks[i];
            if t.start >= outer.end {
                t.start - outer.end
            } else {
                outer.start - t.end
            }
        });
        for i in all {
            if let Some(last) = self.cue_at(i) {
                if let Some(f) = self.resolve_cue(i, last, unit, &outer, None, false) {
                    return Some(f);
                }
            }
        }
        None
    }

    /// The speaker of cue tokens `first..=last`.
    fn resolve_cue(
        &mut self,
        first: usize,
        last: usize,
        unit: &Range<usize>,
        outer: &Range<usize>,
        after_first: Option<usize>,
        after: bool,
    ) -> Option<Found> {
        let cue_span = self.toks[first].start..self.toks[last].end;
        let w = self.lower(first);
        let phrase = if w == "according" {
            self.phrase_right(last + 1, unit)
        } else if w.ends_with("ing")
            && first > 0
            && (!self.toks[first - 1].word
                || matches!(
                    self.word(first - 1),
                    "by" | "after" | "before" | "while" | "upon" | "when" | "without" | "in"
                ))
        {
            // "…, Nefzi said, adding “…”": the speaker of the cue just before.
            let prev_cue = first.checked_sub(2).filter(|&c| self.word(c + 1) == "," && self.cue_at(c).is_some());
            if let Some(p) = prev_cue.and_then(|c| self.phrase_left(c, unit, outer)) {
                Some(p)
            } else {
                // "…, saying “…”": the subject of the sentence speaks.
                self.phrase_at_start(unit, first).or_else(|| self.phrase_left(first, unit, outer))
            }
        } else if w.ends_with("ing") {
            // "Trump issued a statement saying …": a thing said it, its issuer speaks.
            match self.phrase_left(first, unit, outer) {
                Some(p @ (Phrase::Name(_) | Phrase::Pronoun(..))) => Some(p),
                other => self.phrase_at_start(unit, first).or(other),
            }
        } else {
            // Inversion ("…,” said Smith", "…, says Smith") right after the quote or a
            // comma; elsewhere "said the plan" starts a reported clause.
            let only_punct_between = after && after_first.is_some_and(|f| (f..first).all(|k| !self.toks[k].word));
            // After a comma or a closing mark ("“A,” said X, “B”").
            let after_comma = first == 0 || self.word(first - 1) == "," || self.in_quote(self.toks[first - 1].start);
            let invertible = is_in(&INVERTIBLE, w) && !is_in(&HEARER_VERBS, w);
            // Right after the quote any past-tense cue may invert ("…?” asked Sen. X",
            // "…,” scoffed Y"), except those whose object is the hearer ("told").
            let inverts_here = invertible || (w.ends_with("ed") && !matches!(w, "told" | "urged" | "informed"));
            if inverts_here && only_punct_between {
                self.phrase_right(last + 1, unit).or_else(|| self.phrase_left(first, unit, outer))
            } else if invertible && after_comma {
                // "…, says Evan Tracey" takes the phrase after the verb when it closes at
                // punctuation (before a quote, "…, said the plan is" starts a clause);
                // "Smith, a top adviser, said at …" keeps its subject.
                let right = self.phrase_right(last + 1, unit).filter(|p| self.closes_at_punct(p));
                let left = self.phrase_left(first, unit, outer);
                match (right, left) {
                    (Some(r), _) if after => Some(r),
                    (_, Some(Phrase::Name(l))) => Some(Phrase::Name(l)),
                    (Some(r), _) => Some(r),
                    (None, l) => l,
                }
            } else {
                self.phrase_left(first, unit, outer)
            }
        };
        let phrase = phrase?;
        let speaker = self.link(phrase, outer.start);
        Some((Some(speaker), Some(cue_span)))
    }

    /// Whether token `i` may be part of a capitalised name.
    fn name_word(&self, i: usize) -> bool {
        let Some(t) = self.toks.get(i) else {
            return false;
        };
        let w = t.text(self.text);
        t.word && capitalised(w) && !self.in_quote(t.start)
    }

    /// The speaker phrase ending just before the cue at token `cue`.
    fn phrase_left(&self, cue: usize, unit: &Range<usize>, outer: &Range<usize>) -> Option<Phrase> {
        let inside = |i: usize| {
            let t = self.toks[i];
            t.start >= unit.start && !self.in_quote(t.start) && !(t.start >= outer.start && t.end <= outer.end)
        };
        let mut j = cue.checked_sub(1)?;
        // Skip auxiliaries and adverbs ("has also said") and a parenthesis ("Sen. Jason
        // Holsman (D) said").
        loop {
            if inside(j) && self.toks[j].word && is_in(&BETWEEN, self.lower(j)) {
                j = j.checked_sub(1)?;
            } else if inside(j) && self.word(j) == ")" {
                let open = (j.saturating_sub(8)..j).rev().find(|&k| self.word(k) == "(")?;
                j = open.checked_sub(1)?;
            } else {
                break;
            }
        }
        if !inside(j) {
            return None;
        }
        let w = self.word(j);
        if w == "," {
            // Apposition or relative clause: "Smith, a spokesman for X, said".
            let cue_word = self.word(cue);
            if cue_word.ends_with("ing") {
                return self.phrase_at_start(unit, cue);
            }
            // The commas of the chain back to the sentence start; the earliest one that
            // follows a name or pronoun ends the subject ("Clinton, during a meeting in
            // Columbus, Ohio, said" -> Clinton).
            let mut commas = Vec::new();
            let mut k = j;
            let mut steps = 0;
            while k > 0 && inside(k - 1) && steps < 60 {
                k -= 1;
                steps += 1;
                if self.word(k) == "," && k > 0 {
                    commas.push(k);
                }
            }
            // The comma closing an opening adverbial ("In a statement to the Observer,
            // her adviser, Jake Sullivan, said") ends no subject.
            if let Some(&last) = commas.last() {
                let first_word = (0..last).rev().take_while(|&x| inside(x)).last();
                let opener = first_word.is_some_and(|f| is_in(&OPENERS, self.lower(f)) || self.participle_opener(f));
                if opener {
                    commas.pop();
                }
            }
            for &c in commas.iter().rev() {
                // "Stephens, who, after trading insults, said": "who" is the subject.
                if self.word(c + 1) == "who" && self.word(c + 2) == "," {
                    let t = self.toks[c + 1];
                    if let Some(head) = self.np_ending_at(c - 1, &inside) {
                        return Some(Phrase::Relative(t.start..t.end, Box::new(head)));
                    }
                }
                match self.np_ending_at(c - 1, &inside) {
                    Some(p @ (Phrase::Name(_) | Phrase::Pronoun(..))) => return Some(p),
                    _ => continue,
                }
            }
            if let Some(&c) = commas.first() {
                if let Some(p) = self.np_ending_at(c - 1, &inside) {
                    return Some(p);
                }
            }
            // Only the apposition itself: a description or a name inside it.
            return self.np_ending_at(j.checked_sub(1)?, &inside);
        }
        self.np_ending_at(j, &inside)
    }

    /// The noun phrase ending at token `j`: a pronoun, a name or a description.
    fn np_ending_at(&self, j: usize, inside: &dyn Fn(usize) -> bool) -> Option<Phrase> {
        if !inside(j) || !self.toks[j].word {
            return None;
        }
        let w = self.word(j);
        if let Some(pc) = pronoun(w) {
            let t = self.toks[j];
            return Some(Phrase::Pronoun(t.start..t.end, pc));
        }
        if w == "who" && j >= 2 && self.word(j - 1) == "," {
            let t = self.toks[j];
            let head = self.np_ending_at(j - 2, inside)?;
            return Some(Phrase::Relative(t.start..t.end, Box::new(head)));
        }
        let lw = self.normed(j);
        if self.name_word(j) {
            let mut s = j;
            while s > 0
                && inside(s - 1)
                && self.same_line(s - 1, s)
                && (self.name_word(s - 1)
                    || (matches!(self.word(s - 1), "of" | "de" | "van" | "von" | "al")
                        && s >= 2
                        && self.name_word(s - 2)))
            {
                s -= 1;
            }
            // Function words that open a sentence ("But", "Then") are not the name.
            while s <= j && is_in(&NOT_NAMES, self.normed(s)) {
                s += 1;
            }
            if s <= j {
                return Some(Phrase::Name(self.toks[s].start..self.toks[j].end));
            }
            return None;
        }
        let verb_form = is_in(&CUE_VERBS, lw) && (lw.ends_with("ed") || lw.ends_with("ing"));
        // A lone determiner opening the sentence is the speaker ("Another said …").
        if capitalised(w) && is_in(&DETERMINERS, lw) && (j == 0 || !inside(j - 1)) {
            let t = self.toks[j];
            return Some(Phrase::Description(t.start..t.end));
        }
        if capitalised(w) || is_in(&DESC_STOP, lw) || verb_form || lw == "said" || lw == "told" {
            return None;
        }
        // A description: walk back over words to a determiner or possessive, at most 8.
        let mut s = j;
        let mut start = None;
        for _ in 0..8 {
            let lw = self.normed(s);
            if is_in(&DETERMINERS, lw) || lw == "’s" || lw == "'s" {
                // "Clinton's campaign manager": keep the owner inside.
                let mut b = s;
                if (lw == "’s" || lw == "'s") && b > 0 && inside(b - 1) {
                    b -= 1;
                    while b > 0 && inside(b - 1) && self.name_word(b - 1) {
                        b -= 1;
                    }
                }
                start = Some(b);
                break;
            }
            if s == 0 || !inside(s - 1) {
                break;
            }
            let plw = self.normed(s - 1);
            if !self.toks[s - 1].word || (is_in(&DESC_STOP, plw) && !is_in(&DETERMINERS, plw)) {
                // Plural descriptions without a determiner ("officials said").
                if lw.ends_with('s') && s == j {
                    start = Some(s);
                }
                break;
            }
            s -= 1;
        }
        let s = start?;
        Some(Phrase::Description(self.toks[s].start..self.toks[j].end))
    }

    /// The speaker phrase right after a cue ("said Smith", "according to the report").
    fn phrase_right(&self, from: usize, unit: &Range<usize>) -> Option<Phrase> {
        let t = self.toks.get(from)?;
        if t.start >= unit.end || self.in_quote(t.start) || !t.word {
            return None;
        }
        let w = t.text(self.text);
        if let Some(pc) = pronoun(w) {
            return Some(Phrase::Pronoun(t.start..t.end, pc));
        }
        let mut j = from;
        let limit =
            |j: usize| self.toks.get(j).is_some_and(|t| t.start < unit.end && !self.in_quote(t.start) && t.word);
        if self.name_word(from) || is_in(&HONORIFICS, self.normed(from)) || is_in(&TITLE_WORDS, self.normed(from)) {
            // Lower-case title words inside ("CBS moderator Nancy Cordes").
            let title_then_name =
                |k: usize| is_in(&TITLE_WORDS, self.normed(k)) && limit(k + 1) && self.name_word(k + 1);
            while limit(j + 1)
                && self.same_line(j, j + 1)
                && (self.name_word(j + 1)
                    || (matches!(self.word(j + 1), "of") && self.name_word(j + 2))
                    || title_then_name(j + 1))
            {
                j += 1;
            }
            if is_in(&NOT_NAMES, self.normed(from)) && j == from {
                return None;
            }
            return Some(Phrase::Name(t.start..self.toks[j].end));
        }
        // Lower-case words before a name: "said election lawyer Joe Birkenstock".
        if !is_in(&DESC_STOP, self.normed(from))
            && !is_in(&DETERMINERS, self.normed(from))
            && !is_in(&OPENERS, self.normed(from))
        {
            let mut k = from + 1;
            while k < from + 4
                && limit(k)
                && !self.name_word(k)
                && !is_in(&DESC_STOP, self.word(k))
                && !is_in(&OPENERS, self.word(k))
                && !is_in(&DETERMINERS, self.word(k))
            {
                k += 1;
            }
            if limit(k) && self.name_word(k) && !is_in(&NOT_NAMES, self.normed(k)) {
                let mut j = k;
                while limit(j + 1) && self.same_line(j, j + 1) && self.name_word(j + 1) {
                    j += 1;
                }
                return Some(Phrase::Name(self.toks[k].start..self.toks[j].end));
            }
        }
        if is_in(&DETERMINERS, self.normed(from)) {
            let mut k = 0;
            while limit(j + 1) && k < 6 && !is_in(&DESC_STOP, self.word(j + 1)) {
                j += 1;
                k += 1;
            }
            if j == from {
                return None;
            }
            return Some(Phrase::Description(t.start..self.toks[j].end));
        }
        None
    }

    /// The first noun phrase of the sentence (subject of "…, saying “…”").
    fn phrase_at_start(&self, unit: &Range<usize>, before: usize) -> Option<Phrase> {
        let idx: Vec<usize> = self.toks_in(unit.clone()).into_iter().filter(|&i| i < before).collect();
        // Skip an opening adverbial ("In an interview on Tuesday, Trump …") or a dateline
        // ("PHILADELPHIA, July 25 (UPI) — The committee …").
        let mut from = 0;
        if let Some(&first) = idx.first() {
            let fw = self.word(first);
            let lw = self.lower(first);
            let all_caps = fw.chars().count() > 3 && fw.chars().all(|c| !c.is_lowercase());
            let participle = self.participle_opener(first);
            if all_caps {
                if let Some(c) = idx.iter().take(16).position(|&i| matches!(self.word(i), "—" | "–" | "-" | ":")) {
                    from = c + 1;
                }
            } else if is_in(&OPENERS, lw) || participle {
                if let Some(c) = idx.iter().take(25).position(|&i| self.word(i) == ",") {
                    from = c + 1;
                }
            }
        }
        // Further adverbials after the first ("For X, on the other hand, …").
        while let Some(&i) = idx.get(from) {
            if from == 0 || !is_in(&OPENERS, self.lower(i)) {
                break;
            }
            match idx.iter().skip(from).take(12).position(|&k| self.word(k) == ",") {
                Some(c) => from += c + 1,
                None => break,
            }
        }
        let inside = |k: usize| self.toks[k].start >= unit.start && k < before;
        for &i in idx.iter().skip(from).take(6) {
            let expletive = self.word(i).eq_ignore_ascii_case("it");
            if let Some(pc) = pronoun(self.word(i)).filter(|_| !expletive) {
                let t = self.toks[i];
                return Some(Phrase::Pronoun(t.start..t.end, pc));
            }
            let lw = self.normed(i);
            // A description opening the sentence ("The retired neurosurgeon addressed …").
            if is_in(&DETERMINERS, lw) && !matches!(lw, "that" | "this" | "no") {
                let mut j = i;
                while j < i + 3
                    && inside(j + 1)
                    && self.toks[j + 1].word
                    && !capitalised(self.word(j + 1))
                    && !is_in(&DESC_STOP, self.word(j + 1))
                    && !is_in(&CUE_VERBS, self.word(j + 1))
                {
                    j += 1;
                }
                if j > i {
                    return Some(Phrase::Description(self.toks[i].start..self.toks[j].end));
                }
                continue;
            }
            if self.name_word(i) && !is_in(&NOT_NAMES, lw) && !is_in(&OPENERS, lw) {
                let mut j = i;
                while inside(j + 1) && self.same_line(j, j + 1) && self.name_word(j + 1) {
                    j += 1;
                }
                return Some(Phrase::Name(self.toks[i].start..self.toks[j].end));
            }
        }
        None
    }

    /// Whether token `i` opens a participle phrase ("Reached by POLITICO, …", "Asked
    /// about it, …"), not a name that happens to end like one ("Ted", "Jared Kushner").
    fn participle_opener(&self, i: usize) -> bool {
        let w = self.word(i);
        let lw = self.lower(i);
        let form = lw.chars().count() >= 5 && (lw.ends_with("ed") || lw.ends_with("ing"));
        let prep = matches!(
            self.word(i + 1),
            "by" | "about"
                | "to"
                | "for"
                | "at"
                | "on"
                | "in"
                | "with"
                | "from"
                | "after"
                | "during"
                | "if"
                | "whether"
                | "up"
                | "out"
                | "back"
                | "over"
        );
        capitalised(w) && form && prep
    }

    /// The owner of the nearest noun of saying in `before` (token indexes, in order):
    /// "his" in "his remark that", "Clinton" in "Clinton's claim".
    fn possessive_cue(&self, before: &[usize]) -> Option<(Phrase, Range<usize>)> {
        let pos = before.iter().rposition(|&i| is_in(&CUE_NOUNS, self.lower(i)))?;
        // Only close to the quote: the noun, then at most a few words.
        if before.len() - pos > 6 {
            return None;
        }
        let noun = before[pos];
        let cue = self.toks[noun].start..self.toks[noun].end;
        for back in 1..=3 {
            let Some(k) = pos.checked_sub(back).map(|p| before[p]) else { break };
            let w = self.word(k);
            if let Some(pc) = possessive(w) {
                let t = self.toks[k];
                return Some((Phrase::Pronoun(t.start..t.end, pc), cue));
            }
            if matches!(w, "’s" | "'s") && k > 0 && self.name_word(k - 1) {
                let mut s = k - 1;
                while s > 0 && self.name_word(s - 1) && self.same_line(s - 1, s) {
                    s -= 1;
                }
                return Some((Phrase::Name(self.toks[s].start..self.toks[k - 1].end), cue));
            }
            if !self.toks[k].word || is_in(&DESC_STOP, w) {
                break;
            }
        }
        None
    }

    /// Whether a phrase ends where punctuation or a quote follows.
    fn closes_at_punct(&self, p: &Phrase) -> bool {
        let end = match p {
            Phrase::Name(r) | Phrase::Pronoun(r, _) | Phrase::Description(r) => r.end,
            Phrase::Relative(r, _) => r.end,
        };
        let next = self.text.get(end..).and_then(|s| s.trim_start().chars().next());
        next.is_none_or(|c| matches!(c, ',' | '.' | ';' | ':' | '(' | '“' | '"' | '—' | '–'))
    }

    /// A name run that is the whole clause before token `colon`: after the sentence
    /// start or a dash ("IOWA POLLS … - Mark Blumenthal and Jon Cohen: “…”").
    fn name_clause_before(&self, colon: usize, unit: &Range<usize>) -> Option<Phrase> {
        let end = colon.checked_sub(1)?;
        if !self.name_word(end) {
            return None;
        }
        let mut s = end;
        while s > 0
            && self.toks[s - 1].start >= unit.start
            && self.same_line(s - 1, s)
            && (self.name_word(s - 1) || matches!(self.word(s - 1), "and" | "of"))
        {
            s -= 1;
        }
        let opens = s == 0 || self.toks[s - 1].start < unit.start || matches!(self.word(s - 1), "—" | "–" | "-");
        if !opens || is_in(&NOT_NAMES, self.normed(s)) {
            return None;
        }
        Some(Phrase::Name(self.toks[s].start..self.toks[end].end))
    }

    /// Last resort for a quote of four words or more with no cue: the subject of its own
    /// sentence ("Pence praised Cruz for showing “…”"), else of the sentence before it in
    /// the same or the previous paragraph ("Clinton touted her record. “We need …”").
    fn subject_fallback(&mut self, qi: usize, unit: &Range<usize>) -> Option<Found> {
        let outer = self.spans.get(qi)?.clone();
        let first_tok = self.tok_from(outer.start);
        // Inside a relative clause ("Trump, who has postured himself as the “…”"): "who".
        let in_unit = self.toks_in(unit.start..outer.start);
        if let Some(pos) = in_unit.iter().rposition(|&i| self.word(i) == "who") {
            let w = in_unit[pos];
            let clause_open = in_unit[pos + 1..].iter().all(|&i| !matches!(self.word(i), "," | ";" | ":"));
            let head_end = w.checked_sub(1).map(|h| if self.word(h) == "," { h.saturating_sub(1) } else { h });
            let inside = |k: usize| self.toks[k].start >= unit.start && !self.in_quote(self.toks[k].start);
            if clause_open {
                if let Some(head) = head_end.and_then(|h| self.np_ending_at(h, &inside)) {
                    let t = self.toks[w];
                    let speaker = self.link(Phrase::Relative(t.start..t.end, Box::new(head)), outer.start);
                    return Some((Some(speaker), None));
                }
            }
        }
        if let Some(p) = self.phrase_at_start(unit, first_tok) {
            let speaker = self.link(p, outer.start);
            return Some((Some(speaker), None));
        }
        let before = self.toks_in(unit.start..outer.start);
        if before.iter().any(|&i| self.toks[i].word) {
            return None;
        }
        let last_before = (0..self.tok_from(unit.start))
            .rev()
            .find(|&i| self.toks[i].end <= unit.start && !self.in_quote(self.toks[i].start))?;
        let t = self.toks[last_before];
        if unit.start.saturating_sub(t.end) > 400 {
            return None;
        }
        let prev_unit = self.unit_of(&(t.start..t.end));
        let p = self.phrase_at_start(&prev_unit, last_before + 1)?;
        let speaker = self.link(p, outer.start);
        Some((Some(speaker), None))
    }

    /// Turn a phrase into a speaker, linking it to the entities.
    fn link(&mut self, phrase: Phrase, before: usize) -> Speaker {
        match phrase {
            Phrase::Relative(r, head) => match self.link(*head, before) {
                Speaker::Entity(e) | Speaker::Described { entity: e, .. } => {
                    Speaker::Pronoun { entity: e, start: r.start, end: r.end }
                }
                other => other,
            },
            Phrase::Name(r) => {
                // The mention overlapping the phrase: a person first, then the earliest
                // ("Sen. Anna Berg of Maryland" -> Anna Berg).
                let hit = self
                    .mentions_near(&r)
                    .iter()
                    .filter(|m| m.start < r.end && r.start < m.end)
                    .min_by_key(|m| (m.kind != EntityKind::Person, m.start));
                match hit {
                    Some(m) => Speaker::Entity(m.entity),
                    None => {
                        let r = self.strip_titles(r);
                        Speaker::Unlinked { start: r.start, end: r.end }
                    }
                }
            }
            Phrase::Pronoun(r, pc) => match self.antecedent(pc, r.start.min(before)) {
                Some(e) => {
                    if let Some(g) = match pc {
                        PronounClass::Male => Some(Gender::Male),
                        PronounClass::Female => Some(Gender::Female),
                        _ => None,
                    } {
                        self.genders.entry(e).or_insert(g);
                    }
                    Speaker::Pronoun { entity: e, start: r.start, end: r.end }
                }
                None => Speaker::Unlinked { start: r.start, end: r.end },
            },
            Phrase::Description(r) => {
                // A description naming someone inside ("Clinton spokesman Brian Fallon").
                if let Some(m) = self
                    .mentions_near(&r)
                    .iter()
                    .filter(|m| m.start >= r.start && m.end <= r.end && m.kind == EntityKind::Person)
                    .max_by_key(|m| m.end)
                {
                    return Speaker::Entity(m.entity);
                }
                match self.by_role(&r) {
                    Some(e) => Speaker::Described { entity: e, start: r.start, end: r.end },
                    None => Speaker::Unlinked { start: r.start, end: r.end },
                }
            }
        }
    }

    /// A name phrase without leading honorifics and titles.
    fn strip_titles(&self, r: Range<usize>) -> Range<usize> {
        let idx: Vec<usize> =
            (self.tok_from(r.start)..self.tok_from(r.end)).filter(|&i| self.toks[i].end <= r.end).collect();
        let mut from = 0;
        for (k, &i) in idx.iter().enumerate() {
            let lw = self.normed(i);
            if (is_in(&TITLE_WORDS, lw) || is_in(&HONORIFICS, lw) || lw == "of") && k + 1 < idx.len() {
                from = k + 1;
            }
        }
        match (idx.get(from), idx.last()) {
            (Some(&a), Some(&b)) => self.toks[a].start..self.toks[b].end,
            _ => r,
        }
    }

    /// The entity a pronoun most likely refers to: the nearest mention before `pos`
    /// (outside quotes) whose kind and gender fit.
    fn antecedent(&self, pc: PronounClass, pos: usize) -> Option<usize> {
        self.antecedent_with(pc, pos, true).or_else(|| {
            // A known gender is a guess (often voted from nearby pronouns): when it rules
            // out every person, "she" still refers to the nearest person.
            matches!(pc, PronounClass::Male | PronounClass::Female).then(|| self.antecedent_with(pc, pos, false))?
        })
    }

    /// [`Doc::antecedent`], with or without the genders known for the entities.
    fn antecedent_with(&self, pc: PronounClass, pos: usize, use_gender: bool) -> Option<usize> {
        let fits = |m: &EntityMention| -> bool {
            let gender = if use_gender { m.gender.or_else(|| self.genders.get(&m.entity).copied()) } else { None };
            match pc {
                PronounClass::Male => {
                    matches!(m.kind, EntityKind::Person | EntityKind::Other) && gender != Some(Gender::Female)
                }
                PronounClass::Female => {
                    matches!(m.kind, EntityKind::Person | EntityKind::Other) && gender != Some(Gender::Male)
                }
                PronounClass::Plural | PronounClass::Neuter => m.kind == EntityKind::Org,
                PronounClass::First => false,
            }
        };
        // Prefer the subject: the first fitting mention of the nearest sentence that has
        // one ("Pataki says Kasich “…”. He warns …" -> Pataki). Persons before others.
        // Mentions are sorted by start; only a window before `pos` can be the antecedent.
        let hi = self.mentions.partition_point(|m| m.start < pos);
        let lo = self.mentions.partition_point(|m| m.start < pos.saturating_sub(ANTECEDENT_WINDOW));
        let before: Vec<&EntityMention> =
            self.mentions[lo..hi].iter().filter(|m| m.end <= pos && !self.in_quote(m.start)).collect();
        // A mention followed by a reporting verb is a speaker: it beats the first one
        // ("With Trump ruled out, Cross said he …" -> Cross).
        let speaks = |m: &EntityMention| {
            let k = self.tok_from(m.end);
            (k..k + 3).any(|i| self.cue_at(i).is_some())
        };
        let pick = |person_only: bool| -> Option<&EntityMention> {
            let ok = |m: &EntityMention| fits(m) && (!person_only || m.kind == EntityKind::Person);
            let last = before.iter().rev().find(|m| ok(m))?;
            let unit = self.unit_of(&(last.start..last.end));
            let lo = unit.start.max(pos.saturating_sub(600));
            let window: Vec<&EntityMention> =
                before.iter().filter(|m| m.start >= lo && m.end <= last.end && ok(m)).copied().collect();
            window.iter().find(|m| speaks(m)).or(window.first()).copied()
        };
        let best = pick(true).or_else(|| pick(false));
        best.map(|m| m.entity)
    }

    /// The entity one of whose roles the description `r` names ("the senator",
    /// "America's top diplomat" for a "Secretary of State"), the most recently mentioned
    /// one before the description.
    fn by_role(&self, r: &Range<usize>) -> Option<usize> {
        let desc = self.text.get(r.clone())?.to_lowercase();
        let head = desc.split(|c: char| !c.is_alphanumeric()).rfind(|w| !w.is_empty())?.to_string();
        if is_in(&DETERMINERS, &head) {
            return None;
        }
        let matches_role = |role: &str| {
            let role = role.to_lowercase();
            let role_words: Vec<&str> = role.split(|c: char| !c.is_alphanumeric()).collect();
            role_words.contains(&head.as_str())
                || ROLE_SYNONYMS.iter().any(|(h, target)| *h == head && role.contains(target))
        };
        // Each entity's roles are checked once, then the latest mention before the
        // description among the matching entities wins.
        let fitting: Vec<bool> = self.roles.iter().map(|rs| rs.iter().any(|x| matches_role(x))).collect();
        if !fitting.contains(&true) {
            return None;
        }
        let hi = self.mentions.partition_point(|m| m.start < r.start);
        self.mentions[..hi].iter().rev().find(|m| fitting.get(m.entity).copied().unwrap_or(false)).map(|m| m.entity)
    }

    /// A quote without a cue of its own: the speaker of a cue ending the sentence before
    /// ("Smith said:") or of the quote it continues (the previous quote, when this one
    /// opens its paragraph or sentence and no name comes between).
    fn carry_over(&mut self, qi: usize, unit: &Range<usize>, done: &[Quote]) -> Option<Found> {
        let outer = self.spans.get(qi)?.clone();
        let before_in_unit = self.toks_in(unit.start..outer.start);
        if before_in_unit.iter().any(|&i| self.toks[i].word) {
            return None;
        }
        // The previous sentence, if it ends with a colon after a cue ("Smith said:").
        let last_before = (0..self.tok_from(unit.start))
            .rev()
            .find(|&i| self.toks[i].end <= unit.start && !self.in_quote(self.toks[i].start));
        if let Some(last) = last_before {
            if self.word(last) == ":" {
                let t = self.toks[last];
                let prev_unit = self.unit_of(&(t.start..t.end));
                let prev_toks = self.toks_in(prev_unit.clone());
                for &i in prev_toks.iter().rev() {
                    if let Some(l) = self.cue_at(i) {
                        if let Some(f) = self.resolve_cue(i, l, &prev_unit, &outer, None, false) {
                            return Some(f);
                        }
                        break;
                    }
                }
            }
        }
        // Continuation of the previous quote: nothing but its own attribution between
        // ("“A,” Smith told CNN. “B.”"), or no cue and no other name.
        let prev = done.last()?;
        let prev_outer = self.spans.get(qi.checked_sub(1)?)?;
        if prev.kind == QuoteKind::Scare {
            return None;
        }
        let between = self.toks_in(prev_outer.end..outer.start);
        if between.len() > 30 {
            return None;
        }
        let cues: Vec<usize> = between.iter().copied().filter(|&i| self.cue_at(i).is_some()).collect();
        let own_cue = prev.cue.as_ref().is_some_and(|c| c.start >= prev_outer.end && c.start < outer.start);
        // Nothing but the previous quote's own sentence between the two.
        let same_sentence = prev.cue.as_ref().is_some_and(|c| {
            let u = self.unit_of(c);
            between.iter().all(|&i| self.toks[i].start >= u.start && self.toks[i].end <= u.end)
        });
        if own_cue && (cues.len() <= 1 || same_sentence) {
            return prev.speaker.map(|s| (Some(s), None));
        }
        // Names between the two quotes other than the previous speaker's own mean someone
        // else may be speaking.
        let names_between = between.iter().any(|&i| {
            self.name_word(i)
                && !is_in(&NOT_NAMES, self.normed(i))
                && !is_in(&TITLE_WORDS, self.normed(i))
                && !prev.speaker.is_some_and(|s| self.speaker_covers(s, self.toks[i].start))
        });
        if !cues.is_empty() || names_between {
            return None;
        }
        prev.speaker.map(|s| (Some(s), None))
    }

    /// Whether position `pos` is inside a mention of speaker `s` (or its span).
    fn speaker_covers(&self, s: Speaker, pos: usize) -> bool {
        match s {
            Speaker::Entity(e) | Speaker::Pronoun { entity: e, .. } | Speaker::Described { entity: e, .. } => {
                self.mentions_near(&(pos..pos + 1)).iter().any(|m| m.entity == e && m.start <= pos && pos < m.end)
            }
            Speaker::Unlinked { start, end } => start <= pos && pos < end,
        }
    }

    /// The kind of a quote.
    fn kind(&self, outer: &Range<usize>, inner: &Range<usize>, unit: &Range<usize>, attributed: bool) -> QuoteKind {
        let body = self.text.get(inner.clone()).unwrap_or("");
        let n_words = count_words_up_to(body, WORDS_ENOUGH);
        let ends_clause = body.ends_with(['.', ',', '?', '!', '…', ';', ':', '—']);
        let before = self.toks_in(unit.start..outer.start);
        // (`before` is that same token list.)
        let opens_unit = before.is_empty() || matches!(self.word(*before.last().unwrap_or(&0)), ":" | "," | "—" | "–");
        let full = ends_clause || (opens_unit && n_words > 3);
        if !attributed {
            // Titles and scare quotes: short, or every word capitalised.
            let title_case = n_words > 0 && whitespace_words(body).filter(|w| w.len() > 3).all(capitalised);
            if n_words < 4 || (title_case && !ends_clause) {
                return QuoteKind::Scare;
            }
        }
        if full {
            QuoteKind::Direct
        } else {
            QuoteKind::Partial
        }
    }
}

#[cfg(test)]
mod tests;
