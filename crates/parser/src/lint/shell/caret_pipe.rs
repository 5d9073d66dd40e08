//! H009 caret-pipe.

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::shell::Script;

pub static RULE: Rule = Rule {
    code: "H009",
    name: "caret-pipe",
    severity: Severity::Warning,
    summary: "an unquoted `^` is a pipe in /sbin/sh",
    doc: "\
## What it does
Reports an unquoted `^`, which Solaris 10's `/sbin/sh` reads as `|` (the pipe symbol of
the original Bourne shell).

## Why is this bad?
`grep ^root /a/etc/passwd` becomes `grep | root /a/etc/passwd`: grep waits for input and
a command `root` is not found. Regular expressions are where this bites.

## Example
```
grep ^root: /a/etc/shadow
```
Use instead:
```
grep '^root:' /a/etc/shadow
```
",
};

pub fn check(script: &Script) -> Vec<Diagnostic> {
    script
        .carets
        .iter()
        .map(|s| {
            Diagnostic::new(
                &RULE,
                s.clone(),
                "expected `|` or a quoted `^`, found an unquoted `^`: /sbin/sh reads it as a pipe",
            )
            .label("a pipe for /sbin/sh")
            .help("quote it (`'^root'`), or write `|` if a pipe is meant")
        })
        .collect()
}
