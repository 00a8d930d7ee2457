//! Throughput of HTML extraction in CPU seconds of this thread, which stays
//! meaningful on a machine shared with other jobs (wall time does not):
//! `cargo run --release --example extract_speed -- PAGES.jsonl`, where each
//! line is `{"html": ...}` (the scorer's `--write-input` format).

use std::io::BufRead;

#[repr(C)]
struct Timespec {
    tv_sec: i64,
    tv_nsec: i64,
}

extern "C" {
    fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
}

/// CPU time of the calling thread (Linux `CLOCK_THREAD_CPUTIME_ID`).
fn cpu_seconds() -> f64 {
    let mut ts = Timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec for the call's duration.
    unsafe { clock_gettime(3, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: extract_speed PAGES.jsonl")?;
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut pages = Vec::new();
    for line in file.lines() {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        if let Some(h) = v.get("html").and_then(|h| h.as_str()) {
            pages.push(h.to_string());
        }
    }
    let total: usize = pages.iter().map(String::len).sum();
    for _ in 0..3 {
        let t = cpu_seconds();
        for p in &pages {
            std::hint::black_box(scraper::Html::parse_document(p));
        }
        let parse = cpu_seconds() - t;
        let t = cpu_seconds();
        for p in &pages {
            std::hint::black_box(lede::text::html::extract(p, None));
        }
        let full = cpu_seconds() - t;
        println!(
            "{} pages, {:.1} MB: parse only {:.1} MB/s, extract {:.1} MB/s (CPU time)",
            pages.len(),
            total as f64 / 1e6,
            total as f64 / parse / 1e6,
            total as f64 / full / 1e6
        );
    }
    Ok(())
}
