//! J009 undefined-custom-keyword.

use std::collections::BTreeSet;

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::source::Span;

pub static RULE: Rule = Rule {
    code: "J009",
    name: "undefined-custom-keyword",
    severity: Severity::Error,
    summary: "a rule uses a match keyword that is neither built in nor defined in custom_probes",
    doc: "\
## What it does
Reports a match keyword of a rule that is not one of the built-in keywords (`any`, `arch`,
`disksize`, `domainname`, `hostaddress`, `hostname`, `installed`, `karch`, `memsize`,
`model`, `network`, `osname`, `totaldisk`) and for which `custom_probes` in the JumpStart
directory defines no `cmp_<keyword>()` function (or there is no `custom_probes` at all).

## Why is this bad?
Solaris `check` stops with `Match key: <keyword> undefined`. It usually is a typo of a
built-in keyword (`hostnmae`) or a custom probe whose `custom_probes` was not copied.

## Example
```
diskcount 2  -  two_disks.prof  -
```
Use instead: define the comparison in `custom_probes`:
```
cmp_diskcount() {
    [ \"$SI_NUMDISKS\" -eq \"$1\" ]
}
```
",
};

pub fn check(keyword: &str, span: Span, defined: Option<&BTreeSet<String>>) -> Option<Diagnostic> {
    let func = format!("cmp_{keyword}");
    if defined.is_some_and(|d| d.contains(&func)) {
        return None;
    }
    let where_ = if defined.is_some() {
        "custom_probes defines no"
    } else {
        "there is no custom_probes file to define"
    };
    Some(
        Diagnostic::new(
            &RULE,
            span,
            format!(
                "match key `{keyword}` is undefined: it is not built in and {where_} `{func}()`"
            ),
        )
        .label("unknown match keyword")
        .help(format!(
            "use a built-in keyword, or define `{func}()` in custom_probes"
        )),
    )
}
