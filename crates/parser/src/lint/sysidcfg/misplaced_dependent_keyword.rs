//! S203 `misplaced-dependent-keyword`: a dependent keyword under the wrong parent (or at
//! the top level).

use super::{Ctx, allowed_subs};
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::sysidcfg::SubKeyword;

pub static RULE: Rule = Rule {
    code: "S203",
    name: "misplaced-dependent-keyword",
    severity: Severity::Error,
    summary: "a dependent keyword outside the block of the keyword (and value) it belongs to",
    doc: r#"## What it does
Flags a dependent keyword that appears at the top level (e.g. `hostname=web01`, which
belongs inside `network_interface=… { … }`), inside the block of another keyword (e.g.
`netmask` under `name_service`), or under a value it does not apply to (e.g. `search` under
`name_service=NIS`, `profile` under `name_service=DNS`).

## Why is this bad?
sysidtool either rejects the file or ignores the keyword; either way the information never
reaches the installed system and the installation prompts for it.

## Example
```
hostname=web01
name_service=NIS {domain_name=lab.example.net search=example.net}
```
Use instead:
```
network_interface=PRIMARY {hostname=web01 protocol_ipv6=no}
name_service=DNS {domain_name=lab.example.net name_server=10.1.1.2 search=example.net}
```
"#,
};

pub(crate) fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    for e in ctx.file.entries() {
        let Some(kw) = e.keyword() else {
            if let Some(sub) = SubKeyword::from_name(&e.key.text) {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        e.key.span.clone(),
                        format!(
                            "`{}` is a dependent keyword of `{}`, not a top-level keyword",
                            e.key.text,
                            sub.parent().as_str()
                        ),
                    )
                    .label("not allowed at the top level")
                    .help(format!(
                        "move it into the `{{ … }}` block of `{}`",
                        sub.parent().as_str()
                    )),
                );
            }
            continue;
        };
        if !kw.takes_block() {
            continue; // the block itself is S105
        }
        let allowed = allowed_subs(e);
        for s in e.sub_entries() {
            let Some(sub) = s.keyword() else { continue };
            if sub.parent() != kw {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        s.key.span.clone(),
                        format!(
                            "`{}` belongs in the block of `{}`, not of `{}`",
                            s.key.text,
                            sub.parent().as_str(),
                            kw.as_str()
                        ),
                    )
                    .label("wrong parent keyword"),
                );
            } else if let Some(a) = allowed
                && !a.is_empty()
                && !a.contains(&sub)
            {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        s.key.span.clone(),
                        format!(
                            "`{}` does not apply to `{}={}`",
                            s.key.text, e.key.text, e.value.text
                        ),
                    )
                    .label("not a dependent keyword of this value")
                    .help(format!(
                        "`{}={}` takes: {}",
                        e.key.text,
                        e.value.text,
                        a.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
                    )),
                );
            }
        }
    }
}
