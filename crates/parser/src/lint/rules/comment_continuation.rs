//! R224 comment-continuation.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "R224",
    name: "comment-continuation",
    severity: Severity::Warning,
    summary: "a comment ends with `\\`, which hides the next line from `check`",
    doc: "\
## What it does
Reports a comment that ends with a backslash when the next line holds a rule or a
probe.

## Why is this bad?
`check` reads `rules` with the shell's `read`, which joins a line ending in `\\` with
the next one *before* comments are removed: the next line becomes part of the comment
and is never validated. `rules.ok`, however, is derived line by line and keeps that
next line, so the client uses a rule `check` never looked at.

## Example
```
# web servers \\
hostname web01 - web.prof -
```
Use instead:
```
# web servers
hostname web01 - web.prof -
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    let text = &cx.src.text;
    let mut lines = cx.src.physical_lines().peekable();
    while let Some(pl) = lines.next() {
        let raw = &text[pl.span.clone()];
        if !raw.ends_with('\\') || !raw.contains('#') {
            continue;
        }
        // Only a next line with content is lost; joining two comments loses nothing.
        let Some(next) = lines.peek() else { continue };
        let next = &text[next.span.clone()];
        let content = next.split('#').next().unwrap_or("");
        if content.trim().is_empty() {
            continue;
        }
        let at = pl.span.end - 1;
        out.push(
            Diagnostic::new(
                &RULE,
                at..at + 1,
                "expected no `\\` at the end of a comment: `check` joins the next line into it",
            )
            .label("the next line is hidden from `check`")
            .help("remove the trailing `\\` from the comment"),
        );
    }
}
