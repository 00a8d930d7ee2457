//! Training the tagger: reading CoNLL-2003 files, inducing word clusters from unlabelled
//! text, building gazetteers from the training data, and the averaged structured
//! perceptron itself. Used by `src/bin/train-ner.rs`; nothing here runs at tagging time.
//!
//! Everything is deterministic: the only randomness (cluster seeds, sentence order) comes
//! from a fixed-seed generator.

use std::collections::HashMap;
use std::ops::Range;

use super::features::{
    class_bit, hash_bytes, normalise_lower, phrase_hash, DocFeatures, Extractor, IdMap, Lexicon, MAX_PHRASE,
    NO_CLUSTER, N_GRAN,
};
use super::model::{Model, Row};
use super::tags::{self, EntityKind, Transitions, N_TAGS};
use super::Tagger;

/// A labelled document: words, sentences (word ranges) and gold phrases.
#[derive(Clone, Debug, Default)]
pub struct LabelledDoc {
    /// The tokens.
    pub words: Vec<String>,
    /// Sentences as ranges of `words`.
    pub sentences: Vec<Range<usize>>,
    /// Gold phrases as ranges of `words`, with their class.
    pub phrases: Vec<(Range<usize>, EntityKind)>,
}

/// Reads CoNLL-2003 text (`word POS chunk tag` lines, blank lines between sentences,
/// `-DOCSTART-` between documents). Phrases are read from the IOB1 tags with conlleval's
/// rules (`I-X` after `O` or another class opens a phrase, `B-X` always does).
pub fn read_conll(text: &str) -> Vec<LabelledDoc> {
    let mut docs = Vec::new();
    let mut doc = LabelledDoc::default();
    let mut sent_start = 0usize;
    let mut open: Option<(usize, EntityKind)> = None;
    let close_sentence = |doc: &mut LabelledDoc, sent_start: &mut usize, open: &mut Option<(usize, EntityKind)>| {
        if let Some((s, k)) = open.take() {
            doc.phrases.push((s..doc.words.len(), k));
        }
        if doc.words.len() > *sent_start {
            doc.sentences.push(*sent_start..doc.words.len());
        }
        *sent_start = doc.words.len();
    };
    for line in text.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() {
            close_sentence(&mut doc, &mut sent_start, &mut open);
            continue;
        }
        if fields[0] == "-DOCSTART-" {
            close_sentence(&mut doc, &mut sent_start, &mut open);
            if !doc.words.is_empty() {
                docs.push(std::mem::take(&mut doc));
            }
            sent_start = 0;
            continue;
        }
        let word = fields[0];
        let tag = fields.last().copied().unwrap_or("O");
        let (prefix, kind) = match tag.split_once('-') {
            Some((p, k)) => (p, EntityKind::from_label(k)),
            None => ("O", None),
        };
        let i = doc.words.len();
        match kind {
            None => {
                if let Some((s, k)) = open.take() {
                    doc.phrases.push((s..i, k));
                }
            }
            Some(k) => {
                let continues = prefix != "B" && open.is_some_and(|(_, ok)| ok == k);
                if !continues {
                    if let Some((s, ok)) = open.take() {
                        doc.phrases.push((s..i, ok));
                    }
                    open = Some((i, k));
                }
            }
        }
        doc.words.push(word.to_string());
    }
    close_sentence(&mut doc, &mut sent_start, &mut open);
    if !doc.words.is_empty() {
        docs.push(doc);
    }
    docs
}

/// Splits raw text into CoNLL-like tokens for cluster induction: whitespace, then
/// punctuation peeled off both ends, and `'s` / `n't` split off.
pub fn rough_tokens(text: &str) -> Vec<String> {
    rough_token_spans(text).into_iter().filter_map(|r| text.get(r).map(String::from)).collect()
}

