//! Keyphrase extraction with YAKE (Campos et al., "YAKE! Keyword extraction
//! from single documents using multiple local features", Information
//! Sciences 509, 2020), implemented here from the paper's definitions.
//!
//! Sits in the enrich stage after tokenization and sentence splitting: the
//! stage calls [`keywords`] on the body with its tokens and sentences.
//!
//! Each non-stopword term gets five statistical features from the document
//! alone: casing (how often it is capitalised mid-sentence or an acronym),
//! position (median sentence index of its occurrences), normalised
//! frequency, relatedness to context (how many different words surround it:
//! a word seen next to many different words is likely a function word) and
//! sentence spread. They combine into a term score where lower is better.
//! Candidate phrases are runs of 1..=3 words inside a sentence, not crossing
//! punctuation, neither starting nor ending with a stopword; a phrase's score
//! is the product of its terms' scores divided by its frequency times
//! (1 + their sum); a stopword inside a phrase ("Secretary of State")
//! multiplies the product by `2 - p` and lowers the sum by `1 - p`, where `p`
//! is the probability of its two bigrams. A phrase within edit similarity
//! 0.8 of a better one is dropped. Two departures from the
//! paper, for news: in texts of five sentences or more a phrase of several
//! words must occur twice, and the words of a better-ranked phrase are not
//! listed again on their own.
//!
//! The reported score inverts and normalises YAKE's: `1 / (1 + ln(s / s_best))`,
//! so the best phrase scores 1 and the rest decrease towards 0.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;

use super::tokenize::{Token, TokenKind};

/// The stopword list: `data/stopwords_en.txt`, one word a line.
static STOPWORDS_TXT: &str = include_str!("../../data/stopwords_en.txt");

fn stopwords() -> &'static HashSet<&'static str> {
    static CELL: OnceLock<HashSet<&'static str>> = OnceLock::new();
    CELL.get_or_init(|| STOPWORDS_TXT.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect())
}

/// Whether `word` (lowercase; curly apostrophes allowed) is an English stopword.
pub fn is_stopword(word: &str) -> bool {
    if word.contains('\u{2019}') {
        return stopwords().contains(word.replace('\u{2019}', "'").as_str());
    }
    stopwords().contains(word)
}

/// A scored keyphrase; serialises as the record's `keywords` items.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Keyword {
    /// The phrase in its most frequent written form ("Security Council").
    pub text: String,
    /// Relevance in 0..=1, higher is more relevant; the best phrase has 1.
    pub score: f32,
}

/// Longest candidate phrase, in words.
const MAX_NGRAM: usize = 3;
/// Co-occurrence window, in words, for the relatedness feature.
const WINDOW: usize = 2;
/// From this many sentences on, a phrase of several words must occur at
/// least twice: single-occurrence phrases of the lead otherwise crowd the
/// list, since YAKE's position feature favours the first sentence.
const MIN_SENTENCES_FOR_REPEATS: f32 = 5.0;
/// Phrases more similar than this to a better one are dropped.
const DEDUP_SIMILARITY: f32 = 0.8;

/// One word occurrence.
struct Occ {
    /// Lowercased form (curly apostrophes straightened).
    key: String,
    /// Index of its sentence.
    sentence: usize,
    /// Index of its chunk: a run of words without punctuation in between.
    chunk: usize,
    stop: bool,
    /// Capitalised, not at the start of its sentence.
    upper: bool,
    /// All capitals, more than one letter ("UN", "NATO").
    acronym: bool,
    /// Byte span of the word.
    span: Range<usize>,
}

/// Per-term statistics.
#[derive(Default)]
struct Stats {
    tf: f32,
    upper: f32,
    acronym: f32,
    sentences: Vec<usize>,
    left: HashMap<usize, f32>,
    right: HashMap<usize, f32>,
}

