//! Word lists of the cue grammar, written by hand from English news style (no corpus
//! text): reporting verbs, pronouns, titles, and the words that may stand between a
//! speaker and its verb.

use std::sync::OnceLock;

use rustc_hash::FxHashSet;

/// Reporting verbs and phrases, in the inflected forms news prose uses.
#[rustfmt::skip]
pub(crate) static CUE_VERBS: WordSet = WordSet::new(&[
    "say", "says", "said", "saying", "tell", "tells", "told", "telling", "add", "adds", "added",
    "adding", "warn", "warns", "warned", "warning", "note", "notes", "noted", "noting", "insist",
    "insists", "insisted", "insisting", "claim", "claims", "claimed", "claiming", "argue", "argues",
    "argued", "arguing", "write", "writes", "wrote", "writing", "tweet", "tweets", "tweeted",
    "tweeting", "ask", "asks", "asked", "asking", "explain", "explains", "explained", "explaining",
    "declare", "declares", "declared", "declaring", "state", "states", "stated", "continue",
    "continues", "continued", "continuing", "recall", "recalls", "recalled", "recalling", "reply",
    "replies", "replied", "respond", "responds", "responded", "answer", "answers", "answered",
    "acknowledge", "acknowledges", "acknowledged", "admit", "admits", "admitted", "announce",
    "announces", "announced", "observe", "observes", "observed", "suggest", "suggests", "suggested",
    "suggesting", "stress", "stresses", "stressed", "emphasize", "emphasizes", "emphasized",
    "emphasise", "emphasised", "remarked", "quip", "quips", "quipped", "joke", "jokes", "joked",
    "concede", "concedes", "conceded", "counter", "counters", "countered", "complain", "complains",
    "complained", "predict", "predicts", "predicted", "promise", "promises", "promised", "vow",
    "vows", "vowed", "urge", "urges", "urged", "urging", "caution", "cautions", "cautioned",
    "charge", "charges", "charged", "allege", "alleges", "alleged", "contend", "contends",
    "contended", "maintain", "maintains", "maintained", "reiterate", "reiterates", "reiterated",
    "shout", "shouts", "shouted", "yell", "yells", "yelled", "scream", "screamed", "chant",
    "chanted", "chanting", "post", "posted", "text", "texted", "conclude", "concludes", "concluded",
    "agree", "agrees", "agreed", "describe", "describes", "described", "describing", "call",
    "calls", "called", "calling", "read", "reads", "wonder", "wonders", "wondered", "boast",
    "boasts", "boasted", "brag", "bragged", "insist", "declare", "demand", "demands", "demanded",
    "tell", "assert", "asserts", "asserted", "confirm", "confirms", "confirmed", "deny", "denies",
    "denied", "repeat", "repeats", "repeated", "mused", "muse", "muses", "lament", "laments",
    "lamented", "marvel", "marveled", "marvelled", "thunder", "thundered", "blast", "blasts",
    "blasted", "slam", "slams", "slammed", "mock", "mocks", "mocked", "accuse", "accuses",
    "accused", "criticize", "criticized", "criticizes", "praise", "praised", "praises", "recount",
    "recounts", "recounted", "testify", "testified", "testifies", "exclaim", "exclaimed", "whisper",
    "whispered", "cry", "cried", "sing", "sang", "pledge", "pledged", "pledges", "report",
    "reports", "reported", "write", "offer", "offered", "offers", "interject", "interjected",
    "retort", "retorted", "snap", "snapped", "sigh", "sighed", "begin", "began", "begins", "start",
    "started", "go", "goes", "went", "proclaim", "proclaimed", "proclaims", "announce",
    "acknowledged", "think", "thinks", "thought", "believe", "believes", "believed", "feel",
    "feels", "felt", "hope", "hopes", "hoped", "worry", "worries", "worried", "fear", "fears",
    "feared", "explain", "told", "elaborate", "elaborated", "elaborates", "clarify", "clarified",
    "advise", "advised", "advises", "inform", "informed", "informs", "instruct", "instructed",
    "order", "ordered", "echo", "echoed", "echoes", "underscore", "underscored", "highlight",
    "highlighted", "point", "pointed", "points", "put", "puts", "framed", "summed", "sums", "wrote",
    "announced", "chimed", "chime", "weighed", "hit", "fired", "shot", "fumed", "raged", "railed",
    "rails", "scoffed", "gushed", "raved", "touted", "touts", "admonished", "characterized",
    "dubbed", "labeled", "labelled", "termed", "exhorted", "exhorts", "remembered", "remembers",
    "pressed", "presses", "assured", "assures", "bemoaned", "bemoans", "gloated", "gloats",
    "surmised", "riffed", "barked", "snarled", "deadpanned", "implored", "implores", "pleaded",
    "pleads", "begged", "reflected", "reflects", "reasoned", "hinted", "hints", "speculated",
    "speculates", "sneered", "teased", "taunted", "cracked", "opined", "opines", "intoned",
    "hollered", "roared", "grumbled", "muttered", "griped", "gripes", "protested", "objected",
    "interrupted", "questioned", "queried", "inquired", "chided", "scolded", "rebuked", "rejoined",
    "summarized", "confided", "disclosed", "revealed", "reveals", "signaled", "signalled",
    "emailed", "messaged", "thanked", "explains", "acknowledges", "argues", "counters", "quips",
    "jokes", "insists", "warns", "vows", "pledges", "predicts", "concedes", "recalls", "reiterates",
    "stresses", "emphasizes", "affirmed", "affirms", "surmises",
]);

