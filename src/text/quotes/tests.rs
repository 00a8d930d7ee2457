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
    let t = "Jane Miller runs the firm.\n\n“We are doing very well,” Miller told Rolling Stone in May.";
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
    for t in ["", "“", "\"", "''", "“”", "a “b", "said", "“x,” said", "é“ü”’s"] {
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
    assert_eq!(c.roles[0], vec!["US Ambassador to the United Nations".to_string()]);
}

#[test]
fn who_after_a_name_is_a_pronoun_of_that_name() {
    let t = "Mike Lee spoke.\n\nMike Lee, who declared in the spin room, “I am sending the signal now.”";
    let c = candidate_entities(t);
    let q = find_quotes(t, &c.mentions, &c.roles);
    match q[0].speaker {
        Some(Speaker::Pronoun { entity, start, end }) => {
            assert_eq!(&t[start..end], "who");
            assert_eq!(c.names[entity], "Mike Lee");
        }
        other => panic!("expected the relative pronoun, got {other:?}"),
    }
}

#[test]
fn participle_cue_takes_the_sentence_subject() {
    let t = "In Columbia, Anna Berg stepped up her push, saying “we have got to do better now.”";
    assert_eq!(speakers(t), vec![some("Anna Berg")]);
}

#[test]
fn any_past_tense_cue_inverts_right_after_the_quote() {
    let t = "“Asking them to get rid of themselves?” asked Sen. Anna Berg of Maryland.";
    assert_eq!(speakers(t), vec![some("Anna Berg")]);
}

#[test]
fn a_cue_in_another_clause_is_not_the_quotes() {
    // "suggested" belongs to the clause after "while"; the subject before the quote speaks.
    let t = "Anna Berg said she would “support the nominee in the end,” while Tom Baker suggested otherwise.";
    assert_eq!(speakers(t), vec![some("Anna Berg")]);
}

#[test]
fn passive_reporting_verbs_give_no_cue() {
    let t = "The deal was called “a very bad deal for everyone” in the capital.";
    let off = QuoteOptions { subject_fallback: false, ..QuoteOptions::default() };
    let q = find_quotes_with(t, &[], &[], off);
    assert_eq!((q[0].speaker, q[0].cue.clone()), (None, None));
}

#[test]
fn mentions_from_a_recogniser_are_used_as_given() {
    let t = "Acme Corp fired back.\n\n“We reject the claims entirely and will appeal,” it said.";
    let mentions = [EntityMention { start: 0, end: 9, entity: 0, kind: EntityKind::Org, gender: None }];
    let q = find_quotes(t, &mentions, &[Vec::new()]);
    match q[0].speaker {
        Some(Speaker::Pronoun { entity: 0, start, end }) => assert_eq!(&t[start..end], "it"),
        other => panic!("expected it -> Acme Corp, got {other:?}"),
    }
}

#[test]
fn places_are_never_pronoun_antecedents() {
    let t = "Paris was calm.\n\n“We will not give in to anyone at all,” he said.";
    let mentions = [EntityMention { start: 0, end: 5, entity: 0, kind: EntityKind::Place, gender: None }];
    let q = find_quotes(t, &mentions, &[Vec::new()]);
    assert!(matches!(q[0].speaker, Some(Speaker::Unlinked { .. })));
}

#[test]
fn subject_fallback_can_be_turned_off() {
    let t = "Anna Berg praised the plan for “bringing people together at last.”";
    let c = candidate_entities(t);
    let on = find_quotes(t, &c.mentions, &c.roles);
    assert_eq!(on[0].speaker, Some(Speaker::Entity(0)));
    let off = QuoteOptions { subject_fallback: false, ..QuoteOptions::default() };
    let q = find_quotes_with(t, &c.mentions, &c.roles, off);
    assert_eq!(q[0].speaker, None);
}

#[test]
fn single_marks_quote_only_when_asked() {
    let t = "Anna Berg said ‘we will be back next year with a team’ and left.";
    let c = candidate_entities(t);
    assert!(find_quotes(t, &c.mentions, &c.roles).is_empty());
    let opts = QuoteOptions { single_marks: true, ..QuoteOptions::default() };
    let q = find_quotes_with(t, &c.mentions, &c.roles, opts);
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].speaker, Some(Speaker::Entity(0)));
}

