//! R201 unknown-match-keyword.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::{Keyword, did_you_mean};

pub static RULE: Rule = Rule {
    code: "R201",
    name: "unknown-match-keyword",
    severity: Severity::Error,
    summary: "a match keyword is not built in (it needs `cmp_<name>` in `custom_probes`)",
    doc: "\
## What it does
Reports a match keyword that is not one of the built-in keywords (`any`, `arch`,
`disksize`, `domainname`, `hostaddress`, `hostname`, `installed`, `karch`, `memsize`,
`model`, `network`, `osname`, `totaldisk`). Keywords are case-sensitive.

When the whole JumpStart directory is checked, the finding is dropped if `custom_probes`
defines the comparison function `cmp_<name>()`: the keyword is then a custom probe.

## Why is this bad?
`check` looks for a comparison function `cmp_<keyword>` and stops with
`Match key: <keyword> undefined` when there is none. Usually the keyword is misspelt.

## Example
```
hostnme web01 - web.prof -
```
Use instead:
```
hostname web01 - web.prof -
```
or define `probe_<name>()` and `cmp_<name>()` in `custom_probes`.
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    let file = cx.file;
    for rule in file.rules() {
        for piece in &rule.matches {
            let Some(tok) = &piece.keyword else { continue };
            if !matches!(Keyword::from_name(&tok.value_str()), Keyword::Custom(_)) {
                continue;
            }
            let name = tok.value();
            let mut d = Diagnostic::new(
                &RULE,
                tok.span.clone(),
                format!(
                    "unknown match keyword `{name}`: expected a built-in keyword or a custom probe"
                ),
            )
            .label("not a built-in match keyword");
            d = match did_you_mean(&name, Keyword::BUILTIN) {
                Some(m) => d.help(crate::suggest::help(m)),
                None => d.help(format!(
                    "define `cmp_{name}()` (and `probe_{name}()`) in `custom_probes` to make it a custom probe"
                )),
            };
            out.push(d);
        }
    }
}
