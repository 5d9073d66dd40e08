//! P217 bootenv-arguments: bootenv arguments do not fit installbe or createbe

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::{BootenvCommand, Directive};

pub static RULE: Rule = Rule {
    code: "P217",
    name: "bootenv-arguments",
    severity: Severity::Error,
    summary: "bootenv arguments do not fit installbe or createbe",
    doc: r#"## What
* `installbe`: only `bename NAME` and `dataset /var` are accepted (`/var` is the only separate
  dataset supported);
* `createbe`: needs `bename NAME` and at least one `filesystem mountpoint:device:fs_options`
  and accepts no `dataset`;
* an argument given twice.

## Why
The installer rejects the profile or silently ignores the extra dataset.

## Example
```
bootenv installbe bename s10 dataset /opt
bootenv createbe bename alt
```"#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for l in &ctx.lines {
        let Directive::Bootenv(b) = &l.directive else {
            continue;
        };
        let install = b.command.value == BootenvCommand::InstallBe;
        for (i, a) in b.args.iter().enumerate() {
            let key = a.key.value.as_str();
            if key != "filesystem"
                && let Some(prev) = b.args[..i].iter().find(|p| p.key.value == key)
            {
                out.push(
                    Diagnostic::new(&RULE, a.key.span.clone(), format!("`{key}` given twice"))
                        .secondary(prev.key.span.clone(), "first given here"),
                );
            }
            match (install, key) {
                (true, "filesystem") => out.push(
                    Diagnostic::new(&RULE, a.key.span.clone(), "`filesystem` is a `createbe` argument; `installbe` accepts `bename` and `dataset`")
                        .label("expected `bename` or `dataset`"),
                ),
                (true, "dataset") if a.value.value != "/var" => out.push(
                    Diagnostic::new(&RULE, a.value.span.clone(), format!("dataset `{}` is not supported: `/var` is the only separate dataset", a.value.value))
                        .label("expected `/var`"),
                ),
                (false, "dataset") => out.push(
                    Diagnostic::new(&RULE, a.key.span.clone(), "`dataset` is an `installbe` argument; `createbe` accepts `bename` and `filesystem`")
                        .label("expected `bename` or `filesystem`"),
                ),
                (false, "filesystem") if a.value.value.split(':').count() != 3 => out.push(
                    Diagnostic::new(&RULE, a.value.span.clone(), format!("`{}` is not `mountpoint:device:fs_options`", a.value.value))
                        .label("expected e.g. `/:c0t1d0s0:ufs`"),
                ),
                _ => {}
            }
        }
        if !install {
            for (need, example) in [
                ("bename", "bename alt_be"),
                ("filesystem", "filesystem /:c0t1d0s0:ufs"),
            ] {
                if b.get(need).is_none() {
                    out.push(
                        Diagnostic::new(
                            &RULE,
                            b.command.span.clone(),
                            format!("`createbe` needs `{need}`"),
                        )
                        .label(format!("missing `{need}`"))
                        .help(format!("add `{example}`")),
                    );
                }
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
bootenv installbe bename s10 dataset /opt
"#;
        assert!(codes(bad).contains(&"P217"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
pool rpool auto auto auto c0t0d0s0
bootenv installbe bename s10 dataset /var
"#;
        assert!(!codes(good).contains(&"P217"), "{:?}", codes(good));
    }
}
