//! S218 `auto-reg-none`: `auto_reg=none`, an undocumented value.

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::sysidcfg::{AutoRegKind, Keyword};

pub static RULE: Rule = Rule {
    code: "S218",
    name: "auto-reg-none",
    severity: Severity::Warning,
    summary: "`auto_reg=none` is not documented; `auto_reg=disable` turns auto registration off",
    doc: r#"## What it does
Flags `auto_reg=none`. The documented values are `anon`, `noproxy`, `all` and `disable`;
`none` is common in public templates (veewee, packer) and appears to be accepted, but it is
not in the documentation.

## Why is this bad?
If the release does not accept it, the installer stops at the auto-registration screen.

## Example
```
auto_reg=none
```
Use instead:
```
auto_reg=disable
```
"#,
};

pub(crate) fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let Some(e) = ctx.file.get(Keyword::AutoReg) else {
        return;
    };
    if AutoRegKind::parse(&e.value.text) == Some(AutoRegKind::None) {
        out.push(
            Diagnostic::new(
                &RULE,
                e.value.span.clone(),
                "`auto_reg=none` is not a documented value",
            )
            .label("undocumented")
            .help("use `auto_reg=disable` to turn auto registration off"),
        );
    }
}
