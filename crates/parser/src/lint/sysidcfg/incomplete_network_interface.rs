//! S211 `incomplete-network-interface`: a `network_interface` entry without what a
//! hands-off static configuration needs.

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::sysidcfg::{Keyword, SubKeyword, hands_off};

pub static RULE: Rule = Rule {
    code: "S211",
    name: "incomplete-network-interface",
    severity: Severity::Warning,
    summary: "a static `network_interface` missing `netmask`, `ip_address`, `hostname`, `protocol_ipv6` or `default_route`",
    doc: r#"## What it does
For every `network_interface` other than `NONE` and not using `dhcp`, checks that the
dependent keywords a hands-off configuration needs are there:

* `ip_address` given without `netmask`;
* a named interface (e.g. `e1000g1`) without `ip_address` or without `hostname`
  (`PRIMARY` may omit both: a JumpStart client learns them from RARP/bootparams);
* `protocol_ipv6` missing (also for `dhcp`);
* `default_route` missing on a static interface (not `dhcp`): give the router, or
  `default_route=NONE` on a network without one.

The set is the parser's one definition of a hands-off sysidcfg
(`zflash_parser::sysidcfg::hands_off`), which `zflash generate` is tested against.

## Why is this bad?
Each missing value is asked for at the console, so the installation is no longer hands-off.
Without `default_route` the installer tries ICMP router discovery and asks when no router
answers.

## Example
```
network_interface=e1000g1 {ip_address=192.168.50.21}
```
Use instead:
```
network_interface=e1000g1 {hostname=db01-bk ip_address=192.168.50.21
                           netmask=255.255.255.0 default_route=NONE
                           protocol_ipv6=no}
```
"#,
};

pub(crate) fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    for e in ctx.entries_of(Keyword::NetworkInterface) {
        let missing: Vec<&str> = hands_off::missing_in_interface(e)
            .into_iter()
            .map(SubKeyword::as_str)
            .collect();
        if missing.is_empty() {
            continue;
        }
        let list = missing
            .iter()
            .map(|m| format!("`{m}`"))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(
            Diagnostic::new(
                &RULE,
                e.head_span(),
                format!(
                    "`network_interface={}` lacks {list}: the installer will ask for it",
                    e.value.text
                ),
            )
            .label("incomplete interface configuration")
            .help(format!(
                "add {} to the `{{ … }}` block",
                missing
                    .iter()
                    .map(|m| match *m {
                        "protocol_ipv6" => "protocol_ipv6=no".to_string(),
                        "default_route" => "default_route=… (or default_route=NONE)".to_string(),
                        m => format!("{m}=…"),
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            )),
        );
    }
}
