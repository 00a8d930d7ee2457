//! JSON-lines sink over any async writer: stdout, stderr, or a file.
//!
//! Writes are buffered; the pipeline flushes whenever no finished record is waiting, so output
//! is prompt on a slow feed and batched on a fast one.

use std::io::Write;
use std::path::Path;
use std::pin::Pin;

use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::task::JoinHandle;

/// Buffer size for record output.
const BUFFER: usize = 256 * 1024;

/// A buffered writer of JSON lines.
pub struct JsonlSink {
    /// Lines not yet handed to the output.
    buffer: Vec<u8>,
    output: Output,
    /// Whether the underlying file can be fsynced on [`JsonlSink::sync`].
    file: Option<tokio::fs::File>,
    /// Bytes written so far (buffered or not).
    written: u64,
}

/// Where the buffered lines go.
enum Output {
    /// An async writer, handed the buffer's bytes.
    Async(Pin<Box<dyn AsyncWrite + Send>>),
    /// A blocking writer that a blocking task is handed together with the buffer itself:
    /// tokio's own stdout copies every byte into a buffer of its own first. One write is in
    /// flight at a time, as with tokio's writer, so producing the next lines overlaps it.
    Blocking(BlockingWriter),
}

/// A writer that blocks, written from blocking tasks.
type Blocking = Box<dyn Write + Send>;

/// A blocking writer and the buffer of its last write, or the task that has them.
enum BlockingWriter {
    Idle {
        writer: Blocking,
        spare: Vec<u8>,
    },
    /// The task gives back the writer, the buffer it wrote, and how the write went.
    Busy(JoinHandle<(Blocking, Vec<u8>, std::io::Result<()>)>),
    /// A write task failed to come back (the runtime is shutting down, or it panicked).
    Gone,
}

impl BlockingWriter {
    /// Waits for the write in flight, if any, and returns the writer with a spare buffer.
    async fn idle(&mut self) -> std::io::Result<(Blocking, Vec<u8>)> {
        match std::mem::replace(self, BlockingWriter::Gone) {
            BlockingWriter::Idle { writer, spare } => Ok((writer, spare)),
            BlockingWriter::Busy(task) => {
                let (writer, spare, result) = task.await.map_err(std::io::Error::other)?;
                match result {
                    Ok(()) => Ok((writer, spare)),
                    Err(e) => {
                        *self = BlockingWriter::Idle { writer, spare };
                        Err(e)
                    }
                }
            }
            BlockingWriter::Gone => Err(std::io::Error::other("the output writer is gone")),
        }
    }

    /// Starts writing `lines` (after the write in flight) and gives back an empty buffer.
    /// The task flushes the writer too, so a finished write leaves nothing in the writer.
    async fn start(&mut self, lines: Vec<u8>) -> std::io::Result<Vec<u8>> {
        let (mut writer, mut spare) = self.idle().await?;
        spare.clear();
        *self = BlockingWriter::Busy(tokio::task::spawn_blocking(move || {
            let result = writer.write_all(&lines).and_then(|()| writer.flush());
            (writer, lines, result)
        }));
        Ok(spare)
    }

    /// Waits until everything started is written.
    async fn flush(&mut self) -> std::io::Result<()> {
        let (writer, spare) = self.idle().await?;
        *self = BlockingWriter::Idle { writer, spare };
        Ok(())
    }
}

impl JsonlSink {
    /// Records to standard output.
    pub fn stdout() -> Self {
        Self::from_blocking_writer(Box::new(std::io::stdout()))
    }

    /// A blocking writer, written from a blocking task.
    fn from_blocking_writer(writer: Blocking) -> Self {
        Self::with_output(Output::Blocking(BlockingWriter::Idle { writer, spare: Vec::new() }))
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
        Self::with_output(Output::Async(writer))
    }

    fn with_output(output: Output) -> Self {
        JsonlSink { buffer: Vec::with_capacity(BUFFER), output, file: None, written: 0 }
    }

