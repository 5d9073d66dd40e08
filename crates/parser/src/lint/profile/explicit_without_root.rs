//! P210 explicit-without-root: partitioning explicit without a filesys for /

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::{Directive, Filesys, InstallType, MountPoint, Partitioning};

pub static RULE: Rule = Rule {
    code: "P210",
    name: "explicit-without-root",
    severity: Severity::Error,
    summary: "partitioning explicit without a filesys for /",
    doc: r#"## What
A UFS profile says `partitioning explicit` but no `filesys` line (local or mirror) mounts `/`.

## Why
With `explicit` only the `filesys` lines define the layout, so the installer has nowhere to put
the root file system. (Not reported for ZFS profiles, whose root is the `pool`.)

## Example
```
install_type initial_install
partitioning explicit
filesys c0t0d0s1 1024 swap
```"#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    if ctx.pool.is_some()
        || matches!(
            ctx.install_type,
            Some(InstallType::Upgrade | InstallType::FlashUpdate)
        )
    {
        return;
    }
    let Some(line) = ctx.lines.iter().find(
        |l| matches!(&l.directive, Directive::Partitioning(p) if p.value == Partitioning::Explicit),
    ) else {
        return;
    };
    let is_root = |m: &MountPoint| matches!(m, MountPoint::Path(p) if p == "/");
    let has_root = ctx.lines.iter().any(|l| match &l.directive {
        Directive::Filesys(Filesys::Local(fs)) => {
            fs.mount.as_ref().is_some_and(|m| is_root(&m.value))
        }
        Directive::Filesys(Filesys::Mirror(fs)) => is_root(&fs.mount.value),
        _ => false,
    });
    if !has_root {
        out.push(
            Diagnostic::new(
                &RULE,
                line.keyword.span.clone(),
                "`partitioning explicit` needs a `filesys` line for `/`",
            )
            .label("no `filesys … /` in this profile")
            .help("add e.g. `filesys rootdisk.s0 free /`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type initial_install
partitioning explicit
filesys c0t0d0s1 1024 swap
"#;
        assert!(codes(bad).contains(&"P210"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
partitioning explicit
filesys c0t0d0s0 free /
"#;
        assert!(!codes(good).contains(&"P210"), "{:?}", codes(good));
    }
}