#[test]
fn a_short_cue_sentence_after_a_closed_quote_still_attributes_it() {
    let t = "Tom Baker spoke.\n\n“I hope you find the thirty emails that are missing.” Baker said.";
    assert_eq!(speakers(t), vec![some("Tom Baker")]);
}

#[test]
fn a_parenthesis_between_name_and_cue_is_skipped() {
    let t = "“We are tying their hands here today,” state Sen. Tom Baker (D) said.";
    assert_eq!(speakers(t), vec![some("Tom Baker")]);
}

#[test]
fn a_possessive_noun_of_saying_attributes_the_quote() {
    let t =
        "Ms Anna Berg spoke in March.\n\nThe union is upset after her comment that “we are going to close the mines.”";
    assert_eq!(speakers(t), vec![some("her=Anna Berg")]);
}

mod properties {
    use super::super::*;
    use proptest::prelude::*;

    /// Text made of the pieces the scanner cares about: marks, apostrophes, names, cue
    /// verbs, pronouns, punctuation, line breaks and non-ASCII letters.
    fn texty() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "“",
            "”",
            "\"",
            "''",
            "``",
            "‘",
            "’",
            "„",
            "«",
            "»",
            " ",
            " ",
            "\n",
            "\n\n",
            ",",
            ".",
            ":",
            "(",
            ")",
            "—",
            "said",
            "told",
            "according to",
            "he",
            "she",
            "who",
            "the official",
            "Mr",
            "Tom Baker",
            "Baker",
            "Anna",
            "Secretary of State",
            "é",
            "ü",
            "’s",
            "saying",
            "and",
        ]);
        prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn quotes_never_panic_and_stay_on_char_boundaries(
            text in texty(),
            raw in prop::collection::vec((0usize..400, 0usize..40, 0usize..5), 0..8),
        ) {
            // Mentions from a recogniser may be anything; the module must not trust them.
            let mentions: Vec<EntityMention> = raw
                .iter()
                .map(|&(s, len, e)| EntityMention {
                    start: s,
                    end: s + len,
                    entity: e,
                    kind: EntityKind::Person,
                    gender: None,
                })
                .collect();
            let roles = vec![vec!["Secretary of State".to_string()]; 3];
            for q in find_quotes(&text, &mentions, &roles) {
                prop_assert!(q.start <= q.end && q.end <= text.len());
                prop_assert!(text.is_char_boundary(q.start) && text.is_char_boundary(q.end));
                if let Some(c) = q.cue {
                    prop_assert!(text.get(c).is_some());
                }
                match q.speaker {
                    Some(Speaker::Pronoun { start, end, .. })
                    | Some(Speaker::Described { start, end, .. })
                    | Some(Speaker::Unlinked { start, end }) => {
                        prop_assert!(start < end && text.get(start..end).is_some());
                    }
                    _ => {}
                }
            }
            let c = candidate_entities(&text);
            for m in &c.mentions {
                prop_assert!(text.get(m.start..m.end).is_some());
            }
            let _ = find_quotes_with(&text, &c.mentions, &c.roles, QuoteOptions { single_marks: true, subject_fallback: true });
        }
    }
}

#[test]
fn a_participle_after_a_cue_keeps_that_cues_speaker() {
    let t = "Omar Ali left early. Tom Baker watched him go, Baker said, adding, “He was not very religious at all.”";
    assert_eq!(speakers(t), vec![some("Tom Baker")]);
}

#[test]
fn inverted_speaker_may_carry_a_lower_case_title() {
    let t = "In other words, explained CBS moderator Anna Berg: “What does that have to do with it?”";
    assert_eq!(speakers(t), vec![some("Anna Berg")]);
}

#[test]
fn descriptions_that_can_speak() {
    let person = Some(EntityKind::Person);
    let org = Some(EntityKind::Org);
    // People: title words, agent nouns, proper nouns of party or place, ages.
    assert_eq!(description_speaker_kind("a senior negotiator"), person);
    assert_eq!(description_speaker_kind("the retired firefighter"), person);
    assert_eq!(description_speaker_kind("one Ohio Democrat"), person);
    assert_eq!(description_speaker_kind("the 52-year-old"), person);
    assert_eq!(description_speaker_kind("Another"), person);
    // A cue phrase that runs past its noun, and a part of a group.
    assert_eq!(description_speaker_kind("The spokeswoman declined"), person);
    assert_eq!(description_speaker_kind("a source close to the talks"), person);
    assert_eq!(description_speaker_kind("one of the organisers"), person);
    // Organisations, and texts that speak for someone.
    assert_eq!(description_speaker_kind("the company"), org);
    assert_eq!(description_speaker_kind("a new poll"), person);
    assert_eq!(description_speaker_kind("the memo"), person);
}

