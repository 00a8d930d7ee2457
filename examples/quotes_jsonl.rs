//! Quote finder over JSON lines, for scoring: reads `{"id", "text"}` lines on stdin and
//! writes `{"id", "text", "quotes", "entities"}` records with code-point offsets. Entities
//! come from the module's capitalised-name finder, plus the speakers the cue grammar finds
//! (pronouns listed as mentions of the entity they resolve to).
//!
//! Run: `cargo run --release --example quotes_jsonl < input.jsonl`

use std::collections::HashMap;
use std::io::{self, BufRead, BufWriter, Write};

use lede::text::quotes::{candidate_entities, find_quotes, EntityKind, QuoteKind, Speaker};
use serde_json::{json, Value};

struct Entity {
    name: String,
    kind: EntityKind,
    mentions: Vec<(usize, usize)>,
}

/// Byte offset -> code point offset, for every char boundary.
fn cp_index(text: &str) -> impl Fn(usize) -> usize + '_ {
    let mut table: Vec<usize> = Vec::with_capacity(text.len() + 1);
    let mut cp = 0;
    for (i, c) in text.char_indices() {
        while table.len() < i {
            table.push(cp);
        }
        table.push(cp);
        cp += 1;
        let _ = c;
    }
    while table.len() <= text.len() {
        table.push(cp);
    }
    move |b: usize| table.get(b).copied().unwrap_or(cp)
}

fn span_json(text: &str, cp: &dyn Fn(usize) -> usize, s: usize, e: usize) -> Value {
    json!({"start": cp(s), "end": cp(e), "text": text.get(s..e).unwrap_or("")})
}

fn process(id: &Value, text: &str) -> Value {
    let cand = candidate_entities(text);
    let quotes = find_quotes(text, &cand.mentions, &cand.roles);
    let mut ents: Vec<Entity> =
        cand.names.iter().map(|n| Entity { name: n.clone(), kind: EntityKind::Other, mentions: Vec::new() }).collect();
    for m in &cand.mentions {
        if let Some(e) = ents.get_mut(m.entity) {
            e.kind = m.kind;
            e.mentions.push((m.start, m.end));
        }
    }
    // A span belongs to one entity only.
    let mut owner: HashMap<(usize, usize), usize> = HashMap::new();
    for (i, e) in ents.iter().enumerate() {
        for &m in &e.mentions {
            owner.insert(m, i);
        }
    }
    let mut unlinked: HashMap<String, usize> = HashMap::new();
    let mut out_quotes = Vec::new();
    let cp = cp_index(text);
    for q in &quotes {
        if q.kind == QuoteKind::Scare {
            continue;
        }
        let speaker = match q.speaker {
            None => None,
            Some(Speaker::Entity(e)) => Some(e),
            Some(Speaker::Pronoun { entity, start, end } | Speaker::Described { entity, start, end }) => {
                let e = *owner.entry((start, end)).or_insert(entity);
                if let Some(ent) = ents.get_mut(e) {
                    if !ent.mentions.contains(&(start, end)) {
                        ent.mentions.push((start, end));
                    }
                }
                Some(e)
            }
            Some(Speaker::Unlinked { start, end }) => {
                if let Some(&e) = owner.get(&(start, end)) {
                    Some(e)
                } else {
                    let name = text.get(start..end).unwrap_or("").to_string();
                    let key = name.to_lowercase();
                    let e = *unlinked.entry(key).or_insert_with(|| {
                        ents.push(Entity { name: name.clone(), kind: EntityKind::Other, mentions: Vec::new() });
                        ents.len() - 1
                    });
                    ents[e].mentions.push((start, end));
                    owner.insert((start, end), e);
                    Some(e)
                }
            }
        };
        let mut obj = span_json(text, &cp, q.start, q.end);
        obj["speaker"] = speaker.map_or(Value::Null, |e| json!(format!("E{}", e + 1)));
        obj["kind"] = json!(format!("{:?}", q.kind).to_lowercase());
        if let Some(c) = &q.cue {
            obj["cue"] = span_json(text, &cp, c.start, c.end);
        }
        out_quotes.push(obj);
    }
    let entities: Vec<Value> = ents
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let ty = match e.kind {
                EntityKind::Person => "PER",
                EntityKind::Org => "ORG",
                EntityKind::Place => "LOC",
                EntityKind::Other => "MISC",
            };
            let mut ms = e.mentions.clone();
            ms.sort_unstable();
            ms.dedup();
            json!({
                "id": format!("E{}", i + 1),
                "name": e.name,
                "type": ty,
                "mentions": ms.iter().map(|&(s, t)| span_json(text, &cp, s, t)).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({"id": id, "text": text, "quotes": out_quotes, "entities": entities})
}

fn main() -> io::Result<()> {
    let stdin = io::stdin();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let rec = match serde_json::from_str::<Value>(&line) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("skipping a line that is not JSON: {e}");
                continue;
            }
        };
        let id = rec.get("id").cloned().unwrap_or(Value::Null);
        let text = rec.get("text").and_then(Value::as_str).unwrap_or("");
        serde_json::to_writer(&mut out, &process(&id, text))?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
