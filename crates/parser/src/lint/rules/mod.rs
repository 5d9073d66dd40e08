//! Lint rules for `rules` and `rules.ok` (`R1xx` syntax, `R2xx` semantics, `R3xx`
//! `rules.ok`). The syntax rules are emitted by [`crate::rules::parse`]; the others run
//! over the parsed [`RulesFile`] from [`run`].

use crate::diagnostic::{Diagnostic, Rule};
use crate::rules::RulesFile;
use crate::source::SourceFile;

pub mod dangling_continuation;
pub mod insufficient_tokens;
pub mod missing_fields;
pub mod unbalanced_quote;

/// The rules of this group (one file each).
pub static RULES: &[&Rule] = &[
    &insufficient_tokens::RULE,
    &missing_fields::RULE,
    &unbalanced_quote::RULE,
    &dangling_continuation::RULE,
];

/// Run every semantic rule over a parsed file.
pub(crate) fn run(src: &SourceFile, file: &RulesFile, out: &mut Vec<Diagnostic>) {
    let _ = (src, file, out);
}