/// Up to `max` keyphrases of `text`, most relevant first. `tokens` is
/// `tokenize(text)` and `sentences` the sentence byte ranges; tokens outside
/// every sentence are ignored. An empty text gives no keyword.
pub fn keywords(text: &str, tokens: &[Token], sentences: &[Range<usize>], max: usize) -> Vec<Keyword> {
    if max == 0 {
        return Vec::new();
    }
    let occs = occurrences(text, tokens, sentences);
    if occs.is_empty() {
        return Vec::new();
    }
    let n_sentences = occs.iter().map(|o| o.sentence).max().map_or(1, |m| m + 1) as f32;

    // Term ids and statistics.
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let term: Vec<usize> = occs
        .iter()
        .map(|o| {
            let next = ids.len();
            *ids.entry(o.key.as_str()).or_insert(next)
        })
        .collect();
    let mut stats: Vec<Stats> = (0..ids.len()).map(|_| Stats::default()).collect();
    // Adjacent pairs inside a chunk, stopwords included, for the phrase
    // bigram probabilities.
    let mut bigrams: HashMap<(usize, usize), f32> = HashMap::new();
    for i in 1..occs.len() {
        if occs[i].chunk == occs[i - 1].chunk {
            *bigrams.entry((term[i - 1], term[i])).or_default() += 1.0;
        }
    }
    for (i, o) in occs.iter().enumerate() {
        let s = &mut stats[term[i]];
        s.tf += 1.0;
        s.upper += f32::from(u8::from(o.upper));
        s.acronym += f32::from(u8::from(o.acronym));
        if s.sentences.last() != Some(&o.sentence) {
            s.sentences.push(o.sentence);
        }
        if o.stop {
            continue;
        }
        // Co-occurrence with non-stopwords within the window, same sentence.
        for j in i.saturating_sub(WINDOW)..i {
            if occs[j].sentence == o.sentence && !occs[j].stop {
                *stats[term[i]].left.entry(term[j]).or_default() += 1.0;
                *stats[term[j]].right.entry(term[i]).or_default() += 1.0;
            }
        }
    }

    // Frequency normalisation over non-stopword terms.
    let content: Vec<f32> = occs
        .iter()
        .zip(&term)
        .filter(|(o, _)| !o.stop)
        .map(|(_, t)| *t)
        .collect::<HashSet<_>>()
        .iter()
        .map(|t| stats[*t].tf)
        .collect();
    if content.is_empty() {
        return Vec::new();
    }
    let mean = content.iter().sum::<f32>() / content.len() as f32;
    let sd = (content.iter().map(|tf| (tf - mean).powi(2)).sum::<f32>() / content.len() as f32).sqrt();
    let max_tf = content.iter().copied().fold(1.0f32, f32::max);

    let term_score: Vec<f32> = stats
        .iter()
        .map(|s| {
            let case = s.upper.max(s.acronym) / (1.0 + s.tf.ln());
            let mut sorted = s.sentences.clone();
            sorted.sort_unstable();
            let median = median(&sorted);
            let position = (3.0 + median).ln().ln();
            let freq = s.tf / (mean + sd).max(f32::EPSILON);
            let dl = dispersion(&s.left);
            let dr = dispersion(&s.right);
            let rel = 1.0 + (dl + dr) * s.tf / max_tf;
            let different = s.sentences.len() as f32 / n_sentences;
            (rel * position) / (case + freq / rel + different / rel)
        })
        .collect();

    // Candidate phrases, keyed by their term ids (no strings until ranked).
    struct Cand<'t> {
        tf: f32,
        score: f32,
        forms: Vec<(&'t str, usize)>,
        first: usize,
        len: usize,
    }
    let mut cands: HashMap<[usize; MAX_NGRAM], Cand> = HashMap::new();
    for start in 0..occs.len() {
        if occs[start].stop {
            continue;
        }
        for len in 1..=MAX_NGRAM {
            let end = start + len;
            if end > occs.len() || occs[end - 1].chunk != occs[start].chunk {
                break;
            }
            if occs[end - 1].stop {
                continue;
            }
            let mut key = [usize::MAX; MAX_NGRAM];
            key[..len].copy_from_slice(&term[start..end]);
            let (mut prod, mut sum) = (1.0f32, 0.0f32);
            for i in start..end {
                if !occs[i].stop {
                    prod *= term_score[term[i]];
                    sum += term_score[term[i]];
                } else {
                    // An inner stopword costs in proportion to how rarely its
                    // neighbours go with it ("Secretary of State" cheap,
                    // "approved the new" dear), as in the paper.
                    let (a, w, b) = (term[i - 1], term[i], term[i + 1]);
                    let p_prev = bigrams.get(&(a, w)).copied().unwrap_or(0.0) / stats[a].tf;
                    let p_next = bigrams.get(&(w, b)).copied().unwrap_or(0.0) / stats[b].tf;
                    let miss = 1.0 - p_prev * p_next;
                    prod *= 1.0 + miss;
                    sum -= miss;
                }
            }
            let form = text.get(occs[start].span.start..occs[end - 1].span.end).unwrap_or("");
            let c = cands.entry(key).or_insert(Cand { tf: 0.0, score: 0.0, forms: Vec::new(), first: start, len });
            c.tf += 1.0;
            c.score = prod / (1.0 + sum);
            match c.forms.iter_mut().find(|(f, _)| *f == form) {
                Some((_, n)) => *n += 1,
                None => c.forms.push((form, 1)),
            }
        }
    }
    let min_phrase_tf = if n_sentences >= MIN_SENTENCES_FOR_REPEATS { 2.0 } else { 1.0 };
    let mut ranked: Vec<(f32, usize, [usize; MAX_NGRAM], &str)> = cands
        .into_iter()
        .filter(|(_, c)| c.len == 1 || c.tf >= min_phrase_tf)
        .map(|(key, c)| {
            // Most frequent written form; ties: the first seen.
            let mut form = c.forms.first().map_or("", |f| f.0);
            let mut best = 0;
            for (f, n) in &c.forms {
                if *n > best {
                    (form, best) = (f, *n);
                }
            }
            (c.score / c.tf, c.first, key, form)
        })
        .filter(|(s, ..)| s.is_finite())
        .collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut names: Vec<&str> = vec![""; ids.len()];
    for (name, id) in &ids {
        names[*id] = name;
    }
    let key_text = |key: &[usize; MAX_NGRAM]| -> String {
        key.iter().filter_map(|t| names.get(*t).copied()).collect::<Vec<_>>().join(" ")
    };

    let mut chosen: Vec<(f32, String, String)> = Vec::new();
    for (score, _, key, form) in ranked {
        if chosen.len() >= max {
            break;
        }
        let key = key_text(&key);
        let form = form.to_string();
        if chosen.iter().any(|(_, k, _)| similarity(k, &key) > DEDUP_SIMILARITY || part_of(&key, k)) {
            continue;
        }
        chosen.push((score, key, form));
    }
    let best = chosen.first().map_or(1.0, |c| c.0).max(f32::MIN_POSITIVE);
    chosen
        .into_iter()
        .map(|(s, _, form)| Keyword { text: form, score: 1.0 / (1.0 + (s.max(best) / best).ln()) })
        .collect()
}

