//! Y106 `root-password-not-hashed`: a `root_password` that is not a crypt hash Solaris 10 understands.
//!
//! The check itself is in `zflash-generator` (site-file validation); this file holds the rule
//! that `zflash explain Y106` prints and the fixture test names.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "Y106",
    name: "root-password-not-hashed",
    severity: Severity::Error,
    summary: "a `root_password` that is not a crypt hash Solaris 10 understands",
    doc: r#"## What it does
`root_password` takes the encrypted password as in `/etc/shadow`: traditional DES (13
characters of `[./0-9A-Za-z]`), `$1$` (MD5), `$2a$` (Blowfish), `$md5$` (Sun MD5, optionally
`$md5,rounds=N$`), `$5$` (SHA-256) or `$6$` (SHA-512), with their salt and hash lengths. The
same check as `zflash check` S209.

## Why is this bad?
sysidtool copies the string into `/etc/shadow` unchecked: nobody could log in as root, and a
plain-text password would sit in a file served over NFS.

## Example
```yaml
defaults:
  sysidcfg: {root_password: secret}
```
Use instead:
```yaml
defaults:
  sysidcfg: {root_password: Xy3kP0qLm9ZbA}
```
"#,
};
