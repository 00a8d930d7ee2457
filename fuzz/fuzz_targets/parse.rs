//! Fuzzes the parse stage and everything after it: any bytes, in each input format, must give a
//! record that obeys the offset contract, an error record, or a filtered outcome, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lede::model::{Document, Format, Origin, Record};
use lede::stage::{Outcome, Stages};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let format = [Format::Jsonl, Format::Text, Format::Html][usize::from(selector % 3)];
    let stages = Stages::new(&lede::Config::default());
    let doc = Document { origin: Origin::default(), format, bytes: bytes.to_vec() };
    match stages.process(doc) {
        Outcome::Written(written) => {
            let line = written.into_line(&[]);
            let record: Record = serde_json::from_slice(&line).expect("records are valid JSON");
            let chars: Vec<char> = record.text.chars().collect();
            for [s, e] in record.paragraphs.iter().chain(&record.sentences) {
                assert!(s < e && *e <= chars.len());
            }
            for m in record.entities.iter().flat_map(|e| &e.mentions) {
                assert_eq!(chars[m.start..m.end].iter().collect::<String>(), m.text);
            }
        }
        Outcome::Failed(error) => assert!(!error.error.contains("internal error"), "{}", error.error),
        Outcome::Filtered => {}
    }
});
