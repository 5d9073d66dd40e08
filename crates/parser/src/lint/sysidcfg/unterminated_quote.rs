//! S103 `unterminated-quote`: a quoted value without its closing quote.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "S103",
    name: "unterminated-quote",
    severity: Severity::Error,
    summary: "a quoted value whose closing quote is missing on its line",
    doc: r#"## What it does
Finds a `'` or `"` that opens a quoted value and is not closed before the end of the line.

## Why is this bad?
The quoted value would run on into the following lines; sysidtool rejects the file and falls
back to interactive identification.

## Example
```
name_service=LDAP {domain_name=corp.example.com proxy_dn="cn=proxyagent,ou=profile
                   profile=default profile_server=192.168.50.5}
```
Use instead:
```
name_service=LDAP {domain_name=corp.example.com proxy_dn="cn=proxyagent,ou=profile"
                   profile=default profile_server=192.168.50.5}
```
"#,
};
