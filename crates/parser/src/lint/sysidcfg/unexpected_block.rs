//! S105 `unexpected-block`: a `{ … }` block after a keyword or value that takes none.

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::sysidcfg::{Keyword, NameServiceKind, SecurityPolicyKind, SubKeyword};

pub static RULE: Rule = Rule {
    code: "S105",
    name: "unexpected-block",
    severity: Severity::Error,
    summary: "a `{ … }` dependent-keyword block where the keyword or its value takes none",
    doc: r#"## What it does
Only `name_service`, `network_interface`, `security_policy`, `auto_reg` (and the legacy x86
`display`) take a `{ … }` block of dependent keywords, and `name_service=NONE` and
`security_policy=NONE` take none. This rule flags any other block.

## Why is this bad?
sysidtool treats the block as a syntax error and ignores the whole file. A `{` on the line
after an entry belongs to that entry, so a block meant for the next keyword often ends up
attached to the wrong one.

## Example
```
root_password=Xy3kP0qLm9ZbA
{
name_server=10.1.1.2
}
```
Use instead:
```
root_password=Xy3kP0qLm9ZbA
name_service=DNS {domain_name=lab.example.net
name_server=10.1.1.2
}
```
"#,
};

pub(crate) fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    for e in ctx.file.entries() {
        let Some(block) = &e.block else { continue };
        let Some(kw) = e.keyword() else {
            // A dependent keyword at the top level (S203) cannot take a block either; for
            // unknown keywords (S201) there is nothing to say about the block.
            if SubKeyword::from_name(&e.key.text).is_some() {
                let end = block.close.as_ref().map_or(block.open.end, |c| c.end);
                out.push(
                    Diagnostic::new(
                        &RULE,
                        block.open.start..end,
                        format!(
                            "unexpected `{{ … }}` block: `{}` takes no dependent keywords",
                            e.key.text
                        ),
                    )
                    .label("this block")
                    .secondary(e.key.span.clone(), "attached to this keyword"),
                );
            }
            continue;
        };
        let value = e.value.text.as_str();
        let reason = if !kw.takes_block() {
            format!("`{}` takes no dependent keywords", kw.as_str())
        } else if kw == Keyword::NameService
            && NameServiceKind::parse(value) == Some(NameServiceKind::None)
        {
            "`name_service=NONE` takes no dependent keywords".to_string()
        } else if kw == Keyword::SecurityPolicy
            && SecurityPolicyKind::parse(value) == Some(SecurityPolicyKind::None)
        {
            "`security_policy=NONE` takes no dependent keywords".to_string()
        } else {
            continue;
        };
        let end = block.close.as_ref().map_or(block.open.end, |c| c.end);
        out.push(
            Diagnostic::new(
                &RULE,
                block.open.start..end,
                format!("unexpected `{{ … }}` block: {reason}"),
            )
            .label("this block")
            .secondary(e.key.span.clone(), "attached to this keyword"),
        );
    }
}
