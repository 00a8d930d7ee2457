//! HTML extraction throughput in bytes of HTML per second.
//!
//! Reads the ScrapingHub benchmark pages from
//! `../shared/data/extraction/scrapinghub/html/*.html.gz` (relative to the
//! crate root) when that folder exists, else builds a synthetic news page.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::io::Read;
use std::path::Path;

fn load_pages() -> (String, Vec<String>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/extraction/scrapinghub/html");
    let mut pages = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            let Ok(f) = std::fs::File::open(&p) else {
                continue;
            };
            let mut bytes = Vec::new();
            if flate2::read::GzDecoder::new(f).read_to_end(&mut bytes).is_ok() {
                pages.push(String::from_utf8_lossy(&bytes).into_owned());
            }
        }
    }
    if pages.is_empty() {
        return ("synthetic".to_string(), vec![synthetic_page()]);
    }
    (format!("scrapinghub_{}_pages", pages.len()), pages)
}

/// A news page of about 200 KB: navigation, a 40-paragraph story, a related
/// list, comments and a footer.
fn synthetic_page() -> String {
    let mut s = String::from("<!DOCTYPE html><html><head><title>A story | Site</title></head><body><nav><ul>");
    for i in 0..60 {
        s.push_str(&format!("<li><a href=\"/s{i}\">Section {i}</a></li>"));
    }
    s.push_str("</ul></nav><main><article><h1>A story</h1>");
    for i in 0..40 {
        s.push_str(&format!(
            "<p class=\"para\">Paragraph {i} tells what happened, with <a href=\"/x\">a link</a>, a quote, \
             “it was late,” said the mayor, and some numbers: 1,204 people and 3.5 per cent.</p>"
        ));
    }
    s.push_str("<div class=\"related\"><ul>");
    for i in 0..20 {
        s.push_str(&format!("<li><a href=\"/r{i}\">Related story number {i}</a></li>"));
    }
    s.push_str("</ul></div></article><section class=\"comments\">");
    for i in 0..50 {
        s.push_str(&format!("<div class=\"comment\"><p>Comment {i}: I disagree with this, strongly.</p></div>"));
    }
    s.push_str("</section></main><footer>© Site</footer><script>var a = 1;</script></body></html>");
    s.repeat(5)
}

fn bench_extract(c: &mut Criterion) {
    let (name, pages) = load_pages();
    let bytes: usize = pages.iter().map(String::len).sum();
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.bench_function(format!("html/{name}"), |b| {
        b.iter(|| {
            for p in &pages {
                std::hint::black_box(lede::text::html::extract(p, None));
            }
        })
    });
    group.bench_function(format!("parse_only/{name}"), |b| {
        b.iter(|| {
            for p in &pages {
                std::hint::black_box(scraper::Html::parse_document(p));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench_extract);
criterion_main!(benches);
