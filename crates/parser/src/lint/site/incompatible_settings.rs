//! Y107 `incompatible-settings`: settings that each are valid but cannot work together.
//!
//! The check itself is in `zflash-generator` (site-file validation); this file holds the rule
//! that `zflash explain Y107` prints and the fixture test names.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "Y107",
    name: "incompatible-settings",
    severity: Severity::Error,
    summary: "settings that each are valid but cannot work together",
    doc: r#"## What it does
Flags a zstd archive with the Bourne-shell finish script (no zstd in the miniroot), a new
BE named like the installed one, an `arch` with a `karch` of the other architecture, an
archive listed twice in one chain of increments, a class with both SPARC and x86 clients
(one archive and one profile serve one platform), a client whose `arch` is not the one its
class's archive was captured on (the manifest's), and `fdisk` lines in a class whose
clients are SPARC.

## Why is this bad?
The install would fail in the miniroot, after the disks were already laid out.

## Example
```yaml
classes:
  desk: {archive: gold-zstd}
```
Use instead:
```yaml
classes:
  desk: {archive: gold-zstd, finish: native}
```
"#,
};
