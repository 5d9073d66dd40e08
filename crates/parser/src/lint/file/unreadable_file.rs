//! F001 unreadable-file.

use crate::diagnostic::{Diagnostic, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "F001",
    name: "unreadable-file",
    severity: Severity::Error,
    summary: "a file that must be checked cannot be read",
    doc: "\
## What it does
Reports a file of the JumpStart directory (the `rules` file, a profile, begin or finish
script named by a rule, a `sysidcfg` or `bootparams` file) that exists but cannot be read:
permission denied, a directory where a file is expected, an I/O error.

## Why is this bad?
The install client reads these files over NFS as root (the directory is usually shared
`ro,anon=0`). A file the checker cannot read is usually one the client cannot read either,
and nothing about its contents can be verified.

## Example
```
$ ls -l profiles/web.prof
-rw-------  1 admin  staff  212 profiles/web.prof
```
Use instead: `chmod 644 profiles/web.prof` (root-owned, mode 644 is what the Solaris guide
recommends).
",
};

/// The diagnostic for a file that could not be read.
pub fn diagnostic(err: &std::io::Error) -> Diagnostic {
    Diagnostic::new(&RULE, 0..0, format!("cannot read the file: {err}"))
        .help("make the file readable (root-owned, mode 644 is what Solaris recommends)")
}
