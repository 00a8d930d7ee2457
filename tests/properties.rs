//! Property tests: no input panics the parse stage or the text primitives, and every span of
//! every record obeys the offset contract.

use lede::model::{Document, Format, Origin, Record};
use lede::stage::{Outcome, Stages};
use lede::text::sentences::split_sentences;
use lede::text::tokenize::tokenize;
use proptest::prelude::*;

fn process(format: Format, bytes: Vec<u8>) -> Outcome {
    Stages::new(&lede::Config::default()).process(Document { origin: Origin::default(), format, bytes })
}

fn check_record(line: &[u8]) -> Result<(), TestCaseError> {
    let record: Record = serde_json::from_slice(line).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let chars: Vec<char> = record.text.chars().collect();
    for [s, e] in record.paragraphs.iter().chain(&record.sentences) {
        prop_assert!(s < e && *e <= chars.len(), "span {s}..{e} of {}", chars.len());
    }
    let spans = record.entities.iter().flat_map(|e| e.mentions.iter().map(|m| (m.start, m.end, m.text.clone())));
    let spans = spans
        .chain(record.quotes.iter().map(|q| (q.start, q.end, q.text.clone())))
        .chain(record.dates.iter().map(|d| (d.start, d.end, d.text.clone())))
        .chain(record.amounts.iter().map(|a| (a.start, a.end, a.text.clone())));
    for (s, e, text) in spans {
        prop_assert!(s <= e && e <= chars.len());
        prop_assert_eq!(chars[s..e].iter().collect::<String>(), text);
    }
    Ok(())
}

/// Text that looks like news more often than random strings do.
fn newsy_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "Mr. ",
        "U.S. ",
        "“",
        "”",
        "\"",
        "'s ",
        "n't ",
        ". ",
        "! ",
        "? ",
        "... ",
        "\n",
        "\n\n",
        "$3bn ",
        "45% ",
        "1,000.5 ",
        "O'Neill ",
        "-",
        "—",
        "https://x.org/a. ",
        "a@b.co ",
        "#tag ",
        "@h ",
        "Zürich ",
        "北京 ",
        "😀",
        "\u{0301}",
        "\u{00A0}",
        "\u{200B}",
        "\r\n",
        "\t",
        "Syria ",
        "said ",
        "the ",
    ]);
    prop::collection::vec(prop_oneof![pieces.prop_map(String::from), any::<String>()], 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048), format in 0..3u8) {
        let format = [Format::Jsonl, Format::Text, Format::Html][format as usize];
        match process(format, bytes) {
            Outcome::Written(written) => check_record(&written.into_line(&[]))?,
            Outcome::Failed(error) => prop_assert!(!error.error.contains("internal error"), "{}", error.error),
            Outcome::Filtered => {}
        }
    }

    #[test]
    fn newsy_text_gives_exact_offsets(text in newsy_text()) {
        if let Outcome::Written(written) = process(Format::Text, text.clone().into_bytes()) {
            check_record(&written.into_line(&[]))?;
        }
        let json = serde_json::json!({"id": "p", "text": text}).to_string();
        match process(Format::Jsonl, json.into_bytes()) {
            Outcome::Written(written) => check_record(&written.into_line(&[]))?,
            Outcome::Failed(error) => prop_assert!(false, "valid JSON failed: {}", error.error),
            Outcome::Filtered => {}
        }
    }

    #[test]
    fn tokens_are_ordered_non_empty_and_free_of_whitespace(text in newsy_text()) {
        let tokens = tokenize(&text);
        let mut previous_end = 0;
        for token in &tokens {
            prop_assert!(token.start >= previous_end && token.start < token.end);
            prop_assert!(text.is_char_boundary(token.start) && text.is_char_boundary(token.end));
            prop_assert!(!token.as_str(&text).chars().any(char::is_whitespace));
            previous_end = token.end;
        }
        let sentences = split_sentences(&text, &tokens);
        let mut previous_end = 0;
        for sentence in &sentences {
            prop_assert!(sentence.start >= previous_end && sentence.start < sentence.end);
            previous_end = sentence.end;
        }
        // Every token lies in exactly one sentence.
        let covered: usize = tokens.iter().filter(|t| sentences.iter().any(|s| s.start <= t.start && t.end <= s.end)).count();
        prop_assert_eq!(covered, tokens.len());
    }
}
