//! Keyphrase extraction (the stopword list so far; the scorer follows).

/// The stopword list: `data/stopwords_en.txt`, one word a line.
static STOPWORDS_TXT: &str = include_str!("../../data/stopwords_en.txt");

fn stopwords() -> &'static std::collections::HashSet<&'static str> {
    static CELL: std::sync::OnceLock<std::collections::HashSet<&'static str>> = std::sync::OnceLock::new();
    CELL.get_or_init(|| STOPWORDS_TXT.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect())
}

/// Whether `word` (lowercase; curly apostrophes allowed) is an English stopword.
pub fn is_stopword(word: &str) -> bool {
    if word.contains('\u{2019}') {
        return stopwords().contains(word.replace('\u{2019}', "'").as_str());
    }
    stopwords().contains(word)
}
