//! Secret values and where they are, so that no excerpt or message of any report shows
//! them.
//!
//! A value is secret when its key is a secret keyword of the sysidcfg tables
//! ([`Keyword::is_secret`]: `root_password`; [`SubKeyword::is_secret`]: the LDAP
//! `proxy_password`, the `auto_reg` `oracle_pw` and `http_proxy_pw`). The site file and the
//! deploy configs use the same names (`sysidcfg: {root_password: …}`), so one scan serves
//! every kind of file: [`secret_spans`] finds the values in sysidcfg syntax (`KEY=VALUE`,
//! `KEY VALUE`, `KEY={VALUE}`) and in YAML (`KEY: VALUE`, quoted keys; plain, quoted,
//! multi-line, block and flow values).
//!
//! A key that only looks like a secret one is treated as one when a value follows it with
//! `=` or `:`: a misspelt keyword (`root_pasword`, `proxy_passwd`) or another name for a
//! password (`password`, `db_pw`, `client_secret`). The finding about such a key (an
//! unknown keyword or field) points at the very line that holds the password.

use std::sync::LazyLock;

use super::keywords::{Keyword, SubKeyword};
use crate::source::Span;

/// What a secret value is shown as.
pub const MASK: &str = "********";

/// The secret keywords of the sysidcfg tables, in their canonical spelling.
pub static SECRET_KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let top = Keyword::ALL
        .iter()
        .filter(|k| k.is_secret())
        .map(|k| k.as_str());
    let sub = SubKeyword::ALL
        .iter()
        .filter(|k| k.is_secret())
        .map(|k| k.as_str());
    top.chain(sub).collect()
});

/// Is `key` a secret keyword of the sysidcfg tables (case-insensitive)?
pub fn is_secret_key(key: &str) -> bool {
    Keyword::from_name(key).is_some_and(Keyword::is_secret)
        || SubKeyword::from_name(key).is_some_and(SubKeyword::is_secret)
}

/// Is `key` a secret keyword, or does it look like the name of one (misspelt, or another
/// name for a password; see the module docs)? What a message must not echo the value of.
pub fn may_be_secret_key(key: &str) -> bool {
    is_secret_key(key) || looks_secret(key)
}

/// Does `key`, which is no keyword of the tables, look like the name of a secret: within
/// one or two edits of a secret keyword (two for the longer ones), or naming a password
/// (`passw`, `pasw`, a `pw`/`pwd` word, `secret`)?
fn looks_secret(key: &str) -> bool {
    if key.len() < 2 || key.len() > 64 {
        return false;
    }
    if Keyword::from_name(key).is_some() || SubKeyword::from_name(key).is_some() {
        return false;
    }
    let has = |needle: &str| {
        key.as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
    };
    let last_word = key.rsplit('_').next().unwrap_or(key);
    if has("passw")
        || has("pasw")
        || has("secret")
        || last_word.eq_ignore_ascii_case("pw")
        || last_word.eq_ignore_ascii_case("pwd")
    {
        return true;
    }
    SECRET_KEYS.iter().any(|k| {
        let limit = if k.len() >= 10 { 2 } else { 1 };
        key.len().abs_diff(k.len()) <= limit && crate::suggest::edit_distance(key, k) <= limit
    })
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t' || b == b'\r'
}

fn is_space(b: u8) -> bool {
    is_blank(b) || b == b'\n'
}

/// The syntax a text is read in for its secret values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// sysidcfg and every other JumpStart file (a sysidcfg may be checked under any kind):
    /// `KEY:VALUE` is taken as `KEY=VALUE`.
    Sysidcfg,
    /// YAML (the site file, deploy configs): `KEY: VALUE` is a YAML mapping entry, whose
    /// value may go on over several lines.
    Yaml,
}

/// [`secret_spans_in`] for sysidcfg syntax.
pub fn secret_spans(text: &str) -> Vec<Span> {
    secret_spans_in(text, Syntax::Sysidcfg)
}

