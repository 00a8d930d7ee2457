//! Framing a byte stream into documents.
//!
//! One input is either JSON lines (one document a line) or one whole document (plain text or
//! HTML). The format is the one configured, else the one the file name says, else sniffed from
//! the first non-blank byte. A UTF-16 input (by its byte-order mark) is transcoded to UTF-8 on
//! the fly, so that line framing works on it too. Memory is bounded: a line or document over its
//! limit is skipped to its end without being buffered and becomes one error frame.

use std::path::Path;

use encoding_rs::{Decoder, UTF_8};
use futures::Stream;
use tokio::io::{AsyncRead, AsyncReadExt};

use super::{Frame, FrameError};
use crate::error::DocError;
use crate::model::{Document, Format, Origin};
use crate::text::decode::sniff_bom;

/// Bytes asked of the reader at a time.
const READ_CHUNK: usize = 256 * 1024;

/// How to frame an input.
#[derive(Clone, Copy, Debug)]
pub struct FramingSettings {
    /// The configured format; `None` for auto.
    pub format: Option<Format>,
    /// Largest whole document, in bytes.
    pub max_document_bytes: u64,
    /// Longest JSON line, in bytes.
    pub max_line_bytes: u64,
}

/// The format a file name implies, if any.
pub fn format_from_path(path: &Path) -> Option<Format> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let ext = name.rsplit_once('.')?.1;
    match ext {
        "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
        "html" | "htm" | "xhtml" => Some(Format::Html),
        "txt" | "text" => Some(Format::Text),
        _ => None,
    }
}

/// Opens a file for framing, decompressing it on the fly when its name ends in `.gz`.
///
/// # Errors
/// When the file cannot be opened.
pub async fn open_file(path: &Path) -> std::io::Result<Box<dyn AsyncRead + Unpin + Send>> {
    let file = tokio::fs::File::open(path).await?;
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz")) {
        let mut decoder = async_compression::tokio::bufread::GzipDecoder::new(tokio::io::BufReader::new(file));
        // Concatenated gzip members (as `cat a.gz b.gz` makes) are one stream.
        decoder.multiple_members(true);
        Ok(Box::new(decoder))
    } else {
        Ok(Box::new(file))
    }
}

/// Sniffs the format from the first bytes: `{` starts JSON lines, `<` HTML, anything else text.
pub fn sniff_format(first: &[u8]) -> Format {
    match first.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => Format::Jsonl,
        Some(b'<') => Format::Html,
        _ => Format::Text,
    }
}

/// Reads raw chunks and yields UTF-8 (or, without a UTF-16 mark, the bytes as they are).
struct ChunkReader<R> {
    reader: R,
    buf: Vec<u8>,
    /// Set for UTF-16 input.
    transcoder: Option<Decoder>,
    /// Bytes read ahead to sniff, handed out first.
    lookahead: Option<Vec<u8>>,
    /// The last chunk handed out when it is not a slice of `buf` (read ahead, or transcoded).
    out: Vec<u8>,
    done: bool,
}

impl<R: AsyncRead + Unpin> ChunkReader<R> {
    /// Reads the first bytes, handles a byte-order mark, and returns the reader with them.
    async fn open(mut reader: R) -> std::io::Result<Self> {
        let mut buf = vec![0u8; READ_CHUNK];
        let mut first = Vec::new();
        // Enough bytes to see a byte-order mark and the first non-blank character.
        while first.len() < 4096 {
            let n = reader.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            first.extend_from_slice(&buf[..n]);
        }
        let mut transcoder = None;
        if let Some((encoding, bom_len)) = sniff_bom(&first) {
            first.drain(..bom_len);
            if encoding != UTF_8 {
                transcoder = Some(encoding.new_decoder_without_bom_handling());
            }
        }
        let first = match transcoder.as_mut() {
            Some(decoder) => transcode(decoder, &first, false),
            None => first,
        };
        Ok(ChunkReader { reader, buf, transcoder, lookahead: Some(first), out: Vec::new(), done: false })
    }

    fn peek(&self) -> &[u8] {
        self.lookahead.as_deref().unwrap_or(&[])
    }

