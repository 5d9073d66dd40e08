//! R219 no-rules.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::Item;

pub static RULE: Rule = Rule {
    code: "R219",
    name: "no-rules",
    severity: Severity::Error,
    summary: "the file holds no rule",
    doc: "\
## What it does
Reports a `rules` (or `rules.ok`) file without a single rule: empty, or only comments,
blank lines and `probe` lines.

## Why is this bad?
No client can match, so every install falls back to interactive mode. It is usually
a rules file whose rules were all commented out, or the wrong file. (Sun's `check`
accepts such a file and writes a `rules.ok` holding only the trailer.)

## Example
```
# hostname web01 - web.prof -
```
Use instead:
```
hostname web01 - web.prof -
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    let (src, file) = (cx.src, cx.file);
    // A line that failed to parse as a rule already has its own error.
    let has_rule_like = file
        .items
        .iter()
        .any(|i| matches!(i, Item::Rule(_) | Item::Invalid(_)));
    if !has_rule_like {
        let end = src.text.len();
        out.push(
            Diagnostic::new(&RULE, end..end, "expected at least one rule, found none")
                .label("end of file")
                .help("add a rule such as `any - - default.prof -`"),
        );
    }
}
