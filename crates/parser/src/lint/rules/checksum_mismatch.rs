//! R303 checksum-mismatch.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::{Flavor, sysv_sum};

pub static RULE: Rule = Rule {
    code: "R303",
    name: "checksum-mismatch",
    severity: Severity::Warning,
    summary: "the `rules.ok` checksum is not the System V `sum` of the lines above it",
    doc: "\
## What it does
Recomputes the System V checksum (Solaris `sum`, GNU `sum -s`) of every byte before
the `# version=2 checksum=N` trailer of `rules.ok` and reports a different N.

## Why is this bad?
The file was edited by hand after `check` wrote it, or its checksum was made up. Known
installers do not verify the number (a template with `checksum=1111` is known to work),
hence a warning; but an edited `rules.ok` has skipped `check`'s validation, and
whether a given Solaris 10 update verifies the checksum is not documented.

## Example
```
any - - default.prof -
# version=2 checksum=1111
```
Use instead: regenerate `rules.ok` from `rules` with `zflash check`.
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    let (src, file) = (cx.src, cx.file);
    if file.flavor != Flavor::RulesOk {
        return;
    }
    let Some(t) = file.trailer() else { return };
    let Some(found) = t.checksum else { return };
    let expected = sysv_sum(&src.text.as_bytes()[..t.span.start]);
    if found != u64::from(expected) {
        let at = t
            .text
            .find("checksum=")
            .map_or(t.span.start, |i| t.span.start + i + 9);
        out.push(
            Diagnostic::new(
                &RULE,
                at..t.span.end,
                format!("expected checksum={expected} (System V sum of the lines above), found checksum={found}"),
            )
            .label("does not match the content")
            .help("edit `rules`, not `rules.ok`, and regenerate it with `zflash check`"),
        );
    }
}
