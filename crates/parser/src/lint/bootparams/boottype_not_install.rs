//! B206 `boottype-not-install`: an install client whose `boottype` is not `:in`.

use crate::bootparams::{Bootparams, Key};
use crate::diagnostic::{Diagnostic, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "B206",
    name: "boottype-not-install",
    severity: Severity::Warning,
    summary: "an entry with `install=` whose `boottype` is not `:in`",
    doc: r#"## What it does
Flags a `boottype` other than `:in` on an entry that has an `install=` image.

## Why is this bad?
`:in` tells the miniroot to start the installation; other values (`:di`, `:dl` for
diskless clients) boot without installing, so the install image is never used.

## Example
```
web01 root=js01:/export/install/Solaris_10/Tools/Boot install=js01:/export/install boottype=:di
```
Use instead:
```
web01 root=js01:/export/install/Solaris_10/Tools/Boot install=js01:/export/install boottype=:in
```
"#,
};

pub(crate) fn check(file: &Bootparams, out: &mut Vec<Diagnostic>) {
    for e in file.entries() {
        if e.get(Key::Install).is_none() {
            continue;
        }
        if let Some(p) = e.get(Key::Boottype)
            && p.value() != ":in"
        {
            out.push(
                Diagnostic::new(
                    &RULE,
                    p.value_span(),
                    format!(
                        "expected `boottype=:in` for install client `{}`, found `{}`",
                        e.client.text,
                        p.value()
                    ),
                )
                .label("not an install boot")
                .secondary(
                    e.get(Key::Install).map_or(0..0, |i| i.key_span()),
                    "install image given here",
                ),
            );
        }
    }
}
