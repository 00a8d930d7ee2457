//! Reads `{"id", "text"}` JSON lines on stdin, tags the names in each text, resolves them
//! into entities and prints one record per line with `entities` (code-point offsets), the
//! shape the scorers read.
//!
//! ```text
//! cargo build --release --example ner_jsonl
//! python3 eval/ner_conll.py --cmd target/release/examples/ner_jsonl
//! ```
//!
//! Options: `--lines` also ends a sentence at every line break (the CoNLL layout);
//! `--mentions` prints every mention as an entity of its own, skipping resolution.

use std::io::{BufRead, Write};
use std::ops::Range;

use lede::text::entities::resolve;
use lede::text::ner;
use lede::text::sentences::split_sentences;
use lede::text::tokenize::tokenize;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let lines = args.iter().any(|a| a == "--lines");
    let raw = args.iter().any(|a| a == "--mentions");
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else { continue };
        let id = v.get("id").cloned().unwrap_or(serde_json::Value::Null);
        let text = v.get("text").and_then(|t| t.as_str()).unwrap_or("");
        let tokens = tokenize(text);
        let mut sentences = split_sentences(text, &tokens);
        if lines {
            sentences = split_at_lines(text, &sentences);
        }
        let mentions = ner::recognize(text, &tokens, &sentences);
        let cp = CodePoints::new(text);
        let span = |r: &Range<usize>| serde_json::json!({"start": cp.at(r.start), "end": cp.at(r.end), "text": &text[r.clone()]});
        let entities: Vec<serde_json::Value> = if raw {
            mentions
                .iter()
                .map(|m| {
                    serde_json::json!({
                        "type": m.kind.as_str(),
                        "subtype": m.subtype.map(|s| s.as_str()),
                        "mentions": [span(&(m.start..m.end))],
                    })
                })
                .collect()
        } else {
            resolve(text, &mentions, None)
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    serde_json::json!({
                        "id": format!("E{}", i + 1),
                        "type": e.kind.as_str(),
                        "subtype": e.subtype.map(|s| s.as_str()),
                        "name": e.name,
                        "roles": e.roles,
                        "salience": e.salience,
                        "mentions": e.mentions.iter().map(span).collect::<Vec<_>>(),
                    })
                })
                .collect()
        };
        let rec = serde_json::json!({"id": id, "text": text, "entities": entities});
        if writeln!(out, "{rec}").is_err() {
            break;
        }
    }
    let _ = out.flush();
}

/// Cuts sentences at line breaks too.
fn split_at_lines(text: &str, sentences: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for s in sentences {
        let mut start = s.start;
        for (i, b) in text.as_bytes()[s.clone()].iter().enumerate() {
            if *b == b'\n' {
                if s.start + i > start {
                    out.push(start..s.start + i);
                }
                start = s.start + i + 1;
            }
        }
        if s.end > start {
            out.push(start..s.end);
        }
    }
    out
}

/// Byte offset -> code-point offset.
struct CodePoints(Vec<usize>);

impl CodePoints {
    fn new(text: &str) -> CodePoints {
        let mut v = vec![0; text.len() + 1];
        let mut n = 0;
        for (i, c) in text.char_indices() {
            for b in 0..c.len_utf8() {
                v[i + b] = n;
            }
            n += 1;
        }
        v[text.len()] = n;
        CodePoints(v)
    }
    fn at(&self, byte: usize) -> usize {
        self.0.get(byte).copied().unwrap_or(0)
    }
}
