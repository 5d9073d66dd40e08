//! P208 ignore-without-existing: filesys … ignore without partitioning existing

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::{Directive, Filesys, LocalFilesys, MountPoint, Partitioning};

pub static RULE: Rule = Rule {
    code: "P208",
    name: "ignore-without-existing",
    severity: Severity::Error,
    summary: "filesys … ignore without partitioning existing",
    doc: r#"## What
A `filesys` line uses the `ignore` file-system argument while `partitioning` is not `existing`.

## Why
`ignore` tells the installer to skip an existing slice it would otherwise reuse; it is only
valid with `partitioning existing`.

## Example
```
partitioning explicit
filesys c0t0d0s5 existing ignore
```"#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    if ctx.partitioning == Partitioning::Existing {
        return;
    }
    for l in &ctx.lines {
        if let Directive::Filesys(Filesys::Local(LocalFilesys { mount: Some(m), .. })) =
            &l.directive
            && m.value == MountPoint::Ignore
        {
            out.push(
                Diagnostic::new(&RULE, m.span.clone(), format!("`ignore` is only valid with `partitioning existing` (this profile uses `{}`)", ctx.partitioning))
                    .label("requires `partitioning existing`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type initial_install
partitioning explicit
filesys c0t0d0s0 4096 /
filesys c0t0d0s5 existing ignore
"#;
        assert!(codes(bad).contains(&"P208"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
partitioning existing
filesys c0t0d0s5 existing ignore
"#;
        assert!(!codes(good).contains(&"P208"), "{:?}", codes(good));
    }
}
