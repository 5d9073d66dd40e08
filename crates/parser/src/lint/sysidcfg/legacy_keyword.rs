//! S217 `legacy-keyword`: x86 kdmconfig keywords of Solaris 2.x–9.

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "S217",
    name: "legacy-keyword",
    severity: Severity::Warning,
    summary: "`monitor`, `display` or `pointer`: x86 keywords Solaris 10 no longer uses",
    doc: r#"## What it does
Flags the x86 display keywords `monitor`, `display` (with its `{size=… depth=…
resolution=…}` block) and `pointer`, which pre-configured kdmconfig on Solaris 2.x–9.

## Why is this bad?
Solaris 10 configures the X server differently and ignores them; they suggest the file was
written for an older release, so its other values deserve a second look.

## Example
```
display=ati {size=17 depth=8 resolution=1024x768}
```
Use instead: delete the line.
"#,
};

pub(crate) fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    for e in ctx.file.entries() {
        if e.keyword().is_some_and(|k| k.is_legacy()) {
            out.push(
                Diagnostic::new(
                    &RULE,
                    e.key.span.clone(),
                    format!(
                        "`{}` is an x86 keyword of Solaris 2.x-9, ignored by Solaris 10",
                        e.key.text
                    ),
                )
                .label("legacy keyword")
                .help("delete it"),
            );
        }
    }
}
