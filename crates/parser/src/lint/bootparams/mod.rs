//! Lint rules for bootparams (codes `B1xx` syntax, raised by the parser; `B2xx` semantics).

use crate::bootparams::Bootparams;
use crate::diagnostic::{Diagnostic, Rule};
use crate::source::SourceFile;

pub mod syntax_error;

/// The rules of this group (one file each).
pub static RULES: &[&Rule] = &[&syntax_error::RULE];

/// Run every semantic rule of the group.
pub(crate) fn run(_src: &SourceFile, file: &Bootparams) -> Vec<Diagnostic> {
    let out = Vec::new();
    let _ = file;
    out
}
