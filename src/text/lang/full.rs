//! The slow, careful path of language identification: lingua's detector
//! with all n-gram lengths, for texts too short for the trigram table.
//! Compiled only with the `lingua` feature (on by default): its models add
//! about 280 MB to the binary.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use lingua::{Language, LanguageDetector, LanguageDetectorBuilder};

use super::{Accuracy, Detection, SUPPORTED};

/// Lingua's detector over the [`SUPPORTED`] languages.
pub(super) struct Full {
    detector: LanguageDetector,
    codes: HashMap<Language, &'static str>,
}

impl Full {
    pub(super) fn new(accuracy: Accuracy) -> Self {
        let mut builder = LanguageDetectorBuilder::from_all_languages();
        if accuracy == Accuracy::Low {
            builder.with_low_accuracy_mode();
        }
        let codes = Language::all()
            .into_iter()
            .filter_map(|language| {
                let code = language.iso_code_639_1().to_string();
                SUPPORTED
                    .iter()
                    .find(|supported| **supported == code)
                    .map(|supported| (language, *supported))
            })
            .collect();
        Self {
            detector: builder.build(),
            codes,
        }
    }

    /// Lingua's verdict on `text`, with the head-to-head confidence of the
    /// two best languages; `None` on a tie or when nothing scores.
    pub(super) fn detect(&self, text: &str) -> Option<Detection> {
        // The statistics come from a third-party crate; a bug there must not
        // take the document down with it.
        let values = catch_unwind(AssertUnwindSafe(|| {
            self.detector.compute_language_confidence_values(text)
        }))
        .ok()?;
        let (language, confidence) = *values.first()?;
        // A tie means no language stands out (the same rule as lingua's own
        // `detect_language_of`).
        let runner_up = values.get(1).map_or(0.0, |(_, value)| *value);
        if confidence <= 0.0 || (confidence - runner_up).abs() < f64::EPSILON {
            return None;
        }
        Some(Detection {
            code: self.codes.get(&language)?,
            confidence: (confidence / (confidence + runner_up)) as f32,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_supported_language_has_a_code() {
        let full = Full::new(Accuracy::High);
        assert_eq!(full.codes.len(), SUPPORTED.len());
    }
}
