//! P233 dontuse-conflict: A disk excluded by dontuse is used by pool, filesys, root_device or boot_device

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::{Device, Directive, DiskName, Filesys, Tok};
use crate::source::Span;
use std::collections::HashMap;

pub static RULE: Rule = Rule {
    code: "P233",
    name: "dontuse-conflict",
    severity: Severity::Error,
    summary: "a disk excluded by dontuse is used by pool, filesys, root_device or boot_device",
    doc: r#"## What
A disk named in a `dontuse` line is also the disk of a `pool` vdev, a `filesys` slice,
`root_device` or `boot_device`.

## Why
`dontuse` forbids the installer to touch the disk, so the layout that needs it cannot be built
and the install stops.

## Example
```
pool    rpool auto auto auto c0t0d0s0
dontuse c0t0d0
```"#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let mut excluded: HashMap<&DiskName, Span> = HashMap::new();
    for l in &ctx.lines {
        if let Directive::Dontuse(d) = &l.directive
            && let Some(disk) = d.value.disk()
        {
            excluded.entry(disk).or_insert_with(|| d.span.clone());
        }
    }
    if excluded.is_empty() {
        return;
    }
    for l in &ctx.lines {
        let used: Vec<&Tok<Device>> = match &l.directive {
            Directive::Pool(p) => p.devices.iter().collect(),
            Directive::Filesys(Filesys::Local(fs)) => vec![&fs.slice],
            Directive::Filesys(Filesys::Mirror(fs)) => fs.slices.iter().collect(),
            Directive::RootDevice(d) => vec![d],
            Directive::BootDevice(b) => vec![&b.device],
            _ => continue,
        };
        for d in used {
            if let Some(disk) = d.value.disk()
                && let Some(ex) = excluded.get(disk)
            {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        d.span.clone(),
                        format!(
                            "`{}` is on disk `{disk}`, which `dontuse` excludes",
                            d.text()
                        ),
                    )
                    .label(format!("`{}` needs this disk", l.keyword.text()))
                    .secondary(ex.clone(), "excluded here"),
                );
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
pool rpool auto auto auto c0t0d0s0
dontuse c0t0d0
"#;
        assert!(codes(bad).contains(&"P233"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
pool rpool auto auto auto c0t0d0s0
dontuse c0t1d0
"#;
        assert!(!codes(good).contains(&"P233"), "{:?}", codes(good));
    }
}
