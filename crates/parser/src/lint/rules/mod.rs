//! Lint rules for rules.

use crate::diagnostic::Rule;

/// The rules of this group (one file each).
pub static RULES: &[&Rule] = &[];
