//! Language identification: which language a document, or one of its
//! paragraphs, is written in, as an ISO 639-1 code with a confidence.
//!
//! Sits in the enrich step, after the body text and its paragraphs are known;
//! it runs on every document, so it looks only at a bounded sample of the
//! text (see [`MAX_SAMPLE_BYTES`]), which keeps the cost per document flat
//! however long the article is.
//!
//! The statistics are those of the `lingua` crates' language models
//! (Apache-2.0) for 75 languages ([`SUPPORTED`]), turned into two tables by
//! `examples/build_lang_model.rs`; the library itself does not depend on
//! lingua. A script that one language alone writes decides by itself; a
//! sample long enough is scored by the fast path (`fast.rs`): one table of
//! the one- to three-character n-grams of all languages,
//! `data/lang/ngrams.bin`. Short samples take the short-text path
//! (`short.rs`), which adds the four- and five-character n-grams of
//! `data/lang/ngrams45.bin` and scores like lingua's high-accuracy mode:
//! several times slower per byte, much better on a sentence.

use std::ops::Range;
use std::sync::LazyLock;

use fast::ScriptVerdict;

mod fast;
mod short;

/// The ISO 639-1 codes this module can answer, one per supported language.
///
/// `nb` is Norwegian Bokmål and `nn` Nynorsk (never the macrolanguage `no`),
/// `tl` is Tagalog, `lg` Ganda.
pub const SUPPORTED: [&str; 75] = [
    "af", "ar", "az", "be", "bg", "bn", "bs", "ca", "cs", "cy", "da", "de", "el", "en", "eo", "es", "et", "eu", "fa",
    "fi", "fr", "ga", "gu", "he", "hi", "hr", "hu", "hy", "id", "is", "it", "ja", "ka", "kk", "ko", "la", "lg", "lt",
    "lv", "mi", "mk", "mn", "mr", "ms", "nb", "nl", "nn", "pa", "pl", "pt", "ro", "ru", "sk", "sl", "sn", "so", "sq",
    "sr", "st", "sv", "sw", "ta", "te", "th", "tl", "tn", "tr", "ts", "uk", "ur", "vi", "xh", "yo", "zh", "zu",
];

/// How many bytes of a text are looked at, at most.
///
/// A few hundred characters already decide the language of a news article
/// almost always; beyond that more text costs time and adds nothing.
pub const MAX_SAMPLE_BYTES: usize = 1024;

/// A sample with at least this many letters in a shared script is scored by
/// the fast trigram table alone; shorter ones by n-grams of one to five
/// characters. Below about 200 letters the longer n-grams still pay off on
/// the Lingua test sentences; above it they change nearly nothing.
pub const FAST_MIN_LETTERS: usize = 200;

/// How many bytes of a paragraph are looked at, at most: a paragraph's
/// language only matters where it differs from the document's, and two
/// dozen words show that; paragraph detection must stay cheap beside the
/// rest of the pipeline.
pub const MAX_PARAGRAPH_SAMPLE_BYTES: usize = 160;

/// A paragraph with fewer letters than this gets no detection of its own:
/// a caption or a one-line quote is too short to tell closely related
/// languages apart, and it would only add noise.
pub const MIN_PARAGRAPH_LETTERS: usize = 40;

/// A paragraph is reported as being in another language than its document
/// only with at least this confidence (see [`foreign_paragraphs`]).
pub const FOREIGN_PARAGRAPH_CONFIDENCE: f32 = 0.8;

/// The language found for a text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    /// ISO 639-1 code, one of [`SUPPORTED`].
    pub code: &'static str,
    /// How clearly the detected language beats its closest rival, in
    /// `[0.5, 1]` (0.5 only on a tie). From the n-gram tables: the logistic of the difference of
    /// the mean scores of the two best languages, scaled by the square root
    /// of the text's length. From the script alone: the
    /// share of letters in that script. A short Bosnian sentence that could
    /// as well be Croatian gets little more than 0.5, a long clear article
    /// about 0.9999. A score for ranking and thresholds, not a calibrated
    /// probability of being right.
    pub confidence: f32,
}

