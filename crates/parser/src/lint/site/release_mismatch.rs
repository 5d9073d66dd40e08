//! Y111 `release-mismatch`: a site setting the install image's release cannot take.
//!
//! The check itself is in `zflash-generator` (site-file validation); this file holds the rule
//! that `zflash explain Y111` prints and the fixture test names.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "Y111",
    name: "release-mismatch",
    severity: Severity::Error,
    summary: "a setting the install image's Solaris 10 release cannot take",
    doc: r#"## What it does
Refuses what the clients' release (`server.release`) cannot do: `auto_reg` settings before
9/10, `keyboard` before 8/07, `service_profile` before 11/06 (the keyword does not exist
there, and a sysidcfg with an unknown keyword is ignored whole), a ZFS-root install before
10/08, an archive whose manifest gives a ZPL (file-system) version newer than the root pool
that release's installer creates (the finish script could not receive it), and an archive whose manifest says it is recursive (`zfs send -R`, received
with `zfs receive -u`) before 10/09, whose `zfs` has no `receive -u`.

## Why is this bad?
Each of these fails on every client, at install time, after the client has booted the
miniroot: at generate time the fix is one line in the site file.

## Example
```yaml
server:
  release: 10/08
defaults:
  sysidcfg:
    auto_reg: disable
```
Use instead: drop `auto_reg` (zflash writes it only for 9/10 and later), or install from a
9/10 or later image.
"#,
};
