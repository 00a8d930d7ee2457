//! Throughput of quote finding and attribution on the example article
//! (`tests/fixtures/article.txt`), alone and with the built-in name finder, in bytes per
//! second. A larger input is the article repeated, to show that the cost grows linearly.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lede::text::quotes::{candidate_entities, find_quotes};

const ARTICLE: &str = include_str!("../tests/fixtures/article.txt");

fn bench_quotes(c: &mut Criterion) {
    let long = ARTICLE.repeat(20);
    let mut group = c.benchmark_group("quotes");
    for (label, text) in [("article", ARTICLE), ("article_x20", long.as_str())] {
        let cand = candidate_entities(text);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("find_quotes/{label}"), |b| {
            b.iter(|| find_quotes(black_box(text), &cand.mentions, &cand.roles))
        });
        group.bench_function(format!("names_and_quotes/{label}"), |b| {
            b.iter(|| {
                let c = candidate_entities(black_box(text));
                find_quotes(text, &c.mentions, &c.roles)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_quotes);
criterion_main!(benches);
