//! F005 crlf-line-endings.

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::source::SourceFile;

pub static RULE: Rule = Rule {
    code: "F005",
    name: "crlf-line-endings",
    severity: Severity::Error,
    summary: "the file has DOS (CRLF) line endings",
    doc: "\
## What it does
Reports a file with `\\r\\n` (DOS/Windows) line endings, once per file, at the first such
line, with the number of affected lines.

## Why is this bad?
The Solaris tools read lines with the Bourne shell's `read` and awk, which keep the `\\r`:
the last word of every line gains an invisible carriage return. In `rules` the finish script
becomes `post.fin\\r` (\"Finish script missing\"); in `sysidcfg` the last value of a line is
wrong; a begin/finish script fails with `^M: not found`.

## Example
A `rules` file edited on Windows.

Use instead: convert with `dos2unix` or `tr -d '\\r'`.
",
};

pub fn check(src: &SourceFile) -> Option<Diagnostic> {
    let mut first = None;
    let mut count = 0usize;
    for line in src.physical_lines().filter(|l| l.has_cr) {
        count += 1;
        first.get_or_insert(line);
    }
    let first = first?;
    let cr = first.span.end..first.span.end + 1;
    let lines = if count == 1 {
        "1 line ends".to_string()
    } else {
        format!("{count} lines end")
    };
    Some(
        Diagnostic::new(
            &RULE,
            cr,
            format!("expected Unix (LF) line endings, found CRLF: {lines} with `\\r\\n`"),
        )
        .label("carriage return here")
        .help("convert the file with `dos2unix` or `tr -d '\\r'`"),
    )
}
