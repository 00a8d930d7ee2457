//! Throughput of the temporal-expression and amount extractors, in bytes
//! per second. Reads the BBC news feed from `../shared/data/bbc/bbc.jsonl`
//! when it is there (the first 300 articles), else repeats the example
//! article of `tests/fixtures/article.txt`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lede::text::{amounts, timex};
use std::hint::black_box;
use std::ops::Range;

fn corpus() -> (String, &'static str) {
    if let Ok(feed) = std::fs::read_to_string("../shared/data/bbc/bbc.jsonl") {
        let mut text = String::new();
        for line in feed.lines().take(300) {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
                if let Some(t) = v.get("text").and_then(|t| t.as_str()) {
                    text.push_str(t);
                    text.push_str("\n\n");
                }
            }
        }
        if !text.is_empty() {
            return (text, "bbc");
        }
    }
    let article = include_str!("../tests/fixtures/article.txt");
    (article.repeat(40), "fixture")
}

fn bench(c: &mut Criterion) {
    let (text, name) = corpus();
    let reference = timex::Reference::parse("2005-03-01").ok();
    let mut g = c.benchmark_group(format!("extract/{name}"));
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("timex", |b| b.iter(|| timex::find(black_box(&text), reference)));
    let exclude: Vec<Range<usize>> = timex::find(&text, reference).iter().map(|t| t.start..t.end).collect();
    g.bench_function("amounts", |b| b.iter(|| amounts::find(black_box(&text), &exclude)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
