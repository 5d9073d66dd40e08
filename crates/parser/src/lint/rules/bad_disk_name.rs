//! R207 bad-disk-name.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::ValueError;
use crate::rules::values::ValueKind;

pub static RULE: Rule = Rule {
    code: "R207",
    name: "bad-disk-name",
    severity: Severity::Error,
    summary: "a `disksize` disk or `installed` slice is not a Solaris device name",
    doc: "\
## What it does
Reports the disk of `disksize` when it is not `cXtYdZ`, `cXdY` or `rootdisk`, and the
slice of `installed` when it is not `cXtYdZsN`, `cXdYsN` (N = 0…7), `rootdisk` or `any`.
Hexadecimal MPxIO/WWN targets (`c0t5000CCA012345678d0`) are accepted.

## Why is this bad?
The name is compared with the probed disk list: a slice where a disk is expected (or
the reverse), a `/dev/dsk/` path or a Linux name never matches.

## Example
```
disksize c0t3d0s0 400-600 - big.prof -
installed c0t3d0 Solaris_9 - upgrade.prof -
```
Use instead:
```
disksize c0t3d0 400-600 - big.prof -
installed c0t3d0s0 Solaris_9 - upgrade.prof -
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    for (_, values) in cx.rules() {
        for value in values {
            if let Err(ValueError::Syntax {
                kind: kind @ (ValueKind::Disk | ValueKind::Slice),
                span,
                expected,
                found,
                ..
            }) = value
            {
                let mut d = Diagnostic::new(
                    &RULE,
                    span.clone(),
                    format!("expected {expected}, found `{found}`"),
                )
                .label(if *kind == ValueKind::Disk {
                    "not a disk name"
                } else {
                    "not a slice name"
                });
                let stem = found
                    .trim_start_matches("/dev/dsk/")
                    .trim_start_matches("/dev/rdsk/");
                if *kind == ValueKind::Disk && crate::rules::values::is_slice_name(stem) {
                    d = d.help(format!(
                        "`disksize` takes a whole disk: `{}`",
                        &stem[..stem.len() - 2]
                    ));
                } else if *kind == ValueKind::Slice && crate::rules::values::is_disk_name(stem) {
                    d = d.help(format!("`installed` takes a slice: `{stem}s0`"));
                } else if stem != found {
                    d = d.help(format!("write the bare device name `{stem}`"));
                }
                out.push(d);
            }
        }
    }
}
