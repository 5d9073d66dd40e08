//! S214 `incomplete-name-service`: a name service without the dependent keywords it needs.

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::sysidcfg::{Keyword, NameServiceKind, SubKeyword};

pub static RULE: Rule = Rule {
    code: "S214",
    name: "incomplete-name-service",
    severity: Severity::Warning,
    summary: "`name_service=NIS|NIS+|DNS|LDAP` without `domain_name` (DNS: `name_server`; LDAP: `profile`, `profile_server`)",
    doc: r#"## What it does
Checks the dependent keywords each name service needs for a hands-off configuration:

| value | needs |
|---|---|
| `NIS`, `NIS+` | `domain_name` (`name_server` optional: omitted = broadcast) |
| `DNS` | `domain_name`, `name_server` |
| `LDAP` | `domain_name`, `profile`, `profile_server` |

## Why is this bad?
The missing values are asked at the console. It is a warning because sysidtool accepts the
file (Oracle's own js2ai tests use a DNS block without `domain_name`); the installation is
just not hands-off any more.

## Example
```
name_service=DNS {name_server=10.1.1.2}
```
Use instead:
```
name_service=DNS {domain_name=lab.example.net name_server=10.1.1.2}
```
"#,
};

pub(crate) fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let Some(e) = ctx.file.get(Keyword::NameService) else {
        return;
    };
    let Some(kind) = NameServiceKind::parse(&e.value.text) else {
        return;
    };
    let needs: &[SubKeyword] = match kind {
        NameServiceKind::Nis | NameServiceKind::NisPlus => &[SubKeyword::DomainName],
        NameServiceKind::Dns => &[SubKeyword::DomainName, SubKeyword::NameServer],
        NameServiceKind::Ldap => &[
            SubKeyword::DomainName,
            SubKeyword::Profile,
            SubKeyword::ProfileServer,
        ],
        NameServiceKind::None => &[],
    };
    let missing: Vec<String> =
        crate::lint::util::missing_names(needs, |k| e.sub(k).is_some(), SubKeyword::as_str);
    if missing.is_empty() {
        return;
    }
    out.push(
        Diagnostic::new(
            &RULE,
            e.head_span(),
            format!(
                "`name_service={}` lacks {}: the installer will ask for it",
                e.value.text,
                missing.join(", ")
            ),
        )
        .label("incomplete name service")
        .help(format!(
            "add {} in a `{{ … }}` block after the value",
            missing.join(", ")
        )),
    );
}
