//! Lint rules for bootparams (codes `B1xx` syntax and value form; `B2xx` semantics).

use crate::bootparams::Bootparams;
use crate::diagnostic::{Diagnostic, Rule};
use crate::source::SourceFile;

pub mod boottype_not_install;
pub mod duplicate_client;
pub mod duplicate_key;
pub mod incomplete_install_client;
pub mod malformed_value;
pub mod not_hands_free;
pub mod syntax_error;
pub mod unknown_key;

/// The rules of this group (one file each).
pub static RULES: &[&Rule] = &[
    &syntax_error::RULE,
    &malformed_value::RULE,
    &unknown_key::RULE,
    &duplicate_client::RULE,
    &duplicate_key::RULE,
    &incomplete_install_client::RULE,
    &not_hands_free::RULE,
    &boottype_not_install::RULE,
];

/// Run every semantic rule of the group.
pub(crate) fn run(_src: &SourceFile, file: &Bootparams) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let checks: &[fn(&Bootparams, &mut Vec<Diagnostic>)] = &[
        malformed_value::check,
        unknown_key::check,
        duplicate_client::check,
        duplicate_key::check,
        incomplete_install_client::check,
        not_hands_free::check,
        boottype_not_install::check,
    ];
    for check in checks {
        check(file, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::bootparams::check;
    use crate::lint::testing;

    /// A complete hands-free install client plus a defaults entry: no rule fires on it.
    const GOOD: &str = "web01 root=js01:/export/install/Solaris_10/Tools/Boot install=js01:/export/install \\\n  boottype=:in sysid_config=js01:/export/config/web01 install_config=js01:/export/jumpstart\n* domain=lab.example.net ns=nis1:nis(255.255.255.0) term=:vt100\n";

    fn codes(text: &str) -> Vec<&'static str> {
        testing::codes(check, "bootparams", text)
    }

    #[test]
    fn good_file_is_clean() {
        assert_eq!(codes(GOOD), Vec::<&str>::new());
    }

    /// Each rule's fixture (fixtures/lint/<CODE>/bootparams) raises that code and nothing else.
    #[test]
    fn every_rule_fires_on_its_fixture_only() {
        testing::assert_fixtures_raise_only_their_code(super::RULES, "bootparams", check);
    }
}
