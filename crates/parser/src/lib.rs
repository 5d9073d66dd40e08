//! Parsers and linter for Solaris Custom JumpStart files.
//!
//! Layers, bottom up:
//! - [`source`]: the hand-written line layer (line index, comments, `\` continuations, CRLF,
//!   byte spans) shared by every format;
//! - one module per format ([`rules`], [`profile`], [`sysidcfg`], [`bootparams`]) with a typed
//!   AST whose nodes carry byte spans, built with nom 8 value grammars;
//! - [`lint`]: one rule per file, each producing [`Diagnostic`]s;
//! - [`check`]: whole-directory checking (walks a JumpStart directory, cross-file rules) and
//!   the `rules.ok` writer;
//! - [`confine`]: the one rule for paths below a given directory (no symbolic link out);
//! - [`render`]: human (annotate-snippets), JSON, SARIF and GitHub output.

pub mod bootparams;
pub mod check;
pub mod confine;
pub mod diagnostic;
pub mod lint;
pub mod profile;
pub mod release;
pub mod render;
pub mod rules;
pub mod shell;
pub mod source;
pub mod suggest;
pub mod sysidcfg;
#[cfg(test)]
pub(crate) mod testing;
pub mod value;

pub use diagnostic::{Diagnostic, Label, Rule, Severity};
pub use source::{SourceFile, Span};
