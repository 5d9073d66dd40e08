//! R301 missing-trailer.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::{Flavor, Item};

pub static RULE: Rule = Rule {
    code: "R301",
    name: "missing-trailer",
    severity: Severity::Error,
    summary: "`rules.ok` does not end with a well-formed `# version=2 checksum=N` line",
    doc: "\
## What it does
Reports a `rules.ok` file whose last line is not `# version=N checksum=N` (two decimal
numbers, single blanks), or that has lines after that trailer.

## Why is this bad?
`check` always ends `rules.ok` with this trailer, and the installer reads its version.
A file without it was not written by `check` (or was truncated or edited), and the
client may refuse it.

## Example
```
any - - default.prof -
```
Use instead: regenerate with `zflash check` (or Solaris `check`), which writes
```
any - - default.prof -
# version=2 checksum=1827
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    let (src, file) = (cx.src, cx.file);
    if file.flavor != Flavor::RulesOk {
        return;
    }
    let last = file.items.iter().rposition(|i| match i {
        // Trailing blank lines after the trailer are still lines after it.
        Item::Trivia(t) => !t.raw.is_empty(),
        _ => true,
    });
    for (i, item) in file.items.iter().enumerate() {
        let Item::Trailer(t) = item else { continue };
        if Some(i) != last {
            out.push(
                Diagnostic::new(
                    &RULE,
                    t.span.clone(),
                    "expected the `# version=` trailer to be the last line of `rules.ok`",
                )
                .label("lines follow the trailer")
                .help("regenerate `rules.ok` with `zflash check`"),
            );
        } else if t.version.is_none() {
            out.push(
                Diagnostic::new(
                    &RULE,
                    t.span.clone(),
                    format!("expected `# version=2 checksum=N`, found `{}`", t.text),
                )
                .label("malformed trailer")
                .help("regenerate `rules.ok` with `zflash check`"),
            );
        }
    }
    if !file.items.iter().any(|i| matches!(i, Item::Trailer(_))) {
        let end = src.text.len();
        out.push(
            Diagnostic::new(
                &RULE,
                end..end,
                "expected a last line `# version=2 checksum=N`, found none",
            )
            .label("no trailer")
            .help("regenerate `rules.ok` with `zflash check`"),
        );
    }
}
