//! P222 unknown-software-group: cluster NAME without add/delete names no known software group

use super::Ctx;
use super::software_group::SOFTWARE_GROUPS;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::Directive;
use crate::suggest::closest;

pub static RULE: Rule = Rule {
    code: "P222",
    name: "unknown-software-group",
    severity: Severity::Warning,
    summary: "cluster NAME without add/delete names no known software group",
    doc: r#"## What
A `cluster NAME` line without `add` or `delete` whose name is not a Solaris 10 software group
(`SUNWCrnet`, `SUNWCmreq`, `SUNWCreq`, `SUNWCuser`, `SUNWCprog`, `SUNWCall`, `SUNWCXall`).

## Why
The one-argument form selects the software group; with another name the installer adds that
cluster to the default group instead, which is rarely what was meant. Write `add` to say so.

## Example
```
cluster SUNWCssh
```"#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for l in &ctx.lines {
        let Directive::Cluster(c) = &l.directive else {
            continue;
        };
        let name = c.name.value.as_str();
        if c.action.is_some() || SOFTWARE_GROUPS.iter().any(|g| g.eq_ignore_ascii_case(name)) {
            continue;
        }
        let mut d = Diagnostic::new(
            &RULE,
            c.name.span.clone(),
            format!("`{name}` is not a known software group"),
        )
        .label(format!("expected one of {}", SOFTWARE_GROUPS.join(", ")));
        // All group names share `SUNWC`, so only a near miss (typo) is suggested; other names
        // are most likely real clusters missing their `add`.
        let near = closest(name, SOFTWARE_GROUPS.iter().copied(), |dist, _| dist <= 2);
        d = match near {
            Some(m) => d.help(crate::suggest::help(m)),
            None => d.help(format!(
                "to add a cluster to the software group write `cluster {name} add`"
            )),
        };
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type initial_install
cluster SUNWCssh
"#;
        assert!(codes(bad).contains(&"P222"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let near = "install_type initial_install\ncluster SUNWCrq\n";
        let d = crate::profile::check(&crate::SourceFile::new("p", near));
        assert_eq!(d[0].help.as_deref(), Some("did you mean `SUNWCreq`?"));
        let good = r#"install_type initial_install
cluster SUNWCreq
cluster SUNWCssh add
"#;
        assert!(!codes(good).contains(&"P222"), "{:?}", codes(good));
    }
}