/// Reporting verbs after which the speaker may follow ("…,” said Smith).
#[rustfmt::skip]
pub(crate) static INVERTIBLE: WordSet = WordSet::new(&[
    "say", "says", "said", "added", "adds", "asked", "asks", "wrote", "writes", "explained",
    "explains", "continued", "continues", "recalled", "recalls", "replied", "responded", "answered",
    "noted", "notes", "warned", "warns", "argued", "argues", "insisted", "declared", "stated",
    "observed", "remarked", "quipped", "joked", "countered", "tweeted", "reads", "read",
    "concluded", "cautioned", "conceded", "acknowledged", "admitted", "suggested", "offered",
    "predicted", "exclaimed", "retorted", "snapped", "mused", "recounted", "testified",
    "complained", "claimed", "wondered", "boasted", "promised", "vowed", "stressed", "emphasized",
    "added", "interjected", "shouted", "yelled", "chimed", "pressed", "assured", "gloated",
    "surmised", "barked", "deadpanned", "pleaded", "reasoned", "speculated", "sneered", "teased",
    "cracked", "opined", "intoned", "hollered", "roared", "grumbled", "muttered", "griped",
    "protested", "interrupted", "questioned", "queried", "inquired", "chided", "rejoined",
    "confided", "emailed", "thanked", "says", "adds", "exhorted", "writes",
]);

/// Verbs that take their hearer as object ("told reporters"): never inverted.
#[rustfmt::skip]
pub(crate) static HEARER_VERBS: WordSet = WordSet::new(&[
    "tell", "tells", "told", "telling", "ask", "asks", "asked", "asking", "urge", "urged", "urges",
    "inform", "informed", "informs", "advise", "advised", "warn", "warned", "warns", "remind",
    "reminded",
]);

/// Verbs that need a following reporting word to be a cue: "call it …" is, "called" alone
/// in "a man called Smith" is not; "put it" and "pointed out" likewise.
#[rustfmt::skip]
pub(crate) static WEAK_VERBS: WordSet = WordSet::new(&[
    "call", "calls", "called", "calling", "put", "puts", "point", "pointed", "points", "go", "goes",
    "went", "begin", "began", "begins", "start", "started", "summed", "sums", "hit", "fired",
    "shot", "weighed", "chimed", "chime", "offer", "offered", "offers", "read", "reads", "post",
    "posted", "state", "states", "text", "order", "ordered", "think", "thinks", "thought", "feel",
    "feels", "felt", "believe", "believes", "believed", "describe", "describes", "described",
    "describing", "dubbed", "labeled", "labelled", "termed", "characterized", "framed", "report",
    "reports", "reported", "counter", "counters", "note", "notes", "charge", "charges", "charged",
    "echo", "echoes", "echoed", "hope", "hopes", "hoped", "fear", "fears", "feared", "worry",
    "worries", "worried", "sing", "sang", "cry", "cried", "praise", "praised", "praises", "mock",
    "mocks", "mocked", "accuse", "accuses", "accused", "criticize", "criticized", "criticizes",
    "slam", "slams", "slammed", "blast", "blasts", "blasted", "demand", "demands", "demanded",
    "pledge", "pledges", "pledged", "promise", "promises", "promised", "vow", "vows", "vowed",
    "continue", "continues", "answer", "answers", "highlight", "highlighted", "highlights",
    "underscore", "underscored", "underscores", "stress", "stresses",
]);

