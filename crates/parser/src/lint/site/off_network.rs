//! Y104 `off-network`: a client address that is its network's or broadcast address, or off its router's network.
//!
//! The check itself is in `zflash-generator` (site-file validation); this file holds the rule
//! that `zflash explain Y104` prints and the fixture test names.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "Y104",
    name: "off-network",
    severity: Severity::Error,
    summary: "a client address that is its network's or broadcast address, or off its router's network",
    doc: r#"## What it does
Checks each client's IP address against its netmask and default route.

## Why is this bad?
The installed system would come up unable to reach its router (a typo in the ip, the
netmask or the default_route).

## Example
```yaml
network_interface: {netmask: 255.255.255.0, default_route: 10.1.1.1}
clients:
  - {hostname: ws1, ip: 10.1.2.11}
```
Use instead:
```yaml
network_interface: {netmask: 255.255.255.0, default_route: 10.1.1.1}
clients:
  - {hostname: ws1, ip: 10.1.1.11}
```
"#,
};
