//! The pipe source: standard input and files named on the command line, read in the order
//! given, each framed by [`super::framing::frames`].

use std::path::PathBuf;

use futures::{Stream, StreamExt};

use super::framing::{format_from_path, frames, open_file, FramingSettings};
use super::{Frame, FrameError};
use crate::error::{DocError, Error};
use crate::model::{Origin, OriginKind};

/// One input of a pipe run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// Standard input (`-`, or no file named).
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Input {
    /// `-` is standard input; anything else a file.
    pub fn from_arg(arg: &str) -> Input {
        if arg == "-" {
            Input::Stdin
        } else {
            Input::File(PathBuf::from(arg))
        }
    }
}

/// Checks that every file can be opened, so that a typo fails the run before any output.
///
/// # Errors
/// [`Error::InputOpen`] for the first file that cannot be opened.
pub fn check_inputs(inputs: &[Input]) -> Result<(), Error> {
    for input in inputs {
        if let Input::File(path) = input {
            std::fs::File::open(path).map_err(|source| Error::InputOpen { path: path.clone(), source })?;
        }
    }
    Ok(())
}

/// All inputs, one after the other, as one stream of frames.
pub fn pipe_source(inputs: Vec<Input>, settings: FramingSettings) -> impl Stream<Item = Frame> {
    async_stream::stream! {
        for input in inputs {
            match input {
                Input::Stdin => {
                    let origin = Origin { kind: OriginKind::Stdin, path: None, line: None, ..Origin::default() };
                    let mut inner = Box::pin(frames(tokio::io::stdin(), origin, None, settings));
                    while let Some(frame) = inner.next().await {
                        yield frame;
                    }
                }
                Input::File(path) => {
                    let origin = Origin { kind: OriginKind::File, path: Some(path.display().to_string()), line: None, ..Origin::default() };
                    let hint = format_from_path(&path);
                    match open_file(&path).await {
                        Ok(file) => {
                            let mut inner = Box::pin(frames(file, origin, hint, settings));
                            while let Some(frame) = inner.next().await {
                                yield frame;
                            }
                        }
                        Err(e) => yield Err(FrameError { origin, error: DocError::Read(e.to_string()) }),
                    }
                }
            }
        }
    }
}
