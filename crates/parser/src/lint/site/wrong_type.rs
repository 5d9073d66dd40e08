//! Y004 `wrong-type`: a value of the wrong YAML type, or a word that is not one of the values a key allows.
//!
//! The check itself is in `zflash-generator` (site-file validation, walked along the site
//! file's JSON Schema); this file holds the rule that `zflash explain Y004` prints and the
//! fixture test names.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "Y004",
    name: "wrong-type",
    severity: Severity::Error,
    summary: "a value of the wrong YAML type, or a word that is not one of the values a key allows",
    doc: r#"## What it does
Flags a value whose YAML type is not the one its key takes: a list where a string belongs, a
mapping where a list belongs, `"1"` (a quoted string) for `version`, `yes` for a boolean
(`true` or `false` only), and a word outside a key's fixed choices (`compression: gz`, with the
nearest choice). Every such value is reported in one run, each at its line and column; the
rest of the file is still checked.

Inside `name_service` and `security_policy` (mappings chosen by their `type`), YAML's own
types count: `domain_name: 123` is a number there, so quote it.

## Why is this bad?
The file cannot be read into the site model: nothing can be generated from it.

## Example
```yaml
archives:
  gold: {location: /flash/gold.zfs.gz, compression: gz}
defaults:
  sysidcfg:
    network_interface: {netmask: 255.255.255.0, protocol_ipv6: no}
```
Use instead:
```yaml
archives:
  gold: {location: /flash/gold.zfs.gz, compression: gzip}
defaults:
  sysidcfg:
    network_interface: {netmask: 255.255.255.0, protocol_ipv6: false}
```
"#,
};
