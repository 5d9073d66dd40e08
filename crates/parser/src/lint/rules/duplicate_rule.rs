//! R218 duplicate-rule.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use std::collections::HashMap;

pub static RULE: Rule = Rule {
    code: "R218",
    name: "duplicate-rule",
    severity: Severity::Warning,
    summary: "two rules have the same match expression",
    doc: "\
## What it does
Reports a rule whose match expression (keywords, negations and values, ignoring
spacing) is the same as an earlier rule's.

## Why is this bad?
The first rule that matches wins, so the later one is never used; its begin, profile
or finish were probably meant for another client.

## Example
```
hostname web01 - web.prof -
hostname web01 - db.prof  -
```
Use instead:
```
hostname web01 - web.prof -
hostname db01  - db.prof  -
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    let file = cx.file;
    let mut seen: HashMap<String, (usize, crate::source::Span)> = HashMap::new();
    for rule in file.rules() {
        if rule.matches.iter().any(|m| m.keyword.is_none()) {
            continue;
        }
        let key = rule.match_expr_normalised();
        let here = rule.matches[0].span().start..rule.matches[rule.matches.len() - 1].span().end;
        match seen.get(&key) {
            Some((line, first)) => out.push(
                Diagnostic::new(
                    &RULE,
                    here,
                    format!("rule never used: line {line} has the same match expression `{key}`"),
                )
                .label("duplicate match expression")
                .secondary(first.clone(), "first matched here")
                .help("change the match expression, or remove one of the rules"),
            ),
            None => {
                seen.insert(key, (rule.line, here));
            }
        }
    }
}
