//! P205 mount-point-not-absolute: A filesys mount point does not begin with /

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::{Directive, Filesys, LocalFilesys, MirrorFilesys, MountPoint};
use crate::source::Span;

pub static RULE: Rule = Rule {
    code: "P205",
    name: "mount-point-not-absolute",
    severity: Severity::Error,
    summary: "a filesys mount point does not begin with /",
    doc: r#"## What
The file-system argument of `filesys` is neither `swap`, `overlap`, `unnamed`, `ignore` nor a
path starting with `/`.

## Why
Solaris `check`: Mount point "X" must begin with a '/'.

## Example
```
filesys c0t0d0s7 free export/home
```"#,
};

fn flag(out: &mut Vec<Diagnostic>, span: Span, path: &str) {
    out.push(
        Diagnostic::new(
            &RULE,
            span,
            format!("mount point `{path}` must begin with a `/`"),
        )
        .label("expected an absolute path, `swap`, `overlap`, `unnamed` or `ignore`")
        .help(format!("write `/{path}`")),
    );
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for l in &ctx.lines {
        let Directive::Filesys(fs) = &l.directive else {
            continue;
        };
        match fs {
            Filesys::Local(LocalFilesys { mount: Some(m), .. })
            | Filesys::Mirror(MirrorFilesys { mount: m, .. }) => {
                if let MountPoint::Path(p) = &m.value
                    && !p.starts_with('/')
                {
                    flag(out, m.span.clone(), p);
                }
            }
            Filesys::Remote(r) if !r.mount.value.starts_with('/') => {
                flag(out, r.mount.span.clone(), &r.mount.value)
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
filesys c0t0d0s7 free export/home
"#;
        assert!(codes(bad).contains(&"P205"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
filesys c0t0d0s7 free /export/home
"#;
        assert!(!codes(good).contains(&"P205"), "{:?}", codes(good));
    }
}
