//! H005 parameter-expansion.

use super::ExpandedText;
use crate::diagnostic::{Diagnostic, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "H005",
    name: "parameter-expansion",
    severity: Severity::Warning,
    summary: "a `${…}` form /sbin/sh does not have (`${#v}`, `${v%…}`, `${v#…}`, `${v/…}`)",
    doc: "\
## What it does
Reports a parameter expansion other than the Bourne shell's `${v}`, `${v-w}`, `${v:-w}`,
`${v=w}`, `${v:=w}`, `${v?w}`, `${v:?w}`, `${v+w}`, `${v:+w}`: the length `${#v}`, the
POSIX pattern removals `${v%…}`, `${v%%…}`, `${v#…}`, `${v##…}`, and the ksh/bash forms
`${v/…}`, `${v:1:2}`, `${!v}`.

## Why is this bad?
Solaris 10's `/sbin/sh` stops the script with `bad substitution` when it expands one (even
`sh -n` does, for a command it walks).

## Example
```
base=${file%.gz}
```
Use instead:
```
base=`expr \"$file\" : '\\(.*\\)\\.gz'`
```
",
};

/// Whether the text after `${` (up to `}`) is a Bourne shell form.
fn is_bourne(inner: &[u8]) -> bool {
    let name_len = match inner.first() {
        Some(b) if b.is_ascii_alphabetic() || *b == b'_' => inner
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count(),
        Some(b) if b.is_ascii_digit() || b"*@#?-$!".contains(b) => 1,
        _ => return false,
    };
    let rest = &inner[name_len..];
    match rest.first() {
        None | Some(b'}') => true,
        Some(b'-' | b'=' | b'?' | b'+') => true,
        Some(b':') => matches!(rest.get(1), Some(b'-' | b'=' | b'?' | b'+')),
        _ => false,
    }
}

pub fn check(texts: &[ExpandedText]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for t in texts {
        for i in super::find_all(&t.mask, b"${") {
            let inner = &t.mask[i + 2..];
            if is_bourne(inner) {
                continue;
            }
            let end = inner
                .iter()
                .position(|&b| b == b'}')
                .map_or(t.mask.len(), |p| i + 2 + p + 1);
            let shown = String::from_utf8_lossy(&t.mask[i..end]).into_owned();
            out.push(
                Diagnostic::new(
                    &RULE,
                    t.start + i..t.start + end,
                    format!(
                        "expected a Bourne shell parameter expansion, found `{shown}`: /sbin/sh stops with `bad substitution`"
                    ),
                )
                .label("not in /sbin/sh")
                .help("use `expr` (length, substrings) or `sed`/`basename` (pattern removal)"),
            );
        }
    }
    out
}