    /// Writes one line; `line` ends with its line break.
    ///
    /// # Errors
    /// The writer's error; `BrokenPipe` when the reader went away.
    pub async fn write_line(&mut self, line: &[u8]) -> std::io::Result<()> {
        if !self.buffer.is_empty() && self.buffer.len() + line.len() > BUFFER {
            self.write_buffer().await?;
        }
        self.buffer.extend_from_slice(line);
        self.written += line.len() as u64;
        if self.buffer.len() >= BUFFER {
            self.write_buffer().await?;
        }
        Ok(())
    }

    /// Hands the buffered lines to the output.
    async fn write_buffer(&mut self) -> std::io::Result<()> {
        match &mut self.output {
            Output::Async(writer) => {
                writer.write_all(&self.buffer).await?;
                self.buffer.clear();
            }
            Output::Blocking(writer) => {
                let lines = std::mem::take(&mut self.buffer);
                let mut spare = writer.start(lines).await?;
                spare.reserve(BUFFER);
                self.buffer = spare;
            }
        }
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
        if !self.buffer.is_empty() {
            self.write_buffer().await?;
        }
        match &mut self.output {
            Output::Async(writer) => writer.flush().await,
            Output::Blocking(writer) => writer.flush().await,
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A blocking writer into a shared vector, writing at most `chunk` bytes a call.
    struct Shared {
        bytes: Arc<Mutex<Vec<u8>>>,
        chunk: usize,
    }

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.chunk);
            self.bytes.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn lines() -> Vec<Vec<u8>> {
        // Short lines, lines near the buffer size and one far past it.
        let mut lines: Vec<Vec<u8>> = (0..2000).map(|i| format!("{{\"n\":{i}}}\n").into_bytes()).collect();
        for len in [BUFFER - 1, BUFFER, BUFFER + 1, 3 * BUFFER] {
            let mut line = vec![b'x'; len - 1];
            line.push(b'\n');
            lines.insert(len % 1500, line);
        }
        lines
    }

    #[tokio::test]
    async fn blocking_output_gets_every_line_in_order() {
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let mut sink = JsonlSink::from_blocking_writer(Box::new(Shared { bytes: bytes.clone(), chunk: 7777 }));
        let lines = lines();
        let mut expected = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            sink.write_line(line).await.unwrap();
            expected.extend_from_slice(line);
            if i % 700 == 0 {
                sink.flush().await.unwrap();
                assert_eq!(*bytes.lock().unwrap(), expected);
            }
        }
        sink.flush().await.unwrap();
        assert_eq!(*bytes.lock().unwrap(), expected);
        assert_eq!(sink.bytes_written(), expected.len() as u64);
        // Flushing with nothing buffered changes nothing.
        sink.flush().await.unwrap();
        assert_eq!(bytes.lock().unwrap().len(), expected.len());
    }

    #[tokio::test]
    async fn async_output_gets_every_line_in_order() {
        let (writer, mut reader) = tokio::io::duplex(64 * 1024);
        let lines = lines();
        let expected: Vec<u8> = lines.concat();
        let read = tokio::spawn(async move {
            let mut got = Vec::new();
            tokio::io::AsyncReadExt::read_to_end(&mut reader, &mut got).await.map(|_| got)
        });
        let mut sink = JsonlSink::from_writer(Box::pin(writer));
        for line in &lines {
            sink.write_line(line).await.unwrap();
        }
        sink.flush().await.unwrap();
        drop(sink);
        assert_eq!(read.await.unwrap().unwrap(), expected);
    }

    /// A writer whose reader went away.
    struct Closed;

    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn a_closed_output_reports_a_broken_pipe() {
        let mut sink = JsonlSink::from_blocking_writer(Box::new(Closed));
        sink.write_line(b"{}\n").await.unwrap();
        let error = sink.flush().await.unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::BrokenPipe);
    }
}
