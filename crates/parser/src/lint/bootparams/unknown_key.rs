//! B201 `unknown-key`: a key no bootparams client asks for.

use crate::bootparams::{Bootparams, Key};
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::sysidcfg::keywords::did_you_mean;

pub static RULE: Rule = Rule {
    code: "B201",
    name: "unknown-key",
    severity: Severity::Warning,
    summary: "a key that no Solaris client asks bootparamd for (typo?)",
    doc: r#"## What it does
Checks keys against those Solaris clients request: `root`, `install`, `boottype`,
`sysid_config`, `install_config`, `rootopts`, `term`, `domain`, `ns` (JumpStart) and
`swap`, `dump`, `swapopts`, `dumpopts` (diskless). Keys are case-sensitive. A close match
is suggested.

## Why is this bad?
bootparamd serves any key, so a misspelt key is silently useless: the client never gets the
value it asks for (e.g. the JumpStart directory), and the install becomes interactive.

## Example
```
web01 root=js01:/export/install/Solaris_10/Tools/Boot install=js01:/export/install boottype=:in sysidcfg=js01:/export/config/web01
```
Use instead:
```
web01 root=js01:/export/install/Solaris_10/Tools/Boot install=js01:/export/install boottype=:in sysid_config=js01:/export/config/web01
```
"#,
};

pub(crate) fn check(file: &Bootparams, out: &mut Vec<Diagnostic>) {
    for e in file.entries() {
        for p in &e.pairs {
            if !p.has_eq() || p.key().is_empty() || p.known_key().is_some() {
                continue;
            }
            let mut d = Diagnostic::new(
                &RULE,
                p.key_span(),
                format!("unknown bootparams key `{}`", p.key()),
            )
            .label("no client asks for this key");
            if let Some(s) = did_you_mean(p.key(), Key::ALL.iter().map(|k| k.as_str())) {
                d = d.help(crate::suggest::help(s));
            }
            out.push(d);
        }
    }
}
