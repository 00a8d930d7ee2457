//! Throughput of the shared text primitives and the whole stage chain, in bytes per second.
//!
//! Reads the BBC feed (`../shared/data/bbc/bbc.jsonl`) when it is there, else repeats the
//! example article, so that the bench runs on any checkout.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lede::model::{Document, Format, Origin};
use lede::stage::parse::ParseStage;
use lede::stage::Stages;
use lede::text::sentences::split_sentences;
use lede::text::tokenize::tokenize;

/// JSON lines of the corpus (at most `limit` of them).
fn corpus_lines(limit: usize) -> Vec<Vec<u8>> {
    let bbc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/bbc/bbc.jsonl");
    if let Ok(text) = std::fs::read_to_string(&bbc) {
        return text.lines().take(limit).map(|l| l.as_bytes().to_vec()).collect();
    }
    let article = include_str!("../tests/fixtures/article.txt");
    (0..limit.min(200)).map(|i| serde_json::to_vec(&serde_json::json!({"id": i, "text": article})).unwrap()).collect()
}

fn corpus_texts(lines: &[Vec<u8>]) -> String {
    lines
        .iter()
        .filter_map(|l| serde_json::from_slice::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_string))
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn text_primitives(c: &mut Criterion) {
    let lines = corpus_lines(500);
    let text = corpus_texts(&lines);
    let tokens = tokenize(&text);
    let mut group = c.benchmark_group("text");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("tokenize", |b| b.iter(|| tokenize(black_box(&text))));
    group.bench_function("split_sentences", |b| b.iter(|| split_sentences(black_box(&text), black_box(&tokens))));
    group.finish();
}

fn stages(c: &mut Criterion) {
    let lines = corpus_lines(500);
    let bytes: u64 = lines.iter().map(|l| l.len() as u64).sum();
    let stages = Stages::new(&lede::Config::default());
    let docs: Vec<Document> =
        lines.into_iter().map(|bytes| Document { origin: Origin::default(), format: Format::Jsonl, bytes }).collect();
    let mut group = c.benchmark_group("stages");
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(20);
    group.bench_function("all_stages", |b| {
        b.iter(|| {
            for doc in &docs {
                black_box(stages.process(doc.clone()));
            }
        })
    });
    group.finish();
}

/// The parse stage alone: JSON, boilerplate, normalisation and paragraphs.
fn parse_stage(c: &mut Criterion) {
    let lines = corpus_lines(500);
    let bytes: u64 = lines.iter().map(|l| l.len() as u64).sum();
    let config = lede::Config::default();
    let parse = ParseStage {
        max_document_bytes: config.input.max_document_bytes,
        boilerplate: config.extract.boilerplate,
        mojibake: config.extract.mojibake,
    };
    let docs: Vec<Document> =
        lines.into_iter().map(|bytes| Document { origin: Origin::default(), format: Format::Jsonl, bytes }).collect();
    let mut group = c.benchmark_group("stages");
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("parse", |b| {
        b.iter(|| {
            for doc in &docs {
                let _ = black_box(parse.run(doc, &mut None));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, text_primitives, parse_stage, stages);
criterion_main!(benches);
