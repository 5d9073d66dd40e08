//! R209 ipv4-octet-range.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::values::MatchValue;

pub static RULE: Rule = Rule {
    code: "R209",
    name: "ipv4-octet-range",
    severity: Severity::Warning,
    summary: "a `hostaddress` or `network` octet is above 255",
    doc: "\
## What it does
Reports a dotted-quad `hostaddress` or `network` value with a number above 255.

## Why is this bad?
No interface has such an address, so the rule never matches. `check` does not test the
octets (Sun's own sample `rules` file shows `network 924.222.43.0`), hence a warning.

## Example
```
network 924.222.43.0 - lab.prof -
```
Use instead:
```
network 192.222.43.0 - lab.prof -
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    for (rule, values) in cx.rules() {
        for (piece, value) in rule.matches.iter().zip(values) {
            let Ok(MatchValue::Ipv4(octets)) = value else {
                continue;
            };
            if let Some(bad) = octets.iter().find(|&&o| o > 255) {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        piece.values[0].span.clone(),
                        format!("expected octets from 0 to 255, found {bad}"),
                    )
                    .label("not a real IPv4 address")
                    .note("the rule can never match"),
                );
            }
        }
    }
}
