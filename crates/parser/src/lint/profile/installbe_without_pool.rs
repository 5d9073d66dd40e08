//! P218 installbe-without-pool: bootenv installbe in a profile without pool

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::{BootenvCommand, Directive};

pub static RULE: Rule = Rule {
    code: "P218",
    name: "installbe-without-pool",
    severity: Severity::Warning,
    summary: "bootenv installbe in a profile without pool",
    doc: r#"## What
`bootenv installbe` in a profile that has no `pool` line.

## Why
`installbe` names the ZFS boot environment the install creates; in a UFS profile it has no
effect (the UFS form is `bootenv createbe`).

## Example
```
install_type initial_install
bootenv installbe bename s10
```"#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    // A `pool` line that did not parse has its own diagnostic: not a second one here.
    let any_pool_line = ctx.lines.iter().any(|l| {
        matches!(
            l.keyword.value,
            crate::profile::KeywordName::Known(crate::profile::Keyword::Pool)
        )
    });
    if ctx.pool.is_some() || any_pool_line {
        return;
    }
    for l in &ctx.lines {
        if let Directive::Bootenv(b) = &l.directive
            && b.command.value == BootenvCommand::InstallBe
        {
            out.push(
                Diagnostic::new(
                    &RULE,
                    b.command.span.clone(),
                    "`bootenv installbe` has no effect without a `pool` line",
                )
                .label("ZFS boot environments need a ZFS root pool")
                .help("add `pool rpool auto auto auto <slice>` or remove this line"),
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
bootenv installbe bename s10
"#;
        assert!(codes(bad).contains(&"P218"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
pool rpool auto auto auto c0t0d0s0
bootenv installbe bename s10
"#;
        assert!(!codes(good).contains(&"P218"), "{:?}", codes(good));
    }
}

#[cfg(test)]
mod pool_line_tests {
    use super::super::codes;

    /// A `pool` line missing a size says which one, names the whole disk the line also
    /// has, and does not cascade into P218.
    #[test]
    fn a_pool_line_missing_a_size_is_one_finding_naming_the_field() {
        let text = "install_type initial_install\npool rpool auto auto mirror c0t0d0s0 c0t1d0\nbootenv installbe bename s10\n";
        assert_eq!(codes(text), ["P103"]);
        let src = crate::source::SourceFile::new("profile", text);
        let d = crate::profile::check(&src);
        assert!(
            d[0].message.contains("the dump size is missing"),
            "{:?}",
            d[0]
        );
        assert!(
            d[0].notes
                .iter()
                .any(|n| n.contains("`c0t1d0` is a whole disk")),
            "{:?}",
            d[0]
        );
    }
}

#[cfg(test)]
mod pool_size_words {
    use super::super::codes;

    #[test]
    fn size_words_are_sizes_not_devices() {
        for sizes in ["existing auto auto", "auto existing 2g", "20g 4096 auto"] {
            let text = format!("install_type initial_install\npool rpool {sizes} c0t0d0s0\n");
            assert!(
                !codes(&text).contains(&"P103"),
                "{sizes}: {:?}",
                codes(&text)
            );
        }
    }
}
