//! P232 duplicate-filesys: Two filesys lines use the same slice or the same mount point

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::{Device, Directive, Filesys, MountPoint, Tok};
use crate::source::Span;
use std::collections::HashMap;

pub static RULE: Rule = Rule {
    code: "P232",
    name: "duplicate-filesys",
    severity: Severity::Error,
    summary: "two filesys lines use the same slice or the same mount point",
    doc: r#"## What
Two local or mirrored `filesys` lines name the same slice (`any` excepted), or mount two file
systems on the same mount point (`swap`, `overlap`, `unnamed` and `ignore` may repeat).

## Why
A slice holds one file system and a mount point takes one; the installer stops with a layout
error after it has started to label the disks.

## Example
```
filesys c0t0d0s0 4096 /
filesys c0t0d0s0 1024 swap
filesys c0t1d0s0 free /
```"#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let mut slices: HashMap<&Device, Span> = HashMap::new();
    let mut mounts: HashMap<&str, Span> = HashMap::new();
    for l in &ctx.lines {
        let (devs, mount): (Vec<&Tok<Device>>, Option<&Tok<MountPoint>>) = match &l.directive {
            Directive::Filesys(Filesys::Local(fs)) => (vec![&fs.slice], fs.mount.as_ref()),
            Directive::Filesys(Filesys::Mirror(fs)) => {
                (fs.slices.iter().collect(), Some(&fs.mount))
            }
            _ => continue,
        };
        for d in devs {
            if d.value == Device::Any {
                continue;
            }
            if let Some(prev) = slices.get(&d.value) {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        d.span.clone(),
                        format!("slice `{}` is used by two `filesys` lines", d.text()),
                    )
                    .label("used again here")
                    .secondary(prev.clone(), "first used here"),
                );
            } else {
                slices.insert(&d.value, d.span.clone());
            }
        }
        if let Some(m) = mount
            && let MountPoint::Path(p) = &m.value
        {
            let key = if p.len() > 1 {
                p.trim_end_matches('/')
            } else {
                p.as_str()
            };
            if let Some(prev) = mounts.get(key) {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        m.span.clone(),
                        format!("two file systems are mounted on `{p}`"),
                    )
                    .label("mounted again here")
                    .secondary(prev.clone(), "first mounted here"),
                );
            } else {
                mounts.insert(key, m.span.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type initial_install
filesys c0t0d0s0 4096 /
filesys c0t1d0s0 free /
"#;
        assert!(codes(bad).contains(&"P232"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
filesys c0t0d0s0 4096 /
filesys c0t0d0s1 1024 swap
filesys c0t1d0s1 1024 swap
"#;
        assert!(!codes(good).contains(&"P232"), "{:?}", codes(good));
    }
}
