//! Y203 `overlapping-networks`: one network served by two boot servers.
//!
//! The check itself is in `zflash-generator` (site-file validation); this file holds the rule
//! that `zflash explain Y203` prints and the fixture test names.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "Y203",
    name: "overlapping-networks",
    severity: Severity::Error,
    summary: "a network (or part of one) listed by two boot servers",
    doc: r#"## What it does
Flags a boot server's network that shares addresses with a network another boot server
lists (`10.1.0.0/16` and `10.1.2.0/24`).

## Why is this bad?
A client there would have two boot servers: both answer its RARP and bootparams requests,
and the one that answers first decides which image and which files it boots with.

## Example
```yaml
servers:
  js01: {ip: 10.1.1.5, roles: [install, boot, config], networks: [10.1.0.0/16], ...}
  bs02: {ip: 10.1.2.5, roles: [boot], networks: [10.1.2.0/24], ...}
```
Use instead: serve each network from one boot server; a client that must boot from
another one names it with `boot_server:`.
```yaml
servers:
  js01: {ip: 10.1.1.5, roles: [install, boot, config], networks: [10.1.1.0/24], ...}
  bs02: {ip: 10.1.2.5, roles: [boot], networks: [10.1.2.0/24], ...}
```
"#,
};
