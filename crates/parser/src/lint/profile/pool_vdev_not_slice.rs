//! P213 pool-vdev-not-slice: A root-pool device is a whole disk or partition, not a slice

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::Device;

pub static RULE: Rule = Rule {
    code: "P213",
    name: "pool-vdev-not-slice",
    severity: Severity::Error,
    summary: "a root-pool device is a whole disk or partition, not a slice",
    doc: r#"## What
A device of the `pool` vdev list is a whole disk (`c0t0d0`), an fdisk partition (`c0t0d0p0`),
`rootdisk`, `existing` or `all` instead of a slice (`c0t0d0s0`, `rootdisk.s0`) or `any`.

## Why
A ZFS root pool must live on a slice of an SMI-labelled disk; the installer fails with
"Invalid disk name (c0t0d0)".

## Example
```
pool rpool auto auto auto mirror c0t0d0 c0t1d0
```"#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some((_, pool)) = ctx.pool else { return };
    for d in &pool.devices {
        if d.value.is_slice() || d.value == Device::Any {
            continue;
        }
        let mut diag = Diagnostic::new(
            &RULE,
            d.span.clone(),
            format!(
                "invalid disk name `{}`: root pool devices must be slices",
                d.text()
            ),
        )
        .label("expected a slice such as `c0t0d0s0`, or `any`");
        if let Some(disk) = d.value.disk() {
            diag = diag.help(format!("use a slice of that disk, e.g. `{disk}s0`"));
        }
        out.push(diag);
    }
}

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type initial_install
pool rpool auto auto auto mirror c0t0d0 c0t1d0
"#;
        assert!(codes(bad).contains(&"P213"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
pool rpool auto auto auto mirror c0t0d0s0 c0t1d0s0
"#;
        assert!(!codes(good).contains(&"P213"), "{:?}", codes(good));
    }
}
