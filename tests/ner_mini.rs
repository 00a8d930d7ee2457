//! The shipped tagger on a small CoNLL-format file written for this test: reading the
//! format, tagging, and the phrase-level F1 computation.

use lede::text::ner::train::{evaluate, read_conll, Scores};
use lede::text::ner::{shipped_model, EntityKind};

const MINI: &str = include_str!("fixtures/ner/mini.conll");

#[test]
fn mini_file_reads_as_three_documents() {
    let docs = read_conll(MINI);
    assert_eq!(docs.len(), 3);
    let phrases: usize = docs.iter().map(|d| d.phrases.len()).sum();
    assert_eq!(phrases, 14);
    assert_eq!(docs[0].phrases[0].1, EntityKind::Per);
}

#[test]
fn gold_against_itself_scores_one_and_empty_scores_zero() {
    let docs = read_conll(MINI);
    let mut s = Scores::default();
    let mut empty = Scores::default();
    for d in &docs {
        s.add(&d.phrases, &d.phrases);
        empty.add(&d.phrases, &[]);
    }
    assert_eq!(s.prf(None), (1.0, 1.0, 1.0));
    assert_eq!(empty.prf(None).2, 0.0);
}

#[test]
fn shipped_model_tags_the_mini_file_well() {
    let Some(model) = shipped_model() else { panic!("the shipped model does not load") };
    let docs = read_conll(MINI);
    let s = evaluate(model, &docs);
    let (p, r, f) = s.prf(None);
    assert!(f >= 0.8, "p {p:.3} r {r:.3} f1 {f:.3}: {s:?}");
    assert_eq!(s.prf(Some(EntityKind::Per)).1, 1.0, "every person found: {s:?}");
}
