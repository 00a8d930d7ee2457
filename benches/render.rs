//! `lede render` speed in records per second: the example article with synthetic entity,
//! quote, date and amount spans (offsets in code points, found by searching the text), rendered
//! into a sink that discards the page.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lede::model::{Amount, DateMention, Entity, Quote, Record, Removed, Span};
use lede::render::{render, RenderOptions};

/// Every occurrence of `word` in `text`, as code-point spans.
fn spans(text: &str, word: &str) -> Vec<Span> {
    text.match_indices(word)
        .map(|(byte, _)| {
            let start = text[..byte].chars().count();
            Span { start, end: start + word.chars().count(), text: word.into() }
        })
        .collect()
}

fn article_record(id: usize) -> Record {
    let text = include_str!("../tests/fixtures/article.txt").trim().to_string();
    let names = [("Tillerson", "PER"), ("Putin", "PER"), ("Lavrov", "PER"), ("Syria", "LOC"), ("Moscow", "LOC")];
    let entities = names
        .iter()
        .enumerate()
        .map(|(i, (name, kind))| Entity {
            id: format!("E{}", i + 1),
            kind: (*kind).into(),
            subtype: None,
            name: (*name).into(),
            roles: vec![],
            mentions: spans(&text, name),
            salience: 0.5,
            geo: None,
            tone: None,
        })
        .collect();
    // Quotes: the words between each pair of curly quotation marks.
    let mut quotes = Vec::new();
    let opens = spans(&text, "“");
    let closes = spans(&text, "”");
    for (o, c) in opens.iter().zip(&closes) {
        if o.end < c.start {
            let quoted: String = text.chars().skip(o.end).take(c.start - o.end).collect();
            quotes.push(Quote {
                start: o.end,
                end: c.start,
                text: quoted,
                kind: "direct".into(),
                speaker: Some("E2".into()),
                cue: None,
                tone: None,
            });
        }
    }
    let dates = spans(&text, "April")
        .into_iter()
        .map(|s| DateMention { start: s.start, end: s.end, text: s.text, kind: "date".into(), value: "2017-04".into() })
        .collect();
    let amounts = spans(&text, "nearly")
        .into_iter()
        .map(|s| Amount {
            start: s.start,
            end: s.end,
            text: s.text,
            value: 60.0,
            unit: None,
            approximate: true,
            modifier: None,
            count_of: None,
        })
        .collect();
    Record {
        id: format!("doc-{id}"),
        title: Some("Tillerson and Lavrov".into()),
        text,
        entities,
        quotes,
        dates,
        amounts,
        removed: vec![Removed { text: "Share this story".into(), reason: "share".into() }],
        ..Record::default()
    }
}

fn render_records(c: &mut Criterion) {
    let count = 200;
    let input: String = (0..count).map(|i| serde_json::to_string(&article_record(i)).unwrap() + "\n").collect();
    let mut group = c.benchmark_group("render");
    group.throughput(Throughput::Elements(count as u64));
    group.bench_function("article_records", |b| {
        b.iter(|| render(black_box(input.as_bytes()), std::io::sink(), &RenderOptions::default()).unwrap())
    });
    group.finish();
}

criterion_group!(benches, render_records);
criterion_main!(benches);
