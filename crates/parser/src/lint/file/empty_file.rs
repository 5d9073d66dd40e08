//! F004 empty-file.

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::source::SourceFile;

pub static RULE: Rule = Rule {
    code: "F004",
    name: "empty-file",
    severity: Severity::Warning,
    summary: "the file is empty or holds only blanks",
    doc: "\
## What it does
Reports a file with no content at all, or nothing but blanks and empty lines.

## Why is this bad?
An empty `rules` file matches no client; an empty profile or `sysidcfg` gives the installer
nothing to work with, so the client falls back to an interactive install. An empty file is
usually the result of an interrupted copy or a redirect that failed (`> profile` with a
broken generator).

## Example
```
$ : > profiles/web.prof
```
Use instead: write the file's content, or remove the reference to it.
",
};

pub fn check(src: &SourceFile) -> Option<Diagnostic> {
    if !src.text.trim().is_empty() {
        return None;
    }
    let what = if src.text.is_empty() {
        "the file is empty"
    } else {
        "the file holds only blanks"
    };
    Some(
        Diagnostic::new(&RULE, 0..0, format!("expected some content, but {what}"))
            .help("write the file's content, or remove the reference to it"),
    )
}
