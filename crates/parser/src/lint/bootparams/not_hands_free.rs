//! B205 `not-hands-free`: an install client without `sysid_config` or `install_config`.

use super::incomplete_install_client::is_install_client;
use crate::bootparams::{Bootparams, Key};
use crate::diagnostic::{Diagnostic, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "B205",
    name: "not-hands-free",
    severity: Severity::Info,
    summary: "an install client without `sysid_config` or `install_config`: the install will be interactive",
    doc: r#"## What it does
Notes install clients that lack `sysid_config=server:/dir` (the directory holding
`sysidcfg`, `add_install_client -p`) or `install_config=server:/dir` (the JumpStart
directory with `rules.ok`, `add_install_client -c`).

## Why is this bad?
It is not an error — an interactive network install is legitimate — but without both keys
the installation asks questions at the console instead of running hands-free.

## Example
```
web01 root=js01:/export/install/Solaris_10/Tools/Boot install=js01:/export/install boottype=:in
```
Use instead:
```
web01 root=js01:/export/install/Solaris_10/Tools/Boot install=js01:/export/install boottype=:in sysid_config=js01:/export/config/web01 install_config=js01:/export/jumpstart
```
"#,
};

pub(crate) fn check(file: &Bootparams, out: &mut Vec<Diagnostic>) {
    for e in file.entries().filter(|e| is_install_client(e)) {
        let missing: Vec<String> = crate::lint::util::missing_names(
            &[Key::SysidConfig, Key::InstallConfig],
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
                format!(
                    "install client `{}` has no {}: the installation will not be hands-free",
                    e.client.text,
                    missing.join(" or ")
                ),
            )
            .label("interactive install")
            .help("add_install_client -p server:/sysid-dir -c server:/jumpstart-dir adds them"),
        );
    }
}
