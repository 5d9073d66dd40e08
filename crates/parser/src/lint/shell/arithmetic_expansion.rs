//! H002 arithmetic-expansion.

use super::{ExpandedText, find_all};
use crate::diagnostic::{Diagnostic, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "H002",
    name: "arithmetic-expansion",
    severity: Severity::Warning,
    summary: "`$(( ))` inside double quotes or a here-document is literal text for /sbin/sh",
    doc: "\
## What it does
Reports `$((` inside double quotes or in a here-document whose terminator is not quoted.
(Unquoted, it is a syntax error for `/sbin/sh`: J006.)

## Why is this bad?
Solaris 10's `/sbin/sh` has no arithmetic expansion: `\"$((n + 1))\"` stays those
characters, so a counter never counts and a computed size is text.

## Example
```
echo \"retry $((n + 1))\"
```
Use instead:
```
n=`expr $n + 1`
echo \"retry $n\"
```
",
};

pub fn check(texts: &[ExpandedText]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for t in texts {
        for i in find_all(&t.mask, b"$((") {
            out.push(
                Diagnostic::new(
                    &RULE,
                    t.start + i..t.start + i + 3,
                    "expected `expr` for arithmetic, found `$((`: /sbin/sh prints it literally",
                )
                .label("no arithmetic in /sbin/sh")
                .help("compute with `expr`: n=`expr $n + 1`"),
            );
        }
    }
    out
}
