//! S212 `dhcp-with-static-settings`: `dhcp` combined with static addressing keywords.

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::sysidcfg::{Keyword, SubKeyword};

pub static RULE: Rule = Rule {
    code: "S212",
    name: "dhcp-with-static-settings",
    severity: Severity::Error,
    summary: "`dhcp` together with `hostname`, `ip_address`, `netmask` or `default_route`",
    doc: r#"## What it does
With `dhcp` the address, mask, router and host name come from the DHCP server; sysidcfg(4)
allows only `protocol_ipv6` (and `primary`) next to it. This rule flags the static keywords
in a `dhcp` block.

## Why is this bad?
The combination is contradictory; sysidtool rejects the entry and prompts for the network
configuration.

## Example
```
network_interface=PRIMARY {dhcp ip_address=10.1.1.50 protocol_ipv6=no}
```
Use instead:
```
network_interface=PRIMARY {dhcp protocol_ipv6=no}
```
"#,
};

pub(crate) fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    for e in ctx.entries_of(Keyword::NetworkInterface) {
        let Some(dhcp) = e.sub(SubKeyword::Dhcp) else {
            continue;
        };
        for s in e.sub_entries() {
            if let Some(
                k @ (SubKeyword::Hostname
                | SubKeyword::IpAddress
                | SubKeyword::Netmask
                | SubKeyword::DefaultRoute),
            ) = s.keyword()
            {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        s.key.span.clone(),
                        format!("`{}` cannot be combined with `dhcp`", k.as_str()),
                    )
                    .label("static setting")
                    .secondary(dhcp.key.span.clone(), "`dhcp` given here")
                    .help(
                        "remove the static settings, or remove `dhcp` for a static configuration",
                    ),
                );
            }
        }
    }
}
