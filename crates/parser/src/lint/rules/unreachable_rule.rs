//! R217 unreachable-rule.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "R217",
    name: "unreachable-rule",
    severity: Severity::Warning,
    summary: "a rule comes after a catch-all `any -` rule",
    doc: "\
## What it does
Reports rules that follow a rule whose only match piece is `any -`.

## Why is this bad?
Rules are tried top to bottom and the first match wins. `any -` matches every client,
so no rule below it is ever used.

## Example
```
any -            - default.prof -
hostname web01   - web.prof     -
```
Use instead: put the catch-all last.
```
hostname web01   - web.prof     -
any -            - default.prof -
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    let file = cx.file;
    let mut catch_all = None;
    for rule in file.rules() {
        match &catch_all {
            Some(span) => {
                let span: &crate::source::Span = span;
                out.push(
                    Diagnostic::new(
                        &RULE,
                        rule.span.start..rule.finish.span.end.max(rule.span.start),
                        format!(
                            "rule on line {} is never used: an earlier `any` rule matches every client",
                            rule.line
                        ),
                    )
                    .label("unreachable")
                    .secondary(span.clone(), "this rule matches first")
                    .help("move the `any -` rule to the end of the file"),
                );
            }
            None if rule.is_catch_all() => {
                catch_all = Some(rule.matches[0].span());
            }
            None => {}
        }
    }
}
