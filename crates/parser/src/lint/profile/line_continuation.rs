//! P109 line-continuation: A profile line is continued with a trailing backslash

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "P109",
    name: "line-continuation",
    severity: Severity::Warning,
    summary: "a profile line is continued with a trailing backslash",
    doc: r#"## What
A profile line ends with `\`, joining it with the next line.

## Why
Continuation lines are documented for `rules`, not for profiles. Solaris `check` happens to join
them (it reads with the shell's `read`), but the installer's own profile reader is not
documented to, so the line may be cut in two at install time. zflash joins the lines (as
`check` does) and warns.

## Example
```
pool rpool auto auto auto mirror \
     c0t0d0s0 c0t1d0s0
```
Write the keyword line on one line.
"#,
};

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = "install_type initial_install\npool rpool auto auto auto \\\n c0t0d0s0\n";
        assert!(codes(bad).contains(&"P109"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = "install_type initial_install\npool rpool auto auto auto c0t0d0s0\n";
        assert!(!codes(good).contains(&"P109"), "{:?}", codes(good));
    }
}
