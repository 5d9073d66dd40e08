//! P105 extra-argument: A keyword has more arguments than it takes; the rest is ignored

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "P105",
    name: "extra-argument",
    severity: Severity::Warning,
    summary: "a keyword has more arguments than it takes; the rest is ignored",
    doc: r#"## What
A keyword got arguments beyond its syntax, e.g. `install_type initial_install now`.

## Why
`check` prints a warning and ignores the extra words; usually they are a mistake (a value meant
for another line, or a trailing note that should be a `#` comment).

## Example
```
system_type standalone server
```"#,
};

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type initial_install
system_type standalone server
"#;
        assert!(codes(bad).contains(&"P105"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
system_type standalone
"#;
        assert!(!codes(good).contains(&"P105"), "{:?}", codes(good));
    }
}
