//! JumpStart profiles (class files): typed lossless AST, parser, printer and lints.
//!
//! ```
//! use zflash_parser::{SourceFile, profile};
//! let src = SourceFile::new("profile", "install_type initial_install\npool rpool auto auto auto mirror c0t0d0s0 c0t1d0s0\n");
//! let (p, diags) = profile::parse(&src);
//! assert!(diags.is_empty());
//! assert_eq!(p.pool().unwrap().devices.len(), 2);
//! assert_eq!(p.to_source(), src.text);
//! ```

mod ast;
mod parse;
mod print;
pub mod value;

pub use ast::*;
pub(crate) use parse::did_you_mean;
pub use parse::parse_device;

use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

/// Parse. Never panics, whatever the bytes. Syntax problems come back as diagnostics.
pub fn parse(src: &SourceFile) -> (Profile, Vec<Diagnostic>) {
    parse::parse(src)
}

/// Single-file semantic lints over a parsed profile.
pub fn lint(src: &SourceFile, file: &Profile) -> Vec<Diagnostic> {
    crate::lint::profile::run(src, file)
}

/// parse + lint, diagnostics sorted by span start.
pub fn check(src: &SourceFile) -> Vec<Diagnostic> {
    crate::diagnostic::parse_and_lint(src, parse, lint)
}

#[cfg(test)]
mod tests;
