//! P206 filesys-size-conflict: A filesys line combines a slice, size, mount point or preserve that cannot go together

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::{Device, Directive, Filesys, FsSize, InstallType, MountPoint};

pub static RULE: Rule = Rule {
    code: "P206",
    name: "filesys-size-conflict",
    severity: Severity::Error,
    summary: "a filesys line combines a slice, size, mount point or preserve that cannot go together",
    doc: r#"## What
* `preserve` with a size other than `existing` (or `start:size`), or with slice `any`;
* slice `any` with size `existing`, `all` or `start:size`, or with `ignore`;
* size `auto` in a `flash_install` profile.

## Why
Solaris `check`: A "preserved" filesystem cannot be "auto" sized, use "existing". `any` lets the
installer pick a disk, so there is no existing slice to keep or to size from. Flash installs
need explicit sizes.

## Example
```
filesys c0t0d0s7 auto /export preserve
filesys any existing /opt
```"#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for l in &ctx.lines {
        let Directive::Filesys(Filesys::Local(fs)) = &l.directive else {
            continue;
        };
        let preserve = fs
            .option
            .as_ref()
            .filter(|o| o.value.eq_ignore_ascii_case("preserve"));
        let any = fs.slice.value == Device::Any;
        if let Some(p) = preserve {
            if !matches!(fs.size.value, FsSize::Existing | FsSize::StartSize(..)) {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        fs.size.span.clone(),
                        format!(
                            "a preserved file system cannot be sized `{}`: use `existing`",
                            fs.size.text()
                        ),
                    )
                    .label("expected `existing`")
                    .secondary(p.span.clone(), "preserved here"),
                );
            }
            if any {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        fs.slice.span.clone(),
                        "a preserved file system needs an explicit slice, not `any`",
                    )
                    .label("expected a slice such as `c0t0d0s7`"),
                );
            }
        }
        if any
            && matches!(
                fs.size.value,
                FsSize::Existing | FsSize::All | FsSize::StartSize(..)
            )
        {
            out.push(
                Diagnostic::new(
                    &RULE,
                    fs.size.span.clone(),
                    format!(
                        "slice `any` cannot be combined with size `{}`",
                        fs.size.text()
                    ),
                )
                .label("expected a size in MB or `auto`")
                .secondary(fs.slice.span.clone(), "the installer picks this slice"),
            );
        }
        if let Some(m) = &fs.mount
            && any
            && m.value == MountPoint::Ignore
        {
            out.push(
                Diagnostic::new(
                    &RULE,
                    m.span.clone(),
                    "slice `any` cannot be combined with `ignore`",
                )
                .label("`ignore` needs an explicit slice"),
            );
        }
        if ctx.install_type == Some(InstallType::FlashInstall) && fs.size.value == FsSize::Auto {
            out.push(
                Diagnostic::new(
                    &RULE,
                    fs.size.span.clone(),
                    "size `auto` is not allowed in a `flash_install` profile",
                )
                .label("expected a size in MB, `existing`, `all`, `free` or `start:size`"),
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
filesys c0t0d0s7 auto /export preserve
"#;
        assert!(codes(bad).contains(&"P206"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
filesys c0t0d0s7 existing /export preserve
"#;
        assert!(!codes(good).contains(&"P206"), "{:?}", codes(good));
    }
}
