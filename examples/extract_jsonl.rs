//! Reads JSON lines `{"id", "html", "url"?}` on stdin and writes
//! `{"id", "text", "title"}` lines: the evaluation harness of the HTML
//! extractor, until the `lede` binary reads HTML records itself.

use std::io::{BufRead, BufWriter, Write};

fn main() -> std::io::Result<()> {
    let stdin = std::io::stdin();
    let mut out = BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line?;
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let id = v.get("id").cloned().unwrap_or(serde_json::Value::Null);
        let html = v.get("html").and_then(|h| h.as_str()).unwrap_or("");
        let url = v.get("url").and_then(|u| u.as_str());
        let art = lede::text::html::extract(html, url);
        let rec = serde_json::json!({"id": id, "text": art.text(), "title": art.title});
        writeln!(out, "{rec}")?;
    }
    out.flush()
}
