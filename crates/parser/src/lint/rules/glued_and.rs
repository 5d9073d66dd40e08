//! R106 glued-and.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "R106",
    name: "glued-and",
    severity: Severity::Warning,
    summary: "`&&` written without blanks around it",
    doc: "\
## What it does
Reports `&&` glued to the word before or after it (`1&&arch`).

## Why is this bad?
`check` and `chkprobe` split the match expression on the text `&&`, so the glued form
happens to work there; but every documented example puts blanks around `&&`, other
tools (and readers) split on blanks first, and a value that really contains `&&` would
be cut in two.

## Example
```
memsize 64-128&&arch sparc - small.prof -
```
Use instead:
```
memsize 64-128 && arch sparc - small.prof -
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    let file = cx.file;
    for rule in file.rules() {
        for piece in &rule.matches {
            let Some(and) = &piece.and else { continue };
            let next = piece.negation.as_ref().or(piece.keyword.as_ref());
            let glued_after = next.is_some_and(|t| t.pre.is_empty());
            if and.pre.is_empty() || glued_after {
                out.push(
                    Diagnostic::new(&RULE, and.span.clone(), "expected blanks around `&&`")
                        .label("glued to the next or previous word")
                        .help("write ` && ` with a blank on each side"),
                );
            }
        }
    }
}
