//! H004 non-bourne-builtin.

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::shell::Script;

pub static RULE: Rule = Rule {
    code: "H004",
    name: "non-bourne-builtin",
    severity: Severity::Warning,
    summary: "a ksh/bash builtin /sbin/sh does not have (`local`, `source`, `function`, …)",
    doc: "\
## What it does
Reports a command named `local`, `typeset`, `declare`, `source`, `function`, `let`,
`shopt`, `pushd`, `popd`, `mapfile`, `readarray` or `select`.

## Why is this bad?
These are ksh or bash builtins. Solaris 10's `/sbin/sh` does not have them and looks for a
command of that name: `local: not found`, and the variable stays global and unset, the
file is not read (`source`), the function is not defined (`function`).

## Example
```
f() { local dir=$1; source /a/etc/default/init; }
```
Use instead:
```
f() { f_dir=$1; . /a/etc/default/init; }
```
",
};

const BUILTINS: &[(&str, &str)] = &[
    (
        "local",
        "use a global variable with a distinct name (`f_dir=…`)",
    ),
    ("typeset", "use a plain assignment"),
    ("declare", "use a plain assignment"),
    ("source", "use `.` (dot)"),
    ("function", "define functions as `name() { …; }`"),
    ("let", "use `expr`: n=`expr $n + 1`"),
    ("shopt", "remove it: /sbin/sh has no options of that kind"),
    ("pushd", "save the directory in a variable and `cd` back"),
    ("popd", "save the directory in a variable and `cd` back"),
    (
        "mapfile",
        "read lines with `while read line; do …; done < file`",
    ),
    (
        "readarray",
        "read lines with `while read line; do …; done < file`",
    ),
    ("select", "print a menu with `echo` and `read` the answer"),
];

pub fn check(script: &Script) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in &script.commands {
        let Some(w) = c.argv().first() else { continue };
        if let Some((name, instead)) = BUILTINS.iter().find(|(n, _)| *n == w.text) {
            out.push(
                Diagnostic::new(
                    &RULE,
                    w.span.clone(),
                    format!(
                        "expected a Bourne shell command, found the ksh/bash builtin `{name}`: /sbin/sh does not have it"
                    ),
                )
                .label("not found on Solaris 10")
                .help(*instead),
            );
        }
    }
    out
}
