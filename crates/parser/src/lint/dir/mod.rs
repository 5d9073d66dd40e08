//! Lint rules for the JumpStart directory as a set (cross-file).

use crate::diagnostic::Rule;

/// The rules of this group (one file each).
pub static RULES: &[&Rule] = &[];
