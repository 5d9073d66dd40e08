//! R213 null-profile.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::FieldValue;

pub static RULE: Rule = Rule {
    code: "R213",
    name: "null-profile",
    severity: Severity::Warning,
    summary: "the profile field of a rule is `-`",
    doc: "\
## What it does
Reports a rule whose profile field is `-`.

## Why is this bad?
With a null profile the installer has no profile (`SI_PROFILE` is unset): a matching
client gets no automated install. It is rarely meant; often a field is missing and the
others shifted (`hostname web01 - web.prof` leaves `-` in the profile place).

## Example
```
hostname web01 - - post.fin
```
Use instead:
```
hostname web01 - web.prof post.fin
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    let file = cx.file;
    for rule in file.rules() {
        if rule.profile.value == FieldValue::None {
            out.push(
                Diagnostic::new(
                    &RULE,
                    rule.profile.span.clone(),
                    "expected a profile file or `=`, found `-` (null profile)",
                )
                .label("no profile: the client gets no automated install")
                .help("name the profile file, or `=` for a profile written by the begin script"),
            );
        }
    }
}
