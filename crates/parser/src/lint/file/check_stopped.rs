//! F009 check-stopped.

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::source::Span;

pub static RULE: Rule = Rule {
    code: "F009",
    name: "check-stopped",
    severity: Severity::Warning,
    summary: "so many syntax errors (or lines) that the rest of the file was not checked",
    doc: "\
## What it does
Says where checking of a file stopped: after 1000 syntax errors, or after 50,000 lines
(for a `sysidcfg`, 200,000 words and signs), the parser gives up on the rest of the file. The findings before
that point are reported as usual (at most 100 per rule, then one finding saying how many
more there are).

## Why is this bad?
A file with that many errors is almost always not the file its name says (a binary, a
log, another format), and checking on would cost memory and output in proportion to the
garbage: 16 MiB of `a` lines checked as a `bootparams` used to take gigabytes of memory and
print hundreds of megabytes of findings. Nothing after the point is verified.

## Example
```
$ yes a | head -c 16777216 > bootparams; zflash check --kind bootparams bootparams
warning[F009]: more than 1000 syntax errors: the rest of the file is not checked
```
Fix the errors above (or check the right file) and run `check` again.
",
};

/// The finding a parser adds when it stops, at `span` (where the unchecked rest starts).
pub fn diagnostic(span: Span, why: &str) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        span,
        format!("{why}: the rest of the file is not checked"),
    )
    .label("checking stopped here")
    .help("is this the right file? fix the errors above and check again")
}
