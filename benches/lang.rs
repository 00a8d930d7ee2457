//! Throughput of language identification, in bytes of input per second.
//!
//! `cargo bench --bench lang`. "article" is the fixture news article (about
//! 13 kB, of which only the first `MAX_SAMPLE_BYTES` are looked at);
//! "paragraphs" runs the per-paragraph detection over all its paragraphs;
//! "sentence_*" is one sentence of under 200 letters, which takes the
//! short-text path with n-grams of one to five characters (the worst case
//! per byte; "sentence_en_fast" is the trigram path on it); "paragraph_fr"
//! is a paragraph of about 170 letters, also on the short-text path.

use std::hint::black_box;
use std::ops::Range;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lede::text::lang::{Accuracy, LanguageIdentifier};

const ARTICLE: &str = include_str!("../tests/fixtures/article.txt");
const SENTENCE: &str = "The minister said on Tuesday that the talks would resume next week in Geneva.";
const SENTENCE_DE: &str = "Der Minister sagte am Dienstag, die Gespräche würden nächste Woche in Genf fortgesetzt.";

const PARAGRAPH: &str = "Le conseil municipal a voté jeudi soir la fermeture du vieux pont pour \
    travaux, après que des ingénieurs ont signalé que les fissures de ses piliers s'étaient \
    agrandies pendant l'hiver.";

fn paragraphs(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    for (index, _) in text.match_indices("\n\n") {
        ranges.push(start..index);
        start = index + 2;
    }
    ranges.push(start..text.len());
    ranges
}

fn bench(c: &mut Criterion) {
    let paragraph_ranges = paragraphs(ARTICLE);
    for (name, accuracy) in [("high", Accuracy::High), ("low", Accuracy::Low)] {
        let identifier = LanguageIdentifier::new(accuracy);
        // Touch the models once so that the first measured call does not pay for it.
        black_box(identifier.detect(ARTICLE));
        black_box(identifier.detect(SENTENCE_DE));

        let mut group = c.benchmark_group(format!("lang_{name}"));
        group.throughput(Throughput::Bytes(ARTICLE.len() as u64));
        group.bench_function("article", |b| b.iter(|| identifier.detect(black_box(ARTICLE))));
        group.bench_function("paragraphs", |b| {
            b.iter(|| identifier.detect_paragraphs(black_box(ARTICLE), &paragraph_ranges))
        });
        group.throughput(Throughput::Bytes(SENTENCE.len() as u64));
        group.bench_function("sentence_en", |b| b.iter(|| identifier.detect(black_box(SENTENCE))));
        group.bench_function("sentence_en_fast", |b| b.iter(|| identifier.detect_fast(black_box(SENTENCE))));
        group.throughput(Throughput::Bytes(SENTENCE_DE.len() as u64));
        group.bench_function("sentence_de", |b| b.iter(|| identifier.detect(black_box(SENTENCE_DE))));
        group.throughput(Throughput::Bytes(PARAGRAPH.len() as u64));
        group.bench_function("paragraph_fr", |b| b.iter(|| identifier.detect(black_box(PARAGRAPH))));
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
