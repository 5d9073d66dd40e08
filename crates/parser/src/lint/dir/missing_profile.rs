//! J001 missing-profile.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "J001",
    name: "missing-profile",
    severity: Severity::Error,
    summary: "a rule names a profile that is not in the JumpStart directory",
    doc: "\
## What it does
Reports a rule whose profile field (the second of the last three fields) names a file that
does not exist, relative to the JumpStart directory, or that is not a regular file.

## Why is this bad?
Solaris `check` stops with `Profile missing: <name>` and writes no `rules.ok`; a client that
matched the rule would have no install instructions.

## Example
```
hostname web01  -  web.prof  -
```
with no file `web.prof` next to `rules`.

Use instead: create the profile, fix its name, or use `=` with a begin script that writes a
derived profile.
",
};
