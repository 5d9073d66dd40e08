//! R208 bad-ipv4.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::ValueError;
use crate::rules::values::ValueKind;

pub static RULE: Rule = Rule {
    code: "R208",
    name: "bad-ipv4",
    severity: Severity::Error,
    summary: "a `hostaddress` or `network` value is not a dotted-quad IPv4 address",
    doc: "\
## What it does
Reports a `hostaddress` or `network` value that is not four decimal numbers separated
by dots: a host name, a CIDR suffix, a netmask, missing or extra parts.

## Why is this bad?
The value is compared as text with the probed address or network number
(`SI_HOSTADDRESS`, `SI_NETWORK`), which are always dotted quads: the rule can never
match.

## Example
```
network 10.20.30.0/24 - lab.prof -
```
Use instead:
```
network 10.20.30.0 - lab.prof -
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    for (_, values) in cx.rules() {
        for value in values {
            if let Err(ValueError::Syntax {
                kind: ValueKind::Ipv4,
                span,
                expected,
                found,
                ..
            }) = value
            {
                let mut d = Diagnostic::new(
                    &RULE,
                    span.clone(),
                    format!("expected {expected}, found `{found}`"),
                )
                .label("not an IPv4 address");
                if let Some((addr, _)) = found.split_once('/') {
                    d = d.help(format!(
                        "write the network number without the prefix length: `{addr}`"
                    ));
                }
                out.push(d);
            }
        }
    }
}
