//! S221 `invalid-locale`: a `system_locale` that is not shaped like a locale name.

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::sysidcfg::Keyword;
use crate::sysidcfg::values::is_locale_shape;

pub static RULE: Rule = Rule {
    code: "S221",
    name: "invalid-locale",
    severity: Severity::Warning,
    summary: "a `system_locale` that is not `C`, `POSIX` or `ll_TT[.codeset][@modifier]`",
    doc: r#"## What it does
Checks the *shape* of `system_locale`: `C`, `POSIX`, or a language code (2–3 lower-case
letters), optionally `_` and a territory (2 upper-case letters), `.codeset` and
`@modifier` — `en_US.UTF-8`, `de_DE.ISO8859-15@euro`, `ja`. Whether the locale is
installed (present in `/usr/lib/locale` of the installed cluster) cannot be known here.

## Why is this bad?
An unknown locale makes sysidtool ask for it at the console.

## Example
```
system_locale=english
```
Use instead:
```
system_locale=en_US.UTF-8
```
"#,
};

pub(crate) fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let Some(e) = ctx.file.get(Keyword::SystemLocale) else {
        return;
    };
    let v = e.value.text.as_str();
    if v.is_empty() || is_locale_shape(v) {
        return;
    }
    out.push(
        Diagnostic::new(
            &RULE,
            e.value.text_span(),
            format!("expected a locale name such as `C` or `en_US.UTF-8`, found `{v}`"),
        )
        .label("not a locale name"),
    );
}
