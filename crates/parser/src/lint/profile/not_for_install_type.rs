//! P204 keyword-not-for-install-type: A keyword is used with an install_type that does not accept it

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::{BootenvCommand, Directive, Filesys, InstallType, Keyword};

pub static RULE: Rule = Rule {
    code: "P204",
    name: "keyword-not-for-install-type",
    severity: Severity::Error,
    summary: "a keyword is used with an install_type that does not accept it",
    doc: r#"## What
The keyword is not valid for the profile's `install_type` (compatibility matrix of the
Solaris 10 installation guide): e.g. `pool` with `upgrade`, `archive_location` with
`initial_install`, `forced_deployment` outside `flash_update`, `layout_constraint` outside
`upgrade`, `filesys` with `upgrade`. Combinations the documentation leaves open are not reported.

## Why
Solaris `check`: "This keyword can only be used with an install_type of …"; the installer
rejects the profile.

## Example
```
install_type upgrade
pool rpool auto auto auto c0t0d0s0     # ZFS root needs initial_install or flash_install
```"#,
};

#[derive(Clone, Copy, PartialEq)]
enum A {
    Yes,
    No,
    Unknown,
}
use A::{No as N, Unknown as Q, Yes as Y};

const TYPES: [InstallType; 4] = [
    InstallType::InitialInstall,
    InstallType::Upgrade,
    InstallType::FlashInstall,
    InstallType::FlashUpdate,
];

/// Per install type (initial_install, upgrade, flash_install, flash_update).
fn matrix(d: &Directive, k: Keyword) -> Option<[A; 4]> {
    Some(match (k, d) {
        (_, Directive::Filesys(Filesys::Remote(_))) => [Y, N, Q, N],
        (_, Directive::Filesys(Filesys::Mirror(_))) => [Y, N, Q, N],
        (_, Directive::Bootenv(b)) if b.command.value == BootenvCommand::CreateBe => [Y, N, Q, N],
        (Keyword::SystemType, _) => [Y, N, Q, N],
        (Keyword::Partitioning | Keyword::Filesys, _) => [Y, N, Y, N],
        (Keyword::Metadb | Keyword::Usedisk | Keyword::Dontuse, _) => [Y, N, Q, N],
        (Keyword::Pool | Keyword::Bootenv | Keyword::BootDevice | Keyword::Fdisk, _) => {
            [Y, N, Y, N]
        }
        (Keyword::RootDevice, _) => [Y, Y, Y, Q],
        (Keyword::Cluster | Keyword::Package, _) => [Y, Y, Y, N],
        (Keyword::Locale | Keyword::Geo | Keyword::Patch, _) => [Y, Y, Q, N],
        (Keyword::ArchiveLocation | Keyword::LocalCustomization, _) => [N, N, Y, Y],
        (Keyword::ForcedDeployment | Keyword::NoMasterCheck | Keyword::NoContentCheck, _) => {
            [N, N, N, Y]
        }
        (Keyword::LayoutConstraint | Keyword::BackupMedia, _) => [N, Y, N, N],
        (
            Keyword::ClientArch | Keyword::ClientRoot | Keyword::ClientSwap | Keyword::NumClients,
            _,
        ) => [Y, N, N, N],
        _ => return None,
    })
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(it) = ctx.install_type else { return };
    let idx = TYPES.iter().position(|t| *t == it).unwrap_or(0);
    for l in &ctx.lines {
        let Some(k) = l.known_keyword() else { continue };
        if matches!(l.directive, Directive::Unparsed(_)) {
            continue;
        }
        let Some(row) = matrix(&l.directive, k) else {
            continue;
        };
        if row[idx] != A::No {
            continue;
        }
        let ok: Vec<String> = TYPES
            .iter()
            .zip(row)
            .filter(|(_, a)| *a == A::Yes)
            .map(|(t, _)| format!("`{t}`"))
            .collect();
        out.push(
            Diagnostic::new(
                &RULE,
                l.keyword.span.clone(),
                format!(
                    "`{k}` cannot be used with `install_type {it}`: it is valid only with {}",
                    ok.join(" or ")
                ),
            )
            .label(format!("not valid for `{it}`")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type upgrade
pool rpool auto auto auto c0t0d0s0
"#;
        assert!(codes(bad).contains(&"P204"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
pool rpool auto auto auto c0t0d0s0
"#;
        assert!(!codes(good).contains(&"P204"), "{:?}", codes(good));
    }
}
