//! P231 filesys-size-unit: A filesys size has a unit suffix

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::{Directive, Filesys, FsSize, SizeUnit};

pub static RULE: Rule = Rule {
    code: "P231",
    name: "filesys-size-unit",
    severity: Severity::Warning,
    summary: "a filesys size has a unit suffix",
    doc: r#"## What
A `filesys` size is written with an `m` or `g` suffix (`4g`).

## Why
Solaris 10 documents unit suffixes only for `pool` sizes; for `filesys` a size is a plain
number of MB, and older `check` scripts reject anything else ("Size … is invalid").
Newer releases may accept suffixes, hence a warning.

## Example
```
filesys c0t0d0s0 20g /
```
Write `filesys c0t0d0s0 20480 /`."#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for l in &ctx.lines {
        let size = match &l.directive {
            Directive::Filesys(Filesys::Local(fs)) => &fs.size,
            Directive::Filesys(Filesys::Mirror(fs)) => &fs.size,
            _ => continue,
        };
        if let FsSize::Size(s) = size.value
            && s.unit != SizeUnit::Implicit
        {
            let mut d = Diagnostic::new(
                &RULE,
                size.span.clone(),
                format!(
                    "`filesys` sizes are plain MB; the unit in `{}` is documented only for `pool`",
                    size.text()
                ),
            )
            .label("expected a number of MB");
            if let Some(mb) = s.megabytes() {
                d = d.help(format!("write `{mb}`"));
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type initial_install
filesys c0t0d0s0 20g /
"#;
        assert!(codes(bad).contains(&"P231"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
filesys c0t0d0s0 20480 /
"#;
        assert!(!codes(good).contains(&"P231"), "{:?}", codes(good));
    }
}
