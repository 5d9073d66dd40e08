//! B203 `duplicate-key`: a key given twice in one entry.

use crate::bootparams::Bootparams;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use std::collections::HashMap;

pub static RULE: Rule = Rule {
    code: "B203",
    name: "duplicate-key",
    severity: Severity::Warning,
    summary: "the same key given twice in one entry",
    doc: r#"## What it does
Flags a key that appears more than once in an entry.

## Why is this bad?
bootparamd returns the first match when a client asks for the key, so the later value is
dead text that misleads readers.

## Example
```
web01 root=js01:/a/Solaris_10/Tools/Boot install=js01:/a boottype=:in install=js01:/b
```
Use instead:
```
web01 root=js01:/a/Solaris_10/Tools/Boot install=js01:/a boottype=:in
```
"#,
};

pub(crate) fn check(file: &Bootparams, out: &mut Vec<Diagnostic>) {
    for e in file.entries() {
        let mut seen: HashMap<&str, std::ops::Range<usize>> = HashMap::new();
        for p in e.pairs.iter().filter(|p| p.has_eq() && !p.key().is_empty()) {
            if let Some(first) = seen.get(p.key()) {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        p.key_span(),
                        format!(
                            "`{}` is given twice for client `{}`",
                            p.key(),
                            e.client.text
                        ),
                    )
                    .label("repeated key")
                    .secondary(first.clone(), "first given here; this one is used"),
                );
            } else {
                seen.insert(p.key(), p.key_span());
            }
        }
    }
}
