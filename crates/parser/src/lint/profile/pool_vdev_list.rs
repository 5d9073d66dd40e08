//! P214 pool-vdev-list: The pool vdev list is not a single device or a mirror

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::{Device, Tok};
use std::collections::HashMap;

pub static RULE: Rule = Rule {
    code: "P214",
    name: "pool-vdev-list",
    severity: Severity::Error,
    summary: "the pool vdev list is not a single device or a mirror",
    doc: r#"## What
The `pool` vdev list is not one of: a single slice, `any`, or `mirror` followed by two or more
distinct slices (or all `any`). Reported: a mirror with fewer than two devices, several devices
without `mirror` (a stripe), `any` mixed with named slices, the same slice twice.

## Why
A ZFS root pool can only be a single device or a mirror (no stripes, no raidz); duplicate
members give no redundancy and are rejected.

## Example
```
pool rpool auto auto auto c0t0d0s0 c0t1d0s0          # stripe: write `mirror` first
pool rpool auto auto auto mirror c0t0d0s0 c0t0d0s0   # same slice twice
```"#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some((_, pool)) = ctx.pool else { return };
    let devs = &pool.devices;
    let Some(first) = devs.first() else { return };
    let whole = first.span.start..devs.last().map_or(first.span.end, |d| d.span.end);
    match &pool.mirror {
        Some(m) if devs.len() < 2 => out.push(
            Diagnostic::new(
                &RULE,
                m.span.start..whole.end,
                format!("a mirror needs at least two devices, found {}", devs.len()),
            )
            .label("expected `mirror` and two or more slices"),
        ),
        None if devs.len() > 1 => out.push(
            Diagnostic::new(
                &RULE,
                whole.clone(),
                format!("a root pool cannot be striped over {} devices", devs.len()),
            )
            .label("several devices without `mirror`")
            .help(format!(
                "to mirror them write `mirror` before the devices: `mirror {}`",
                devs.iter().map(|d| d.text()).collect::<Vec<_>>().join(" ")
            )),
        ),
        _ => {}
    }
    let anys = devs.iter().filter(|d| d.value == Device::Any).count();
    if anys > 0 && anys < devs.len() {
        out.push(
            Diagnostic::new(
                &RULE,
                whole.clone(),
                "`any` cannot be mixed with named devices in the vdev list",
            )
            .label("expected either all `any` or all slices"),
        );
    }
    let mut seen: HashMap<&Device, &Tok<Device>> = HashMap::new();
    for d in devs {
        if d.value == Device::Any {
            continue;
        }
        if let Some(prev) = seen.get(&d.value) {
            out.push(
                Diagnostic::new(
                    &RULE,
                    d.span.clone(),
                    format!("`{}` appears twice in the vdev list", d.text()),
                )
                .label("duplicate mirror member")
                .secondary(prev.span.clone(), "first given here"),
            );
        } else {
            seen.insert(&d.value, d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type initial_install
pool rpool auto auto auto c0t0d0s0 c0t1d0s0
"#;
        assert!(codes(bad).contains(&"P214"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
pool rpool auto auto auto mirror c0t0d0s0 c0t1d0s0
"#;
        assert!(!codes(good).contains(&"P214"), "{:?}", codes(good));
    }
}
