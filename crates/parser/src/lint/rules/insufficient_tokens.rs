//! R101 insufficient-tokens (emitted by the parser).

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "R101",
    name: "insufficient-tokens",
    severity: Severity::Error,
    summary: "a non-comment line of `rules` holds a single word",
    doc: "\
## What it does
Reports a line of `rules` that is not blank or a comment but holds only one word: a
match keyword without anything after it, or `probe` without a probe name.

## Why is this bad?
Sun's `check` requires at least two words on every non-comment line and stops with
`Insufficient arguments for this keyword`; no `rules.ok` is written.

## Example
```
any
probe
```
Use instead:
```
any - - default.prof -
probe disks
```
",
};
