//! J005 script-not-bourne.

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::source::SourceFile;

pub static RULE: Rule = Rule {
    code: "J005",
    name: "script-not-bourne",
    severity: Severity::Warning,
    summary: "a begin/finish script asks for another interpreter than the Bourne shell",
    doc: "\
## What it does
Reports a begin or finish script (or `custom_probes`) whose first line is a `#!` line naming
an interpreter other than the Bourne shell (`/sbin/sh`, `/bin/sh`, `/usr/bin/sh`): `bash`,
`ksh`, `perl`, `python`…

## Why is this bad?
The installer runs every begin and finish script as `/sbin/sh $SI_CONFIG_DIR/<script>`,
ignoring the `#!` line and the execute bit. A script written for another interpreter is fed
to the Bourne shell anyway and fails on the first construct it does not know. (The execute
bit is therefore not checked: Solaris recommends mode 644.)

## Example
```
#!/bin/bash
[[ -d /a/opt ]] && echo ok
```
Use instead: write Bourne shell, or `exec` the interpreter explicitly (it must exist in the
miniroot): `exec /usr/bin/perl $SI_CONFIG_DIR/post.pl`.
",
};

const BOURNE: &[&str] = &["/sbin/sh", "/bin/sh", "/usr/bin/sh", "/usr/xpg4/bin/sh"];

pub fn check(src: &SourceFile) -> Option<Diagnostic> {
    let first = src.text.lines().next()?;
    let rest = first.strip_prefix("#!")?;
    let interp = rest.split_ascii_whitespace().next()?;
    // `#!/usr/bin/env sh` counts as sh too.
    let words: Vec<&str> = rest.split_ascii_whitespace().collect();
    let effective = if interp.ends_with("/env") {
        words.get(1).copied().unwrap_or(interp)
    } else {
        interp
    };
    if BOURNE.contains(&effective) || effective == "sh" {
        return None;
    }
    let start = 2 + (rest.len() - rest.trim_start().len());
    Some(
        Diagnostic::new(
            &RULE,
            start..start + interp.len(),
            format!("expected a Bourne shell script, found `#!{}`: the installer runs it with /sbin/sh anyway", rest.trim()),
        )
        .label("ignored interpreter")
        .help("write Bourne shell, or `exec` the interpreter explicitly from a /sbin/sh script"),
    )
}
