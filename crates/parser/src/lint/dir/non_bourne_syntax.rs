//! J006 non-bourne-syntax.

use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::source::SourceFile;

pub static RULE: Rule = Rule {
    code: "J006",
    name: "non-bourne-syntax",
    severity: Severity::Warning,
    summary: "a begin/finish script uses shell syntax Solaris 10's /sbin/sh does not have",
    doc: "\
## What it does
Reports constructs in begin and finish scripts (and `custom_probes`) that the Solaris 10
Bourne shell (`/sbin/sh`) does not support: `$( … )`, `$(( … ))`, `[[ … ]]`, `local`,
`function name`, `${var#…}`/`${var%…}`/`${#var}`, `export VAR=value`, `test -e`/`[ -e`,
`source`, `<<<`, `! cmd`. It is a line scanner, not a shell parser: comments, here-documents and
text in single quotes on one line (`echo '$(date)' >> /a/etc/profile` writes it literally)
are skipped; text in double quotes is not (`\"$(cmd)\"` is still run).

## Why is this bad?
The installer runs the scripts with `/sbin/sh`, the original Bourne shell, whatever their
`#!` line says. These constructs are syntax errors there (or silently wrong), and the install
finishes with an unconfigured system.

## Example
```
HOST=$(hostname)
export ROOT=/a
```
Use instead:
```
HOST=`hostname`
ROOT=/a; export ROOT
```
",
};

/// (pattern, what it is, what to use instead). Matched on code with comments removed.
const PATTERNS: &[(&str, &str, &str)] = &[
    ("$((", "`$(( ))` arithmetic", "use `expr`"),
    ("$(", "`$( )` command substitution", "use backquotes: `cmd`"),
    ("[[", "`[[ ]]` test", "use `[ ]` (test)"),
    ("${#", "`${#var}` length", "use `expr \"$var\" : '.*'`"),
    (
        "<<<",
        "`<<<` here-string",
        "use `echo ... |` or a here-document",
    ),
];

fn is_word_boundary(b: Option<u8>) -> bool {
    b.is_none_or(|b| matches!(b, b' ' | b'\t' | b';' | b'&' | b'|' | b'(' | b'{'))
}

/// Byte index of `word` as a command word (at line start or after `;`, `&&`, `|`, `(`).
fn command_word(code: &str, word: &str) -> Option<usize> {
    let bytes = code.as_bytes();
    let mut from = 0;
    while let Some(i) = code[from..].find(word).map(|i| i + from) {
        let before = if i == 0 { None } else { Some(bytes[i - 1]) };
        let after = bytes.get(i + word.len()).copied();
        if is_word_boundary(before) && matches!(after, Some(b' ' | b'\t')) {
            return Some(i);
        }
        from = i + word.len();
    }
    None
}

/// Byte index of a `!` that negates a command (`if ! grep …`, `! cmd`, `&& ! cmd`): a
/// `!` word in command position. `[ ! -f x ]` and `test ! -d x` are test operands, fine.
fn negated_command(code: &str) -> Option<usize> {
    let bytes = code.as_bytes();
    let mut from = 0;
    while let Some(i) = code[from..].find('!').map(|i| i + from) {
        from = i + 1;
        let before = if i == 0 { None } else { Some(bytes[i - 1]) };
        if !is_word_boundary(before) || !matches!(bytes.get(i + 1), Some(b' ' | b'\t')) {
            continue;
        }
        let head = code[..i].trim_end();
        let last_word = head
            .rsplit(|c: char| c.is_ascii_whitespace() || matches!(c, ';' | '&' | '|' | '(' | '{'))
            .next()
            .unwrap_or("");
        let command_position = head.is_empty()
            || head.ends_with([';', '&', '|', '(', '{'])
            || matches!(
                last_word,
                "if" | "elif" | "while" | "until" | "then" | "do" | "else"
            );
        if command_position {
            return Some(i);
        }
    }
    None
}

/// The part of a line before an unquoted `#` that starts a word.
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    let (mut single, mut double) = (false, false);
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'#' if !single && !double && (i == 0 || bytes[i - 1].is_ascii_whitespace()) => {
                return &line[..i];
            }
            _ => {}
        }
    }
    line
}

/// `code` with the text inside single quotes (outside double quotes) blanked, byte for
/// byte, so offsets stay valid: the shell runs nothing there. A quote left open at the end
/// of the line blanks the rest of it.
fn mask_single_quoted(code: &str) -> String {
    let mut out = Vec::with_capacity(code.len());
    let (mut single, mut double, mut escaped) = (false, false, false);
    for &b in code.as_bytes() {
        if escaped {
            escaped = false;
            out.push(b);
            continue;
        }
        match b {
            // `don\'t`: outside single quotes a backslash quotes the next character.
            b'\\' if !single => {
                escaped = true;
                out.push(b);
            }
            b'\'' if !double => {
                single = !single;
                out.push(b);
            }
            b'"' if !single => {
                double = !double;
                out.push(b);
            }
            _ if single => out.push(b' '),
            _ => out.push(b),
        }
    }
    // Only ASCII bytes were replaced, each by an ASCII byte; any multi-byte character
    // inside quotes became spaces entirely.
    String::from_utf8(out).expect("ASCII-for-byte replacement keeps UTF-8 valid")
}

