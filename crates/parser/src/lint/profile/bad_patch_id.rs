//! P225 bad-patch-id: A patch ID list contains a malformed patch ID

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::Directive;
use crate::profile::value::is_patch_id;

pub static RULE: Rule = Rule {
    code: "P225",
    name: "bad-patch-id",
    severity: Severity::Error,
    summary: "a patch ID list contains a malformed patch ID",
    doc: r#"## What
The first argument of `patch` looks like a patch ID list (starts with a digit or contains a
comma) but an element is not `NNNNNN-NN`, or the list has an empty element.

## Why
The installer looks the patches up by ID; a malformed ID is never found. Lists are
comma-separated without blanks.

## Example
```
patch 119254-92,12011-14 nfs server:/export/patches
```"#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for l in &ctx.lines {
        let Directive::Patch(p) = &l.directive else {
            continue;
        };
        let list = &p.list.value;
        if !(list.contains(',') || list.starts_with(|c: char| c.is_ascii_digit())) {
            continue;
        }
        if let Some(bad) = list.split(',').find(|id| !is_patch_id(id)) {
            out.push(
                Diagnostic::new(
                    &RULE,
                    p.list.span.clone(),
                    format!("malformed patch ID `{bad}` in `{list}`"),
                )
                .label("expected comma-separated IDs like `119254-92`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type initial_install
patch 119254-92,12011-14 nfs server:/export/patches
"#;
        assert!(codes(bad).contains(&"P225"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
patch 119254-92,120011-14 nfs server:/export/patches
"#;
        assert!(!codes(good).contains(&"P225"), "{:?}", codes(good));
    }
}
