//! R109 set-probe.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "R109",
    name: "set-probe",
    severity: Severity::Warning,
    summary: "a probe line is written `set NAME` instead of `probe NAME`",
    doc: "\
## What it does
Reports probe lines that use `set`, the synonym of `probe` that `chkprobe` accepts at
install time.

## Why is this bad?
Sun's `check` script only recognises `probe`: it reads `set disks` as a rule with a
match key `set` and too few fields, and refuses the file. Write `probe`, which every
tool understands.

## Example
```
set disks
```
Use instead:
```
probe disks
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    let file = cx.file;
    for p in file.probes() {
        if p.keyword.value() == "set" {
            out.push(
                Diagnostic::new(
                    &RULE,
                    p.keyword.span.clone(),
                    "expected `probe`, found its synonym `set`",
                )
                .label("`check` only knows `probe`")
                .help("write `probe` instead of `set`"),
            );
        }
    }
}
