//! S215 `dns-limits`: DNS `name_server` / `search` lists over the documented limits.

use super::{Ctx, sub_values};
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::sysidcfg::{Keyword, NameServiceKind, SubKeyword};

pub static RULE: Rule = Rule {
    code: "S215",
    name: "dns-limits",
    severity: Severity::Error,
    summary: "DNS with more than 3 name servers, more than 6 search domains or a search list over 250 characters",
    doc: r#"## What it does
For `name_service=DNS`, sysidcfg(4) allows at most 3 addresses in `name_server`, at most 6
domains in `search`, and at most 250 characters for the whole `search` list.

## Why is this bad?
sysidtool rejects the value and asks for the DNS configuration interactively (the resolver
would ignore the extra entries anyway).

## Example
```
name_service=DNS {domain_name=lab.example.net
                  name_server=10.1.1.2,10.1.1.3,10.1.1.4,10.1.1.5}
```
Use instead:
```
name_service=DNS {domain_name=lab.example.net
                  name_server=10.1.1.2,10.1.1.3,10.1.1.4}
```
"#,
};

pub(crate) fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    for e in ctx.entries_of(Keyword::NameService) {
        if NameServiceKind::parse(&e.value.text) != Some(NameServiceKind::Dns) {
            continue;
        }
        for (kw, span, v) in sub_values(e) {
            let n = v.split(',').count();
            let msg = match kw {
                SubKeyword::NameServer if n > 3 => {
                    format!("expected at most 3 DNS name servers, found {n}")
                }
                SubKeyword::Search if n > 6 => {
                    format!("expected at most 6 search domains, found {n}")
                }
                SubKeyword::Search if v.len() > 250 => format!(
                    "expected a search list of at most 250 characters, found {}",
                    v.len()
                ),
                _ => continue,
            };
            out.push(Diagnostic::new(&RULE, span, msg).label("over the sysidcfg limit"));
        }
    }
}
