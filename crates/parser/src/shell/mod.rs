//! The SVR4 Bourne shell (Solaris 10 `/sbin/sh`): lexer, parser and what the lints need.
//!
//! JumpStart runs begin and finish scripts and `custom_probes` with `/sbin/sh`, whatever
//! their `#!` line says; that shell is stricter than dash or posh (a reserved word as the
//! first pattern of a `case` arm is a syntax error, `$( )` does not exist) and lacks much
//! of POSIX. [`parse`] reads a script as that shell does and gives a [`Script`]: the first
//! syntax error (with its byte span and what was expected), every simple command and every
//! word the shell expands (each with a byte span), here-document bodies, and the same for
//! the commands inside backquotes, which the shell parses when it runs them.
//!
//! The grammar was learnt from the shell's manual page and its behaviour (see
//! `docs/check.md`); `crates/parser/tests/sh_differential.rs` compares the verdicts with
//! the real shell's `sh -n`.

pub mod lexer;
mod parser;

use crate::source::{Span, Word};
pub use lexer::{HereDocBody, RedirKind, Reserved, TokenKind};

/// Backquotes nested deeper than this are not parsed (a warning-free give-up, not an error).
const MAX_SUBSTITUTION_DEPTH: usize = 16;

/// The first syntax error the shell would report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// The token the shell stopped at.
    pub span: Span,
    /// That token, described (`` `done` ``, "a newline", "the end of the file").
    pub found: String,
    /// What the grammar wanted there.
    pub expected: String,
    /// How to write it for this shell, when the construct is a known one.
    pub hint: Option<String>,
    pub token: TokenKind,
}

/// A redirection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub op: Span,
    /// The file descriptor written before the operator (`2>`), if any.
    pub fd: Option<u8>,
    pub kind: RedirKind,
    pub target: Word,
    /// Index into [`Script::heredocs`]… of the lexer (for `<<`).
    pub heredoc: Option<usize>,
}

/// A simple command: its words (assignments first, as written) and redirections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleCommand {
    pub words: Vec<Word>,
    pub redirects: Vec<Redirect>,
    /// Whether `sh -n` walks this command (see [`Script::rejected_by_sh_n`]).
    pub reached: bool,
    /// Where the command starts.
    pub start: usize,
}

impl SimpleCommand {
    /// The words after the leading `NAME=value` assignments: the command name and its
    /// arguments.
    pub fn argv(&self) -> &[Word] {
        let n = self
            .words
            .iter()
            .take_while(|w| is_assignment(&w.text))
            .count();
        &self.words[n..]
    }

    pub fn name(&self) -> Option<&str> {
        self.argv().first().map(|w| w.text.as_str())
    }
}

/// `NAME=…` with a valid shell name.
pub fn is_assignment(word: &str) -> bool {
    match word.find('=') {
        Some(i) if i > 0 => {
            let name = &word[..i];
            name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !name.as_bytes()[0].is_ascii_digit()
        }
        _ => false,
    }
}

/// A syntax error inside backquotes, found when the command substitution is parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubstitutionError {
    pub error: SyntaxError,
    /// The backquoted text, in the file.
    pub substitution: Span,
    /// Whether `sh -n` reaches (and so parses) this substitution.
    pub reached: bool,
}

/// What [`parse`] found in a script.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    /// Every simple command, in order (those inside backquotes after their word's command).
    pub commands: Vec<SimpleCommand>,
    /// Every word the shell expands (command words, redirection targets, `for` lists,
    /// `case` subjects), with whether `sh -n` reaches it.
    pub words: Vec<(Word, bool)>,
    /// `^` used as a pipe.
    pub carets: Vec<Span>,
    /// `&` that puts a command in the background.
    pub backgrounds: Vec<Span>,
    /// Names of the functions defined (`name()`).
    pub functions: Vec<Word>,
    pub heredocs: Vec<HereDocBody>,
    /// The syntax error that stops the shell, if any.
    pub error: Option<SyntaxError>,
    /// Syntax errors inside backquotes.
    pub substitution_errors: Vec<SubstitutionError>,
}

