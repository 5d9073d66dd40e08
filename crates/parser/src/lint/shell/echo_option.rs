//! H011 echo-option.

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::shell::Script;

pub static RULE: Rule = Rule {
    code: "H011",
    name: "echo-option",
    severity: Severity::Warning,
    summary: "`echo -n`/`echo -e` print the option in /sbin/sh",
    doc: "\
## What it does
Reports `echo` whose first argument is `-n`, `-e` or `-E`.

## Why is this bad?
The `echo` of Solaris 10's `/sbin/sh` takes no options: `echo -n text` prints `-n text`
and a newline. It always interprets `\\c`, `\\n`, `\\t`.

## Example
```
echo -n \"Continue? \"
```
Use instead:
```
echo \"Continue? \\c\"
```
(or `printf 'Continue? '`).
",
};

pub fn check(script: &Script) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in &script.commands {
        let argv = c.argv();
        if argv.first().is_none_or(|w| w.text != "echo") {
            continue;
        }
        if let Some(arg) = argv
            .get(1)
            .filter(|a| matches!(a.text.as_str(), "-n" | "-e" | "-E"))
        {
            out.push(
                Diagnostic::new(
                    &RULE,
                    arg.span.clone(),
                    format!(
                        "expected text after `echo`, found the option `{}`: /sbin/sh's echo prints it",
                        arg.text
                    ),
                )
                .label("printed, not an option")
                .help("end the text with `\\c` instead of `-n`; escapes are always interpreted (or use printf)"),
            );
        }
    }
    out
}
