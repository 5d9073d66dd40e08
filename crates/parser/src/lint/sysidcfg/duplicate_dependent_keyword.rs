//! S205 `duplicate-dependent-keyword`: a dependent keyword given twice in one block.

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "S205",
    name: "duplicate-dependent-keyword",
    severity: Severity::Warning,
    summary: "a dependent keyword given more than once in the same `{ … }` block",
    doc: r#"## What it does
Flags a dependent keyword that appears twice inside one block.

## Why is this bad?
Only one of the values is used, and which one is not documented; lists such as DNS
`name_server` are written comma-separated in a single entry.

## Example
```
name_service=DNS {domain_name=lab.example.net name_server=10.1.1.2 name_server=10.1.1.3}
```
Use instead:
```
name_service=DNS {domain_name=lab.example.net name_server=10.1.1.2,10.1.1.3}
```
"#,
};

pub(crate) fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    for e in ctx.file.entries() {
        let mut seen: Vec<(crate::sysidcfg::SubKeyword, std::ops::Range<usize>)> = Vec::new();
        for s in e.sub_entries() {
            let Some(kw) = s.keyword() else { continue };
            if let Some((_, first)) = seen.iter().find(|(k, _)| *k == kw) {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        s.key.span.clone(),
                        format!(
                            "`{}` is given twice in the `{}` block",
                            kw.as_str(),
                            e.key.text
                        ),
                    )
                    .label("repeated")
                    .secondary(std::ops::Range::clone(first), "first given here"),
                );
            } else {
                seen.push((kw, s.key.span.clone()));
            }
        }
    }
}
