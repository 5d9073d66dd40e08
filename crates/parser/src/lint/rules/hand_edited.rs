//! R304 hand-edited.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::Flavor;

pub static RULE: Rule = Rule {
    code: "R304",
    name: "hand-edited",
    severity: Severity::Warning,
    summary: "`rules.ok` holds comments, blank lines or leading tabs that `check` never writes",
    doc: "\
## What it does
Reports lines of `rules.ok` (above the trailer) that `check` would not have written:
comments, blank lines and lines starting with a TAB (`check` removes all three).

## Why is this bad?
The file was edited by hand, so it may differ from `rules` and has not been validated.

## Example
```
# web servers
hostname web01 - web.prof -
# version=2 checksum=3514
```
Use instead: put comments in `rules` and regenerate `rules.ok` with `zflash check`.
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    let (src, file) = (cx.src, cx.file);
    if file.flavor != Flavor::RulesOk {
        return;
    }
    let end = file.trailer().map_or(src.text.len(), |t| t.span.start);
    let mut found = Vec::new();
    for pl in src.physical_lines() {
        if pl.span.start >= end {
            break;
        }
        let line = &src.text[pl.span.clone()];
        let what = if let Some(i) = line.find('#') {
            Some((pl.span.start + i..pl.span.end, "a comment"))
        } else if line.bytes().all(|b| b == b' ' || b == b'\t') {
            Some((pl.span.clone(), "a blank line"))
        } else if line.starts_with('\t') {
            Some((pl.span.start..pl.span.start + 1, "a leading TAB"))
        } else {
            None
        };
        if let Some(w) = what {
            found.push(w);
        }
    }
    let Some((span, what)) = found.first().cloned() else {
        return;
    };
    let mut d = Diagnostic::new(
        &RULE,
        span.clone(),
        format!("expected `rules.ok` as `check` writes it, found {what}"),
    )
    .label("`check` never writes this")
    .help("edit `rules` and regenerate `rules.ok` with `zflash check`");
    if found.len() > 1 {
        d = d.note(format!("{} such lines in this file", found.len()));
    }
    out.push(d);
}
