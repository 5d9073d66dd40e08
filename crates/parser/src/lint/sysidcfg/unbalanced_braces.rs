//! S102 `unbalanced-braces`: a `{` without `}`, a `}` without `{`, or a nested `{`.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "S102",
    name: "unbalanced-braces",
    severity: Severity::Error,
    summary: "a `{` that is never closed, a `}` with no open block, or a nested `{`",
    doc: r#"## What it does
Checks that every dependent-keyword block `{ … }` is closed, that no `}` appears outside a
block and that blocks do not nest.

## Why is this bad?
A block may span several lines, so a missing `}` swallows the rest of the file into the
block; sysidtool then rejects the file and the installation becomes interactive.

## Example
```
network_interface=PRIMARY {dhcp protocol_ipv6=no
timezone=UTC
```
Use instead:
```
network_interface=PRIMARY {dhcp protocol_ipv6=no}
timezone=UTC
```
"#,
};
