//! Turns `data/gazetteer.tsv.gz` into the gazetteer's binary table in
//! `OUT_DIR`, which `src/text/gazetteer.rs` compiles in and reads in place
//! (format and builder: `src/text/gazetteer/table.rs`).

use std::io::Read;

#[path = "src/text/gazetteer/table.rs"]
#[allow(dead_code)]
mod table;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=data/gazetteer.tsv.gz");
    println!("cargo:rerun-if-changed=src/text/gazetteer/table.rs");
    let compressed = std::fs::read("data/gazetteer.tsv.gz")?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(compressed.as_slice()).read_to_string(&mut text)?;
    let bytes = table::build(&text)?;
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR")?).join("gazetteer.bin");
    std::fs::write(out, bytes)?;
    Ok(())
}
