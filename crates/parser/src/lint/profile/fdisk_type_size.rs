//! P220 fdisk-type-size: fdisk type and size do not go together

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::{Directive, FdiskSize, FdiskType};

pub static RULE: Rule = Rule {
    code: "P220",
    name: "fdisk-type-size",
    severity: Severity::Error,
    summary: "fdisk type and size do not go together",
    doc: r#"## What
* a hexadecimal type (`0xHH`) with a size other than `delete`;
* size `all` with a type other than `solaris`;
* a decimal type outside 1–255.

## Why
Hex types can only name partitions to delete, and only the Solaris partition may take the whole
disk.

## Example
```
fdisk c0d0 0x82 200
fdisk c0d0 dosprimary all
```"#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for l in &ctx.lines {
        let Directive::Fdisk(f) = &l.directive else {
            continue;
        };
        if matches!(f.kind.value, FdiskType::Hex(_)) && f.size.value != FdiskSize::Delete {
            out.push(
                Diagnostic::new(
                    &RULE,
                    f.size.span.clone(),
                    format!(
                        "a hexadecimal fdisk type only goes with `delete`, found `{}`",
                        f.size.text()
                    ),
                )
                .label("expected `delete`"),
            );
        }
        if f.size.value == FdiskSize::All && f.kind.value != FdiskType::Solaris {
            out.push(
                Diagnostic::new(
                    &RULE,
                    f.kind.span.clone(),
                    format!(
                        "only the `solaris` type can take size `all`, found `{}`",
                        f.kind.text()
                    ),
                )
                .label("expected `solaris`"),
            );
        }
        if let FdiskType::Decimal(n) = f.kind.value
            && !(1..=255).contains(&n)
        {
            out.push(
                Diagnostic::new(
                    &RULE,
                    f.kind.span.clone(),
                    format!("fdisk type {n} is out of range"),
                )
                .label("expected 1-255"),
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
fdisk c0d0 dosprimary all
"#;
        assert!(codes(bad).contains(&"P220"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
fdisk c0d0 solaris all
fdisk c0d0 0x82 delete
"#;
        assert!(!codes(good).contains(&"P220"), "{:?}", codes(good));
    }
}
