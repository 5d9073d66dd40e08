//! Y103 `address-conflict`: two clients with one host name, MAC or IP address, or a client with the server's.
//!
//! The check itself is in `zflash-generator` (site-file validation); this file holds the rule
//! that `zflash explain Y103` prints and the fixture test names.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "Y103",
    name: "address-conflict",
    severity: Severity::Error,
    summary: "two clients with one host name, MAC or IP address, or a client with the server's",
    doc: r#"## What it does
Flags a host name, Ethernet address or IP address given to two clients, or a client given
the install server's own name or address.

## Why is this bad?
RARP, bootparams and the rules answer the first entry: the second machine would boot as
the first one, or never.

## Example
```yaml
clients:
  - {hostname: ws1, ip: 10.1.1.11}
  - {hostname: ws2, ip: 10.1.1.11}
```
Use instead:
```yaml
clients:
  - {hostname: ws1, ip: 10.1.1.11}
  - {hostname: ws2, ip: 10.1.1.12}
```
"#,
};
