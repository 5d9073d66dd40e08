//! Y202 `server-roles`: servers whose roles do not fit together.
//!
//! The check itself is in `zflash-generator` (site-file validation); this file holds the rule
//! that `zflash explain Y202` prints and the fixture test names.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "Y202",
    name: "server-roles",
    severity: Severity::Error,
    summary: "`servers:` without exactly one config server, an install or boot server without images, a setting for a role the server lacks",
    doc: r#"## What it does
Checks the roles of the servers a site lists: exactly one `config` server, and it has a
`config_dir`; at least one `install` and one `boot` server; every install and boot server
has `images`; `networks` only on boot servers, `images` only on install or boot servers,
`config_dir` only on the config server; a server with no roles; an archive replica on a
server that is neither a boot nor an install server.

## Why is this bad?
Every client's `add_install_client -c`/`-p` names the one directory its rules and sysidcfg
are in; a boot server without a boot image cannot boot anything; a setting a server's role
does not use is a mistake that would otherwise pass silently.

## Example
```yaml
servers:
  js01: {ip: 10.1.1.5, roles: [install, boot, config], networks: [10.1.1.0/24],
         images: {sparc: /export/install/s10}, release: 10/08, config_dir: /export/js}
  js02: {ip: 10.1.1.6, roles: [config], config_dir: /export/js}
```
Use instead:
```yaml
servers:
  js01: {ip: 10.1.1.5, roles: [install, boot, config], networks: [10.1.1.0/24],
         images: {sparc: /export/install/s10}, release: 10/08, config_dir: /export/js}
```
"#,
};
