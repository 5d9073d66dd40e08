//! R107 extra-probe-names.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "R107",
    name: "extra-probe-names",
    severity: Severity::Warning,
    summary: "a `probe` line names more than one probe",
    doc: "\
## What it does
Reports a `probe` (or `set`) line followed by more than one word.

## Why is this bad?
A probe line runs exactly one probe function, `probe_<name>`; `check` silently ignores
the other words, so they are never probed. Begin and finish scripts that rely on the
`SI_*` variables of the ignored probes see them unset.

## Example
```
probe disks memsize
```
Use instead:
```
probe disks
probe memsize
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    let file = cx.file;
    for p in file.probes() {
        if p.names.len() > 1 {
            let extra = &p.names[1..];
            let span = extra[0].span.start..extra[extra.len() - 1].span.end;
            out.push(
                Diagnostic::new(
                    &RULE,
                    span.clone(),
                    format!(
                        "expected one probe name after `{}`, found {}",
                        p.keyword.text,
                        p.names.len()
                    ),
                )
                .label("ignored: never probed")
                .help("write one `probe NAME` line per probe"),
            );
        }
    }
}
