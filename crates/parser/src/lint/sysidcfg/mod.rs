//! Lint rules for sysidcfg (codes `S1xx` syntax, raised by the parser, except S105;
//! `S2xx` semantics).

use crate::diagnostic::{Diagnostic, Rule};
use crate::source::{SourceFile, Span};
use crate::sysidcfg::{Entry, Keyword, NameServiceKind, SecurityPolicyKind, SubKeyword, Sysidcfg};

pub mod auto_reg_none;
pub mod dhcp_with_static_settings;
pub mod dns_limits;
pub mod duplicate_dependent_keyword;
pub mod duplicate_keyword;
pub mod incomplete_auto_reg;
pub mod incomplete_kerberos;
pub mod incomplete_name_service;
pub mod incomplete_network_interface;
pub mod invalid_ipv4;
pub mod invalid_locale;
pub mod invalid_netmask;
pub mod invalid_value;
pub mod legacy_keyword;
pub mod misplaced_dependent_keyword;
pub mod missing_keyword;
pub mod multiple_primary_interfaces;
pub mod root_password_not_hashed;
pub mod syntax_error;
pub mod unbalanced_braces;
pub mod unexpected_block;
pub mod unknown_dependent_keyword;
pub mod unknown_keyboard;
pub mod unknown_keyword;
pub mod unknown_timezone;
pub mod unquoted_blanks;
pub mod unterminated_quote;

/// The rules of this group (one file each).
pub static RULES: &[&Rule] = &[
    &syntax_error::RULE,
    &unbalanced_braces::RULE,
    &unterminated_quote::RULE,
    &unquoted_blanks::RULE,
    &unexpected_block::RULE,
    &unknown_keyword::RULE,
    &unknown_dependent_keyword::RULE,
    &misplaced_dependent_keyword::RULE,
    &duplicate_keyword::RULE,
    &duplicate_dependent_keyword::RULE,
    &invalid_value::RULE,
    &invalid_ipv4::RULE,
    &invalid_netmask::RULE,
    &root_password_not_hashed::RULE,
    &unknown_timezone::RULE,
    &incomplete_network_interface::RULE,
    &dhcp_with_static_settings::RULE,
    &multiple_primary_interfaces::RULE,
    &incomplete_name_service::RULE,
    &dns_limits::RULE,
    &incomplete_kerberos::RULE,
    &legacy_keyword::RULE,
    &auto_reg_none::RULE,
    &missing_keyword::RULE,
    &incomplete_auto_reg::RULE,
    &invalid_locale::RULE,
    &unknown_keyboard::RULE,
];

/// What every semantic check gets.
pub(crate) struct Ctx<'a> {
    pub src: &'a SourceFile,
    pub file: &'a Sysidcfg,
}

impl<'a> Ctx<'a> {
    /// Every top-level entry with this keyword (`network_interface` may come several times).
    pub fn entries_of(&self, kw: Keyword) -> impl Iterator<Item = &'a Entry> + use<'a> {
        self.file.entries().filter(move |e| e.keyword() == Some(kw))
    }
}

/// Run every semantic rule of the group.
pub(crate) fn run(src: &SourceFile, file: &Sysidcfg) -> Vec<Diagnostic> {
    let ctx = Ctx { src, file };
    let mut out = Vec::new();
    let checks: &[fn(&Ctx, &mut Vec<Diagnostic>)] = &[
        unexpected_block::check,
        unknown_keyword::check,
        unknown_dependent_keyword::check,
        misplaced_dependent_keyword::check,
        duplicate_keyword::check,
        duplicate_dependent_keyword::check,
        invalid_value::check,
        invalid_ipv4::check,
        invalid_netmask::check,
        root_password_not_hashed::check,
        unknown_timezone::check,
        incomplete_network_interface::check,
        dhcp_with_static_settings::check,
        multiple_primary_interfaces::check,
        incomplete_name_service::check,
        dns_limits::check,
        incomplete_kerberos::check,
        legacy_keyword::check,
        auto_reg_none::check,
        missing_keyword::check,
        incomplete_auto_reg::check,
        invalid_locale::check,
        unknown_keyboard::check,
    ];
    for check in checks {
        check(&ctx, &mut out);
    }
    out
}

/// The dependent keywords the entry's value admits; `None` when the value is unknown (or
/// the keyword's dependent keywords do not depend on its value).
pub(crate) fn allowed_subs(e: &Entry) -> Option<&'static [SubKeyword]> {
    match e.keyword()? {
        Keyword::NameService => NameServiceKind::parse(&e.value.text).map(NameServiceKind::allowed),
        Keyword::SecurityPolicy => match SecurityPolicyKind::parse(&e.value.text)? {
            SecurityPolicyKind::Kerberos => Some(&[
                SubKeyword::DefaultRealm,
                SubKeyword::AdminServer,
                SubKeyword::Kdc,
            ]),
            SecurityPolicyKind::None => Some(&[]),
        },
        _ => None,
    }
}

/// The known dependent keywords of an entry that have a value: (keyword, span of the value
/// text, value).
pub(crate) fn sub_values(e: &Entry) -> Vec<(SubKeyword, Span, &str)> {
    e.sub_entries()
        .filter_map(|s| {
            let a = s.value.as_ref()?;
            Some((s.keyword()?, a.value.text_span(), a.value.text.as_str()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::lint::testing;
    use crate::sysidcfg::check;

    /// A complete hands-off file: no rule fires on it.
    const GOOD: &str = "system_locale=C\nterminal=vt100\ntimezone=UTC\ntimeserver=localhost\nnetwork_interface=PRIMARY {dhcp protocol_ipv6=no}\nname_service=NONE\nroot_password=Xy3kP0qLm9ZbA\nsecurity_policy=NONE\nnfs4_domain=dynamic\n";

    fn codes(text: &str) -> Vec<&'static str> {
        testing::codes(check, "sysidcfg", text)
    }

    #[test]
    fn good_file_is_clean() {
        assert_eq!(codes(GOOD), Vec::<&str>::new());
    }

    /// Each rule's fixture (fixtures/lint/<CODE>/sysidcfg) raises that code and nothing else;
    /// the fixtures are GOOD with one change, so GOOD is the passing counterpart.
    #[test]
    fn every_rule_fires_on_its_fixture_only() {
        testing::assert_fixtures_raise_only_their_code(super::RULES, "sysidcfg", check);
    }
}
