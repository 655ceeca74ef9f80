//! Library errors. Each message names what the user must change: the file, the line, the key.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// One thing wrong in a scenario, located where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The key path (`arrivals[0].rate`); empty for a TOML syntax error.
    pub key: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file.display(), self.line, self.column)?;
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        write!(f, "{}", self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{}: cannot read the scenario: {error}", path.display())]
    Read { path: PathBuf, error: io::Error },
    #[error("{}", list(.0))]
    Invalid(Vec<Problem>),
    /// A `--set` or `--scale-arrivals` that cannot be applied to the file.
    #[error("{0}")]
    Override(String),
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(Problem::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot write {}: {error}", path.display())]
    Write { path: PathBuf, error: io::Error },
    #[error("cannot read {}: {error}", path.display())]
    Read { path: PathBuf, error: io::Error },
    #[error("the report's data cannot be read: {0}")]
    Data(String),
    #[error("a chart could not be drawn: {0}")]
    Chart(String),
    #[error(
        "{} exists and is not a ccsim report ({}): ccsim replaces a report folder as a whole, so give another --out or move it away",
        .0.display(), .1
    )]
    NotReport(PathBuf, String),
    #[error(
        "another ccsim is writing to {} (its lock is held): wait for it to finish, or give another --out",
        .0.display()
    )]
    Busy(PathBuf),
}
