//! R223 suspicious-path.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "R223",
    name: "suspicious-path",
    severity: Severity::Warning,
    summary: "a begin, profile or finish path is absolute or leaves the JumpStart directory",
    doc: "\
## What it does
Reports begin, profile and finish fields that start with `/` or contain a `..`
component.

## Why is this bad?
The fields are joined to the JumpStart directory (`SI_CONFIG_DIR`, mounted read-only
at `/tmp/install_config` on the client): `/export/jumpstart/web.prof` becomes
`/tmp/install_config//export/jumpstart/web.prof`, and `../x` points outside the
shared directory, which the client cannot see.

## Example
```
hostname web01 - /export/jumpstart/web.prof -
```
Use instead:
```
hostname web01 - web.prof -
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    let file = cx.file;
    for rule in file.rules() {
        for (field, name) in [
            (&rule.begin, "begin script"),
            (&rule.profile, "profile"),
            (&rule.finish, "finish script"),
        ] {
            let Some(path) = field.value.path() else {
                continue;
            };
            let reason = if path.starts_with('/') {
                "an absolute path"
            } else if path.split('/').any(|c| c == "..") {
                "a path with `..`"
            } else {
                continue;
            };
            out.push(
                Diagnostic::new(
                    &RULE,
                    field.span.clone(),
                    format!("expected the {name} as a path relative to the JumpStart directory, found {reason}"),
                )
                .label("resolved under the JumpStart directory on the client")
                .help("keep begin/profile/finish files inside the JumpStart directory and name them relative to it"),
            );
        }
    }
}
