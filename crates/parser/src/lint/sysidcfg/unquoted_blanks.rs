//! S104 `unquoted-blanks`: a value with blanks that is not quoted.

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::source::Span;
use crate::sysidcfg::may_be_secret_key;

pub static RULE: Rule = Rule {
    code: "S104",
    name: "unquoted-blanks",
    severity: Severity::Error,
    summary: "a value containing blanks that is not enclosed in quotes",
    doc: r#"## What it does
Finds words that follow a `keyword=value` entry on the same line and are not themselves
`keyword=value`: the value was meant to contain blanks but is not quoted.

## Why is this bad?
Blanks separate entries; the extra words are a syntax error, so sysidtool ignores the whole
file (and the value would be cut at the first blank anyway). Values of `root_password` and
other secrets are never printed in this message.

## Example
```
root_password=<encrypted hash for /etc/shadow>
```
Use instead (a quoted value may hold blanks; a crypt hash never does):
```
root_password=Xy3kP0qLm9ZbA
```
"#,
};

/// The finding for `rest`, the words at `span` after the value of `key` on the same line
/// (raised by the parser at the top level and by S202's check inside blocks). The words are
/// not echoed when they may be part of a secret.
pub(crate) fn diagnostic(key: &str, rest: &str, span: Span) -> Diagnostic {
    let message = if may_be_secret_key(key) {
        format!("the value of `{key}` contains blanks")
    } else {
        format!("the value of `{key}` contains blanks: `{rest}`")
    };
    Diagnostic::new(&RULE, span, message)
        .label("this is not `keyword=value`")
        .help(format!(
            "enclose a value with blanks in quotes: `{key}=\"…\"`"
        ))
}
