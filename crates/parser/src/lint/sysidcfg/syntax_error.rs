//! S101 `syntax-error`: a line that is not `keyword=value`. Raised by the parser.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "S101",
    name: "syntax-error",
    severity: Severity::Error,
    summary: "text that is not `keyword=value` (missing `=`, empty value, stray `=` or `{`)",
    doc: r#"## What it does
Flags text in a sysidcfg file that is not of the form `keyword=value`: a keyword without
`=`, a keyword with `=` but no value, an `=` without a keyword, a quoted string or a `{`
with no entry in front of it.

## Why is this bad?
sysidtool reads the file as a whole; when it meets a syntax error it ignores the **whole
file** and asks every identification question interactively, so a hands-off JumpStart stops
at the console.

## Example
```
system_locale C
name_service=
```
Use instead:
```
system_locale=C
name_service=NONE
```
"#,
};
