//! Runs the enrichment algorithms on one article and prints what they find:
//! geocoded place mentions, focus countries and cities, keywords and tone.
//!
//! Lines that look like photo-gallery captions ("12/30 ...", "In Pictures:",
//! "30 show all ...") are dropped first, as the extract stage would.
//!
//! Run: `cargo run --release --example enrich_file -- tests/fixtures/article.txt`

use std::collections::BTreeMap;

use lede::text::gazetteer::{find_mentions, focus, geocode, PlaceQuery};
use lede::text::keywords::keywords;
use lede::text::sentences::split_sentences;
use lede::text::tokenize::tokenize;
use lede::text::tone::tone;

fn is_caption(line: &str) -> bool {
    let head: String = line.chars().take_while(|c| c.is_ascii_digit() || *c == '/').collect();
    (head.contains('/') && head.len() > 2) || line.starts_with("In Pictures") || line.contains("show all")
}

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "tests/fixtures/article.txt".into());
    let raw = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let text: String = raw.lines().filter(|l| !is_caption(l)).collect::<Vec<_>>().join("\n");
    let tokens = tokenize(&text);
    let sentences = split_sentences(&text, &tokens);

    let mut counts: BTreeMap<&str, f32> = BTreeMap::new();
    for m in find_mentions(&text, &tokens) {
        *counts.entry(&text[m.start..m.end]).or_default() += 1.0;
    }
    let names: Vec<PlaceQuery> = counts.iter().map(|(t, w)| PlaceQuery { text: t, weight: *w }).collect();
    let places = geocode(&names);
    println!("places:");
    for (q, p) in names.iter().zip(&places) {
        match p {
            Some(p) => println!(
                "  {:<12} x{:<3} -> {} ({} {} {}, {:?}, geonames {}, {:.2},{:.2})",
                q.text,
                q.weight,
                p.name,
                p.country,
                p.feature.code(),
                p.admin1,
                p.matched,
                p.geonameid,
                p.lat,
                p.lon
            ),
            None => println!("  {:<12} x{:<3} -> none", q.text, q.weight),
        }
    }
    let f = focus(&names, &places);
    println!("focus countries:");
    for c in &f.countries {
        println!("  {} ({}) mentions {} score {:.2}", c.place.name, c.place.country, c.mentions, c.score);
    }
    println!("focus cities:");
    for c in &f.cities {
        println!("  {} ({}) mentions {} score {:.2}", c.place.name, c.place.country, c.mentions, c.score);
    }

    println!("keywords:");
    for k in keywords(&text, &tokens, &sentences, 10) {
        println!("  {:.3} {}", k.score, k.text);
    }
    let t = tone(&text, &tokens, 0..text.len());
    println!(
        "tone: score {:.2} positive {:.2} negative {:.2} polarity {:.2} words {} valence {:.2}",
        t.score, t.positive, t.negative, t.polarity, t.words, t.valence
    );
}
