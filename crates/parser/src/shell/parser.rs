//! The grammar of the SVR4 Bourne shell, as Solaris 10 `/sbin/sh` parses it.
//!
//! A recursive-descent parser over [`Lexer`] tokens that asks for reserved words exactly
//! where that shell does: at the start of a command (after `;`, `&`, `&&`, `||`, `|`, a
//! newline, `(`, and the reserved words that open a list), at the first pattern of each
//! `case` arm (so `done)` is a syntax error there, while `a|done)` is not), right after the
//! word that closes a compound command, and after `case WORD` / `for NAME`. Everywhere else
//! a reserved word is a plain word (`echo done`, `x=1 if`).
//!
//! Some consequences that differ from POSIX shells and are reproduced here: `for x; do`
//! and `for x in; do` are syntax errors; `case` patterns may not start with `(`; the empty
//! command after a `|` is accepted (`a | ;`); an unterminated quote just ends at the end of
//! the file; `name()` may be followed by any command, not only `{ … }`; `^` is a pipe.
//!
//! Like the shell, the parser stops at the first syntax error. It records, as it goes,
//! every simple command and every word the shell expands, each marked with whether
//! `sh -n` reaches it: that shell's `-n` still walks the commands it would run (without
//! running them) and expands their words, so it parses a backquoted command in the `then`
//! branch but not in the `else` branch (see [`super::Script::rejected_by_sh_n`]).

use super::lexer::{Lexer, RedirKind, Reserved, Token, TokenKind};
use super::{Redirect, Script, SimpleCommand, SyntaxError};
use crate::source::Word;

/// Deeper nesting than this is refused rather than risking the stack (no real script
/// comes near it).
const MAX_DEPTH: usize = 200;

/// The shell's builtin commands (whose leading assignments it expands even under `-n`).
const BUILTINS: &[&str] = &[
    ".", ":", "[", "bg", "break", "cd", "chdir", "continue", "echo", "eval", "exec", "exit",
    "export", "fg", "getopts", "hash", "jobs", "kill", "login", "newgrp", "pwd", "read",
    "readonly", "return", "set", "shift", "stop", "suspend", "test", "times", "trap", "type",
    "ulimit", "umask", "unset", "wait",
];

/// What may end a list (the shell's `sym` argument of `cmd`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// The list of a `case` arm: ended by whatever comes (`;;`, `esac`).
    Any,
    /// A top-level command: a newline or the end of the file.
    Top,
    /// A backquoted command: the end of its text.
    Eof,
    Then,
    ElseElifFi,
    Fi,
    Do,
    Done,
    RBrace,
    RParen,
}

impl End {
    fn accepts(self, tok: &TokenKind) -> bool {
        let r = |w: Reserved| *tok == TokenKind::Word(Some(w));
        match self {
            End::Any => true,
            End::Top => *tok == TokenKind::Newline,
            End::Eof => *tok == TokenKind::Eof,
            End::Then => r(Reserved::Then),
            End::ElseElifFi => r(Reserved::Else) || r(Reserved::Elif) || r(Reserved::Fi),
            End::Fi => r(Reserved::Fi),
            End::Do => r(Reserved::Do),
            End::Done => r(Reserved::Done),
            End::RBrace => r(Reserved::RBrace),
            End::RParen => *tok == TokenKind::RParen,
        }
    }

    fn expected(self) -> &'static str {
        match self {
            End::Any => "a command",
            End::Top => "a newline or `;`",
            End::Eof => "the end of the backquoted command",
            End::Then => "`then`",
            End::ElseElifFi => "`else`, `elif` or `fi`",
            End::Fi => "`fi`",
            End::Do => "`do`",
            End::Done => "`done`",
            End::RBrace => "`}`",
            End::RParen => "`)`",
        }
    }
}

pub(super) struct Parser<'a> {
    lx: Lexer<'a>,
    text: &'a str,
    tok: Token,
    /// Whether `sh -n` reaches the command being parsed.
    reached: bool,
    depth: usize,
    pub(super) out: Script,
}

type PResult<T> = Result<T, SyntaxError>;

