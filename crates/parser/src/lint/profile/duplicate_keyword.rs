//! P203 duplicate-keyword: A keyword that may appear only once is repeated

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::Keyword;
use crate::source::Span;
use std::collections::HashMap;

pub static RULE: Rule = Rule {
    code: "P203",
    name: "duplicate-keyword",
    severity: Severity::Error,
    summary: "a keyword that may appear only once is repeated",
    doc: r#"## What
`install_type`, `system_type`, `partitioning`, `root_device`, `boot_device`, `pool`, `bootenv`,
`archive_location`, `local_customization`, `client_root`, `client_swap` or `num_clients`
appears more than once.

## Why
These describe one property of the installed system; Solaris `check` rejects duplicates
("Duplicate root_device specified") and a ZFS profile has exactly one `pool`.

## Example
```
install_type initial_install
pool rpool auto auto auto c0t0d0s0
pool data  auto auto auto c0t1d0s0
```"#,
};

const SINGLE: &[Keyword] = &[
    Keyword::InstallType,
    Keyword::SystemType,
    Keyword::Partitioning,
    Keyword::RootDevice,
    Keyword::BootDevice,
    Keyword::Pool,
    Keyword::Bootenv,
    Keyword::ArchiveLocation,
    Keyword::LocalCustomization,
    Keyword::ClientRoot,
    Keyword::ClientSwap,
    Keyword::NumClients,
];

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    // First occurrence of each single-use keyword: one pass, whatever the file size.
    let mut first: HashMap<Keyword, Span> = HashMap::new();
    for l in &ctx.lines {
        let Some(k) = l.known_keyword() else { continue };
        if !SINGLE.contains(&k) {
            continue;
        }
        match first.get(&k) {
            None => {
                first.insert(k, l.keyword.span.clone());
            }
            Some(span) => out.push(
                Diagnostic::new(
                    &RULE,
                    l.keyword.span.clone(),
                    format!("duplicate `{k}`: it may be given only once"),
                )
                .label("repeated here")
                .secondary(span.clone(), "first given here"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type initial_install
pool rpool auto auto auto c0t0d0s0
pool data auto auto auto c0t1d0s0
"#;
        assert!(codes(bad).contains(&"P203"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
pool rpool auto auto auto c0t0d0s0
"#;
        assert!(!codes(good).contains(&"P203"), "{:?}", codes(good));
    }
}
