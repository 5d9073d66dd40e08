//! R215 any-value.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::ValueError;
use crate::rules::values::ValueKind;

pub static RULE: Rule = Rule {
    code: "R215",
    name: "any-value",
    severity: Severity::Error,
    summary: "`any` is followed by something other than `-`",
    doc: "\
## What it does
Reports `any` whose value is not `-`.

## Why is this bad?
`any` takes the placeholder `-` as its value; the documentation and `check` know no
other. A word such as `all` or `*` suggests a different meaning than \"always\" (and
`*` is a shell wildcard in a file read by Bourne shell scripts).

## Example
```
any all - default.prof -
```
Use instead:
```
any - - default.prof -
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    for (_, values) in cx.rules() {
        for value in values {
            if let Err(ValueError::Syntax {
                kind: ValueKind::AnyDash,
                span,
                found,
                ..
            }) = value
            {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        span.clone(),
                        format!("expected `-` after `any`, found `{found}`"),
                    )
                    .label("`any` takes `-`")
                    .help("write `any -` followed by begin, profile and finish"),
                );
            }
        }
    }
}
