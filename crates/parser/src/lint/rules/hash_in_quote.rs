//! R222 hash-in-quote.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::Item;

pub static RULE: Rule = Rule {
    code: "R222",
    name: "hash-in-quote",
    severity: Severity::Warning,
    summary: "a `#` inside a quoted value starts a comment",
    doc: "\
## What it does
Reports a `#` that appears after an unclosed `'` on a rule line.

## Why is this bad?
`check` and `chkprobe` remove everything from the first `#` to the end of the line
before looking at quotes, so a `#` can never be part of a value: the rest of the line
(and usually the begin, profile and finish fields) is cut off.

## Example
```
model 'Model #2' - m2.prof -
```
Use instead: leave the `#` out of the value (values cannot contain it).
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    let (src, file) = (cx.src, cx.file);
    for item in &file.items {
        let (span, comment) = match item {
            Item::Rule(r) => (&r.span, &r.comment),
            Item::Invalid(l) => (&l.span, &l.comment),
            Item::Probe(p) => (&p.span, &p.comment),
            Item::Trivia(_) | Item::Trailer(_) => continue,
        };
        let Some(comment) = comment else { continue };
        let before = &src.text[span.start..comment.start];
        if before.bytes().filter(|&b| b == b'\'').count() % 2 == 1 {
            out.push(
                Diagnostic::new(
                    &RULE,
                    comment.start..comment.start + 1,
                    "expected the closing `'` before `#`: this `#` starts a comment",
                )
                .label("the rest of the line is a comment")
                .help("values cannot contain `#`"),
            );
        }
    }
}