#[test]
fn descriptions_that_cannot_speak() {
    assert_eq!(description_speaker_kind("The storm"), None);
    assert_eq!(description_speaker_kind("the unconfirmed"), None);
    assert_eq!(description_speaker_kind("the rising cost of housing"), None);
    assert_eq!(description_speaker_kind("that she"), None);
    assert_eq!(description_speaker_kind("the number"), None);
    // A proper noun or a title word that only modifies another noun.
    assert_eq!(description_speaker_kind("the Commons motion"), None);
    assert_eq!(description_speaker_kind("the first three months"), None);
}

#[test]
fn pronouns_are_recognised() {
    assert!(is_pronoun("She"));
    assert!(is_pronoun("their"));
    assert!(is_pronoun("who"));
    assert!(!is_pronoun("Smith"));
}

#[test]
fn a_wrong_gender_guess_does_not_leave_a_pronoun_unresolved() {
    // The recogniser guessed "he" for Dana Reyes; "she" still finds the only person near.
    let t = "Dana Reyes thanked the staff.\n\n“We could not have done it without all of them,” she said.";
    let mentions =
        [EntityMention { start: 0, end: 10, entity: 0, kind: EntityKind::Person, gender: Some(Gender::Male) }];
    let q = find_quotes(t, &mentions, &[Vec::new()]);
    assert!(matches!(q[0].speaker, Some(Speaker::Pronoun { entity: 0, .. })), "{:?}", q[0].speaker);
    // With a woman in the window, the gender still decides.
    let t = "Dana Reyes met Tom Hale.\n\n“We could not have done it without all of them,” she said.";
    let mentions = [
        EntityMention { start: 0, end: 10, entity: 0, kind: EntityKind::Person, gender: Some(Gender::Female) },
        EntityMention { start: 15, end: 23, entity: 1, kind: EntityKind::Person, gender: Some(Gender::Male) },
    ];
    let q = find_quotes(t, &mentions, &[Vec::new(), Vec::new()]);
    assert!(matches!(q[0].speaker, Some(Speaker::Pronoun { entity: 0, .. })), "{:?}", q[0].speaker);
}

#[test]
fn lower_cased_tokens_match_to_lowercase() {
    let texts = [
        "Mr. SMITH Said: “ÉCOLE Straße İstanbul \u{212a}elvin ΣΑΣ’s,” THEY SAID.",
        "plain ascii words only, Said He",
        "",
    ];
    for text in texts {
        let toks = tokens(text);
        let doc = Doc {
            text,
            toks: &toks,
            spans: &[],
            mentions: &[],
            roles: &[],
            bounds: Vec::new(),
            genders: HashMap::new(),
            lowered: Lowered::new(text, None, &toks),
        };
        for i in 0..toks.len() + 2 {
            assert_eq!(doc.lower(i), doc.word(i).to_lowercase(), "{text:?} token {i}");
            assert_eq!(doc.normed(i), norm(doc.word(i)), "{text:?} token {i}");
        }
    }
}

#[test]
fn pronoun_look_ups_ignore_case_without_allocating() {
    assert_eq!(lexicon::pronoun("SHE"), Some(PronounClass::Female));
    assert_eq!(lexicon::pronoun("It"), Some(PronounClass::Neuter));
    assert_eq!(lexicon::pronoun("İt"), None);
    assert_eq!(lexicon::pronoun("hé"), None);
    assert_eq!(possessive("Their"), Some(PronounClass::Plural));
    assert_eq!(possessive("theirs"), None);
}

#[test]
fn word_count_matches_split_whitespace() {
    let reference = |s: &str| s.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count();
    for s in [
        "",
        " ",
        "a",
        "-- a b, c.",
        "\u{b}x\u{c}y\rz\t\n!",
        " ... 3 4,5 ?! ",
        "Ça va, «non» ok",
        "a\u{a0}b\u{3000}c\u{200b}d",
        "“We expect a second round,” he said.",
        "one two three four fünf",
        "one two three fünf four",
        "a b c d\u{a0}e f",
        "a\u{a0}b c d e f",
        "x y z \u{2003} w v",
        "é",
    ] {
        for cap in 0..7 {
            assert_eq!(count_words_up_to(s, cap), reference(s).min(cap), "{s:?} up to {cap}");
        }
    }
}

