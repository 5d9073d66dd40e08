//! S209 `root-password-not-hashed`: `root_password` is not a crypt(3C) hash.

use super::Ctx;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::sysidcfg::Keyword;
use crate::sysidcfg::values::crypt_kind;

pub static RULE: Rule = Rule {
    code: "S209",
    name: "root-password-not-hashed",
    severity: Severity::Warning,
    summary: "`root_password` is not an encrypted password as in /etc/shadow (plain text?)",
    doc: r#"## What it does
`root_password` takes the *encrypted* password exactly as it appears in `/etc/shadow`:
exactly the formats Solaris 10's crypt(3C) understands: traditional DES (13 characters of
`[./0-9A-Za-z]`); `$1$salt$hash` (MD5: salt up to 8 characters, hash 22);
`$md5$salt$$hash` or `$md5,rounds=N$salt$hash` (Sun MD5: salt up to 8, hash 22);
`$2a$NN$…` (Blowfish: cost 04–31, then 53 characters; Solaris 10 has no `$2b$`/`$2y$`);
`$5$[rounds=N$]salt$hash` (SHA-256: salt up to 16, hash 43) and `$6$…` (SHA-512: hash 86).
This rule flags anything else — plain text, a truncated hash — and `zflash generate` refuses
the same values (Y106, one implementation). The value is never printed in the message.

It is a warning, not an error: sysidtool copies the string into `/etc/shadow` without
checking it, so the installation completes — but nobody can log in as root with the
intended password, and a plain-text password now sits in a file served over NFS. Note that
`$5$`/`$6$`/`$2a$` hashes need a release whose `/etc/security/crypt.conf` supports them.

## Example
```
root_password=secret
```
Use instead (a DES hash, e.g. from `perl -e 'print crypt("secret", "Xy")'`; or an MD5
hash from `openssl passwd -1`):
```
root_password=Xy3kP0qLm9ZbA
```
"#,
};

pub(crate) fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let Some(e) = ctx.file.get(Keyword::RootPassword) else {
        return;
    };
    let v = e.value.text.as_str();
    if v.is_empty() || crypt_kind(v).is_some() {
        return;
    }
    let hint = if v.len() != 13 && !v.starts_with('$') {
        format!("{} characters, not 13", v.chars().count())
    } else {
        "a truncated hash, characters outside [./0-9A-Za-z], or a `$id$` Solaris 10 does not have"
            .to_string()
    };
    out.push(
        Diagnostic::new(
            &RULE,
            e.value.span.clone(),
            "expected `root_password` to be an encrypted password (a crypt hash as in /etc/shadow); the value does not look like one",
        )
        .label(format!("not a crypt hash ({hint}); value not shown"))
        .help("put the hash from /etc/shadow here, e.g. from `openssl passwd -1` or `openssl passwd -6`"),
    );
}
