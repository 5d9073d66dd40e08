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
    /// The rule (`Y…`, see `zflash explain`).
    pub code: &'static str,
}

impl SiteProblem {
    /// A problem at `pos` (none: the position is unknown).
    pub fn at(pos: Option<crate::validate::Pos>, message: String) -> Self {
        SiteProblem {
            line: pos.map(|p| p.line),
            column: pos.map(|p| p.column),
            message,
            code: "Y101",
        }
    }

    /// The same problem under rule `code`.
    pub fn code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }
}

/// Every problem found in one site file.
#[derive(Debug, Clone)]
pub struct SiteErrors {
    /// The site file.
    pub path: PathBuf,
    /// The problems, in file order where lines are known.
    pub problems: Vec<SiteProblem>,
    /// The site file's text (for excerpts).
    pub text: String,
}

impl SiteErrors {
    /// The problems as the parser crate's diagnostics, in a report the one rendering
    /// layer shows (human with excerpts, JSON, SARIF, GitHub), as `check` findings are.
    pub fn report(&self) -> zflash_parser::check::FileReport {
        let starts = line_starts(&self.text);
        let diags = self
            .problems
            .iter()
            .map(|p| {
                let span = match (p.line, p.column) {
                    (Some(l), Some(c)) => token_span(&self.text, &starts, l, c),
                    _ => 0..0,
                };
                zflash_parser::Diagnostic::new(
                    zflash_parser::lint::site::rule(p.code),
                    span,
                    p.message.clone(),
                )
            })
            .collect();
        zflash_parser::check::report_from_diagnostics(
            &self.path.display().to_string(),
            zflash_parser::check::FileKind::Site,
            // Secret values (root_password, and any key of the sysidcfg tables that is a
            // secret) are masked by the report layer, in excerpts and messages alike.
            &self.text,
            diags,
        )
    }
}

/// The byte span of the YAML token that starts at 1-based `line` and character `column`:
/// a quoted value up to its closing quote, a key up to its colon, a plain value up to the
/// next blank, flow separator or comment.
pub(crate) fn value_span(text: &str, line: usize, column: usize) -> std::ops::Range<usize> {
    token_span(text, &line_starts(text), line, column)
}

/// Byte offset of the start of each line (index 0 = line 1).
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// [`value_span`] with the line starts computed once for all problems of a file (10,000
/// problems must not rescan the file 10,000 times).
fn token_span(text: &str, starts: &[usize], line: usize, column: usize) -> std::ops::Range<usize> {
    let line_start = starts
        .get(line.saturating_sub(1))
        .copied()
        .unwrap_or(text.len());
    let rest = &text[line_start.min(text.len())..];
    let rest = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let start = rest
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(rest.len(), |(i, _)| i);
    let before = rest[..start].chars().last();
    let token = &rest[start..];
    let len = match before {
        Some(q @ ('"' | '\'')) => token.find(q).unwrap_or(token.len()),
        _ => token
            .find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}'))
            .map(|i| if token[..i].ends_with(':') { i - 1 } else { i })
            .unwrap_or(token.len()),
    };
    let len = token[..len].trim_end_matches(':').len();
    line_start + start..line_start + start + len.max(1).min(token.len())
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