/// Texts for holding the fast paths of the scanner to their plain versions.
const FAST_PATH_TEXTS: &[&str] = &[
    "",
    "No quotes here. None at all!",
    "“A nested ‘inner’ quote,” she said. Then: \"straight\" ones. U.S. aid? Yes.",
    "Müller’s «non» „ja“ — “Ça va?” asked Zoë. “Étrange!” Ökonom said.\n\nNew para.",
    "\"Unclosed quote. And 3.5 pc. Mr. Smith's dog! Why?\" he asked.",
    "End with a stop.",
    "..",
    "“",
];

fn doc_for<'a>(text: &'a str, toks: &'a [Tok], spans: &'a [Range<usize>]) -> Doc<'a> {
    Doc {
        text,
        toks,
        spans,
        mentions: &[],
        roles: &[],
        bounds: Vec::new(),
        genders: HashMap::new(),
        lowered: Lowered::new(text, None, toks),
    }
}

#[test]
fn fast_paths_match_the_token_walks_they_replace() {
    for text in FAST_PATH_TEXTS {
        let toks = tokens(text);
        let spans = marks::quoted_spans(text, false);
        let doc = doc_for(text, &toks, &spans);
        // Non-ASCII tokens, lower-cased.
        let other: Vec<(usize, String)> = toks
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.text(text).is_ascii())
            .map(|(i, t)| (i, t.text(text).to_lowercase()))
            .collect();
        assert_eq!(doc.lowered.other, other, "{text:?}");
        // Sentence stops.
        let mut stops = Vec::new();
        doc.push_sentence_stops(&mut stops);
        let mut reference = Vec::new();
        for (i, t) in toks.iter().enumerate() {
            let stop = t.end == t.start + 1 && matches!(text.as_bytes().get(t.start), Some(b'.' | b'?' | b'!'));
            if !t.word && stop && !doc.in_quote(t.start) {
                let next_is_space = text.get(t.end..).and_then(|s| s.chars().next()).is_none_or(char::is_whitespace);
                if next_is_space && i + 1 < toks.len() {
                    reference.push(t.end);
                }
            }
        }
        assert_eq!(stops, reference, "{text:?}");
        // Tokens outside quotes, for every range of token boundaries.
        let mut cuts: Vec<usize> = toks.iter().flat_map(|t| [t.start, t.end]).collect();
        cuts.extend([0, text.len()]);
        for &a in &cuts {
            for &b in &cuts {
                let reference: Vec<usize> = (doc.tok_from(a)..doc.tok_from(b).max(doc.tok_from(a)))
                    .filter(|&i| toks[i].end <= b && !doc.in_quote(toks[i].start))
                    .collect();
                assert_eq!(doc.toks_in(a..b), reference, "{text:?} {a}..{b}");
            }
        }
    }
}

#[test]
fn non_ascii_search_matches_a_byte_search() {
    let texts =
        ["", "a", "abcdefgh", "abcdefghé", "é", "“Yes,” she said — plainly. naïve café 日本", "12345678\u{80}abc"];
    for text in texts {
        let bytes = text.as_bytes();
        for from in 0..=bytes.len() + 1 {
            let slow = bytes.get(from..).and_then(|rest| rest.iter().position(|b| !b.is_ascii())).map(|k| from + k);
            assert_eq!(next_non_ascii(bytes, from), slow, "{text:?} from {from}");
        }
    }
}

#[test]
fn a_lowered_copy_from_the_caller_gives_the_same_quotes() {
    let texts = [
        "“We will win,” Mr Smith said. He added: “It is certain.”",
        "SAID SMITH: “NOTHING CHANGES.” Jones, WHO declined, said “maybe”.",
        "Ünïcode Ärger: “Wir schaffen das,” sagte Merkel. “Yes,” said İlhan Omar’s aide.",
        "",
        "No quotes here at all.",
    ];
    for text in texts {
        let c = candidate_entities(text);
        let low = text.to_ascii_lowercase();
        assert_eq!(
            find_quotes_lowered(text, &low, &c.mentions, &c.roles),
            find_quotes(text, &c.mentions, &c.roles),
            "{text:?}"
        );
    }
}
