//! P104 too-many-arguments: filesys, backup_media or layout_constraint with extra arguments

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "P104",
    name: "too-many-arguments",
    severity: Severity::Error,
    summary: "filesys, backup_media or layout_constraint with extra arguments",
    doc: r#"## What
`filesys`, `backup_media` and `layout_constraint` got more arguments than their syntax allows
(`layout_constraint` takes a minimum size only with `changeable`).

## Why
Solaris `check` rejects extra arguments for exactly these keywords (for the others it only
warns, see P105).

## Example
```
filesys c0t0d0s0 4096 / logging extra
layout_constraint c0t0d0s3 movable 500   # minimum size only with changeable
```"#,
};

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type initial_install
filesys c0t0d0s0 4096 / logging extra
"#;
        assert!(codes(bad).contains(&"P104"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
filesys c0t0d0s0 4096 / logging
"#;
        assert!(!codes(good).contains(&"P104"), "{:?}", codes(good));
    }
}
