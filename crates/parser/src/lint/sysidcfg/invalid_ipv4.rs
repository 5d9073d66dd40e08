//! S207 `invalid-ipv4`: a malformed IPv4 address where one is required.

use super::{Ctx, sub_values};
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::source::Span;
use crate::sysidcfg::values::{parse_host_with_ip, parse_ipv4};
use crate::sysidcfg::{Keyword, NameServiceKind, SubKeyword};

pub static RULE: Rule = Rule {
    code: "S207",
    name: "invalid-ipv4",
    severity: Severity::Error,
    summary: "a malformed IPv4 address in `ip_address`, `default_route`, `name_server`, `profile_server` or `timeserver`",
    doc: r#"## What it does
Checks that these values are dotted-quad IPv4 addresses (four numbers 0–255):
`network_interface` `ip_address` and `default_route` (which may also be `NONE`),
`name_service=DNS` `name_server` (each of the comma-separated list), the `(ip)` part of a
NIS/NIS+ `name_server=host(ip)`, LDAP `profile_server`, and `timeserver` when it is written
as numbers and dots.

## Why is this bad?
sysidtool cannot configure the interface or the name service with the value and asks for it
interactively (or, for a routing or name-server address, the installed system cannot reach
the network).

## Example
```
network_interface=e1000g0 {hostname=web01 ip_address=10.1.1.500 netmask=255.255.255.0
                           protocol_ipv6=no}
```
Use instead:
```
network_interface=e1000g0 {hostname=web01 ip_address=10.1.1.50 netmask=255.255.255.0
                           protocol_ipv6=no}
```
"#,
};

fn bad(out: &mut Vec<Diagnostic>, what: &str, span: Span, value: &str) {
    out.push(
        Diagnostic::new(
            &RULE,
            span,
            format!("expected an IPv4 address for `{what}`, found `{value}`"),
        )
        .label("not four numbers 0-255 separated by dots"),
    );
}

pub(crate) fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    for e in ctx.file.entries() {
        match e.keyword() {
            Some(Keyword::Timeserver) => {
                let v = e.value.text.as_str();
                if !v.is_empty()
                    && v.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                    && parse_ipv4(v).is_err()
                {
                    bad(out, "timeserver", e.value.text_span(), v);
                }
            }
            Some(Keyword::NetworkInterface) => {
                for (kw, span, v) in sub_values(e) {
                    let check = match kw {
                        SubKeyword::IpAddress => true,
                        SubKeyword::DefaultRoute => !v.eq_ignore_ascii_case("none"),
                        _ => false,
                    };
                    if check && !v.is_empty() && parse_ipv4(v).is_err() {
                        bad(out, kw.as_str(), span, v);
                    }
                }
            }
            Some(Keyword::NameService) => {
                let kind = NameServiceKind::parse(&e.value.text);
                for (kw, span, v) in sub_values(e) {
                    match (kind, kw) {
                        (Some(NameServiceKind::Dns), SubKeyword::NameServer) => {
                            let mut off = span.start;
                            for ip in v.split(',') {
                                if parse_ipv4(ip).is_err() {
                                    bad(out, "name_server", off..off + ip.len(), ip);
                                }
                                off += ip.len() + 1;
                            }
                        }
                        (
                            Some(NameServiceKind::Nis | NameServiceKind::NisPlus),
                            SubKeyword::NameServer,
                        ) => {
                            // host(ip): only the ip part is checked here (S206 checks the rest).
                            if let Some(open) = v.find('(')
                                && parse_host_with_ip(v).is_err()
                            {
                                let ip = v[open + 1..].trim_end_matches(')');
                                if parse_ipv4(ip).is_err() {
                                    bad(
                                        out,
                                        "name_server",
                                        span.start + open + 1..span.start + open + 1 + ip.len(),
                                        ip,
                                    );
                                }
                            }
                        }
                        (Some(NameServiceKind::Ldap), SubKeyword::ProfileServer)
                            if parse_ipv4(v).is_err() =>
                        {
                            bad(out, "profile_server", span, v);
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}