/// [`rough_tokens`] as byte ranges of `text`.
pub fn rough_token_spans(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    for chunk in text.split_inclusive(char::is_whitespace) {
        let base = pos;
        pos += chunk.len();
        let trimmed = chunk.trim_end();
        let (mut a, mut b) = (base, base + trimmed.len());
        let mut tail = Vec::new();
        while let Some(c) = text[a..b].chars().next().filter(|c| !c.is_alphanumeric()) {
            out.push(a..a + c.len_utf8());
            a += c.len_utf8();
        }
        while let Some(c) = text[a..b].chars().next_back().filter(|c| !c.is_alphanumeric()) {
            tail.push(b - c.len_utf8()..b);
            b -= c.len_utf8();
        }
        let word = &text[a..b];
        let split = ["'s", "\u{2019}s", "n't"].iter().find(|e| {
            word.len() > e.len()
                && word.is_char_boundary(word.len() - e.len())
                && word[word.len() - e.len()..].eq_ignore_ascii_case(e)
        });
        if let Some(e) = split {
            let cut = b - e.len();
            out.push(a..cut);
            out.push(cut..b);
        } else if a < b {
            out.push(a..b);
        }
        out.extend(tail.into_iter().rev());
    }
    out
}

/// A small deterministic generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (0 is replaced by a constant).
    pub fn new(seed: u64) -> Rng {
        Rng(if seed == 0 { 0x2545_F491_4F6C_DD1D } else { seed })
    }
    /// The next value.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// A value in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    /// A value in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Settings of cluster induction.
#[derive(Clone, Debug)]
pub struct ClusterConfig {
    /// Number of clusters at each granularity, coarse to fine.
    pub ks: [usize; N_GRAN],
    /// Words seen fewer times are not clustered.
    pub min_count: usize,
    /// Most frequent words used as context dimensions.
    pub contexts: usize,
    /// k-means iterations.
    pub iterations: usize,
    /// Seed of the initial centroids.
    pub seed: u64,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig { ks: [32, 128, 512, 1536], min_count: 3, contexts: 1500, iterations: 12, seed: 17 }
    }
}

/// Induces word clusters from tokenized sentences: each word is a vector of its PPMI
/// weighted left/right neighbours (at distance 1 and 2) among the most frequent words,
/// and spherical k-means groups the vectors at each granularity of `cfg.ks`.
/// Returns lookup hash -> cluster per granularity.
pub fn induce_clusters(sentences: &[Vec<String>], cfg: &ClusterConfig) -> IdMap<[u16; N_GRAN]> {
    let mut scratch = String::new();
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut counts: Vec<u64> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let corpus: Vec<Vec<u32>> = sentences
        .iter()
        .map(|s| {
            s.iter()
                .map(|w| {
                    normalise_lower(w, &mut scratch);
                    let id = *ids.entry(scratch.clone()).or_insert_with(|| {
                        names.push(scratch.clone());
                        counts.push(0);
                        (names.len() - 1) as u32
                    });
                    counts[id as usize] += 1;
                    id
                })
                .collect()
        })
        .collect();
    let mut by_freq: Vec<u32> = (0..names.len() as u32).collect();
    // ties broken by the word so the order never depends on hashing
    by_freq
        .sort_by(|&a, &b| counts[b as usize].cmp(&counts[a as usize]).then(names[a as usize].cmp(&names[b as usize])));
    let n_ctx = cfg.contexts.min(by_freq.len());
    let mut ctx_of = vec![n_ctx as u32; names.len()]; // n_ctx = "other word"
    for (r, &w) in by_freq.iter().take(n_ctx).enumerate() {
        ctx_of[w as usize] = r as u32;
    }
    let vocab: Vec<u32> = by_freq.iter().copied().filter(|&w| counts[w as usize] as usize >= cfg.min_count).collect();
    let mut row_of = vec![u32::MAX; names.len()];
    for (r, &w) in vocab.iter().enumerate() {
        row_of[w as usize] = r as u32;
    }
    let width = n_ctx as u32 + 2; // + other word + sentence boundary
    let dims = 4 * width as usize;
    let mut co: Vec<HashMap<u32, f32>> = vec![HashMap::new(); vocab.len()];
    for s in &corpus {
        for (i, &w) in s.iter().enumerate() {
            let r = row_of[w as usize];
            if r == u32::MAX {
                continue;
            }
            for (slot, d) in [(0u32, -2isize), (1, -1), (2, 1), (3, 2)] {
                let j = i as isize + d;
                let c = if j < 0 || j >= s.len() as isize { n_ctx as u32 + 1 } else { ctx_of[s[j as usize] as usize] };
                let weight = if d.abs() == 1 { 1.0 } else { 0.5 };
                *co[r as usize].entry(slot * width + c).or_insert(0.0) += weight;
            }
        }
    }
    // sorted rows, so every float sum below runs in one fixed order
    let co: Vec<Vec<(u32, f32)>> = co
        .into_iter()
        .map(|row| {
            let mut v: Vec<(u32, f32)> = row.into_iter().collect();
            v.sort_by_key(|x| x.0);
            v
        })
        .collect();
    // PPMI weighting, then unit length
    let mut col = vec![0f64; dims];
    let mut total = 0f64;
    for row in &co {
        for &(d, v) in row {
            col[d as usize] += f64::from(v);
            total += f64::from(v);
        }
    }
    let vectors: Vec<Vec<(u32, f32)>> = co
        .iter()
        .map(|row| {
            let rs: f64 = row.iter().map(|&(_, v)| f64::from(v)).sum();
            let v: Vec<(u32, f32)> = row
                .iter()
                .filter_map(|&(d, c)| {
                    let pmi = (f64::from(c) * total / (rs * col[d as usize])).ln();
                    (pmi > 0.0).then_some((d, pmi as f32))
                })
                .collect();
            let mut v = v;
            let norm = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
            if norm > 0.0 {
                for x in &mut v {
                    x.1 /= norm;
                }
            }
            v
        })
        .collect();
    let mut assign = vec![[NO_CLUSTER; N_GRAN]; vocab.len()];
    for (g, &k) in cfg.ks.iter().enumerate() {
        let labels = spherical_kmeans(&vectors, dims, k.min(vectors.len()).max(1), cfg.iterations, cfg.seed + g as u64);
        for (r, l) in labels.into_iter().enumerate() {
            assign[r][g] = l.min(u32::from(NO_CLUSTER - 2)) as u16;
        }
    }
    let mut out = IdMap::default();
    for (r, &w) in vocab.iter().enumerate() {
        out.insert(hash_bytes(1, names[w as usize].as_bytes()), assign[r]);
    }
    out
}

