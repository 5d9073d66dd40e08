//! H001 dollar-paren-substitution.

use super::{ExpandedText, find_all};
use crate::diagnostic::{Diagnostic, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "H001",
    name: "dollar-paren-substitution",
    severity: Severity::Warning,
    summary: "`$( )` inside double quotes or a here-document is literal text for /sbin/sh",
    doc: "\
## What it does
Reports `$(` inside double quotes or in a here-document whose terminator is not quoted.
(Unquoted, `$( )` is a syntax error for `/sbin/sh`: J006.)

## Why is this bad?
Solaris 10's `/sbin/sh` has no `$( )` command substitution: inside quotes it is kept as
the characters `$(`, so the command is never run and its text lands in the file or
message instead of its output.

## Example
```
echo \"installed on $(date)\" >> /a/etc/motd
```
Use instead:
```
echo \"installed on `date`\" >> /a/etc/motd
```
",
};

pub fn check(texts: &[ExpandedText]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for t in texts {
        for i in find_all(&t.mask, b"$(") {
            if t.mask.get(i + 2) == Some(&b'(') {
                continue; // `$((`: H002
            }
            out.push(
                Diagnostic::new(
                    &RULE,
                    t.start + i..t.start + i + 2,
                    format!(
                        "expected backquotes for a command substitution, found `$(` {}: /sbin/sh prints it literally",
                        if t.heredoc { "in a here-document" } else { "in double quotes" }
                    ),
                )
                .label("not run by /sbin/sh")
                .help("use backquotes: `cmd`"),
            );
        }
    }
    out
}
