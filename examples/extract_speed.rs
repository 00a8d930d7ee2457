//! Throughput of HTML extraction in CPU time (robust on a busy machine):
//! `extract_speed PAGES.jsonl` with lines `{"html": ...}`.
use std::io::BufRead;

fn cpu_seconds() -> f64 {
    // Thread CPU time: wall time is meaningless when other jobs share the cores.
    let mut ts = libc_timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    unsafe { clock_gettime(3, &mut ts) }; // CLOCK_THREAD_CPUTIME_ID
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}
#[repr(C)]
struct libc_timespec {
    tv_sec: i64,
    tv_nsec: i64,
}
extern "C" {
    fn clock_gettime(clk: i32, ts: *mut libc_timespec) -> i32;
}

fn main() {
    let f = std::fs::File::open(std::env::args().nth(1).unwrap()).unwrap();
    let pages: Vec<String> = std::io::BufReader::new(f)
        .lines()
        .filter_map(|l| {
            let v: serde_json::Value = serde_json::from_str(&l.ok()?).ok()?;
            Some(v.get("html")?.as_str()?.to_string())
        })
        .collect();
    let total: usize = pages.iter().map(|p| p.len()).sum();
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
            "{} MB; parse {:.1} MB/s; extract {:.1} MB/s (CPU time)",
            total / 1000000,
            total as f64 / parse / 1e6,
            total as f64 / full / 1e6
        );
    }
}
