//! J008 stale-rules-ok.

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::source::SourceFile;

pub static RULE: Rule = Rule {
    code: "J008",
    name: "stale-rules-ok",
    severity: Severity::Warning,
    summary: "rules.ok does not match the current rules file",
    doc: "\
## What it does
Reports an existing `rules.ok` whose content differs from what `check` would derive from the
current `rules` (comments and blank lines dropped, leading tabs stripped, `# version=2
checksum=N` trailer). It is reported when `rules.ok` is *not* rewritten: errors were found
(the old file is left untouched), or `--no-write` was given.

## Why is this bad?
Clients read `rules.ok`, not `rules`: edits to `rules` have no effect until `rules.ok` is
regenerated, and a stale `rules.ok` may send clients to profiles that changed or no longer
exist.

## Example
`rules` gained a new `hostname` rule but `check` was not run afterwards.

Use instead: fix the errors and run `zflash check` (without `--no-write`).
",
};

/// `src` is the existing rules.ok; `derived` is what the current rules file gives.
pub fn diagnostic(src: &SourceFile, derived: &str, rules_path: &str) -> Diagnostic {
    // Point at the first line that differs.
    let common = src
        .text
        .bytes()
        .zip(derived.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let line_start = src.text[..common].rfind('\n').map_or(0, |i| i + 1);
    let line_end = src.text[line_start..]
        .find('\n')
        .map_or(src.text.len(), |i| line_start + i);
    let (line, _) = src.line_col(line_start);
    let rules_name = rules_path.rsplit('/').next().unwrap_or(rules_path);
    Diagnostic::new(
        &RULE,
        line_start..line_end,
        format!(
            "rules.ok is stale: it differs from what `{rules_name}` gives, from line {line} on"
        ),
    )
    .label("first difference")
    .help("fix any errors and run `zflash check` without `--no-write` to regenerate it")
}
