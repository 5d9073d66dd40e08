//! Rules of the site file read by `zflash generate` (codes `Y0xx` reading the YAML, `Y1xx`
//! values, `Y2xx` the servers of a multi-server site). The checks are in zflash-generator's
//! `validate`; they raise these rules so that site problems are rendered, explained and
//! filtered like every other finding.

use crate::diagnostic::Rule;

pub mod address_conflict;
pub mod client_not_served;
pub mod duplicate_key;
pub mod hook_reads_unset_variable;
pub mod incompatible_settings;
pub mod invalid_value;
pub mod missing_setting;
pub mod off_network;
pub mod overlapping_networks;
pub mod release_mismatch;
pub mod replica_digest_mismatch;
pub mod root_password_not_hashed;
pub mod server_roles;
pub mod site_syntax;
pub mod unknown_or_missing_key;
pub mod unknown_reference;
pub mod unknown_release;
pub mod unsupported_version;
pub mod wrong_type;

/// The rules of this group (one file each).
pub static RULES: &[&Rule] = &[
    &site_syntax::RULE,
    &duplicate_key::RULE,
    &unknown_or_missing_key::RULE,
    &wrong_type::RULE,
    &invalid_value::RULE,
    &unknown_reference::RULE,
    &address_conflict::RULE,
    &off_network::RULE,
    &missing_setting::RULE,
    &root_password_not_hashed::RULE,
    &incompatible_settings::RULE,
    &unsupported_version::RULE,
    &hook_reads_unset_variable::RULE,
    &unknown_release::RULE,
    &release_mismatch::RULE,
    &client_not_served::RULE,
    &server_roles::RULE,
    &overlapping_networks::RULE,
    &replica_digest_mismatch::RULE,
];

/// The rule of `code`, for the checkers that raise them by code.
pub fn rule(code: &str) -> &'static Rule {
    RULES
        .iter()
        .copied()
        .find(|r| r.code == code)
        .unwrap_or_else(|| panic!("no rule {code}"))
}
