//! The token layer of the SVR4 Bourne shell (Solaris 10 `/sbin/sh`), with byte spans.
//!
//! The shell has no separate tokenizer pass: its parser asks for the next token and says
//! whether a reserved word may be recognised there. [`Lexer::next`] works the same way, so
//! `done` is a reserved word at the start of a command or of a `case` arm, and a plain word
//! as an argument. What the lexer knows of that shell:
//! - blanks are space and tab; `\` before a newline joins lines everywhere except inside
//!   single quotes and comments;
//! - `#` starts a comment only where a word would start;
//! - the characters that end a word are the blanks, newline and `; & | ^ < > ( )` (`^` is
//!   the old pipe symbol);
//! - `'…'` and `"…"` and `` `…` `` are read to their closing quote (in `"…"` and `` `…` ``
//!   a `\` quotes the next character); a quote left open at the end of the file just ends
//!   the word there (the shell does not complain);
//! - a one-digit word right before `<` or `>` is the file descriptor of the redirection;
//! - here-document bodies are read when the newline that ends their command is read.

use crate::source::Span;

/// A reserved word, recognised only where the parser asks for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reserved {
    Case,
    Do,
    Done,
    Elif,
    Else,
    Esac,
    Fi,
    For,
    If,
    In,
    Then,
    Until,
    While,
    LBrace,
    RBrace,
}

impl Reserved {
    pub fn lookup(word: &str) -> Option<Reserved> {
        Some(match word {
            "case" => Reserved::Case,
            "do" => Reserved::Do,
            "done" => Reserved::Done,
            "elif" => Reserved::Elif,
            "else" => Reserved::Else,
            "esac" => Reserved::Esac,
            "fi" => Reserved::Fi,
            "for" => Reserved::For,
            "if" => Reserved::If,
            "in" => Reserved::In,
            "then" => Reserved::Then,
            "until" => Reserved::Until,
            "while" => Reserved::While,
            "{" => Reserved::LBrace,
            "}" => Reserved::RBrace,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Reserved::Case => "case",
            Reserved::Do => "do",
            Reserved::Done => "done",
            Reserved::Elif => "elif",
            Reserved::Else => "else",
            Reserved::Esac => "esac",
            Reserved::Fi => "fi",
            Reserved::For => "for",
            Reserved::If => "if",
            Reserved::In => "in",
            Reserved::Then => "then",
            Reserved::Until => "until",
            Reserved::While => "while",
            Reserved::LBrace => "{",
            Reserved::RBrace => "}",
        }
    }
}

/// What a redirection does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirKind {
    /// `<`
    Input,
    /// `>`
    Output,
    /// `>>`
    Append,
    /// `<&` / `>&`
    Dup,
    /// `<>`
    ReadWrite,
    /// `<<` (`strip`: `<<-`)
    HereDoc { strip: bool },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A word; `Some` when it is a reserved word and the parser asked for those.
    Word(Option<Reserved>),
    Semi,
    DoubleSemi,
    Amp,
    AndAnd,
    Pipe,
    /// `^`, a pipe in this shell.
    Caret,
    OrOr,
    LParen,
    RParen,
    Redirect {
        fd: Option<u8>,
        kind: RedirKind,
    },
    Newline,
    Eof,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

/// A here-document whose body the lexer must read at the next newline.
#[derive(Debug, Clone)]
struct PendingHereDoc {
    terminator: String,
    strip: bool,
    quoted: bool,
    index: usize,
}

/// A here-document body as read: its span (without the terminator line) and whether the
/// shell expands `$` and backquotes in it (an unquoted terminator word).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HereDocBody {
    pub body: Span,
    pub expands: bool,
}

pub struct Lexer<'a> {
    text: &'a [u8],
    pos: usize,
    pending: Vec<PendingHereDoc>,
    /// Bodies read so far, by the index given when they were queued.
    pub heredocs: Vec<Option<HereDocBody>>,
    /// The last word read, as the shell sees it (line continuations removed).
    pub last_word: String,
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Characters that end a word (besides the end of the text).
pub fn is_meta(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'^' | b'<' | b'>' | b'(' | b')'
    )
}

