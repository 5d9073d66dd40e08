//! S224 `release-needs-keyword`: a sysidcfg lacks a keyword the client's release asks for.

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::release::Release;
use crate::sysidcfg::Sysidcfg;

pub static RULE: Rule = Rule {
    code: "S224",
    name: "release-needs-keyword",
    severity: Severity::Warning,
    summary: "a keyword the release being checked for asks for when absent is missing",
    doc: r#"## What it does
With `zflash check --release R` (and in `zflash generate`'s self-check), flags a sysidcfg
without a keyword that release asks for at the console when it is absent, beyond those every
release asks for (S219): `auto_reg` from 9/10 on. A file without any entry is not flagged.

## Why is this bad?
From Solaris 10 9/10 the installer asks how to register the system when `auto_reg` is
missing: the install is no longer hands-off.

## Example
For `--release 9/10`, a file without `auto_reg`. Use instead: add
```
auto_reg=disable
```
"#,
};

pub(crate) fn check(file: &Sysidcfg, release: Release, out: &mut Vec<Diagnostic>) {
    if file.entries().next().is_none() {
        return;
    }
    for k in release.hands_off_extra() {
        if file.get(k).is_none() {
            out.push(
                Diagnostic::new(
                    &RULE,
                    0..0,
                    format!(
                        "missing `{}`: Solaris 10 {release} asks for it at the console",
                        k.as_str()
                    ),
                )
                .help(format!(
                    "add `{}=disable` for a hands-off install",
                    k.as_str()
                )),
            );
        }
    }
}
