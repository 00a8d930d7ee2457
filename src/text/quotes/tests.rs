//! Tests of quote finding and attribution on sentences written for them.

use super::*;

/// Quotes of `text` attributed with the built-in name finder; each speaker as its text.
fn run(text: &str) -> Vec<(String, QuoteKind, Option<String>)> {
    let c = candidate_entities(text);
    find_quotes(text, &c.mentions, &c.roles)
        .into_iter()
        .map(|q| {
            let who = q.speaker.map(|s| match s {
                Speaker::Entity(e) => c.names[e].clone(),
                Speaker::Pronoun { entity, start, end } => {
                    format!("{}={}", &text[start..end], c.names[entity])
                }
                Speaker::Described { entity, start, end } => {
                    format!("{}={}", &text[start..end], c.names[entity])
                }
                Speaker::Unlinked { start, end } => format!("?{}", &text[start..end]),
            });
            (text[q.start..q.end].to_string(), q.kind, who)
        })
        .collect()
}

fn speakers(text: &str) -> Vec<Option<String>> {
    run(text).into_iter().map(|(_, _, s)| s).collect()
}

fn some(s: &str) -> Option<String> {
    Some(s.to_string())
}

#[test]
fn name_said_after_the_quote() {
    let t =
        "Jane Miller runs the firm.\n\n“We are doing very well,” Miller told Rolling Stone in May.";
    assert_eq!(speakers(t), vec![some("Jane Miller")]);
}

#[test]
fn said_name_after_the_quote() {
    let t = "“It is a disaster for the region,” said Tom Baker, a local official.";
    assert_eq!(speakers(t), vec![some("Tom Baker")]);
}

#[test]
fn name_said_colon_before_the_quote() {
    let t = "Tom Baker said: “We will rebuild the bridge next year.”";
    assert_eq!(speakers(t), vec![some("Tom Baker")]);
}

#[test]
fn according_to_names_the_speaker() {
    let t = "According to Tom Baker, “the bridge will be rebuilt next year.”";
    assert_eq!(speakers(t), vec![some("Tom Baker")]);
}

#[test]
fn told_reporters_keeps_the_subject() {
    let t = "Anna Berg told reporters that “nothing has been decided yet at all.”";
    assert_eq!(speakers(t), vec![some("Anna Berg")]);
}

#[test]
fn warned_that_with_partial_quote() {
    let t = "Mayor Anna Berg warned that trust had fallen to a “very low level” in the city.";
    let r = run(t);
    assert_eq!(r[0].1, QuoteKind::Partial);
    assert_eq!(r[0].2, some("Anna Berg"));
}

#[test]
fn pronoun_resolves_to_the_nearest_person() {
    let t = "Mr Tom Baker arrived late.\n\n“We have no time left for this,” he said.";
    assert_eq!(speakers(t), vec![some("he=Tom Baker")]);
}

#[test]
fn pronoun_gender_skips_a_person_of_the_other_gender() {
    let t = "The talks began.\n\nMs Anna Berg met Mr Tom Baker.\n\n“We have no time left for this,” she said.";
    assert_eq!(speakers(t), vec![some("she=Anna Berg")]);
}

#[test]
fn interrupted_quote_gives_two_quotes_with_one_speaker() {
    let t = "Tom Baker met us.\n\n“We lost,” Baker said, “but we will be back next year.”";
    assert_eq!(speakers(t), vec![some("Tom Baker"), some("Tom Baker")]);
}

#[test]
fn speaker_named_in_the_sentence_before() {
    let t = "Tom Baker met us. Baker said:\n\n“We will be back next year with a new team.”";
    assert_eq!(speakers(t), vec![some("Tom Baker")]);
}

#[test]
fn multi_paragraph_quote_is_one_quote() {
    let t = "“We will be back,” said Tom Baker. “The team is strong.\n\n“And the fans are with us all the way.”";
    let r = run(t);
    assert_eq!(r.len(), 2);
    assert!(r[1].0.contains("fans"));
    assert_eq!(r[1].2, some("Tom Baker"));
}

