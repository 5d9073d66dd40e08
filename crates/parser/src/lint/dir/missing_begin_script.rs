//! J002 missing-begin-script.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "J002",
    name: "missing-begin-script",
    severity: Severity::Error,
    summary: "a rule names a begin script that is not in the JumpStart directory",
    doc: "\
## What it does
Reports a rule whose begin field (the first of the last three fields) is not `-` and names a
file that does not exist in the JumpStart directory, or is not a regular file.

## Why is this bad?
Solaris `check` stops with `Begin script missing: <name>`. At install time the begin script
is run as `/sbin/sh $SI_CONFIG_DIR/<name>`, which would fail.

## Example
```
any -  pick.beg  =  -
```
with no file `pick.beg`.

Use instead: create the script, fix its name, or write `-` for no begin script.
",
};
