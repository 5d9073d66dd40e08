//! R211 unknown-karch.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::Keyword;
use crate::rules::values::MatchValue;

pub static RULE: Rule = Rule {
    code: "R211",
    name: "unknown-karch",
    severity: Severity::Warning,
    summary: "a `karch` value is not a Solaris 10 kernel architecture",
    doc: "\
## What it does
Reports `karch` with a value other than the Solaris 10 platform groups `sun4u`,
`sun4us`, `sun4v` and `i86pc`. Old groups (`sun4c`, `sun4d`, `sun4m`, `prep`) are
reported as not supported by Solaris 10.

## Why is this bad?
The rule can never match on Solaris 10. A processor type (`sparc`, `i386`) belongs to
`arch`.

## Example
```
karch i386 - x86.prof -
```
Use instead:
```
karch i86pc - x86.prof -
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    for (rule, values) in cx.rules() {
        for (piece, value) in rule.matches.iter().zip(values) {
            if piece.kind() != Some(Keyword::Karch) {
                continue;
            }
            let Ok(MatchValue::Text(v)) = value else {
                continue;
            };
            let (message, help) = match v.as_str() {
                "sun4u" | "sun4us" | "sun4v" | "i86pc" => continue,
                "sun4c" | "sun4d" | "sun4m" | "prep" => (
                    format!("`{v}` is not supported by Solaris 10: expected `sun4u`, `sun4us`, `sun4v` or `i86pc`"),
                    "remove the rule, or keep it only for older releases".to_string(),
                ),
                "i386" => (
                    "expected a kernel architecture after `karch`, found the processor type `i386`".to_string(),
                    "use `karch i86pc` or `arch i386`".to_string(),
                ),
                "sparc" => (
                    "expected a kernel architecture after `karch`, found the processor type `sparc`".to_string(),
                    "use `arch sparc`, or `karch sun4u` / `karch sun4v`".to_string(),
                ),
                _ => (
                    format!("expected `sun4u`, `sun4us`, `sun4v` or `i86pc` after `karch`, found `{v}`"),
                    "`uname -m` on the client prints its kernel architecture".to_string(),
                ),
            };
            out.push(
                Diagnostic::new(&RULE, piece.values[0].span.clone(), message)
                    .label("never matches on Solaris 10")
                    .help(help),
            );
        }
    }
}
