//! J003 missing-finish-script.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "J003",
    name: "missing-finish-script",
    severity: Severity::Error,
    summary: "a rule names a finish script that is not in the JumpStart directory",
    doc: "\
## What it does
Reports a rule whose finish field (the last field) is not `-` and names a file that does not
exist in the JumpStart directory, or is not a regular file.

## Why is this bad?
Solaris `check` stops with `Finish script missing: <name>`. The finish script is where the
new system is customised (with its root at `/a`); without it the client boots unconfigured.

## Example
```
hostname web01  -  web.prof  post.fin
```
with no file `post.fin`.

Use instead: create the script, fix its name, or write `-` for no finish script.
",
};
