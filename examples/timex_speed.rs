//! Throughput check without criterion: runs one extractor over a text file
//! (default `tests/fixtures/article.txt`; the text of JSON lines is used
//! when the file holds JSON lines) a number of times and prints bytes per
//! second of wall time. Run under `perf stat` for CPU time on a busy
//! machine: `cargo run --release --example timex_speed -- timex FILE 20`.

use lede::text::{amounts, timex};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let which = args.get(1).map_or("timex", String::as_str);
    let path = args.get(2).map_or("tests/fixtures/article.txt", String::as_str);
    let rounds: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(20);
    let raw = std::fs::read_to_string(path).unwrap_or_default();
    let mut text = String::new();
    for line in raw.lines() {
        match serde_json::from_str::<serde_json::Value>(line) {
            Ok(v) => {
                if let Some(t) = v.get("text").and_then(|t| t.as_str()) {
                    text.push_str(t);
                    text.push_str("\n\n");
                }
            }
            Err(_) => {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    let reference = timex::Reference::parse("2005-03-01").ok();
    let exclude: Vec<_> = timex::find(&text, reference).iter().map(|t| t.start..t.end).collect();
    let start = Instant::now();
    let mut found = 0;
    for _ in 0..rounds {
        found += match which {
            "amounts" => amounts::find(&text, &exclude).len(),
            _ => timex::find(&text, reference).len(),
        };
    }
    let secs = start.elapsed().as_secs_f64();
    let bytes = (text.len() * rounds) as f64;
    println!(
        "{which}: {} bytes x {rounds} in {secs:.3} s wall = {:.1} MB/s wall; {} found per round",
        text.len(),
        bytes / secs / 1e6,
        found / rounds.max(1)
    );
}
