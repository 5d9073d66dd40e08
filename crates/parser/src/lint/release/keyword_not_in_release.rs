//! S223 `keyword-not-in-release`: a sysidcfg keyword the client's release does not know.

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::release::Release;
use crate::sysidcfg::Sysidcfg;

pub static RULE: Rule = Rule {
    code: "S223",
    name: "keyword-not-in-release",
    severity: Severity::Error,
    summary: "a sysidcfg keyword the release being checked for does not know (the whole file is ignored)",
    doc: r#"## What it does
With `zflash check --release R` (and in `zflash generate`'s self-check, for the install
image's release), flags a sysidcfg keyword that release does not read: `service_profile`
before 11/06, `keyboard` before 8/07, `auto_reg` before 9/10 (the table and its sources:
`docs/releases.md`).

## Why is this bad?
sysidcfg(4): when the file has a syntax error "(such as an invalid keyword)", the file is
not used. The client then asks for every setting at the console: the hands-off install
stops at the first machine.

## Example
For `--release 10/08`:
```
auto_reg=disable
```
Use instead: remove the line (10/08 does not register at install time).
"#,
};

pub(crate) fn check(file: &Sysidcfg, release: Release, out: &mut Vec<Diagnostic>) {
    for e in file.entries() {
        let Some(k) = e.keyword() else { continue };
        if release.knows_sysidcfg(k) {
            continue;
        }
        let since = Release::sysidcfg_since(k).expect("an unknown keyword has a boundary");
        out.push(
            Diagnostic::new(
                &RULE,
                e.key.span.clone(),
                format!(
                    "`{}` exists from Solaris 10 {since} on; Solaris 10 {release} ignores a sysidcfg with a keyword it does not know",
                    k.as_str()
                ),
            )
            .help(format!("remove it for {release} clients, or install them from a {since} or later image")),
        );
    }
}
