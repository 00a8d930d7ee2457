//! Reads `{"id", "text"}` JSON lines on stdin, tags the names in each text and prints one
//! record per line with `entities` (code-point offsets), the shape the scorers read.
//!
//! ```text
//! cargo build --release --example ner_jsonl
//! python3 eval/ner_conll.py --cmd target/release/examples/ner_jsonl
//! ```

use std::io::{BufRead, Write};
use std::ops::Range;

use lede::text::ner;

fn main() {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let id = v.get("id").cloned().unwrap_or(serde_json::Value::Null);
        let text = v.get("text").and_then(|t| t.as_str()).unwrap_or("");
        let (tokens, sentences) = split(text);
        let mentions = ner::recognize_ranges(text, &tokens, &sentences);
        let cp = CodePoints::new(text);
        let entities: Vec<serde_json::Value> = mentions
            .iter()
            .map(|m| {
                serde_json::json!({
                    "type": m.kind.as_str(),
                    "subtype": m.subtype.map(|s| s.as_str()),
                    "mentions": [{"start": cp.at(m.start), "end": cp.at(m.end), "text": &text[m.start..m.end]}],
                })
            })
            .collect();
        let rec = serde_json::json!({"id": id, "text": text, "entities": entities});
        if writeln!(out, "{rec}").is_err() {
            break;
        }
    }
    let _ = out.flush();
}

/// Whitespace tokens; one sentence per line.
fn split(text: &str) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
    let mut tokens = Vec::new();
    let mut sentences = Vec::new();
    let mut line_start = 0;
    for line in text.split('\n') {
        let mut pos = line_start;
        for w in line.split(' ') {
            if !w.is_empty() {
                tokens.push(pos..pos + w.len());
            }
            pos += w.len() + 1;
        }
        sentences.push(line_start..line_start + line.len());
        line_start += line.len() + 1;
    }
    (tokens, sentences)
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
