//! Y102 `unknown-reference`: a class, archive or default class that is not defined.
//!
//! The check itself is in `zflash-generator` (site-file validation); this file holds the rule
//! that `zflash explain Y102` prints and the fixture test names.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "Y102",
    name: "unknown-reference",
    severity: Severity::Error,
    summary: "a class, archive or default class that is not defined",
    doc: r#"## What it does
Flags a client's `class`, a class's `archive` or `defaults.class` that names nothing
defined in the file (with the nearest defined name).

## Why is this bad?
The client would have no profile or finish script, the class no archive to deploy.

## Example
```yaml
classes:
  desk: {archive: gold}
clients:
  - {hostname: ws1, class: dsk}
```
Use instead:
```yaml
classes:
  desk: {archive: gold}
clients:
  - {hostname: ws1, class: desk}
```
"#,
};
