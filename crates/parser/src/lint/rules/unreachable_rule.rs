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
Reports the rules that follow a rule whose only match piece is `any -` (one finding
for all of them, at the first).

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
    let mut rules = cx.file.rules();
    let Some(catch_all) = rules.by_ref().find(|r| r.is_catch_all()) else {
        return;
    };
    let unreachable: Vec<_> = rules.collect();
    let Some(first) = unreachable.first() else {
        return;
    };
    // One finding for the whole tail: the fix (move `any -` last) is the same for all.
    let mut d = Diagnostic::new(
        &RULE,
        first.span.start..first.finish.span.end.max(first.span.start),
        format!(
            "rule on line {} is never used: the `any` rule on line {} matches every client",
            first.line, catch_all.line
        ),
    )
    .label("unreachable")
    .secondary(catch_all.matches[0].span(), "this rule matches first")
    .help("move the `any -` rule to the end of the file");
    if unreachable.len() > 1 {
        let last = unreachable[unreachable.len() - 1].line;
        d = d.note(format!(
            "the {} rules from line {} to line {last} are all unreachable",
            unreachable.len(),
            first.line
        ));
    }
    out.push(d);
}