/// Personal pronouns that can be a speaker, with their gender and number.
pub(crate) const PRONOUNS: &[(&str, PronounClass)] = &[
    ("he", PronounClass::Male),
    ("she", PronounClass::Female),
    ("they", PronounClass::Plural),
    ("i", PronounClass::First),
    ("we", PronounClass::First),
    ("it", PronounClass::Neuter),
    ("you", PronounClass::First),
];

/// What a pronoun can refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PronounClass {
    Male,
    Female,
    Plural,
    Neuter,
    First,
}

/// Look up a speaker pronoun.
pub(crate) fn pronoun(w: &str) -> Option<PronounClass> {
    PRONOUNS.iter().find(|(p, _)| lower_is(w, p)).map(|&(_, c)| c)
}

/// Whether `w` lower-cased is `lower` (an ASCII lower-case word), without allocating for
/// an ASCII `w`.
fn lower_is(w: &str, lower: &str) -> bool {
    if w.is_ascii() {
        w.eq_ignore_ascii_case(lower)
    } else {
        w.to_lowercase() == lower
    }
}

/// Look up a possessive pronoun ("his comments").
pub(crate) fn possessive(w: &str) -> Option<PronounClass> {
    [
        ("his", PronounClass::Male),
        ("her", PronounClass::Female),
        ("their", PronounClass::Plural),
        ("its", PronounClass::Neuter),
    ]
    .into_iter()
    .find(|(p, _)| lower_is(w, p))
    .map(|(_, c)| c)
}

/// Nouns of saying: with a possessive before them they attribute a quote ("her comment
/// that “…”", "Trump's claim that “…”").
#[rustfmt::skip]
pub(crate) static CUE_NOUNS: WordSet = WordSet::new(&[
    "comment", "comments", "remark", "remarks", "statement", "statements", "assertion", "claim",
    "claims", "words", "message", "tweet", "tweets", "warning", "promise", "pledge", "vow",
    "argument", "suggestion", "response", "reply", "answer", "insistence", "admission",
    "accusation", "declaration", "prediction", "quip", "speech", "letter", "email", "post",
    "column", "op-ed", "essay", "memo", "description", "assessment", "criticism", "call",
    "contention", "charge", "plea", "boast", "retort", "slogan", "mantra", "refrain", "catchphrase",
]);

/// Words that may sit between a speaker and its reporting verb ("Smith also said",
/// "Smith has repeatedly said").
#[rustfmt::skip]
pub(crate) static BETWEEN: WordSet = WordSet::new(&[
    "also", "later", "then", "has", "have", "had", "was", "is", "were", "are", "would", "will",
    "could", "might", "may", "once", "again", "previously", "recently", "repeatedly", "further",
    "publicly", "privately", "reportedly", "often", "frequently", "simply", "flatly", "firmly",
    "bluntly", "quickly", "immediately", "angrily", "famously", "memorably", "subsequently",
    "ultimately", "finally", "just", "even", "still", "already", "always", "never", "not", "openly",
    "recently", "earlier", "first", "initially", "quietly", "loudly", "softly", "calmly", "sharply",
    "pointedly", "jokingly", "wryly", "plainly", "explicitly", "directly", "separately", "herself",
    "himself", "themselves", "allegedly", "apparently", "been", "did", "does", "do", "be", "being",
    "actually", "specifically", "similarly", "likewise", "in", "turn", "too", "herself", "itself",
    "personally", "emphatically", "tersely",
]);

/// Determiners and possessives that open a description ("the official", "his aide").
#[rustfmt::skip]
pub(crate) static DETERMINERS: WordSet = WordSet::new(&[
    "the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their", "our", "my",
    "your", "one", "another", "some", "several", "many", "two", "three", "four", "five", "both",
    "each", "every", "no", "most", "other", "such",
]);

/// Honorifics before a name; never part of the name.
#[rustfmt::skip]
pub(crate) static HONORIFICS: WordSet = WordSet::new(&[
    "mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "lord", "lady", "sen", "rep", "gov",
    "prof", "rev", "gen", "lt", "col", "sgt", "capt", "adm", "maj", "atty", "supt", "cmdr", "pres",
    "mme", "m",
]);

