//! F007 missing-final-newline.

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::source::SourceFile;

pub static RULE: Rule = Rule {
    code: "F007",
    name: "missing-final-newline",
    severity: Severity::Info,
    summary: "the last line has no newline",
    doc: "\
## What it does
Reports a non-empty file whose last line does not end with a newline.

## Why is this bad?
POSIX text files end with a newline. The Bourne shell's `while read line` loop, which the
Solaris `check` and `chkprobe` scripts use, does not deliver a last line that lacks its
newline, so the last rule of a `rules` file can be silently ignored. Appending to such a file
(`echo ... >> rules`) also glues two lines together.

## Example
```
$ printf 'any - - generic.prof -' > rules
```
Use instead: end the file with a newline.
",
};

pub fn check(src: &SourceFile) -> Option<Diagnostic> {
    if src.text.is_empty() || src.text.ends_with('\n') {
        return None;
    }
    let last = src.physical_lines().last()?;
    let end = src.text.len();
    Some(
        Diagnostic::new(
            &RULE,
            end..end,
            format!(
                "expected a newline at the end of the file, after line {}",
                last.number
            ),
        )
        .label("no newline here")
        .help("end the file with a newline"),
    )
}
