//! S206 `invalid-value`: a value outside its keyword's enumeration or syntax.

use super::{Ctx, sub_values};
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::source::Span;
use crate::sysidcfg::values::{parse_domain, parse_host_with_ip, parse_hostname, parse_ipv4};
use crate::sysidcfg::{
    AutoRegKind, Keyword, NameServiceKind, Nfs4Domain, SecurityPolicyKind, ServiceProfile,
    SubKeyword, Timeserver, may_be_secret_key,
};

pub static RULE: Rule = Rule {
    code: "S206",
    name: "invalid-value",
    severity: Severity::Error,
    summary: "a value outside its keyword's enumeration or syntax (or a flag given a value)",
    doc: r#"## What it does
Checks the values whose form sysidcfg(4) fixes:

| keyword | expected |
|---|---|
| `name_service` | `NIS`, `NIS+`, `DNS`, `LDAP`, `NONE` (any case) |
| `security_policy` | `kerberos`, `NONE` |
| `service_profile` | `limited_net`, `open` |
| `auto_reg` | `anon`, `noproxy`, `all`, `disable` (`none`: S218) |
| `nfs4_domain` | `dynamic` or a domain name |
| `timeserver` | `localhost`, a host name or an IPv4 address (S207) |
| `network_interface` | `NONE`, `PRIMARY` or an interface name such as `e1000g0` |
| `protocol_ipv6` | `yes`, `no` |
| `hostname`, `admin_server`, `kdc`, `http_proxy_host` | host names (`kdc` comma-separated) |
| `domain_name`, `default_realm`, `search` | domain names (`search` comma-separated) |
| NIS `name_server` | `host` or `host(ip)` |
| `http_proxy_port` | a port number 1–65535 |
| `primary`, `dhcp` | bare flags, no `=value` |

Dependent keywords other than the flags need `=value`.

## Why is this bad?
A value sysidtool cannot interpret makes it ask the question interactively (or reject the
file), which stops a hands-off installation.

## Example
```
name_service=DNSS {domain_name=lab.example.net name_server=10.1.1.2}
network_interface=PRIMARY {dhcp protocol_ipv6=false}
```
Use instead:
```
name_service=DNS {domain_name=lab.example.net name_server=10.1.1.2}
network_interface=PRIMARY {dhcp protocol_ipv6=no}
```
"#,
};

fn push(out: &mut Vec<Diagnostic>, key: &str, span: Span, expected: &str, found: &str) {
    let msg = if may_be_secret_key(key) {
        format!("expected {expected} for `{key}` (value not shown)")
    } else {
        format!("expected {expected} for `{key}`, found `{found}`")
    };
    out.push(Diagnostic::new(&RULE, span, msg).label("invalid value"));
}

fn is_interface_name(v: &str) -> bool {
    // driver name + instance number (e1000g0, bge1, ce0, nxge0) or a vanity name (net0).
    let digits = v.bytes().rev().take_while(u8::is_ascii_digit).count();
    let driver = &v[..v.len() - digits];
    digits > 0
        && !driver.is_empty()
        && driver.as_bytes()[0].is_ascii_alphabetic()
        && driver
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

pub(crate) fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    for e in ctx.file.entries() {
        let Some(kw) = e.keyword() else { continue };
        let v = e.value.text.as_str();
        let span = e.value.text_span();
        let key = kw.as_str();
        if !v.is_empty() {
            match kw {
                Keyword::NameService if NameServiceKind::parse(v).is_none() => {
                    push(out, key, span, "`NIS`, `NIS+`, `DNS`, `LDAP` or `NONE`", v)
                }
                Keyword::SecurityPolicy if SecurityPolicyKind::parse(v).is_none() => {
                    push(out, key, span, "`kerberos` or `NONE`", v)
                }
                Keyword::ServiceProfile if ServiceProfile::parse(v).is_none() => {
                    push(out, key, span, "`limited_net` or `open`", v)
                }
                Keyword::AutoReg if AutoRegKind::parse(v).is_none() => {
                    push(out, key, span, "`anon`, `noproxy`, `all` or `disable`", v)
                }
                Keyword::Nfs4Domain if Nfs4Domain::parse(v).is_none() => {
                    push(out, key, span, "`dynamic` or a domain name", v)
                }
                // Numbers and dots that are no address are S207's.
                Keyword::Timeserver
                    if !v.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                        && Timeserver::parse(v).is_none() =>
                {
                    push(
                        out,
                        key,
                        span,
                        "`localhost`, a host name or an IPv4 address",
                        v,
                    )
                }
                Keyword::NetworkInterface
                    if !v.eq_ignore_ascii_case("none")
                        && !v.eq_ignore_ascii_case("primary")
                        && !is_interface_name(v) =>
                {
                    push(
                        out,
                        key,
                        span,
                        "`NONE`, `PRIMARY` or an interface name such as `e1000g0`",
                        v,
                    )
                }
                _ => {}
            }
        }
        for s in e.sub_entries() {
            let Some(sub) = s.keyword() else { continue };
            match (&s.value, sub.is_flag()) {
                (Some(a), true) => out.push(
                    Diagnostic::new(
                        &RULE,
                        s.span(),
                        format!("`{}` is a flag and takes no value", s.key.text),
                    )
                    .label("remove `=value`")
                    .help(format!("write just `{}`", s.key.text))
                    .secondary(a.value.span.clone(), "this value"),
                ),
                (None, false) => out.push(
                    Diagnostic::new(
                        &RULE,
                        s.key.span.clone(),
                        format!(
                            "expected `{}=value`, found `{}` without a value",
                            sub.as_str(),
                            s.key.text
                        ),
                    )
                    .label("missing `=value`"),
                ),
                _ => {}
            }
        }
        let ns_kind = (kw == Keyword::NameService)
            .then(|| NameServiceKind::parse(v))
            .flatten();
        for (sub, span, sv) in sub_values(e) {
            if sv.is_empty() {
                continue;
            }
            let name = sub.as_str();
            let list = |ok: fn(&str) -> bool| sv.split(',').all(ok);
            let problem = match sub {
                SubKeyword::ProtocolIpv6
                    if !sv.eq_ignore_ascii_case("yes") && !sv.eq_ignore_ascii_case("no") =>
                {
                    Some("`yes` or `no`")
                }
                SubKeyword::Hostname | SubKeyword::AdminServer if parse_hostname(sv).is_err() => {
                    Some("a host name")
                }
                SubKeyword::HttpProxyHost
                    if parse_hostname(sv).is_err() && parse_ipv4(sv).is_err() =>
                {
                    Some("a host name or IPv4 address")
                }
                SubKeyword::Kdc if !list(|h| parse_hostname(h).is_ok()) => {
                    Some("comma-separated host names")
                }
                SubKeyword::DomainName | SubKeyword::DefaultRealm if parse_domain(sv).is_err() => {
                    Some("a domain name")
                }
                SubKeyword::Search if !list(|d| parse_domain(d).is_ok()) => {
                    Some("comma-separated domain names")
                }
                SubKeyword::NameServer
                    if matches!(
                        ns_kind,
                        Some(NameServiceKind::Nis | NameServiceKind::NisPlus)
                    ) && !sv.contains('(')
                        && parse_host_with_ip(sv).is_err() =>
                {
                    Some("`hostname` or `hostname(ip-address)`")
                }
                SubKeyword::HttpProxyPort if sv.parse::<u16>().map_or(true, |p| p == 0) => {
                    Some("a port number 1-65535")
                }
                _ => None,
            };
            if let Some(expected) = problem {
                push(out, name, span, expected, sv);
            }
        }
    }
}
