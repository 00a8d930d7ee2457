//! Bytes to text: byte-order marks, UTF-8, and legacy encodings detected by `chardetng`.
//!
//! Decoding never fails: bytes that cannot be decoded become U+FFFD, and the caller learns that
//! it happened (`had_errors`) so it can say so.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8};

/// Decoded text and how it was decoded.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// The text.
    pub text: Cow<'a, str>,
    /// The encoding used, by its WHATWG name (`UTF-8`, `windows-1252`, `UTF-16LE`, ...).
    pub encoding: &'static str,
    /// Whether some bytes were malformed and replaced by U+FFFD.
    pub had_errors: bool,
}

/// The encoding announced by a byte-order mark, with the mark's length.
pub fn sniff_bom(bytes: &[u8]) -> Option<(&'static Encoding, usize)> {
    Encoding::for_bom(bytes)
}

/// Decodes `bytes`: by byte-order mark, else as UTF-8 if valid, else by `declared` (a charset
/// label such as the one an HTML page declares) if known, else by detection.
pub fn decode<'a>(bytes: &'a [u8], declared: Option<&str>) -> Decoded<'a> {
    if let Some((encoding, bom_len)) = sniff_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return Decoded { text, encoding: encoding.name(), had_errors };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded { text: Cow::Borrowed(text), encoding: UTF_8.name(), had_errors: false };
    }
    let encoding = declared
        .and_then(|label| Encoding::for_label(label.trim().as_bytes()))
        // A page that says UTF-8 but is not valid UTF-8 is better served by detection.
        .filter(|e| *e != UTF_8)
        .unwrap_or_else(|| detect(bytes));
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    Decoded { text, encoding: encoding.name(), had_errors }
}

/// Guesses the legacy encoding of bytes that are not valid UTF-8.
fn detect(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(None, chardetng::Utf8Detection::Allow)
}

/// The charset an HTML page declares in its first bytes (`<meta charset=...>` or
/// `content="text/html; charset=..."`), if any.
pub fn html_declared_charset(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let at = find(&lower, b"charset=")? + b"charset=".len();
    let rest = &lower[at..];
    let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
    let end = rest.iter().position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':')))?;
    (end > 0).then(|| String::from_utf8_lossy(&rest[..end]).into_owned())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode("café".as_bytes(), None).text, "café");
        let with_bom = [&[0xEF, 0xBB, 0xBF][..], "café".as_bytes()].concat();
        let d = decode(&with_bom, None);
        assert_eq!(d.text, "café");
        assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn utf16_by_bom() {
        let mut le = vec![0xFF, 0xFE];
        le.extend("Aleppo’s".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&le, None).text, "Aleppo’s");
        let mut be = vec![0xFE, 0xFF];
        be.extend("Zürich".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(&be, None).text, "Zürich");
    }

    #[test]
    fn legacy_encodings_are_detected() {
        // "Le café coûte 3 €" in windows-1252.
        let bytes = b"Le caf\xe9 co\xfbte 3 \x80 et le th\xe9 est l\xe0.";
        let d = decode(bytes, None);
        assert_eq!(d.text, "Le café coûte 3 € et le thé est là.");
        assert!(!d.had_errors);
    }

    #[test]
    fn declared_charset_is_used() {
        let bytes = b"<meta charset=\"iso-8859-7\"><p>\xc1\xe8\xde\xed\xe1</p>";
        assert_eq!(html_declared_charset(bytes).as_deref(), Some("iso-8859-7"));
        assert!(decode(bytes, Some("iso-8859-7")).text.contains("Αθήνα"));
    }

    #[test]
    fn invalid_bytes_never_panic() {
        let d = decode(&[0xC3, 0x28, 0xFF, 0xFE, 0x00, 0x80], None);
        assert!(!d.text.is_empty());
    }
}
