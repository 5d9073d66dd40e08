//! Y110 `unknown-release`: the install image's Solaris 10 release is missing or not one
//! this zflash knows.
//!
//! The check itself is in `zflash-generator` (site-file validation); this file holds the rule
//! that `zflash explain Y110` prints and the fixture test names.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "Y110",
    name: "unknown-release",
    severity: Severity::Error,
    summary: "`server.release` (the install image's Solaris 10 release) is missing or unknown",
    doc: r#"## What it does
Requires `server.release`, the Solaris 10 release of the install image, written as Oracle
names it (`10/08`) or as its update (`s10u6`), and refuses a release that is not one of
3/05, 1/06, 6/06, 11/06, 8/07, 5/08, 10/08, 5/09, 10/09, 9/10, 8/11, 1/13.

## Why is this bad?
What a client accepts depends on the release it boots: a sysidcfg keyword the release does
not know makes the installer ignore the whole file (so the client prompts for everything),
a keyword a later release needs and does not find stops the install at a prompt, and the
root pool it creates limits which archives it can receive (see `docs/releases.md`).

## Example
```yaml
server:
  install_image: /export/install/s10u6
```
Use instead:
```yaml
server:
  install_image: /export/install/s10u6
  release: 10/08
```
"#,
};