/// Title words: they start or continue a role before a name ("US Secretary of State Rex
/// Tillerson", "Russian President Vladimir Putin").
#[rustfmt::skip]
pub(crate) static TITLE_WORDS: WordSet = WordSet::new(&[
    "president", "secretary", "minister", "senator", "representative", "congressman",
    "congresswoman", "governor", "ambassador", "mayor", "chairman", "chairwoman", "chair", "chief",
    "speaker", "leader", "director", "judge", "justice", "attorney", "general", "commissioner",
    "spokesman", "spokeswoman", "spokesperson", "officer", "sheriff", "nominee", "candidate",
    "king", "queen", "prince", "princess", "pope", "prime", "chancellor", "premier", "deputy",
    "vice", "former", "professor", "manager", "strategist", "adviser", "advisor", "aide", "founder",
    "host", "anchor", "correspondent", "editor", "columnist", "reporter", "ceo", "executive",
    "coach", "pastor", "reverend", "bishop", "cardinal", "rabbi", "imam", "admiral", "captain",
    "colonel", "lieutenant", "sergeant", "superintendent", "councilman", "councilwoman", "delegate",
    "lawmaker", "activist", "billionaire", "businessman", "businesswoman", "mogul", "economist",
    "analyst", "pollster", "historian", "author", "actor", "actress", "singer", "rapper", "star",
    "gov", "sen", "rep", "gop", "democratic", "republican", "democrat", "independent",
    "libertarian", "foreign", "defence", "defense", "state", "treasury", "homeland", "white",
    "house", "press", "campaign", "national", "security", "committee", "senate", "first", "lady",
    "presidential", "hopeful", "rival", "challenger", "incumbent", "acting", "interim", "assistant",
    "associate", "senior", "junior", "u.s.", "us", "federal", "state's", "moderator", "commentator",
    "panelist",
]);

/// Capitalised words that do not start a name when they open a sentence or follow a mark.
#[rustfmt::skip]
pub(crate) static NOT_NAMES: WordSet = WordSet::new(&[
    "the", "a", "an", "and", "but", "or", "so", "yet", "for", "nor", "if", "when", "while", "after",
    "before", "as", "at", "in", "on", "of", "to", "by", "with", "from", "this", "that", "these",
    "those", "there", "here", "it", "its", "he", "she", "they", "we", "i", "you", "his", "her",
    "their", "our", "my", "your", "what", "who", "whom", "whose", "which", "why", "how", "where",
    "then", "now", "still", "also", "even", "just", "only", "not", "no", "yes", "all", "some",
    "many", "most", "more", "much", "each", "every", "both", "either", "neither", "one", "two",
    "three", "four", "five", "six", "seven", "eight", "nine", "ten", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december",
    "today", "yesterday", "tomorrow", "tonight", "last", "next", "despite", "although", "though",
    "because", "since", "until", "unless", "however", "meanwhile", "instead", "indeed", "perhaps",
    "maybe", "ahead", "during", "about", "against", "among", "between", "into", "over", "under",
    "up", "down", "out", "off", "again", "already", "always", "never", "ever", "very", "well", "oh",
    "okay", "ok", "please", "thank", "thanks", "asked", "said", "says", "do", "does", "did", "is",
    "are", "was", "were", "be", "been", "have", "has", "had", "will", "would", "can", "could",
    "should", "must", "let", "let's", "like", "other", "another", "such", "any", "anyone",
    "someone", "everyone", "nobody", "nothing", "something", "everything", "according", "in", "on",
    "photo", "image", "read", "more", "related", "watch", "click", "follow", "share",
    "advertisement", "update", "updated", "editor's", "note", "via", "getty", "images", "ap",
    "reuters", "afp", "epa", "whether", "than", "too", "once", "later", "earlier", "first",
    "second", "third", "new", "old", "said", "speaking", "asked", "told", "added",
]);

/// Organisation markers: a name ending in one of these is an organisation.
#[rustfmt::skip]
pub(crate) static ORG_WORDS: WordSet = WordSet::new(&[
    "party", "department", "committee", "campaign", "agency", "council", "court", "house", "senate",
    "congress", "post", "times", "news", "network", "journal", "press", "union", "association",
    "institute", "foundation", "university", "college", "school", "bureau", "office",
    "administration", "commission", "group", "company", "corp", "corp.", "inc", "inc.", "ltd",
    "bank", "fund", "federation", "organization", "organisation", "ministry", "army", "navy",
    "police", "government", "center", "centre", "club", "league", "board", "service", "services",
    "media", "magazine", "tribune", "herald", "gazette", "daily", "today", "pac", "cnn", "fbi",
    "cia", "nato", "gop", "msnbc", "abc", "nbc", "cbs", "fox", "npr", "bbc", "un", "u.n.", "eu",
    "kremlin", "pentagon", "white", "nations", "states", "republicans", "democrats", "reuters",
    "breitbart", "politico", "twitter", "facebook", "google", "isis", "isil", "taliban", "hamas",
    "hezbollah", "hotel", "tower", "hall", "church", "airport", "hospital", "museum", "stadium",
    "street", "avenue", "square", "park", "county", "city", "island", "river",
]);

