//! Runs every enricher over the BBC News corpus (JSON lines with `id`,
//! `category`, `text`) and reports throughput per enricher, the mean tone
//! per category and the most frequent focus countries.
//!
//! Run: `cargo run --release --example enrich_bbc -- path/to/bbc.jsonl`

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use std::time::{Duration, Instant};

use lede::text::gazetteer::{self, find_mentions, focus, geocode, PlaceQuery};
use lede::text::keywords::keywords;
use lede::text::sentences::split_sentences;
use lede::text::simhash::simhash;
use lede::text::tokenize::tokenize;
use lede::text::tone::tone;

fn main() {
    let path = std::env::args().nth(1).expect("usage: enrich_bbc path/to/bbc.jsonl");
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("cannot open {path}: {e}"));
    let docs: Vec<(String, String)> = std::io::BufReader::new(file)
        .lines()
        .map_while(Result::ok)
        .filter_map(|l| {
            let v: serde_json::Value = serde_json::from_str(&l).ok()?;
            Some((v.get("category")?.as_str()?.to_string(), v.get("text")?.as_str()?.to_string()))
        })
        .collect();
    let bytes: usize = docs.iter().map(|d| d.1.len()).sum();

    let t = Instant::now();
    let places = gazetteer::len();
    println!("gazetteer: {places} places loaded in {:.0} ms", t.elapsed().as_secs_f64() * 1e3);

    let mut time: BTreeMap<&str, Duration> = BTreeMap::new();
    let mut tone_sum: BTreeMap<&str, (f64, f64, usize)> = BTreeMap::new();
    let mut focus_count: HashMap<&'static str, usize> = HashMap::new();
    let mut timed = |name: &'static str, f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        *time.entry(name).or_default() += t.elapsed();
    };
    for (category, text) in &docs {
        let mut tokens = Vec::new();
        let mut sentences = Vec::new();
        timed("tokenize+sentences (main)", &mut || {
            tokens = tokenize(text);
            sentences = split_sentences(text, &tokens);
        });
        timed("simhash", &mut || {
            std::hint::black_box(simhash(text));
        });
        timed("tone", &mut || {
            let t = tone(text, &tokens, 0..text.len());
            let e = tone_sum.entry(category.as_str()).or_default();
            e.0 += f64::from(t.score);
            e.1 += f64::from(t.polarity);
            e.2 += 1;
        });
        timed("keywords", &mut || {
            std::hint::black_box(keywords(text, &tokens, &sentences, 10));
        });
        timed("find_mentions+geocode+focus", &mut || {
            let mut counts: BTreeMap<&str, f32> = BTreeMap::new();
            for m in find_mentions(text, &tokens) {
                *counts.entry(&text[m.start..m.end]).or_default() += 1.0;
            }
            let names: Vec<PlaceQuery> = counts.iter().map(|(t, w)| PlaceQuery { text: t, weight: *w }).collect();
            let places = geocode(&names);
            for c in focus(&names, &places).countries {
                *focus_count.entry(c.place.name).or_default() += 1;
            }
        });
    }
    println!("{} documents, {:.1} MB", docs.len(), bytes as f64 / 1e6);
    for (name, d) in &time {
        let s = d.as_secs_f64();
        println!("  {name:<30} {:>8.0} docs/s {:>7.1} MB/s", docs.len() as f64 / s, bytes as f64 / s / 1e6);
    }
    println!("mean tone per category (score, polarity):");
    for (c, (score, polarity, n)) in &tone_sum {
        println!("  {c:<14} {:>6.2} {:>6.2}", score / *n as f64, polarity / *n as f64);
    }
    let mut top: Vec<(&str, usize)> = focus_count.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    println!("most frequent focus countries: {:?}", &top[..top.len().min(8)]);
}
