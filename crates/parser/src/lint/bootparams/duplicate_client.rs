//! B202 `duplicate-client`: two entries for the same client.

use crate::bootparams::Bootparams;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use std::collections::HashMap;

pub static RULE: Rule = Rule {
    code: "B202",
    name: "duplicate-client",
    severity: Severity::Warning,
    summary: "more than one entry for the same client name",
    doc: r#"## What it does
Flags the second and later entries for a client name (names compared without case, as host
names are).

## Why is this bad?
bootparamd answers from one of them (which one is not documented; `add_install_client`
replaces the existing entry instead of adding one), so edits to the other have no effect.

## Example
```
web01 root=js01:/export/s10u9/Solaris_10/Tools/Boot install=js01:/export/s10u9 boottype=:in
web01 root=js01:/export/s10u11/Solaris_10/Tools/Boot install=js01:/export/s10u11 boottype=:in
```
Use instead: keep one entry per client.
"#,
};

pub(crate) fn check(file: &Bootparams, out: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<String, std::ops::Range<usize>> = HashMap::new();
    for e in file.entries() {
        let name = e.client.text.to_ascii_lowercase();
        if let Some(first) = seen.get(&name) {
            out.push(
                Diagnostic::new(
                    &RULE,
                    e.client.span.clone(),
                    format!("client `{}` has more than one entry", e.client.text),
                )
                .label("second entry")
                .secondary(first.clone(), "first entry")
                .help("merge the entries into one"),
            );
        } else {
            seen.insert(name, e.client.span.clone());
        }
    }
}
