//! Y001 `site-syntax`: a site file that is not a regular file, not well-formed YAML, or nested or aliased past the reader's bounds.
//!
//! The check itself is in `zflash-generator` (site-file validation); this file holds the rule
//! that `zflash explain Y001` prints and the fixture test names.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "Y001",
    name: "site-syntax",
    severity: Severity::Error,
    summary: "a site file that is not a regular file, not well-formed YAML, or nested or aliased past the reader's bounds",
    doc: r#"## What it does
The site file is not YAML that zflash can read: not a regular file (a directory, a FIFO, a
device such as `/dev/zero`), larger than 16 MiB, a syntax error (an unclosed quote or bracket, a
tab used for indentation), more than 64 levels of nesting, or aliases that would expand it past
two million values.

## Why is this bad?
Nothing can be generated from a file that cannot be read; the bounds keep a hostile or broken
file from taking the machine's memory or time.

## Example
```yaml
clients:
	- hostname: ws1
```
Use instead:
```yaml
clients:
  - hostname: ws1
```
"#,
};
