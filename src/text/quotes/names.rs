//! A capitalised-name finder, so that quotes can be attributed without a trained
//! recogniser: runs of capitalised words, titles split off as roles ("US Secretary of
//! State" + "Rex Tillerson"), repeated surnames grouped into one entity.

use std::collections::HashSet;
use std::ops::Range;

use super::lexicon::{is_in, WordSet, HONORIFICS, NOT_NAMES, ORG_WORDS, TITLE_WORDS};
use super::words::{capitalised, norm, tokens, Tok};
use super::{EntityKind, EntityMention, Gender};

/// Entities found by [`candidate_entities`]: mentions in text order, and per entity (the
/// index `EntityMention::entity`) its name and the roles written before its mentions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CandidateEntities {
    /// Every name mention, in text order.
    pub mentions: Vec<EntityMention>,
    /// The longest mention of each entity.
    pub names: Vec<String>,
    /// Titles found before each entity's mentions ("Russian Foreign Minister").
    pub roles: Vec<Vec<String>>,
}

/// Name particles that may sit inside a name ("Charles de Gaulle").
static PARTICLES: WordSet = WordSet::new(&["de", "van", "von", "bin", "al", "la", "da", "del", "le", "di"]);

struct Run {
    /// Token indexes of the run.
    toks: Range<usize>,
    /// Where the name proper starts inside the run (after honorifics and titles).
    name_from: usize,
    honorific: Option<String>,
}

fn is_sentence_start(text: &str, toks: &[Tok], i: usize) -> bool {
    let Some(prev) = i.checked_sub(1).and_then(|p| toks.get(p)) else {
        return true;
    };
    let gap = text.get(prev.end..toks[i].start).unwrap_or("");
    if gap.contains('\n') {
        return true;
    }
    let p = prev.text(text);
    matches!(p, "." | "?" | "!" | ":" | "“" | "\"" | "(" | "‘" | "'" | "—" | "–" | "-" | "”" | ";")
        || (prev.word && p.ends_with('.') && !is_in(&HONORIFICS, &norm(p)))
}

/// A first line written in title case (a headline): names there are unreliable.
fn title_case_lines(text: &str, toks: &[Tok]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    // Only the first line can be a headline.
    if let Some(line) = text.split_inclusive('\n').next() {
        let range = 0..line.len();
        let ws: Vec<&Tok> = toks.iter().filter(|t| t.word && t.start >= range.start && t.end <= range.end).collect();
        let caps = ws.iter().filter(|t| capitalised(t.text(text))).count();
        // A headline: short, one sentence, mostly capitalised.
        let one_sentence = !line.trim_end().trim_end_matches('.').contains(". ");
        if (4..=25).contains(&ws.len()) && one_sentence && caps * 10 >= ws.len() * 7 {
            out.push(range);
        }
    }
    out
}

