//! Y002 `duplicate-key`: a key given twice in the same mapping.
//!
//! The check itself is in `zflash-generator` (site-file validation); this file holds the rule
//! that `zflash explain Y002` prints and the fixture test names.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "Y002",
    name: "duplicate-key",
    severity: Severity::Error,
    summary: "a key given twice in the same mapping",
    doc: r#"## What it does
Flags a key that appears twice in one mapping, at any level (`archives`, `classes`,
`properties`, a client).

## Why is this bad?
YAML readers disagree on which value wins (most keep the last one silently): an archive
redefined further down would deploy another file than the one reviewed.

## Example
```yaml
archives:
  gold:
    location: js01:/export/flash/gold.zfs
  gold:
    location: /evil/other.zfs
```
Use instead:
```yaml
archives:
  gold:
    location: js01:/export/flash/gold.zfs
```
"#,
};
