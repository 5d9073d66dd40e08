//! B204 `incomplete-install-client`: an install client entry missing `root`, `install` or
//! `boottype`.

use crate::bootparams::{Bootparams, Entry, Key};
use crate::diagnostic::{Diagnostic, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "B204",
    name: "incomplete-install-client",
    severity: Severity::Error,
    summary: "an install client (has `install=`, `boottype=:in`, `sysid_config=` or `install_config=`) lacks `root`, `install` or `boottype`",
    doc: r#"## What it does
An entry that looks like a network-install client — it has `install=`, `boottype=:in`,
`sysid_config=` or `install_config=` — must give all of `root` (the miniroot,
`server:/…/Solaris_10/Tools/Boot`), `install` (the install image) and `boottype=:in`, as
`add_install_client` writes them. The `*` entry is not checked.

## Why is this bad?
Without `root` the client cannot mount its miniroot; without `install` or `boottype=:in`
it boots the miniroot but does not start the installation.

## Example
```
web01 install=js01:/export/install boottype=:in
```
Use instead:
```
web01 root=js01:/export/install/Solaris_10/Tools/Boot install=js01:/export/install boottype=:in
```
"#,
};

/// An entry for a client that is to be installed over the network.
pub(crate) fn is_install_client(e: &Entry) -> bool {
    !e.is_wildcard()
        && (e.get(Key::Install).is_some()
            || e.get(Key::SysidConfig).is_some()
            || e.get(Key::InstallConfig).is_some()
            || e.get(Key::Boottype).is_some_and(|p| p.value() == ":in"))
}

pub(crate) fn check(file: &Bootparams, out: &mut Vec<Diagnostic>) {
    for e in file.entries().filter(|e| is_install_client(e)) {
        let missing: Vec<String> = crate::lint::util::missing_names(
            &[Key::Root, Key::Install, Key::Boottype],
            |k| e.get(k).is_some(),
            Key::as_str,
        );
        if missing.is_empty() {
            continue;
        }
        out.push(
            Diagnostic::new(
                &RULE,
                e.client.span.clone(),
                format!("install client `{}` lacks {}", e.client.text, missing.join(", ")),
            )
            .label("incomplete install entry")
            .help("add_install_client writes root=server:/<image>/Solaris_10/Tools/Boot install=server:/<image> boottype=:in"),
        );
    }
}