/// How hard the detector works on a sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Accuracy {
    /// All n-gram lengths from 1 to 5 on short texts, trigrams on long ones:
    /// the better choice for sentences and short paragraphs.
    #[default]
    High,
    /// Trigrams only: a few times faster, noticeably worse on short texts,
    /// about as good on long ones.
    Low,
}

/// A language detector over the [`SUPPORTED`] languages.
///
/// Building one is free; the n-gram tables are compiled into the binary and
/// opened on first use, once per process, shared by every detector (the
/// trigram table's keys are copied into a 3 MB array, the rest of both tables
/// is read in place). [`detect`] and [`detect_paragraphs`] use a shared
/// high-accuracy instance.
pub struct LanguageIdentifier {
    accuracy: Accuracy,
}

impl LanguageIdentifier {
    /// A detector in the given accuracy mode.
    pub fn new(accuracy: Accuracy) -> Self {
        Self { accuracy }
    }

    /// The language of `text`, judged on its first [`MAX_SAMPLE_BYTES`]
    /// bytes; `None` when the sample has no letters or no language stands
    /// out.
    ///
    /// A script that only one language writes decides by itself; a sample
    /// with at least [`FAST_MIN_LETTERS`] letters of a shared script (Latin,
    /// Cyrillic, Arabic, Devanagari) is scored with the trigram table;
    /// shorter ones (in [`Accuracy::High`]) with n-grams of one to five
    /// characters, which pays off on short texts.
    pub fn detect(&self, text: &str) -> Option<Detection> {
        let sample = sample(text, MAX_SAMPLE_BYTES);
        match fast::by_script(sample) {
            ScriptVerdict::Empty => None,
            ScriptVerdict::Decided(detection) => Some(detection),
            ScriptVerdict::Shared(shared) if shared.letters >= FAST_MIN_LETTERS || self.accuracy == Accuracy::Low => {
                fast::by_trigrams(sample, &shared)
            }
            ScriptVerdict::Shared(shared) => {
                short::by_all_ngrams(sample, &shared).or_else(|| fast::by_trigrams(sample, &shared))
            }
        }
    }

    /// The language of `text` by the fast path alone (script, then the
    /// trigram table, whatever the length): several times cheaper than
    /// [`Self::detect`] on a short text, and less accurate on one.
    pub fn detect_fast(&self, text: &str) -> Option<Detection> {
        let sample = sample(text, MAX_SAMPLE_BYTES);
        match fast::by_script(sample) {
            ScriptVerdict::Empty => None,
            ScriptVerdict::Decided(detection) => Some(detection),
            ScriptVerdict::Shared(shared) => fast::by_trigrams(sample, &shared),
        }
    }

    /// One entry per range in `paragraphs`: the paragraph's own language, or
    /// `None` when it has fewer than [`MIN_PARAGRAPH_LETTERS`] letters, when
    /// the range is not a valid byte range of `text` on character
    /// boundaries, or when no language stands out.
    ///
    /// Each paragraph is judged on its first [`MAX_PARAGRAPH_SAMPLE_BYTES`]
    /// bytes, by the script and the trigram table only, and scoring stops
    /// as soon as the paragraph is clear (a confidence of about 0.95): an
    /// article can have dozens of paragraphs, and this must cost far less
    /// than the rest of the pipeline. Confidences are lower accordingly than
    /// [`Self::detect`] would give on the same text.
    pub fn detect_paragraphs(&self, text: &str, paragraphs: &[Range<usize>]) -> Vec<Option<Detection>> {
        paragraphs
            .iter()
            .map(|range| {
                let paragraph = text.get(range.clone())?;
                let sampled = sample(paragraph, MAX_PARAGRAPH_SAMPLE_BYTES);
                let (verdict, sampled_letters) = fast::by_script_counted(sampled);
                // The sample's letters are the paragraph's first ones: enough of them settle the
                // count without another pass over the paragraph.
                if sampled_letters < MIN_PARAGRAPH_LETTERS
                    && letter_count(paragraph, MIN_PARAGRAPH_LETTERS) < MIN_PARAGRAPH_LETTERS
                {
                    return None;
                }
                let paragraph = sampled;
                match verdict {
                    ScriptVerdict::Empty => None,
                    ScriptVerdict::Decided(detection) => Some(detection),
                    ScriptVerdict::Shared(shared) => {
                        fast::by_trigrams_until(paragraph, &shared, fast::PARAGRAPH_SETTLED)
                    }
                }
            })
            .collect()
    }
}

