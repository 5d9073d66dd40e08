//! R103 unbalanced-quote (emitted by the parser).

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "R103",
    name: "unbalanced-quote",
    severity: Severity::Error,
    summary: "a rule has an odd number of single quotes",
    doc: "\
## What it does
Reports a logical line of `rules` with an odd number of `'`: a quoted value that is
never closed.

## Why is this bad?
Single quotes let a value hold blanks (`model 'SUNW,Sun 4_50'`). `check` pairs the
quotes up and stops with `Mis-matched \"'\" quotes` when one is left over. The parser
then splits the line on blanks as if the quote were an ordinary character.

## Example
```
model 'SUNW,Sun 4_50 - sun4.prof -
```
Use instead:
```
model 'SUNW,Sun 4_50' - sun4.prof -
```
",
};
