//! Y101 `invalid-value`: a value the files it is written into do not accept.
//!
//! The check itself is in `zflash-generator` (site-file validation); this file holds the rule
//! that `zflash explain Y101` prints and the fixture test names.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "Y101",
    name: "invalid-value",
    severity: Severity::Error,
    summary: "a value the files it is written into do not accept",
    doc: r#"## What it does
Every value is checked against the file it ends up in (rules, profile, sysidcfg,
bootparams, the Bourne-shell finish script): addresses, names, sizes, slices, paths,
locales, x86 `fdisk` lines (`disk type size`), enumerated values (with the nearest
allowed one).

## Why is this bad?
A value the generator cannot render would give a directory that fails `zflash check`, or
an install that stops at the console.

## Example
```yaml
clients:
  - hostname: ws1
    arch: x86
```
Use instead:
```yaml
clients:
  - hostname: ws1
    arch: i386
```
"#,
};
