//! P207 free-not-last: A filesys with size free is followed by another filesys on the same disk

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::{Device, Directive, Filesys, FsSize};

pub static RULE: Rule = Rule {
    code: "P207",
    name: "free-not-last",
    severity: Severity::Warning,
    summary: "A filesys with size free is followed by another filesys on the same disk",
    doc: r#"## What
A local `filesys` sized `free` is not the last `filesys` line for its disk.

## Why
`free` takes the space left on the disk; the documentation asks for it to be the last slice of
its disk so the layout reads in allocation order. (Installs where it is not last are known to
work, hence a warning.)

## Example
```
filesys c0t0d0s7 free /export
filesys c0t0d0s5 500  /var
```"#,
};

fn disk_key(d: &Device) -> Option<String> {
    match d {
        Device::RootdiskSlice(_) => Some("rootdisk".to_string()),
        other => other.disk().map(ToString::to_string),
    }
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let locals: Vec<_> = ctx
        .lines
        .iter()
        .filter_map(|l| match &l.directive {
            Directive::Filesys(Filesys::Local(fs)) => Some(fs),
            _ => None,
        })
        .collect();
    for (i, fs) in locals.iter().enumerate() {
        if fs.size.value != FsSize::Free {
            continue;
        }
        let Some(disk) = disk_key(&fs.slice.value) else {
            continue;
        };
        if let Some(later) = locals[i + 1..]
            .iter()
            .find(|o| disk_key(&o.slice.value).as_deref() == Some(&disk))
        {
            out.push(
                Diagnostic::new(
                    &RULE,
                    fs.size.span.clone(),
                    format!("`free` should be the last `filesys` on disk `{disk}`"),
                )
                .label("takes the rest of the disk")
                .secondary(
                    later.slice.span.clone(),
                    "another slice of the same disk follows",
                ),
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
filesys c0t0d0s7 free /export
filesys c0t0d0s5 500 /var
"#;
        assert!(codes(bad).contains(&"P207"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type initial_install
filesys c0t0d0s5 500 /var
filesys c0t0d0s7 free /export
"#;
        assert!(!codes(good).contains(&"P207"), "{:?}", codes(good));
    }
}
