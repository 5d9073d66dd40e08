//! P227 partitioning-with-pool: partitioning in a ZFS-root profile

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::Keyword;

pub static RULE: Rule = Rule {
    code: "P227",
    name: "partitioning-with-pool",
    severity: Severity::Warning,
    summary: "partitioning in a ZFS-root profile",
    doc: r#"## What
A `partitioning` line in a profile that has a `pool` line.

## Why
The ZFS limitation table lists `partitioning` as not applicable to ZFS-root installs, though
Oracle's own ZFS Flash example contains `partitioning explicit`, so this is a warning.

## Example
```
partitioning explicit
pool rpool auto auto auto c0t0d0s0
```"#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some((pool_line, _)) = ctx.pool else {
        return;
    };
    for l in &ctx.lines {
        if l.known_keyword() == Some(Keyword::Partitioning) {
            out.push(
                Diagnostic::new(
                    &RULE,
                    l.keyword.span.clone(),
                    "`partitioning` does not apply to a ZFS-root profile",
                )
                .label("ignored for ZFS root")
                .secondary(pool_line.keyword.span.clone(), "ZFS root pool defined here"),
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
partitioning explicit
pool rpool auto auto auto c0t0d0s0
"#;
        assert!(codes(bad).contains(&"P227"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
pool rpool auto auto auto c0t0d0s0
"#;
        assert!(!codes(good).contains(&"P227"), "{:?}", codes(good));
    }
}
