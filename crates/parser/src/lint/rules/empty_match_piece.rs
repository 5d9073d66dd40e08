//! R105 empty-match-piece.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "R105",
    name: "empty-match-piece",
    severity: Severity::Error,
    summary: "`&&` at the start or end of a match expression, `&& &&`, or a lone `!`",
    doc: "\
## What it does
Reports a match expression with an empty piece: `&&` with nothing before or after it,
two `&&` in a row, or a `!` not followed by a keyword.

## Why is this bad?
`check` splits the match expression on `&&` and expects `[!] keyword value…` in every
piece. A piece made of blanks has no keyword (`Match key:  undefined`); a lone `!` negates
nothing. (An empty text before a leading `&&` happens to be skipped by `check`, but the
rule was clearly cut or edited by mistake.)

## Example
```
arch sparc && && memsize 512-1024 - sparc.prof -
```
Use instead:
```
arch sparc && memsize 512-1024 - sparc.prof -
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    let file = cx.file;
    for rule in file.rules() {
        for piece in &rule.matches {
            if piece.keyword.is_some() {
                continue;
            }
            let (span, what) = match (&piece.negation, &piece.and) {
                (Some(bang), _) => (bang.span.clone(), "`!` must be followed by a match keyword"),
                (None, Some(and)) => (and.span.clone(), "`&&` must be followed by a match keyword"),
                (None, None) => (
                    rule.span.start..rule.span.start,
                    "the rule starts with `&&`",
                ),
            };
            out.push(
                Diagnostic::new(
                    &RULE,
                    span.clone(),
                    format!("expected a match keyword: {what}"),
                )
                .label("empty match piece")
                .help("write `keyword value` between two `&&`, or remove the extra `&&`"),
            );
        }
    }
}
