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
}
