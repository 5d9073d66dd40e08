//! Secret values in sysidcfg text (`root_password`, the LDAP `proxy_password`, …): where
//! they are, so that no excerpt or message of any report shows them.

use crate::source::Span;

/// What a secret value is shown as.
pub const MASK: &str = "********";

/// sysidcfg keywords whose values are secrets (case-insensitive).
const SECRET_KEYS: &[&str] = &[
    "root_password",
    "proxy_password",
    "oracle_pw",
    "http_proxy_pw",
];

/// Spans of values that must never be shown, for every key of [`SECRET_KEYS`]
/// (case-insensitive, at the start of a word) in every form a sysidcfg reader may take for
/// a key and its value: `KEY=VALUE`, `KEY = VALUE` (newlines around `=` too, as the
/// tokenizer treats them as blanks), `KEY:VALUE`, `KEY VALUE` on one line, `KEY={VALUE}`,
/// and `"quoted"` / `'quoted'` values whole. The spans are sorted and disjoint.
pub fn secret_spans(text: &str) -> Vec<Span> {
    let bytes = text.as_bytes();
    let blank = |b: u8| b == b' ' || b == b'\t' || b == b'\r';
    let space = |b: u8| blank(b) || b == b'\n';
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        // Keys start a word; every key starts with one of these letters.
        if !matches!(bytes[i] | 0x20, b'r' | b'p' | b'o' | b'h') {
            i += 1;
            continue;
        }
        let at_word_start =
            i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        let key = SECRET_KEYS.iter().find(|k| {
            at_word_start
                && bytes.len() - i >= k.len()
                && bytes[i..i + k.len()].eq_ignore_ascii_case(k.as_bytes())
                && bytes
                    .get(i + k.len())
                    .is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        });
        let Some(key) = key else {
            i += 1;
            continue;
        };
        let after_key = i + key.len();
        // `=` may follow after blanks and newlines; `:` only glued; else a value on the line.
        let mut j = after_key;
        while j < bytes.len() && space(bytes[j]) {
            j += 1;
        }
        if j < bytes.len() && bytes[j] == b'=' {
            j += 1;
            while j < bytes.len() && space(bytes[j]) {
                j += 1;
            }
        } else if after_key < bytes.len() && bytes[after_key] == b':' {
            j = after_key + 1;
            while j < bytes.len() && blank(bytes[j]) {
                j += 1;
            }
        } else {
            j = after_key;
            while j < bytes.len() && blank(bytes[j]) {
                j += 1;
            }
        }
        // `{VALUE}`: the value is inside the braces.
        if j < bytes.len() && bytes[j] == b'{' {
            j += 1;
            while j < bytes.len() && space(bytes[j]) {
                j += 1;
            }
        }
        let start = j;
        if j < bytes.len() && (bytes[j] == b'"' || bytes[j] == b'\'') {
            let quote = bytes[j];
            j += 1;
            while j < bytes.len() && bytes[j] != quote && bytes[j] != b'\n' {
                j += 1;
            }
            j = (j + 1).min(bytes.len());
        } else {
            while j < bytes.len()
                && !bytes[j].is_ascii_whitespace()
                && !matches!(bytes[j], b'{' | b'}' | b'=')
            {
                j += 1;
            }
        }
        if j > start {
            out.push(start..j);
        }
        i = j.max(after_key);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_found_case_insensitively() {
        let t = "network_interface=none\nROOT_PASSWORD = abc$1x\nroot_password=q}\nname_service=LDAP {proxy_password=\"a b\" x_root_password=no}\n";
        let spans = secret_spans(t);
        assert_eq!(spans.len(), 3);
        assert_eq!(&t[spans[0].clone()], "abc$1x");
        assert_eq!(&t[spans[1].clone()], "q");
        assert_eq!(&t[spans[2].clone()], "\"a b\"");
    }

    #[test]
    fn every_form_of_a_secret_key_is_found() {
        for form in [
            "root_password=S3cret",
            "root_password = S3cret",
            "root_password S3cret",
            "root_password\tS3cret",
            "root_password:S3cret",
            "root_password: S3cret",
            "root_password={S3cret}",
            "root_password = { S3cret }",
            "root_password=\"S3cret\"",
            "root_password='S3cret'",
            "root_password\n=\nS3cret",
            "name_service=LDAP {proxy_password S3cret}",
            "x=y root_password=S3cret",
        ] {
            let spans = secret_spans(form);
            assert_eq!(spans.len(), 1, "{form:?}: {spans:?}");
            let value = &form[spans[0].clone()];
            assert!(value.contains("S3cret"), "{form:?}: {value:?}");
            assert!(
                !value.contains('}') || value.starts_with('"'),
                "{form:?}: {value:?}"
            );
        }
        // Not keys: longer words, and a key alone at the end of a line.
        for text in ["root_passwords=x", "my_root_password=x", "root_password\n"] {
            assert!(secret_spans(text).is_empty(), "{text:?}");
        }
    }
}
