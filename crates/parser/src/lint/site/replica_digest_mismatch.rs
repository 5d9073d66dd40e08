//! Y204 `replica-digest-mismatch`: an archive replica whose digest is not the archive's.
//!
//! The check itself is in `zflash-generator` (site-file validation); this file holds the rule
//! that `zflash explain Y204` prints and the fixture test names.

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "Y204",
    name: "replica-digest-mismatch",
    severity: Severity::Error,
    summary: "an archive replica whose SHA-256 (its `sha256` or manifest) differs from the archive's",
    doc: r#"## What it does
Compares the digest of each replica of an archive (or increment), from its `sha256:` or
its manifest, with the archive's own (or, when the archive gives none, the first replica's
that does).

## Why is this bad?
A replica is a copy of the same bytes, read instead of the archive by the clients of its
server. Another digest means another archive (a stale copy, or a new capture not copied
everywhere): those clients would get a different system, or fail the digest check at
install time. A replica without a digest is checked against the archive's at install time.

## Example
```yaml
archives:
  golden:
    location: js01:/export/flash/golden.zfs.gz
    sha256: 9b74c9897bac770ffc029102a200c5de0f66e2a32e5ea6b6f3f1d7e4c1c2d8a1
    replicas:
      bs02:
        location: bs02:/export/flash/golden.zfs.gz
        sha256: 0000000000000000000000000000000000000000000000000000000000000000
```
Use instead: copy the archive to `bs02` again, then give its digest (or none):
```yaml
    replicas:
      bs02: {location: "bs02:/export/flash/golden.zfs.gz"}
```
"#,
};
