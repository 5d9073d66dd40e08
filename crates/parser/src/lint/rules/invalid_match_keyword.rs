//! R202 invalid-match-keyword.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::{Keyword, did_you_mean};

pub static RULE: Rule = Rule {
    code: "R202",
    name: "invalid-match-keyword",
    severity: Severity::Error,
    summary: "a match keyword is not built in and cannot name a custom probe",
    doc: "\
## What it does
Reports a match keyword that is neither built in nor a valid shell name (letters,
digits and `_`, not starting with a digit), so no `cmp_<name>()` function can exist for
it in `custom_probes`.

## Why is this bad?
`check` stops with `Match key: <keyword> undefined`. Such a keyword is usually a
shifted field (a value or a path where a keyword is expected) or a typo such as
`host-name` or `!!model`.

## Example
```
host-name web01 - web.prof -
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
        for piece in &rule.matches {
            let Some(tok) = &piece.keyword else { continue };
            if !matches!(Keyword::from_name(&tok.value_str()), Keyword::Invalid(_)) {
                continue;
            }
            let name = tok.value();
            let mut d = Diagnostic::new(
                &RULE,
                tok.span.clone(),
                format!("expected a match keyword, found `{name}`"),
            )
            .label("not a keyword (nor a possible custom probe name)");
            if let Some(m) = did_you_mean(&name.replace(['-', '.'], ""), Keyword::BUILTIN) {
                d = d.help(crate::suggest::help(m));
            } else {
                d = d.help("a rule is `[!]keyword value [&& …] begin profile finish`");
            }
            out.push(d);
        }
    }
}
