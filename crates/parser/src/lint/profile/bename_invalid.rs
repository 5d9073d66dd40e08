//! P219 bename-invalid: The boot environment name is not a valid dataset name

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::Directive;

pub static RULE: Rule = Rule {
    code: "P219",
    name: "bename-invalid",
    severity: Severity::Error,
    summary: "the boot environment name is not a valid dataset name",
    doc: r#"## What
The `bename` value is longer than 30 characters, or contains characters other than letters,
digits, `_`, `-`, `.` and `:`, or does not start with a letter or digit.

## Why
The BE becomes the dataset `<pool>/ROOT/<bename>`; ZFS refuses invalid dataset names and the
install fails.

## Example
```
bootenv installbe bename s10/u6
```"#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for l in &ctx.lines {
        let Directive::Bootenv(b) = &l.directive else {
            continue;
        };
        let Some(name) = b.get("bename") else {
            continue;
        };
        let n = &name.value;
        let why = if n.len() > 30 {
            Some(format!(
                "is {} characters long; at most 30 are allowed",
                n.len()
            ))
        } else if !n.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            Some("must start with a letter or digit".to_string())
        } else {
            n.chars()
                .find(|c| !(c.is_ascii_alphanumeric() || "_-.:".contains(*c)))
                .map(|c| {
                    format!(
                        "contains `{c}`; only letters, digits, `_`, `-`, `.` and `:` are allowed"
                    )
                })
        };
        if let Some(why) = why {
            out.push(
                Diagnostic::new(
                    &RULE,
                    name.span.clone(),
                    format!("invalid boot environment name `{n}`: it {why}"),
                )
                .label("expected a name such as `s10u9`"),
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
pool rpool auto auto auto c0t0d0s0
bootenv installbe bename s10/u6
"#;
        assert!(codes(bad).contains(&"P219"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
pool rpool auto auto auto c0t0d0s0
bootenv installbe bename s10u6_req
"#;
        assert!(!codes(good).contains(&"P219"), "{:?}", codes(good));
    }
}
