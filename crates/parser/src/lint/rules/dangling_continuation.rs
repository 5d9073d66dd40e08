//! R104 dangling-continuation (emitted by the parser).

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "R104",
    name: "dangling-continuation",
    severity: Severity::Error,
    summary: "the last line of `rules` ends with a continuation backslash",
    doc: "\
## What it does
Reports a `\\` at the end of the last line of the file: a rule continued onto a line
that does not exist.

## Why is this bad?
The rule is cut short: usually its begin, profile and finish fields are missing, and
the rule is mis-read or rejected.

## Example
```
arch sparc && disksize c0t3d0 400-600 && \\
```
Use instead:
```
arch sparc && disksize c0t3d0 400-600 - big.prof -
```
",
};