/// Spherical k-means over sparse unit vectors; returns a cluster per vector.
fn spherical_kmeans(vectors: &[Vec<(u32, f32)>], dims: usize, k: usize, iterations: usize, seed: u64) -> Vec<u32> {
    let n = vectors.len();
    if n == 0 {
        return Vec::new();
    }
    let mut rng = Rng::new(seed);
    // centroids stored transposed (dimension-major) so a sparse vector scores all of
    // them with one pass of dense additions per non-zero
    let mut cent_t = vec![0f32; dims * k];
    let mut chosen = std::collections::HashSet::new();
    let mut c = 0;
    while c < k {
        let pick = rng.below(n);
        if !chosen.insert(pick) && chosen.len() < n {
            continue;
        }
        for &(d, v) in &vectors[pick] {
            cent_t[d as usize * k + c] = v;
        }
        c += 1;
    }
    let mut labels = vec![0u32; n];
    let mut scores = vec![0f32; k];
    for _ in 0..iterations {
        for (i, v) in vectors.iter().enumerate() {
            scores.iter_mut().for_each(|s| *s = 0.0);
            for &(d, x) in v {
                let row = &cent_t[d as usize * k..(d as usize + 1) * k];
                for (s, &cv) in scores.iter_mut().zip(row) {
                    *s += x * cv;
                }
            }
            let mut best = 0usize;
            for j in 1..k {
                if scores[j] > scores[best] {
                    best = j;
                }
            }
            labels[i] = best as u32;
        }
        cent_t.iter_mut().for_each(|x| *x = 0.0);
        let mut sizes = vec![0usize; k];
        for (i, v) in vectors.iter().enumerate() {
            let l = labels[i] as usize;
            sizes[l] += 1;
            for &(d, x) in v {
                cent_t[d as usize * k + l] += x;
            }
        }
        // normalise; an empty cluster takes a random vector so no centroid is wasted
        let mut norms = vec![0f32; k];
        for d in 0..dims {
            for l in 0..k {
                let x = cent_t[d * k + l];
                norms[l] += x * x;
            }
        }
        for l in 0..k {
            if sizes[l] == 0 {
                let pick = rng.below(n);
                for &(d, x) in &vectors[pick] {
                    cent_t[d as usize * k + l] = x;
                }
                norms[l] = 1.0;
            }
        }
        for d in 0..dims {
            for l in 0..k {
                let nrm = norms[l].sqrt();
                if nrm > 0.0 {
                    cent_t[d * k + l] /= nrm;
                }
            }
        }
    }
    labels
}

