//! Throughput of the enrichment algorithms on the example article
//! (`tests/fixtures/article.txt`, gallery captions included).
//!
//! Run: `cargo bench --bench enrich`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use lede::text::gazetteer::{find_mentions, focus, geocode, PlaceQuery};
use lede::text::keywords::keywords;
use lede::text::sentences::split_sentences;
use lede::text::simhash::{simhash, SimhashIndex, DEFAULT_MAX_DISTANCE};
use lede::text::tokenize::tokenize;
use lede::text::tone::tone;

const ARTICLE: &str = include_str!("../tests/fixtures/article.txt");

fn bench(c: &mut Criterion) {
    let text = ARTICLE;
    let tokens = tokenize(text);
    let sentences = split_sentences(text, &tokens);
    let bytes = text.len() as u64;

    let mut g = c.benchmark_group("enrich");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("simhash", |b| b.iter(|| simhash(black_box(text))));
    g.bench_function("tone", |b| b.iter(|| tone(black_box(text), &tokens, 0..text.len())));
    g.bench_function("keywords", |b| b.iter(|| keywords(black_box(text), &tokens, &sentences, 10)));
    // The first call loads the gazetteer; criterion's warm-up absorbs it.
    g.bench_function("find_mentions", |b| b.iter(|| find_mentions(black_box(text), &tokens)));
    let mentions = find_mentions(text, &tokens);
    let names: Vec<PlaceQuery> =
        mentions.iter().map(|m| PlaceQuery { text: &text[m.start..m.end], weight: 1.0 }).collect();
    g.bench_function("geocode_and_focus", |b| {
        b.iter(|| {
            let places = geocode(black_box(&names));
            focus(&names, &places)
        })
    });
    g.finish();

    // Index lookups against a full index of 100,000 documents.
    let mut g = c.benchmark_group("simhash_index");
    g.throughput(Throughput::Elements(1));
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut index = SimhashIndex::try_new(100_000, DEFAULT_MAX_DISTANCE).expect("valid config");
    for i in 0..100_000 {
        index.insert(i.to_string(), next());
    }
    g.bench_function("query_100k", |b| b.iter(|| index.query(black_box(next()))));
    g.bench_function("check_and_insert_100k", |b| {
        b.iter_batched(&mut next, |h| index.check_and_insert("new", h), BatchSize::SmallInput)
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
