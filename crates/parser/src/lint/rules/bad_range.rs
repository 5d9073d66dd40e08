//! R205 bad-range.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::ValueError;
use crate::rules::values::ValueKind;

pub static RULE: Rule = Rule {
    code: "R205",
    name: "bad-range",
    severity: Severity::Error,
    summary: "a `memsize`, `totaldisk` or `disksize` range is not `low-high` in whole MB, or low > high",
    doc: "\
## What it does
Reports a size range that is not two whole numbers of megabytes joined by `-`
(`memsize`, `totaldisk`, the second value of `disksize`), or whose low end is above its
high end.

## Why is this bad?
The comparison functions do integer tests on the two ends: units (`1G`), decimals or
blanks make them fail at install time, and a reversed range matches nothing.

## Example
```
memsize 2G-8G - big.prof -
totaldisk 600000-140000 - two_disk.prof -
```
Use instead:
```
memsize 2048-8192 - big.prof -
totaldisk 140000-600000 - two_disk.prof -
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    for (_, values) in cx.rules() {
        for value in values {
            if let Err(ValueError::Syntax {
                kind: ValueKind::Range,
                span,
                expected,
                found,
                reason,
            }) = value
            {
                let mut d = Diagnostic::new(
                    &RULE,
                    span.clone(),
                    format!("expected {expected}, found `{found}`"),
                )
                .label("not a valid range");
                if let Some(r) = reason {
                    d = d.note(r);
                }
                out.push(d.help("sizes are whole megabytes (1 GB = 1024)"));
            }
        }
    }
}