impl<'a> Parser<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Parser {
            lx: Lexer::new(text),
            text,
            tok: Token {
                kind: TokenKind::Newline,
                span: 0..0,
            },
            reached: true,
            depth: 0,
            out: Script::default(),
        }
    }

    fn advance(&mut self, reserved: bool) {
        self.tok = self.lx.next(reserved);
    }

    /// The shell's `skipnl`: next token with reserved words, skipping newlines.
    fn skip_newlines(&mut self) {
        loop {
            self.advance(true);
            if self.tok.kind != TokenKind::Newline {
                break;
            }
        }
    }

    fn word(&self) -> Word {
        Word {
            text: self.lx.last_word.clone(),
            span: self.tok.span.clone(),
        }
    }

    fn is_plain_word(&self) -> bool {
        self.tok.kind == TokenKind::Word(None)
    }

    fn is_reserved(&self, r: Reserved) -> bool {
        self.tok.kind == TokenKind::Word(Some(r))
    }

    /// A syntax error at the current token.
    fn error(&self, expected: impl Into<String>) -> SyntaxError {
        let found = match self.tok.kind {
            TokenKind::Word(Some(r)) => format!("the reserved word `{}`", r.as_str()),
            TokenKind::Word(None) => format!("`{}`", self.lx.last_word),
            TokenKind::Newline => "a newline".into(),
            TokenKind::Eof => "the end of the file".into(),
            _ => format!("`{}`", &self.text[self.tok.span.clone()]),
        };
        SyntaxError {
            span: self.tok.span.clone(),
            found,
            expected: expected.into(),
            hint: None,
            token: self.tok.kind,
        }
    }

    /// [`Parser::error`] with how to write it for this shell.
    fn error_hint(&self, expected: &str, hint: impl Into<String>) -> SyntaxError {
        SyntaxError {
            hint: Some(hint.into()),
            ..self.error(expected)
        }
    }

    /// Parse the whole text as a script (a sequence of top-level commands).
    pub(super) fn parse_script(mut self) -> Script {
        loop {
            if let Err(e) = self.list_of(End::Top, false, true) {
                self.out.error = Some(e);
                break;
            }
            if self.tok.kind == TokenKind::Eof {
                break;
            }
        }
        self.finish()
    }

    /// Parse the whole text as the command of a backquote substitution.
    pub(super) fn parse_substitution(mut self) -> Script {
        if let Err(e) = self.list_of(End::Eof, true, true) {
            self.out.error = Some(e);
        }
        self.finish()
    }

    fn finish(mut self) -> Script {
        self.out.heredocs = self.lx.heredocs.iter().flatten().cloned().collect();
        self.out
    }

    /// The shell's `cmd`: a list of and-or lists separated by `;`, `&` (and newlines when
    /// `newlines`), ended by `end`. Returns whether it held a command.
    fn list_of(&mut self, end: End, newlines: bool, mut empty_ok: bool) -> PResult<bool> {
        let mut any = false;
        // A `;` with nothing before it: the shell notices only after the rest (so an error
        // there comes first), but the `;` is what to point at.
        let mut empty_before_semi: Option<SyntaxError> = None;
        loop {
            let item = self.and_or(newlines)?;
            any |= item;
            let mut semi = false;
            if self.tok.kind == TokenKind::Newline {
                semi = newlines;
            } else if !item && !empty_ok {
                return Err(self.error(if end == End::Top {
                    "a command".to_string()
                } else {
                    format!("a command or {}", end.expected())
                }));
            }
            match self.tok.kind {
                TokenKind::Amp => {
                    if !item {
                        return Err(self.error("a command before `&`"));
                    }
                    self.out.backgrounds.push(self.tok.span.clone());
                    empty_ok = true;
                }
                TokenKind::Semi => {
                    if !item && empty_before_semi.is_none() {
                        empty_before_semi = Some(self.error("a command before `;`"));
                    }
                    empty_ok = true;
                }
                _ if semi => {
                    empty_ok = true;
                }
                TokenKind::Eof if end == End::Top => break,
                _ => {
                    if end != End::Any && !end.accepts(&self.tok.kind) {
                        return Err(self.error(end.expected()));
                    }
                    break;
                }
            }
        }
        if let Some(e) = empty_before_semi {
            return Err(e);
        }
        Ok(any)
    }

    /// The shell's `list`: pipelines joined by `&&` and `||`.
    fn and_or(&mut self, newlines: bool) -> PResult<bool> {
        let item = self.pipeline(newlines)?;
        if !item {
            return Ok(false);
        }
        let outer = self.reached;
        while matches!(self.tok.kind, TokenKind::AndAnd | TokenKind::OrOr) {
            // `sh -n` treats every command as successful: it never reaches the right of
            // `||`, and reaches the right of `&&` when it reached the list so far (`a || b
            // && c` is `(a || b) && c`).
            self.reached = outer && self.tok.kind == TokenKind::AndAnd;
            if !self.pipeline(true)? {
                return Err(self.error("a command after `&&` or `||`"));
            }
        }
        self.reached = outer;
        Ok(true)
    }

    /// The shell's `term`: commands joined by `|` or `^`. After a pipe symbol the shell
    /// accepts an empty command.
    fn pipeline(&mut self, newlines: bool) -> PResult<bool> {
        if newlines {
            self.skip_newlines();
        } else {
            self.advance(true);
        }
        let first = self.command(true)?;
        if !first {
            return Ok(false);
        }
        while matches!(self.tok.kind, TokenKind::Pipe | TokenKind::Caret) {
            if self.tok.kind == TokenKind::Caret {
                self.out.carets.push(self.tok.span.clone());
            }
            self.skip_newlines();
            if !self.command(true)? {
                break;
            }
        }
        Ok(true)
    }

    /// Redirections at the current token (the shell's `inout`).
    fn redirections(&mut self, into: &mut Vec<Redirect>) -> PResult<()> {
        while let TokenKind::Redirect { kind, fd } = self.tok.kind {
            let op = self.tok.span.clone();
            self.advance(false);
            if !self.is_plain_word() {
                return Err(self.error(format!(
                    "a word (file name{}) after `{}`",
                    if matches!(kind, RedirKind::HereDoc { .. }) {
                        " or here-document terminator"
                    } else {
                        ""
                    },
                    &self.text[op.clone()]
                )));
            }
            let target = self.word();
            let heredoc = if let RedirKind::HereDoc { strip } = kind {
                // The shell expands the terminator word when it reads the body, at the
                // newline, whether or not the command will run.
                self.out.words.push((target.clone(), true));
                Some(self.lx.queue_heredoc(&target.text, strip))
            } else {
                self.out.words.push((target.clone(), self.reached));
                None
            };
            into.push(Redirect {
                op,
                fd,
                kind,
                target,
                heredoc,
            });
            self.advance(false);
        }
        Ok(())
    }

    /// The shell's `item`: one simple or compound command. `leading_redirections`: whether
    /// redirections may come first. Returns whether there was a command.
    fn command(&mut self, leading_redirections: bool) -> PResult<bool> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(format!(
                "commands nested at most {MAX_DEPTH} deep (zflash stops here)"
            )));
        }
        let result = self.command_inner(leading_redirections);
        self.depth -= 1;
        result
    }

    fn command_inner(&mut self, leading_redirections: bool) -> PResult<bool> {
        let mut redirects = Vec::new();
        if leading_redirections {
            self.redirections(&mut redirects)?;
        }
        let outer = self.reached;
        match self.tok.kind {
            TokenKind::Word(Some(Reserved::Case)) => self.case_command()?,
            TokenKind::Word(Some(Reserved::If)) => {
                let elif = self.if_command()?;
                self.reached = outer;
                if elif {
                    // `elif`: the nested `if` already read what follows.
                    return Ok(true);
                }
            }
            TokenKind::Word(Some(Reserved::For)) => self.for_command()?,
            TokenKind::Word(Some(Reserved::While | Reserved::Until)) => {
                self.list_of(End::Do, true, false)?;
                self.reached = false;
                self.list_of(End::Done, true, false)?;
            }
            TokenKind::Word(Some(Reserved::LBrace)) => {
                self.list_of(End::RBrace, true, false)?;
            }
            TokenKind::LParen => {
                self.list_of(End::RParen, true, false)?;
            }
            TokenKind::Word(None) => return self.simple_command(redirects, leading_redirections),
            _ if redirects.is_empty() => return Ok(false),
            _ => return self.simple_command(redirects, leading_redirections),
        }
        self.reached = outer;
        // The word after a compound command's closing word is read with reserved words on.
        self.advance(true);
        self.redirections(&mut redirects)?;
        Ok(true)
    }

    /// `if`; returns true when it ended with `elif` (whose nested `if` read on).
    fn if_command(&mut self) -> PResult<bool> {
        self.list_of(End::Then, true, false)?;
        self.list_of(End::ElseElifFi, true, false)?;
        self.reached = false;
        if self.is_reserved(Reserved::Else) {
            self.list_of(End::Fi, true, false)?;
        } else if self.is_reserved(Reserved::Elif) {
            self.tok.kind = TokenKind::Word(Some(Reserved::If));
            self.command(false)?;
            return Ok(true);
        }
        Ok(false)
    }

    fn for_command(&mut self) -> PResult<()> {
        self.advance(false);
        if !self.is_plain_word() {
            return Err(self.error("a variable name after `for`"));
        }
        self.skip_newlines();
        let mut body_reached = false;
        if self.is_reserved(Reserved::In) {
            self.advance(false);
            if !self.is_plain_word() {
                return Err(self.error_hint(
                    "a word after `for NAME in`",
                    "this shell does not take an empty list: leave out `in` to loop over \"$@\"",
                ));
            }
            let start = self.out.commands.len();
            // The list is read like a command's words.
            self.command(false)?;
            if let Some(list) = self.out.commands.get(start) {
                body_reached = list.words.iter().any(|w| !may_vanish(&w.text));
            }
            // The list is not a command (its words are already among the expanded ones).
            self.out.commands.truncate(start);
            if !matches!(self.tok.kind, TokenKind::Newline | TokenKind::Semi) {
                return Err(self.error("a newline or `;` after the list of `for`"));
            }
            self.skip_newlines();
        } else if self.tok.kind == TokenKind::Semi {
            return Err(self.error_hint(
                "`do` or `in` after `for NAME`",
                "this shell takes no `;` there: write `for NAME do` or `for NAME in LIST; do`",
            ));
        }
        self.reached &= body_reached;
        if self.is_reserved(Reserved::Do) {
            self.list_of(End::Done, true, false)?;
        } else if self.is_reserved(Reserved::LBrace) {
            self.list_of(End::RBrace, true, false)?;
        } else {
            return Err(self.error("`do` (or `{`) to start the body of `for`"));
        }
        Ok(())
    }

    fn case_command(&mut self) -> PResult<()> {
        self.advance(false);
        if !self.is_plain_word() {
            return Err(self.error("a word after `case`"));
        }
        let subject = self.word();
        self.out.words.push((subject.clone(), self.reached));
        self.skip_newlines();
        let end = if self.is_reserved(Reserved::In) {
            Reserved::Esac
        } else if self.is_reserved(Reserved::LBrace) {
            Reserved::RBrace
        } else {
            return Err(self.error("`in` after `case WORD`"));
        };
        let outer = self.reached;
        let literal = literal_value(&subject.text);
        let mut matched = false;
        loop {
            self.skip_newlines();
            if self.is_reserved(end) {
                break;
            }
            let mut arm_matches = false;
            loop {
                // `in` is not reserved as a pattern; every other reserved word is.
                if !(self.is_plain_word() || self.is_reserved(Reserved::In)) {
                    return Err(self.case_pattern_error());
                }
                let pattern = self.word();
                arm_matches |= match &literal {
                    Some(s) => {
                        glob_match(&literal_value(&pattern.text).unwrap_or_default(), s)
                            || pattern.text == "*"
                    }
                    None => pattern.text == "*",
                };
                self.advance(false);
                match self.tok.kind {
                    TokenKind::Pipe => self.advance(false),
                    TokenKind::RParen => break,
                    _ => return Err(self.error("`)` or `|` after a case pattern")),
                }
            }
            self.reached = outer && arm_matches && !matched;
            matched |= arm_matches;
            self.list_of(End::Any, true, true)?;
            self.reached = outer;
            if self.tok.kind == TokenKind::DoubleSemi {
                continue;
            }
            if !self.is_reserved(end) {
                return Err(self.error(format!("`;;` or `{}`", end.as_str())));
            }
            break;
        }
        Ok(())
    }

    fn case_pattern_error(&self) -> SyntaxError {
        let expected = "a case pattern";
        if let TokenKind::Word(Some(r)) = self.tok.kind {
            self.error_hint(
                expected,
                format!(
                    "/sbin/sh reads `{0}` at the start of a case arm as the reserved word: \
                     quote it, `\"{0}\")`",
                    r.as_str()
                ),
            )
        } else if self.tok.kind == TokenKind::LParen {
            self.error_hint(
                expected,
                "/sbin/sh does not take the POSIX `(pattern)` form: drop the `(`",
            )
        } else {
            self.error(expected)
        }
    }

    fn simple_command(
        &mut self,
        mut redirects: Vec<Redirect>,
        with_redirections: bool,
    ) -> PResult<bool> {
        let start = self.tok.span.start;
        if self.tok.kind != TokenKind::Newline && self.lx.peek_after_blanks() == Some(b'(') {
            // `name()`: a function definition.
            let name = self.word();
            self.lx.consume_char();
            if self.lx.peek_after_blanks() != Some(b')') {
                return Err(if name.text.ends_with('$') {
                    self.error_hint(
                        "a word without `$(`",
                        "`$( )` command substitution does not exist in /sbin/sh: use \
                         backquotes, `cmd`",
                    )
                } else {
                    self.error_hint(
                        "`()` after the name (a function definition)",
                        "a `(` inside a word must be quoted",
                    )
                });
            }
            self.lx.consume_char();
            self.out.functions.push(name);
            let outer = self.reached;
            self.reached = false;
            self.skip_newlines();
            let r = self.command(false);
            self.reached = outer;
            r?;
            return Ok(true);
        }
        let mut words = Vec::new();
        let first_word = self.out.words.len();
        while self.is_plain_word() {
            let w = self.word();
            self.out.words.push((w.clone(), self.reached));
            words.push(w);
            self.advance(false);
            if with_redirections {
                self.redirections(&mut redirects)?;
            }
        }
        // `sh -n` expands the leading assignments only of a command that is a builtin, that
        // has no command word or that has redirections (found by comparing with the
        // shell): mark the others not reached.
        let assignments = words
            .iter()
            .take_while(|w| super::is_assignment(&w.text))
            .count();
        if let Some(name) = words.get(assignments)
            && !BUILTINS.contains(&name.text.as_str())
            && redirects.is_empty()
        {
            let mut left = assignments;
            for (w, reached) in &mut self.out.words[first_word..] {
                if left == 0 {
                    break;
                }
                if words[..assignments].iter().any(|a| a.span == w.span) {
                    *reached = false;
                    left -= 1;
                }
            }
        }
        self.out.commands.push(SimpleCommand {
            words,
            redirects,
            reached: self.reached,
            start,
        });
        Ok(true)
    }
}

