//! P207 free-not-last: A filesys with size free is followed by another filesys on the same disk

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::profile::{Device, Directive, Filesys, FsSize};
use crate::source::Span;
use std::collections::HashMap;

pub static RULE: Rule = Rule {
    code: "P207",
    name: "free-not-last",
    severity: Severity::Warning,
    summary: "a filesys with size free is followed by another filesys on the same disk",
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
    // Walk backwards remembering the next slice seen on each disk: one pass.
    let mut next_on_disk: HashMap<String, Span> = HashMap::new();
    let mut found = Vec::new();
    for l in ctx.lines.iter().rev() {
        let Directive::Filesys(Filesys::Local(fs)) = &l.directive else {
            continue;
        };
        let Some(disk) = disk_key(&fs.slice.value) else {
            continue;
        };
        if fs.size.value == FsSize::Free
            && let Some(later) = next_on_disk.get(&disk)
        {
            found.push(
                Diagnostic::new(
                    &RULE,
                    fs.size.span.clone(),
                    format!("`free` should be the last `filesys` on disk `{disk}`"),
                )
                .label("takes the rest of the disk")
                .secondary(later.clone(), "another slice of the same disk follows"),
            );
        }
        next_on_disk.insert(disk, fs.slice.span.clone());
    }
    out.extend(found.into_iter().rev());
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
