//! Lint rules for `rules` and `rules.ok`: `R1xx` syntax, `R2xx` semantics, `R3xx`
//! `rules.ok`. R101–R104 are emitted by [`crate::rules::parse`]; the others run over the
//! parsed [`RulesFile`] from [`run`].
//!
//! R201 (unknown match keyword) and R203 (unknown probe) are findings the directory check
//! drops when `custom_probes` defines `cmp_<name>` / `probe_<name>`; their diagnostics
//! point at the keyword or probe name token, whose text is the name.

use crate::diagnostic::{Diagnostic, Rule};
use crate::rules::{MatchValue, RulesFile, ValueError};
use crate::source::SourceFile;

pub mod any_combined;
pub mod any_value;
pub mod attached_negation;
pub mod bad_disk_name;
pub mod bad_ipv4;
pub mod bad_range;
pub mod bad_solaris_version;
pub mod checksum_mismatch;
pub mod comment_continuation;
pub mod dangling_continuation;
pub mod duplicate_rule;
pub mod empty_match_piece;
pub mod extra_probe_names;
pub mod glued_and;
pub mod hand_edited;
pub mod hash_in_quote;
pub mod insufficient_tokens;
pub mod invalid_match_keyword;
pub mod ipv4_octet_range;
pub mod misplaced_derived;
pub mod missing_fields;
pub mod missing_trailer;
pub mod no_rules;
pub mod non_ascii;
pub mod null_profile;
pub mod probe_after_rule;
pub mod set_probe;
pub mod single_value_range;
pub mod suspicious_path;
pub mod trailer_version;
pub mod unbalanced_quote;
pub mod unknown_arch;
pub mod unknown_karch;
pub mod unknown_match_keyword;
pub mod unknown_probe;
pub mod unreachable_rule;
pub mod wrong_arity;

/// The rules of this group (one file each), in code order.
pub static RULES: &[&Rule] = &[
    &insufficient_tokens::RULE,
    &missing_fields::RULE,
    &unbalanced_quote::RULE,
    &dangling_continuation::RULE,
    &empty_match_piece::RULE,
    &glued_and::RULE,
    &extra_probe_names::RULE,
    &non_ascii::RULE,
    &set_probe::RULE,
    &unknown_match_keyword::RULE,
    &invalid_match_keyword::RULE,
    &unknown_probe::RULE,
    &wrong_arity::RULE,
    &bad_range::RULE,
    &single_value_range::RULE,
    &bad_disk_name::RULE,
    &bad_ipv4::RULE,
    &ipv4_octet_range::RULE,
    &unknown_arch::RULE,
    &unknown_karch::RULE,
    &bad_solaris_version::RULE,
    &null_profile::RULE,
    &misplaced_derived::RULE,
    &any_value::RULE,
    &any_combined::RULE,
    &unreachable_rule::RULE,
    &duplicate_rule::RULE,
    &no_rules::RULE,
    &probe_after_rule::RULE,
    &attached_negation::RULE,
    &hash_in_quote::RULE,
    &suspicious_path::RULE,
    &comment_continuation::RULE,
    &missing_trailer::RULE,
    &trailer_version::RULE,
    &checksum_mismatch::RULE,
    &hand_edited::RULE,
];

/// What every check sees: the file, its source, and each match piece's typed value
/// (computed once: most checks look at values).
pub struct Cx<'a> {
    pub src: &'a SourceFile,
    pub file: &'a RulesFile,
    values: Vec<Vec<Result<MatchValue, ValueError>>>,
}

impl<'a> Cx<'a> {
    pub fn new(src: &'a SourceFile, file: &'a RulesFile) -> Self {
        let values = file
            .rules()
            .map(|r| r.matches.iter().map(|m| m.value()).collect())
            .collect();
        Cx { src, file, values }
    }

    /// Each rule with the typed values of its match pieces, in piece order.
    pub fn rules(
        &self,
    ) -> impl Iterator<Item = (&'a crate::rules::Rule, &[Result<MatchValue, ValueError>])> + '_
    {
        self.file.rules().zip(self.values.iter().map(Vec::as_slice))
    }
}

type Check = fn(&Cx, &mut Vec<Diagnostic>);

/// The semantic checks, run in this order.
const CHECKS: &[Check] = &[
    empty_match_piece::check,
    glued_and::check,
    extra_probe_names::check,
    non_ascii::check,
    set_probe::check,
    unknown_match_keyword::check,
    invalid_match_keyword::check,
    unknown_probe::check,
    wrong_arity::check,
    bad_range::check,
    single_value_range::check,
    bad_disk_name::check,
    bad_ipv4::check,
    ipv4_octet_range::check,
    unknown_arch::check,
    unknown_karch::check,
    bad_solaris_version::check,
    null_profile::check,
    misplaced_derived::check,
    any_value::check,
    any_combined::check,
    unreachable_rule::check,
    duplicate_rule::check,
    no_rules::check,
    probe_after_rule::check,
    attached_negation::check,
    hash_in_quote::check,
    suspicious_path::check,
    comment_continuation::check,
    missing_trailer::check,
    trailer_version::check,
    checksum_mismatch::check,
    hand_edited::check,
];

/// Run every semantic rule over a parsed file.
pub(crate) fn run(src: &SourceFile, file: &RulesFile, out: &mut Vec<Diagnostic>) {
    let cx = Cx::new(src, file);
    for check in CHECKS {
        check(&cx, out);
    }
}
