//! S208 `invalid-netmask`: a netmask that is not a contiguous IPv4 mask.

use super::{Ctx, sub_values};
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::sysidcfg::values::parse_netmask;
use crate::sysidcfg::{Keyword, SubKeyword};

pub static RULE: Rule = Rule {
    code: "S208",
    name: "invalid-netmask",
    severity: Severity::Error,
    summary: "a `netmask` that is not a dotted-quad mask with contiguous one bits",
    doc: r#"## What it does
Checks `network_interface` `netmask=` values: four numbers 0–255 whose binary form is a run
of ones followed by a run of zeros (`255.255.255.0`, `255.255.240.0`).

## Why is this bad?
A non-contiguous mask (`255.0.255.0`) or a mistyped one (`255.255.255.O`) cannot be
configured; sysidtool asks for it, or the interface comes up on the wrong subnet.

## Example
```
network_interface=e1000g0 {hostname=web01 ip_address=10.1.1.50 netmask=255.255.0.255
                           protocol_ipv6=no}
```
Use instead:
```
network_interface=e1000g0 {hostname=web01 ip_address=10.1.1.50 netmask=255.255.255.0
                           protocol_ipv6=no}
```
"#,
};

pub(crate) fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    for e in ctx.entries_of(Keyword::NetworkInterface) {
        for (kw, span, v) in sub_values(e) {
            if kw != SubKeyword::Netmask || v.is_empty() {
                continue;
            }
            if let Err(expected) = parse_netmask(v) {
                out.push(
                    Diagnostic::new(&RULE, span, format!("expected {expected}, found `{v}`"))
                        .label("invalid netmask"),
                );
            }
        }
    }
}
