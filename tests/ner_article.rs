//! The tagger and entity resolution on the example article, gallery captions removed.

use lede::text::entities::{resolve, Entity, Gender};
use lede::text::ner::{recognize, EntityKind};
use lede::text::sentences::split_sentences;
use lede::text::tokenize::tokenize;

/// The article body without the photo-gallery caption paragraphs ("12/30 ...").
fn body() -> String {
    let raw = include_str!("fixtures/article.txt");
    let keep: Vec<&str> = raw
        .split('\n')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .filter(|p| {
            let caption = p.split_once('/').is_some_and(|(n, rest)| {
                n.chars().all(|c| c.is_ascii_digit()) && rest.starts_with(|c: char| c.is_ascii_digit())
            });
            !caption && !p.starts_with("30 show all")
        })
        .collect();
    keep.join("\n\n")
}

fn entities() -> (String, Vec<Entity>) {
    let text = body();
    let tokens = tokenize(&text);
    let mentions = recognize(&text, &tokens, &split_sentences(&text, &tokens));
    let title = text.find("\n\n").map(|e| 0..e);
    let es = resolve(&text, &mentions, title);
    (text, es)
}

#[test]
fn article_people_are_found_and_merged() {
    let (_, es) = entities();
    let people: Vec<&Entity> = es.iter().filter(|e| e.kind == EntityKind::Per).collect();
    let names: Vec<&str> = people.iter().map(|e| e.name.as_str()).collect();
    for want in [
        "Rex Tillerson",
        "Sergei Lavrov",
        "Vladimir Putin",
        "Obama",
        "Nikki Haley",
        "James Mattis",
        "Vladimir Safronov",
        "Hillary Clinton",
        "Saddam Hussein",
        "Muammar Gaddafi",
    ] {
        assert!(names.contains(&want), "missing {want} in {names:?}");
    }
    assert!(names.iter().any(|n| n.ends_with("Assad")), "no Assad in {names:?}");
    assert!(names.iter().any(|n| n.ends_with("Trump")), "no Trump in {names:?}");
    // one entity per person
    for surname in ["Tillerson", "Lavrov", "Putin", "Haley", "Assad", "Trump"] {
        let n = people.iter().filter(|e| e.name.ends_with(surname)).count();
        assert_eq!(n, 1, "{surname}: {names:?}");
    }
}

#[test]
fn article_roles_and_genders() {
    let (text, es) = entities();
    let by = |n: &str| es.iter().find(|e| e.name == n).unwrap_or_else(|| panic!("no {n}"));
    assert_eq!(by("Rex Tillerson").roles, vec!["US Secretary of State"]);
    assert!(by("Sergei Lavrov").roles.contains(&"Russian Foreign Minister".to_string()));
    assert!(by("Nikki Haley").roles.contains(&"US Ambassador to the United Nations".to_string()));
    assert!(by("James Mattis").roles.contains(&"US Secretary of Defence".to_string()));
    assert!(by("Obama").roles.contains(&"former President".to_string()));
    assert_eq!(by("Rex Tillerson").gender, Some(Gender::Male));
    assert_eq!(by("Nikki Haley").gender, Some(Gender::Female));
    // mentions are the names alone, never with the honorific
    for e in &es {
        for m in &e.mentions {
            let s = &text[m.clone()];
            assert!(!s.starts_with("Mr ") && !s.ends_with("'s") && !s.ends_with("\u{2019}s"), "{s}");
        }
    }
    let tillerson = by("Rex Tillerson");
    assert!(tillerson.mentions.len() >= 10, "{}", tillerson.mentions.len());
    let top = es
        .iter()
        .filter(|e| e.kind == EntityKind::Per)
        .max_by(|a, b| a.salience.total_cmp(&b.salience))
        .map(|e| e.name.as_str());
    assert!(matches!(top, Some("Rex Tillerson" | "Sergei Lavrov")), "{top:?}");
}

#[test]
#[ignore = "prints the entities for inspection"]
fn print_entities() {
    let (text, es) = entities();
    for e in &es {
        let ms: Vec<&str> = e.mentions.iter().map(|m| &text[m.clone()]).collect();
        println!(
            "{:?} {:?} {:?} roles={:?} {:?} sal={:.2} {:?}",
            e.kind, e.subtype, e.name, e.roles, e.gender, e.salience, ms
        );
    }
}

/// People found in the body written in one case.
fn people_in(text: &str) -> Vec<String> {
    let tokens = tokenize(text);
    let mentions = recognize(text, &tokens, &split_sentences(text, &tokens));
    resolve(text, &mentions, None).into_iter().filter(|e| e.kind == EntityKind::Per).map(|e| e.name).collect()
}

#[test]
fn headline_case_and_lower_case_still_find_most_people() {
    let body = body();
    for (label, text) in [("upper", body.to_uppercase()), ("lower", body.to_lowercase())] {
        let people = people_in(&text);
        let found = ["TILLERSON", "LAVROV", "PUTIN", "HALEY", "MATTIS", "ASSAD", "TRUMP", "CLINTON"]
            .iter()
            .filter(|s| people.iter().any(|p| p.to_uppercase().ends_with(*s)))
            .count();
        assert!(found >= 6, "{label}: only {found} of 8 people: {people:?}");
    }
}