impl Default for LanguageIdentifier {
    fn default() -> Self {
        Self::new(Accuracy::default())
    }
}

static SHARED: LazyLock<LanguageIdentifier> = LazyLock::new(LanguageIdentifier::default);

/// The language of `text` (high accuracy, first [`MAX_SAMPLE_BYTES`] bytes);
/// `None` for text without letters or when no language stands out.
pub fn detect(text: &str) -> Option<Detection> {
    SHARED.detect(text)
}

/// The language of each paragraph of `text`, given as byte ranges; see
/// [`LanguageIdentifier::detect_paragraphs`].
pub fn detect_paragraphs(text: &str, paragraphs: &[Range<usize>]) -> Vec<Option<Detection>> {
    SHARED.detect_paragraphs(text, paragraphs)
}

/// The paragraphs worth reporting as written in another language than the
/// document: `(index into paragraphs, detection)` for each paragraph whose
/// detection differs from `document` with at least
/// [`FOREIGN_PARAGRAPH_CONFIDENCE`].
pub fn foreign_paragraphs(document: &Detection, paragraphs: &[Option<Detection>]) -> Vec<(usize, Detection)> {
    paragraphs
        .iter()
        .enumerate()
        .filter_map(|(index, detection)| {
            let detection = (*detection)?;
            (detection.code != document.code && detection.confidence >= FOREIGN_PARAGRAPH_CONFIDENCE)
                .then_some((index, detection))
        })
        .collect()
}

/// The longest prefix of `text` of at most `max_bytes` bytes that ends on a
/// character boundary, cut back to the last whitespace when there is one, so
/// that no half word reaches the model.
fn sample(text: &str, max_bytes: usize) -> &str {
    if text.len() <= max_bytes {
        return text;
    }
    let mut end = max_bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let prefix = &text[..end];
    match prefix.rfind(char::is_whitespace) {
        Some(space) if space > 0 => &prefix[..space],
        _ => prefix,
    }
}

