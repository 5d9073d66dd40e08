//! H006 negated-command.

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::shell::Script;

pub static RULE: Rule = Rule {
    code: "H006",
    name: "negated-command",
    severity: Severity::Warning,
    summary: "`! cmd` does not negate in /sbin/sh (it runs a command named `!`)",
    doc: "\
## What it does
Reports a command named `!` (`! grep …`, `if ! test …`). `[ ! -f x ]` and `test ! -d x`
are operands of `test`, and fine.

## Why is this bad?
Solaris 10's `/sbin/sh` has no pipeline negation: it looks for a command `!`, which does
not exist, so the condition is always false and the command after `!` never runs.

## Example
```
if ! grep -s zfs /a/etc/system; then echo 'set zfs:zfs_arc_max=0x40000000' >> /a/etc/system; fi
```
Use instead:
```
if grep -s zfs /a/etc/system; then :; else echo 'set zfs:zfs_arc_max=0x40000000' >> /a/etc/system; fi
```
",
};

pub fn check(script: &Script) -> Vec<Diagnostic> {
    script
        .commands
        .iter()
        .filter_map(|c| c.argv().first())
        .filter(|w| w.text == "!")
        .map(|w| {
            Diagnostic::new(
                &RULE,
                w.span.clone(),
                "expected a command, found `!`: /sbin/sh has no `! cmd` negation and runs a command `!` that does not exist",
            )
            .label("always fails on Solaris 10")
            .help("use `if cmd; then :; else …; fi` or `cmd || …`")
        })
        .collect()
}
