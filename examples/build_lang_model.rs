//! Builds `data/lang/ngrams.bin`, the compact n-gram table behind the fast
//! path of `lede::text::lang`, from the language models that the `lingua`
//! crates ship (crates `lingua-<language>-language-model`, Apache-2.0).
//!
//! ```text
//! cargo run --release --example build_lang_model [-- OUTPUT]
//! ```
//!
//! The model crates are located with `cargo metadata`, so the command works
//! wherever cargo has fetched them. From each language's `ngrams.fst` it
//! keeps the n-grams of one to three characters with their log-probability
//! (lingua stores P(c | preceding characters)), and writes one table in which
//! a single lookup of an n-gram gives its score in every language that has
//! it. Format (little endian), read by `src/text/lang/fast.rs`:
//!
//! ```text
//! b"LEDELNG1"
//! u32 languages, then per language 2 bytes of ISO 639-1 code
//! u32 keys, then that many u64 keys, sorted (chars packed 21 bits each)
//! u32 postings, then keys + 1 u32 offsets into the postings
//! postings: per posting u8 language index, u8 quantised -log-probability
//! ```

use std::collections::BTreeMap;
use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

use fst::{IntoStreamer, Map, Streamer};
use lingua::Language;

/// One step of the quantised log-probability, in nats.
const STEP: f64 = 1.0 / 8.0;

fn main() -> Result<(), Box<dyn Error>> {
    let output = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "data/lang/ngrams.bin".to_owned());
    let mut models = model_files()?;
    models.sort();
    if models.len() != 75 {
        return Err(format!("expected 75 language models, found {}", models.len()).into());
    }

    let mut codes: Vec<String> = Vec::new();
    let mut table: BTreeMap<u64, Vec<(u8, u8)>> = BTreeMap::new();
    for (index, (code, path)) in models.iter().enumerate() {
        codes.push(code.clone());
        let bytes = std::fs::read(path)?;
        let map = Map::new(bytes)?;
        let mut stream = map.into_stream();
        let mut kept = 0usize;
        while let Some((key, value)) = stream.next() {
            let Ok(ngram) = std::str::from_utf8(key) else {
                continue;
            };
            let Some(packed) = pack(ngram) else {
                continue;
            };
            let log_probability = f64::from_bits(value);
            let quantised = (-log_probability / STEP).round().clamp(0.0, 255.0) as u8;
            table
                .entry(packed)
                .or_default()
                .push((index as u8, quantised));
            kept += 1;
        }
        eprintln!("{code}: {kept} n-grams");
    }

    let mut out = Vec::new();
    out.extend_from_slice(b"LEDELNG1");
    out.extend_from_slice(&(codes.len() as u32).to_le_bytes());
    for code in &codes {
        out.extend_from_slice(code.as_bytes());
    }
    out.extend_from_slice(&(table.len() as u32).to_le_bytes());
    for key in table.keys() {
        out.extend_from_slice(&key.to_le_bytes());
    }
    let postings: usize = table.values().map(Vec::len).sum();
    out.extend_from_slice(&(postings as u32).to_le_bytes());
    let mut offset = 0u32;
    out.extend_from_slice(&offset.to_le_bytes());
    for list in table.values() {
        offset += list.len() as u32;
        out.extend_from_slice(&offset.to_le_bytes());
    }
    for list in table.values() {
        for (language, quantised) in list {
            out.push(*language);
            out.push(*quantised);
        }
    }
    if let Some(parent) = Path::new(&output).parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&output, &out)?;
    eprintln!(
        "{output}: {} languages, {} n-grams, {postings} postings, {} bytes",
        codes.len(),
        table.len(),
        out.len()
    );
    Ok(())
}

/// The characters of an n-gram of one to three characters, 21 bits each,
/// the first in the highest bits; `None` for longer n-grams.
fn pack(ngram: &str) -> Option<u64> {
    let mut packed = 0u64;
    let mut count = 0;
    for c in ngram.chars() {
        count += 1;
        if count > 3 {
            return None;
        }
        packed = (packed << 21) | u64::from(u32::from(c));
    }
    (count > 0).then_some(packed)
}

/// `(ISO 639-1 code, path of ngrams.fst)` for every lingua model crate in
/// this package's dependency graph.
fn model_files() -> Result<Vec<(String, PathBuf)>, Box<dyn Error>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let metadata = Command::new(cargo)
        .args(["metadata", "--format-version", "1"])
        .output()?;
    if !metadata.status.success() {
        return Err("cargo metadata failed".into());
    }
    let metadata: serde_json::Value = serde_json::from_slice(&metadata.stdout)?;
    let packages = metadata["packages"]
        .as_array()
        .ok_or("cargo metadata has no packages")?;
    let mut files = Vec::new();
    for package in packages {
        let Some(name) = package["name"].as_str() else {
            continue;
        };
        let Some(language) = name
            .strip_prefix("lingua-")
            .and_then(|rest| rest.strip_suffix("-language-model"))
        else {
            continue;
        };
        let language = Language::from_str(language)
            .map_err(|_| format!("unknown language in crate name {name}"))?;
        let manifest = package["manifest_path"]
            .as_str()
            .ok_or("package without manifest path")?;
        let dir = Path::new(manifest)
            .parent()
            .ok_or("manifest path without a folder")?;
        files.push((
            language.iso_code_639_1().to_string(),
            dir.join("models").join("ngrams.fst"),
        ));
    }
    Ok(files)
}
