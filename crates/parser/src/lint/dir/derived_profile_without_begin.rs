//! J004 derived-profile-without-begin.

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::source::Span;

pub static RULE: Rule = Rule {
    code: "J004",
    name: "derived-profile-without-begin",
    severity: Severity::Error,
    summary: "a rule asks for a derived profile (`=`) but names no begin script",
    doc: "\
## What it does
Reports a rule whose profile field is `=` (derived profile) while its begin field is `-`.

## Why is this bad?
With `=`, the install reads the profile the begin script wrote to `$SI_PROFILE`. Without a
begin script nothing writes it; Solaris `check` stops with `Missing begin script for derived
profile`.

## Example
```
memsize 2048-65536  -  =  -
```
Use instead:
```
memsize 2048-65536  pick.beg  =  -
```
",
};

pub fn check(begin: &str, profile: &str, profile_span: Span) -> Option<Diagnostic> {
    if profile != "=" || begin != "-" {
        return None;
    }
    Some(
        Diagnostic::new(
            &RULE,
            profile_span,
            "expected a begin script for the derived profile `=`, found `-`",
        )
        .label("derived profile")
        .help("name a begin script that writes the profile to $SI_PROFILE"),
    )
}
