//! P103 missing-argument: A keyword has fewer arguments than it needs

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "P103",
    name: "missing-argument",
    severity: Severity::Error,
    summary: "a keyword has fewer arguments than it needs",
    doc: r#"## What
The keyword needs more arguments than the line gives, e.g. `boot_device` without its eeprom
argument, `package` without a name, `pool` without its vdev list.

## Why
`check` rejects lines with too few arguments; the installer cannot guess the missing value.

## Example
```
boot_device c0t0d0s0            # needs `update` or `preserve` too
pool rpool auto auto auto        # needs a vdev list
```"#,
};

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type initial_install
boot_device c0t0d0s0
"#;
        assert!(codes(bad).contains(&"P103"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
boot_device c0t0d0s0 update
"#;
        assert!(!codes(good).contains(&"P103"), "{:?}", codes(good));
    }
}
