//! P108 bad-location: A package, patch or archive location is malformed

use crate::diagnostic::{Rule, Severity};

pub static RULE: Rule = Rule {
    code: "P108",
    name: "bad-location",
    severity: Severity::Error,
    summary: "a package, patch or archive location is malformed",
    doc: r#"## What
The retrieval part of `archive_location`, `package … add` or `patch` is not one of
`nfs server:/path [retry n]`, `nfs://server/path`, `http[s]://server[:port]/path [timeout min]
[proxy host:port]` (archive: also `[auth basic user password]`), `ftp://user:pw@server/path`
(archive only), `local_tape device [position]` (archive only),
`local_device device path [fs_type]`, `local_file path`; or a remote `filesys` source is not
`server:/path`.

## Why
The installer cannot fetch the archive or package and the install fails late, after disks have
been touched.

## Example
```
archive_location http://flar/web.flar timeout 5      # no path after the host
archive_location /export/flar/web.flar               # write local_file /export/flar/web.flar
```"#,
};

#[cfg(test)]
mod tests {
    use super::super::codes;

    #[test]
    fn flags_bad_input() {
        let bad = r#"install_type flash_install
archive_location /export/flar/web.flar
"#;
        assert!(codes(bad).contains(&"P108"), "{:?}", codes(bad));
    }

    #[test]
    fn accepts_good_input() {
        let good = r#"install_type flash_install
archive_location local_file /export/flar/web.flar
"#;
        assert!(!codes(good).contains(&"P108"), "{:?}", codes(good));
    }
}
