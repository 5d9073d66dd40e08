//! P209 usedisk-dontuse-conflict: usedisk and dontuse together, or either without partitioning default

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::{Keyword, Partitioning};

pub static RULE: Rule = Rule {
    code: "P209",
    name: "usedisk-dontuse-conflict",
    severity: Severity::Error,
    summary: "usedisk and dontuse together, or either without partitioning default",
    doc: r#"## What
The profile has both `usedisk` and `dontuse` lines, or one of them with `partitioning existing`
or `explicit` (in a UFS profile).

## Why
The two are mutually exclusive ways of choosing disks, and both only steer the installer's own
layout (`partitioning default`).

## Example
```
usedisk c0t0d0
dontuse c0t1d0
```"#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let (u, d) = (ctx.first(Keyword::Usedisk), ctx.first(Keyword::Dontuse));
    if let (Some(u), Some(d)) = (u, d) {
        let (a, b) = if u.span.start < d.span.start {
            (u, d)
        } else {
            (d, u)
        };
        out.push(
            Diagnostic::new(&RULE, b.keyword.span.clone(), "`usedisk` and `dontuse` cannot be used in the same profile")
                .secondary(a.keyword.span.clone(), "the other one is here")
                .help("list the disks to use with `usedisk`, or the disks to avoid with `dontuse`, not both"),
        );
    }
    if ctx.pool.is_some() || ctx.partitioning == Partitioning::Default {
        return;
    }
    for l in [u, d].into_iter().flatten() {
        out.push(
            Diagnostic::new(
                &RULE,
                l.keyword.span.clone(),
                format!(
                    "`{}` only applies with `partitioning default` (this profile uses `{}`)",
                    l.keyword.text(),
                    ctx.partitioning
                ),
            )
            .label("ignored with this partitioning"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type initial_install
usedisk c0t0d0
dontuse c0t1d0
"#;
        assert!(codes(bad).contains(&"P209"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
usedisk c0t0d0
usedisk c0t1d0
"#;
        assert!(!codes(good).contains(&"P209"), "{:?}", codes(good));
    }
}
