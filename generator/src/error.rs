//! The one error type of the generator: what went wrong and where.

use std::fmt;
use std::path::PathBuf;

/// An error that stops a run. Every error names its place: a file, and where known a JSON
/// pointer into the spec and a line.
#[derive(Debug)]
pub struct Error {
    pub file: Option<PathBuf>,
    pub pointer: Option<String>,
    pub line: Option<usize>,
    pub message: String,
}

impl Error {
    pub fn new(message: impl Into<String>) -> Self {
        Error { file: None, pointer: None, line: None, message: message.into() }
    }

    pub fn at(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Error { pointer: Some(pointer.into()), ..Error::new(message) }
    }

    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        if self.file.is_none() {
            self.file = Some(file.into());
        }
        self
    }

    pub fn with_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    pub fn io(path: &std::path::Path, err: std::io::Error) -> Self {
        Error::new(format!("cannot access {}: {err}", path.display()))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
            }
            write!(f, ": ")?;
        } else if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        if let Some(pointer) = &self.pointer {
            write!(f, "at {pointer}: ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for Error {}
