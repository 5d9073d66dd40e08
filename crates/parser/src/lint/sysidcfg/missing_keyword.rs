//! S219 `missing-keyword`: a keyword a hands-off installation needs is absent.

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::sysidcfg::{Keyword, hands_off};

pub static RULE: Rule = Rule {
    code: "S219",
    name: "missing-keyword",
    severity: Severity::Warning,
    summary: "a keyword needed for a hands-off installation is missing (the installer will ask)",
    doc: r#"## What it does
Lists the keywords that Solaris 10 asks for when they are absent: `system_locale`,
`terminal`, `timezone`, `timeserver`, `network_interface`, `name_service`,
`root_password`, `security_policy` and `nfs4_domain`. (`keyboard`, needed on systems whose
keyboard does not identify itself, and `auto_reg`, read from 10 9/10, depend on hardware and
release and are not required here.) A file without any entry is not flagged. The list is the
parser's one definition of a hands-off sysidcfg (`zflash_parser::sysidcfg::hands_off`,
with the interface part S211 checks), which `zflash generate` is tested against.

## Why is this bad?
Each missing keyword is a question at the console during `boot net - install`, so the
installation is no longer hands-off.

## Example
```
system_locale=C
terminal=vt100
```
Use instead: give every keyword of the list, e.g.
```
system_locale=C
terminal=vt100
timezone=UTC
timeserver=localhost
network_interface=PRIMARY {dhcp protocol_ipv6=no}
name_service=NONE
root_password=Xy3kP0qLm9ZbA
security_policy=NONE
nfs4_domain=dynamic
```
"#,
};

pub(crate) fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    if ctx.file.entries().next().is_none() {
        return;
    }
    let missing: Vec<String> = crate::lint::util::missing_names(
        hands_off::KEYWORDS,
        |k| ctx.file.get(k).is_some(),
        Keyword::as_str,
    );
    if missing.is_empty() {
        return;
    }
    out.push(
        Diagnostic::new(
            &RULE,
            0..0,
            format!(
                "missing {}: the installer will ask for {}",
                missing.join(", "),
                if missing.len() == 1 { "it" } else { "them" }
            ),
        )
        .help("give every keyword for a hands-off installation (see `zflash explain S219`)"),
    );
}