/// Gazetteers from labelled documents: every gold phrase (lower-cased) with the classes it
/// was seen as, and every word of a phrase with the classes of its phrases. Phrases seen
/// only once as an entity but more often as plain words elsewhere are still kept: the
/// model learns how much to trust the feature.
pub fn build_gazetteer(docs: &[&LabelledDoc]) -> (IdMap<u8>, IdMap<u8>) {
    let mut phrases = IdMap::default();
    let mut words = IdMap::default();
    let mut scratch = String::new();
    for d in docs {
        for (r, k) in &d.phrases {
            if r.end - r.start > MAX_PHRASE {
                continue;
            }
            let hs: Vec<u64> =
                d.words[r.clone()].iter().map(|w| super::features::lookup_hash(w, &mut scratch)).collect();
            *phrases.entry(phrase_hash(&hs)).or_insert(0) |= class_bit(*k);
            for h in hs {
                *words.entry(h).or_insert(0) |= class_bit(*k);
            }
        }
    }
    (phrases, words)
}

/// Settings of perceptron training.
#[derive(Clone, Debug)]
pub struct TrainConfig {
    /// log2 of the weight-table rows.
    pub bits: u32,
    /// Passes over the training data.
    pub epochs: usize,
    /// Folds for the gazetteer features of the training data: a document's gazetteer
    /// features come from the gazetteer of the other folds, as on unseen text.
    pub folds: usize,
    /// Share of training sentences added again in upper case, and again in lower case.
    pub case_augment: f64,
    /// Seed of the sentence order and augmentation.
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig { bits: 18, epochs: 8, folds: 10, case_augment: 0.05, seed: 7 }
    }
}

/// Per-class and overall phrase counts (gold, predicted, correct).
#[derive(Clone, Debug, Default)]
pub struct Scores {
    /// Counts per class in [`EntityKind::ALL`] order: (gold, predicted, correct).
    pub per_kind: [(usize, usize, usize); 4],
}

impl Scores {
    /// Adds the comparison of one sentence's gold and predicted phrases.
    pub fn add(&mut self, gold: &[(Range<usize>, EntityKind)], pred: &[(Range<usize>, EntityKind)]) {
        for (_, k) in gold {
            self.per_kind[k.index()].0 += 1;
        }
        for p in pred {
            self.per_kind[p.1.index()].1 += 1;
            if gold.contains(p) {
                self.per_kind[p.1.index()].2 += 1;
            }
        }
    }
    /// Precision, recall and F1 of one class, or overall for `None`.
    pub fn prf(&self, kind: Option<EntityKind>) -> (f64, f64, f64) {
        let (g, p, c) = match kind {
            Some(k) => self.per_kind[k.index()],
            None => self.per_kind.iter().fold((0, 0, 0), |a, x| (a.0 + x.0, a.1 + x.1, a.2 + x.2)),
        };
        let pr = if p > 0 { c as f64 / p as f64 } else { 0.0 };
        let re = if g > 0 { c as f64 / g as f64 } else { 0.0 };
        let f = if pr + re > 0.0 { 2.0 * pr * re / (pr + re) } else { 0.0 };
        (pr, re, f)
    }
}

/// Tags labelled documents with `model` and scores the phrases, conlleval style.
pub fn evaluate(model: &Model, docs: &[LabelledDoc]) -> Scores {
    evaluate_opts(model, docs, true)
}

/// [`evaluate`], choosing whether the document-level harmonising runs.
pub fn evaluate_opts(model: &Model, docs: &[LabelledDoc], harmonise: bool) -> Scores {
    let mut tagger = Tagger::new(model);
    tagger.harmonise = harmonise;
    let mut scores = Scores::default();
    for d in docs {
        let words: Vec<&str> = d.words.iter().map(String::as_str).collect();
        let pred = tagger.tag_words(&words, &d.sentences);
        scores.add(&d.phrases, &pred);
    }
    scores
}

