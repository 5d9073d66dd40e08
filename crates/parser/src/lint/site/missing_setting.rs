//! Y105 `missing-setting`: a setting a hands-off install needs that no level gives.
//!
//! The check itself is in `zflash-generator` (site-file validation); this file holds the rule
//! that `zflash explain Y105` prints and the fixture test names.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "Y105",
    name: "missing-setting",
    severity: Severity::Error,
    summary: "a setting a hands-off install needs that no level gives",
    doc: r#"## What it does
Flags a client that gets no `timezone`, `root_password` or `netmask` from its own
`sysidcfg`, its class's or `defaults.sysidcfg`, and a site with no class or no client.

## Why is this bad?
sysidtool would ask for the missing value at the console: the install stops.

## Example
```yaml
defaults:
  sysidcfg: {root_password: Xy3kP0qLm9ZbA}
```
Use instead:
```yaml
defaults:
  sysidcfg: {root_password: Xy3kP0qLm9ZbA, timezone: GMT, network_interface: {netmask: 255.255.255.0}}
```
"#,
};
