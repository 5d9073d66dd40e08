//! P106 bad-device: A disk, slice or partition argument is badly specified

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "P106",
    name: "bad-device",
    severity: Severity::Error,
    summary: "a disk, slice or partition argument is badly specified",
    doc: r#"## What
A device argument does not have the form the keyword needs: slices `cXtYdZsN`/`cXdYsN`
(`rootdisk.sN` for `filesys`), disks `cXtYdZ` for `usedisk`/`dontuse`/`fdisk`, fdisk
partitions `cXtYdZpN` (x86 `boot_device`), and `any`/`existing`/`all` only where allowed.
Hex (WWN) targets such as `c0t5000CCA012345678d0s0` are accepted.

## Why
`check`: Device "X" is badly specified. `root_device` and `boot_device` need a concrete device,
not `rootdisk.sN`.

## Example
```
root_device rootdisk.s0     # expected cXtYdZsN
usedisk     c0t0d0s0        # expected a disk, c0t0d0
```"#,
};

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type initial_install
root_device rootdisk.s0
"#;
        assert!(codes(bad).contains(&"P106"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
root_device c0t0d0s0
"#;
        assert!(!codes(good).contains(&"P106"), "{:?}", codes(good));
    }
}