fn runs(text: &str, toks: &[Tok]) -> Vec<Run> {
    let skip_lines = title_case_lines(text, toks);
    // Capitalised words seen somewhere other than at a sentence start.
    let mid_sentence: HashSet<&str> = (0..toks.len())
        .filter(|&k| toks[k].word && !is_sentence_start(text, toks, k))
        .map(|k| toks[k].text(text))
        .filter(|w| capitalised(w))
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        let w = t.text(text);
        if !t.word || !capitalised(w) || skip_lines.iter().any(|r| r.contains(&t.start)) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < toks.len() {
            let n = toks[j];
            let nw = n.text(text);
            let gap = text.get(toks[j - 1].end..n.start).unwrap_or(" ");
            if gap.contains('\n') || !n.word {
                break;
            }
            if capitalised(nw) {
                j += 1;
                continue;
            }
            // "of" inside a title or an organisation, particles inside a name.
            // "of" joins only after a title or an organisation word ("Secretary of State",
            // "University of Iowa"); "Anna Berg of Maryland" is a name and a place.
            let prev_lw = norm(toks[j - 1].text(text));
            let of_ok = nw == "of" && (is_in(&TITLE_WORDS, &prev_lw) || is_in(&ORG_WORDS, &prev_lw));
            let joins = (of_ok || (nw != "of" && is_in(&PARTICLES, nw)))
                && toks.get(j + 1).is_some_and(|k| k.word && capitalised(k.text(text)));
            if joins {
                j += 2;
                continue;
            }
            // "Ambassador to the United Nations Nikki Haley": a title's object.
            let after_title = is_in(&TITLE_WORDS, &norm(toks[j - 1].text(text)));
            let to_the = nw == "to"
                && toks.get(j + 1).is_some_and(|k| k.text(text) == "the")
                && toks.get(j + 2).is_some_and(|k| k.word && capitalised(k.text(text)));
            if after_title && to_the {
                j += 3;
                continue;
            }
            break;
        }
        // Drop leading function words ("But Trump").
        let mut s = i;
        while s < j && is_in(&NOT_NAMES, &norm(toks[s].text(text))) {
            s += 1;
        }
        if s < j {
            let mut name_from = s;
            let mut honorific = None;
            for (k, tok) in toks.iter().enumerate().take(j).skip(s) {
                let lw = norm(tok.text(text));
                let title = is_in(&TITLE_WORDS, &lw) || is_in(&HONORIFICS, &lw) || lw == "of";
                if title && k + 1 < j {
                    if is_in(&HONORIFICS, &lw) {
                        honorific = Some(lw);
                    }
                    name_from = k + 1;
                }
            }
            // After a title with an object ("Ambassador to the United Nations"), the name is
            // the last two words.
            let titled = name_from > s;
            if titled && j - name_from > 3 {
                name_from = j - 2;
            }
            // An organisation name keeps its title-like words ("State Department").
            if is_in(&ORG_WORDS, &norm(toks[j - 1].text(text))) && honorific.is_none() {
                name_from = s;
            }
            // A run made only of title words is an organisation ("White House") unless it
            // is a single word ("President").
            if name_from > s && (name_from..j).all(|k| is_title(text, &toks[k])) {
                name_from = s;
            }
            // Only titles ("Secretary of State") name nobody.
            let all_titles = (s..j).all(|k| {
                let lw = norm(toks[k].text(text));
                is_title(text, &toks[k]) || lw == "of"
            });
            if all_titles && !is_in(&ORG_WORDS, &norm(toks[j - 1].text(text))) {
                i = j.max(i + 1);
                continue;
            }
            let single = j - name_from == 1;
            let lone_title = single && is_title(text, &toks[name_from]);
            let unconfirmed = single && name_from == s && is_sentence_start(text, toks, s);
            if !lone_title && !unconfirmed {
                out.push(Run { toks: s..j, name_from, honorific });
            } else if single && !lone_title {
                // A sentence-initial single word is a name only if it is also capitalised
                // mid-sentence somewhere else in the text.
                if mid_sentence.contains(toks[s].text(text)) {
                    out.push(Run { toks: s..j, name_from, honorific });
                }
            }
        }
        i = j.max(i + 1);
    }
    out
}

fn is_title(text: &str, t: &Tok) -> bool {
    let lw = norm(t.text(text));
    is_in(&TITLE_WORDS, &lw) || is_in(&HONORIFICS, &lw)
}

/// Byte ranges of capitalised name sequences, honorifics and titles left out.
pub fn candidate_names(text: &str) -> Vec<Range<usize>> {
    let toks = tokens(text);
    runs(text, &toks).iter().map(|r| toks[r.name_from].start..toks[r.toks.end - 1].end).collect()
}

fn kind_of(words: &[&str], honorific: bool, titled: bool) -> EntityKind {
    let lower: Vec<String> = words.iter().map(|w| norm(w)).collect();
    if honorific {
        return EntityKind::Person;
    }
    // "Super Tuesday", "Labor Day": a common capitalised word makes it no person.
    if lower.iter().skip(1).any(|w| is_in(&NOT_NAMES, w)) {
        return EntityKind::Other;
    }
    if lower.iter().any(|w| is_in(&ORG_WORDS, w))
        || words.iter().all(|w| w.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase))
    {
        return EntityKind::Org;
    }
    if titled || (2..=3).contains(&words.len()) {
        return EntityKind::Person;
    }
    EntityKind::Other
}

