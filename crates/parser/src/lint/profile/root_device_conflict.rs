//! P229 root-device-conflict: root_device disagrees with boot_device or the pool

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::Directive;

pub static RULE: Rule = Rule {
    code: "P229",
    name: "root-device-conflict",
    severity: Severity::Warning,
    summary: "root_device disagrees with boot_device or the pool",
    doc: r#"## What
`root_device` names a different disk than `boot_device`, or (ZFS) a slice that is not a device
of the `pool` line.

## Why
The system would boot from one disk while its root is on another; for ZFS the root pool's
devices are given by `pool`, and js2ai warns about a conflicting `root_device`.

## Example
```
pool rpool auto auto auto c0t0d0s0
root_device c0t1d0s0
```"#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(root) = ctx.lines.iter().find_map(|l| match &l.directive {
        Directive::RootDevice(d) => Some(d),
        _ => None,
    }) else {
        return;
    };
    if let Some((_, pool)) = ctx.pool {
        let named: Vec<_> = pool.devices.iter().filter(|d| d.value.is_slice()).collect();
        if !named.is_empty() && !named.iter().any(|d| d.value == root.value) {
            out.push(
                Diagnostic::new(
                    &RULE,
                    root.span.clone(),
                    format!(
                        "`root_device {}` is not a device of the root pool",
                        root.text()
                    ),
                )
                .secondary(named[0].span.clone(), "the pool is built on this")
                .help("remove `root_device`, or name one of the pool's slices"),
            );
        }
    }
    let boot = ctx.lines.iter().find_map(|l| match &l.directive {
        Directive::BootDevice(b) => Some(&b.device),
        _ => None,
    });
    if let (Some(boot), Some(rd)) = (boot, root.value.disk())
        && let Some(bd) = boot.value.disk()
        && bd != rd
    {
        out.push(
            Diagnostic::new(
                &RULE,
                boot.span.clone(),
                format!("`boot_device` is on disk `{bd}` but `root_device` is on `{rd}`"),
            )
            .secondary(root.span.clone(), "root device"),
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
root_device c0t1d0s0
"#;
        assert!(codes(bad).contains(&"P229"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
pool rpool auto auto auto c0t0d0s0
root_device c0t0d0s0
"#;
        assert!(!codes(good).contains(&"P229"), "{:?}", codes(good));
    }
}
