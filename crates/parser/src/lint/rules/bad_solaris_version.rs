//! R212 bad-solaris-version.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::values::{MatchValue, is_solaris_version};

pub static RULE: Rule = Rule {
    code: "R212",
    name: "bad-solaris-version",
    severity: Severity::Warning,
    summary: "an `osname` or `installed` version is not `Solaris_<n>`",
    doc: "\
## What it does
Reports an `osname` value that is not `Solaris_<n>` (e.g. `Solaris_10`), and an
`installed` version that is not `Solaris_<n>`, `any` or `upgrade`.

## Why is this bad?
The value is compared with the release name the installer reports (`Solaris_10`,
`Solaris_2.6`); `10`, `5.10`, `s10` or a lower-case `solaris_10` never match.

## Example
```
osname 5.10 - s10.prof -
installed c0t0d0s0 9 - upgrade.prof -
```
Use instead:
```
osname Solaris_10 - s10.prof -
installed c0t0d0s0 Solaris_9 - upgrade.prof -
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    for (rule, values) in cx.rules() {
        for (piece, value) in rule.matches.iter().zip(values) {
            let (value, tok, extra) = match value {
                Ok(MatchValue::Installed { version, .. }) => (version, &piece.values[1], true),
                Ok(MatchValue::Text(v)) if piece.keyword_name() == Some("osname") => {
                    (v, &piece.values[0], false)
                }
                _ => continue,
            };
            if extra && (value == "any" || value == "upgrade") {
                continue;
            }
            if is_solaris_version(value) {
                if !value.starts_with("Solaris_") {
                    // Compared as text with the release the installer reports.
                    let fixed = format!("Solaris_{}", &value[8..]);
                    out.push(
                        Diagnostic::new(
                            &RULE,
                            tok.span.clone(),
                            format!("expected `{fixed}`, found `{value}`"),
                        )
                        .label("release names are capitalised")
                        .help(format!("write `{fixed}`")),
                    );
                }
                continue;
            }
            let expected = if extra {
                "`Solaris_<n>`, `any` or `upgrade`"
            } else {
                "`Solaris_<n>`"
            };
            out.push(
                Diagnostic::new(
                    &RULE,
                    tok.span.clone(),
                    format!("expected {expected}, found `{value}`"),
                )
                .label("not a Solaris release name")
                .help("release names look like `Solaris_10` or `Solaris_2.6`"),
            );
        }
    }
}
