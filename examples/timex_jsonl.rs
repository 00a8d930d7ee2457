//! Evaluation harness: reads `{"id","text","published"}` JSON lines on
//! stdin and writes `{"id","text","dates":[{start,end,text,type,value}]}`
//! with code-point offsets, the shape the output contract gives dates.

use lede::text::timex::{self, Reference};
use std::io::{BufRead, Write};

fn main() -> std::io::Result<()> {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in stdin.lock().lines() {
        let line = line?;
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let id = v.get("id").cloned().unwrap_or(serde_json::Value::Null);
        let text = v.get("text").and_then(|t| t.as_str()).unwrap_or("");
        let reference = v.get("published").and_then(|p| p.as_str()).and_then(|p| Reference::parse(p).ok());
        let found = timex::find(text, reference);
        // Byte offset -> code point offset.
        let mut cp = vec![0usize; text.len() + 1];
        let mut n = 0;
        for (i, c) in text.char_indices() {
            for slot in cp.iter_mut().skip(i).take(c.len_utf8()) {
                *slot = n;
            }
            n += 1;
        }
        cp[text.len()] = n;
        let dates: Vec<serde_json::Value> = found
            .iter()
            .map(|t| {
                serde_json::json!({
                    "start": cp[t.start],
                    "end": cp[t.end],
                    "text": &text[t.start..t.end],
                    "type": t.kind.as_str(),
                    "value": t.value,
                })
            })
            .collect();
        let rec = serde_json::json!({"id": id, "text": text, "dates": dates});
        writeln!(out, "{rec}")?;
    }
    out.flush()
}
