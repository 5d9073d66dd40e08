//! R221 attached-negation.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::NegationStyle;

pub static RULE: Rule = Rule {
    code: "R221",
    name: "attached-negation",
    severity: Severity::Info,
    summary: "negation written `!keyword` instead of `! keyword`",
    doc: "\
## What it does
Reports a negated match piece written with the `!` glued to the keyword (`!model`).

## Why is this bad?
The Solaris guides show `!model`, but the 1996 `check` and `chkprobe` scripts only
understand `!` as a separate word and look for a comparison function `cmp_!model`
otherwise (`Match key: !model undefined`). `! model` works with every known version.

## Example
```
!model 'SUNW,Sun-Fire-V240' - other.prof -
```
Use instead:
```
! model 'SUNW,Sun-Fire-V240' - other.prof -
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    let file = cx.file;
    for rule in file.rules() {
        for piece in &rule.matches {
            if piece.negation_style() != Some(NegationStyle::Attached) {
                continue;
            }
            let (Some(bang), Some(kw)) = (&piece.negation, &piece.keyword) else {
                continue;
            };
            out.push(
                Diagnostic::new(
                    &RULE,
                    bang.span.start..kw.span.end,
                    format!("expected `! {}` (a blank after `!`)", kw.value()),
                )
                .label("attached negation")
                .help("old `check` versions only understand `!` as a separate word"),
            );
        }
    }
}
