//! R220 probe-after-rule.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::Item;

pub static RULE: Rule = Rule {
    code: "R220",
    name: "probe-after-rule",
    severity: Severity::Warning,
    summary: "a `probe` line comes after a rule",
    doc: "\
## What it does
Reports `probe` lines placed below the first rule.

## Why is this bad?
Probe lines run in file order while the rules are evaluated; a probe below a rule has
not run when that rule is tested, and does not run at all when an earlier rule
matches. Begin and finish scripts that rely on its `SI_*` variables then see them
unset.

## Example
```
hostname web01 - web.prof -
probe disks
```
Use instead:
```
probe disks
hostname web01 - web.prof -
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    let file = cx.file;
    let mut first_rule = None;
    for item in &file.items {
        match item {
            Item::Rule(r) if first_rule.is_none() => first_rule = Some(r),
            Item::Probe(p) => {
                if let Some(r) = first_rule {
                    out.push(
                        Diagnostic::new(
                            &RULE,
                            p.keyword.span.start..p.name().unwrap_or(&p.keyword).span.end,
                            format!(
                                "expected probe lines before the first rule (line {})",
                                r.line
                            ),
                        )
                        .label("runs only after the rules above it were tried")
                        .help("move `probe` lines to the top of the file"),
                    );
                }
            }
            _ => {}
        }
    }
}
