//! F006 long-line.

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::source::SourceFile;

/// Longest physical line (in bytes, without its terminator) accepted without a warning.
///
/// Solaris 10's `/usr/bin/awk` (old awk, used by `check` and `chkprobe`) and `/sbin/sh`
/// `read` have fixed line buffers; 2048 bytes stays well below every limit known for them.
pub const MAX_LINE_BYTES: usize = 2048;

pub static RULE: Rule = Rule {
    code: "F006",
    name: "long-line",
    severity: Severity::Warning,
    summary: "a physical line is longer than 2048 bytes",
    doc: "\
## What it does
Reports every physical line longer than 2048 bytes.

## Why is this bad?
The Solaris 10 install tools parse JumpStart files with the old `/usr/bin/awk` and the
Bourne shell's `read`, both with fixed-size line buffers; an over-long line is truncated or
aborts the tool. Such lines are also usually not what was meant: a missing newline between
entries, or binary data.

## Example
A `bootparams` entry with hundreds of keys on one line.

Use instead: split the line with `\\` continuations where the format allows it, or one entry
per line.
",
};

pub fn check(src: &SourceFile) -> Vec<Diagnostic> {
    src.physical_lines()
        .filter(|l| l.span.len() > MAX_LINE_BYTES)
        .map(|l| {
            let mut start = l.span.start + MAX_LINE_BYTES;
            while !src.text.is_char_boundary(start) {
                start -= 1;
            }
            Diagnostic::new(
                &RULE,
                start..l.span.end,
                format!(
                    "expected lines of at most {MAX_LINE_BYTES} bytes, found {} bytes on line {}",
                    l.span.len(),
                    l.number
                ),
            )
            .label("beyond the limit")
            .help("split the line with `\\` continuations or start a new entry")
        })
        .collect()
}
