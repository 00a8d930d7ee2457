//! JSON-lines sink over any async writer: stdout, stderr, or a file.
//!
//! Writes are buffered; the pipeline flushes whenever no finished record is waiting, so output
//! is prompt on a slow feed and batched on a fast one.

use std::path::Path;
use std::pin::Pin;

use tokio::io::{AsyncWrite, AsyncWriteExt, BufWriter};

/// Buffer size for record output.
const BUFFER: usize = 256 * 1024;

/// A buffered writer of JSON lines.
pub struct JsonlSink {
    writer: BufWriter<Pin<Box<dyn AsyncWrite + Send>>>,
    /// Whether the underlying file can be fsynced on [`JsonlSink::sync`].
    file: Option<tokio::fs::File>,
    /// Bytes written so far (buffered or not).
    written: u64,
}

impl JsonlSink {
    /// Records to standard output.
    pub fn stdout() -> Self {
        Self::from_writer(Box::pin(tokio::io::stdout()))
    }

    /// Lines to standard error.
    pub fn stderr() -> Self {
        Self::from_writer(Box::pin(tokio::io::stderr()))
    }

    /// Lines appended to a file, created if missing.
    ///
    /// # Errors
    /// When the file cannot be opened for appending.
    pub async fn append_to(path: &Path) -> std::io::Result<Self> {
        let file = tokio::fs::OpenOptions::new().create(true).append(true).open(path).await?;
        let handle = file.try_clone().await?;
        let mut sink = Self::from_writer(Box::pin(file));
        sink.file = Some(handle);
        Ok(sink)
    }

    /// Any writer.
    pub fn from_writer(writer: Pin<Box<dyn AsyncWrite + Send>>) -> Self {
        JsonlSink { writer: BufWriter::with_capacity(BUFFER, writer), file: None, written: 0 }
    }

    /// Writes one line; `line` ends with its line break.
    ///
    /// # Errors
    /// The writer's error; `BrokenPipe` when the reader went away.
    pub async fn write_line(&mut self, line: &[u8]) -> std::io::Result<()> {
        self.writer.write_all(line).await?;
        self.written += line.len() as u64;
        Ok(())
    }

    /// Bytes written since the sink was made.
    pub fn bytes_written(&self) -> u64 {
        self.written
    }

    /// Serialises and writes one value as a line.
    ///
    /// # Errors
    /// As [`JsonlSink::write_line`].
    pub async fn write_json<T: serde::Serialize>(&mut self, value: &T) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(value).map_err(std::io::Error::other)?;
        line.push(b'\n');
        self.write_line(&line).await
    }

    /// Hands buffered lines to the operating system.
    ///
    /// # Errors
    /// The writer's error.
    pub async fn flush(&mut self) -> std::io::Result<()> {
        self.writer.flush().await
    }

    /// Flushes and, for a file, waits until the data is on disk.
    ///
    /// # Errors
    /// The writer's or the file system's error.
    pub async fn sync(&mut self) -> std::io::Result<()> {
        self.flush().await?;
        if let Some(file) = &self.file {
            file.sync_data().await?;
        }
        Ok(())
    }
}
