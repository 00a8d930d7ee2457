//! Small closed word lists shared by the tokenizer and the sentence splitter.
//!
//! They are facts of English news style, written here by hand; the larger lexicons (gazetteer,
//! tone) are data files built by scripts under `scripts/`.

/// Abbreviations that take a final dot without ending a sentence ("Mr.", "Gen.", "Jan.").
/// Compared without the dot, case-sensitively for the titled ones.
const ABBREVIATIONS: &[&str] = &[
    // Titles and honorifics.
    "Mr", "Mrs", "Ms", "Mx", "Dr", "Prof", "Gen", "Sen", "Rep", "Gov", "Lt", "Col", "Capt", "Cpt", "Sgt", "Maj", "Adm",
    "Cmdr", "Cdr", "Gens", "Sens", "Reps", "Rev", "Hon", "Pres", "Supt", "Insp", "Det", "Cpl", "Pte", "Pvt", "Brig",
    "Amb", "Atty", "Messrs", "Mmes", "Msgr", "Fr", "Sr", "Jr", "St", // Months and days.
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Mon", "Tue", "Tues", "Wed",
    "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun", // Companies, places, misc.
    "Inc", "Corp", "Ltd", "Co", "Bros", "Plc", "Mt", "Ft", "Ave", "Blvd", "Rd", "Sq", "No", "Nos", "vs", "etc",
    "approx", "est", "dept", "Dept", "Univ", "Assn", "Intl", "Natl", "Govt", "Fig", "fig", "cf", "al", "ca", "vol",
    "Vol", "pp", "para", "Calif", "Mass", "Conn", "Penn", "Ariz", "Colo", "Fla", "Ill", "Tenn", "Wash", "Mich", "Minn",
    "Wis", "Okla", "Ore", "Nev", "Del",
];

/// Abbreviations after which a following capitalised word usually does not start a sentence:
/// titles that precede a name and months that precede a day.
const NAME_PREFIXES: &[&str] = &[
    "Mr", "Mrs", "Ms", "Mx", "Dr", "Prof", "Gen", "Sen", "Rep", "Gov", "Lt", "Col", "Capt", "Cpt", "Sgt", "Maj", "Adm",
    "Cmdr", "Cdr", "Rev", "Hon", "Pres", "Supt", "Insp", "Det", "Cpl", "Pte", "Pvt", "Brig", "Amb", "Atty", "Messrs",
    "Msgr", "Fr", "St", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "No",
    "Nos", "Mt", "Ft", "vs", "cf", "Fig", "fig",
];

/// Whether `word` (without its final dot) is a known abbreviation.
pub fn is_abbreviation(word: &str) -> bool {
    short_key(word.as_bytes()).is_some_and(|key| ABBREVIATION_KEYS.binary_search(&key).is_ok())
}

/// Whether `word` (with or without its final dot) is an abbreviation that is normally followed
/// by a name or a number, so that a capital after it does not start a new sentence.
pub fn is_name_prefix(word: &str) -> bool {
    let word = word.strip_suffix('.').unwrap_or(word);
    short_key(word.as_bytes()).is_some_and(|key| NAME_PREFIX_KEYS.binary_search(&key).is_ok())
}

/// The tokenizer asks at every word before a dot and the splitter at every sentence end, so the
/// lists are searched as sorted integer keys rather than string by string.
const ABBREVIATION_KEYS: [u64; ABBREVIATIONS.len()] = sorted_keys(ABBREVIATIONS);
const NAME_PREFIX_KEYS: [u64; NAME_PREFIXES.len()] = sorted_keys(NAME_PREFIXES);

/// Longest word a key holds: its bytes fill the low bytes of a `u64`, its length the top one.
const MAX_KEY_LEN: usize = 7;

/// The key of a word of at most [`MAX_KEY_LEN`] bytes: equal keys, equal words.
const fn short_key(word: &[u8]) -> Option<u64> {
    if word.len() > MAX_KEY_LEN {
        return None;
    }
    let mut key = (word.len() as u64) << 56;
    let mut i = 0;
    while i < word.len() {
        key |= (word[i] as u64) << (8 * i);
        i += 1;
    }
    Some(key)
}

/// The keys of `words`, sorted; a word too long for a key fails the build.
const fn sorted_keys<const N: usize>(words: &[&str]) -> [u64; N] {
    let mut keys = [0u64; N];
    let mut i = 0;
    while i < N {
        keys[i] = match short_key(words[i].as_bytes()) {
            Some(key) => key,
            None => panic!("lexicon word longer than a key"),
        };
        // Insertion sort: the lists are short and this runs at compile time.
        let mut j = i;
        while j > 0 && keys[j - 1] > keys[j] {
            let swap = keys[j - 1];
            keys[j - 1] = keys[j];
            keys[j] = swap;
            j -= 1;
        }
        i += 1;
    }
    keys
}

/// Words that commonly start a sentence; after an ambiguous abbreviation such as "U.S." they
/// signal that the abbreviation also ended the sentence.
pub fn is_common_sentence_starter(word: &str) -> bool {
    matches!(
        word,
        "The"
            | "A"
            | "An"
            | "He"
            | "She"
            | "It"
            | "They"
            | "We"
            | "I"
            | "You"
            | "But"
            | "And"
            | "In"
            | "This"
            | "That"
            | "These"
            | "Those"
            | "There"
            | "His"
            | "Her"
            | "Their"
            | "Its"
            | "Our"
            | "Mr"
            | "Mrs"
            | "Ms"
            | "Dr"
            | "On"
            | "At"
            | "As"
            | "If"
            | "When"
            | "While"
            | "After"
            | "Before"
            | "However"
            | "Meanwhile"
            | "So"
            | "Yet"
            | "Some"
            | "Many"
            | "Most"
            | "Officials"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_lookups_agree_with_the_lists() {
        let mut probes: Vec<String> = ABBREVIATIONS.iter().chain(NAME_PREFIXES).map(|w| w.to_string()).collect();
        for word in ABBREVIATIONS.iter().chain(NAME_PREFIXES) {
            probes.push(format!("{word}."));
            probes.push(format!("{word}s"));
            probes.push(word.to_lowercase());
            probes.push(word[..word.len() - 1].to_string());
        }
        probes.extend(
            ["", ".", "M", "Mr..", "Messrsx", "Messrsxy", "Septembre", "Zürich", "é", "Mr\u{0}", "\u{0}"]
                .map(String::from),
        );
        for probe in &probes {
            assert_eq!(is_abbreviation(probe), ABBREVIATIONS.contains(&probe.as_str()), "{probe:?}");
            let bare = probe.strip_suffix('.').unwrap_or(probe);
            assert_eq!(is_name_prefix(probe), NAME_PREFIXES.contains(&bare), "{probe:?}");
        }
    }
}
