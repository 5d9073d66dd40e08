//! R215 any-value.

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::values::ValueKind;
use crate::rules::{RulesFile, ValueError};
use crate::source::SourceFile;

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

pub fn check(_src: &SourceFile, file: &RulesFile, out: &mut Vec<Diagnostic>) {
    for rule in file.rules() {
        for piece in &rule.matches {
            if let Err(ValueError::Syntax {
                kind: ValueKind::AnyDash,
                span,
                found,
                ..
            }) = piece.value()
            {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        span,
                        format!("expected `-` after `any`, found `{found}`"),
                    )
                    .label("`any` takes `-`")
                    .help("write `any -` followed by begin, profile and finish"),
                );
            }
        }
    }
}
