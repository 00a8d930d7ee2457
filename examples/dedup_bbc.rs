//! Measures near-duplicate detection on the BBC News corpus (JSON lines with
//! `id` and `text`, see `docs/enrich.md`).
//!
//! 1. Exact duplicates: every article is checked against the earlier ones;
//!    reported pairs are split into exact duplicates (same text), corpus
//!    near duplicates (Jaccard similarity of word-trigram sets >= 0.7,
//!    computed by brute force over all pairs) and false pairs.
//! 2. Synthetic near duplicates: for every distinct article, edited copies
//!    (new headline, replaced first paragraph, five words replaced, a
//!    trailing sentence added) are queried against an index of all
//!    originals. A match to the article the copy came from (or its exact
//!    twin, or a corpus near duplicate of it) is a true pair, any other
//!    match a false pair. Columns give recall / precision per maximum
//!    Hamming distance.
//!
//! Run: `cargo run --release --example dedup_bbc -- path/to/bbc.jsonl`

use std::collections::HashMap;
use std::io::BufRead;
use std::time::Instant;

use lede::text::simhash::{distance, simhash_with, SimhashIndex, DEFAULT_SHINGLE};

struct Doc {
    id: String,
    text: String,
}

/// xorshift64*: a deterministic generator so that the figures repeat.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn load(path: &str) -> Vec<Doc> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("cannot open {path}: {e}"));
    std::io::BufReader::new(file)
        .lines()
        .map_while(Result::ok)
        .filter_map(|line| {
            let v: serde_json::Value = serde_json::from_str(&line).ok()?;
            Some(Doc { id: v.get("id")?.as_str()?.to_string(), text: v.get("text")?.as_str()?.to_string() })
        })
        .collect()
}

