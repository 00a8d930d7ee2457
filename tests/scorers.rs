//! The quote and date figures, computed the way the public scorers compute them, on small gold
//! files written for these tests: the real binary reads them as JSON lines and its records are
//! scored against the gold.

use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

/// Runs the binary on JSON lines; returns its records by id.
fn run(input: &str) -> HashMap<String, Value> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lede"))
        .args(["--format", "jsonl", "--progress", "never", "-q"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("lede runs");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "exit {:?}", output.status.code());
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|r| (r["id"].as_str().unwrap().to_string(), r))
        .collect()
}

fn f1(correct: usize, predicted: usize, gold: usize) -> f64 {
    if predicted == 0 || gold == 0 {
        return 0.0;
    }
    let (p, r) = (correct as f64 / predicted as f64, correct as f64 / gold as f64);
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Whether two quoted texts are the same quote: one contains most of the other.
fn same_quote(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim_matches(|c: char| !c.is_alphanumeric()), b.trim_matches(|c: char| !c.is_alphanumeric()));
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    long.contains(short) && short.len() * 2 >= long.len()
}

#[test]
fn quotes_and_speakers_on_our_own_gold() {
    let records = run(include_str!("fixtures/quotes/sample.jsonl"));
    let gold: Vec<Value> = serde_json::from_str(include_str!("fixtures/quotes/gold.json")).unwrap();
    let mut predicted = 0;
    for record in records.values() {
        predicted += record["quotes"].as_array().unwrap().iter().filter(|q| q["kind"] != "scare").count();
    }
    let (mut found, mut right_speaker) = (0, 0);
    for g in &gold {
        let record = &records[g["doc"].as_str().unwrap()];
        let names: HashMap<&str, &Value> =
            record["entities"].as_array().unwrap().iter().map(|e| (e["id"].as_str().unwrap(), e)).collect();
        let quote = record["quotes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| same_quote(q["text"].as_str().unwrap(), g["quote"].as_str().unwrap()));
        let Some(quote) = quote else { continue };
        found += 1;
        // As the scorer judges it: the speaker entity's name or one of its mentions is the gold.
        let speaker = quote["speaker"].as_str().and_then(|id| names.get(id));
        let wanted = g["speaker"].as_str().unwrap();
        if speaker.is_some_and(|e| {
            e["name"] == wanted || e["mentions"].as_array().unwrap().iter().any(|m| m["text"] == wanted)
        }) {
            right_speaker += 1;
        }
    }
    let quote_f1 = f1(found, predicted, gold.len());
    let speaker_accuracy = right_speaker as f64 / found.max(1) as f64;
    assert!(quote_f1 >= 0.9, "quote F1 {quote_f1:.3} ({found} of {} gold, {predicted} predicted)", gold.len());
    assert!(speaker_accuracy >= 0.85, "speaker accuracy {speaker_accuracy:.3} ({right_speaker} of {found})");
}

/// Text and (surface, value) pairs of a TimeML file of `<TIMEX3 value="...">` tags.
fn strip_timeml(tml: &str) -> (String, Vec<(String, String)>) {
    let (mut text, mut gold, mut rest) = (String::new(), Vec::new(), tml);
    while let Some(open) = rest.find("<TIMEX3") {
        text.push_str(&rest[..open]);
        let tag_end = open + rest[open..].find('>').unwrap();
        let value = rest[open..tag_end].split("value=\"").nth(1).unwrap().split('"').next().unwrap();
        let close = tag_end + rest[tag_end..].find("</TIMEX3>").unwrap();
        let inner = &rest[tag_end + 1..close];
        text.push_str(inner);
        gold.push((inner.to_string(), value.to_string()));
        rest = &rest[close + "</TIMEX3>".len()..];
    }
    text.push_str(rest);
    (text, gold)
}

#[test]
fn dates_and_values_on_our_own_gold() {
    let (text, gold) = strip_timeml(include_str!("fixtures/timex/sample.tml"));
    let line = serde_json::json!({"id": "tml", "text": text, "published": "2017-04-12"}).to_string();
    let records = run(&(line + "\n"));
    let dates = records["tml"]["dates"].as_array().unwrap();
    let got: Vec<(String, String)> = dates
        .iter()
        .map(|d| (d["text"].as_str().unwrap().to_string(), d["value"].as_str().unwrap_or_default().to_string()))
        .collect();
    // Relaxed: the spans overlap; value: and the values agree too (TempEval-3's two figures).
    let overlaps = |a: &str, b: &str| a.contains(b) || b.contains(a);
    let relaxed = gold.iter().filter(|(g, _)| got.iter().any(|(p, _)| overlaps(p, g))).count();
    let valued = gold.iter().filter(|(g, v)| got.iter().any(|(p, pv)| overlaps(p, g) && pv == v)).count();
    let relaxed_f1 = f1(relaxed, got.len(), gold.len());
    let value_f1 = f1(valued, got.len(), gold.len());
    assert!(relaxed_f1 >= 0.9, "relaxed F1 {relaxed_f1:.3}: {got:?} against {gold:?}");
    assert!(value_f1 >= 0.8, "value F1 {value_f1:.3}: {got:?} against {gold:?}");
}
