//! Repair of mojibake: UTF-8 text that was once decoded as windows-1252 or
//! Latin-1 (`Aleppoâ€™s` for `Aleppo’s`, `Ã©` for `é`). The decode step
//! calls [`repair`] on every decoded document before parsing.
//!
//! Each suspicious sequence (a UTF-8 lead byte followed by continuation
//! bytes, as windows-1252 shows them) is re-encoded and decoded again; it is
//! replaced only when that gives one valid, plausible character. Correct
//! text has no such sequences, so it comes back borrowed and unchanged.

use std::borrow::Cow;

/// The windows-1252 byte of a character, for characters that encoding has.
/// Code points U+0080..U+009F map to themselves (Latin-1 decoders keep the
/// undefined windows-1252 bytes that way).
fn cp1252_byte(c: char) -> Option<u8> {
    let b = match c {
        '\u{0}'..='\u{ff}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => return None,
    };
    Some(b)
}

/// Whether a repaired character is one that real text plausibly holds; two
/// windows-1252 characters that happen to form rarer code points (IPA,
/// combining marks) are more likely to be genuine.
fn plausible(c: char, len: usize) -> bool {
    let u = c as u32;
    match len {
        2 => {
            matches!(u, 0xA1..=0x17F | 0x370..=0x3FF | 0x400..=0x4FF | 0x5D0..=0x5EA | 0x600..=0x6FF)
        }
        3 => matches!(u, 0x2010..=0x206F | 0x20A0..=0x20CF | 0x2100..=0x215F | 0x2190..=0x21FF) || c.is_alphanumeric(),
        4 => c.is_alphanumeric() || (0x1F300..=0x1FAFF).contains(&u),
        _ => false,
    }
}

/// Repairs UTF-8-read-as-windows-1252 mojibake; returns the input borrowed
/// when nothing needed repair.
pub fn repair(s: &str) -> Cow<'_, str> {
    // Fast path: every mojibake sequence starts with a character in Â..ô, whose UTF-8 lead
    // byte is 0xC3, which a byte search rules out fastest.
    if !s.as_bytes().contains(&0xC3) || !s.chars().any(|c| ('\u{c2}'..='\u{f4}').contains(&c)) {
        return Cow::Borrowed(s);
    }
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut out = String::with_capacity(s.len());
    let mut changed = false;
    let mut i = 0;
    let mut prev_fixed = false;
    while let Some(&(_, c)) = chars.get(i) {
        if let Some((fixed, used)) = try_sequence(&chars, i, prev_fixed) {
            out.push(fixed);
            i += used;
            changed = true;
            prev_fixed = true;
        } else {
            out.push(c);
            i += 1;
            prev_fixed = false;
        }
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(s)
    }
}

/// Tries to read one UTF-8 character from the windows-1252 bytes of the
/// characters starting at `i`; `prev_fixed` tells that the characters just
/// before were a repaired sequence.
fn try_sequence(chars: &[(usize, char)], i: usize, prev_fixed: bool) -> Option<(char, usize)> {
    let lead = cp1252_byte(chars.get(i)?.1)?;
    let len = match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let mut bytes = [lead, 0, 0, 0];
    for (k, slot) in bytes.iter_mut().enumerate().take(len).skip(1) {
        let b = cp1252_byte(chars.get(i + k)?.1)?;
        // A no-break space after a lead is common in real text ("Ã " is rare
        // mojibake), so only accept it inside longer sequences.
        if !(0x80..=0xBF).contains(&b) || (b == 0xA0 && len == 2) {
            return None;
        }
        *slot = b;
    }
    let decoded = std::str::from_utf8(bytes.get(..len)?).ok()?;
    let c = decoded.chars().next()?;
    if !plausible(c, len) {
        return None;
    }
    // A lone garbled CJK (or other non-Latin) letter is weak evidence; ask
    // for a repairable sequence right before or after it.
    let punct_like = matches!(c as u32, 0x2010..=0x215F | 0x2190..=0x21FF);
    if len >= 3 && !punct_like && !prev_fixed && try_sequence_plain(chars, i + len).is_none() {
        return None;
    }
    Some((c, len))
}

/// Like [`try_sequence`] without the follow-up requirement.
fn try_sequence_plain(chars: &[(usize, char)], i: usize) -> Option<char> {
    let lead = cp1252_byte(chars.get(i)?.1)?;
    let len = match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let mut bytes = [lead, 0, 0, 0];
    for (k, slot) in bytes.iter_mut().enumerate().take(len).skip(1) {
        let b = cp1252_byte(chars.get(i + k)?.1)?;
        if !(0x80..=0xBF).contains(&b) {
            return None;
        }
        *slot = b;
    }
    let c = std::str::from_utf8(bytes.get(..len)?).ok()?.chars().next()?;
    plausible(c, len).then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn repairs_curly_quotes_and_accents() {
        assert_eq!(repair("Aleppoâ€™s streets"), "Aleppo’s streets");
        assert_eq!(repair("cafÃ© crÃ¨me"), "café crème");
        assert_eq!(repair("â€œquotedâ€\u{9d}"), "“quoted”");
        assert_eq!(repair("costs Â£5"), "costs £5");
        assert_eq!(repair("MÃ¼nchen"), "München");
        assert_eq!(repair("æ—¥æœ¬"), "日本");
    }

    #[test]
    fn correct_text_is_borrowed() {
        for s in ["Aleppo’s", "café crème", "Ærø — «ça»", "CAFÉ–BAR", "日本語", "São Paulo"] {
            assert!(matches!(repair(s), Cow::Borrowed(_)), "{s}");
        }
    }

    proptest! {
        #[test]
        fn text_without_mojibake_is_unchanged(s in "[a-zA-Z0-9 .,'’“”éèüöäßçñ€–—日本語Привет]{0,60}") {
            // Text holding the garbled byte pattern itself ("ä€€") is the
            // input `repair` exists for; everything else must pass unchanged.
            let chars: Vec<(usize, char)> = s.char_indices().collect();
            prop_assume!((0..chars.len()).all(|i| try_sequence_plain(&chars, i).is_none()));
            prop_assert_eq!(repair(&s), s.as_str());
        }

        #[test]
        fn accented_latin_text_is_unchanged(s in "[a-zA-Z0-9 .,;:!?()éèêàâçôûüöäßñÉÀÇÃÂ]{0,80}") {
            prop_assert_eq!(repair(&s), s.as_str());
        }

        #[test]
        fn repair_undoes_a_windows_1252_round_trip(s in "[a-z éüñ’“”€]{0,40}") {
            // Encode as UTF-8, then read each byte as windows-1252.
            let garbled: String = s
                .bytes()
                .map(|b| {
                    let table = "€\u{81}‚ƒ„…†‡ˆ‰Š‹Œ\u{8d}Ž\u{8f}\u{90}‘’“”•–—˜™š›œ\u{9d}žŸ";
                    if (0x80..0xA0).contains(&b) {
                        table.chars().nth(usize::from(b - 0x80)).unwrap_or('?')
                    } else {
                        char::from(b)
                    }
                })
                .collect();
            prop_assert_eq!(repair(&garbled), s.as_str());
        }
    }
}