/// The number of letters in `text`, counting stops at `enough`.
fn letter_count(text: &str, enough: usize) -> usize {
    let bytes = text.as_bytes();
    let (mut letters, mut at) = (0, 0);
    // ASCII bytewise: paragraphs are mostly ASCII, and most reach `enough`
    // in their first words.
    while let Some(&byte) = bytes.get(at) {
        if letters >= enough {
            break;
        }
        if byte.is_ascii() {
            at += 1;
            letters += usize::from(byte.is_ascii_alphabetic());
            continue;
        }
        let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) else { break };
        at += c.len_utf8();
        letters += usize::from(c.is_alphabetic());
    }
    letters
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> Option<&'static str> {
        detect(text).map(|detection| detection.code)
    }

    #[test]
    fn detects_sentences_in_several_languages() {
        let cases = [
            ("en", "The minister said the talks would resume next week in Geneva."),
            ("de", "Der Minister sagte, die Gespräche würden nächste Woche in Genf fortgesetzt."),
            ("fr", "Le ministre a déclaré que les pourparlers reprendraient la semaine prochaine."),
            ("es", "El ministro dijo que las conversaciones se reanudarán la próxima semana."),
            ("ru", "Министр заявил, что переговоры возобновятся на следующей неделе в Женеве."),
            ("ar", "قال الوزير إن المحادثات ستستأنف الأسبوع المقبل في جنيف."),
            ("zh", "部长说，会谈将于下周在日内瓦恢复。"),
            ("ja", "大臣は、協議は来週ジュネーブで再開されると述べた。"),
        ];
        for (expected, text) in cases {
            assert_eq!(code(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn confidence_is_a_probability() {
        let detection = detect("The weather was cold and wet for most of the week.");
        let detection = detection.expect("an English sentence is detected");
        assert_eq!(detection.code, "en");
        assert!(detection.confidence > 0.5 && detection.confidence <= 1.0);
        let greek = detect("Η κυβέρνηση ανακοίνωσε νέα μέτρα.").expect("Greek is detected");
        assert_eq!((greek.code, greek.confidence), ("el", 1.0));
    }

    #[test]
    fn text_without_letters_has_no_language() {
        for text in ["", "   ", "\n\n", "12 345,67 - 2017-04-12", "!!! ??? ...", "€ $ %"] {
            assert_eq!(detect(text), None, "{text:?}");
        }
    }

    #[test]
    fn short_inputs_do_not_panic() {
        for text in ["a", "é", "я", "字", "a1", "x y", "\u{200b}", "\u{feff}hi"] {
            let _ = detect(text);
        }
    }

    #[test]
    fn arbitrary_text_and_ranges_do_not_panic() {
        // A fixed pseudo-random walk over characters of many scripts,
        // control characters and combining marks, cut into ranges of any kind.
        let pieces = [
            "a", "Z", "é", "ß", "İ", "ı", "я", "Ж", "ع", "ی", "क", "ं", "字", "カ", "ひ", "한", "ก", "ა", "Ա", "א", "α",
            "\u{301}", "\u{200d}", "\u{0}", "\n\n", " ", "-", "1", "🙂", "ǅ",
        ];
        let mut state = 0x2545_f491_u32;
        let identifier = LanguageIdentifier::default();
        for _ in 0..60 {
            let mut text = String::new();
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            for _ in 0..(state % 400) {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                text.push_str(pieces[state as usize % pieces.len()]);
            }
            let detection = identifier.detect(&text);
            assert!(detection.is_none_or(|d| d.confidence > 0.0 && d.confidence <= 1.0));
            let _ = identifier.detect_fast(&text);
            let len = text.len();
            let ranges: Vec<Range<usize>> =
                (0..8).map(|i| (state as usize + i * 7) % (len + 2)..(state as usize / 3 + i) % (len + 2)).collect();
            assert_eq!(identifier.detect_paragraphs(&text, &ranges).len(), ranges.len());
        }
    }

    #[test]
    fn long_text_is_judged_on_a_prefix() {
        let english = "Officials met again on Tuesday to discuss the plan. ".repeat(100);
        let german = "Die Beamten trafen sich am Dienstag erneut. ".repeat(100);
        let text = format!("{english}{german}");
        assert_eq!(code(&text), Some("en"));
    }

    #[test]
    fn letter_count_matches_the_character_loop() {
        for text in ["", "abc", "a1 b2\r\nc3", "Über-Straße 12", "Москва, 北京 🙂 x\u{301}y", "\u{85}\u{a0}z"]
        {
            for enough in [0, 1, 2, 5, 40, 1000] {
                let expected = text.chars().filter(|c| c.is_alphabetic()).take(enough).count();
                assert_eq!(letter_count(text, enough), expected, "{text:?} {enough}");
            }
        }
    }

    #[test]
    fn the_script_verdict_counts_the_letters_as_letter_count_does() {
        let long = "Ünïcödé and plain ASCII letters, 1234 digits; Москва 北京 ".repeat(5);
        for text in
            ["", "abc", "a1 b2\r\nc3", "Über-Straße 12", "Москва, 北京 🙂 x\u{301}y", "\u{85}\u{a0}z", long.as_str()]
        {
            assert_eq!(fast::by_script_counted(text).1, letter_count(text, usize::MAX), "{text:?}");
        }
    }

    #[test]
    fn sample_never_splits_a_character() {
        let text = "é".repeat(1000);
        for max in [0, 1, 2, 3, 511, 512, 513] {
            let cut = sample(&text, max);
            assert!(cut.len() <= max);
            assert!(text.starts_with(cut));
        }
        assert_eq!(sample("one two three", 9), "one two");
        assert_eq!(sample("short", 100), "short");
    }

    #[test]
    fn paragraphs_get_their_own_language() {
        let text = "The president arrived in Paris on Monday for two days of talks with his counterpart.\n\n\
                    Officials said the meeting had been planned for months and would cover trade.\n\n\
                    Le président est arrivé lundi à Paris pour deux jours d'entretiens avec son homologue.\n\n\
                    Photo: AFP";
        let paragraphs = paragraph_ranges(text);
        let found = detect_paragraphs(text, &paragraphs);
        let codes: Vec<_> = found.iter().map(|d| d.map(|d| d.code)).collect();
        assert_eq!(codes, vec![Some("en"), Some("en"), Some("fr"), None]);

        let document = detect(text).expect("the document has a language");
        assert_eq!(document.code, "en");
        let foreign = foreign_paragraphs(&document, &found);
        assert_eq!(foreign.len(), 1);
        assert_eq!(foreign[0].0, 2);
        assert_eq!(foreign[0].1.code, "fr");
    }

    #[test]
    fn invalid_paragraph_ranges_give_none() {
        let text = "Überall in der Stadt wurden am Wochenende neue Plakate aufgehängt.";
        #[allow(clippy::reversed_empty_ranges)]
        let ranges = [0..1, 1..2, 5..3, 0..10_000, 0..text.len()];
        let found = detect_paragraphs(text, &ranges);
        assert_eq!(found.len(), ranges.len());
        assert!(found[..4].iter().all(Option::is_none));
        assert_eq!(found[4].map(|d| d.code), Some("de"));
    }

    #[test]
    fn low_accuracy_mode_detects_a_sentence() {
        let identifier = LanguageIdentifier::new(Accuracy::Low);
        let text = "Los ciudadanos votaron el domingo en unas elecciones muy disputadas.";
        assert_eq!(identifier.detect(text).map(|d| d.code), Some("es"));
    }

    /// Paragraphs long enough for the trigram table, written for these tests.
    const LONG: [(&str, &str); 6] = [
        (
            "en",
            "The city council voted on Thursday evening to close the old bridge for repairs, \
             after engineers warned that cracks in its supports had grown over the winter. \
             Traffic will be sent through the northern districts until the work is finished.",
        ),
        (
            "de",
            "Der Stadtrat hat am Donnerstagabend beschlossen, die alte Brücke für Reparaturen \
             zu sperren, nachdem Ingenieure vor wachsenden Rissen in den Pfeilern gewarnt hatten. \
             Der Verkehr wird bis zum Ende der Arbeiten durch die nördlichen Bezirke geleitet.",
        ),
        (
            "fr",
            "Le conseil municipal a voté jeudi soir la fermeture du vieux pont pour travaux, \
             après que des ingénieurs ont signalé que les fissures de ses piliers s'étaient \
             agrandies pendant l'hiver. La circulation passera par les quartiers du nord.",
        ),
        (
            "es",
            "El ayuntamiento votó el jueves por la noche cerrar el viejo puente para repararlo, \
             después de que los ingenieros advirtieran que las grietas de sus pilares habían \
             crecido durante el invierno. El tráfico se desviará por los barrios del norte.",
        ),
        (
            "ru",
            "Городской совет в четверг вечером проголосовал за закрытие старого моста на ремонт \
             после того, как инженеры предупредили, что трещины в его опорах за зиму стали \
             больше. Движение будет направлено через северные районы до окончания работ.",
        ),
        (
            "ar",
            "صوت مجلس المدينة مساء الخميس على إغلاق الجسر القديم لإصلاحه بعد أن حذر المهندسون \
             من أن الشقوق في دعاماته اتسعت خلال الشتاء. وسيتم تحويل حركة المرور عبر الأحياء \
             الشمالية حتى انتهاء الأعمال.",
        ),
    ];

    #[test]
    fn long_paragraphs_agree_on_both_paths() {
        let identifier = LanguageIdentifier::default();
        for (expected, text) in LONG {
            let ScriptVerdict::Shared(shared) = fast::by_script(text) else {
                panic!("{expected}: a shared script was expected");
            };
            assert!(shared.letters >= 150, "{expected}: too short");
            let by_trigrams = identifier.detect_fast(text).map(|d| d.code);
            assert_eq!(by_trigrams, Some(expected));
            let detection = identifier.detect(text).expect("a long paragraph is detected");
            assert_eq!(detection.code, expected);
            assert!(detection.confidence > 0.9, "{expected}: {detection:?}");
            let by_short_path = short::by_all_ngrams(text, &shared).map(|d| d.code);
            assert_eq!(by_short_path, Some(expected));
        }
    }

    fn paragraph_ranges(text: &str) -> Vec<Range<usize>> {
        let mut ranges = Vec::new();
        let mut start = 0;
        for (index, _) in text.match_indices("\n\n") {
            ranges.push(start..index);
            start = index + 2;
        }
        ranges.push(start..text.len());
        ranges
    }
}
