//! F002 invalid-utf8.

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::source::SourceFile;

pub static RULE: Rule = Rule {
    code: "F002",
    name: "invalid-utf8",
    severity: Severity::Error,
    summary: "the file is not valid UTF-8 (or ASCII)",
    doc: "\
## What it does
Reports a file whose bytes are not valid UTF-8, with the byte offset of the first invalid
sequence. The rest of the file is still checked, with each invalid sequence shown as `�`.

## Why is this bad?
JumpStart files are read by Bourne shell and awk scripts in the install miniroot, which runs
in the C locale: keywords, host names, paths and values are plain ASCII. Bytes from another
encoding (Latin-1 accents, a word-processor's curly quotes, a UTF-16 file) are almost always
a copy-paste accident and make values silently not match.

## Example
A profile saved as Latin-1 with `é` in a comment:
```
# profil générique
```
Use instead: convert the file (`iconv -f latin1 -t utf-8`) or keep to ASCII.
",
};

/// `offset` is the byte offset of the first invalid sequence in `bytes`.
pub fn check(src: &SourceFile, bytes: &[u8], offset: usize) -> Diagnostic {
    // Spans point into the lossily decoded text: the valid prefix is identical, so the
    // replacement character sits exactly at `offset`.
    let end = (offset + '\u{FFFD}'.len_utf8()).min(src.text.len());
    let byte = bytes.get(offset).copied().unwrap_or(0);
    Diagnostic::new(
        &RULE,
        offset..end,
        format!(
            "expected UTF-8 text, found byte 0x{byte:02x} at byte {offset} that is not valid UTF-8"
        ),
    )
    .label("invalid UTF-8 starts here")
    .help("save the file as UTF-8 (or plain ASCII), e.g. `iconv -f latin1 -t utf-8`")
}