impl Script {
    /// Whether `sh -n` of `/sbin/sh` reports a syntax error for this script: the parse
    /// error, or one in a backquoted command it reaches. That shell's `-n` parses each
    /// top-level command and then walks it without running anything, expanding the words
    /// of the commands it would run — so it parses backquotes in the `then` branch (every
    /// command "succeeds") but not in `else`, `elif`, after `||`, in a `while` body, in a
    /// function body, in a `for` body whose list is empty, or in a `case` arm that does
    /// not match. zflash reports a syntax error in any backquote, reached or not (it stops
    /// the script when that command runs); this tells the two apart for the comparison
    /// with the real shell.
    pub fn rejected_by_sh_n(&self) -> bool {
        self.error.is_some() || self.substitution_errors.iter().any(|e| e.reached)
    }
}

/// Parse `text` as `/sbin/sh` does, and the commands inside its backquotes.
pub fn parse(text: &str) -> Script {
    let mut script = parser::Parser::new(text).parse_script();
    let identity: Vec<usize> = (0..=text.len()).collect();
    let nested = substitutions(&script, text, &identity, 0);
    script.commands.extend(nested.commands);
    script.words.extend(nested.words);
    script.carets.extend(nested.carets);
    script.backgrounds.extend(nested.backgrounds);
    script.substitution_errors = nested.substitution_errors;
    script
}

/// The commands (and syntax errors) inside the backquotes of every expanded word and
/// expanding here-document of `script`, parsed, with spans in the file: `script`'s offsets
/// are into `text`, and `map` takes an offset into `text` to the file.
fn substitutions(script: &Script, text: &str, map: &[usize], depth: usize) -> Script {
    let mut out = Script::default();
    if depth >= MAX_SUBSTITUTION_DEPTH {
        return out;
    }
    let mut sources: Vec<(Span, bool, bool)> = script
        .words
        .iter()
        .map(|(w, reached)| (w.span.clone(), *reached, false))
        .collect();
    sources.extend(
        script
            .heredocs
            .iter()
            .filter(|h| h.expands)
            .map(|h| (h.body.clone(), false, true)),
    );
    let to_file = |i: usize| map[i.min(map.len() - 1)];
    for (span, reached, heredoc) in sources {
        let Some(raw) = text.get(span.clone()) else {
            continue;
        };
        for bq in expansion(raw, heredoc).backquotes {
            let sub_map: Vec<usize> = bq.map.iter().map(|&i| to_file(span.start + i)).collect();
            let sub = parser::Parser::new(&bq.content).parse_substitution();
            let deeper = substitutions(&sub, &bq.content, &sub_map, depth + 1);
            let at = |i: usize| sub_map[i.min(sub_map.len() - 1)];
            let remap = |s: &Span| at(s.start)..at(s.end).max(at(s.start));
            let substitution = to_file(span.start + bq.outer.start)
                ..to_file(span.start + bq.outer.end).max(to_file(span.start + bq.outer.start));
            if let Some(error) = sub.error {
                out.substitution_errors.push(SubstitutionError {
                    error: SyntaxError {
                        span: remap(&error.span),
                        ..error
                    },
                    substitution,
                    reached,
                });
            }
            for mut c in sub.commands {
                c.reached &= reached;
                c.start = at(c.start);
                for w in &mut c.words {
                    w.span = remap(&w.span);
                }
                for r in &mut c.redirects {
                    r.op = remap(&r.op);
                    r.target.span = remap(&r.target.span);
                    r.heredoc = None;
                }
                out.commands.push(c);
            }
            out.words.extend(sub.words.into_iter().map(|(w, r)| {
                (
                    Word {
                        span: remap(&w.span),
                        ..w
                    },
                    r && reached,
                )
            }));
            out.carets.extend(sub.carets.iter().map(remap));
            out.backgrounds.extend(sub.backgrounds.iter().map(remap));
            out.commands
                .extend(deeper.commands.into_iter().map(|mut c| {
                    c.reached &= reached;
                    c
                }));
            out.words
                .extend(deeper.words.into_iter().map(|(w, r)| (w, r && reached)));
            out.carets.extend(deeper.carets);
            out.backgrounds.extend(deeper.backgrounds);
            out.substitution_errors
                .extend(deeper.substitution_errors.into_iter().map(|mut e| {
                    e.reached &= reached;
                    e
                }));
        }
    }
    out
}

/// A backquoted command inside a word: its text as the shell parses it (`\``, `\\`, `\$`
/// and, inside double quotes, `\"` unescaped) and, per byte of that text, its offset in
/// the word (one more entry for the end).
#[derive(Debug, Clone)]
pub struct Backquote {
    pub content: String,
    pub map: Vec<usize>,
    /// The substitution with its backquotes, in the word.
    pub outer: Span,
    pub in_double_quotes: bool,
}

