//! Lint rules for the JumpStart directory as a set (cross-file, `J0xx`), and for the
//! begin/finish scripts and `custom_probes` a rules file names.

use crate::diagnostic::Rule;

pub mod custom_probes;
pub mod derived_profile_without_begin;
pub mod dhcp_disagrees_with_hosts;
pub mod missing_begin_script;
pub mod missing_file;
pub mod missing_finish_script;
pub mod missing_profile;
pub mod script;
pub mod script_not_bourne;
pub mod stale_rules_ok;
pub mod unprovided_si_variable;

/// The rules of this group (one file each).
pub static RULES: &[&Rule] = &[
    &missing_profile::RULE,
    &missing_begin_script::RULE,
    &missing_finish_script::RULE,
    &derived_profile_without_begin::RULE,
    &script_not_bourne::RULE,
    &stale_rules_ok::RULE,
    &unprovided_si_variable::RULE,
    &dhcp_disagrees_with_hosts::RULE,
];
