//! P201 missing-install-type: The profile has no install_type line

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::Keyword;

pub static RULE: Rule = Rule {
    code: "P201",
    name: "missing-install-type",
    severity: Severity::Error,
    summary: "the profile has no install_type line",
    doc: r#"## What
The profile contains no `install_type` keyword line (or nothing at all).

## Why
`install_type` is required: it tells the installer whether to install, upgrade or deploy a
Flash archive. Solaris `check` stops with "No install type specified".

## Example
```
cluster SUNWCreq
pool    rpool auto auto auto c0t0d0s0
```
Add `install_type initial_install` as the first line."#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    if ctx.first(Keyword::InstallType).is_some() {
        return;
    }
    let span = ctx.lines.first().map_or(0..0, |l| l.keyword.span.clone());
    out.push(
        Diagnostic::new(&RULE, span, "no install type specified: the profile has no `install_type` line")
            .help("start the profile with `install_type initial_install` (or `upgrade`, `flash_install`, `flash_update`)"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"cluster SUNWCreq
"#;
        assert!(codes(bad).contains(&"P201"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
"#;
        assert!(!codes(good).contains(&"P201"), "{:?}", codes(good));
    }
}
