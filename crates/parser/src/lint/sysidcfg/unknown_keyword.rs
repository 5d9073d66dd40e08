//! S201 `unknown-keyword`: a top-level keyword sysidcfg does not know.

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::sysidcfg::keywords::did_you_mean;
use crate::sysidcfg::{Keyword, SubKeyword};

pub static RULE: Rule = Rule {
    code: "S201",
    name: "unknown-keyword",
    severity: Severity::Error,
    summary: "a top-level keyword that is not a sysidcfg keyword",
    doc: r#"## What it does
Checks every top-level keyword against the Solaris 10 sysidcfg(4) list: `name_service`,
`network_interface`, `root_password`, `security_policy`, `system_locale`, `terminal`,
`timezone`, `timeserver`, `keyboard`, `nfs4_domain`, `service_profile`, `auto_reg` (and the
legacy x86 `monitor`, `display`, `pointer`, see S217). Keywords are case-insensitive. A
close match is suggested ("did you mean"). Dependent keywords written at the top level are
S203.

## Why is this bad?
An unknown keyword is a syntax error for sysidtool, which then ignores the whole file: the
installation asks every question interactively.

## Example
```
nfsv4_domain=dynamic
```
Use instead:
```
nfs4_domain=dynamic
```
"#,
};

pub(crate) fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    for e in ctx.file.entries() {
        let name = e.key.text.as_str();
        if Keyword::from_name(name).is_some() || SubKeyword::from_name(name).is_some() {
            continue;
        }
        let mut d = Diagnostic::new(
            &RULE,
            e.key.span.clone(),
            format!("unknown sysidcfg keyword `{name}`"),
        )
        .label("not a sysidcfg keyword");
        if let Some(s) = did_you_mean(name, Keyword::ALL.iter().map(|k| k.as_str())) {
            d = d.help(crate::suggest::help(s));
        }
        out.push(d);
    }
}
