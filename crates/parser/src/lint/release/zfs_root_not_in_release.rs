//! P234 `zfs-root-not-in-release`: a ZFS-root profile keyword before 10/08.

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::{Item, KeywordName, Profile};
use crate::release::{Release, ZFS_ROOT_PROFILE_KEYWORDS};

pub static RULE: Rule = Rule {
    code: "P234",
    name: "zfs-root-not-in-release",
    severity: Severity::Error,
    summary: "a ZFS-root profile keyword (`pool`, `bootenv`) for a release before 10/08",
    doc: r#"## What it does
With `zflash check --release R` (and in `zflash generate`'s self-check), flags the profile
keywords of a ZFS-root install, `pool` and `bootenv`, for a release before Solaris 10 10/08,
the first whose installer lays down a ZFS root.

## Why is this bad?
The older installer does not know these keywords: the profile fails its check and the
client does not install.

## Example
For `--release 5/08`:
```
install_type initial_install
pool rpool auto auto auto any
```
Use instead: install from a 10/08 or later image.
"#,
};

pub(crate) fn check(profile: &Profile, release: Release, out: &mut Vec<Diagnostic>) {
    if release.info().zfs_root {
        return;
    }
    for item in &profile.items {
        let Item::Keyword(line) = item else { continue };
        let KeywordName::Known(k) = &line.keyword.value else {
            continue;
        };
        if ZFS_ROOT_PROFILE_KEYWORDS.contains(&k.as_str()) {
            out.push(
                Diagnostic::new(
                    &RULE,
                    line.keyword.span.clone(),
                    format!(
                        "`{}` is a ZFS-root keyword, from Solaris 10 10/08 on; Solaris 10 {release} installs a UFS root only",
                        k.as_str()
                    ),
                )
                .help("install these clients from a 10/08 or later image"),
            );
        }
    }
}