/// Spans of values that must never be shown (see the module docs), sorted and disjoint.
/// A value over several lines gives one span per line (its text on that line), so that an
/// excerpt keeps its lines when the spans are masked.
///
/// Forms of a secret key (case-insensitive, a whole word): sysidcfg `KEY=VALUE`,
/// `KEY = VALUE` (newlines around `=` too, as the tokenizer treats them as blanks),
/// `KEY:VALUE`, `KEY VALUE` on one line, `KEY={VALUE}`, `"quoted"` / `'quoted'` values
/// whole, an unquoted value with blanks up to the next `keyword=`; in YAML, `KEY: VALUE` to
/// the end of the line or of its flow collection, with its more-indented continuation
/// lines, `"KEY": …`, quoted values over several lines, block scalars (`|`, `>`) and values
/// on the following lines, anchors and tags skipped.
pub fn secret_spans_in(text: &str, syntax: Syntax) -> Vec<Span> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // Start of the current line, and how deep in `{`/`[` the scan is on it (YAML flow
    // collections, sysidcfg blocks): kept as the scan goes, so a long line is not rescanned
    // for each key on it.
    let mut line_start = 0;
    let mut depth = 0usize;
    while i < bytes.len() {
        let b = bytes[i];
        if !is_word(b) {
            match b {
                b'\n' => {
                    line_start = i + 1;
                    depth = 0;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' => depth = depth.saturating_sub(1),
                _ => {}
            }
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_word(bytes[i]) {
            i += 1;
        }
        let exact = is_secret_key(&text[start..i]);
        // A quoted YAML key: `"root_password": …`.
        let quote = start
            .checked_sub(1)
            .map(|q| bytes[q])
            .filter(|q| matches!(q, b'"' | b'\'') && bytes.get(i) == Some(q));
        let after_key = i + usize::from(quote.is_some());
        // A key that only looks secret needs a value after `=` or `:`.
        let secret =
            exact || (followed_by_assignment(bytes, after_key) && looks_secret(&text[start..i]));
        if !secret {
            continue;
        }
        let column = start - usize::from(quote.is_some()) - line_start;
        let key = Key {
            after: after_key,
            column,
            exact,
            in_flow: depth > 0,
        };
        let end = value_spans(text, &key, syntax, &mut out).max(after_key);
        if let Some(nl) = bytes[i..end].iter().rposition(|&b| b == b'\n') {
            line_start = i + nl + 1;
            depth = 0;
        }
        i = end;
    }
    out
}

/// Is the word ending at `at` followed (after blanks) by `:`, or (after blanks and
/// newlines) by `=`?
fn followed_by_assignment(bytes: &[u8], at: usize) -> bool {
    let mut j = at;
    while j < bytes.len() && is_blank(bytes[j]) {
        j += 1;
    }
    if bytes.get(j) == Some(&b':') {
        return true;
    }
    while j < bytes.len() && is_space(bytes[j]) {
        j += 1;
    }
    bytes.get(j) == Some(&b'=')
}

/// A secret key found in the text.
struct Key {
    /// Offset just past the key (and its closing quote).
    after: usize,
    /// Column (0-based, in bytes) of the key on its line: YAML continuation lines are the
    /// ones more indented than this.
    column: usize,
    /// A keyword of the tables (not only one that looks like a secret).
    exact: bool,
    /// Inside a `{ … }` / `[ … ]` on the key's line.
    in_flow: bool,
}

/// Push the spans of the value of `key`; returns the offset the scan goes on from.
fn value_spans(text: &str, key: &Key, syntax: Syntax, out: &mut Vec<Span>) -> usize {
    let bytes = text.as_bytes();
    let n = bytes.len();
    // `KEY: VALUE`: a colon after blanks on the same line.
    let mut j = key.after;
    while j < n && is_blank(bytes[j]) {
        j += 1;
    }
    let colon = j < n && bytes[j] == b':';
    if colon && syntax == Syntax::Yaml {
        return yaml_value(text, key, j + 1, out);
    }
    // sysidcfg: `=` (or `:`) may follow after blanks and newlines; else a value on the line.
    let mut j = key.after;
    while j < n && is_space(bytes[j]) {
        j += 1;
    }
    if j < n && (bytes[j] == b'=' || (colon && bytes[j] == b':')) {
        // After `=` the value may be on a later line (the tokenizer treats newlines as
        // blanks); after `:` (not sysidcfg syntax at all) only on the same line.
        let across_lines = bytes[j] == b'=';
        j += 1;
        while j < n && (is_blank(bytes[j]) || (across_lines && bytes[j] == b'\n')) {
            j += 1;
        }
    } else if key.exact {
        j = key.after;
        while j < n && is_blank(bytes[j]) {
            j += 1;
        }
    } else {
        return key.after;
    }
    // `{VALUE}`: the value is inside the braces.
    if j < n && bytes[j] == b'{' {
        j += 1;
        while j < n && is_space(bytes[j]) {
            j += 1;
        }
    }
    let start = j;
    if j < n && (bytes[j] == b'"' || bytes[j] == b'\'') {
        let quote = bytes[j];
        j += 1;
        while j < n && bytes[j] != quote && bytes[j] != b'\n' {
            j += 1;
        }
        j = (j + 1).min(n);
    } else {
        let word_end = |mut j: usize| {
            while j < n
                && !bytes[j].is_ascii_whitespace()
                && !matches!(bytes[j], b'{' | b'}' | b'=')
            {
                j += 1;
            }
            j
        };
        j = word_end(j);
        // Bare words after it on the line are the rest of a value with blanks that was not
        // quoted (`root_password=open sesame`, S206): the next `keyword=`, brace or comment
        // ends it.
        loop {
            let mut k = j;
            while k < n && is_blank(bytes[k]) {
                k += 1;
            }
            if k == j || k >= n || matches!(bytes[k], b'\n' | b'#' | b'{' | b'}') {
                break;
            }
            let end = word_end(k);
            if end == k || bytes.get(end) == Some(&b'=') {
                break;
            }
            j = end;
        }
    }
    if j > start {
        out.push(start..j);
    }
    j
}

/// The value of a YAML `KEY:` whose colon ends at `from`.
fn yaml_value(text: &str, key: &Key, from: usize, out: &mut Vec<Span>) -> usize {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let line_end = |at: usize| {
        bytes[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(n, |p| at + p)
    };
    let mut j = from;
    while j < n && is_blank(bytes[j]) {
        j += 1;
    }
    // Anchors and tags are not the value.
    while j < n && matches!(bytes[j], b'&' | b'!') {
        while j < n && !is_space(bytes[j]) {
            j += 1;
        }
        while j < n && is_blank(bytes[j]) {
            j += 1;
        }
    }
    let comment = j < n && bytes[j] == b'#' && (j == from || is_blank(bytes[j - 1]));
    if j >= n || bytes[j] == b'\n' || comment {
        // The value is on the following, more-indented lines.
        return indented_lines(bytes, line_end(j.min(n)), key.column, out).max(j);
    }
    if matches!(bytes[j], b'|' | b'>') {
        // A block scalar: its header, then the more-indented lines.
        return indented_lines(bytes, line_end(j), key.column, out);
    }
    if matches!(bytes[j], b'"' | b'\'') {
        return quoted_value(bytes, key, j, out);
    }
    // A plain value: to the end of the line (before a comment), or of its flow
    // collection; a `,` ends it only before a blank (`$md5,rounds=…$` is one hash).
    let start = j;
    let end_of_line = line_end(j);
    let mut end = end_of_line;
    let mut k = j;
    while k < end_of_line {
        let b = bytes[k];
        if b == b'#' && k > start && is_blank(bytes[k - 1]) {
            end = k;
            break;
        }
        if key.in_flow
            && (matches!(b, b'}' | b']')
                || (b == b',' && bytes.get(k + 1).is_none_or(|&c| is_space(c))))
        {
            end = k;
            break;
        }
        k += 1;
    }
    while end > start && is_blank(bytes[end - 1]) {
        end -= 1;
    }
    if end > start {
        out.push(start..end);
    }
    if key.in_flow {
        return end;
    }
    // In a block mapping, a plain value goes on over more-indented lines.
    indented_lines(bytes, end_of_line, key.column, out).max(end)
}

/// A quoted YAML value opening at `open`: to its closing quote, over several lines if need
/// be (one span per line); an unterminated one to the end of its line and the
/// more-indented lines after it.
fn quoted_value(bytes: &[u8], key: &Key, open: usize, out: &mut Vec<Span>) -> usize {
    let n = bytes.len();
    let quote = bytes[open];
    let mut k = open + 1;
    let close = loop {
        if k >= n {
            break None;
        }
        match bytes[k] {
            b'\\' if quote == b'"' => k += 2,
            b'\'' if quote == b'\'' && bytes.get(k + 1) == Some(&b'\'') => k += 2,
            b if b == quote => break Some(k),
            _ => k += 1,
        }
    };
    let Some(close) = close else {
        let end_of_line = bytes[open..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(n, |p| open + p);
        let mut end = end_of_line;
        while end > open && is_blank(bytes[end - 1]) {
            end -= 1;
        }
        out.push(open..end);
        return indented_lines(bytes, end_of_line, key.column, out).max(end);
    };
    // One span per line of `open..=close`, without the indentation of later lines.
    let mut start = open;
    for (offset, _) in bytes[open..close]
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
    {
        let nl = open + offset;
        let mut end = nl;
        while end > start && is_blank(bytes[end - 1]) {
            end -= 1;
        }
        if end > start {
            out.push(start..end);
        }
        start = nl + 1;
        while start < close && is_blank(bytes[start]) {
            start += 1;
        }
    }
    out.push(start..close + 1);
    close + 1
}

/// Spans of the non-blank lines after the line ending at `newline` (a `\n`, or the end of
/// the text) that are indented more than `column`, up to the first line that is not;
/// blank lines among them are skipped. Returns the end of the last one (or `newline`).
fn indented_lines(bytes: &[u8], newline: usize, column: usize, out: &mut Vec<Span>) -> usize {
    let n = bytes.len();
    let mut end = newline;
    let mut at = newline;
    while at < n {
        let line = at + 1;
        let line_end = bytes[line..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(n, |p| line + p);
        let mut content = line;
        while content < line_end && is_blank(bytes[content]) {
            content += 1;
        }
        let mut content_end = line_end;
        while content_end > content && is_blank(bytes[content_end - 1]) {
            content_end -= 1;
        }
        if content < content_end {
            if content - line <= column {
                break;
            }
            out.push(content..content_end);
            end = content_end;
        }
        at = line_end;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The masked values of `text` (sysidcfg syntax), in order.
    fn values(text: &str) -> Vec<&str> {
        secret_spans(text).into_iter().map(|s| &text[s]).collect()
    }

    /// The masked values of `text` read as YAML, in order.
    fn yaml_values(text: &str) -> Vec<&str> {
        secret_spans_in(text, Syntax::Yaml)
            .into_iter()
            .map(|s| &text[s])
            .collect()
    }

    #[test]
    fn secret_keys_come_from_the_keyword_tables() {
        assert_eq!(
            *SECRET_KEYS,
            [
                "root_password",
                "proxy_password",
                "oracle_pw",
                "http_proxy_pw"
            ]
        );
        for key in SECRET_KEYS.iter() {
            assert!(is_secret_key(&key.to_ascii_uppercase()), "{key}");
        }
        assert!(!is_secret_key("proxy_dn"));
    }

    #[test]
    fn secrets_found_case_insensitively() {
        let t = "network_interface=none\nROOT_PASSWORD = abc$1x\nroot_password=q}\nname_service=LDAP {proxy_password=\"a b\" proxy_dn=no}\n";
        assert_eq!(values(t), ["abc$1x", "q", "\"a b\""]);
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
            "name_service=LDAP {proxy_password=S3cret}",
            "name_service=LDAP {proxy_password: S3cret}",
            "auto_reg=all {oracle_user=a oracle_pw=S3cret http_proxy_host=h}",
            "x=y root_password=S3cret",
            "root_password=S3cret timezone=GMT",
            "root_password=S3cret # the hash",
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
        // Not values: a key alone at the end of a line, a longer word, a word that
        // only names a password without `=` or `:` after it.
        for text in [
            "root_password\n",
            "root_passwords_file x",
            "read password\n",
            "passwd -d root\n",
            "timezone=US/Eastern",
        ] {
            assert!(secret_spans(text).is_empty(), "{text:?}");
        }
    }

    #[test]
    fn an_unquoted_value_with_blanks_is_masked_whole() {
        assert_eq!(
            values("root_password=open sesame 99 timezone=GMT\n"),
            ["open sesame 99"]
        );
        assert_eq!(
            values("name_service=LDAP {proxy_password=a b proxy_dn=\"cn=x\"}\n"),
            ["a b"]
        );
        assert_eq!(values("root_password S3cret more\nx=1\n"), ["S3cret more"]);
    }

    #[test]
    fn yaml_values_are_found_whole() {
        for (text, want) in [
            // Plain, with blanks, up to a comment.
            (
                "  root_password: open sesame 99   # old\n  timezone: GMT\n",
                vec!["open sesame 99"],
            ),
            // Quoted key, blanks before the colon, anchors and tags.
            ("\"root_password\": Xy3kP0qLm9ZbA\n", vec!["Xy3kP0qLm9ZbA"]),
            ("root_password : Xy3k\n", vec!["Xy3k"]),
            ("root_password: &pw !!str Xy3k\n", vec!["Xy3k"]),
            // A flow mapping: to its `,` or `}`; a hash with a comma is one value.
            (
                "sysidcfg: {timezone: GMT, root_password: Xy3k, locale: C}\n",
                vec!["Xy3k"],
            ),
            (
                "sysidcfg: {root_password: $md5,rounds=1000$ab$$cd}\n",
                vec!["$md5,rounds=1000$ab$$cd"],
            ),
            // Continuation lines, block scalars, values on the next line.
            (
                "sysidcfg:\n  root_password: first\n    second\n  timezone: GMT\n",
                vec!["first", "second"],
            ),
            (
                "sysidcfg:\n  root_password: |\n    line one\n\n    line two\n  timezone: GMT\n",
                vec!["line one", "line two"],
            ),
            (
                "- root_password:\n    Xy3k\n- timezone: GMT\n",
                vec!["Xy3k"],
            ),
            // Quoted over two lines: one span per line.
            (
                "root_password: \"ab\n   cd\"\ntimezone: GMT\n",
                vec!["\"ab", "cd\""],
            ),
            ("root_password: 'it''s'\n", vec!["'it''s'"]),
            ("root_password: \"a\\\"b\"\n", vec!["\"a\\\"b\""]),
            // Unterminated: the rest of the line and its continuation lines.
            ("root_password: \"abc\n  def\nx: 1\n", vec!["\"abc", "def"]),
            // Nothing given: nothing to mask, the next key is not taken for a value.
            ("root_password:\ntimezone: GMT\n", vec![]),
        ] {
            assert_eq!(yaml_values(text), want, "{text:?}");
        }
    }

    #[test]
    fn keys_that_look_secret_are_secret_when_given_a_value() {
        for text in [
            "root_pasword: S3cret\n",
            "root_passwd=S3cret\n",
            "ROOT_PASSWORDS=S3cret\n",
            "proxy_passwd: S3cret\n",
            "oracle_pwd=S3cret\n",
            "password = S3cret\n",
            "db_pw: S3cret\n",
            "client_secret: S3cret\n",
            "name_service: {type: LDAP, proxy_password: S3cret}\n",
        ] {
            assert_eq!(values(text), ["S3cret"], "{text:?}");
            assert_eq!(yaml_values(text), ["S3cret"], "{text:?}");
        }
        // Known keywords that are not secret stay visible, even when close to one.
        assert!(values("proxy_dn=cn=admin\nprofile: default\n").is_empty());
    }

    #[test]
    fn spans_are_sorted_disjoint_and_on_char_boundaries() {
        let text = "é root_password=ü1 {proxy_password: ß2, x: y}\nroot_password:\n  ä\n  ö\n";
        let spans = secret_spans_in(text, Syntax::Yaml);
        for pair in spans.windows(2) {
            assert!(pair[0].end <= pair[1].start, "{spans:?}");
        }
        for s in &spans {
            assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        }
        assert_eq!(yaml_values(text), ["ü1", "ß2", "ä", "ö"]);
    }

    #[test]
    fn a_colon_in_sysidcfg_syntax_is_an_equals_sign() {
        // The rest of the line is not the value: other keywords stay visible.
        let text = "root_password:S3cret timezone=Mars/Olympus bogus\n";
        assert_eq!(values(text), ["S3cret"]);
        assert_eq!(values("root_password: open sesame\n"), ["open sesame"]);
        assert!(values("root_password:\ntimezone=GMT\n").is_empty());
        // In YAML the whole rest of the line is the value.
        assert_eq!(yaml_values(text), ["S3cret timezone=Mars/Olympus bogus"]);
    }
}