/// Name mentions grouped into entities: a repeated name, or a surname (or first name)
/// repeating the last (or first) word of an earlier person's full name, is the same entity.
pub fn candidate_entities(text: &str) -> CandidateEntities {
    let toks = tokens(text);
    let mut out = CandidateEntities::default();
    // Per entity: lower-cased words of its longest name, and its kind.
    let mut keys: Vec<Vec<String>> = Vec::new();
    let mut kinds: Vec<EntityKind> = Vec::new();
    let mut genders: Vec<Option<Gender>> = Vec::new();
    for run in runs(text, &toks) {
        let name_toks = &toks[run.name_from..run.toks.end];
        let (Some(first), Some(last)) = (name_toks.first(), name_toks.last()) else {
            continue;
        };
        let span = first.start..last.end;
        let words: Vec<&str> = name_toks.iter().map(|t| t.text(text)).filter(|w| !matches!(*w, "of")).collect();
        let lower: Vec<String> = words.iter().map(|w| norm(w)).collect();
        let only_honorifics = (run.toks.start..run.name_from).all(|k| is_in(&HONORIFICS, &norm(toks[k].text(text))));
        let role = (run.name_from > run.toks.start && !only_honorifics).then(|| {
            let a = toks[run.toks.start].start;
            let b = toks[run.name_from - 1].end;
            text.get(a..b).unwrap_or("").to_string()
        });
        let titled = role.as_deref().is_some_and(|r| {
            r.split_whitespace().any(|w| is_in(&TITLE_WORDS, &norm(w)) && !is_in(&ORG_WORDS, &norm(w)))
        });
        let kind = kind_of(&words, run.honorific.is_some(), titled);
        let gender = match run.honorific.as_deref() {
            Some("mr" | "sir" | "lord") => Some(Gender::Male),
            Some("mrs" | "ms" | "miss" | "dame" | "lady" | "mme") => Some(Gender::Female),
            _ => None,
        };
        // Find the entity: exact name first, then a shared surname or first name.
        let found = keys.iter().rposition(|k| *k == lower).or_else(|| {
            let last_w = lower.last()?;
            (0..keys.len()).rev().find(|&e| {
                let k = &keys[e];
                (k.len() > 1 || lower.len() > 1)
                    && kinds[e] != EntityKind::Org
                    && (k.last() == Some(last_w)
                        || (lower.len() == 1 && kinds[e] == EntityKind::Person && k.first() == Some(last_w)))
            })
        });
        let e = match found {
            Some(e) => {
                if lower.len() > keys[e].len() {
                    keys[e] = lower.clone();
                    out.names[e] = words.join(" ");
                }
                if kinds[e] == EntityKind::Other && kind != EntityKind::Other {
                    kinds[e] = kind;
                }
                if genders[e].is_none() {
                    genders[e] = gender;
                }
                e
            }
            None => {
                keys.push(lower.clone());
                kinds.push(kind);
                genders.push(gender);
                out.names.push(words.join(" "));
                out.roles.push(Vec::new());
                keys.len() - 1
            }
        };
        if let Some(r) = role {
            if !out.roles[e].contains(&r) {
                out.roles[e].push(r);
            }
        }
        out.mentions.push(EntityMention { start: span.start, end: span.end, entity: e, kind, gender });
    }
    for m in &mut out.mentions {
        m.kind = kinds[m.entity];
        m.gender = genders[m.entity];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(t: &str) -> Vec<&str> {
        candidate_names(t).into_iter().map(|r| &t[r]).collect()
    }

    #[test]
    fn titles_are_split_off_names() {
        let t = "The talks with US Secretary of State Rex Tillerson ended. Mr Lavrov left.";
        assert_eq!(names(t), vec!["Rex Tillerson", "Lavrov"]);
    }

    #[test]
    fn sentence_initial_words_need_confirmation() {
        let t = "Tensions rose. Critics spoke. Later Smith said no. Smith left.";
        assert_eq!(names(t), vec!["Smith", "Smith"]);
    }

    #[test]
    fn surnames_group_with_the_full_name() {
        let t = "Russian Foreign Minister Sergei Lavrov met him. Then Mr Lavrov spoke.";
        let c = candidate_entities(t);
        assert_eq!(c.mentions.len(), 2);
        assert_eq!(c.mentions[0].entity, c.mentions[1].entity);
        assert_eq!(c.names[0], "Sergei Lavrov");
        assert_eq!(c.roles[0], vec!["Russian Foreign Minister".to_string()]);
        assert_eq!(c.mentions[0].kind, EntityKind::Person);
        assert_eq!(c.mentions[0].gender, Some(Gender::Male));
    }

    #[test]
    fn organisations_are_recognised() {
        let t = "A report from the State Department came out. The White House agreed.";
        let c = candidate_entities(t);
        let names: Vec<&str> = c.names.iter().map(String::as_str).collect();
        assert_eq!(names, vec!["State Department", "White House"]);
        assert!(c.mentions.iter().all(|m| m.kind == EntityKind::Org));
    }
}
