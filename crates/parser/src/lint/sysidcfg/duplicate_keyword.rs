//! S204 `duplicate-keyword`: a keyword given twice; only the first counts.

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::sysidcfg::{InterfaceSelector, Keyword};

pub static RULE: Rule = Rule {
    code: "S204",
    name: "duplicate-keyword",
    severity: Severity::Warning,
    summary: "a keyword given more than once (only the first instance is used)",
    doc: r#"## What it does
Flags the second and later occurrences of a top-level keyword. `network_interface` may be
given once per interface (Solaris 10), so only a second entry for the same interface (or a
second `PRIMARY`/`NONE`) is flagged.

## Why is this bad?
sysidtool uses the first instance and silently ignores the others, so an edit made to the
later line has no effect.

## Example
```
timeserver=localhost
timezone=UTC
timeserver=10.1.1.1
```
Use instead:
```
timezone=UTC
timeserver=10.1.1.1
```
"#,
};

#[derive(PartialEq, Eq)]
enum DupKey {
    Keyword(Keyword),
    Interface(InterfaceSelector),
}

pub(crate) fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    // A file has a dozen keywords: a linear scan beats hashing.
    let mut seen: Vec<(DupKey, &crate::sysidcfg::Entry)> = Vec::new();
    for e in ctx.file.entries() {
        let Some(kw) = e.keyword() else { continue };
        let key = if kw == Keyword::NetworkInterface {
            DupKey::Interface(InterfaceSelector::parse(&e.value.text))
        } else {
            DupKey::Keyword(kw)
        };
        match seen.iter().find(|(k, _)| *k == key).map(|(_, e)| *e) {
            Some(first) => {
                let what = if kw == Keyword::NetworkInterface {
                    format!("`network_interface={}` is given twice", e.value.text)
                } else {
                    format!("`{}` is given twice", kw.as_str())
                };
                out.push(
                    Diagnostic::new(
                        &RULE,
                        e.key.span.clone(),
                        format!("{what}: only the first is used"),
                    )
                    .label("ignored")
                    .secondary(first.key.span.clone(), "first given here; this one is used")
                    .help("delete one of the two entries"),
                );
            }
            None => {
                seen.push((key, e));
            }
        }
    }
}
