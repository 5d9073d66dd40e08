//! Errors of the generator. Site-file problems are collected and reported together.

use std::fmt;
use std::path::PathBuf;

/// One problem in a site file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteProblem {
    /// 1-based line, when it could be found.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl SiteProblem {
    /// A problem at `pos` (none: the position is unknown).
    pub fn at(pos: Option<crate::validate::Pos>, message: String) -> Self {
        SiteProblem {
            line: pos.map(|p| p.line),
            column: pos.map(|p| p.column),
            message,
        }
    }
}

/// Every problem found in one site file.
#[derive(Debug, Clone)]
pub struct SiteErrors {
    /// The site file.
    pub path: PathBuf,
    /// The problems, in file order where lines are known.
    pub problems: Vec<SiteProblem>,
}

impl fmt::Display for SiteErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "{} problem{} in site file {}",
            n,
            if n == 1 { "" } else { "s" },
            self.path.display()
        )?;
        for p in &self.problems {
            write!(f, "\n  {}", self.path.display())?;
            if let Some(line) = p.line {
                write!(f, ":{line}")?;
                if let Some(col) = p.column {
                    write!(f, ":{col}")?;
                }
            }
            write!(f, ": {}", p.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for SiteErrors {}

/// Any failure of `generate`.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The site file is invalid (all problems listed).
    #[error("{0}")]
    Site(SiteErrors),
    /// A file could not be read or written. The I/O error is in the message, not a
    /// separate cause: an error chain would say it twice.
    #[error("{action} {}: {error}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        error: std::io::Error,
    },
    /// A template failed to render (a bug: templates only see validated values).
    #[error("template {name}: {message}")]
    Template { name: String, message: String },
    /// The output directory holds files that `generate` did not write.
    #[error(
        "{} exists and was not written by `zflash generate` (no {} in it); use --force to write into it",
        dir.display(),
        crate::output::MARKER
    )]
    ForeignOutput { dir: PathBuf },
    /// The generated directory does not pass `check` (a bug in the generator).
    #[error("the generated directory does not pass check:\n{0}")]
    SelfCheck(String),
}

impl GenerateError {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        GenerateError::Io {
            action,
            path: path.into(),
            error: source,
        }
    }
}
