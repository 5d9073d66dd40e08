//! F008 symlink-outside.

use crate::confine::ConfineError;
use crate::diagnostic::{Diagnostic, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "F008",
    name: "symlink-outside",
    severity: Severity::Error,
    summary: "a path of the JumpStart directory goes through a symbolic link that leads outside it",
    doc: "\
## What it does
Reports a file that `check` would read (the `rules` file, `custom_probes`, a profile, begin
or finish script a rule names, a `sysidcfg` or `bootparams` file, an existing `rules.ok`)
whose path below the checked directory goes through a symbolic link leading outside the
directory (or above it with `..`). The file is **not read**: the finding names the link and
its target, never the contents.

Links that stay inside the directory (`profiles/web.prof -> ../common.prof`) are followed
as usual.

## Why is this bad?
The install client sees only the shared directory: a link out of it leads nowhere (or
somewhere else) on the client. And `check` runs as root in CI and on install servers:
following such a link would print another file's lines in the findings
(`rules -> /etc/shadow` shows password hashes in an error excerpt).

## Example
```
$ ls -l rules sysidcfg
lrwxrwxrwx  rules -> /etc/shadow
lrwxrwxrwx  sysidcfg -> ../../other-site/sysidcfg
```
Use instead: copy the file into the JumpStart directory (or link to a file inside it).
",
};

/// The finding for a file reached through a link out of the directory.
pub fn diagnostic(err: &ConfineError) -> Diagnostic {
    let message = match err {
        ConfineError::Outside { link, target, root } => format!(
            "`{}` is a symbolic link to `{}`, which leads outside the JumpStart directory: the file is not read",
            link.strip_prefix(root).unwrap_or(link).display(),
            target.display()
        ),
        ConfineError::Escapes { .. } => {
            "the path leads above the JumpStart directory with `..`: the file is not read".into()
        }
        other => format!("not read: {other}"),
    };
    Diagnostic::new(&RULE, 0..0, message)
        .help("keep every file the client reads inside the JumpStart directory (copy it in, or link to a file inside)")
}
