//! Measures the gazetteer against CoNLL-2003 gold entities (use the dev set,
//! `testa`): how many gold `LOC` mentions `geocode` resolves, and precision
//! and recall of `find_mentions` (place names against gold `LOC`, demonyms
//! against gold `MISC`), exact span match.
//!
//! Run: `cargo run --release --example gazetteer_conll -- path/to/testa.txt`

use std::collections::HashMap;

use lede::text::gazetteer::{find_mentions, geocode, MatchKind, PlaceQuery};
use lede::text::tokenize::tokenize;

struct Doc {
    text: String,
    /// (start, end, type) byte spans.
    gold: Vec<(usize, usize, String)>,
}

fn load(path: &str) -> Vec<Doc> {
    let raw = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let mut docs = Vec::new();
    let mut cur = Doc { text: String::new(), gold: Vec::new() };
    let mut open: Option<(usize, usize, String)> = None;
    let close = |open: &mut Option<(usize, usize, String)>, cur: &mut Doc| {
        if let Some(span) = open.take() {
            cur.gold.push(span);
        }
    };
    for line in raw.lines() {
        if line.starts_with("-DOCSTART-") {
            close(&mut open, &mut cur);
            if !cur.text.is_empty() {
                docs.push(std::mem::replace(&mut cur, Doc { text: String::new(), gold: Vec::new() }));
            }
            continue;
        }
        let cols: Vec<&str> = line.split(' ').collect();
        if cols.len() < 4 {
            close(&mut open, &mut cur);
            if !cur.text.is_empty() && !cur.text.ends_with('\n') {
                cur.text.push('\n');
            }
            continue;
        }
        let (tok, tag) = (cols[0], cols[3]);
        if !cur.text.is_empty() && !cur.text.ends_with('\n') {
            cur.text.push(' ');
        }
        let start = cur.text.len();
        cur.text.push_str(tok);
        let end = cur.text.len();
        let ty = tag.get(2..).unwrap_or("").to_string();
        match (&mut open, tag) {
            (_, "O") => close(&mut open, &mut cur),
            (Some(span), t) if span.2 == ty && !t.starts_with("B-") => span.1 = end,
            _ => {
                close(&mut open, &mut cur);
                open = Some((start, end, ty));
            }
        }
    }
    close(&mut open, &mut cur);
    if !cur.text.is_empty() {
        docs.push(cur);
    }
    docs
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: gazetteer_conll path/to/testa.txt");
    let docs = load(&path);
    let (mut loc_total, mut loc_resolved) = (0usize, 0usize);
    let mut unresolved: HashMap<String, usize> = HashMap::new();
    // find_mentions: (true positives, found, gold) for places and demonyms.
    let mut places = (0usize, 0usize, 0usize);
    let mut demonyms = (0usize, 0usize);
    let mut misc_total = 0usize;
    let mut wrong: HashMap<String, usize> = HashMap::new();
    let mut missed: HashMap<String, usize> = HashMap::new();
    for doc in &docs {
        let text = &doc.text;
        let locs: Vec<&(usize, usize, String)> = doc.gold.iter().filter(|g| g.2 == "LOC").collect();
        misc_total += doc.gold.iter().filter(|g| g.2 == "MISC").count();
        let names: Vec<PlaceQuery> = locs.iter().map(|g| PlaceQuery { text: &text[g.0..g.1], weight: 1.0 }).collect();
        for (q, p) in names.iter().zip(geocode(&names)) {
            loc_total += 1;
            if p.is_some() {
                loc_resolved += 1;
            } else {
                *unresolved.entry(q.text.to_string()).or_default() += 1;
            }
        }
        places.2 += locs.len();

        let tokens = tokenize(text);
        let found = find_mentions(text, &tokens);
        for g in &locs {
            if !found.iter().any(|m| m.start == g.0 && m.end == g.1) {
                *missed.entry(text[g.0..g.1].to_string()).or_default() += 1;
            }
        }
        let queries: Vec<PlaceQuery> =
            found.iter().map(|m| PlaceQuery { text: &text[m.start..m.end], weight: 1.0 }).collect();
        for (m, p) in found.iter().zip(geocode(&queries)) {
            let Some(p) = p else { continue };
            let ty = if p.matched == MatchKind::Demonym { "MISC" } else { "LOC" };
            let hit = doc.gold.iter().any(|g| g.0 == m.start && g.1 == m.end && g.2 == ty);
            if ty == "MISC" {
                demonyms.1 += 1;
                demonyms.0 += usize::from(hit);
            } else {
                places.1 += 1;
                places.0 += usize::from(hit);
                if !hit {
                    *wrong.entry(text[m.start..m.end].to_string()).or_default() += 1;
                }
            }
        }
    }
    println!("{} documents", docs.len());
    println!(
        "geocode: {loc_resolved}/{loc_total} gold LOC mentions resolved ({:.1}%)",
        100.0 * loc_resolved as f64 / loc_total.max(1) as f64
    );
    let mut top: Vec<(String, usize)> = unresolved.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    println!("  most frequent unresolved: {:?}", &top[..top.len().min(15)]);
    let p = places.0 as f64 / places.1.max(1) as f64;
    let r = places.0 as f64 / places.2.max(1) as f64;
    println!(
        "find_mentions places vs gold LOC: precision {:.3} recall {:.3} F1 {:.3} ({} found, {} gold)",
        p,
        r,
        2.0 * p * r / (p + r).max(f64::EPSILON),
        places.1,
        places.2
    );
    let mut top: Vec<(String, usize)> = wrong.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    println!("  most frequent non-LOC matches: {:?}", &top[..top.len().min(15)]);
    let mut top: Vec<(String, usize)> = missed.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    println!("  most frequent missed LOC: {:?}", &top[..top.len().min(15)]);
    println!(
        "find_mentions demonyms vs gold MISC: precision {:.3} ({} of {} found; {} MISC mentions in gold)",
        demonyms.0 as f64 / demonyms.1.max(1) as f64,
        demonyms.0,
        demonyms.1,
        misc_total
    );
}
