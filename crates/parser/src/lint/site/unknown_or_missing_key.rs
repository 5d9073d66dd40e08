//! Y003 `unknown-or-missing-key`: a key the site file does not have, a required key missing, or a value of the wrong YAML type.
//!
//! The check itself is in `zflash-generator` (site-file validation); this file holds the rule
//! that `zflash explain Y003` prints and the fixture test names.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "Y003",
    name: "unknown-or-missing-key",
    severity: Severity::Error,
    summary: "a key the site file does not have, a required key missing, or a value of the wrong YAML type",
    doc: r#"## What it does
Flags a key that is not part of the site-file format (with the nearest known key), a
required key that is missing, and a value of the wrong kind (a list where a string belongs).

## Why is this bad?
A misspelt key would otherwise be ignored and its default used without a word.

## Example
```yaml
clients:
  - hostname: ws1
    adress: 10.1.1.11
```
Use instead:
```yaml
clients:
  - hostname: ws1
    ip: 10.1.1.11
```
"#,
};
