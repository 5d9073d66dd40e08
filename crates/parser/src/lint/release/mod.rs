//! Rules that judge a file for one Solaris 10 release (`zflash check --release R`, and
//! `zflash generate`'s self-check with the install image's release): keywords the release
//! does not know or needs, from the one table in [`crate::release`]. Codes follow the
//! format they apply to (`S2xx` sysidcfg, `P2xx` profiles); without a release none runs.

use crate::check::FileKind;
use crate::diagnostic::{Diagnostic, Rule};
use crate::release::Release;
use crate::source::SourceFile;

pub mod keyword_not_in_release;
pub mod release_needs_keyword;
pub mod zfs_root_not_in_release;

/// The rules of this group (one file each).
pub static RULES: &[&Rule] = &[
    &keyword_not_in_release::RULE,
    &release_needs_keyword::RULE,
    &zfs_root_not_in_release::RULE,
];

/// The release rules for a file of `kind` (none for kinds without release differences).
pub fn check(kind: FileKind, src: &SourceFile, release: Release) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    match kind {
        FileKind::Sysidcfg => {
            let (file, _) = crate::sysidcfg::parse(src);
            keyword_not_in_release::check(&file, release, &mut out);
            release_needs_keyword::check(&file, release, &mut out);
        }
        FileKind::Profile => {
            let (profile, _) = crate::profile::parse(src);
            zfs_root_not_in_release::check(&profile, release, &mut out);
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each rule's fixture (`fixtures/lint/<CODE>/` with a `release` file naming the
    /// release) raises that code and nothing else for that release, and nothing without.
    #[test]
    fn fixtures_raise_only_their_code_for_their_release() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/lint");
        for rule in RULES {
            let dir = format!("{root}/{}", rule.code);
            let release = std::fs::read_to_string(format!("{dir}/release")).unwrap();
            let release = Release::parse(release.trim()).unwrap();
            let (name, kind) = if rule.code.starts_with('S') {
                ("sysidcfg", FileKind::Sysidcfg)
            } else {
                ("profile", FileKind::Profile)
            };
            let text = std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
            let src = SourceFile::new(name, text.as_str());
            let plain = crate::check::check_text(name, kind, &text);
            assert!(plain.is_empty(), "{}: {plain:?}", rule.code);
            let codes: Vec<_> = check(kind, &src, release).iter().map(|d| d.code).collect();
            assert_eq!(codes, [rule.code], "{}", rule.code);
        }
    }

    /// Every sysidcfg keyword with a release boundary: an error (S223, at the keyword) on
    /// the release before it, nothing from it on.
    #[test]
    fn each_keyword_boundary_of_check_release() {
        let base = "system_locale=C\nterminal=vt100\ntimezone=GMT\ntimeserver=localhost\n\
                    network_interface=PRIMARY {dhcp protocol_ipv6=no}\nname_service=NONE\n\
                    root_password=Xy3kP0qLm9ZbA\nsecurity_policy=NONE\nnfs4_domain=dynamic\n\
                    auto_reg=disable\n";
        for (line, before, since) in [
            (
                "service_profile=limited_net",
                Release::R6_06,
                Release::R11_06,
            ),
            ("keyboard=US-English", Release::R11_06, Release::R8_07),
            ("auto_reg=disable", Release::R5_09, Release::R9_10),
            ("auto_reg=disable", Release::R10_09, Release::R9_10),
        ] {
            let text = format!("{}{line}\n", base.replace("auto_reg=disable\n", ""));
            let src = SourceFile::new("sysidcfg", text.as_str());
            let at = text.find(line).unwrap();
            let d = check(FileKind::Sysidcfg, &src, before);
            let errors: Vec<_> = d.iter().filter(|d| d.code == "S223").collect();
            assert_eq!(errors.len(), 1, "{line} on {before}: {d:?}");
            let key_len = line.find('=').unwrap();
            assert_eq!(errors[0].span, at..at + key_len, "{line}");
            assert!(
                errors[0]
                    .message
                    .contains(&format!("from Solaris 10 {since} on"))
            );
            let d = check(FileKind::Sysidcfg, &src, since);
            assert!(
                d.iter().all(|d| d.code != "S223"),
                "{line} on {since}: {d:?}"
            );
        }
        // auto_reg needed from 9/10 (S224, a warning), not before.
        let text = base.replace("auto_reg=disable\n", "");
        let src = SourceFile::new("sysidcfg", text.as_str());
        let codes = |r| {
            check(FileKind::Sysidcfg, &src, r)
                .iter()
                .map(|d| d.code)
                .collect::<Vec<_>>()
        };
        assert_eq!(codes(Release::R9_10), ["S224"]);
        assert_eq!(codes(Release::R1_13), ["S224"]);
        assert!(codes(Release::R10_09).is_empty());
    }
}
