//! P221 software-group: Software group given twice, after cluster/package changes, or with the wrong case

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::{Action, Cluster, Directive};
use crate::source::Span;

pub static RULE: Rule = Rule {
    code: "P221",
    name: "software-group",
    severity: Severity::Error,
    summary: "software group given twice, after cluster/package changes, or with the wrong case",
    doc: r#"## What
* a name that matches a software group only when case is ignored (`SUNWcall` for `SUNWCall`):
  package and cluster names are case-sensitive;
* more than one software-group `cluster` line;
* the software group after a `cluster … add|delete` or `package` line.

Software groups: `SUNWCrnet`, `SUNWCmreq`, `SUNWCreq`, `SUNWCuser`, `SUNWCprog`, `SUNWCall`,
`SUNWCXall`.

## Why
The installer would not find the group, or would pick one group and apply the add/delete lines
to the wrong base.

## Example
```
cluster SUNWcall
```"#,
};

/// Solaris 10 software groups (metaclusters), smallest first.
pub const SOFTWARE_GROUPS: &[&str] = &[
    "SUNWCrnet",
    "SUNWCmreq",
    "SUNWCreq",
    "SUNWCuser",
    "SUNWCprog",
    "SUNWCall",
    "SUNWCXall",
];

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let mut group: Option<&Cluster> = None;
    let mut change: Option<Span> = None;
    for l in &ctx.lines {
        match &l.directive {
            Directive::Cluster(c) => {
                let name = c.name.value.as_str();
                if let Some(real) = SOFTWARE_GROUPS
                    .iter()
                    .find(|g| g.eq_ignore_ascii_case(name) && **g != name)
                {
                    out.push(
                        Diagnostic::new(
                            &RULE,
                            c.name.span.clone(),
                            format!("unknown cluster `{name}`: names are case-sensitive"),
                        )
                        .label(crate::suggest::help(real)),
                    );
                    continue;
                }
                let is_group = SOFTWARE_GROUPS.contains(&name)
                    && c.action.as_ref().is_none_or(|a| a.value == Action::Add);
                if !is_group {
                    change.get_or_insert(l.keyword.span.clone());
                    continue;
                }
                if let Some(first) = group {
                    out.push(
                        Diagnostic::new(
                            &RULE,
                            c.name.span.clone(),
                            format!(
                                "more than one software group: `{name}` after `{}`",
                                first.name.value
                            ),
                        )
                        .secondary(first.name.span.clone(), "first software group"),
                    );
                } else if let Some(ch) = &change {
                    out.push(
                        Diagnostic::new(&RULE, c.name.span.clone(), format!("software group `{name}` must come before `cluster … add|delete` and `package` lines"))
                            .secondary(ch.clone(), "changes the software group before it is chosen"),
                    );
                }
                group.get_or_insert(c);
            }
            Directive::Package(_) => {
                change.get_or_insert(l.keyword.span.clone());
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type initial_install
cluster SUNWcall
"#;
        assert!(codes(bad).contains(&"P221"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
cluster SUNWCall
cluster SUNWCssh add
"#;
        assert!(!codes(good).contains(&"P221"), "{:?}", codes(good));
    }
}
