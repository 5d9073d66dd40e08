//! S216 `incomplete-kerberos`: `security_policy=kerberos` without its dependent keywords.

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::sysidcfg::{Keyword, SecurityPolicyKind, SubKeyword};

pub static RULE: Rule = Rule {
    code: "S216",
    name: "incomplete-kerberos",
    severity: Severity::Error,
    summary: "`security_policy=kerberos` missing `default_realm`, `admin_server` or `kdc`, or with more than 3 KDCs",
    doc: r#"## What it does
`security_policy=kerberos` needs all of `default_realm`, `admin_server` and `kdc` in its
block. `kdc` takes a comma-separated list; more than 3 KDCs is reported too (the documented
examples list at most 3; that limit is less certain, so that part is a warning).

## Why is this bad?
Without them Kerberos cannot be configured: sysidtool prompts for the security policy.

## Example
```
security_policy=kerberos {default_realm=CORP.EXAMPLE.COM}
```
Use instead:
```
security_policy=kerberos {default_realm=CORP.EXAMPLE.COM
                          admin_server=kdc1.corp.example.com
                          kdc=kdc1.corp.example.com,kdc2.corp.example.com}
```
"#,
};

pub(crate) fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let Some(e) = ctx.file.get(Keyword::SecurityPolicy) else {
        return;
    };
    if SecurityPolicyKind::parse(&e.value.text) != Some(SecurityPolicyKind::Kerberos) {
        return;
    }
    let missing: Vec<String> = crate::lint::util::missing_names(
        &[
            SubKeyword::DefaultRealm,
            SubKeyword::AdminServer,
            SubKeyword::Kdc,
        ],
        |k| e.sub(k).is_some(),
        SubKeyword::as_str,
    );
    if !missing.is_empty() {
        out.push(
            Diagnostic::new(
                &RULE,
                e.head_span(),
                format!("`security_policy=kerberos` lacks {}", missing.join(", ")),
            )
            .label("incomplete Kerberos configuration")
            .help("give default_realm, admin_server and kdc in the `{ … }` block"),
        );
    }
    if let Some(kdc) = e.sub(SubKeyword::Kdc)
        && let Some(a) = &kdc.value
        && a.value.text.split(',').count() > 3
    {
        out.push(
            Diagnostic::new(
                &RULE,
                a.value.span.clone(),
                format!(
                    "expected at most 3 KDCs, found {}",
                    a.value.text.split(',').count()
                ),
            )
            .label("too many KDCs")
            .severity(Severity::Warning),
        );
    }
}
