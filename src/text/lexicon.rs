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
    ABBREVIATIONS.contains(&word)
}

/// Whether `word` (with or without its final dot) is an abbreviation that is normally followed
/// by a name or a number, so that a capital after it does not start a new sentence.
pub fn is_name_prefix(word: &str) -> bool {
    NAME_PREFIXES.contains(&word.strip_suffix('.').unwrap_or(word))
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
