//! B102 `malformed-value`: a value not in its key's form (`server:/path`, `:value`…).

use crate::bootparams::{Bootparams, KeyForm};
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::value::{parse_domain, parse_hostname, parse_ipv4};

pub static RULE: Rule = Rule {
    code: "B102",
    name: "malformed-value",
    severity: Severity::Error,
    summary: "a value not in its key's form: `server:/path`, `[server]:value`, a domain, `[server]:service[(mask)]`",
    doc: r#"## What it does
Checks each known key's value against bootparams(4):

| keys | form |
|---|---|
| `root`, `install`, `sysid_config`, `install_config`, `swap`, `dump` | `server:/absolute/path` |
| `boottype`, `rootopts`, `term`, `swapopts`, `dumpopts` | `:value` or `server:value` |
| `domain` | a domain name |
| `ns` | `[server]:service[(netmask)]` |

The server must be a host name or an IPv4 address, and the client (first word) a host name
or `*`.

## Why is this bad?
The client receives the value verbatim over RPC and NFS-mounts `server:path`; a path
without a server (`root=/export/…`) or a relative path makes the network boot fail after
"whoami", far from the cause.

## Example
```
web01 root=/export/install/Solaris_10/Tools/Boot install=js01:export/install boottype=in
```
Use instead:
```
web01 root=js01:/export/install/Solaris_10/Tools/Boot install=js01:/export/install boottype=:in
```
"#,
};

pub(crate) fn check(file: &Bootparams, out: &mut Vec<Diagnostic>) {
    for e in file.entries() {
        let client = e.client.text.as_str();
        // A client given as `key=value` is B101's.
        if client != "*" && !client.contains('=') && parse_hostname(client).is_err() {
            out.push(
                Diagnostic::new(
                    &RULE,
                    e.client.span.clone(),
                    format!("expected a client host name or `*`, found `{client}`"),
                )
                .label("not a host name")
                .help("bootparamd looks clients up by host name (letters, digits, `-`, dots)"),
            );
        }
        for p in &e.pairs {
            let Some(key) = p.known_key() else { continue };
            if !p.has_eq() {
                continue;
            }
            let v = p.value();
            let result = match key.form() {
                KeyForm::Plain => parse_domain(v).map(|_| ""),
                _ => match p.typed() {
                    Some(Ok(crate::bootparams::BootValue::ServerPath { server, .. }))
                    | Some(Ok(crate::bootparams::BootValue::ColonValue { server, .. }))
                    | Some(Ok(crate::bootparams::BootValue::NameService { server, .. })) => {
                        Ok(server)
                    }
                    Some(Err(expected)) => Err(expected),
                    _ => Ok(""),
                },
            };
            match result {
                Err(expected) => out.push(
                    Diagnostic::new(
                        &RULE,
                        p.value_span().start..p.value_span().end.max(p.key_span().end),
                        format!("expected {expected} for `{}`, found `{v}`", p.key()),
                    )
                    .label("malformed value")
                    .help(match key.form() {
                        KeyForm::ServerPath => {
                            format!("e.g. `{}=js01:/export/install`", p.key())
                        }
                        KeyForm::ColonValue => {
                            format!("e.g. `{}=:in` (note the leading `:`)", p.key())
                        }
                        _ => "see `zflash explain B102`".to_string(),
                    }),
                ),
                Ok(server)
                    if !server.is_empty()
                        && parse_hostname(server).is_err()
                        && parse_ipv4(server).is_err() =>
                {
                    out.push(
                        Diagnostic::new(
                            &RULE,
                            p.value_span().start..p.value_span().start + server.len(),
                            format!(
                                "expected a server host name or IPv4 address, found `{server}`"
                            ),
                        )
                        .label("not a host name"),
                    )
                }
                Ok(_) => {}
            }
        }
    }
}
