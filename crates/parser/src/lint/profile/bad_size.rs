//! P107 bad-size: A size or number argument is invalid

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "P107",
    name: "bad-size",
    severity: Severity::Error,
    summary: "a size or number argument is invalid",
    doc: r#"## What
A size is not in the form the keyword accepts. `filesys`: MB number, `existing`, `auto`,
`all`, `free` or `start_cylinder:size`. `pool` sizes: `N` (MB), `Nm`, `Ng`, `auto`,
`existing`. `fdisk`: MB, `all`, `maxfree`, `delete`. Client sizes, counts, `retry` and
`timeout` are plain numbers.

## Why
`check`: Size "X" is invalid / The argument is not a number. A unit like `GB` is not understood.

## Example
```
pool rpool 20GB auto auto c0t0d0s0     # write 20g
num_clients five
```"#,
};

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type initial_install
pool rpool 20GB auto auto c0t0d0s0
"#;
        assert!(codes(bad).contains(&"P107"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
pool rpool 20G auto auto c0t0d0s0
"#;
        assert!(!codes(good).contains(&"P107"), "{:?}", codes(good));
    }
}
