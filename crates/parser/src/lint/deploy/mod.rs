//! Rules of the deploy configs (`deploy/<host>.yaml`) that `zflash generate` writes and
//! `zflash finish` reads (code `D1xx`). `zflash check` of a JumpStart directory and
//! `zflash finish` raise them through zflash-generator's deploy-config check.

use crate::diagnostic::Rule;

pub mod invalid_deploy_config;

/// The rules of this group (one file each).
pub static RULES: &[&Rule] = &[&invalid_deploy_config::RULE];

/// The rule of `code`, for the checkers that raise them by code.
pub fn rule(code: &str) -> &'static Rule {
    RULES
        .iter()
        .copied()
        .find(|r| r.code == code)
        .unwrap_or_else(|| panic!("no rule {code}"))
}
