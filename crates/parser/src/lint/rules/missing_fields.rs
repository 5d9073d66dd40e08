//! R102 missing-fields (emitted by the parser).

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "R102",
    name: "missing-fields",
    severity: Severity::Error,
    summary: "a rule has fewer than four fields (keyword, value, begin, profile, finish)",
    doc: "\
## What it does
Reports a rule line with two or three words: too few for a match keyword, its value and
the three trailing fields begin, profile and finish.

## Why is this bad?
`check` takes the *last three* words of a rule as begin, profile and finish, so a
missing field silently shifts the others: the value becomes the begin script, and the
match keyword is left without a value (`Insufficient arguments for match key`).

## Example
```
hostname web01 web.prof
```
Use instead (`-` for an absent begin or finish script):
```
hostname web01 - web.prof -
```
",
};