/// Pairs of (description head word, role word that such a description refers to), for
/// linking "the senator" or "America's top diplomat" to an entity with a matching role.
pub(crate) const ROLE_SYNONYMS: &[(&str, &str)] = &[
    ("diplomat", "secretary of state"),
    ("diplomat", "foreign minister"),
    ("diplomat", "ambassador"),
    ("envoy", "ambassador"),
    ("envoy", "envoy"),
    ("lawmaker", "senator"),
    ("lawmaker", "representative"),
    ("lawmaker", "congressman"),
    ("lawmaker", "congresswoman"),
    ("congressman", "representative"),
    ("congresswoman", "representative"),
    ("legislator", "senator"),
    ("nominee", "candidate"),
    ("candidate", "nominee"),
    ("billionaire", "businessman"),
    ("mogul", "businessman"),
    ("leader", "president"),
    ("leader", "prime minister"),
    ("leader", "chancellor"),
    ("premier", "prime minister"),
    ("chief", "director"),
    ("official", "secretary"),
    ("official", "minister"),
    ("minister", "minister"),
];

/// Words that end a description going leftwards from its verb ("that", "and", a verb).
#[rustfmt::skip]
pub(crate) static DESC_STOP: WordSet = WordSet::new(&[
    "that", "and", "but", "or", "because", "which", "who", "when", "while", "if", "as", "after",
    "before", "since", "so", "than", "though", "although", "where", "whether", "said", "says",
    "told", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "it", "this",
    "what", "then", "also", "not", "to", "there", "here", "why", "how",
]);

/// A word list with a hash set built on first use: the cue grammar looks words up many
/// times per sentence, and some lists run to hundreds of words.
pub(crate) struct WordSet {
    words: &'static [&'static str],
    built: OnceLock<Built>,
}

/// The look-up structures of a [`WordSet`].
struct Built {
    set: FxHashSet<&'static str>,
    /// Per ASCII first byte, bit `n` set when a listed word of that first byte has `n` bytes
    /// (below 32): most words looked up are in no list, and one load and a shift tell so
    /// without hashing them. Other words go to the set.
    shapes: [u32; 128],
}

impl WordSet {
    pub(crate) const fn new(words: &'static [&'static str]) -> Self {
        WordSet { words, built: OnceLock::new() }
    }

    fn built(&self) -> &Built {
        self.built.get_or_init(|| {
            let mut shapes = [0u32; 128];
            for w in self.words {
                if let (Some(shape), true) =
                    (w.as_bytes().first().and_then(|&f| shapes.get_mut(usize::from(f))), w.len() < 32)
                {
                    *shape |= 1 << w.len();
                }
            }
            Built { set: self.words.iter().copied().collect(), shapes }
        })
    }

    pub(crate) fn contains(&self, w: &str) -> bool {
        let built = self.built();
        match w.as_bytes().first().and_then(|&f| built.shapes.get(usize::from(f))) {
            Some(shape) if w.len() < 32 => shape >> w.len() & 1 != 0 && built.set.contains(w),
            _ => built.set.contains(w),
        }
    }
}

/// Whether `w` (lower case) is in `list`.
pub(crate) fn is_in(list: &WordSet, w: &str) -> bool {
    list.contains(w)
}