#[test]
fn continued_quote_inherits_its_speaker() {
    let t = "“We will be back next season,” Tom Baker said.\n\n“The team is strong and young.”";
    assert_eq!(speakers(t), vec![some("Tom Baker"), some("Tom Baker")]);
}

#[test]
fn scare_quotes_have_no_speaker() {
    let t = "The plan was called a “redline” by many in the capital.";
    let r = run(t);
    assert_eq!(r[0].1, QuoteKind::Scare);
    assert_eq!(r[0].2, None);
}

#[test]
fn description_speaker_without_entity_is_unlinked() {
    let t = "“We are looking into the matter now,” the official said.";
    assert_eq!(speakers(t), vec![some("?the official")]);
}

#[test]
fn description_links_through_a_role() {
    let t = "Senator Anna Berg spoke first. Later the senator said “we will not give up on this.”";
    assert_eq!(speakers(t), vec![some("the senator=Anna Berg")]);
}

#[test]
fn straight_quotes_and_doubled_apostrophes_attribute_too() {
    let t = "\"We have done our job,\" Baker said. ''It was hard work for all,'' Smith said.";
    let r = run(t);
    assert_eq!(r.len(), 2);
    // Sentence-initial single names stay unlinked unless seen mid-sentence.
    assert_eq!(r[0].2, some("?Baker"));
    assert_eq!(r[1].2, some("?Smith"));
}

#[test]
fn nested_quote_belongs_to_the_outer_quote() {
    let t = "“He told me “go home” twice and left,” Baker said.";
    let r = run(t);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].0, "He told me “go home” twice and left,");
}

#[test]
fn no_input_panics() {
    for t in [
        "",
        "“",
        "\"",
        "''",
        "“”",
        "a “b",
        "said",
        "“x,” said",
        "é“ü”’s",
    ] {
        let _ = run(t);
        let _ = quote_spans(t);
    }
}

#[test]
fn example_article_quotes_and_speakers() {
    let text = include_str!("../../../tests/fixtures/article.txt");
    let c = candidate_entities(text);
    let quotes = find_quotes(text, &c.mentions, &c.roles);
    let find = |needle: &str| {
        quotes
            .iter()
            .find(|q| text[q.start..q.end].starts_with(needle))
            .unwrap_or_else(|| panic!("no quote starting with {needle:?}"))
    };
    let name = |s: Option<Speaker>| match s {
        Some(Speaker::Entity(e))
        | Some(Speaker::Pronoun { entity: e, .. })
        | Some(Speaker::Described { entity: e, .. }) => c.names[e].clone(),
        _ => String::new(),
    };

    let low = find("low level");
    assert_eq!(low.kind, QuoteKind::Partial);
    assert_eq!(name(low.speaker), "Rex Tillerson");
    assert_eq!(low.cue.clone().map(|r| &text[r]), Some("warned"));

    let powers = find("two foremost nuclear powers");
    match powers.speaker {
        Some(Speaker::Described { entity, start, end }) => {
            assert_eq!(c.names[entity], "Rex Tillerson");
            assert_eq!(&text[start..end], "America’s top diplomat");
        }
        other => panic!("expected a described speaker, got {other:?}"),
    }

    let putin = find("one could say that the level of trust");
    assert_eq!(putin.kind, QuoteKind::Direct);
    assert_eq!(name(putin.speaker), "Vladimir Putin");
    assert_eq!(putin.cue.clone().map(|r| &text[r]), Some("noted"));

    let redline = find("redline");
    assert_eq!(redline.kind, QuoteKind::Scare);
    assert_eq!(redline.speaker, None);

    let tillerson = c.names.iter().position(|n| n == "Rex Tillerson");
    assert!(tillerson.is_some_and(|e| c.roles[e].iter().any(|r| r == "US Secretary of State")));
}

#[test]
fn title_with_an_object_splits_off_the_name() {
    let t = "A talk by US Ambassador to the United Nations Nikki Haley followed.";
    let c = candidate_entities(t);
    assert_eq!(c.names, vec!["Nikki Haley".to_string()]);
    assert_eq!(
        c.roles[0],
        vec!["US Ambassador to the United Nations".to_string()]
    );
}
