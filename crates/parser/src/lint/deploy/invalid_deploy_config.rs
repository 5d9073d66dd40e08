//! D101 `invalid-deploy-config`: a deploy config (`deploy/<host>.yaml`) that `zflash finish` would refuse.
//!
//! The check itself is in `zflash-generator` (the deploy-config check); this file holds the rule
//! that `zflash explain D101` prints and the fixture test names.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "D101",
    name: "invalid-deploy-config",
    severity: Severity::Error,
    summary: "a deploy config (`deploy/<host>.yaml`) that `zflash finish` would refuse",
    doc: r#"## What it does
Checks each `deploy/*.yaml` of a JumpStart directory with the deploy-config validation of
`zflash finish`: YAML syntax, unknown keys, pool and BE names, archive locations, digests
and increments.

## Why is this bad?
`zflash finish` reads the file in the miniroot: a typo found there stops the install after
the disks were laid out.

## Example
```yaml
version: 1
archive: /flar/s10.zfs
be_nme: s10gold
```
Use instead:
```yaml
version: 1
archive: /flar/s10.zfs
be_name: s10gold
```
"#,
};
