//! Lint rules, one per file, grouped by the format they apply to (ruff-style).
//!
//! Code prefixes: `F` file-level (encoding, binary, empty, CRLF…), `R` rules / rules.ok,
//! `P` profiles, `S` sysidcfg, `B` bootparams, `J` the JumpStart directory as a set
//! (cross-file), `H` begin/finish scripts as Solaris 10's `/sbin/sh` reads them (with the
//! syntax error `J006`, in the same group), `Y` the site file of `zflash generate`, `D`
//! deploy configs. Each rule file holds a `pub static RULE: Rule` whose `doc` is what
//! `zflash explain CODE` prints, plus the check itself.

use crate::diagnostic::Rule;

pub mod bootparams;
pub mod deploy;
pub mod dir;
pub mod file;
pub mod profile;
pub mod release;
pub mod rules;
pub mod shell;
pub mod site;
pub mod sysidcfg;
#[cfg(test)]
pub(crate) mod testing;
pub(crate) mod util;

/// Every rule, in code order.
pub fn all() -> Vec<&'static Rule> {
    let mut v: Vec<&'static Rule> = Vec::new();
    v.extend_from_slice(file::RULES);
    v.extend_from_slice(rules::RULES);
    v.extend_from_slice(profile::RULES);
    v.extend_from_slice(sysidcfg::RULES);
    v.extend_from_slice(bootparams::RULES);
    v.extend_from_slice(dir::RULES);
    v.extend_from_slice(shell::RULES);
    v.extend_from_slice(site::RULES);
    v.extend_from_slice(deploy::RULES);
    v.extend_from_slice(release::RULES);
    v.sort_by_key(|r| r.code);
    v
}

/// Look a rule up by code (case-insensitive) or by name.
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    all()
        .into_iter()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_are_unique() {
        let all = super::all();
        let mut codes: Vec<_> = all.iter().map(|r| r.code).collect();
        codes.dedup();
        assert_eq!(codes.len(), all.len(), "duplicate rule code");
    }

    /// `explain --list`, SARIF and the docs tables show summaries side by side: one style,
    /// a lower-case phrase like a diagnostic message.
    #[test]
    fn summaries_start_lower_case() {
        for r in super::all() {
            let word = r.summary.split(' ').next().expect("summary is not empty");
            let acronym = word.len() > 1 && !word.bytes().any(|b| b.is_ascii_lowercase());
            assert!(
                acronym || !word.starts_with(|c: char| c.is_ascii_uppercase()),
                "{}: summary {:?} starts upper-case",
                r.code,
                r.summary
            );
        }
    }
}
