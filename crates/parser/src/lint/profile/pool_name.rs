//! P215 pool-name: The pool name is not a valid ZFS pool name

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "P215",
    name: "pool-name",
    severity: Severity::Error,
    summary: "the pool name is not a valid ZFS pool name",
    doc: r#"## What
The pool name is longer than 30 characters, does not start with a letter, contains characters
other than letters, digits, `_`, `-`, `.` and `:`, or is reserved (`mirror`, `raidz…`, `spare`,
`log`, `cache`, or a name that starts with `c` and a digit, which looks like a device).

## Why
`zpool create` refuses such names and the install stops after the disks were relabelled.

## Example
```
pool 1pool auto auto auto c0t0d0s0
```"#,
};

/// Why `name` is not a valid root pool name, if it is not.
pub fn problem(name: &str) -> Option<String> {
    let first = name.chars().next()?;
    if name.len() > 30 {
        return Some(format!(
            "is {} characters long; at most 30 are allowed",
            name.len()
        ));
    }
    if !first.is_ascii_alphabetic() {
        return Some("must start with a letter".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "_-.:".contains(*c)))
    {
        return Some(format!(
            "contains `{c}`; only letters, digits, `_`, `-`, `.` and `:` are allowed"
        ));
    }
    let lower = name.to_ascii_lowercase();
    if ["mirror", "spare", "log", "cache"].contains(&lower.as_str()) || lower.starts_with("raidz") {
        return Some("is a reserved word".into());
    }
    if lower.len() > 1 && lower.starts_with('c') && lower.as_bytes()[1].is_ascii_digit() {
        return Some("looks like a device name (`c` followed by a digit)".into());
    }
    None
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some((_, pool)) = ctx.pool else { return };
    if let Some(why) = problem(&pool.name.value) {
        out.push(
            Diagnostic::new(
                &RULE,
                pool.name.span.clone(),
                format!("invalid pool name `{}`: it {why}", pool.name.value),
            )
            .label("expected a ZFS pool name such as `rpool`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type initial_install
pool 1pool auto auto auto c0t0d0s0
"#;
        assert!(codes(bad).contains(&"P215"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
pool rpool auto auto auto c0t0d0s0
"#;
        assert!(!codes(good).contains(&"P215"), "{:?}", codes(good));
    }
}
