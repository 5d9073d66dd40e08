//! R108 non-ascii.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::Item;
use crate::source::Span;

pub static RULE: Rule = Rule {
    code: "R108",
    name: "non-ascii",
    severity: Severity::Warning,
    summary: "a keyword, value or field holds a non-ASCII character",
    doc: "\
## What it does
Reports non-ASCII characters in the words of a rule or probe line (comments are not
checked).

## Why is this bad?
Host names, models, architectures and JumpStart file names are plain ASCII on Solaris;
a non-ASCII character is usually a typographic quote or dash pasted from a document
(`‘SUNW,Sun 4_50’`, `64–128`) and makes the rule never match or name a missing file.

## Example
```
memsize 64–128 - small.prof -
```
Use instead:
```
memsize 64-128 - small.prof -
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    let file = cx.file;
    if cx.src.text.is_ascii() {
        return;
    }
    let mut report = |text: &str, span: &Span| {
        if let Some((i, c)) = text.char_indices().find(|(_, c)| !c.is_ascii()) {
            let start = span.start + i;
            let hint = match c {
                '\u{2018}' | '\u{2019}' => " (a typographic quote: use `'`)",
                '\u{2013}' | '\u{2014}' => " (a typographic dash: use `-`)",
                '\u{a0}' => " (a no-break space: use a blank)",
                _ => "",
            };
            out.push(
                Diagnostic::new(
                    &RULE,
                    start..start + c.len_utf8(),
                    format!(
                        "expected ASCII text, found `{c}` (U+{:04X}){hint}",
                        c as u32
                    ),
                )
                .label("non-ASCII character"),
            );
        }
    };
    for item in &file.items {
        match item {
            Item::Probe(p) => {
                for t in std::iter::once(&p.keyword).chain(&p.names) {
                    report(&t.text, &t.span);
                }
            }
            Item::Rule(r) => {
                for m in &r.matches {
                    for t in [&m.negation, &m.keyword]
                        .into_iter()
                        .flatten()
                        .chain(&m.values)
                    {
                        report(&t.text, &t.span);
                    }
                }
                for f in [&r.begin, &r.profile, &r.finish] {
                    report(f.value.as_str(), &f.span);
                }
            }
            Item::Invalid(l) => {
                for t in &l.toks {
                    report(&t.text, &t.span);
                }
            }
            Item::Trivia(_) | Item::Trailer(_) => {}
        }
    }
}
