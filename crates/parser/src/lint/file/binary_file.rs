//! F003 binary-file.

use crate::diagnostic::{Diagnostic, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "F003",
    name: "binary-file",
    severity: Severity::Error,
    summary: "the file holds NUL bytes: it is binary, not a JumpStart text file",
    doc: "\
## What it does
Reports a file that contains NUL (`\\0`) bytes. Such a file is not parsed any further.

## Why is this bad?
Every JumpStart file (rules, profiles, sysidcfg, bootparams, begin and finish scripts) is
text read by the Bourne shell and awk. A NUL byte means the wrong file was named or copied
(a compiled program, an archive, a UTF-16 editor save), and the installer will fail on it.

## Example
A rule naming a tar archive as its finish script:
```
any - - generic.prof site.tar
```
Use instead: a shell script that unpacks the archive.
",
};

/// Flag the first NUL byte, if any.
pub fn check(bytes: &[u8]) -> Option<Diagnostic> {
    let offset = bytes.iter().position(|&b| b == 0)?;
    Some(
        Diagnostic::new(
            &RULE,
            0..0,
            format!("expected a text file, found a NUL byte at byte {offset}: the file is binary"),
        )
        .help("name a text file here; binary files are not parsed"),
    )
}