/// Word occurrences inside the sentences, with chunk boundaries at
/// punctuation, symbols and sentence ends.
fn occurrences(text: &str, tokens: &[Token], sentences: &[Range<usize>]) -> Vec<Occ> {
    let mut out = Vec::new();
    let mut chunk = 0usize;
    let mut ti = 0usize;
    for (si, sent) in sentences.iter().enumerate() {
        while ti < tokens.len() && tokens[ti].start < sent.start {
            ti += 1;
        }
        let mut first = true;
        chunk += 1;
        while ti < tokens.len() && tokens[ti].end <= sent.end {
            let tok = tokens[ti];
            ti += 1;
            let surface = tok.as_str(text);
            let is_word = tok.kind == TokenKind::Word && surface.chars().any(char::is_alphabetic);
            if !is_word {
                // Numbers, punctuation and symbols end a phrase.
                chunk += 1;
                first = false;
                continue;
            }
            let key = surface.to_lowercase().replace('\u{2019}', "'");
            let letters: Vec<char> = surface.chars().filter(|c| c.is_alphabetic()).collect();
            let acronym = letters.len() > 1 && letters.iter().all(|c| c.is_uppercase());
            let upper = !first && letters.first().is_some_and(|c| c.is_uppercase()) && !acronym;
            let stop = is_stopword(&key) || key.chars().count() < 2;
            out.push(Occ { key, sentence: si, chunk, stop, upper, acronym, span: tok.start..tok.end });
            first = false;
        }
    }
    out
}

fn median(sorted: &[usize]) -> f32 {
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2] as f32,
        n => (sorted[n / 2 - 1] + sorted[n / 2]) as f32 / 2.0,
    }
}

/// Distinct neighbours over total co-occurrences: near 1 when every
/// neighbour is different (a term that goes with anything), lower when it
/// keeps the same company.
fn dispersion(neigh: &HashMap<usize, f32>) -> f32 {
    let total: f32 = neigh.values().sum();
    if total == 0.0 {
        0.0
    } else {
        neigh.len() as f32 / total
    }
}

/// Whether `short` is a word-aligned part of `long` ("stone" of "stone
/// pier"): a better-ranked phrase stands for its parts.
fn part_of(short: &str, long: &str) -> bool {
    long == short
        || long.starts_with(&format!("{short} "))
        || long.ends_with(&format!(" {short}"))
        || long.contains(&format!(" {short} "))
}

