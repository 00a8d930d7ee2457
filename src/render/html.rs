//! HTML escaping for `lede render`: every piece of record text goes through here, so an
//! article containing `<script>` shows as text and an attribute cannot be broken out of.

use std::fmt::Write as _;
use std::io::{self, Write};

/// Writes `text` with `&`, `<`, `>`, `"` and `'` escaped; safe in element content and in
/// quoted attribute values alike.
///
/// # Errors
/// When `out` fails.
pub fn write_escaped<W: Write + ?Sized>(out: &mut W, text: &str) -> io::Result<()> {
    let bytes = text.as_bytes();
    let mut from = 0;
    for (at, &b) in bytes.iter().enumerate() {
        let entity: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&bytes[from..at])?;
        out.write_all(entity)?;
        from = at + 1;
    }
    out.write_all(&bytes[from..])
}

/// `text` escaped as by [`write_escaped`], as a string (for attribute values built up front).
pub fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&#39;"),
            _ => s.push(c),
        }
    }
    s
}

/// A number for display: at most `digits` decimals, trailing zeros dropped.
pub fn number(value: f64, digits: usize) -> String {
    if !value.is_finite() {
        return "?".into();
    }
    let mut s = String::new();
    let _ = write!(s, "{value:.digits$}");
    if s.contains('.') {
        let trimmed = s.trim_end_matches('0').trim_end_matches('.');
        s.truncate(trimmed.len());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped() {
        let mut out = Vec::new();
        write_escaped(&mut out, "<script>alert('x') & \"y\"</script>").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(escape("a<b>“ü”"), "a&lt;b&gt;“ü”");
    }

    #[test]
    fn numbers_drop_trailing_zeros() {
        assert_eq!(number(0.5, 2), "0.5");
        assert_eq!(number(60.0, 2), "60");
        assert_eq!(number(1234.567, 2), "1234.57");
        assert_eq!(number(f64::NAN, 2), "?");
    }
}
