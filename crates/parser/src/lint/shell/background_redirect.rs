//! H010 background-redirect.

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::shell::Script;

pub static RULE: Rule = Rule {
    code: "H010",
    name: "background-redirect",
    severity: Severity::Warning,
    summary: "`cmd &> file` runs cmd in the background in /sbin/sh",
    doc: "\
## What it does
Reports `&>` and `&>>` (bash's \"stdout and stderr to a file\").

## Why is this bad?
In Solaris 10's `/sbin/sh`, `cmd &> file` is `cmd &` followed by `> file`: the command
runs in the background with its output where it was, and `file` is emptied. The script
goes on before the command ends.

## Example
```
zfs receive -F rpool < /a/stream &> /a/var/tmp/recv.log
```
Use instead:
```
zfs receive -F rpool < /a/stream > /a/var/tmp/recv.log 2>&1
```
",
};

pub fn check(script: &Script) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for amp in &script.backgrounds {
        let next = script.commands.iter().find(|c| {
            c.words.is_empty() && c.redirects.first().is_some_and(|r| r.op.start == amp.end)
        });
        if let Some(c) = next {
            let op = &c.redirects[0].op;
            out.push(
                Diagnostic::new(
                    &RULE,
                    amp.start..op.end,
                    "expected `> file 2>&1`, found `&>`: /sbin/sh runs the command in the background and empties the file",
                )
                .label("`&` then `>` for /sbin/sh")
                .help("write `> file 2>&1` (or `>> file 2>&1`)"),
            );
        }
    }
    out
}
