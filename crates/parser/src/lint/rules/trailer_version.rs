//! R302 trailer-version.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::{Flavor, ok};

pub static RULE: Rule = Rule {
    code: "R302",
    name: "trailer-version",
    severity: Severity::Error,
    summary: "the `rules.ok` trailer gives a version other than 2",
    doc: "\
## What it does
Reports a `rules.ok` trailer `# version=N checksum=M` with N other than 2.

## Why is this bad?
Every known `check` writes `version=2`. The install-time reader aborts with
`File version is greater than expected` for a higher number; a lower one was not
written by any Solaris 10 `check`.

## Example
```
# version=3 checksum=1827
```
Use instead:
```
# version=2 checksum=1827
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    let file = cx.file;
    if file.flavor != Flavor::RulesOk {
        return;
    }
    let Some(t) = file.trailer() else { return };
    let Some(version) = t.version else { return };
    if version != ok::VERSION {
        let at = t.span.start + "# version=".len();
        let len = version.to_string().len();
        let mut d = Diagnostic::new(
            &RULE,
            at..at + len,
            format!("expected `version=2`, found `version={version}`"),
        )
        .label("unsupported version");
        if version > ok::VERSION {
            d = d.note("the installer aborts with `File version is greater than expected`");
        }
        out.push(d.help("regenerate `rules.ok` with `zflash check`"));
    }
}
