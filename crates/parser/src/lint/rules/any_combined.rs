//! R216 any-combined.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::Keyword;

pub static RULE: Rule = Rule {
    code: "R216",
    name: "any-combined",
    severity: Severity::Warning,
    summary: "`any` is negated or combined with other match keywords",
    doc: "\
## What it does
Reports `any` joined to other pieces with `&&`, and `! any`.

## Why is this bad?
`any` always matches, so `any && arch sparc` is just `arch sparc` (the `any` is noise,
often a leftover of an edit), and `! any` never matches: the rule is dead.

## Example
```
any - && arch sparc - sparc.prof -
```
Use instead:
```
arch sparc - sparc.prof -
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    let file = cx.file;
    for rule in file.rules() {
        for piece in &rule.matches {
            if piece.kind() != Some(Keyword::Any) {
                continue;
            }
            if piece.is_negated() {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        piece.span(),
                        "expected `any`, found `! any`, which never matches",
                    )
                    .label("this rule can never match")
                    .help("remove the rule, or the `!`"),
                );
            } else if rule.matches.len() > 1 {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        piece.span(),
                        "expected `any` alone: combined with `&&` it has no effect",
                    )
                    .label("always true")
                    .help("remove `any -` and its `&&`"),
                );
            }
        }
    }
}
