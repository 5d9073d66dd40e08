//! P218 installbe-without-pool: bootenv installbe in a profile without pool

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::{BootenvCommand, Directive};

pub static RULE: Rule = Rule {
    code: "P218",
    name: "installbe-without-pool",
    severity: Severity::Warning,
    summary: "bootenv installbe in a profile without pool",
    doc: r#"## What
`bootenv installbe` in a profile that has no `pool` line.

## Why
`installbe` names the ZFS boot environment the install creates; in a UFS profile it has no
effect (the UFS form is `bootenv createbe`).

## Example
```
install_type initial_install
bootenv installbe bename s10
```"#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    if ctx.pool.is_some() {
        return;
    }
    for l in &ctx.lines {
        if let Directive::Bootenv(b) = &l.directive
            && b.command.value == BootenvCommand::InstallBe
        {
            out.push(
                Diagnostic::new(
                    &RULE,
                    b.command.span.clone(),
                    "`bootenv installbe` has no effect without a `pool` line",
                )
                .label("ZFS boot environments need a ZFS root pool")
                .help("add `pool rpool auto auto auto <slice>` or remove this line"),
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
bootenv installbe bename s10
"#;
        assert!(codes(bad).contains(&"P218"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
pool rpool auto auto auto c0t0d0s0
bootenv installbe bename s10
"#;
        assert!(!codes(good).contains(&"P218"), "{:?}", codes(good));
    }
}
