//! B101 `syntax-error`: an entry that is not `client key=value …`. Raised by the parser.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "B101",
    name: "syntax-error",
    severity: Severity::Error,
    summary: "an entry word that is not `key=value`, an empty key, or a client without pairs",
    doc: r#"## What it does
Checks the shape of each bootparams entry: a client name (or `*`) followed by
blank-separated `key=value` pairs, with no blanks inside a pair and `\` continuations only
between pairs.

## Why is this bad?
rpc.bootparamd splits entries at blanks: `root = server:/path` gives three meaningless
words, and the client never learns where its root file system is, so `boot net - install`
hangs at "Requesting Internet address" / "whoami" time.

## Example
```
web01 root = js01:/export/install/Solaris_10/Tools/Boot
```
Use instead:
```
web01 root=js01:/export/install/Solaris_10/Tools/Boot
```
"#,
};
