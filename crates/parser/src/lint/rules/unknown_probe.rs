//! R203 unknown-probe.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::{BUILTIN_PROBES, did_you_mean, is_shell_name};

pub static RULE: Rule = Rule {
    code: "R203",
    name: "unknown-probe",
    severity: Severity::Error,
    summary: "a `probe` line names a probe that is not built in (it needs `probe_<name>` in `custom_probes`)",
    doc: "\
## What it does
Reports `probe NAME` where NAME is not a built-in probe (`arch`, `disks`, `domainname`,
`hostaddress`, `hostname`, `installed`, `karch`, `memsize`, `model`, `network`,
`osname`, `rootdisk`, `totaldisk`).

When the whole JumpStart directory is checked, the finding is dropped if
`custom_probes` defines `probe_<name>()`.

## Why is this bad?
`check` stops with `Probe function \"probe_<name>\" undefined`.

## Example
```
probe disk
```
Use instead:
```
probe disks
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    let file = cx.file;
    for p in file.probes() {
        let Some(tok) = p.name() else { continue };
        let name = tok.value();
        if BUILTIN_PROBES.contains(&name.as_str()) {
            continue;
        }
        let mut d = Diagnostic::new(
            &RULE,
            tok.span.clone(),
            format!("unknown probe `{name}`: expected a built-in probe or a custom probe"),
        )
        .label("not a built-in probe");
        d = match did_you_mean(&name, BUILTIN_PROBES) {
            Some(m) => d.help(crate::suggest::help(m)),
            None if is_shell_name(&name) => {
                d.help(format!("define `probe_{name}()` in `custom_probes`"))
            }
            None => d.help("a probe name is a shell function name suffix: letters, digits and `_`"),
        };
        out.push(d);
    }
}