/// Edit similarity `1 - levenshtein / max_len` over chars.
fn similarity(a: &str, b: &str) -> f32 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    1.0 - prev[b.len()] as f32 / longest as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::sentences::split_sentences;
    use crate::text::tokenize::tokenize;

    const STORY: &str = "The harbour council approved the new stone pier on Tuesday. \
        Fishermen said the stone pier would make landing their catch safer. \
        The harbour council had delayed the decision twice because of the cost.\n\n\
        Critics of the stone pier said the money should repair the school roof. \
        The mayor said the harbour council would review the school roof in spring. \
        Work on the stone pier starts in October.";

    fn run(text: &str, max: usize) -> Vec<Keyword> {
        let tokens = tokenize(text);
        let sentences = split_sentences(text, &tokens);
        keywords(text, &tokens, &sentences, max)
    }

    #[test]
    fn repeated_topical_phrases_rank_first() {
        // YAKE favours the lead sentence and capitalised words ("Tuesday"),
        // but phrases repeated across the text must surface.
        let kw = run(STORY, 8);
        let texts: Vec<&str> = kw.iter().map(|k| k.text.as_str()).collect();
        assert_eq!(kw.len(), 8);
        assert!(texts[..5].contains(&"stone pier"), "{texts:?}");
        assert!(texts[..5].contains(&"harbour council"), "{texts:?}");
        assert!(texts.contains(&"school roof"), "{texts:?}");
        assert!(!texts.contains(&"stone"), "sub-phrase of a better phrase: {texts:?}");
    }

    #[test]
    fn scores_are_normalised_and_decreasing() {
        let kw = run(STORY, 10);
        assert_eq!(kw[0].score, 1.0);
        assert!(kw.windows(2).all(|w| w[0].score >= w[1].score));
        assert!(kw.iter().all(|k| k.score > 0.0 && k.score <= 1.0));
    }

    #[test]
    fn phrases_neither_start_nor_end_with_stopwords_nor_cross_punctuation() {
        for k in run(STORY, 30) {
            let words: Vec<&str> = k.text.split(' ').collect();
            assert!(!is_stopword(&words[0].to_lowercase()), "{}", k.text);
            assert!(!is_stopword(&words[words.len() - 1].to_lowercase()), "{}", k.text);
            assert!(!k.text.contains('.') && !k.text.contains('\n'), "{}", k.text);
            assert!(words.len() <= MAX_NGRAM);
        }
    }

    #[test]
    fn near_duplicates_are_merged() {
        let text = format!("{STORY} Other towns built stone piers long ago.");
        let kw = run(&text, 30);
        let lower: Vec<String> = kw.iter().map(|k| k.text.to_lowercase()).collect();
        assert!(lower.contains(&"stone pier".to_string()), "{lower:?}");
        let unique: HashSet<&String> = lower.iter().collect();
        assert_eq!(unique.len(), lower.len());
        assert!(!(lower.contains(&"stone pier".to_string()) && lower.contains(&"stone piers".to_string())));
    }

    #[test]
    fn empty_and_stopword_only_texts_give_nothing() {
        assert!(run("", 5).is_empty());
        assert!(run("It is what it is, and so it was.", 5).is_empty());
        assert!(run(STORY, 0).is_empty());
        assert!(keywords(STORY, &tokenize(STORY), &[], 5).is_empty());
    }

    #[test]
    fn stopwords_load() {
        assert!(is_stopword("the") && is_stopword("n't") && is_stopword("don\u{2019}t"));
        assert!(!is_stopword("pier"));
    }

    #[test]
    fn parts_are_word_aligned() {
        assert!(part_of("stone", "stone pier") && part_of("pier", "new stone pier"));
        assert!(part_of("b", "a b c") && !part_of("stone pier", "stone"));
        assert!(!part_of("pie", "stone pier"));
    }

    #[test]
    fn edit_similarity() {
        assert_eq!(similarity("abc", "abc"), 1.0);
        assert!((similarity("pier", "piers") - 0.8).abs() < 1e-6);
        assert_eq!(similarity("", ""), 1.0);
        assert_eq!(similarity("ab", ""), 0.0);
    }

    proptest::proptest! {
        #[test]
        fn any_text_gives_bounded_scores(
            text in "(\\PC{0,20}|stone|pier|the|of|UN|É|, |\\. |\n\n| ){0,60}",
            max in 0usize..12,
        ) {
            let kw = run(&text, max);
            proptest::prop_assert!(kw.len() <= max);
            for k in &kw {
                proptest::prop_assert!(k.score > 0.0 && k.score <= 1.0, "{:?}", k);
                proptest::prop_assert!(!k.text.is_empty());
            }
        }
    }
}
