//! Lint rules for file.

use crate::diagnostic::Rule;

/// The rules of this group (one file each).
pub static RULES: &[&Rule] = &[];
