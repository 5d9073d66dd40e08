//! R214 misplaced-derived.

use super::Cx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::rules::FieldValue;

pub static RULE: Rule = Rule {
    code: "R214",
    name: "misplaced-derived",
    severity: Severity::Error,
    summary: "`=` is used as the begin or finish field",
    doc: "\
## What it does
Reports `=` in the begin or finish field of a rule.

## Why is this bad?
`=` means \"derived profile\" and is only valid in the profile field, where it tells the
installer that the begin script writes the profile. As a begin or finish field it
names a script called `=`, which does not exist; usually the fields are in the wrong
order.

## Example
```
hostname web01 = pick.beg -
```
Use instead:
```
hostname web01 pick.beg = -
```
",
};

pub fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    let file = cx.file;
    for rule in file.rules() {
        for (field, name) in [(&rule.begin, "begin"), (&rule.finish, "finish")] {
            if field.value == FieldValue::Derived {
                out.push(
                    Diagnostic::new(
                        &RULE,
                        field.span.clone(),
                        format!("expected a {name} script or `-`, found `=`"),
                    )
                    .label("`=` is only valid as the profile field")
                    .help("the fields are `begin profile finish`: a derived profile is `pick.beg = -`"),
                );
            }
        }
    }
}
