//! R204 wrong-arity.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::ValueError;

pub static RULE: Rule = Rule {
    code: "R204",
    name: "wrong-arity",
    severity: Severity::Error,
    summary: "a match keyword has the wrong number of values",
    doc: "\
## What it does
Reports a built-in match keyword followed by too few or too many values: `disksize` and
`installed` take exactly two, `any` takes `-`, every other keyword exactly one.

## Why is this bad?
With too few values `check` stops with `Insufficient arguments for match key`; with too
many, the extra words are passed to the comparison and the rule never matches as meant.
A value with blanks (a `model` name) must be single-quoted to stay one value.

## Example
```
disksize 400-600 - big.prof -
model SUNW,Sun Fire V240 - v240.prof -
```
Use instead:
```
disksize c0t3d0 400-600 - big.prof -
model 'SUNW,Sun Fire V240' - v240.prof -
```
",
};

fn what(keyword: &str) -> String {
    let what = match keyword {
        "disksize" => "a disk name and a size range",
        "installed" => "a slice name and a Solaris version",
        "any" => "`-`",
        "memsize" | "totaldisk" => "a range `low-high`",
        "hostaddress" | "network" => "an IPv4 address",
        "model" => "a platform name",
        "arch" => "`sparc` or `i386`",
        "karch" => "a kernel architecture",
        "osname" => "`Solaris_<n>`",
        "hostname" => "a host name",
        "domainname" => "a domain name",
        _ => return String::new(),
    };
    format!(" ({what})")
}

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    for (rule, values) in cx.rules() {
        let last = rule.matches.len().saturating_sub(1);
        for (i, value) in values.iter().enumerate() {
            let &Err(ValueError::Arity {
                ref keyword,
                expected,
                found,
                ref span,
            }) = value
            else {
                continue;
            };
            let plural = |n: usize| if n == 1 { "value" } else { "values" };
            let mut d = Diagnostic::new(
                &RULE,
                span.clone(),
                format!(
                    "expected {expected} {} after `{keyword}`{}, found {found}",
                    plural(expected),
                    what(keyword)
                ),
            );
            if found < expected {
                d = d
                    .label("missing value")
                    .note("`check`: Insufficient arguments for match key");
                if i == last && found == 0 {
                    d = d.help(
                        "the last three words are always begin, profile and finish: is a field missing?",
                    );
                }
            } else {
                d = d.label("extra values");
                if keyword == "model" {
                    d = d.help("quote a model name that contains blanks: `model 'SUNW,Sun 4_50'`");
                }
            }
            out.push(d);
        }
    }
}