/// One training sentence: its features and gold tags.
struct Instance {
    feats: DocFeatures,
    tags: Vec<usize>,
}

fn doc_instances(
    d: &LabelledDoc,
    extractor: &mut Extractor,
    lex: &Lexicon,
    keep: Option<&[bool]>,
    out: &mut Vec<Instance>,
) {
    let words: Vec<&str> = d.words.iter().map(String::as_str).collect();
    let mut feats = DocFeatures::default();
    extractor.extract(&words, &d.sentences, lex, &mut feats);
    let gold = tags::encode(d.words.len(), &d.phrases);
    for (si, s) in d.sentences.iter().enumerate() {
        if keep.is_some_and(|k| !k.get(si).copied().unwrap_or(false)) {
            continue;
        }
        let mut inst = DocFeatures::default();
        inst.offs.push(0);
        for i in s.clone() {
            inst.feats.extend_from_slice(feats.token(i));
            inst.offs.push(inst.feats.len() as u32);
        }
        out.push(Instance { feats: inst, tags: gold[s.clone()].to_vec() });
    }
}

/// Trains a model on `train` with lexicon `lex` (clusters; the gazetteers are built here).
/// `report` is called after each epoch with the epoch number and the averaged model, for
/// example to score a development set.
pub fn train(
    train: &[LabelledDoc],
    clusters: IdMap<[u16; N_GRAN]>,
    cfg: &TrainConfig,
    mut report: impl FnMut(usize, &Model),
) -> Model {
    let mut rng = Rng::new(cfg.seed);
    let mut extractor = Extractor::new(cfg.bits);
    let folds = cfg.folds.max(2);
    // features, with each fold's gazetteer built from the other folds
    let mut instances = Vec::new();
    for f in 0..folds {
        let others: Vec<&LabelledDoc> = train.iter().enumerate().filter(|(i, _)| i % folds != f).map(|x| x.1).collect();
        let (phrases, words) = build_gazetteer(&others);
        let lex = Lexicon { clusters: clusters.clone(), phrases, words };
        for (i, d) in train.iter().enumerate() {
            if i % folds != f {
                continue;
            }
            doc_instances(d, &mut extractor, &lex, None, &mut instances);
            if cfg.case_augment > 0.0 {
                // the same document with some sentences upper-cased or lower-cased
                let mut aug = d.clone();
                let mut keep = vec![false; d.sentences.len()];
                for (si, s) in d.sentences.iter().enumerate() {
                    let x = rng.unit();
                    let f: Option<fn(&str) -> String> = if x < cfg.case_augment {
                        Some(str::to_uppercase)
                    } else if x < 2.0 * cfg.case_augment {
                        Some(str::to_lowercase)
                    } else {
                        None
                    };
                    if let Some(f) = f {
                        keep[si] = true;
                        for w in &mut aug.words[s.clone()] {
                            *w = f(w);
                        }
                    }
                }
                if keep.iter().any(|&k| k) {
                    doc_instances(&aug, &mut extractor, &lex, Some(&keep), &mut instances);
                }
            }
        }
    }
    let all: Vec<&LabelledDoc> = train.iter().collect();
    let (phrases, words) = build_gazetteer(&all);
    let lexicon = Lexicon { clusters, phrases, words };

    let rows = 1usize << cfg.bits;
    let mut w = vec![0i32; rows * N_TAGS];
    let mut acc = vec![0i64; rows * N_TAGS];
    let nt = N_TAGS * N_TAGS + 2 * N_TAGS;
    let mut tw = vec![0i32; nt];
    let mut tacc = vec![0i64; nt];
    let mut c: i64 = 1;
    let mut order: Vec<usize> = (0..instances.len()).collect();
    let mut emit = Vec::new();
    let mut back = Vec::new();
    let mut path = Vec::new();
    let mut trans = Transitions::zero();
    let mut last = None;
    for epoch in 1..=cfg.epochs {
        for i in (1..order.len()).rev() {
            let j = rng.below(i + 1);
            order.swap(i, j);
        }
        for &ix in &order {
            let inst = &instances[ix];
            let n = inst.tags.len();
            emit.clear();
            for t in 0..n {
                let mut e = [0i32; N_TAGS];
                for &f in inst.feats.token(t) {
                    let row = &w[f as usize * N_TAGS..(f as usize + 1) * N_TAGS];
                    for (o, &x) in e.iter_mut().zip(row) {
                        *o += x;
                    }
                }
                emit.extend_from_slice(&e);
            }
            trans.trans.copy_from_slice(&tw[..N_TAGS * N_TAGS]);
            trans.start.copy_from_slice(&tw[N_TAGS * N_TAGS..N_TAGS * N_TAGS + N_TAGS]);
            trans.end.copy_from_slice(&tw[N_TAGS * N_TAGS + N_TAGS..]);
            tags::viterbi(&emit, n, &trans, &mut back, &mut path);
            if path != inst.tags {
                let upd = |v: &mut [i32], a: &mut [i64], idx: usize, d: i32| {
                    v[idx] += d;
                    a[idx] += c * i64::from(d);
                };
                for t in 0..n {
                    let (g, p) = (inst.tags[t], path[t]);
                    if g != p {
                        for &f in inst.feats.token(t) {
                            upd(&mut w, &mut acc, f as usize * N_TAGS + g, 1);
                            upd(&mut w, &mut acc, f as usize * N_TAGS + p, -1);
                        }
                    }
                    let (gp, pp) = if t == 0 {
                        (N_TAGS * N_TAGS + g, N_TAGS * N_TAGS + p)
                    } else {
                        (inst.tags[t - 1] * N_TAGS + g, path[t - 1] * N_TAGS + p)
                    };
                    if gp != pp {
                        upd(&mut tw, &mut tacc, gp, 1);
                        upd(&mut tw, &mut tacc, pp, -1);
                    }
                }
                let (ge, pe) = (N_TAGS * N_TAGS + N_TAGS + inst.tags[n - 1], N_TAGS * N_TAGS + N_TAGS + path[n - 1]);
                if ge != pe {
                    upd(&mut tw, &mut tacc, ge, 1);
                    upd(&mut tw, &mut tacc, pe, -1);
                }
            }
            c += 1;
        }
        let model = averaged(&w, &acc, &tw, &tacc, c, cfg.bits, &lexicon);
        report(epoch, &model);
        last = Some(model);
    }
    last.unwrap_or_else(|| averaged(&w, &acc, &tw, &tacc, c, cfg.bits, &lexicon))
}

