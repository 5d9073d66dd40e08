//! S213 `multiple-primary-interfaces`: more than one primary interface.

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::source::Span;
use crate::sysidcfg::{InterfaceSelector, Keyword, SubKeyword};

pub static RULE: Rule = Rule {
    code: "S213",
    name: "multiple-primary-interfaces",
    severity: Severity::Error,
    summary: "more than one interface marked primary (`PRIMARY` and/or `{primary}`)",
    doc: r#"## What it does
Counts the interfaces declared primary: `network_interface=PRIMARY` and named interfaces
with the `primary` flag. At most one is allowed.

## Why is this bad?
sysidtool cannot pick the interface that carries the host name and default route and
rejects the network configuration.

## Example
```
network_interface=PRIMARY {dhcp protocol_ipv6=no}
network_interface=e1000g1 {primary dhcp protocol_ipv6=no}
```
Use instead:
```
network_interface=e1000g0 {primary dhcp protocol_ipv6=no}
network_interface=e1000g1 {dhcp protocol_ipv6=no}
```
"#,
};

pub(crate) fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    // (span, declared by `network_interface=PRIMARY`)
    let mut first: Option<(Span, bool)> = None;
    for e in ctx.entries_of(Keyword::NetworkInterface) {
        let by_selector = InterfaceSelector::parse(&e.value.text) == InterfaceSelector::Primary;
        let span = if by_selector {
            e.value.span.clone()
        } else if let Some(p) = e.sub(SubKeyword::Primary) {
            p.key.span.clone()
        } else {
            continue;
        };
        match &first {
            None => first = Some((span, by_selector)),
            // A repeated `PRIMARY` entry is a duplicate (S204), not a second primary.
            Some((_, true)) if by_selector => {}
            Some((f, _)) => out.push(
                Diagnostic::new(
                    &RULE,
                    span,
                    "a second primary interface: at most one interface may be primary",
                )
                .label("second primary")
                .secondary(f.clone(), "first primary interface"),
            ),
        }
    }
}
