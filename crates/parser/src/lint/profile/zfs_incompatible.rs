//! P212 zfs-incompatible-keyword: A UFS-only keyword in a ZFS-root profile (one with pool)

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::{BootenvCommand, Directive, Filesys};

pub static RULE: Rule = Rule {
    code: "P212",
    name: "zfs-incompatible-keyword",
    severity: Severity::Error,
    summary: "a UFS-only keyword in a ZFS-root profile (one with pool)",
    doc: r#"## What
A profile with a `pool` line (ZFS root) also has a local or mirrored `filesys`, `metadb`,
`layout_constraint`, `backup_media` or `bootenv createbe`.

## Why
Those describe UFS slices and SVM mirrors; the ZFS-root installer does not support them (only
remote NFS `filesys` lines are allowed). The root pool's mirror is written in the `pool` line.

## Example
```
pool    rpool auto auto auto c0t0d0s0
filesys c0t1d0s0 free /export
```"#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some((pool_line, _)) = ctx.pool else {
        return;
    };
    for l in &ctx.lines {
        let what = match &l.directive {
            Directive::Filesys(Filesys::Local(_)) => "a local `filesys`",
            Directive::Filesys(Filesys::Mirror(_)) => "`filesys mirror`",
            Directive::Metadb(_) => "`metadb`",
            Directive::LayoutConstraint(_) => "`layout_constraint`",
            Directive::BackupMedia(_) => "`backup_media`",
            Directive::Bootenv(b) if b.command.value == BootenvCommand::CreateBe => {
                "`bootenv createbe`"
            }
            _ => continue,
        };
        out.push(
            Diagnostic::new(&RULE, l.keyword.span.clone(), format!("{what} cannot be used in a ZFS-root profile"))
                .label("UFS-only keyword")
                .secondary(pool_line.keyword.span.clone(), "this `pool` makes the profile a ZFS-root install")
                .help("ZFS-root profiles only accept remote (NFS) `filesys` lines; mirror the root pool in the `pool` line"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type initial_install
pool rpool auto auto auto c0t0d0s0
filesys c0t1d0s0 free /export
"#;
        assert!(codes(bad).contains(&"P212"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
pool rpool auto auto auto c0t0d0s0
filesys nfs1:/export/tools - /opt/tools ro
"#;
        assert!(!codes(good).contains(&"P212"), "{:?}", codes(good));
    }
}
