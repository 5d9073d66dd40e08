//! Y201 `client-not-served`: a client no boot server or no install image serves.
//!
//! The check itself is in `zflash-generator` (site-file validation); this file holds the rule
//! that `zflash explain Y201` prints and the fixture test names.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "Y201",
    name: "client-not-served",
    severity: Severity::Error,
    summary: "a client of a multi-server site that no boot server, or no image of its architecture, serves",
    doc: r#"## What it does
In a site that lists `servers:`, flags a client whose address is on no network a boot
server lists (and that names no `boot_server`), whose boot server has no image of its
architecture, for whose architecture no install server has an image (or several have
one and none is its boot server), or whose `boot_server`/`install_server` names a server
without that role.

## Why is this bad?
A SPARC client boots with RARP and bootparams, which do not cross routers: without a boot
server on its network it never boots. A SPARC image cannot boot or install an x86 client
(each architecture has its own image, `Solaris_10/Tools/Boot` included).

## Example
```yaml
servers:
  js01: {ip: 10.1.1.5, roles: [install, boot, config], networks: [10.1.1.0/24],
         images: {sparc: /export/install/s10-sparc}, release: 10/08, config_dir: /export/js}
clients:
  - {hostname: ws1, mac: "8:0:20:0:0:1", ip: 10.1.2.11}
```
Use instead:
```yaml
servers:
  js01: {ip: 10.1.1.5, roles: [install, boot, config], networks: [10.1.1.0/24],
         images: {sparc: /export/install/s10-sparc}, release: 10/08, config_dir: /export/js}
  bs02: {ip: 10.1.2.5, roles: [boot], networks: [10.1.2.0/24],
         images: {sparc: /export/boot/s10-sparc}}
clients:
  - {hostname: ws1, mac: "8:0:20:0:0:1", ip: 10.1.2.11}
```
"#,
};
