//! Tagger throughput in tokens per second, on the example article.
//!
//! `cargo bench --bench ner`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lede::text::ner::{recognize, shipped_model, train::rough_tokens, Tagger};
use lede::text::sentences::split_sentences;
use lede::text::tokenize::tokenize;

fn bench(c: &mut Criterion) {
    let text = include_str!("../tests/fixtures/article.txt");
    let words = rough_tokens(text);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    // sentences end at terminal punctuation
    let mut sentences = Vec::new();
    let mut start = 0;
    for (i, w) in words.iter().enumerate() {
        if matches!(*w, "." | "!" | "?") {
            sentences.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < words.len() {
        sentences.push(start..words.len());
    }
    let Some(model) = shipped_model() else { panic!("the shipped model does not load") };
    let mut tagger = Tagger::new(model);
    let mut g = c.benchmark_group("ner");
    g.throughput(Throughput::Elements(words.len() as u64));
    g.bench_function("tag_article", |b| b.iter(|| tagger.tag_words(&words, &sentences)));
    // the library entry point on the shared tokenizer's tokens (tokenizing not timed)
    let tokens = tokenize(text);
    let sentences = split_sentences(text, &tokens);
    g.throughput(Throughput::Elements(tokens.len() as u64));
    g.bench_function("recognize_article", |b| b.iter(|| recognize(text, &tokens, &sentences)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
