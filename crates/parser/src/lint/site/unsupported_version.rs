//! Y108 `unsupported-version`: a site-file `version` this zflash does not read.
//!
//! The check itself is in `zflash-generator` (site-file validation); this file holds the rule
//! that `zflash explain Y108` prints and the fixture test names.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "Y108",
    name: "unsupported-version",
    severity: Severity::Error,
    summary: "a site-file `version` this zflash does not read",
    doc: r#"## What it does
The site file starts with `version: 1`; any other version is refused.

## Why is this bad?
A later format may mean something else by the same keys.

## Example
```yaml
version: 2
```
Use instead:
```yaml
version: 1
```
"#,
};