impl<'a> Lexer<'a> {
    pub fn new(text: &'a str) -> Self {
        Lexer {
            text: text.as_bytes(),
            pos: 0,
            pending: Vec::new(),
            heredocs: Vec::new(),
            last_word: String::new(),
        }
    }

    /// Skip `\`-newline pairs at the current position.
    fn skip_continuations(&mut self) {
        while self.text.get(self.pos) == Some(&b'\\') && self.text.get(self.pos + 1) == Some(&b'\n')
        {
            self.pos += 2;
        }
    }

    /// The next character as the shell's `nextwc` sees it (line continuations removed),
    /// without consuming it.
    fn peek(&mut self) -> Option<u8> {
        self.skip_continuations();
        self.text.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    /// Skip blanks; the next character after them (for `name()`).
    pub fn peek_after_blanks(&mut self) -> Option<u8> {
        while let Some(b) = self.peek() {
            if !is_blank(b) {
                return Some(b);
            }
            self.pos += 1;
        }
        None
    }

    /// Consume one character already seen with [`Lexer::peek_after_blanks`].
    pub fn consume_char(&mut self) {
        self.bump();
    }

    pub fn offset(&self) -> usize {
        self.pos
    }

    /// Queue a here-document; `word` is its terminator word as written. Returns its index.
    pub fn queue_heredoc(&mut self, word: &str, strip: bool) -> usize {
        let quoted = word.bytes().any(|b| matches!(b, b'\'' | b'"' | b'\\'));
        let mut terminator = unquote(word);
        if strip {
            terminator = terminator.trim_start_matches('\t').to_string();
        }
        let index = self.heredocs.len();
        self.heredocs.push(None);
        self.pending.push(PendingHereDoc {
            terminator,
            strip,
            quoted,
            index,
        });
        index
    }

    /// Read the bodies of the queued here-documents (at a newline), in the order written.
    fn read_heredocs(&mut self) {
        for doc in std::mem::take(&mut self.pending) {
            let start = self.pos;
            let end;
            loop {
                if self.pos >= self.text.len() {
                    end = self.pos;
                    break;
                }
                let line_start = self.pos;
                let mut line = Vec::new();
                let mut at_line_start = true;
                loop {
                    // A quoted terminator: the body is read raw; otherwise `\`-newline joins
                    // lines (so a joined line can never be the terminator).
                    let b = if doc.quoted {
                        let b = self.text.get(self.pos).copied();
                        if b.is_some() {
                            self.pos += 1;
                        }
                        b
                    } else {
                        self.bump()
                    };
                    match b {
                        None | Some(b'\n') => break,
                        Some(b'\t') if doc.strip && at_line_start => {}
                        Some(b'\\') if !doc.quoted => {
                            // `\x` is kept as two characters (a `\`-newline pair was
                            // already removed by `bump`).
                            at_line_start = false;
                            line.push(b'\\');
                            if let Some(&n) = self.text.get(self.pos) {
                                self.pos += 1;
                                line.push(n);
                            }
                        }
                        Some(b) => {
                            at_line_start = false;
                            line.push(b);
                        }
                    }
                }
                if line == doc.terminator.as_bytes() {
                    end = line_start;
                    break;
                }
            }
            self.heredocs[doc.index] = Some(HereDocBody {
                body: start..end,
                expands: !doc.quoted,
            });
        }
    }

    /// The next token; `reserved`: whether a reserved word is recognised here.
    pub fn next(&mut self, reserved: bool) -> Token {
        loop {
            while self.peek().is_some_and(is_blank) {
                self.pos += 1;
            }
            if self.peek() == Some(b'#') {
                // A comment ends at the next newline; `\` does not continue it.
                while let Some(&b) = self.text.get(self.pos) {
                    if b == b'\n' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Token {
                kind: TokenKind::Eof,
                span: start..start,
            };
        };
        if !is_meta(c) {
            return self.word(start, reserved);
        }
        self.pos += 1;
        let kind = match c {
            b'\n' => {
                let tok = Token {
                    kind: TokenKind::Newline,
                    span: start..self.pos,
                };
                if !self.pending.is_empty() {
                    self.read_heredocs();
                }
                return tok;
            }
            b'(' => TokenKind::LParen,
            b')' => TokenKind::RParen,
            b'^' => TokenKind::Caret,
            b';' if self.peek() == Some(b';') => {
                self.pos += 1;
                TokenKind::DoubleSemi
            }
            b';' => TokenKind::Semi,
            b'&' if self.peek() == Some(b'&') => {
                self.pos += 1;
                TokenKind::AndAnd
            }
            b'&' => TokenKind::Amp,
            b'|' if self.peek() == Some(b'|') => {
                self.pos += 1;
                TokenKind::OrOr
            }
            b'|' => TokenKind::Pipe,
            _ => return self.redirect(start, c, None),
        };
        Token {
            kind,
            span: start..self.pos,
        }
    }

    /// `<`, `>` and what follows them; `c` has been consumed.
    fn redirect(&mut self, start: usize, c: u8, fd: Option<u8>) -> Token {
        let kind = if self.peek() == Some(c) {
            self.pos += 1;
            if c == b'<' {
                let strip = self.peek() == Some(b'-');
                if strip {
                    self.pos += 1;
                }
                RedirKind::HereDoc { strip }
            } else {
                RedirKind::Append
            }
        } else {
            match self.peek() {
                Some(b'&') => {
                    self.pos += 1;
                    RedirKind::Dup
                }
                Some(b'>') if c == b'<' => {
                    self.pos += 1;
                    RedirKind::ReadWrite
                }
                _ if c == b'<' => RedirKind::Input,
                _ => RedirKind::Output,
            }
        };
        Token {
            kind: TokenKind::Redirect { fd, kind },
            span: start..self.pos,
        }
    }

    fn word(&mut self, start: usize, reserved: bool) -> Token {
        // The word without line continuations: what the shell compares with the reserved
        // words and the here-document terminator.
        let mut cooked: Vec<u8> = Vec::new();
        while let Some(c) = self.peek() {
            if is_meta(c) {
                break;
            }
            self.pos += 1;
            cooked.push(c);
            match c {
                b'\'' => {
                    // Raw up to the closing quote: no continuation, no escape.
                    while let Some(&b) = self.text.get(self.pos) {
                        self.pos += 1;
                        cooked.push(b);
                        if b == b'\'' {
                            break;
                        }
                    }
                }
                b'\\' => {
                    if let Some(&b) = self.text.get(self.pos) {
                        self.pos += 1;
                        cooked.push(b);
                    }
                }
                b'"' | b'`' => {
                    while let Some(b) = self.bump() {
                        cooked.push(b);
                        if b == c {
                            break;
                        }
                        if b == b'\\'
                            && let Some(&n) = self.text.get(self.pos)
                        {
                            self.pos += 1;
                            cooked.push(n);
                        }
                    }
                }
                _ => {}
            }
        }
        if cooked.len() == 1
            && cooked[0].is_ascii_digit()
            && let Some(r @ (b'<' | b'>')) = self.text.get(self.pos).copied()
        {
            self.pos += 1;
            return self.redirect(start, r, Some(cooked[0] - b'0'));
        }
        self.last_word = String::from_utf8_lossy(&cooked).into_owned();
        let word = if reserved {
            Reserved::lookup(&self.last_word)
        } else {
            None
        };
        Token {
            kind: TokenKind::Word(word),
            span: start..self.pos,
        }
    }
}

/// A word with its quoting removed, as the shell compares a here-document terminator:
/// `'…'` literal, `\x` is `x` outside quotes, and inside `"…"` only before `$ ` \ "`.
pub fn unquote(word: &str) -> String {
    let mut out = String::new();
    let mut chars = word.chars().peekable();
    let mut double = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' if !double => {
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    out.push(q);
                }
            }
            '"' => double = !double,
            '\\' => match chars.peek() {
                Some(&n) if !double || matches!(n, '$' | '`' | '\\' | '"') => {
                    out.push(n);
                    chars.next();
                }
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    out
}
