//! H003 double-bracket-test.

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::shell::Script;

pub static RULE: Rule = Rule {
    code: "H003",
    name: "double-bracket-test",
    severity: Severity::Warning,
    summary: "`[[ … ]]` is not a /sbin/sh construct (it runs a command named `[[`)",
    doc: "\
## What it does
Reports a command named `[[`.

## Why is this bad?
Solaris 10's `/sbin/sh` has no `[[ … ]]`: it looks for a command `[[`, which does not
exist, so the test is always false (`[[: not found`) and the `else` branch runs.

## Example
```
if [[ -d /a/opt ]]; then echo ok; fi
```
Use instead:
```
if [ -d /a/opt ]; then echo ok; fi
```
",
};

pub fn check(script: &Script) -> Vec<Diagnostic> {
    script
        .commands
        .iter()
        .filter_map(|c| c.argv().first())
        .filter(|w| w.text == "[[")
        .map(|w| {
            Diagnostic::new(
                &RULE,
                w.span.clone(),
                "expected `[` (test), found `[[`: /sbin/sh has no `[[ ]]` and runs a command `[[` that does not exist",
            )
            .label("not found on Solaris 10")
            .help("use `[ … ]`; `&&`/`||` go between two `[ ]`, and `=` compares strings")
        })
        .collect()
}