    /// The next chunk, or `None` at the end. A chunk read as it is stays in the read buffer:
    /// the lines are copied out of it once, by the framing.
    async fn next(&mut self) -> std::io::Result<Option<&[u8]>> {
        if let Some(first) = self.lookahead.take() {
            if !first.is_empty() {
                self.out = first;
                return Ok(Some(&self.out));
            }
        }
        if self.done {
            return Ok(None);
        }
        let n = self.reader.read(&mut self.buf).await?;
        if n == 0 {
            self.done = true;
            self.out = match self.transcoder.as_mut() {
                Some(decoder) => transcode(decoder, &[], true),
                None => Vec::new(),
            };
            return Ok((!self.out.is_empty()).then_some(&self.out));
        }
        let raw = self.buf.get(..n).unwrap_or_default();
        match self.transcoder.as_mut() {
            Some(decoder) => {
                self.out = transcode(decoder, raw, false);
                Ok(Some(&self.out))
            }
            None => Ok(Some(raw)),
        }
    }
}

/// UTF-8 of the next piece of a UTF-16 input.
fn transcode(decoder: &mut Decoder, bytes: &[u8], last: bool) -> Vec<u8> {
    let mut out = String::with_capacity(decoder.max_utf8_buffer_length(bytes.len()).unwrap_or(bytes.len() * 3));
    let _ = decoder.decode_to_string(bytes, &mut out, last);
    out.into_bytes()
}