/// Sorted, deduplicated hashes of lowercased word trigrams.
fn trigrams(text: &str) -> Vec<u64> {
    use std::hash::{Hash, Hasher};
    let words: Vec<String> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    let mut out: Vec<u64> = words
        .windows(3)
        .map(|w| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            w.hash(&mut h);
            h.finish()
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - both;
    if union == 0 {
        1.0
    } else {
        both as f64 / union as f64
    }
}

const NEAR_JACCARD: f64 = 0.7;
const MAX_D: u32 = 7;

fn paragraphs(text: &str) -> Vec<&str> {
    text.split("\n\n").filter(|p| !p.trim().is_empty()).collect()
}

/// Edited copy of `doc` of the given kind; `other` supplies foreign text.
fn edit(kind: &str, doc: &str, other: &str, vocab: &[&str], rng: &mut Rng) -> String {
    let mut paras = paragraphs(doc);
    let other_paras = paragraphs(other);
    match kind {
        "headline" => {
            if let (Some(p), Some(o)) = (paras.first_mut(), other_paras.first()) {
                *p = o;
            }
            paras.join("\n\n")
        }
        "first-paragraph" => {
            if paras.len() > 1 && other_paras.len() > 1 {
                paras[1] = other_paras[1];
            }
            paras.join("\n\n")
        }
        "five-words" => {
            let mut words: Vec<String> = doc.split(' ').map(str::to_string).collect();
            for _ in 0..5 {
                let i = rng.below(words.len());
                words[i] = vocab[rng.below(vocab.len())].to_string();
            }
            words.join(" ")
        }
        "trailing-sentence" => {
            let last = other_paras.last().copied().unwrap_or("");
            let sentence = last.split(". ").next().unwrap_or(last);
            format!("{doc}\n\n{sentence}.")
        }
        _ => doc.to_string(),
    }
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: dedup_bbc path/to/bbc.jsonl");
    let docs = load(&path);
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    println!("{} articles, {} bytes", docs.len(), bytes);

    // Gold exact-duplicate groups.
    let mut by_text: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        by_text.entry(d.text.as_str()).or_default().push(i);
    }
    let gold_exact: usize = by_text.values().map(|g| g.len() * (g.len() - 1) / 2).sum();
    // Corpus truth: pairs with word-trigram Jaccard >= NEAR_JACCARD.
    let grams: Vec<Vec<u64>> = docs.iter().map(|d| trigrams(&d.text)).collect();
    let mut twin: HashMap<usize, Vec<usize>> = (0..docs.len()).map(|i| (i, vec![i])).collect();
    let mut gold_near = 0usize;
    for i in 0..docs.len() {
        for j in i + 1..docs.len() {
            if jaccard(&grams[i], &grams[j]) >= NEAR_JACCARD {
                twin.entry(i).or_default().push(j);
                twin.entry(j).or_default().push(i);
                if docs[i].text != docs[j].text {
                    gold_near += 1;
                }
            }
        }
    }
    println!(
        "gold: {gold_exact} exact-duplicate pairs, {gold_near} further pairs with \
         word-trigram Jaccard >= {NEAR_JACCARD}"
    );

    for shingle in [1usize, 2, 3] {
        let t = Instant::now();
        let hashes: Vec<u64> = docs.iter().map(|d| simhash_with(&d.text, shingle)).collect();
        let secs = t.elapsed().as_secs_f64();
        let default = if shingle == DEFAULT_SHINGLE { " (default)" } else { "" };
        println!("\n== shingle {shingle}{default}: hashing {:.1} MB/s", bytes as f64 / secs / 1e6);

        // 1. Exact duplicates in stream order.
        for k in [3u32, 5, 6, MAX_D] {
            let mut index = SimhashIndex::try_new(docs.len(), k).expect("valid config");
            let (mut found_exact, mut found_near) = (0, 0);
            let mut false_pairs = Vec::new();
            let t = Instant::now();
            for (i, d) in docs.iter().enumerate() {
                for nd in index.check_and_insert(i.to_string(), hashes[i]) {
                    let j: usize = nd.id.parse().expect("numeric id");
                    if docs[j].text == d.text {
                        found_exact += 1;
                    } else if twin[&i].contains(&j) {
                        found_near += 1;
                    } else {
                        false_pairs.push((j, i, nd.distance));
                    }
                }
            }
            let qsecs = t.elapsed().as_secs_f64();
            println!(
                "stream, d<={k}: exact {found_exact}/{gold_exact}, near {found_near}/{gold_near}, \
                 false pairs {}; {:.0} check_and_insert/s",
                false_pairs.len(),
                docs.len() as f64 / qsecs
            );
            for (j, i, d) in false_pairs.iter().take(3) {
                let jac = jaccard(&grams[*j], &grams[*i]);
                println!("  false pair: {} ~ {} (distance {d}, trigram Jaccard {jac:.2})", docs[*j].id, docs[*i].id);
            }
        }

        // 2. Synthetic near duplicates against an index of all originals.
        let distinct: Vec<usize> = {
            let mut v: Vec<usize> = by_text.values().map(|g| g[0]).collect();
            v.sort_unstable();
            v
        };
        let vocab: Vec<&str> = docs.iter().flat_map(|d| d.text.split_whitespace()).take(50_000).collect();
        let mut all = SimhashIndex::try_new(docs.len(), MAX_D).expect("valid config");
        for (i, h) in hashes.iter().enumerate() {
            all.insert(i.to_string(), *h);
        }
        let ds = [3u32, 5, 6, 7];
        let header: Vec<String> = ds.iter().map(|d| format!("{:>22}", format!("d<={d} R / P"))).collect();
        println!("{:<18} {:>5} | {}", "edit", "n", header.join(" | "));
        let kinds = ["headline", "first-paragraph", "five-words", "trailing-sentence"];
        let mut totals = [(0usize, 0usize, 0usize); 4];
        let mut total_n = 0;
        for kind in kinds {
            let mut rng = Rng(0x5eed_1234_abcd_0001);
            let mut per_d = [(0usize, 0usize); 4]; // (true found, false found)
            for &i in &distinct {
                let other = distinct[(rng.below(distinct.len())).max(1) % distinct.len()];
                let other = if docs[other].text == docs[i].text {
                    distinct[(distinct.iter().position(|&x| x == other).unwrap_or(0) + 1) % distinct.len()]
                } else {
                    other
                };
                let copy = edit(kind, &docs[i].text, &docs[other].text, &vocab, &mut rng);
                let h = simhash_with(&copy, shingle);
                let matches = all.query(h);
                for (slot, k) in per_d.iter_mut().zip(ds) {
                    let within: Vec<usize> =
                        matches.iter().filter(|m| m.distance <= k).filter_map(|m| m.id.parse().ok()).collect();
                    let truth = &twin[&i];
                    if within.iter().any(|j| truth.contains(j)) {
                        slot.0 += 1;
                    }
                    slot.1 += within.iter().filter(|j| !truth.contains(j)).count();
                }
            }
            let n = distinct.len();
            total_n += n;
            let cells: Vec<String> = per_d
                .iter()
                .enumerate()
                .map(|(k, (t, f))| {
                    totals[k].0 += t;
                    totals[k].1 += f;
                    totals[k].2 += n;
                    cell(*t, *f, n)
                })
                .collect();
            println!("{kind:<18} {n:>5} | {}", cells.join(" | "));
        }
        let cells: Vec<String> = totals.iter().map(|(t, f, n)| cell(*t, *f, *n)).collect();
        println!("{:<18} {total_n:>5} | {}", "all edits", cells.join(" | "));

        // Distance distribution between unrelated originals, for context.
        let mut close = [0usize; 8];
        let mut pairs = 0usize;
        for a in distinct.iter().step_by(7) {
            for b in distinct.iter().step_by(11) {
                if a < b {
                    pairs += 1;
                    let d = distance(hashes[*a], hashes[*b]) as usize;
                    if d < close.len() {
                        close[d] += 1;
                    }
                }
            }
        }
        println!("unrelated sample pairs: {pairs}; with distance 0..7: {close:?}");
    }
}

fn cell(t: usize, f: usize, n: usize) -> String {
    let recall = t as f64 / n.max(1) as f64;
    let precision = if t + f == 0 { 1.0 } else { t as f64 / (t + f) as f64 };
    format!("{recall:>6.3} / {precision:.3} ({f:>3} fp)")
}
