//! P228 x86-boot-device-update: boot_device … update on x86

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::{Device, Directive, Eeprom, Keyword};

pub static RULE: Rule = Rule {
    code: "P228",
    name: "x86-boot-device-update",
    severity: Severity::Warning,
    summary: "boot_device … update on x86",
    doc: r#"## What
`boot_device … update` where the profile is evidently for x86: the device is a disk or an fdisk
partition (`c0d0`, `c0t0d0p0`), or the profile has `fdisk` lines.

## Why
`update` rewrites the OpenBoot `boot-device` variable, which exists on SPARC only; x86 profiles
must use `preserve`.

## Example
```
fdisk c0d0 solaris all
boot_device c0d0 update
```"#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let has_fdisk = ctx.first(Keyword::Fdisk).is_some();
    for l in &ctx.lines {
        let Directive::BootDevice(b) = &l.directive else {
            continue;
        };
        let x86_device = matches!(b.device.value, Device::Disk(_) | Device::Partition(..));
        if b.eeprom.value == Eeprom::Update && (x86_device || has_fdisk) {
            out.push(
                Diagnostic::new(
                    &RULE,
                    b.eeprom.span.clone(),
                    "`update` rewrites the SPARC OpenBoot PROM; x86 systems must use `preserve`",
                )
                .label("expected `preserve` on x86"),
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
fdisk c0d0 solaris all
boot_device c0d0 update
"#;
        assert!(codes(bad).contains(&"P228"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
fdisk c0d0 solaris all
boot_device c0d0 preserve
"#;
        assert!(!codes(good).contains(&"P228"), "{:?}", codes(good));
    }
}