/// Head nouns of descriptions that can be speakers and that no suffix rule catches: people
/// ("the man", "the official") and the texts that speak for them ("the memo", "a poll").
#[rustfmt::skip]
pub(crate) static SPEAKER_HEADS: WordSet = WordSet::new(&[
    "man", "woman", "person", "people", "member", "official", "source", "aide", "staff", "staffer", "expert",
    "critic", "witness", "victim", "resident", "student", "president", "participant", "opponent",
    "consultant", "immigrant", "applicant", "lieutenant", "attendant", "agent", "client", "patient",
    "parent", "child", "son", "daughter", "mother", "father", "wife", "husband", "friend", "family",
    "colleague", "ally", "rival", "democrat", "republican", "conservative", "liberal", "progressive",
    "moderate", "independent", "candidate", "nominee", "chief", "head", "boss", "guard", "crowd",
    "audience", "camp", "team", "panel", "jury", "plaintiff", "defendant", "lawyer",
    "attorney", "judge", "police", "army", "authorities", "administration", "statement", "release",
    "report", "poll", "survey", "study", "memo", "letter", "note", "email", "tweet", "post", "ad",
    "advert", "video", "website", "site", "article", "editorial", "column", "story", "book", "paper",
    "document", "documents", "filing", "lawsuit", "suit", "complaint", "ruling", "order", "opinion",
    "transcript", "readout", "summary", "analysis", "research", "data", "message", "speech",
    "slogan", "sign", "banner", "headline", "caption", "chant", "petition", "platform", "bill",
    "law", "act", "resolution", "guidance", "guide", "manual",
    "textbook", "playbook", "card", "flyer", "brochure", "mailer", "page", "account", "blog",
    "newsletter", "broadcast", "interview", "show", "program", "programme", "piece", "assailant",
    "native", "tycoon", "outlet", "attendee", "heavyweight", "surrogate", "boy", "girl", "youth",
    "user", "employee", "worker", "tabloid", "clip", "passage", "testimonial", "town", "surgeon",
    "neurosurgeon", "surveyed", "polled", "questioned",
]);

/// Nouns ending like agent nouns ("-er", "-or") that name no speaker.
#[rustfmt::skip]
pub(crate) static NOT_AGENT_NOUNS: WordSet = WordSet::new(&[
    "number", "matter", "order", "border", "power", "water", "answer", "error", "floor", "door",
    "color", "colour", "factor", "sector", "corner", "center", "centre", "quarter",
    "winter", "summer", "after", "never", "over", "under", "together", "whether", "rather",
    "further", "however", "major", "minor", "favor", "favour", "labor", "labour", "honor",
    "honour", "behavior", "behaviour", "humor", "humour", "rumor", "rumour", "terror", "mirror",
    "chapter", "disaster", "character", "register", "prayer", "layer", "poster", "trigger",
    "filter", "cover", "remainder", "corridor", "plant", "want",
]);

/// Words after which a description's noun phrase has ended: prepositions, relative words
/// and verbs a cue phrase may run into ("the authors of the", "a source close to").
#[rustfmt::skip]
pub(crate) static NOUN_PHRASE_ENDS: WordSet = WordSet::new(&[
    "of", "for", "in", "at", "on", "to", "by", "with", "from", "about", "close", "involved",
    "familiar", "known", "who", "which", "that", "whose", "can", "could", "would", "should",
    "will", "may", "might", "must", "is", "are", "was", "were", "has", "have", "had",
]);

/// Title words that only modify a title ("former", "first", "senior"): no head of a
/// speaker description on their own ("the first seven weeks").
#[rustfmt::skip]
pub(crate) static TITLE_MODIFIERS: WordSet = WordSet::new(&[
    "first", "former", "vice", "deputy", "acting", "interim", "senior", "junior", "national",
    "foreign", "federal", "state", "state's", "white", "house", "press", "security", "homeland",
    "treasury", "defence", "defense", "prime", "u.s.", "us", "assistant", "associate",
    "presidential", "lady",
]);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_sets_answer_as_their_lists_do() {
        let sets: [&WordSet; 16] = [
            &CUE_VERBS,
            &INVERTIBLE,
            &HEARER_VERBS,
            &WEAK_VERBS,
            &CUE_NOUNS,
            &BETWEEN,
            &DETERMINERS,
            &HONORIFICS,
            &TITLE_WORDS,
            &NOT_NAMES,
            &ORG_WORDS,
            &DESC_STOP,
            &SPEAKER_HEADS,
            &NOT_AGENT_NOUNS,
            &NOUN_PHRASE_ENDS,
            &TITLE_MODIFIERS,
        ];
        let long = "s".repeat(40);
        let others =
            ["", "x", "Said", "said.", "saidx", "é", "ésaid", "’s", "'s", ",", long.as_str(), &long[..31], &long[..32]];
        for set in sets {
            for w in set.words.iter().copied().chain(others) {
                assert_eq!(set.contains(w), set.words.contains(&w), "{w:?}");
                // Every listed word with a letter changed or one added is looked up too.
                let grown = format!("{w}s");
                assert_eq!(set.contains(&grown), set.words.contains(&grown.as_str()), "{grown:?}");
                let cut = w.get(1..).unwrap_or("");
                assert_eq!(set.contains(cut), set.words.contains(&cut), "{cut:?}");
            }
        }
    }
}
