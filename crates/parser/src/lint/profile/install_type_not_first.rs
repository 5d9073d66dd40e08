//! P202 install-type-not-first: The first keyword line is not install_type

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::Keyword;

pub static RULE: Rule = Rule {
    code: "P202",
    name: "install-type-not-first",
    severity: Severity::Error,
    summary: "the first keyword line is not install_type",
    doc: r#"## What
A keyword line comes before `install_type`.

## Why
Solaris `check` requires `install_type` to be the first keyword ("First specified keyword must
be install_type"); comments and blank lines may precede it.

## Example
```
cluster      SUNWCreq
install_type initial_install
```"#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(first) = ctx.lines.first() else {
        return;
    };
    if first.known_keyword() == Some(Keyword::InstallType) {
        return;
    }
    let Some(it) = ctx.first(Keyword::InstallType) else {
        return;
    };
    out.push(
        Diagnostic::new(
            &RULE,
            first.keyword.span.clone(),
            format!(
                "first keyword must be `install_type`, found `{}`",
                first.keyword.text()
            ),
        )
        .label("expected `install_type` here")
        .secondary(it.keyword.span.clone(), "`install_type` is here")
        .help("move the `install_type` line to the top of the profile"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"cluster SUNWCreq
install_type initial_install
"#;
        assert!(codes(bad).contains(&"P202"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"# comment

install_type initial_install
cluster SUNWCreq
"#;
        assert!(!codes(good).contains(&"P202"), "{:?}", codes(good));
    }
}
