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

use std::collections::{BTreeMap, HashMap};
use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

use fst::{IntoStreamer, Map, Streamer};
use lingua::Language;

/// One step of the quantised log-probability, in nats.
const STEP: f64 = 1.0 / 8.0;

fn main() -> Result<(), Box<dyn Error>> {
    let output = std::env::args().nth(1).unwrap_or_else(|| "data/lang/ngrams.bin".to_owned());
    let long_output = std::env::args().nth(2).unwrap_or_else(|| "data/lang/ngrams45.bin".to_owned());
    // How many of the most frequent 4-grams and 5-grams each language keeps.
    let keep = [env_count("LEDE_KEEP_4GRAMS", DEFAULT_KEEP[0])?, env_count("LEDE_KEEP_5GRAMS", DEFAULT_KEEP[1])?];
    let mut models = model_files()?;
    models.sort();
    if models.len() != 75 {
        return Err(format!("expected 75 language models, found {}", models.len()).into());
    }

    let mut codes: Vec<String> = Vec::new();
    let mut table: BTreeMap<u64, Vec<(u8, u8)>> = BTreeMap::new();
    let mut long_table: BTreeMap<u32, Vec<(u8, u8)>> = BTreeMap::new();
    for (index, (code, path)) in models.iter().enumerate() {
        codes.push(code.clone());
        let bytes = std::fs::read(path)?;
        let map = Map::new(bytes)?;
        let mut stream = map.into_stream();
        let mut kept = 0usize;
        // Joint log-probability of every n-gram (the sum of the conditional
        // ones along its prefixes), to keep only the most frequent long ones.
        let mut joint: HashMap<String, f64> = HashMap::new();
        let mut long: [Vec<(f64, u32, u8)>; 2] = [Vec::new(), Vec::new()];
        while let Some((key, value)) = stream.next() {
            let Ok(ngram) = std::str::from_utf8(key) else {
                continue;
            };
            let log_probability = f64::from_bits(value);
            let length = ngram.chars().count();
            let prefix_end = ngram.char_indices().last().map_or(0, |(at, _)| at);
            let prefix_joint =
                if length == 1 { 0.0 } else { joint.get(&ngram[..prefix_end]).copied().unwrap_or(-100.0) };
            let ngram_joint = prefix_joint + log_probability;
            if length < 5 {
                joint.insert(ngram.to_owned(), ngram_joint);
            }
            if length >= 4 {
                let quantised = (-log_probability / STEP).round().clamp(0.0, 255.0) as u8;
                long[length - 4].push((ngram_joint, long_key(ngram), quantised));
            }
            let Some(packed) = pack(ngram) else {
                continue;
            };
            let log_probability = f64::from_bits(value);
            let quantised = (-log_probability / STEP).round().clamp(0.0, 255.0) as u8;
            table.entry(packed).or_default().push((index as u8, quantised));
            kept += 1;
        }
        for (order, mut ngrams) in long.into_iter().enumerate() {
            let total = ngrams.len();
            ngrams.sort_by(|a, b| b.0.total_cmp(&a.0));
            ngrams.truncate(keep[order]);
            for (_, key, quantised) in ngrams {
                let list = long_table.entry(key).or_default();
                // Two n-grams of one language with the same 32-bit key:
                // the more frequent one, seen first, stays.
                if list.last().is_none_or(|(language, _)| usize::from(*language) != index) {
                    list.push((index as u8, quantised));
                }
            }
            eprintln!("{code}: {} of {total} {}-grams", keep[order].min(total), order + 4);
        }
        eprintln!("{code}: {kept} n-grams");
    }
    write_long_table(&long_output, &codes, &long_table)?;

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
    eprintln!("{output}: {} languages, {} n-grams, {postings} postings, {} bytes", codes.len(), table.len(), out.len());
    Ok(())
}

/// How many 4-grams and 5-grams each language keeps by default: the most
/// frequent ones, which are what a short text mostly consists of.
const DEFAULT_KEEP: [usize; 2] = [60_000, 60_000];

fn env_count(name: &str, default: usize) -> Result<usize, Box<dyn Error>> {
    match std::env::var(name) {
        Ok(value) => Ok(value.parse()?),
        Err(_) => Ok(default),
    }
}

/// Writes the table of long n-grams. Format (little endian), read by
/// `src/text/lang/short.rs`:
///
/// ```text
/// b"LEDELNG5"
/// u32 languages, then per language 2 bytes of ISO 639-1 code
/// u32 keys, then that many u32 keys (see `long_key`), sorted
/// per key a u8 count of its postings
/// per block of BLOCK keys a u32 offset of the block's first posting
/// postings: per posting u8 language index, u8 quantised -log-probability
/// ```
fn write_long_table(
    output: &str,
    codes: &[String],
    table: &BTreeMap<u32, Vec<(u8, u8)>>,
) -> Result<(), Box<dyn Error>> {
    let mut out = Vec::new();
    out.extend_from_slice(b"LEDELNG5");
    out.extend_from_slice(&(codes.len() as u32).to_le_bytes());
    for code in codes {
        out.extend_from_slice(code.as_bytes());
    }
    out.extend_from_slice(&(table.len() as u32).to_le_bytes());
    for key in table.keys() {
        out.extend_from_slice(&key.to_le_bytes());
    }
    for list in table.values() {
        out.push(u8::try_from(list.len())?);
    }
    let mut offset = 0u32;
    for (index, list) in table.values().enumerate() {
        if index % BLOCK == 0 {
            out.extend_from_slice(&offset.to_le_bytes());
        }
        offset += list.len() as u32;
    }
    for list in table.values() {
        for (language, quantised) in list {
            out.push(*language);
            out.push(*quantised);
        }
    }
    std::fs::write(output, &out)?;
    eprintln!("{output}: {} n-grams, {offset} postings, {} bytes", table.len(), out.len());
    Ok(())
}

/// Keys per block of the long table's offset index (see `write_long_table`).
const BLOCK: usize = 64;

/// The key of a 4- or 5-gram: the high half of a 64-bit hash of its
/// characters. Must match `long_key` in `src/text/lang/short.rs` (a test
/// there pins its value).
fn long_key(ngram: &str) -> u32 {
    let mut hash = 0xCBF2_9CE4_8422_2325u64;
    for c in ngram.chars() {
        hash = (hash ^ u64::from(u32::from(c))).wrapping_mul(0x0000_0100_0000_01B3);
        hash ^= hash >> 29;
    }
    (hash >> 32) as u32
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
    let metadata =
        Command::new(cargo).args(["metadata", "--format-version", "1", "--features", "build-lang-model"]).output()?;
    if !metadata.status.success() {
        return Err("cargo metadata failed".into());
    }
    let metadata: serde_json::Value = serde_json::from_slice(&metadata.stdout)?;
    let packages = metadata["packages"].as_array().ok_or("cargo metadata has no packages")?;
    let mut files = Vec::new();
    for package in packages {
        let Some(name) = package["name"].as_str() else {
            continue;
        };
        let Some(language) = name.strip_prefix("lingua-").and_then(|rest| rest.strip_suffix("-language-model")) else {
            continue;
        };
        let language = Language::from_str(language).map_err(|_| format!("unknown language in crate name {name}"))?;
        let manifest = package["manifest_path"].as_str().ok_or("package without manifest path")?;
        let dir = Path::new(manifest).parent().ok_or("manifest path without a folder")?;
        files.push((language.iso_code_639_1().to_string(), dir.join("models").join("ngrams.fst")));
    }
    Ok(files)
}
