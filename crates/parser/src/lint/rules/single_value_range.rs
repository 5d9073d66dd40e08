//! R206 single-value-range.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::values::MatchValue;

pub static RULE: Rule = Rule {
    code: "R206",
    name: "single-value-range",
    severity: Severity::Warning,
    summary: "a size range is written as a single number",
    doc: "\
## What it does
Reports `memsize`, `totaldisk` or `disksize` with a single number instead of a range
`low-high`.

## Why is this bad?
Some Solaris guides show `memsize 64`, but the comparison functions are written for
ranges and an exact match on a memory or disk size in MB rarely happens (probed sizes
are not round numbers). Whether the `check` of your release accepts it is not
documented.

## Example
```
memsize 2048 - small.prof -
```
Use instead:
```
memsize 2048-2048 - small.prof -
```
or a real range such as `memsize 1024-4096`.
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    for (rule, values) in cx.rules() {
        for (piece, value) in rule.matches.iter().zip(values) {
            let range = match value {
                Ok(MatchValue::Range(r)) => (r, piece.values.first()),
                Ok(MatchValue::DiskSize { range, .. }) => (range, piece.values.get(1)),
                _ => continue,
            };
            let (r, Some(tok)) = range else { continue };
            if r.single {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        tok.span.clone(),
                        format!(
                            "expected a range `low-high`, found the single number `{}`",
                            r.low
                        ),
                    )
                    .label("single value")
                    .help(format!(
                        "write `{0}-{0}` for an exact size, or a wider range",
                        r.low
                    )),
                );
            }
        }
    }
}