/// `<<WORD`, `<<-WORD`, `<<'WORD'`, `<<"WORD"`: the terminator of a here-document.
fn heredoc_terminator(code: &str) -> Option<String> {
    let i = code.find("<<")?;
    let rest = &code[i + 2..];
    if rest.starts_with('<') {
        return None;
    }
    let rest = rest.strip_prefix('-').unwrap_or(rest).trim_start();
    let word: String = rest
        .chars()
        .filter(|c| *c != '\'' && *c != '"' && *c != '\\')
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!word.is_empty()).then_some(word)
}

pub fn check(src: &SourceFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut heredoc: Option<String> = None;
    for line in src.physical_lines() {
        let raw = &src.text[line.span.clone()];
        if let Some(end) = &heredoc {
            if raw.trim_start_matches('\t') == end {
                heredoc = None;
            }
            continue;
        }
        let unmasked = strip_comment(raw);
        if unmasked.trim().is_empty() {
            continue;
        }
        let masked = mask_single_quoted(unmasked);
        let code = masked.as_str();
        let base = line.span.start;
        let mut found: Option<(usize, usize, String, &str)> = None;
        for (pat, what, instead) in PATTERNS {
            if let Some(i) = code.find(pat) {
                found = Some((i, pat.len(), what.to_string(), instead));
                break;
            }
        }
        if found.is_none() {
            for (word, what, instead) in [
                (
                    "local",
                    "`local`",
                    "use plain (global) variables with distinct names",
                ),
                (
                    "function",
                    "`function name` definition",
                    "use `name() { … }`",
                ),
                ("source", "`source`", "use `.`"),
            ] {
                if let Some(i) = command_word(code, word) {
                    found = Some((i, word.len(), what.to_string(), instead));
                    break;
                }
            }
        }
        if found.is_none()
            && let Some(i) = command_word(code, "export")
        {
            let arg = code[i + 6..].trim_start();
            let name_len = arg
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                .count();
            if name_len > 0 && arg.as_bytes().get(name_len) == Some(&b'=') {
                found = Some((
                    i,
                    6,
                    "`export VAR=value`".into(),
                    "assign, then `export VAR`",
                ));
            }
        }
        if found.is_none()
            && let Some(i) = negated_command(code)
        {
            found = Some((
                i,
                1,
                "`! cmd` negation".into(),
                "use `if cmd; then :; else …; fi` or `cmd || …`",
            ));
        }
        if found.is_none() {
            for pat in ["test -e ", "[ -e "] {
                if let Some(i) = code.find(pat) {
                    found = Some((i, pat.len() - 1, "`test -e`".into(), "use `-f` or `-d`"));
                    break;
                }
            }
        }
        if found.is_none()
            && let Some(i) = code.find("${")
        {
            let inner = &code[i + 2..];
            let name_len = inner
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                .count();
            if name_len > 0 && matches!(inner.as_bytes().get(name_len), Some(b'#' | b'%' | b'/')) {
                found = Some((
                    i,
                    2 + name_len + 1,
                    "`${var#…}`/`${var%…}`/`${var/…}` expansion".into(),
                    "use `expr` or `sed`",
                ));
            }
        }
        if let Some((i, len, what, instead)) = found {
            out.push(
                Diagnostic::new(
                    &RULE,
                    base + i..base + i + len,
                    format!("expected Bourne shell syntax, found {what}, which /sbin/sh on Solaris 10 does not support"),
                )
                .label("not Bourne shell")
                .help(instead.to_string()),
            );
        }
        // `<<'END'`: the quotes of the terminator are blanked in `code`.
        heredoc = heredoc_terminator(unmasked);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> usize {
        check(&SourceFile::new("post.fin", text)).len()
    }

    #[test]
    fn flags_each_construct() {
        for bad in [
            "X=$(hostname)\n",
            "N=$((1+2))\n",
            "if [[ -d /a ]]; then :; fi\n",
            "f() { local x; }\n",
            "function f {\n",
            "export ROOT=/a\n",
            "[ -e /a/etc ] && echo\n",
            "echo ${x#pre}\n",
            "source /etc/profile\n",
            "if ! grep -s x /a/etc/system; then echo; fi\n",
            "! test -d /a/opt && mkdir /a/opt\n",
            "[ -d /a ] && ! mount | grep -s /a\n",
        ] {
            assert_eq!(codes(bad), 1, "{bad}");
        }
    }

    #[test]
    fn accepts_bourne() {
        let ok = "#!/sbin/sh\nif [ ! -f /a/x ]; then test ! -d /a/y; fi\necho hi!  there\n# $(not code) [[ in comment\nX=`hostname`\nROOT=/a; export ROOT\n[ -f /a/etc/motd ] && echo \"${X}\"\ncat <<EOF > /a/etc/motd\n$(kept in heredoc)\nEOF\nlocalize=1\n";
        assert_eq!(codes(ok), 0);
    }

    #[test]
    fn single_quoted_text_is_literal_double_quoted_is_not() {
        assert_eq!(codes("echo 'PS1=$(hostname)' >> /a/etc/profile\n"), 0);
        assert_eq!(codes("echo 'it''s [[ x ]]'; X=`hostname`\n"), 0);
        assert_eq!(codes("echo \"it's $(hostname)\"\n"), 1);
        assert_eq!(codes("echo '$(x)' $(hostname)\n"), 1);
        assert_eq!(codes("echo don\\'t $(hostname)\n"), 1);
        assert_eq!(codes("cat <<'END' > /a/x\n$(kept)\nEND\nY=$(z)\n"), 1);
    }
}
