//! H008 test-operator.

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::shell::Script;

pub static RULE: Rule = Rule {
    code: "H008",
    name: "test-operator",
    severity: Severity::Warning,
    summary: "a `test`/`[` operator /sbin/sh's test lacks (`-e`, `-S`, `==`, `-nt`, `-ot`, `-ef`)",
    doc: "\
## What it does
Reports the operators `-e`, `-S`, `==`, `-nt`, `-ot` and `-ef` given to `test` or `[`.

## Why is this bad?
The `test` built into Solaris 10's `/sbin/sh` does not know them: `[ -e /a/etc ]` fails
with `-e: unknown operator` (and so is false whether the file exists or not), `==` is
`unknown operator` too.

## Example
```
[ -e /a/etc/motd ] && cp /a/etc/motd /a/etc/motd.orig
[ \"$x\" == yes ] && echo yes
```
Use instead:
```
[ -f /a/etc/motd ] && cp /a/etc/motd /a/etc/motd.orig
[ \"$x\" = yes ] && echo yes
```
",
};

const OPERATORS: &[(&str, &str)] = &[
    (
        "-e",
        "use `-f` (regular file), `-d` (directory) or `-h` (symbolic link)",
    ),
    (
        "-S",
        "use `ls -l` and look at the type, or `-p`/`-c`/`-b` for other special files",
    ),
    ("==", "use `=`"),
    ("-nt", "compare with `find FILE -newer OTHER`"),
    ("-ot", "compare with `find OTHER -newer FILE`"),
    ("-ef", "compare `ls -i` inode numbers"),
];

pub fn check(script: &Script) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in &script.commands {
        let argv = c.argv();
        let Some(name) = argv.first() else { continue };
        if name.text != "test" && name.text != "[" {
            continue;
        }
        for arg in &argv[1..] {
            if let Some((op, instead)) = OPERATORS.iter().find(|(o, _)| *o == arg.text) {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        arg.span.clone(),
                        format!(
                            "expected an operator of Solaris 10's test, found `{op}`: /sbin/sh's test fails with `unknown operator`"
                        ),
                    )
                    .label("unknown to /sbin/sh's test")
                    .help(*instead),
                );
            }
        }
    }
    out
}
