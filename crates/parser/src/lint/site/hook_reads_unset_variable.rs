//! Y109 `hook-reads-unset-variable`: a deploy hook's argument reads an `SI_*` variable that
//! JumpStart never sets.
//!
//! The check itself is in `zflash-generator` (site-file validation); this file holds the rule
//! that `zflash explain Y109` prints and the fixture test names.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "Y109",
    name: "hook-reads-unset-variable",
    severity: Severity::Error,
    summary: "a hook argument reads an `SI_*` variable that JumpStart never sets",
    doc: r#"## What it does
Flags a `$SI_…` reference in a hook's `argv` that is neither a variable the Solaris 10
JumpStart environment always sets (`SI_HOSTNAME`, `SI_CONFIG_DIR`…) nor one a built-in
probe sets (the generated rules ask for the probe when a hook needs it). It is the site
file's side of `J009`, which `zflash check` raises on a finish script.

## Why is this bad?
The finish script runs the hook with an empty string where the value was meant (a typo
such as `SI_HOSTNAM`, or a custom probe's variable the site file cannot provide), after the
new boot environment was already received.

## Example
```yaml
deploy:
  hooks:
    - {name: tag, argv: [/usr/bin/logger, "installed $SI_HOSTNAM"]}
```
Use instead:
```yaml
deploy:
  hooks:
    - {name: tag, argv: [/usr/bin/logger, "installed $SI_HOSTNAME"]}
```
"#,
};