/// The value of a word with no expansion in it (quotes removed), or `None`.
fn literal_value(word: &str) -> Option<String> {
    if word.contains(['$', '`']) {
        return None;
    }
    let mut out = String::new();
    let mut chars = word.chars();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (Some('\''), c) => out.push(c),
            (_, '\\') => out.extend(chars.next()),
            (_, c) => out.push(c),
        }
    }
    Some(out)
}

/// Whether a word may expand to no field at all under `sh -n` (where command substitutions
/// give nothing and variables are mostly unset): nothing but unquoted `$…` and backquotes.
fn may_vanish(word: &str) -> bool {
    if word.contains(['"', '\'', '\\']) {
        return false;
    }
    let e = super::expansion(word, false);
    let mask = e.mask;
    let mut i = 0;
    while i < mask.len() {
        match mask[i] {
            b'$' if mask.get(i + 1) == Some(&b'{') => {
                i = mask[i..]
                    .iter()
                    .position(|&b| b == b'}')
                    .map_or(mask.len(), |p| i + p + 1);
            }
            b'$' => {
                i += 1;
                if i < mask.len() && !mask[i].is_ascii_alphanumeric() && mask[i] != b'_' {
                    i += 1;
                } else {
                    while i < mask.len() && (mask[i].is_ascii_alphanumeric() || mask[i] == b'_') {
                        i += 1;
                    }
                }
            }
            b'`' | b' ' => i += 1,
            _ => return false,
        }
    }
    true
}

/// A small glob (`*`, `?`, `[…]`) for reach only: which `case` arm `sh -n` walks.
fn glob_match(pattern: &str, s: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = s.chars().collect();
    fn go(p: &[char], s: &[char]) -> bool {
        match p.first() {
            None => s.is_empty(),
            Some('*') => (0..=s.len()).any(|i| go(&p[1..], &s[i..])),
            Some('?') => !s.is_empty() && go(&p[1..], &s[1..]),
            Some('[') => match p.iter().position(|&c| c == ']') {
                Some(close) if close > 1 && !s.is_empty() => {
                    p[1..close].contains(&s[0]) && go(&p[close + 1..], &s[1..])
                }
                _ => !s.is_empty() && s[0] == '[' && go(&p[1..], &s[1..]),
            },
            Some(&c) => !s.is_empty() && s[0] == c && go(&p[1..], &s[1..]),
        }
    }
    // Bounded: the backtracking on `*` is exponential in the number of stars.
    p.len() <= 64 && p.iter().filter(|&&c| c == '*').count() <= 4 && go(&p, &s)
}