/// The averaged weights `w - acc / c`, with the `O` weight of each row subtracted from
/// the row (see [`Row`]), quantised to `i16` with one scale.
fn averaged(w: &[i32], acc: &[i64], tw: &[i32], tacc: &[i64], c: i64, bits: u32, lex: &Lexicon) -> Model {
    let avg = |v: i32, a: i64| f64::from(v) - a as f64 / c as f64;
    let shifted =
        |r: usize, t: usize| avg(w[r * N_TAGS + t], acc[r * N_TAGS + t]) - avg(w[r * N_TAGS], acc[r * N_TAGS]);
    let rows = w.len() / N_TAGS;
    let mut max = 1e-9f64;
    for r in 0..rows {
        for t in 1..N_TAGS {
            max = max.max(shifted(r, t).abs());
        }
    }
    for (&v, &a) in tw.iter().zip(tacc) {
        max = max.max(avg(v, a).abs());
    }
    let scale = f64::from(i16::MAX) / max;
    let mut weights = vec![Row::default(); rows];
    for (r, row) in weights.iter_mut().enumerate() {
        for t in 1..N_TAGS {
            row.0[t - 1] = (shifted(r, t) * scale).round() as i16;
        }
    }
    let t: Vec<i32> = tw.iter().zip(tacc).map(|(&v, &a)| (avg(v, a) * scale).round() as i32).collect();
    let transitions = Transitions {
        trans: t[..N_TAGS * N_TAGS].to_vec(),
        start: t[N_TAGS * N_TAGS..N_TAGS * N_TAGS + N_TAGS].to_vec(),
        end: t[N_TAGS * N_TAGS + N_TAGS..].to_vec(),
    };
    Model { bits, weights, transitions, lexicon: lex.clone() }
}

