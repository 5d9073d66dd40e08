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
    /// A path to write or remove goes through a symbolic link (or one leads outside the
    /// output directory): generate never writes or deletes through one.
    #[error(
        "{}: {reason}; `zflash generate` never writes or deletes through a symbolic link (nothing was written)",
        path.display()
    )]
    Symlink { path: PathBuf, reason: String },
    /// Files generate would overwrite or remove that it did not write (not in the marker)
    /// or that changed since it wrote them.
    #[error(
        "would overwrite a file not written by generate (or changed since): {}; use --force to overwrite (nothing was written)",
        paths.join(", ")
    )]
    NotWrittenByGenerate { paths: Vec<String> },
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
