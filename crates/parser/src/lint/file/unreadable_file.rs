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
permission denied, a directory where a file is expected, an I/O error; or that is not a
regular file (a FIFO, socket or device, also when named on the command line), which is not
read at all: a FIFO would block the check until some writer appears, `/dev/zero` never ends.

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
    let message = format!("cannot read the file: {err}");
    // A FIFO, socket or device is not read at all (a FIFO would block, `/dev/zero` never
    // ends): its mode is not the problem.
    let help = if err.to_string().starts_with("not a regular file") {
        "put the file itself here: the installer reads JumpStart files as regular files"
    } else {
        "make the file readable (root-owned, mode 644 is what Solaris recommends)"
    };
    Diagnostic::new(&RULE, 0..0, message).help(help)
}
