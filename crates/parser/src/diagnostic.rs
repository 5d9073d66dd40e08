//! The one diagnostic type every lint produces and every output format renders.

use crate::source::{SourceFile, Span};
use serde::Serialize;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// Syntax errors after which a format parser stops: a file with this many is not the file
/// its name says (16 MiB of `a` lines as a bootparams), and parsing on would cost memory
/// and output in proportion to the garbage. The findings so far are kept, with one more
/// saying where the check stopped.
pub const MAX_SYNTAX_ERRORS: usize = 1000;

/// Lines (entries) a line-oriented parser reads from one file: far more than any real
/// JumpStart file (a `bootparams` for 40,000 clients has 40,000 lines), and few enough that the
/// syntax tree and the findings of a 16 MiB file of valid-looking but repeated lines stay
/// in bounded memory.
pub const MAX_ENTRIES: usize = 50_000;

/// Why a parser stops before the next line, if it does: [`MAX_SYNTAX_ERRORS`] errors or
/// [`MAX_ENTRIES`] lines read.
pub(crate) fn stop_reason(errors: usize, entries: usize) -> Option<String> {
    if errors >= MAX_SYNTAX_ERRORS {
        Some(format!("more than {MAX_SYNTAX_ERRORS} syntax errors"))
    } else if entries >= MAX_ENTRIES {
        Some(format!("more than {MAX_ENTRIES} lines"))
    } else {
        None
    }
}

/// The finding a parser adds when it stops at [`MAX_SYNTAX_ERRORS`] (F009).
pub(crate) fn stopped_here(span: Span, why: &str) -> Diagnostic {
    crate::lint::file::check_stopped::diagnostic(span, why)
}

/// A format's `check`: `parse`, then `lint` the parsed file; every diagnostic sorted by
/// position.
pub(crate) fn parse_and_lint<F>(
    src: &SourceFile,
    parse: impl Fn(&SourceFile) -> (F, Vec<Diagnostic>),
    lint: impl Fn(&SourceFile, &F) -> Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let (file, mut diags) = parse(src);
    diags.extend(lint(src, &file));
    diags.sort_by_key(|d| (d.span.start, d.span.end));
    diags
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Static description of one lint rule: one per file under `lint/`, ruff-style.
#[derive(Debug)]
pub struct Rule {
    /// Stable code, e.g. `R101`. Never reused once published.
    pub code: &'static str,
    /// Kebab-case name, e.g. `unknown-rule-keyword`.
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// Markdown shown by `zflash explain CODE`: what, why, example.
    pub doc: &'static str,
}

/// A secondary annotation pointing at another place in the same file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One finding in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// Headline; names what was expected where there is an expectation.
    pub message: String,
    /// Primary span in the file (may be empty for "at end of file").
    pub span: Span,
    /// Label under the primary span.
    pub label: Option<String>,
    pub secondary: Vec<Label>,
    /// `help:` line.
    pub help: Option<String>,
    /// `note:` lines.
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn new(rule: &'static Rule, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code: rule.code,
            name: rule.name,
            severity: rule.severity,
            message: message.into(),
            span,
            label: None,
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}
