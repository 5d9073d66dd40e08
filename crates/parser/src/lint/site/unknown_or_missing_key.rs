//! Y003 `unknown-or-missing-key`: a key the site file does not have, or a required key missing.
//!
//! The check itself is in `zflash-generator` (site-file validation); this file holds the rule
//! that `zflash explain Y003` prints and the fixture test names.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "Y003",
    name: "unknown-or-missing-key",
    severity: Severity::Error,
    summary: "a key the site file does not have, or a required key missing",
    doc: r#"## What it does
Flags a key that is not part of the site-file format (with the nearest known key) and a
required key that is missing, every one in one run. A required key given at the wrong level
(indented like the mapping around it, or inside the braces `{…}` of a nested one) is said as
such, once, at that key. A value of the wrong type is Y004.

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
