//! J010 undefined-custom-probe.

use std::collections::BTreeSet;

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::source::Span;

pub static RULE: Rule = Rule {
    code: "J010",
    name: "undefined-custom-probe",
    severity: Severity::Error,
    summary: "a `probe` line names a probe that is neither built in nor defined in custom_probes",
    doc: "\
## What it does
Reports `probe NAME` where NAME is not a built-in probe (`arch`, `disks`, `domainname`,
`hostaddress`, `hostname`, `installed`, `karch`, `memsize`, `model`, `network`, `osname`,
`rootdisk`, `totaldisk`) and `custom_probes` defines no `probe_NAME()` function.

## Why is this bad?
Solaris `check` stops with `Probe function \"probe_NAME\" undefined`; at install time the
`SI_` variable the begin/finish scripts expect is never set.

## Example
```
probe diskcount
```
Use instead: define it in `custom_probes`:
```
probe_diskcount() {
    SI_DISKCOUNT=`echo $SI_DISKLIST | tr ',' '\\n' | wc -l`
    export SI_DISKCOUNT
}
```
",
};

pub fn check(probe: &str, span: Span, defined: Option<&BTreeSet<String>>) -> Option<Diagnostic> {
    let func = format!("probe_{probe}");
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
            format!("probe `{probe}` is undefined: it is not built in and {where_} `{func}()`"),
        )
        .label("unknown probe")
        .help(format!(
            "use a built-in probe, or define `{func}()` in custom_probes"
        )),
    )
}