/// Reads the `text` field of every JSON line (the unlabelled corpus) into rough tokens,
/// one sequence per paragraph.
pub fn unlabelled_sentences(jsonl: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for line in jsonl.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let Some(text) = v.get("text").and_then(|t| t.as_str()) else {
            continue;
        };
        for para in text.split('\n') {
            let toks = rough_tokens(para);
            if !toks.is_empty() {
                out.push(toks);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINI: &str = "-DOCSTART- -X- O O\n\nAmara NNP I-NP I-PER\nQuist NNP I-NP I-PER\nvisited VBD I-VP O\nPort NNP I-NP I-LOC\nEllery NNP I-NP I-LOC\n. . O O\n\n\
Zorbic NNP I-NP I-ORG\nB-Corp NNP I-NP B-ORG\nwon VBD I-VP O\n\n-DOCSTART- -X- O O\n\nHello UH O O\n";

    #[test]
    fn conll_reading_follows_conlleval_chunks() {
        let docs = read_conll(MINI);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].sentences, vec![0..6, 6..9]);
        assert_eq!(
            docs[0].phrases,
            vec![(0..2, EntityKind::Per), (3..5, EntityKind::Loc), (6..7, EntityKind::Org), (7..8, EntityKind::Org)]
        );
        assert!(docs[1].phrases.is_empty());
    }

    #[test]
    fn rough_tokens_split_like_conll() {
        assert_eq!(
            rough_tokens("Russia's \"big\" win, (ok)."),
            vec!["Russia", "'s", "\"", "big", "\"", "win", ",", "(", "ok", ")", "."]
        );
    }

    #[test]
    fn scores_compute_f1() {
        let mut s = Scores::default();
        s.add(&[(0..2, EntityKind::Per), (3..4, EntityKind::Loc)], &[(0..2, EntityKind::Per), (3..5, EntityKind::Loc)]);
        let (p, r, f) = s.prf(None);
        assert!((p - 0.5).abs() < 1e-9 && (r - 0.5).abs() < 1e-9 && (f - 0.5).abs() < 1e-9);
        assert_eq!(s.prf(Some(EntityKind::Per)).2, 1.0);
    }

    #[test]
    fn clusters_group_words_in_similar_contexts() {
        // two word classes that share contexts: names after "met", places after "in"
        let mut sents = Vec::new();
        for i in 0..40 {
            let name = ["amara", "bodo", "celia", "dario"][i % 4];
            let place = ["zell", "yarrow", "xanth", "wick"][i % 4];
            sents.push(format!("we met {name} in {place} today").split(' ').map(String::from).collect());
        }
        let cfg = ClusterConfig { ks: [2, 2, 4, 4], min_count: 3, contexts: 10, iterations: 5, seed: 1 };
        let cl = induce_clusters(&sents, &cfg);
        let mut s = String::new();
        let c = |w: &str, s: &mut String| cl.get(&super::super::features::lookup_hash(w, s)).copied();
        let (a, b) = (c("amara", &mut s).unwrap_or_default(), c("bodo", &mut s).unwrap_or_default());
        assert_eq!(a[1], b[1]);
        let z = c("zell", &mut s).unwrap_or_default();
        assert_ne!(a[1], z[1]);
    }

    #[test]
    fn perceptron_learns_a_tiny_language() {
        let mut docs = Vec::new();
        for i in 0..30 {
            let name = ["Amara", "Bodo", "Celia"][i % 3];
            let place = ["Zell", "Yarrow", "Xanth"][i % 3];
            let text = format!("x X x O\nmet X x O\n{name} X x B-PER\nin X x O\n{place} X x B-LOC\n. X x O\n");
            docs.extend(read_conll(&format!("-DOCSTART- X X O\n\n{text}")));
        }
        let cfg = TrainConfig { bits: 14, epochs: 3, folds: 2, case_augment: 0.0, seed: 3 };
        let model = train(&docs, IdMap::default(), &cfg, |_, _| {});
        let s = evaluate(&model, &docs);
        assert!(s.prf(None).2 > 0.95, "{:?}", s);
        // and the model survives its binary form
        let back = Model::from_bytes(&model.to_bytes()).expect("round trip");
        assert_eq!(evaluate(&back, &docs).per_kind, s.per_kind);
    }
}