/// A word (or here-document body) split for the expansion lints.
#[derive(Debug, Clone)]
pub struct Expansion {
    /// The text with single-quoted and backquoted characters (and the character after a
    /// `\`) replaced by spaces, byte for byte: what is left is where `$` expands.
    pub mask: Vec<u8>,
    pub backquotes: Vec<Backquote>,
}

/// The word as the shell stores it after reading it (its `argval`): single-quoted
/// characters become `\c` each (`''` becomes `""`), everything else is kept as written.
/// With, per byte, its offset in `raw`.
fn stored_word(raw: &[u8]) -> (Vec<u8>, Vec<usize>) {
    let mut out = Vec::with_capacity(raw.len());
    let mut map = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let c = raw[i];
        match c {
            b'\'' => {
                let start = out.len();
                let mut j = i + 1;
                while j < raw.len() && raw[j] != b'\'' {
                    out.extend([b'\\', raw[j]]);
                    map.extend([j, j]);
                    j += 1;
                }
                if out.len() == start {
                    out.extend(b"\"\"");
                    map.extend([i, i]);
                }
                i = j + 1;
                continue;
            }
            b'\\' => {
                out.push(c);
                map.push(i);
                if i + 1 < raw.len() {
                    out.push(raw[i + 1]);
                    map.push(i + 1);
                }
                i += 2;
                continue;
            }
            b'"' | b'`' => {
                out.push(c);
                map.push(i);
                let mut j = i + 1;
                while j < raw.len() {
                    out.push(raw[j]);
                    map.push(j);
                    if raw[j] == c {
                        break;
                    }
                    if raw[j] == b'\\' && j + 1 < raw.len() {
                        out.push(raw[j + 1]);
                        map.push(j + 1);
                        j += 1;
                    }
                    j += 1;
                }
                i = j + 1;
                continue;
            }
            _ => {
                out.push(c);
                map.push(i);
            }
        }
        i += 1;
    }
    (out, map)
}

/// Split `raw` (a word as written, or a here-document body when `heredoc`) into where `$`
/// expands and the backquoted commands, the way the shell expands it: from the word as
/// it stored it ([`stored_word`]), so a backquote inside single quotes is an escaped
/// character, and a backquoted command runs to the next unescaped backquote.
pub fn expansion(raw: &str, heredoc: bool) -> Expansion {
    let raw_bytes = raw.as_bytes();
    let (b, at) = if heredoc {
        (raw_bytes.to_vec(), (0..raw_bytes.len()).collect())
    } else {
        stored_word(raw_bytes)
    };
    let mut mask = raw_bytes.to_vec();
    let blank = |k: usize, mask: &mut Vec<u8>| {
        if let Some(&r) = at.get(k) {
            mask[r] = b' ';
        }
    };
    let mut backquotes = Vec::new();
    let mut i = 0;
    let mut double = false;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                blank(i + 1, &mut mask);
                i += 2;
                continue;
            }
            b'"' if !heredoc => double = !double,
            b'`' => {
                let start = i;
                let mut content = Vec::new();
                let mut map = Vec::new();
                let mut j = i + 1;
                while j < b.len() && b[j] != b'`' {
                    if b[j] == b'\\' && j + 1 < b.len() {
                        let n = b[j + 1];
                        let drop = matches!(n, b'`' | b'\\' | b'$') || (n == b'"' && double);
                        if !drop {
                            content.push(b'\\');
                            map.push(at[j]);
                        }
                        content.push(n);
                        map.push(at[j + 1]);
                        j += 2;
                        continue;
                    }
                    content.push(b[j]);
                    map.push(at[j]);
                    j += 1;
                }
                map.push(at.get(j).copied().unwrap_or(raw_bytes.len()));
                for k in start + 1..j.min(b.len()) {
                    blank(k, &mut mask);
                }
                let outer_end = at.get(j).map_or(raw_bytes.len(), |&r| r + 1);
                backquotes.push(Backquote {
                    content: String::from_utf8_lossy(&content).into_owned(),
                    map,
                    outer: at[start]..outer_end,
                    in_double_quotes: double,
                });
                i = j + 1;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    // Single-quoted characters were stored as `\\c`: blanked like any escaped one.
    Expansion { mask, backquotes }
}

#[cfg(test)]
mod tests;
