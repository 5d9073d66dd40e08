//! P223 mirror-filesys: filesys mirror with a bad metadevice name or identical halves

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::{Directive, Filesys, FsSize};

pub static RULE: Rule = Rule {
    code: "P223",
    name: "mirror-filesys",
    severity: Severity::Error,
    summary: "filesys mirror with a bad metadevice name or identical halves",
    doc: r#"## What
A `filesys mirror:NAME` whose NAME is not `d0`–`d127`, whose two slices are the same, or whose
size is not a number of MB (`free`, `all`, `auto`… are not accepted for mirrors).

## Why
Solaris Volume Manager metadevices for JumpStart mirrors are `d0`–`d127`; a mirror of a slice
with itself gives no redundancy and is rejected.

## Example
```
filesys mirror:d200 c0t0d0s0 c0t1d0s0 4096 /
filesys mirror c0t0d0s0 c0t0d0s0 4096 /
```"#,
};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for l in &ctx.lines {
        let Directive::Filesys(Filesys::Mirror(m)) = &l.directive else {
            continue;
        };
        if let Some(name) = &m.mirror.value.0 {
            let ok = name
                .strip_prefix('d')
                .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && n.len() <= 3)
                .and_then(|n| n.parse::<u32>().ok())
                .is_some_and(|n| n <= 127);
            if !ok {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        m.mirror.span.clone(),
                        format!("metadevice name `{name}` is invalid"),
                    )
                    .label("expected `d0` to `d127`"),
                );
            }
        }
        if !matches!(m.size.value, FsSize::Size(_)) {
            out.push(
                Diagnostic::new(
                    &RULE,
                    m.size.span.clone(),
                    format!(
                        "a mirrored file system needs a size in MB, found `{}`",
                        m.size.text()
                    ),
                )
                .label("expected a number of MB"),
            );
        }
        if m.slices[0].value == m.slices[1].value {
            out.push(
                Diagnostic::new(
                    &RULE,
                    m.slices[1].span.clone(),
                    format!("both halves of the mirror are `{}`", m.slices[1].text()),
                )
                .label("expected a slice on another disk")
                .secondary(m.slices[0].span.clone(), "first half"),
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
filesys mirror:d200 c0t0d0s0 c0t1d0s0 4096 /
"#;
        assert!(codes(bad).contains(&"P223"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
filesys mirror:d10 c0t0d0s0 c0t1d0s0 4096 /
"#;
        assert!(!codes(good).contains(&"P223"), "{:?}", codes(good));
    }
}