/// Frames one input. `hint` is the format the file name implies.
pub fn frames<R>(
    reader: R,
    origin: Origin,
    hint: Option<Format>,
    settings: FramingSettings,
) -> impl Stream<Item = Frame>
where
    R: AsyncRead + Unpin + Send + 'static,
{
    async_stream::stream! {
        let mut chunks = match ChunkReader::open(reader).await {
            Ok(chunks) => chunks,
            Err(e) => {
                yield Err(FrameError { origin, error: DocError::Read(e.to_string()) });
                return;
            }
        };
        let format = settings.format.or(hint).unwrap_or_else(|| sniff_format(chunks.peek()));
        if format == Format::Jsonl {
            let mut line = Vec::new();
            let mut line_no = 0u64;
            let mut oversize = false;
            let limit = settings.max_line_bytes as usize;
            loop {
                let chunk = match chunks.next().await {
                    Ok(Some(chunk)) => chunk,
                    Ok(None) => break,
                    Err(e) => {
                        let origin = Origin { line: Some(line_no + 1), ..origin.clone() };
                        yield Err(FrameError { origin, error: DocError::Read(e.to_string()) });
                        return;
                    }
                };
                let mut rest = chunk;
                loop {
                    let (piece, complete) = match memchr::memchr(b'\n', rest) {
                        Some(pos) => (&rest[..pos], true),
                        None => (rest, false),
                    };
                    if !oversize && line.len() + piece.len() > limit {
                        oversize = true;
                        line = Vec::new();
                    }
                    if !oversize {
                        line.extend_from_slice(piece);
                    }
                    if !complete {
                        break;
                    }
                    rest = &rest[piece.len() + 1..];
                    line_no += 1;
                    if let Some(frame) = line_frame(&mut line, &mut oversize, line_no, &origin, limit) {
                        yield frame;
                    }
                }
            }
            // The last line counts even without a final line break.
            if !line.is_empty() || oversize {
                line_no += 1;
                if let Some(frame) = line_frame(&mut line, &mut oversize, line_no, &origin, limit) {
                    yield frame;
                }
            }
        } else {
            let limit = settings.max_document_bytes;
            let mut bytes = Vec::new();
            let mut size = 0u64;
            loop {
                match chunks.next().await {
                    Ok(Some(chunk)) => {
                        size += chunk.len() as u64;
                        if size <= limit {
                            bytes.extend_from_slice(chunk);
                        } else {
                            bytes = Vec::new();
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        yield Err(FrameError { origin, error: DocError::Read(e.to_string()) });
                        return;
                    }
                }
            }
            if size > limit {
                yield Err(FrameError { origin, error: DocError::TooLarge { size, limit } });
            } else if bytes.iter().any(|b| !b.is_ascii_whitespace()) {
                yield Ok(Document { origin, format, bytes });
            }
        }
    }
}

/// Turns a complete line into a frame; blank lines are not documents and yield nothing.
fn line_frame(line: &mut Vec<u8>, oversize: &mut bool, line_no: u64, origin: &Origin, limit: usize) -> Option<Frame> {
    let origin = Origin { line: Some(line_no), ..origin.clone() };
    if std::mem::take(oversize) {
        line.clear();
        return Some(Err(FrameError { origin, error: DocError::LineTooLong { limit: limit as u64 } }));
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    if line.iter().all(u8::is_ascii_whitespace) {
        line.clear();
        return None;
    }
    let bytes = std::mem::replace(line, Vec::with_capacity(4096));
    Some(Ok(Document { origin, format: Format::Jsonl, bytes }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;

    fn settings() -> FramingSettings {
        FramingSettings { format: None, max_document_bytes: 1000, max_line_bytes: 20 }
    }

    async fn collect(input: Vec<u8>, settings: FramingSettings) -> Vec<Frame> {
        frames(std::io::Cursor::new(input), Origin::default(), None, settings).collect().await
    }

    #[tokio::test]
    async fn lines_are_framed_with_numbers_and_the_last_needs_no_newline() {
        let frames = collect(b"{\"a\":1}\n\n{\"b\":2}\r\n{\"c\":3}".to_vec(), settings()).await;
        let lines: Vec<u64> = frames.iter().map(|f| f.as_ref().unwrap().origin.line.unwrap()).collect();
        assert_eq!(lines, [1, 3, 4]);
        assert_eq!(frames[2].as_ref().unwrap().bytes, b"{\"c\":3}");
    }

    #[tokio::test]
    async fn long_lines_become_errors_without_stopping() {
        let input = format!("{{\"a\":1}}\n{{\"x\":\"{}\"}}\n{{\"b\":2}}\n", "y".repeat(100));
        let frames = collect(input.into_bytes(), settings()).await;
        assert_eq!(frames.len(), 3);
        assert!(matches!(frames[1], Err(FrameError { error: DocError::LineTooLong { .. }, .. })));
        assert!(frames[2].is_ok());
    }

    #[tokio::test]
    async fn whole_documents_respect_the_size_limit() {
        let small = FramingSettings { max_document_bytes: 10, ..settings() };
        let frames = collect(b"plain text that is long".to_vec(), small).await;
        assert!(matches!(frames[0], Err(FrameError { error: DocError::TooLarge { size: 23, limit: 10 }, .. })));
    }

    #[tokio::test]
    async fn utf16_json_lines_are_transcoded() {
        let mut input = vec![0xFF, 0xFE];
        input.extend("{\"text\":\"Zürich\"}\n{\"text\":\"b\"}".encode_utf16().flat_map(u16::to_le_bytes));
        let frames = collect(input, FramingSettings { max_line_bytes: 100, ..settings() }).await;
        assert_eq!(frames.len(), 2);
        assert_eq!(frames[0].as_ref().unwrap().bytes, "{\"text\":\"Zürich\"}".as_bytes());
    }

    #[tokio::test]
    async fn empty_input_has_no_documents() {
        assert!(collect(Vec::new(), settings()).await.is_empty());
        assert!(collect(b"  \n ".to_vec(), settings()).await.is_empty());
    }

    #[test]
    fn formats_from_names_and_bytes() {
        assert_eq!(format_from_path(Path::new("a/b.JSONL")), Some(Format::Jsonl));
        assert_eq!(format_from_path(Path::new("page.html.gz")), Some(Format::Html));
        assert_eq!(format_from_path(Path::new("notes")), None);
        assert_eq!(sniff_format(b"  <!doctype html>"), Format::Html);
        assert_eq!(sniff_format(b"\n{\"text\": 1}"), Format::Jsonl);
        assert_eq!(sniff_format(b"Hello"), Format::Text);
    }
}
