//! H007 export-assignment.

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::shell::{Script, is_assignment};

pub static RULE: Rule = Rule {
    code: "H007",
    name: "export-assignment",
    severity: Severity::Warning,
    summary: "`export VAR=value` is not Bourne shell (assign, then export)",
    doc: "\
## What it does
Reports `export` or `readonly` with a `NAME=value` argument.

## Why is this bad?
Solaris 10's `/sbin/sh` takes only names after `export`/`readonly`: `export ROOT=/a` fails
with `ROOT=/a: is not an identifier` and stops the script, before anything is exported.

## Example
```
export ROOT=/a
```
Use instead:
```
ROOT=/a; export ROOT
```
",
};

pub fn check(script: &Script) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in &script.commands {
        let argv = c.argv();
        let Some(name) = argv.first() else { continue };
        if name.text != "export" && name.text != "readonly" {
            continue;
        }
        for arg in &argv[1..] {
            if is_assignment(&arg.text) {
                let var = &arg.text[..arg.text.find('=').unwrap_or(0)];
                out.push(
                    Diagnostic::new(
                        &RULE,
                        arg.span.clone(),
                        format!(
                            "expected a variable name after `{}`, found the assignment `{}`: /sbin/sh stops with `is not an identifier`",
                            name.text, arg.text
                        ),
                    )
                    .label("not an identifier for /sbin/sh")
                    .help(format!("assign first, then {}: `{}; {} {var}`", name.text, arg.text, name.text)),
                );
            }
        }
    }
    out
}
