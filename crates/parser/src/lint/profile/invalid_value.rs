//! P102 invalid-value: An enumerated argument has a value the keyword does not accept

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "P102",
    name: "invalid-value",
    severity: Severity::Error,
    summary: "an enumerated argument has a value the keyword does not accept",
    doc: r#"## What
A keyword that takes one of a fixed set of words got something else: `install_type`,
`system_type`, `partitioning`, the eeprom argument of `boot_device`, `add`/`delete` of
`cluster`/`package`, `bootenv` sub-commands and arguments, `fdisk` types, `metadb` options,
`layout_constraint` constraints, `backup_media` types, the server address of a remote `filesys`.

## Why
`check` rejects these ("Invalid install type specified", "Invalid prom update value",
"Third argument must be 'add' or 'delete'"…).

## Example
```
install_type initial_instal      # expected initial_install, upgrade, flash_install or flash_update
boot_device  c0t0d0s0 yes        # expected update or preserve
```"#,
};

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type initial_instal
"#;
        assert!(codes(bad).contains(&"P102"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
"#;
        assert!(!codes(good).contains(&"P102"), "{:?}", codes(good));
    }
}
