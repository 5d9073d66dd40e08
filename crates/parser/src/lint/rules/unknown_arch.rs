//! R210 unknown-arch.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::Keyword;
use crate::rules::values::MatchValue;

pub static RULE: Rule = Rule {
    code: "R210",
    name: "unknown-arch",
    severity: Severity::Warning,
    summary: "an `arch` value is not `sparc` or `i386`",
    doc: "\
## What it does
Reports `arch` with a value other than `sparc` or `i386`, the two values `uname -p`
prints on Solaris 10.

## Why is this bad?
The rule can never match. A kernel architecture (`sun4v`, `i86pc`) belongs to `karch`,
and `x86`/`amd64` are not processor types on Solaris.

## Example
```
arch x86 - x86.prof -
```
Use instead:
```
arch i386 - x86.prof -
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    for (rule, values) in cx.rules() {
        for (piece, value) in rule.matches.iter().zip(values) {
            if piece.kind() != Some(Keyword::Arch) {
                continue;
            }
            let Ok(MatchValue::Text(v)) = value else {
                continue;
            };
            if v == "sparc" || v == "i386" {
                continue;
            }
            let help = match v.as_str() {
                "sun4u" | "sun4v" | "sun4us" | "i86pc" | "sun4m" => {
                    format!("`{v}` is a kernel architecture: use `karch {v}`")
                }
                "x86" | "amd64" | "x86_64" | "i86" | "i686" | "i586" | "i486" => {
                    "x86 systems report `i386`".to_string()
                }
                _ => "expected `sparc` or `i386`".to_string(),
            };
            out.push(
                Diagnostic::new(
                    &RULE,
                    piece.values[0].span.clone(),
                    format!("expected `sparc` or `i386` after `arch`, found `{v}`"),
                )
                .label("never matches")
                .help(help),
            );
        }
    }
}
