//! S202 `unknown-dependent-keyword`: a word inside `{ … }` that is no dependent keyword.

use super::{Ctx, allowed_subs, unquoted_blanks};
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::sysidcfg::keywords::did_you_mean;
use crate::sysidcfg::{SubEntry, SubKeyword};

pub static RULE: Rule = Rule {
    code: "S202",
    name: "unknown-dependent-keyword",
    severity: Severity::Error,
    summary: "a word inside a `{ … }` block that is not a sysidcfg dependent keyword",
    doc: r#"## What it does
Checks every keyword inside a dependent-keyword block against the dependent keywords of
sysidcfg(4) (`domain_name`, `name_server`, `search`, `profile`, `profile_server`,
`proxy_dn`, `proxy_password`; `primary`, `dhcp`, `hostname`, `ip_address`, `netmask`,
`protocol_ipv6`, `default_route`; `default_realm`, `admin_server`, `kdc`; `oracle_user`,
`oracle_pw`, `http_proxy_host`, `http_proxy_port`, `http_proxy_user`, `http_proxy_pw`) and
suggests the closest one of the parent's keywords.

## Why is this bad?
sysidtool rejects the file and asks the identification questions interactively.

## Example
```
network_interface=e1000g0 {hostname=web01 ip_address=10.1.1.50 netmask=255.255.255.0
                           ipv6_protocol=no}
```
Use instead:
```
network_interface=e1000g0 {hostname=web01 ip_address=10.1.1.50 netmask=255.255.255.0
                           protocol_ipv6=no}
```
"#,
};

pub(crate) fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    for e in ctx.file.entries() {
        let Some(kw) = e.keyword() else { continue };
        let allowed = allowed_subs(e);
        let mut previous: Option<&SubEntry> = None;
        for s in e.sub_entries() {
            let prev = previous.replace(s);
            let name = s.key.text.as_str();
            if SubKeyword::from_name(name).is_some() {
                continue;
            }
            // A bare word that cannot be a keyword, right after a value on the same line,
            // is the rest of a value with unquoted blanks (`proxy_dn=cn=proxy agent,…`).
            if let Some(p) = prev
                && let Some(a) = &p.value
                && !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !ctx.src.text[a.value.span.end..s.key.span.start].contains('\n')
            {
                out.push(unquoted_blanks::diagnostic(
                    &p.key.text,
                    name,
                    s.key.span.clone(),
                ));
                continue;
            }
            let mut d = Diagnostic::new(
                &RULE,
                s.key.span.clone(),
                format!(
                    "unknown dependent keyword `{name}` in the `{}` block",
                    kw.as_str()
                ),
            )
            .label("not a dependent keyword");
            let candidates: Vec<&str> = match &allowed {
                Some(a) => a.iter().map(|k| k.as_str()).collect(),
                None => SubKeyword::ALL
                    .iter()
                    .filter(|k| k.parent() == kw)
                    .map(|k| k.as_str())
                    .collect(),
            };
            if let Some(sug) = did_you_mean(name, candidates.iter().copied()) {
                d = d.help(crate::suggest::help(sug));
            } else if !candidates.is_empty() {
                d = d.help(format!("expected one of: {}", candidates.join(", ")));
            }
            out.push(d);
        }
    }
}
