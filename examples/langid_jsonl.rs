//! Language identification over JSON lines, for scoring the detector alone.
//!
//! Reads `{"id", "text"}` objects from stdin, one per line, and writes
//! `{"id", "lang": {"code", "confidence"}}` (or `"lang": null`) to stdout.
//!
//! ```text
//! cargo run --release --example langid_jsonl [-- --low] < input.jsonl
//! ```
//!
//! `--low` scores short texts with trigrams only (`Accuracy::Low`); `--fast`
//! uses the fast path alone (`detect_fast`), to compare them with the
//! default. A line that is not such an object
//! gets `{"id": null, "lang": null, "error": ...}` so that output lines stay
//! aligned with input lines.

use std::io::{self, BufRead, BufWriter, Write};

use lede::text::lang::{Accuracy, LanguageIdentifier};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
struct Input {
    id: Value,
    text: String,
}

fn main() -> io::Result<()> {
    let accuracy = if std::env::args().any(|arg| arg == "--low") { Accuracy::Low } else { Accuracy::High };
    let identifier = LanguageIdentifier::new(accuracy);
    let fast = std::env::args().any(|arg| arg == "--fast");
    let stdin = io::stdin().lock();
    let mut out = BufWriter::new(io::stdout().lock());
    for line in stdin.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let record = match serde_json::from_str::<Input>(&line) {
            Ok(input) => {
                let detection = if fast { identifier.detect_fast(&input.text) } else { identifier.detect(&input.text) };
                let lang =
                    detection.map(|detection| json!({"code": detection.code, "confidence": detection.confidence}));
                json!({"id": input.id, "lang": lang})
            }
            Err(error) => json!({"id": null, "lang": null, "error": error.to_string()}),
        };
        match writeln!(out, "{record}") {
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
            other => other?,
        }
    }
    match out.flush() {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
