//! S220 `incomplete-auto-reg`: `auto_reg` without the credentials or proxy its value needs.

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::sysidcfg::{AutoRegKind, Keyword, SubKeyword};

pub static RULE: Rule = Rule {
    code: "S220",
    name: "incomplete-auto-reg",
    severity: Severity::Warning,
    summary: "`auto_reg=noproxy|all` without Oracle credentials, `all` without proxy, or settings under `disable`",
    doc: r#"## What it does
Auto registration (Solaris 10 9/10+) needs, per value:

| value | needs |
|---|---|
| `noproxy` | `oracle_user`, `oracle_pw` |
| `all` | `oracle_user`, `oracle_pw`, `http_proxy_host`, `http_proxy_port` |
| `anon` | nothing (proxy settings optional) |
| `disable` | nothing; a block is pointless |

The documentation is not precise about the per-value requirements, hence a warning.

## Why is this bad?
Missing values are asked for at the console; settings under `disable` are ignored.

## Example
```
auto_reg=noproxy
```
Use instead:
```
auto_reg=noproxy {oracle_user=admin@example.com oracle_pw=…}
```
"#,
};

pub(crate) fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let Some(e) = ctx.file.get(Keyword::AutoReg) else {
        return;
    };
    let Some(kind) = AutoRegKind::parse(&e.value.text) else {
        return;
    };
    let needs: &[SubKeyword] = match kind {
        AutoRegKind::NoProxy => &[SubKeyword::OracleUser, SubKeyword::OraclePw],
        AutoRegKind::All => &[
            SubKeyword::OracleUser,
            SubKeyword::OraclePw,
            SubKeyword::HttpProxyHost,
            SubKeyword::HttpProxyPort,
        ],
        AutoRegKind::Disable | AutoRegKind::None => {
            if let Some(b) = &e.block
                && e.sub_entries().next().is_some()
            {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        b.open.clone(),
                        format!("settings under `auto_reg={}` are ignored", e.value.text),
                    )
                    .label("ignored block"),
                );
            }
            return;
        }
        AutoRegKind::Anon => return,
    };
    let missing: Vec<String> =
        crate::lint::util::missing_names(needs, |k| e.sub(k).is_some(), SubKeyword::as_str);
    if !missing.is_empty() {
        out.push(
            Diagnostic::new(
                &RULE,
                e.head_span(),
                format!("`auto_reg={}` lacks {}", e.value.text, missing.join(", ")),
            )
            .label("incomplete auto registration"),
        );
    }
}
