//! P101 unknown-keyword: Line starts with a word that is not a profile keyword

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "P101",
    name: "unknown-keyword",
    severity: Severity::Error,
    summary: "line starts with a word that is not a profile keyword",
    doc: r#"## What
The first word of a profile line is not one of the Solaris 10 profile keywords
(`install_type`, `system_type`, `partitioning`, `filesys`, `pool`, `bootenv`, `cluster`, …).

## Why
Solaris `check` stops with "Invalid keyword" and the install never starts. Keywords are matched
case-insensitively, so this is a typo or a keyword from another tool.

## Example
```
install_type initial_install
pooll rpool auto auto auto c0t0d0s0    # did you mean `pool`?
```"#,
};

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type initial_install
pooll rpool auto auto auto c0t0d0s0
"#;
        assert!(codes(bad).contains(&"P101"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
pool rpool auto auto auto c0t0d0s0
"#;
        assert!(!codes(good).contains(&"P101"), "{:?}", codes(good));
    }
}
